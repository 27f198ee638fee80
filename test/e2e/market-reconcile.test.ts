import type { BrowserContext, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { TEST_PASSWORD } from '../support/constants.ts';
import { launchBrowser } from './support/browser.ts';
import { startServerProcess, type ServerProcess } from './support/server.ts';

describe('a payment whose notification is lost', () => {
  let server: ServerProcess;
  let browser: BrowserContext;
  let page: Page;

  beforeAll(async () => {
    // The server asks the provider every second about payments pending for a second or more.
    [server, browser] = await Promise.all([
      startServerProcess({ env: { PAYMENTS_RECONCILE_SECONDS: '1', PAYMENTS_RECONCILE_AFTER_SECONDS: '1' } }),
      launchBrowser(),
    ]);
    page = await browser.newPage();
  });
  afterAll(async () => {
    await browser?.close();
    await server?.stop();
  });

  it('is confirmed by asking the provider: the buyer pays, no notification arrives, and the order becomes paid by itself', async () => {
    await page.goto(`${server.url}/login`);
    await page.getByLabel('用户名', { exact: true }).fill('buyer');
    await page.getByLabel('密码', { exact: true }).fill(TEST_PASSWORD);
    await page.getByRole('button', { name: '登录' }).click();
    await page.locator('.whoami').waitFor();

    await page.goto(`${server.url}/market`);
    // Pinyin finds 松阳香茶 as Chinese would.
    await page.getByRole('searchbox', { name: '搜索茶叶或手作' }).fill('xiangcha');
    await page.getByRole('button', { name: '搜索' }).click();
    await expect.poll(() => page.locator('.product-card').first().textContent()).toContain('松阳香茶');
    await page.locator('.product-card').first().getByRole('link').click();
    await page.getByRole('button', { name: '加入购物车' }).click();
    await page.getByRole('link', { name: /购物车 \(1\)/ }).click();
    await page.getByLabel('收货人').fill('赵六');
    await page.getByLabel('手机号').fill('13700007777');
    await page.getByLabel('省份').fill('浙江省');
    await page.getByLabel('城市').fill('杭州市');
    await page.getByLabel('详细地址').fill('西湖区文三路 1 号');
    await page.getByRole('button', { name: '提交订单并付款' }).click();

    await page.getByRole('button', { name: '支付，但通知丢失（演示自动对账）' }).click();
    await expect.poll(() => page.getByRole('status').textContent()).toContain('平台尚未收到支付通知');
    await page.screenshot({ path: '.test-tmp/market-pay-lost-phone.png', fullPage: true });
    await page.getByRole('link', { name: '返回订单' }).click();
    const status = page.locator('.order-page .status');
    await status.waitFor();
    // Within a few reconciliation rounds the order turns paid without any callback.
    await expect
      .poll(
        async () => {
          await page.reload();
          return status.textContent();
        },
        { timeout: 20_000, interval: 1000 },
      )
      .toBe('已付款');
  });
});
