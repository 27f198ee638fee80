import { randomUUID } from 'node:crypto';
import type { BrowserContext, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { TEST_PASSWORD } from '../support/constants.ts';
import { browserKeys, checkVapid, decryptPush, startPushService, startSmtpServer } from '../support/notify-stand-ins.ts';
import { launchBrowser } from './support/browser.ts';
import { startServerProcess, type ServerProcess } from './support/server.ts';

const ADDRESS = { name: '王小明', phone: '13800001234', province: '上海市', city: '上海市', detail: '徐汇区漕溪北路 88 号' };

/** A buyer's checkout and sandbox payment over real HTTP, as their browser makes them. */
async function apiAs(base: string, username: string) {
  const login = await fetch(`${base}/api/v1/auth/login`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ username, password: TEST_PASSWORD }) });
  const cookie = login.headers.getSetCookie().map((c) => c.split(';')[0]).join('; ');
  const { csrfToken } = (await login.json()) as { csrfToken: string };
  return async (method: string, path: string, body?: unknown, headers: Record<string, string> = {}) => {
    const r = await fetch(`${base}/api/v1${path}`, { method, headers: { cookie, 'x-csrf-token': csrfToken, 'content-type': 'application/json', ...headers }, body: body === undefined ? undefined : JSON.stringify(body) });
    return r.json();
  };
}

async function buyerCheckout(base: string) {
  const call = await apiAs(base, 'buyer');
  const { items } = await call('GET', '/market/products');
  const product = items.find((p: { name: string }) => p.name === '松阳银猴 特级 明前');
  const [variant] = (await call('GET', `/market/products/${product.id}`)).variants;
  const order = await call('POST', '/market/orders', { items: [{ variantId: variant.id, qty: 1 }], address: ADDRESS }, { 'idempotency-key': randomUUID() });
  const { paymentId } = await call('POST', `/market/orders/${order.id}/pay`, {});
  const paid = await call('POST', `/payments/${paymentId}/sandbox`, { outcome: 'succeeded' });
  expect(paid.status).toBe('paid');
  return order.id as string;
}

/** The text of a received mail (its single part, quoted-printable or base64, as nodemailer encodes it). */
function mailText(raw: string) {
  const split = raw.indexOf('\r\n\r\n');
  const [head, body] = [raw.slice(0, split), raw.slice(split + 4)];
  if (/Content-Transfer-Encoding: base64/i.test(head)) return Buffer.from(body.replace(/\s+/g, ''), 'base64').toString('utf8');
  if (/Content-Transfer-Encoding: quoted-printable/i.test(head))
    return Buffer.from(body.replace(/=\r?\n/g, '').replace(/=([0-9A-F]{2})/g, (_m, h: string) => String.fromCharCode(parseInt(h, 16))), 'latin1').toString('utf8');
  return body;
}

