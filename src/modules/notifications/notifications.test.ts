import { randomUUID } from 'node:crypto';
import { sql } from 'drizzle-orm';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { as, signIn, startTestApp, type Session, type TestApp } from '../../../test/support/app.ts';
import { describeEachDriver } from '../../../test/support/db.ts';
import { queryRows } from '../../db/handle.ts';
import { deliverDue, MAX_ATTEMPTS } from './channels.ts';
import { notify } from './index.ts';
import { browserKeys, checkVapid, decryptPush, startPushService, startSmtpServer } from '../../../test/support/notify-stand-ins.ts';

// The tests drain the outbox themselves (deterministically) instead of the recurring job.
process.env.NOTIFY_DELIVER_EVERY_SECONDS = '0';
const ADDRESS = { name: '王小明', phone: '13800001234', province: '上海市', city: '上海市', detail: '徐汇区漕溪北路 88 号' };

describeEachDriver('notifications', (driver) => {
  let t: TestApp;
  let buyer: Session, producer: Session, innkeeper: Session;
  let smtp: Awaited<ReturnType<typeof startSmtpServer>>;
  let pushService: Awaited<ReturnType<typeof startPushService>>;
  let failPush = false;

  beforeAll(async () => {
    [smtp, pushService] = await Promise.all([startSmtpServer(), startPushService((p) => (p.includes('gone') ? 410 : failPush ? 500 : 201))]);
    process.env.SMTP_URL = smtp.url;
    process.env.PUSH_EXTRA_CA_FILE = pushService.caFile;
    process.env.PUBLIC_URL = 'https://terrace.example';
    t = await startTestApp(driver, { LOGIN_RATE_LIMIT_PER_MINUTE: '1000' });
    [buyer, producer, innkeeper] = await Promise.all(['buyer', 'producer', 'innkeeper'].map((u) => signIn(t.app, u)));
  });
  afterAll(async () => {
    await t?.close();
    await smtp?.close();
    await pushService?.close();
    delete process.env.SMTP_URL;
    delete process.env.PUSH_EXTRA_CA_FILE;
  });

  const req = (s: Session | null, method: 'GET' | 'POST' | 'PUT', url: string, payload?: unknown) =>
    as(t.app, s)({ method, url: `/api/v1${url}`, ...(payload !== undefined && { payload: payload as object }) });
  const deliveries = (userId: string) =>
    queryRows<{ channel: string; status: string; attempts: number; last_error: string | null }>(
      t.db.db,
      sql`select d.channel, d.status, d.attempts, d.last_error from notification_deliveries d join notifications n on n.id = d.notification_id and n.county_id = d.county_id
          where n.user_id = ${userId} order by d.created_at, d.channel`,
    );

  async function buyAndPay() {
    const products = (await req(null, 'GET', '/market/products')).json().items as { id: string; name: string }[];
    const p = products.find((x) => x.name === '松阳银猴 特级 明前')!;
    const [variant] = (await req(null, 'GET', `/market/products/${p.id}`)).json().variants;
    const o = await as(t.app, buyer)({ method: 'POST', url: '/api/v1/market/orders', payload: { items: [{ variantId: variant.id, qty: 1 }], address: ADDRESS }, headers: { 'idempotency-key': randomUUID() } });
    expect(o.statusCode, o.body).toBe(201);
    const started = (await req(buyer, 'POST', `/market/orders/${o.json().id}/pay`)).json();
    expect((await req(buyer, 'POST', `/payments/${started.paymentId}/sandbox`, { outcome: 'succeeded' })).statusCode).toBe(200);
    return { ...(o.json() as { id: string; totalFen: number }), paymentId: started.paymentId as string };
  }

  it('tells the producer of a paid order in the app, marks it read, and the bell counts down', async () => {
    const before = (await req(producer, 'GET', '/notifications/unread-count')).json().unread;
    const order = await buyAndPay();
    const list = (await req(producer, 'GET', '/notifications')).json();
    expect(list.unread).toBe(before + 1);
    expect(list.items[0]).toMatchObject({ kind: 'order.new', read: false, link: '/market/seller', params: { orderNo: order.id.slice(-8), total: '¥138.00' } });
    // The buyer was told nothing about someone else's shop.
    expect((await req(buyer, 'GET', '/notifications')).json().items.filter((n: { kind: string }) => n.kind === 'order.new')).toHaveLength(0);
    // Someone else's notification is not found; one's own is marked read.
    expect((await req(buyer, 'POST', `/notifications/${list.items[0].id}/read`)).statusCode).toBe(404);
    expect((await req(producer, 'POST', `/notifications/${list.items[0].id}/read`)).json()).toEqual({ marked: 1 });
    expect((await req(producer, 'GET', '/notifications/unread-count')).json().unread).toBe(before);
    expect((await req(producer, 'POST', '/notifications/read-all')).statusCode).toBe(200);
    expect((await req(producer, 'GET', '/notifications/unread-count')).json().unread).toBe(0);
    const audit = await queryRows<{ n: number }>(t.db.db, sql`select count(*)::int as n from audit_log where action = 'notifications.read' and actor_id = ${producer.userId}`);
    expect(audit[0].n).toBe(2);
  });

  it('emails the producer over SMTP and pushes to their phone’s browser, encrypted to the subscription’s keys', async () => {
    const keys = browserKeys();
    const endpoint = `${pushService.origin}/push/${randomUUID()}`;
    expect((await req(producer, 'POST', '/notifications/push/subscriptions', { endpoint, keys: { p256dh: keys.p256dh, auth: keys.authB64 } })).json()).toEqual({ subscribed: true });
    const prefs = await req(producer, 'PUT', '/notifications/preferences', { kinds: [{ kind: 'order.new', channels: ['email', 'push'] }], contacts: { email: 'coop@example.com' } });
    expect(prefs.statusCode, prefs.body).toBe(200);
    // The centre is always kept.
    expect(prefs.json().kinds.find((k: { kind: string }) => k.kind === 'order.new').channels).toEqual(['in_app', 'email', 'push']);
    const { publicKey } = (await req(producer, 'GET', '/notifications/push/key')).json();

    const order = await buyAndPay();
    await deliverDue(t.db.db);

    const mail = smtp.mails.find((m) => m.to.includes('coop@example.com') && m.raw.includes(order.id.slice(-8)));
    expect(mail, 'an email reached the SMTP server').toBeTruthy();
    expect(mail!.raw).toContain('https://terrace.example/market/seller');
    // (The first test's order, still in the outbox, goes to this new subscription too.)
    const pushed = pushService.received.find((r) => r.path === new URL(endpoint).pathname && decryptPush(r.body, keys).includes(order.id.slice(-8)));
    expect(pushed, 'a push reached the push service').toBeTruthy();
    expect(pushed!.headers['content-encoding']).toBe('aes128gcm');
    expect(checkVapid(pushed!.headers.authorization as string, pushService.origin).publicKey).toBe(publicKey);
    const message = JSON.parse(decryptPush(pushed!.body, keys));
    // The producer reads zh-CN: the push says so in Chinese.
    expect(message).toMatchObject({ title: '新订单', kind: 'order.new', url: 'https://terrace.example/market/seller' });
    expect(message.body).toContain(`订单 ${order.id.slice(-8)} 已付款，共 ¥138.00`);
    const sent = (await deliveries(producer.userId)).slice(-2);
    expect(sent.map((d) => [d.channel, d.status])).toEqual([
      ['email', 'sent'],
      ['push', 'sent'],
    ]);
  });

  it('retries a failing push through the queue, never blocking the order, and refuses unconfigured SMS and WeChat', async () => {
    await req(producer, 'PUT', '/notifications/preferences', { kinds: [{ kind: 'order.new', channels: ['push', 'sms', 'wechat'] }], contacts: { phone: '13800001234' } });
    failPush = true;
    const order = await buyAndPay();
    // The order is paid whatever the channels do.
    expect((await req(buyer, 'GET', `/market/orders/${order.id}`)).json().status).toBe('paid');
    await deliverDue(t.db.db);
    let mine = (await deliveries(producer.userId)).slice(-3);
    expect(mine.map((d) => [d.channel, d.status])).toEqual([
      ['push', 'pending'],
      ['sms', 'skipped'],
      ['wechat', 'skipped'],
    ]);
    expect(mine[0]).toMatchObject({ attempts: 1, last_error: 'push service refused 1 of 1 subscriptions' });
    expect(mine[1].last_error).toBe('sms is not configured (SMS_GATEWAY_URL)');
    // Due again later: make it due now, let the push service recover, and it goes out.
    await t.db.db.execute(sql`update notification_deliveries set next_attempt_at = now() where status = 'pending'`);
    failPush = false;
    await deliverDue(t.db.db);
    mine = (await deliveries(producer.userId)).slice(-3);
    expect(mine[0]).toMatchObject({ channel: 'push', status: 'sent', attempts: 2 });
    // A push service that keeps failing gives up after MAX_ATTEMPTS, and says so.
    failPush = true;
    await buyAndPay();
    for (let i = 0; i < MAX_ATTEMPTS; i++) {
      await t.db.db.execute(sql`update notification_deliveries set next_attempt_at = now() where status = 'pending'`);
      await deliverDue(t.db.db);
    }
    failPush = false;
    expect((await deliveries(producer.userId)).slice(-3)[0]).toMatchObject({ channel: 'push', status: 'failed', attempts: MAX_ATTEMPTS });
  });

  it('drops a subscription the push service says is gone', async () => {
    const keys = browserKeys();
    await req(innkeeper, 'POST', '/notifications/push/subscriptions', { endpoint: `${pushService.origin}/gone/1`, keys: { p256dh: keys.p256dh, auth: keys.authB64 } });
    expect((await req(innkeeper, 'GET', '/notifications/preferences')).json().pushSubscriptions).toBe(1);
    const [{ county_id: countyId }] = await queryRows<{ county_id: string }>(t.db.db, sql`select county_id from users where id = ${innkeeper.userId}`);
    await t.db.db.transaction((tx) => notify(tx, { countyId, userIds: [innkeeper.userId], kind: 'booking.made', params: { room: '东厢房', checkIn: '2027-05-01', checkOut: '2027-05-03' } }));
    await deliverDue(t.db.db);
    expect((await req(innkeeper, 'GET', '/notifications/preferences')).json().pushSubscriptions).toBe(0);
    const items = (await req(innkeeper, 'GET', '/notifications')).json().items;
    expect(items[0]).toMatchObject({ kind: 'booking.made', params: { room: '东厢房' } });
  });

  it('tells the buyer of a partial refund, and of the rest, in their centre', async () => {
    const order = await buyAndPay();
    const part = await req(producer, 'POST', `/payments/${order.paymentId}/refunds`, { amountFen: 3800, reason: '少发一罐' });
    expect(part.statusCode, part.body).toBeLessThan(300);
    // The buyer is told once the refund has gone through at the provider (its job).
    await t.app.jobs.drain();
    let items = (await req(buyer, 'GET', '/notifications')).json().items;
    expect(items[0]).toMatchObject({ kind: 'order.refunded', link: `/market/orders/${order.id}`, params: { orderNo: order.id.slice(-8), refunded: '¥38.00', paid: '¥138.00' } });
    await req(producer, 'POST', `/payments/${order.paymentId}/refunds`, { amountFen: 10000, reason: '退货' });
    await t.app.jobs.drain();
    items = (await req(buyer, 'GET', '/notifications')).json().items;
    expect(items[0].params).toMatchObject({ refunded: '¥138.00', paid: '¥138.00' });
    expect((await req(buyer, 'GET', `/market/orders/${order.id}`)).json().status).toBe('refunded');
  });

  it('refuses bad input with a problem naming the field', async () => {
    const bad = await req(producer, 'PUT', '/notifications/preferences', { kinds: [{ kind: 'order.new', channels: ['fax'] }] });
    expect(bad.statusCode).toBe(400);
    expect(bad.headers['content-type']).toContain('application/problem+json');
    expect(bad.body).toContain('kinds');
    const email = await req(producer, 'PUT', '/notifications/preferences', { contacts: { email: 'not-an-email' } });
    expect(email.statusCode).toBe(400);
    expect(email.body).toContain('email');
    const http = await req(producer, 'POST', '/notifications/push/subscriptions', { endpoint: 'http://insecure.example/x', keys: { p256dh: 'AAAAAAAAAA', auth: 'AAAAAAAAAA' } });
    expect(http.statusCode).toBe(400);
    expect((await req(null, 'GET', '/notifications')).statusCode).toBe(401);
  });
});
