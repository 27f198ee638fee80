import type { BrowserContext, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { TEST_PASSWORD } from '../support/constants.ts';
import { launchBrowser, mapPixels } from './support/browser.ts';
import { startServerProcess, type ServerProcess } from './support/server.ts';
import { apiSession } from './support/http.ts';
import { randomUUID } from 'node:crypto';
import sharp from 'sharp';

/** expect.poll with a wait long enough for a loaded machine (the default is one second). */
const poll: typeof expect.poll = (fn, options) => expect.poll(fn, { timeout: 30_000, ...(typeof options === 'number' ? { timeout: options } : options) });

// Generous limits: the machine is shared, and a day's plan and a server start take longer under load.
describe('mountain logistics in the browser', { timeout: 300_000 }, () => {
  let server: ServerProcess;
  let browser: BrowserContext;
  let page: Page;

  beforeAll(async () => {
    [server, browser] = await Promise.all([startServerProcess({ env: { LOGISTICS_MARKET_IMPORT_SECONDS: '0' }, timeoutMs: 300_000 }), launchBrowser()]);
    page = await browser.newPage();
  }, 320_000);
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
    await poll(() => page.getByRole('heading', { name: /配送需求/ }).textContent()).toBe('配送需求（20 件）');
    // The terrain in use: the bundled model with its provenance; a county's own .hgt tile replaces it, and back.
    await page.getByText('地形（高程模型）').click();
    const terrain = page.getByTestId('terrain-in-use');
    await poll(() => terrain.textContent()).toMatch(/^使用内置高程模型（30″ 网格） 来源：SRTM3/);
    const tile = Buffer.alloc(1201 * 1201 * 2);
    for (let i = 0; i < 1201 * 1201; i++) tile.writeInt16BE(300 + (i % 1201), i * 2);
    await page.getByLabel('上传高程文件（.hgt 或 GeoTIFF）').setInputFiles({ name: 'N28E119.hgt', mimeType: 'application/octet-stream', buffer: tile });
    await poll(() => terrain.textContent(), { timeout: 60_000 }).toMatch(/使用上传的高程文件：N28E119\.hgt.*SRTM \.hgt · 3″.*覆盖全县 \d+ 个站点和村/);
    await page.getByRole('button', { name: '改回内置高程模型' }).click();
    await poll(() => terrain.textContent()).toMatch(/^使用内置高程模型/);
    await page.getByRole('button', { name: '规划当天配送' }).click();
    // Progress while the job runs, then the plan.
    await page.getByRole('progressbar', { name: '规划进度' }).waitFor();
    await page.waitForURL(/\/logistics\/plans\/[0-9a-f-]{36}$/, { timeout: 60_000 });
    await poll(() => page.getByTestId('plan-status').textContent()).toBe('待派发');
    expect(await page.getByTestId('plan-summary').textContent()).toMatch(/辆车\/机，\d+ 个投递点/);
    expect(await page.getByText('路线已由独立校验器复核').count()).toBe(1);
    // Drawn: the first route's green on the map's canvas, and a lane per vehicle on the timeline.
    await poll(() => mapPixels(page, 'route-map', '#2f6b3a'), { timeout: 20_000 }).toBeGreaterThan(20);
    const routes = await page.getByTestId('route').count();
    expect(routes).toBeGreaterThan(0);
    expect(await page.getByRole('list', { name: '时间线' }).getByRole('listitem').count()).toBe(routes);
    // A drone's trip with its elevation profile: the ground and its flight height.
    const profile = page.getByRole('img', { name: /^高程剖面：航程 [\d.]+ 公里，海拔 \d+–\d+ 米/ }).first();
    await profile.waitFor();
    expect(await profile.locator('polyline').count()).toBe(1);
    // Beside it, the drone's battery over the day: drawn on a canvas, titled and with its legend for screen readers.
    const battery = page.getByTestId('battery-chart').first();
    await poll(() => battery.getAttribute('data-rendered')).toBe('true');
    expect(await battery.locator('canvas').count()).toBeGreaterThan(0);
    expect(await battery.getAttribute('aria-label')).toMatch(/^无人机 \d 号 电量随时间变化：电量（%）、换电池$/);
    expect(await page.locator('.lg-battery figcaption').first().textContent()).toMatch(/^\d+ 趟，换电池 \d+ 次/);
    await page.screenshot({ path: '.test-tmp/logistics-plan-phone.png', fullPage: true });

    await page.getByRole('button', { name: '派发方案' }).click();
    await poll(() => page.getByTestId('plan-status').textContent()).toBe('已派发');
    const first = page.getByTestId('stop').first();
    const village = await first.locator('strong').textContent();
    await first.getByRole('button', { name: '确认送达', exact: true }).click();
    await poll(() => first.locator('.tag').textContent()).toBe('已送达');
    // After a reload too: it was stored.
    await page.reload();
    const again = page.getByTestId('stop').filter({ hasText: village! }).first();
    await poll(() => again.locator('.tag').textContent()).toBe('已送达');
    await page.screenshot({ path: '.test-tmp/logistics-dispatched-phone.png', fullPage: true });
  });

  it('reads in English too', async () => {
    await page.getByRole('button', { name: 'English' }).click();
    await poll(() => page.getByRole('heading', { level: 1 }).textContent()).toMatch(/^Delivery plan for \d{4}-\d{2}-\d{2}$/);
    expect(await page.getByTestId('plan-status').textContent()).toBe('Dispatched');
    expect(await page.getByRole('img', { name: /^Elevation profile: [\d.]+ km flown/ }).count()).toBeGreaterThan(0);
    const battery = page.getByTestId('battery-chart').first();
    await poll(() => battery.getAttribute('aria-label')).toMatch(/: battery over time: Battery \(%\), Battery swap$/);
    await poll(() => battery.getAttribute('data-rendered')).toBe('true');
    expect(await battery.locator('canvas').count()).toBeGreaterThan(0);
    await page.screenshot({ path: '.test-tmp/logistics-plan-en.png', fullPage: true });
    await page.getByRole('link', { name: 'Depots and fleet' }).click();
    await poll(() => page.getByTestId('vehicles').locator('li').count()).toBe(5);
    expect(await page.getByTestId('depots').textContent()).toContain('County hub');
  });

  it('today: the operator opens the plan, sees a drone’s elevation profile, delivers a Market pickup with a photo, and the buyer sees it delivered', async () => {
    const today = new Date(Date.now() + 8 * 3600_000).toISOString().slice(0, 10);
    // A buyer's paid order of tea from 杨家堂村.
    const buyerApi = await apiSession(server.url, 'buyer');
    const products = (await buyerApi('GET', '/market/products')).body as { items: { id: string }[] };
    const product = (await buyerApi('GET', `/market/products/${products.items[0].id}`)).body as { variants: { id: string }[] };
    const address = { name: '王小明', phone: '13800001234', province: '上海市', city: '上海市', detail: '漕溪北路 88 号' };
    const order = await buyerApi('POST', '/market/orders', { items: [{ variantId: product.variants[0].id, qty: 1 }], address, idempotencyKey: randomUUID() });
    expect(order.status).toBe(201);
    const orderId = (order.body as { id: string }).id;
    const pay = await buyerApi('POST', `/market/orders/${orderId}/pay`);
    expect((await buyerApi('POST', `/payments/${(pay.body as { paymentId: string }).paymentId}/sandbox`, { outcome: 'succeeded' })).status).toBe(200);
    // Today's parcels at the villages near the depots, as tomorrow's.
    const op = await apiSession(server.url, 'logistics');
    const tomorrowReqs = (await op('GET', `/logistics/requests?date=${new Date(Date.now() + 8 * 3600_000 + 86_400_000).toISOString().slice(0, 10)}`)).body as { villageId: string; weightKg: number; windowStartMin: number; windowEndMin: number }[];
    for (const r of tomorrowReqs.slice(0, 10)) expect((await op('POST', '/logistics/requests', { villageId: r.villageId, serviceDate: today, weightKg: r.weightKg, windowStartMin: r.windowStartMin, windowEndMin: r.windowEndMin })).status).toBe(201);

    // The operator takes in the Market's paid orders and plans today.
    await page.getByRole('button', { name: '中文' }).click().catch(() => {});
    await page.goto(`${server.url}/logistics?date=${today}`);
    await page.getByText('批量导入需求').click();
    await page.getByRole('button', { name: /导入已付款的集市订单/ }).click();
    await poll(() => page.getByText(/新增 \d+ 个取件需求/).count()).toBe(1);
    await poll(() => page.getByTestId('requests').getByText('取件').count()).toBeGreaterThan(0);
    await page.getByRole('button', { name: '规划当天配送' }).click();
    await page.waitForURL(/\/logistics\/plans\/[0-9a-f-]{36}$/, { timeout: 90_000 });
    await poll(() => page.getByTestId('plan-status').textContent(), { timeout: 30_000 }).toBe('待派发');
    await poll(() => mapPixels(page, 'route-map', '#2f6b3a'), { timeout: 20_000 }).toBeGreaterThan(20);
    const profile = page.getByRole('img', { name: /^高程剖面：航程 [\d.]+ 公里/ }).first();
    await profile.waitFor();
    expect(await page.getByTestId('terrain-check').textContent()).toMatch(/每条航线已在地形上独立复核/);
    expect(await page.getByTestId('plan-figures').textContent()).toMatch(/二氧化碳 [\d.]+ 公斤/);

    await page.getByRole('button', { name: '派发方案' }).click();
    await poll(() => page.getByTestId('plan-status').textContent()).toBe('已派发');
    const pickup = page.getByTestId('stop').filter({ hasText: '杨家堂村' }).filter({ hasText: '取件' }).first();
    await pickup.getByRole('button', { name: '确认取件' }).click();
    await poll(() => pickup.locator('.tag').textContent()).toBe('已取件');
    const photo = await sharp({ create: { width: 320, height: 240, channels: 3, background: '#7a9a5a' } }).jpeg().toBuffer();
    await pickup.locator('input[type=file]').setInputFiles({ name: 'proof.jpg', mimeType: 'image/jpeg', buffer: photo });
    await poll(() => pickup.locator('.tag').textContent()).toBe('已送达');
    await pickup.getByRole('img', { name: '送达照片' }).waitFor();
    await page.screenshot({ path: '.test-tmp/logistics-proof-phone.png', fullPage: true });

    // The buyer, on their phone, sees the parcel delivered on the order page.
    const buyerBrowser = await launchBrowser();
    try {
      const bp = await buyerBrowser.newPage();
      await bp.goto(`${server.url}/login`);
      await bp.getByLabel('用户名', { exact: true }).fill('buyer');
      await bp.getByLabel('密码', { exact: true }).fill(TEST_PASSWORD);
      await bp.getByRole('button', { name: '登录' }).click();
      await bp.locator('.whoami').waitFor();
      await bp.goto(`${server.url}/market/orders/${orderId}`);
      await poll(() => bp.getByTestId('order-delivery').textContent(), { timeout: 20_000 }).toMatch(/已送达县物流中心/);
      await bp.screenshot({ path: '.test-tmp/logistics-buyer-delivered-phone.png', fullPage: true });
    } finally {
      await buyerBrowser.close();
    }
  });
});