describe('notifications in the browser', () => {
  let server: ServerProcess;
  let browser: BrowserContext;
  let page: Page;
  // A local SMTP server and a Web Push service the real server delivers to (its outbox job runs every second).
  let smtp: Awaited<ReturnType<typeof startSmtpServer>>;
  let pushService: Awaited<ReturnType<typeof startPushService>>;

  beforeAll(async () => {
    [smtp, pushService] = await Promise.all([startSmtpServer(), startPushService()]);
    const env = { SMTP_URL: smtp.url, PUSH_EXTRA_CA_FILE: pushService.caFile, NOTIFY_DELIVER_EVERY_SECONDS: '1', PUBLIC_URL: 'https://terrace.example' };
    [server, browser] = await Promise.all([startServerProcess({ env }), launchBrowser()]);
    page = await browser.newPage();
  });
  afterAll(async () => {
    await browser?.close();
    await server?.stop();
    await smtp?.close();
    await pushService?.close();
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

  it('emails the producer of the next order: the local SMTP server receives it, in the language they read', async () => {
    const orderId = await buyerCheckout(server.url);
    await expect.poll(() => smtp.mails.find((m) => m.to.includes('coop@example.com') && m.raw.includes(orderId.slice(-8))), { timeout: 30_000, interval: 500 }).toBeTruthy();
    const mail = smtp.mails.find((m) => m.to.includes('coop@example.com') && m.raw.includes(orderId.slice(-8)))!;
    // The producer switched the page to English while signed in: that is the account's language, so the mail is too.
    expect(mailText(mail.raw)).toContain(`Order ${orderId.slice(-8)} was paid, total ¥138.00: time to pack it.`);
    expect(mail.raw).toContain('https://terrace.example/market/seller');
  });

  it('pushes the next order to the phone’s browser the page subscribed: the push service decrypts it with the subscription’s keys', async () => {
    // Headless Chromium has no push service of its own (PushManager.subscribe never settles without Google's), so
    // the browser's registration is swapped for one whose endpoint is the local push service and whose keys the
    // test holds; everything else is the page's own code: service worker, VAPID key, subscription sent to the app.
    const keys = browserKeys();
    const endpoint = `${pushService.origin}/push/${randomUUID()}`;
    await page.addInitScript(
      ({ endpoint, p256dh, auth }) => {
        PushManager.prototype.subscribe = async function (options?: PushSubscriptionOptionsInit) {
          const key = new Uint8Array(options!.applicationServerKey as ArrayBuffer);
          (window as unknown as { subscribedWith: string }).subscribedWith = btoa(String.fromCharCode(...key)).replace(/\+/g, '-').replace(/\//g, '_').replace(/=+$/, '');
          const json = { endpoint, expirationTime: null, keys: { p256dh, auth } };
          return { endpoint, expirationTime: null, options: options!, toJSON: () => json } as unknown as PushSubscription;
        };
      },
      { endpoint, p256dh: keys.p256dh, auth: keys.authB64 },
    );
    await page.goto(`${server.url}/notifications/preferences`);
    await page.getByRole('button', { name: 'Turn on push on this device' }).click();
    await page.getByText('Push is on for this device').waitFor();
    const subscribedWith = await page.evaluate(() => (window as unknown as { subscribedWith: string }).subscribedWith);
    await expect.poll(() => page.getByRole('checkbox', { name: 'New order · Phone push' }).isChecked()).toBe(true);

    const orderId = await buyerCheckout(server.url);
    const mine = () => pushService.received.filter((r) => r.path === new URL(endpoint).pathname);
    await expect.poll(() => mine().some((r) => decryptPush(r.body, keys).includes(orderId.slice(-8))), { timeout: 30_000, interval: 500 }).toBe(true);
    const pushed = mine().find((r) => decryptPush(r.body, keys).includes(orderId.slice(-8)))!;
    expect(pushed.headers['content-encoding']).toBe('aes128gcm');
    // Signed with the county's VAPID key, the very key the page subscribed with.
    expect(checkVapid(pushed.headers.authorization as string, pushService.origin).publicKey).toBe(subscribedWith);
    const message = JSON.parse(decryptPush(pushed.body, keys));
    expect(message).toMatchObject({ kind: 'order.new', title: 'New order', url: 'https://terrace.example/market/seller' });
    expect(message.body).toBe(`Order ${orderId.slice(-8)} was paid, total ¥138.00: time to pack it.`);
  });

  it('a buyer asks to be reminded of a live session on its page, and finds it in the centre when the producer goes live', async () => {
    const producer = await apiAs(server.url, 'producer');
    const { items } = await producer('GET', '/market/products');
    const session = await producer('POST', '/live/sessions', { orgId: items[0].orgId, title: '春茶开采直播', scheduledAt: new Date(Date.now() + 3600_000).toISOString(), productIds: [items[0].id] });
    await page.evaluate(() => localStorage.setItem('terrace.lang', 'zh-CN'));
    await signIn('buyer');
    await page.goto(`${server.url}/live/${session.id}`);
    await page.getByRole('button', { name: /开播提醒我/ }).click();
    await page.getByRole('button', { name: /已设开播提醒/ }).waitFor();
    await page.reload();
    await page.getByRole('button', { name: /已设开播提醒/ }).waitFor();
    expect((await producer('POST', `/live/sessions/${session.id}/start`)).status).toBe('live');
    await page.goto(`${server.url}/notifications`);
    await page.getByRole('heading', { name: '直播提醒' }).waitFor();
    await expect.poll(() => page.locator('.nt-item').first().textContent()).toContain('直播“春茶开采直播”正在直播，快来观看。');
    await page.getByRole('link', { name: '查看' }).first().click();
    await expect.poll(() => page.url()).toContain(`/live/${session.id}`);
  });
});
