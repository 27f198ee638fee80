import { randomUUID } from 'node:crypto';
import pg from 'pg';
import type { BrowserContext, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DEMO_GTIN, DEMO_LOT } from '../../src/modules/market/seed.ts';
import { freshDatabase, type TestDatabase } from '../support/db.ts';
import { mapPixels } from './support/browser.ts';
import { apiSession } from './support/http.ts';
import { browserJourney } from './support/journey.ts';
import { startServerProcess, type ServerProcess } from './support/server.ts';

describe('the market in the browser', () => {
  const journey = browserJourney();
  let server: ServerProcess;
  let browser: BrowserContext;
  let page: Page;

  beforeAll(() => void ({ server, browser, page } = journey));

  const signInAs = (username: string) => journey.signIn(username);

  let orderId = '';

  it('a buyer finds a tea, adds it to the cart, checks out, pays in the sandbox and sees the paid order', async () => {
    await signInAs('buyer');
    await page.goto(`${server.url}/market`);
    await page.getByRole('searchbox', { name: '搜索茶叶或手作' }).fill('银猴');
    await page.getByRole('button', { name: '搜索' }).click();
    await expect.poll(() => page.locator('.product-card').count()).toBe(1);
    await page.screenshot({ path: '.test-tmp/market-catalogue-phone.png', fullPage: true });
    await page.getByRole('link', { name: /松阳银猴 特级 明前/ }).click();
    await page.getByText('250 克 礼盒').click();
    await page.getByRole('button', { name: '加入购物车' }).click();
    await expect.poll(() => page.getByRole('status').textContent()).toContain('已加入购物车');
    await page.screenshot({ path: '.test-tmp/market-product-phone.png', fullPage: true });

    await page.getByRole('link', { name: /购物车 \(1\)/ }).click();
    await page.getByLabel('收货人').fill('王小明');
    await page.getByLabel('手机号').fill('13800001234');
    await page.getByLabel('省份').fill('上海市');
    await page.getByLabel('城市').fill('上海市');
    await page.getByLabel('详细地址').fill('徐汇区漕溪北路 88 号');
    // ¥568 is over the cooperative's ¥199 free-shipping threshold.
    await expect.poll(() => page.getByTestId('cart-total').textContent()).toBe('¥568.00');
    await page.screenshot({ path: '.test-tmp/market-cart-phone.png', fullPage: true });
    await page.getByRole('button', { name: '提交订单并付款' }).click();

    await expect.poll(() => page.getByTestId('pay-amount').textContent()).toBe('¥568.00');
    await page.screenshot({ path: '.test-tmp/market-sandbox-pay-phone.png', fullPage: true });
    await page.getByRole('button', { name: /确认支付/ }).click();
    await expect.poll(() => page.getByRole('status').textContent()).toBe('支付成功');
    await page.getByRole('link', { name: '返回订单' }).click();
    await expect.poll(() => page.locator('.order-page .status').textContent()).toBe('已付款');
    orderId = page.url().split('/').pop()!;
    await page.screenshot({ path: '.test-tmp/market-order-phone.png', fullPage: true });
  });

  it('the producer sees the order, packs and ships it, with the dashboard drawn; the buyer then sees it shipped', async () => {
    await signInAs('producer');
    await page.goto(`${server.url}/market`);
    await page.getByRole('link', { name: '我的店铺' }).click();
    const card = page.locator(`.seller-order[data-order="${orderId}"]`);
    await expect.poll(() => card.locator('.status').textContent()).toBe('已付款');
    await expect.poll(() => page.getByTestId('chart-by-day').getAttribute('data-rendered'), { timeout: 15_000 }).toBe('true');
    await expect.poll(() => page.getByTestId('low-stock').textContent()).toContain('库存不超过 10');
    await page.screenshot({ path: '.test-tmp/market-seller-phone.png', fullPage: true });
    await card.getByRole('button', { name: '打包' }).click();
    await expect.poll(() => card.locator('.status').textContent()).toBe('已打包');
    await card.getByLabel('快递单号').fill('SF1234567890');
    await card.getByRole('button', { name: '发货' }).click();
    await expect.poll(() => card.locator('.status').textContent()).toBe('已发货');

    // The producer adds a record to the batch's trace from the same page.
    const batch = page.locator('.batch-list li', { hasText: 'YH2026-0328' });
    await batch.locator('summary', { hasText: '添加溯源记录' }).click();
    await batch.getByLabel('说明').fill('出库复检合格');
    await batch.getByRole('button', { name: '保存' }).click();
    await expect.poll(() => batch.getByRole('status').textContent()).toBe('已记入第 9 条溯源记录');

    await signInAs('buyer');
    await page.goto(`${server.url}/market/orders`);
    await page.locator(`.order-row[data-order="${orderId}"]`).click();
    await expect.poll(() => page.locator('.order-page .status').textContent()).toBe('已发货');
    expect(await page.getByTestId('tracking-no').textContent()).toBe('SF1234567890');
  });

  it('a visitor opens the batch’s QR URL and sees the verified timeline', async () => {
    await browser.clearCookies();
    const qr = await fetch(`${server.url}/api/v1/market/gs1/01/${DEMO_GTIN}/10/${DEMO_LOT}`);
    const { batchId } = (await qr.json()) as { batchId: string };
    const svg = await (await fetch(`${server.url}/api/v1/market/batches/${batchId}/qr.svg`)).text();
    expect(svg).toMatch(/^<svg/);

    await page.goto(`${server.url}/market/01/${DEMO_GTIN}/10/${DEMO_LOT}`);
    await expect.poll(() => page.url()).toBe(`${server.url}/market/trace/${batchId}`);
    await expect.poll(() => page.getByTestId('trace-verification').textContent()).toBe('✓ 记录完整：9 条溯源记录的哈希链校验通过');
    expect(await page.locator('.timeline li').count()).toBe(9);
    expect(await page.locator('.timeline li').last().textContent()).toContain('出库复检合格');
    expect(await page.locator('.timeline li').first().textContent()).toContain('采摘');
    expect(await page.getByText('杨家堂村 · 后山茶园 3 号地块').count()).toBe(1);
    await expect.poll(() => page.locator('.qr-card img').evaluate((img: HTMLImageElement) => img.naturalWidth)).toBeGreaterThan(0);
    // The journey: the garden, its village and the county seat joined by a line on the map, drawn when asked for.
    await page.getByRole('button', { name: '在地图上看' }).click();
    await expect.poll(() => mapPixels(page, 'village-map', '#c8882a'), { timeout: 20_000 }).toBeGreaterThan(100);
    await page.screenshot({ path: '.test-tmp/market-trace-phone.png', fullPage: true });
    await page.getByRole('button', { name: 'English' }).click();
    await expect.poll(() => page.getByTestId('trace-verification').textContent()).toBe('✓ Complete: the hash chain of 9 records verifies');
    expect(await page.locator('.timeline li').first().textContent()).toContain('Picking');
    await page.screenshot({ path: '.test-tmp/market-trace-phone-en.png', fullPage: true });
    await page.getByRole('button', { name: '中文' }).click();
  });
});

