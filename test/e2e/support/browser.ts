import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { chromium, type BrowserContext, type Page } from 'playwright-core';

export const CHROMIUM = '/usr/bin/chromium';
const FLAGS = [
  '--headless',
  '--no-sandbox',
  '--disable-gpu',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
  '--no-first-run',
  '--disable-quic',
];

/** Debian's chromium through playwright-core, on a fresh profile; phone-sized unless told otherwise. */
export async function launchBrowser(viewport = { width: 390, height: 844 }): Promise<BrowserContext> {
  const profile = fs.mkdtempSync(path.join(os.tmpdir(), 'terrace-chromium-'));
  const context = await chromium.launchPersistentContext(profile, {
    executablePath: CHROMIUM,
    headless: true,
    args: FLAGS,
    viewport,
    locale: 'zh-CN',
  });
  context.on('close', () => setTimeout(() => fs.rm(profile, { recursive: true, force: true, maxRetries: 5 }, () => {}), 500));
  return context;
}

/**
 * Reads what MapLibre actually drew on a map's canvas: how many pixels are within 12 of a colour (#rrggbb), and how
 * many different colours it holds (a plain background and dots make a handful, shaded relief hundreds). The canvas is
 * copied to a 2D canvas first (the maps keep their drawing buffer for this).
 */
export function mapCanvas(page: Page, testId: string, hex = '#000000'): Promise<{ near: number; colours: number }> {
  const rgb = [1, 3, 5].map((i) => parseInt(hex.slice(i, i + 2), 16));
  return page.evaluate(
    ({ testId, rgb }) => {
      const c = document.querySelector<HTMLCanvasElement>(`[data-testid="${testId}"] canvas`);
      if (!c) return { near: 0, colours: 0 };
      const copy = document.createElement('canvas');
      copy.width = c.width;
      copy.height = c.height;
      const ctx = copy.getContext('2d')!;
      ctx.drawImage(c, 0, 0);
      const { data } = ctx.getImageData(0, 0, copy.width, copy.height);
      let near = 0;
      const seen = new Set<number>();
      for (let i = 0; i < data.length; i += 4) {
        if (Math.abs(data[i] - rgb[0]) < 12 && Math.abs(data[i + 1] - rgb[1]) < 12 && Math.abs(data[i + 2] - rgb[2]) < 12) near++;
        seen.add((data[i] << 16) | (data[i + 1] << 8) | data[i + 2]);
      }
      return { near, colours: seen.size };
    },
    { testId, rgb },
  );
}

/** How many pixels of a map's canvas are within 12 of a colour (#rrggbb). */
export const mapPixels = async (page: Page, testId: string, hex: string) => (await mapCanvas(page, testId, hex)).near;
