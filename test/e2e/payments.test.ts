// Real money in the browser, against a local stand-in of WeChat Pay (test/support/wechatpay-gateway.ts): a buyer on a
// desktop pays by scanning the Native QR code and the page follows the payment to paid; the producer takes a line
// back and the buyer sees the partial refund go through; the county administrator's settlement statement matches.
import type { BrowserContext, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { TEST_PASSWORD } from '../support/constants.ts';
import { KeyDir, rsaKeys } from '../support/payment-keys.ts';
import { startWeChatPayStandIn, type WeChatPayStandIn } from '../support/wechatpay-gateway.ts';
import { launchBrowser } from './support/browser.ts';
import { apiSession } from './support/http.ts';
import { startServerProcess, type ServerProcess } from './support/server.ts';

const MCHID = '1900000109';
const APPID = 'wxd678efh567hg6787';
const SERIAL = '5157F09EFDC096DE15EBE81A47057A7232F1B8E1';
const PUB_KEY_ID = 'PUB_KEY_ID_0119000001092025113000000000000001';
const APIV3_KEY = 'a1b2c3d4e5f6a7b8c9d0e1f2a3b4c5d6';
const yuan = (fen: number) => `¥${(fen / 100).toFixed(2)}`;

describe('paying with WeChat Pay, a partial refund and the settlement statement in the browser', () => {
  const keys = new KeyDir();
  const merchant = rsaKeys();
  const platform = rsaKeys();
  let gateway: WeChatPayStandIn;
  let server: ServerProcess;
  let browser: BrowserContext;
  let page: Page;

  beforeAll(async () => {
    gateway = await startWeChatPayStandIn({ mchid: MCHID, appid: APPID, merchantSerialNo: SERIAL, merchantPublicKey: merchant.publicKey, platformPrivateKey: platform.privateKey, platformSerial: PUB_KEY_ID, apiV3Key: APIV3_KEY });
    [server, browser] = await Promise.all([
      startServerProcess({
        env: {
          PAYMENTS_PROVIDER: 'wechatpay',
          WECHATPAY_MCHID: MCHID,
          WECHATPAY_APPID: APPID,
          WECHATPAY_MERCHANT_SERIAL_NO: SERIAL,
          WECHATPAY_PRIVATE_KEY_FILE: keys.write('apiclient_key.pem', merchant.privatePem),
          WECHATPAY_APIV3_KEY: APIV3_KEY,
          WECHATPAY_PLATFORM_PUBLIC_KEY_FILE: keys.write('pub_key.pem', platform.publicPem),
          WECHATPAY_PLATFORM_PUBLIC_KEY_ID: PUB_KEY_ID,
          // The server's port is known only once it runs: each order's notify URL is pointed at it below.
          WECHATPAY_NOTIFY_URL: 'https://terrace.example.cn/api/v1/payments/callback/wechatpay',
          WECHATPAY_BASE_URL: gateway.baseUrl,
        },
      }),
      // A desktop: WeChat Pay Native shows a code to scan with the phone.
      launchBrowser({ width: 1280, height: 900 }),
    ]);
    page = await browser.newPage();
  });
  afterAll(async () => {
    await browser?.close();
    await server?.stop();
    await gateway?.close();
    keys.remove();
  });

  async function signInAs(username: string) {
    await browser.clearCookies();
    await page.goto(`${server.url}/login`);
    await page.getByLabel('用户名', { exact: true }).fill(username);
    await page.getByLabel('密码', { exact: true }).fill(TEST_PASSWORD);
    await page.getByRole('button', { name: '登录' }).click();
    await page.locator('.whoami').waitFor();
  }

  let orderId = '';
  let totalFen = 0;
  let tradeNo = '';

  it('a buyer on a desktop scans the QR code; the page follows the payment to paid', async () => {
    await signInAs('buyer');
    await page.goto(`${server.url}/market`);
    await page.getByRole('link', { name: /松阳银猴 特级 明前/ }).click();
    await page.getByText('250 克 礼盒').click();
    await page.getByRole('button', { name: '加入购物车' }).click();
    await page.getByRole('button', { name: '加入购物车' }).click();
    await page.getByRole('link', { name: '购物车 (2)' }).click();
    await page.getByLabel('收货人').fill('王小明');
    await page.getByLabel('手机号').fill('13800001234');
    await page.getByLabel('省份').fill('上海市');
    await page.getByLabel('城市').fill('上海市');
    await page.getByLabel('详细地址').fill('徐汇区漕溪北路 88 号');
    await page.getByRole('button', { name: '提交订单并付款' }).click();

    await page.getByTestId('wechat-qr').waitFor();
    expect(await page.getByRole('heading', { level: 1 }).textContent()).toBe('微信扫码支付');
    const qr = page.getByTestId('wechat-qr');
    expect(await qr.evaluate((img: HTMLImageElement) => img.naturalWidth)).toBeGreaterThan(100);
    // The code drawn is the one WeChat Pay answered for this order.
    const paymentId = page.url().match(/\/payments\/qr\/([0-9a-f-]{36})/)![1];
    tradeNo = paymentId.replaceAll('-', '');
    const order = gateway.orders.get(tradeNo)!;
    expect(order.channel).toBe('native');
    expect(new URL(page.url()).searchParams.get('code')).toMatch(/^weixin:\/\/wxpay\/bizpayurl\?pr=/);
    totalFen = order.total;
    expect(await page.getByTestId('qr-amount').textContent()).toBe(yuan(totalFen));
    expect(await page.getByRole('status').textContent()).toBe('等待支付…');
    await page.screenshot({ path: '.test-tmp/payments-wechat-qr-desktop.png', fullPage: true });

    // The payer scans and pays in WeChat: WeChat Pay notifies the server, and the page, asking every two seconds, shows it.
    order.notifyUrl = `${server.url}/api/v1/payments/callback/wechatpay`;
    expect(await gateway.pay(tradeNo)).toEqual({ delivered: true, status: 200 });
    await expect.poll(() => page.getByRole('status').textContent(), { timeout: 15_000 }).toBe('支付成功');
    expect(await page.getByTestId('wechat-qr').count()).toBe(0);
    await page.getByRole('link', { name: /返回/ }).click();
    await expect.poll(() => page.locator('.order-page .status').textContent()).toBe('已付款');
    orderId = page.url().split('/').pop()!;
  });

  it('the producer takes one box back; the buyer sees the partial refund go through', async () => {
    const producer = await apiSession(server.url, 'producer');
    const o = (await producer('GET', `/market/orders/${orderId}`)).body as { items: { variantId: string; qty: number; unitPriceFen: number }[] };
    expect(o.items[0].qty).toBe(2);
    const back = await producer('POST', `/market/orders/${orderId}/returns`, { lines: [{ variantId: o.items[0].variantId, qty: 1 }], reason: '礼盒破损' });
    expect(back.status).toBe(200);
    const refundFen = o.items[0].unitPriceFen;

    await page.goto(`${server.url}/market/orders/${orderId}`);
    // The refund is sent to WeChat Pay by the job queue; the page shows it as it stands.
    await expect.poll(async () => { await page.reload(); return page.locator('[data-refund-status]').textContent(); }, { timeout: 30_000 }).toBe('已退款');
    expect(gateway.orders.get(tradeNo)!.refunded).toBe(refundFen);
    const refund = page.locator('li[data-refund]');
    expect(await refund.textContent()).toContain('礼盒破损');
    expect(await refund.textContent()).toContain(`−${yuan(refundFen)}`);
    expect(await page.getByTestId('returned').textContent()).toBe('已退 1 件');
    expect(await page.locator('.order-page .status').textContent()).toBe('已付款');
    await page.screenshot({ path: '.test-tmp/payments-partial-refund-desktop.png', fullPage: true });
  });

  it('the county administrator sees a settlement statement that matches the payment and the refund', async () => {
    const admin = await apiSession(server.url, 'admin');
    expect((await admin('PUT', '/payments/settlement/fee-rate', { feeBps: 300 })).status).toBe(200);
    const producer = await apiSession(server.url, 'producer');
    const refundFen = ((await producer('GET', `/market/orders/${orderId}`)).body as { refunds: { amountFen: number }[] }).refunds[0].amountFen;
    const fee = Math.round(((totalFen - refundFen) * 300) / 10_000);

    await signInAs('admin');
    await page.setViewportSize({ width: 390, height: 844 });
    await page.goto(`${server.url}/payments/settlement`);
    const coop = page.locator('.st-list li').first();
    await expect.poll(() => coop.locator('dd').nth(0).textContent()).toContain(yuan(totalFen));
    expect(await coop.locator('dd').nth(1).textContent()).toContain(`−${yuan(refundFen)}`);
    expect(await coop.locator('dd').nth(2).textContent()).toBe(`−${yuan(fee)}`);
    expect(await coop.getByTestId('net').textContent()).toBe(yuan(totalFen - refundFen - fee));
    await page.screenshot({ path: '.test-tmp/payments-settlement-phone.png', fullPage: true });
    await page.getByRole('button', { name: 'English' }).click();
    await expect.poll(() => page.getByRole('heading', { level: 1 }).textContent()).toContain('County statement');
    await page.screenshot({ path: '.test-tmp/payments-settlement-phone-en.png', fullPage: true });
    await page.getByRole('button', { name: '中文' }).click();

    // The seller's lines: the sale and the refund.
    await coop.getByRole('link', { name: '明细' }).click();
    await expect.poll(() => page.locator('.st-lines li').count()).toBe(2);
    expect(await page.locator('.st-lines li[data-kind="refund"]').textContent()).toContain('礼盒破损');
    await page.screenshot({ path: '.test-tmp/payments-statement-phone.png', fullPage: true });
    // No refund has failed: the county's refunds page says so; all of them shows the one that went through.
    await page.goto(`${server.url}/payments/refunds`);
    await expect.poll(() => page.getByText('没有需要处理的退款。').count()).toBe(1);
    await page.getByLabel('全部').check();
    await expect.poll(() => page.locator('[data-refund-status]').textContent()).toBe('已退款');
    await page.screenshot({ path: '.test-tmp/payments-refunds-phone.png', fullPage: true });
  });
});