describe.runIf(!!process.env.TEST_DATABASE_URL)('checkouts and a SIGKILL on PostgreSQL', () => {
  const running: ServerProcess[] = [];
  let db: TestDatabase | undefined;
  afterAll(async () => {
    await Promise.all(running.map((s) => s.stop('SIGKILL')));
    await db?.dispose();
  });

  it('keeps every order the client saw confirmed, and stock = initial − sold − reserved', async () => {
    db = await freshDatabase('postgres', 1);
    const env = { DATABASE_URL: db.url! };
    const server = await startServerProcess({ env });
    running.push(server);
    const producer = await apiSession(server.url, 'producer');
    const shops = (await producer('GET', '/market/my-shops')).body as { id: string }[];
    const INITIAL = 400;
    const created = await producer('POST', '/market/products', {
      orgId: shops[0].id,
      kind: 'tea',
      name: '压力测试 银猴',
      variants: [{ label: '50 克', priceFen: 12800, stock: INITIAL }],
    });
    const variantId = (created.body as { variants: { id: string }[] }).variants[0].id;
    const buyer = await apiSession(server.url, 'buyer');
    const address = { name: '王小明', phone: '13800001234', province: '上海市', city: '上海市', detail: '漕溪北路 88 号' };

    const confirmed: string[] = [];
    const paid: string[] = [];
    for (let wave = 0; wave < 8; wave++) {
      const calls = Array.from({ length: 25 }, async () => {
        const r = await buyer('POST', '/market/orders', { items: [{ variantId, qty: 2 }], address, idempotencyKey: randomUUID() }).catch(() => null);
        if (r?.status !== 201) return;
        const id = (r.body as { id: string }).id;
        confirmed.push(id);
        // Pay some of them, so that sold and reserved units are both present.
        if (confirmed.length % 3 === 0) {
          const p = await buyer('POST', `/market/orders/${id}/pay`).catch(() => null);
          if (p?.status !== 200) return;
          const s = await buyer('POST', `/payments/${(p.body as { paymentId: string }).paymentId}/sandbox`, { outcome: 'succeeded' }).catch(() => null);
          if (s?.status === 200) paid.push(id);
        }
      });
      if (wave === 7) {
        await new Promise((r) => setTimeout(r, 20));
        await server.stop('SIGKILL');
      }
      await Promise.all(calls);
    }
    expect(confirmed.length).toBeGreaterThan(0);

    const after = await startServerProcess({ env });
    running.push(after);
    const buyerAgain = await apiSession(after.url, 'buyer');
    for (const id of confirmed) expect((await buyerAgain('GET', `/market/orders/${id}`)).status).toBe(200);
    for (const id of paid) expect(((await buyerAgain('GET', `/market/orders/${id}`)).body as { status: string }).status).toBe('paid');

    const client = new pg.Client({ connectionString: db.url });
    await client.connect();
    try {
      const { rows } = await client.query(
        `select v.stock,
                coalesce(sum(r.qty) filter (where r.status = 'sold'), 0)::int as sold,
                coalesce(sum(r.qty) filter (where r.status = 'held'), 0)::int as reserved,
                count(distinct r.order_id)::int as orders
         from market_variants v left join market_reservations r on r.variant_id = v.id
         where v.id = $1 group by v.id, v.stock`,
        [variantId],
      );
      const { stock, sold, reserved, orders } = rows[0];
      console.log(`PostgreSQL SIGKILL: ${confirmed.length} orders confirmed (${paid.length} paid) before the kill; ${orders} in the database; stock ${stock}, sold ${sold}, reserved ${reserved}`);
      expect(stock).toBe(INITIAL - sold - reserved);
      expect(stock).toBeGreaterThanOrEqual(0);
      expect(orders).toBeGreaterThanOrEqual(confirmed.length);
    } finally {
      await client.end();
    }
    await after.stop();
  });
});
