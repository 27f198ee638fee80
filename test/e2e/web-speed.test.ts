import type { BrowserContext, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DEMO_GTIN, DEMO_LOT } from '../../src/modules/market/seed.ts';
import { launchBrowser } from './support/browser.ts';
import { startServerProcess, type ServerProcess } from './support/server.ts';

// Text found only inside each library's own code, whatever the chunk is called after a build.
const MAPLIBRE = 'Style is not done loading';
const ECHARTS = '_echarts_instance_';

describe('what a page downloads', () => {
  let server: ServerProcess;
  let browser: BrowserContext;
  let page: Page;
  const scripts = new Map<string, { body: string; encoding?: string; cache?: string }>();

  beforeAll(async () => {
    [server, browser] = await Promise.all([startServerProcess(), launchBrowser()]);
    page = await browser.newPage();
    page.on('response', async (res) => {
      if (res.request().resourceType() !== 'script') return;
      const headers = res.headers();
      // A script still arriving when the browser closes is of no interest.
      const body = await res.body().catch(() => null);
      if (body) scripts.set(res.url(), { body: body.toString(), encoding: headers['content-encoding'], cache: headers['cache-control'] });
    });
  });
  afterAll(async () => {
    await browser?.close();
    await server?.stop();
  });

  /** The scripts a page requested from opening until `ready` shows. */
  async function visit(url: string, ready: () => Promise<unknown>) {
    scripts.clear();
    await page.goto(url);
    await ready();
    await page.waitForLoadState('networkidle');
    return [...scripts.values()];
  }
  const carries = (list: { body: string }[], marker: string) => list.some((s) => s.body.includes(marker));

  it('the catalogue and a product page download neither MapLibre nor ECharts, compressed and cached for a year', async () => {
    const catalogue = await visit(`${server.url}/market`, () => page.locator('.product-card').first().waitFor());
    expect(catalogue.length).toBeGreaterThan(1);
    expect(carries(catalogue, MAPLIBRE)).toBe(false);
    expect(carries(catalogue, ECHARTS)).toBe(false);
    for (const s of catalogue) {
      expect(s.encoding).toBe('br');
      expect(s.cache).toBe('public, max-age=31536000, immutable');
    }

    scripts.clear();
    await page.locator('.product-card a').first().click();
    await page.getByRole('button', { name: '加入购物车' }).waitFor();
    await page.waitForLoadState('networkidle');
    const product = [...scripts.values()];
    expect(carries(product, MAPLIBRE)).toBe(false);
    expect(carries(product, ECHARTS)).toBe(false);
  });

  it('the QR trace page shows the trace without MapLibre, and loads it only when the buyer asks for the map', async () => {
    await browser.clearCookies();
    const trace = await visit(`${server.url}/market/01/${DEMO_GTIN}/10/${DEMO_LOT}`, () => page.getByTestId('trace-verification').waitFor());
    expect(await page.locator('.timeline li').first().textContent()).toContain('采摘');
    expect(carries(trace, MAPLIBRE)).toBe(false);
    expect(carries(trace, ECHARTS)).toBe(false);

    scripts.clear();
    await page.getByRole('button', { name: '在地图上看' }).click();
    await page.getByTestId('village-map').locator('canvas').waitFor();
    expect(carries([...scripts.values()], MAPLIBRE)).toBe(true);
  });
});
