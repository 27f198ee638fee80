import type { BrowserContext, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { TEST_PASSWORD } from '../support/constants.ts';
import { launchBrowser, mapPixels } from './support/browser.ts';
import { startServerProcess, type ServerProcess } from './support/server.ts';

/** Every Content-Security-Policy violation a page reports, as the browser describes it. */
async function watchViolations(page: Page) {
  const violations: string[] = [];
  await page.exposeFunction('reportViolation', (v: string) => violations.push(v));
  await page.addInitScript(() => {
    document.addEventListener('securitypolicyviolation', (e) =>
      (window as unknown as { reportViolation: (v: string) => void }).reportViolation(`${e.violatedDirective} ${e.blockedURI} at ${e.sourceFile}:${e.lineNumber}`),
    );
  });
  page.on('console', (m) => {
    if (/Content Security Policy|Refused to/.test(m.text())) violations.push(m.text());
  });
  return violations;
}

describe('the web client under its Content-Security-Policy', () => {
  let server: ServerProcess;
  let browser: BrowserContext;

  beforeAll(async () => {
    [server, browser] = await Promise.all([startServerProcess(), launchBrowser({ width: 1280, height: 900 })]);
  });
  afterAll(async () => {
    await browser?.close();
    await server?.stop();
  });

  it('draws maps and charts and runs every page, the API docs too, with no policy violation', async () => {
    const page = await browser.newPage();
    const violations = await watchViolations(page);
    const headers = (await page.goto(server.url))!.headers();
    expect(headers['content-security-policy']).toContain("script-src 'self'");
    expect(headers['content-security-policy']).toContain("frame-ancestors 'none'");

    // The county map: MapLibre's worker, its canvas, its inline styles.
    await expect.poll(() => mapPixels(page, 'village-map', '#2f6b3a'), { timeout: 20_000 }).toBeGreaterThan(200);

    await page.goto(`${server.url}/login`);
    await page.getByLabel('用户名', { exact: true }).fill('admin');
    await page.getByLabel('密码', { exact: true }).fill(TEST_PASSWORD);
    await page.getByRole('button', { name: '登录' }).click();
    await expect.poll(() => page.locator('.whoami').count()).toBe(1);

    for (const [path, selector] of [
      ['/atlas', 'canvas'],
      ['/market', 'main'],
      ['/interventions/dashboard', 'canvas'],
      ['/inns', 'main'],
      ['/admin/users', 'main'],
      ['/admin/audit', 'main'],
    ] as const) {
      await page.goto(`${server.url}${path}`);
      await page.locator(selector).first().waitFor({ timeout: 20_000 });
    }
    // The building page's condition chart (ECharts) and map.
    await page.goto(`${server.url}/atlas`);
    await page.locator('a[href^="/atlas/villages/"]').first().click();
    await page.locator('canvas').first().waitFor({ timeout: 20_000 });

    // Swagger UI, served by the API itself.
    await page.goto(`${server.url}/api/docs`);
    await expect.poll(() => page.getByText('Terrace API').count(), { timeout: 20_000 }).toBeGreaterThan(0);
    // Swagger UI draws the operations tag by tag as the page scrolls: the first tag's operations show it runs.
    await expect.poll(() => page.locator('.opblock').count(), { timeout: 20_000 }).toBeGreaterThan(5);

    expect(violations).toEqual([]);
  });

  it('cannot be framed by another site', async () => {
    const page = await browser.newPage();
    await page.setContent(`<iframe src="${server.url}/" style="width:400px;height:300px"></iframe>`);
    // A refused frame holds Chromium's error page instead of the app.
    await expect.poll(() => page.frames()[1]?.url(), { timeout: 20_000 }).toMatch(/^chrome-error:/);
  });
});
