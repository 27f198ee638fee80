import type { BrowserContext, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { TEST_PASSWORD } from '../support/constants.ts';
import { launchBrowser, mapPixels } from './support/browser.ts';
import { startServerProcess, type ServerProcess } from './support/server.ts';

describe('mountain logistics in the browser', () => {
  let server: ServerProcess;
  let browser: BrowserContext;
  let page: Page;

  beforeAll(async () => {
    [server, browser] = await Promise.all([startServerProcess(), launchBrowser()]);
    page = await browser.newPage();
  });
  afterAll(async () => {
    await browser?.close();
    await server?.stop();
  });

  it('the operator plans tomorrow, watches progress, sees the routes on the map, dispatches and marks a stop delivered', async () => {
    await page.goto(`${server.url}/login`);
    await page.getByLabel('用户名', { exact: true }).fill('logistics');
    await page.getByLabel('密码', { exact: true }).fill(TEST_PASSWORD);
    await page.getByRole('button', { name: '登录' }).click();
    await page.locator('.whoami').waitFor();

    await page.goto(`${server.url}/logistics`);
    await expect.poll(() => page.getByRole('heading', { name: /配送需求/ }).textContent()).toBe('配送需求（20 件）');
    await page.getByRole('button', { name: '规划当天配送' }).click();
    // Progress while the job runs, then the plan.
    await page.getByRole('progressbar', { name: '规划进度' }).waitFor();
    await page.waitForURL(/\/logistics\/plans\/[0-9a-f-]{36}$/, { timeout: 60_000 });
    await expect.poll(() => page.getByTestId('plan-status').textContent()).toBe('待派发');
    expect(await page.getByTestId('plan-summary').textContent()).toMatch(/辆车\/机，\d+ 个投递点/);
    expect(await page.getByText('路线已由独立校验器复核').count()).toBe(1);
    // Drawn: the first route's green on the map's canvas, and a lane per vehicle on the timeline.
    await expect.poll(() => mapPixels(page, 'route-map', '#2f6b3a'), { timeout: 20_000 }).toBeGreaterThan(20);
    const routes = await page.getByTestId('route').count();
    expect(routes).toBeGreaterThan(0);
    expect(await page.getByRole('list', { name: '时间线' }).getByRole('listitem').count()).toBe(routes);
    // A drone's trip with its elevation profile: the ground and its flight height.
    const profile = page.getByRole('img', { name: /^高程剖面：航程 [\d.]+ 公里，海拔 \d+–\d+ 米/ }).first();
    await profile.waitFor();
    expect(await profile.locator('polyline').count()).toBe(1);
    await page.screenshot({ path: '.test-tmp/logistics-plan-phone.png', fullPage: true });

    await page.getByRole('button', { name: '派发方案' }).click();
    await expect.poll(() => page.getByTestId('plan-status').textContent()).toBe('已派发');
    const first = page.getByTestId('stop').first();
    const village = await first.locator('strong').textContent();
    await first.getByRole('button', { name: '确认送达' }).click();
    await expect.poll(() => first.locator('.tag').textContent()).toBe('已送达');
    // After a reload too: it was stored.
    await page.reload();
    const again = page.getByTestId('stop').filter({ hasText: village! }).first();
    await expect.poll(() => again.locator('.tag').textContent()).toBe('已送达');
    await page.screenshot({ path: '.test-tmp/logistics-dispatched-phone.png', fullPage: true });
  });

  it('reads in English too', async () => {
    await page.getByRole('button', { name: 'English' }).click();
    await expect.poll(() => page.getByRole('heading', { level: 1 }).textContent()).toMatch(/^Delivery plan for \d{4}-\d{2}-\d{2}$/);
    expect(await page.getByTestId('plan-status').textContent()).toBe('Dispatched');
    expect(await page.getByRole('img', { name: /^Elevation profile: [\d.]+ km flown/ }).count()).toBeGreaterThan(0);
    await page.screenshot({ path: '.test-tmp/logistics-plan-en.png', fullPage: true });
    await page.getByRole('link', { name: 'Depots and fleet' }).click();
    await expect.poll(() => page.getByTestId('vehicles').locator('li').count()).toBe(5);
    expect(await page.getByTestId('depots').textContent()).toContain('County hub');
  });
});
