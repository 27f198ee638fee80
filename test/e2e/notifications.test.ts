import { randomUUID } from 'node:crypto';
import type { BrowserContext, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { TEST_PASSWORD } from '../support/constants.ts';
import { launchBrowser } from './support/browser.ts';
import { startServerProcess, type ServerProcess } from './support/server.ts';

const ADDRESS = { name: '王小明', phone: '13800001234', province: '上海市', city: '上海市', detail: '徐汇区漕溪北路 88 号' };

/** A buyer's checkout and sandbox payment over real HTTP, as their browser makes them. */
async function buyerCheckout(base: string) {
  const login = await fetch(`${base}/api/v1/auth/login`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ username: 'buyer', password: TEST_PASSWORD }) });
  const cookie = login.headers.getSetCookie().map((c) => c.split(';')[0]).join('; ');
  const { csrfToken } = (await login.json()) as { csrfToken: string };
  const call = async (method: string, path: string, body?: unknown, headers: Record<string, string> = {}) => {
    const r = await fetch(`${base}/api/v1${path}`, { method, headers: { cookie, 'x-csrf-token': csrfToken, 'content-type': 'application/json', ...headers }, body: body === undefined ? undefined : JSON.stringify(body) });
    return r.json();
  };
  const { items } = await call('GET', '/market/products');
  const product = items.find((p: { name: string }) => p.name === '松阳银猴 特级 明前');
  const [variant] = (await call('GET', `/market/products/${product.id}`)).variants;
  const order = await call('POST', '/market/orders', { items: [{ variantId: variant.id, qty: 1 }], address: ADDRESS }, { 'idempotency-key': randomUUID() });
  const { paymentId } = await call('POST', `/market/orders/${order.id}/pay`, {});
  const paid = await call('POST', `/payments/${paymentId}/sandbox`, { outcome: 'succeeded' });
  expect(paid.status).toBe('paid');
  return order.id as string;
}

describe('notifications in the browser', () => {
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

  async function signIn(username: string) {
    await browser.clearCookies();
    await page.goto(`${server.url}/login`);
    await page.getByLabel('用户名', { exact: true }).fill(username);
    await page.getByLabel('密码', { exact: true }).fill(TEST_PASSWORD);
    await page.getByRole('button', { name: '登录' }).click();
    await page.locator('.whoami').waitFor();
  }

  it('a producer sees the new order in the bell and the notification centre after a buyer checks out, and marks it read', async () => {
    const orderId = await buyerCheckout(server.url);
    await signIn('producer');
    const bell = page.getByRole('link', { name: /消息 · 1 条未读/ });
    await bell.waitFor();
    await expect.poll(() => page.locator('.nt-badge').textContent()).toBe('1');
    await bell.click();
    await page.getByRole('heading', { name: '新订单' }).waitFor();
    await expect.poll(() => page.locator('.nt-item').first().textContent()).toContain(`订单 ${orderId.slice(-8)} 已付款，共 ¥138.00，请尽快备货。`);
    await page.screenshot({ path: '.test-tmp/notifications-centre-phone.png', fullPage: true });
    expect(await page.evaluate(() => document.documentElement.scrollWidth)).toBeLessThanOrEqual(page.viewportSize()!.width);
    await page.getByRole('button', { name: '标为已读', exact: true }).click();
    await expect.poll(() => page.locator('.nt-badge').count()).toBe(0);
    await page.getByRole('link', { name: '查看' }).first().click();
    await expect.poll(() => page.url()).toContain('/market/seller');
  });

  it('reads in English, and lets the producer choose email for new orders', async () => {
    await page.goto(`${server.url}/notifications`);
    await page.getByRole('button', { name: 'English' }).click();
    await page.getByRole('heading', { name: 'New order' }).waitFor();
    await expect.poll(() => page.locator('.nt-item').first().textContent()).toContain('was paid, total ¥138.00');
    await page.getByRole('link', { name: 'Notification settings' }).click();
    await page.getByRole('checkbox', { name: 'New order · Email' }).check();
    await page.getByLabel('Email', { exact: true }).fill('coop@example.com');
    await page.getByRole('button', { name: 'Save' }).click();
    await page.getByRole('status').filter({ hasText: 'Saved' }).waitFor();
    await page.screenshot({ path: '.test-tmp/notifications-preferences-phone.png', fullPage: true });
    // The bell fits the phone's header: nothing scrolls sideways.
    expect(await page.evaluate(() => document.documentElement.scrollWidth)).toBeLessThanOrEqual(page.viewportSize()!.width);
    await page.reload();
    await expect.poll(() => page.getByRole('checkbox', { name: 'New order · Email' }).isChecked()).toBe(true);
  });
});
