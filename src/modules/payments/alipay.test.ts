// Alipay: the adapter (alipay-sdk) against vectors built from Alipay's published signing rules, and the whole
// flow against a local stand-in of Alipay's gateway that signs like Alipay (test/support/alipay-gateway.ts).
import { randomBytes, randomUUID } from 'node:crypto';
import { sql } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { as, type Session, type TestApp } from '../../../test/support/app.ts';
import { describeEachDriver } from '../../../test/support/db.ts';
import { alipaySignContent, beijingTime, rsa2Sign, startAlipayStandIn, type AlipayStandIn } from '../../../test/support/alipay-gateway.ts';
import { checkRefundRetries } from '../../../test/support/refund-jobs.ts';
import { countRows, orderAndPay as sharedOrderAndPay, paymentSnapshot, startProviderApp, type ProviderApp } from '../../../test/support/provider-app.ts';
import { KeyDir, leaks, LogCapture, rsaKeys, setEnv } from '../../../test/support/payment-keys.ts';
import { queryRows } from '../../db/handle.ts';
import { AlipayProvider, alipayTime } from './alipay.ts';
import { fenToYuan, outTradeNo, yuanToFen } from './money-text.ts';
import { alipayConfig } from './provider-config.ts';
import { providerFor } from './providers.ts';
import { getPaymentRecord, reconcilePendingPayments, registerPaymentPurpose } from './service.ts';

const APP_ID = '2021000000000001';
const app = rsaKeys('pkcs1');
const alipay = rsaKeys();
const stranger = rsaKeys();

const paidRefs: string[] = [];
registerPaymentPurpose('test_alipay', {
  async onPaid(_tx, referenceId) {
    paidRefs.push(referenceId);
  },
  returnUrl: (id) => `/inns/bookings/${id}`,
});

describe('Alipay: vectors from the published rules', () => {
  const keys = new KeyDir();
  const restore = setEnv({
    ALIPAY_APP_ID: APP_ID,
    ALIPAY_PRIVATE_KEY_FILE: keys.write('app.pem', app.privatePem),
    ALIPAY_PUBLIC_KEY_FILE: keys.write('alipay.pem', alipay.publicPem),
    ALIPAY_NOTIFY_URL: 'https://terrace.example.cn/api/v1/payments/callback/alipay',
    ALIPAY_GATEWAY: 'https://openapi-sandbox.dl.alipaydev.com/gateway.do',
  });
  const config = alipayConfig()!;
  restore();
  keys.remove();
  const provider = new AlipayProvider(config);
  const paymentId = '0192f0a4-5b6c-7d8e-9fa0-b1c2d3e4f5a6';

  it('converts fen to Alipay yuan text and back exactly', () => {
    for (let fen = 0; fen <= 20_000; fen++) expect(yuanToFen(fenToYuan(fen))).toBe(fen);
    expect(fenToYuan(1234)).toBe('12.34');
    expect(fenToYuan(5)).toBe('0.05');
    expect(fenToYuan(99_999_999_99)).toBe('99999999.99');
    expect(yuanToFen('12.3')).toBe(1230);
    expect(yuanToFen('12')).toBe(1200);
    for (const bad of ['', '1.234', '-1', '1e3', ' 1', '0x10', '1.', '.5']) expect(yuanToFen(bad)).toBeNull();
  });

  it('reads notify_time as Beijing time', () => {
    expect(alipayTime('2026-11-30 08:00:00')).toBe(Date.parse('2026-11-30T00:00:00Z') / 1000);
    expect(alipayTime('2026-11-30T08:00:00')).toBeNull();
  });

  it('signs the WAP and page pay requests as Alipay verifies them: RSA2 over the sorted parameters but sign', async () => {
    for (const channel of ['wap', 'page'] as const) {
      const started = await provider.start({ paymentId, amountFen: 1234, description: '高山云雾茶 250g', returnUrl: '/market/orders/x', channel });
      const url = new URL(started.redirectUrl);
      expect(url.origin + url.pathname).toBe('https://openapi-sandbox.dl.alipaydev.com/gateway.do');
      const params = Object.fromEntries(url.searchParams);
      expect(params).toMatchObject({
        app_id: APP_ID,
        method: channel === 'wap' ? 'alipay.trade.wap.pay' : 'alipay.trade.page.pay',
        sign_type: 'RSA2',
        charset: 'utf-8',
        notify_url: 'https://terrace.example.cn/api/v1/payments/callback/alipay',
        return_url: 'https://terrace.example.cn/market/orders/x',
      });
      expect(JSON.parse(params.biz_content)).toEqual({
        out_trade_no: '0192f0a45b6c7d8e9fa0b1c2d3e4f5a6',
        total_amount: '12.34',
        subject: '高山云雾茶 250g',
        product_code: channel === 'wap' ? 'QUICK_WAP_WAY' : 'FAST_INSTANT_TRADE_PAY',
      });
      expect(started.providerReference).toBe('0192f0a45b6c7d8e9fa0b1c2d3e4f5a6');
      // The signed text, by the documented rule, verifies with the application's public key.
      const { createVerify } = await import('node:crypto');
      const text = alipaySignContent(params);
      expect(text.startsWith('alipay_sdk=')).toBe(true);
      expect(createVerify('RSA-SHA256').update(text).verify(app.publicKey, params.sign, 'base64')).toBe(true);
    }
  });

  /** An asynchronous notification as Alipay documents it, signed over the literal text below. */
  const notifyTime = beijingTime();
  const form: Record<string, string> = {
    notify_time: notifyTime,
    notify_type: 'trade_status_sync',
    notify_id: 'ac05099524730693a8b330c5ecf72da9786',
    app_id: APP_ID,
    charset: 'utf-8',
    version: '1.0',
    sign_type: 'RSA2',
    trade_no: '2026113022001405990500000001',
    out_trade_no: '0192f0a45b6c7d8e9fa0b1c2d3e4f5a6',
    trade_status: 'TRADE_SUCCESS',
    total_amount: '12.34',
    subject: '高山云雾茶 250g',
  };
  const literal =
    `app_id=${APP_ID}&charset=utf-8&notify_id=ac05099524730693a8b330c5ecf72da9786&notify_time=${notifyTime}&notify_type=trade_status_sync` +
    `&out_trade_no=0192f0a45b6c7d8e9fa0b1c2d3e4f5a6&subject=高山云雾茶 250g&total_amount=12.34&trade_no=2026113022001405990500000001&trade_status=TRADE_SUCCESS&version=1.0`;
  const signed = { ...form, sign: rsa2Sign(alipay.privateKey, literal) };
  const body = (f: Record<string, string>) => new URLSearchParams(f).toString();

  it('verifies a documented notification and reads it: payment id, outcome, amount, replay key', () => {
    expect(alipaySignContent(form, ['sign', 'sign_type'])).toBe(literal);
    expect(provider.verifyCallback({}, body(signed))).toMatchObject({
      paymentId,
      providerReference: '0192f0a45b6c7d8e9fa0b1c2d3e4f5a6',
      outcome: 'succeeded',
      amountFen: 1234,
      nonce: 'alipay:ac05099524730693a8b330c5ecf72da9786',
    });
    const closed = { ...form, trade_status: 'TRADE_CLOSED' };
    expect(provider.verifyCallback({}, body({ ...closed, sign: rsa2Sign(alipay.privateKey, alipaySignContent(closed, ['sign', 'sign_type'])) })).outcome).toBe('failed');
  });

  it('refuses a notification with any field changed after signing, or signed by another key', () => {
    for (const key of Object.keys(form).filter((k) => k !== 'sign_type')) {
      const tampered = { ...signed, [key]: key === 'total_amount' ? '0.01' : `${form[key]}0` };
      expect(() => provider.verifyCallback({}, body(tampered)), key).toThrow(expect.objectContaining({ status: 401, code: 'bad_signature' }));
    }
    const forged = { ...form, sign: rsa2Sign(stranger.privateKey, literal) };
    expect(() => provider.verifyCallback({}, body(forged))).toThrow(expect.objectContaining({ status: 401 }));
    expect(() => provider.verifyCallback({}, body({ ...signed, sign: randomBytes(256).toString('base64') }))).toThrow(expect.objectContaining({ status: 401 }));
    const { sign: _sign, ...unsigned } = signed;
    expect(() => provider.verifyCallback({}, body(unsigned))).toThrow(expect.objectContaining({ status: 400 }));
    expect(() => provider.verifyCallback({}, 'not a form')).toThrow(expect.objectContaining({ status: 400 }));
  });

  it('refuses a validly signed notification for another app, an old one, or one without a final status', () => {
    const resign = (f: Record<string, string>) => body({ ...f, sign: rsa2Sign(alipay.privateKey, alipaySignContent(f, ['sign', 'sign_type'])) });
    expect(() => provider.verifyCallback({}, resign({ ...form, app_id: '2021000000000002' }))).toThrow(expect.objectContaining({ status: 400 }));
    expect(() => provider.verifyCallback({}, resign({ ...form, notify_time: beijingTime(Date.now() - 49 * 3600_000) }))).toThrow(expect.objectContaining({ code: 'stale_callback' }));
    expect(() => provider.verifyCallback({}, resign({ ...form, trade_status: 'WAIT_BUYER_PAY' }))).toThrow(expect.objectContaining({ status: 400 }));
    expect(() => provider.verifyCallback({}, resign({ ...form, total_amount: '12.345' }))).toThrow(expect.objectContaining({ status: 400 }));
    expect(() => provider.verifyCallback({}, resign({ ...form, out_trade_no: 'not-ours' }))).toThrow(expect.objectContaining({ status: 404 }));
  });
});

const later = () => new Date(Date.now() + 61_000);

describeEachDriver('Alipay through a stand-in gateway', (driver) => {
  let t: TestApp;
  let gateway: AlipayStandIn;
  let buyer: Session;
  let admin: Session;
  let variantId: string;
  let shop: ProviderApp;
  let restore: () => void;
  const keys = new KeyDir();
  const log = new LogCapture();

  beforeAll(async () => {
    gateway = await startAlipayStandIn({ appId: APP_ID, appPublicKey: app.publicKey, alipayPrivateKey: alipay.privateKey });
    restore = setEnv({
      PAYMENTS_PROVIDER: 'alipay',
      ALIPAY_APP_ID: APP_ID,
      ALIPAY_PRIVATE_KEY_FILE: keys.write('app.pem', app.privatePem),
      ALIPAY_PUBLIC_KEY_FILE: keys.write('alipay.pem', alipay.publicPem),
      ALIPAY_NOTIFY_URL: 'http://127.0.0.1:9/placeholder',
      ALIPAY_GATEWAY: gateway.gateway,
    });
    shop = await startProviderApp(driver, 'alipay', log);
    ({ t, buyer, admin, variantId } = shop);
  });
  afterAll(async () => {
    await t?.close();
    await gateway?.close();
    restore?.();
    keys.remove();
  });

  const get = (url: string) => as(t.app, buyer)({ method: 'GET', url: `/api/v1${url}` });
  const count = (query: ReturnType<typeof sql>) => countRows(t, query);
  const snapshot = (paymentId: string) => paymentSnapshot(t, paymentId);
  const orderAndPay = () => sharedOrderAndPay(shop);

  async function openTestPayment(amountFen: number) {
    const { createPayment } = await import('./service.ts');
    const actor = (await get('/me')).json();
    const referenceId = randomUUID();
    const p = await createPayment(t.db.db, actor, { purpose: 'test_alipay', referenceId, amountFen, description: '老屋民宿 一晚' });
    // The payer opens the cashier page: the trade exists at Alipay from then on.
    expect((await fetch(p.redirectUrl)).status).toBe(200);
    return { ...p, referenceId, tradeNo: outTradeNo(p.paymentId) };
  }

  it('pays an order: the buyer pays at the stand-in cashier, its signed notification marks the order paid', async () => {
    const { orderId, paymentId, redirectUrl, totalFen } = await orderAndPay();
    expect(redirectUrl.startsWith(gateway.gateway + '?')).toBe(true);
    const cashier = await fetch(redirectUrl);
    expect(cashier.status).toBe(200);
    expect(await cashier.text()).toContain(`¥${fenToYuan(totalFen)}`);
    expect((await get(`/market/orders/${orderId}`)).json().status).toBe('pending');

    const paid = await fetch(`${new URL(gateway.gateway).origin}/cashier/pay`, { method: 'POST', body: new URLSearchParams({ out_trade_no: outTradeNo(paymentId) }) });
    expect(await paid.json()).toMatchObject({ delivered: true, status: 200, answer: 'success' });
    expect((await get(`/payments/${paymentId}`)).json()).toMatchObject({ status: 'paid', provider: 'alipay' });
    expect((await get(`/market/orders/${orderId}`)).json()).toMatchObject({ status: 'paid', paymentId });
    expect(await count(sql`select count(*) as n from audit_log where action = 'payment.paid' and entity_id = ${paymentId}`)).toBe(1);

    // Alipay retries the same notification (a replay): answered success, nothing changes.
    const before = await snapshot(paymentId);
    const again = await gateway.deliver(outTradeNo(paymentId), gateway.notification(outTradeNo(paymentId)));
    expect(again).toEqual({ status: 200, answer: 'success' });
    expect(await snapshot(paymentId)).toEqual({ ...before, audit: before.audit });
    expect(await count(sql`select count(*) as n from audit_log where action = 'order.paid' and entity_id = ${orderId}`)).toBe(1);
  });

  it('refuses a notification with a bad signature, for an unknown order or for a wrong amount, and changes nothing', async () => {
    const p = await openTestPayment(36800);
    gateway.trades.get(p.tradeNo)!.status = 'TRADE_SUCCESS';
    const before = await snapshot(p.paymentId);

    const forged = await gateway.deliver(p.tradeNo, gateway.notification(p.tradeNo, {}, { signWith: stranger.privateKey }));
    expect(forged.status).toBe(401);
    const tampered = gateway.notification(p.tradeNo);
    expect((await gateway.deliver(p.tradeNo, { ...tampered, total_amount: '0.01' })).status).toBe(401);
    const unknown = await gateway.deliver(p.tradeNo, gateway.notification(p.tradeNo, { out_trade_no: randomBytes(16).toString('hex') }));
    expect(unknown.status).toBe(404);
    const wrongAmount = await gateway.deliver(p.tradeNo, gateway.notification(p.tradeNo, { total_amount: '3.68' }));
    expect(wrongAmount.status).toBe(400);
    expect(JSON.parse(wrongAmount.answer)).toMatchObject({ code: 'amount_mismatch' });
    const otherApp = await gateway.deliver(p.tradeNo, gateway.notification(p.tradeNo, { app_id: '2021000000000099' }));
    expect(otherApp.status).toBe(400);

    expect(await snapshot(p.paymentId)).toEqual(before);
    expect(before.payment!.status).toBe('pending');
    expect(paidRefs).not.toContain(p.referenceId);
    // The genuine notification still applies afterwards.
    expect(await gateway.deliver(p.tradeNo, gateway.notification(p.tradeNo))).toEqual({ status: 200, answer: 'success' });
    expect((await getPaymentRecord(t.db.db, p.paymentId))!.status).toBe('paid');
  });

  it('reconciles a lost notification by alipay.trade.query', async () => {
    const { orderId, paymentId } = await orderAndPay();
    const started = await fetch((await as(t.app, buyer)({ method: 'POST', url: `/api/v1/market/orders/${orderId}/pay` })).json().redirectUrl);
    expect(started.status).toBe(200);
    const pending = await reconcilePendingPayments(t.db.db, later());
    expect(pending.errors).toBe(0);
    expect((await getPaymentRecord(t.db.db, paymentId))!.status).toBe('pending');

    expect(await gateway.pay(outTradeNo(paymentId), { deliver: false })).toMatchObject({ delivered: false });
    const result = await reconcilePendingPayments(t.db.db, later());
    expect(result.errors).toBe(0);
    expect(result.paid).toBeGreaterThanOrEqual(1);
    expect((await get(`/market/orders/${orderId}`)).json().status).toBe('paid');
    const [audit] = await queryRows<{ details: { transactionReference: string } }>(t.db.db, sql`select details from audit_log where action = 'payment.reconciled' and entity_id = ${paymentId}`);
    expect(audit.details.transactionReference).toBe(gateway.trades.get(outTradeNo(paymentId))!.tradeNo);
  });

  it('refunds through alipay.trade.refund, in parts, never more than was paid; the refund query finds it', async () => {
    const p = await openTestPayment(10000);
    await gateway.pay(p.tradeNo);
    expect((await getPaymentRecord(t.db.db, p.paymentId))!.status).toBe('paid');
    const refund = (amountFen: number) => as(t.app, admin)({ method: 'POST', url: `/api/v1/payments/${p.paymentId}/refunds`, payload: { amountFen, reason: '退订一晚' } });

    expect((await refund(4000)).json()).toMatchObject({ refundedFen: 4000, status: 'paid', refundStatus: 'pending' });
    await t.app.jobs.drain();
    expect(gateway.trades.get(p.tradeNo)!.refunded).toBe(4000);
    expect((await refund(6001)).statusCode).toBe(409);
    await t.app.jobs.drain();
    expect(gateway.trades.get(p.tradeNo)!.refunded).toBe(4000);
    expect((await refund(6000)).json()).toMatchObject({ refundedFen: 10000, status: 'refunded' });
    await t.app.jobs.drain();
    expect(gateway.trades.get(p.tradeNo)!).toMatchObject({ refunded: 10000, status: 'TRADE_CLOSED' });
    expect((await refund(1)).statusCode).toBe(409);

    const rows = await queryRows<{ id: string; amount_fen: number }>(t.db.db, sql`select id, amount_fen from payment_refunds where payment_id = ${p.paymentId} order by created_at`);
    expect(rows.map((r) => r.amount_fen)).toEqual([4000, 6000]);
    const provider = await providerFor(t.db.db, 'alipay');
    for (const r of rows) {
      expect(await provider.queryRefund!({ providerReference: p.tradeNo, refundId: r.id })).toMatchObject({ status: 'succeeded' });
    }
    expect(await provider.queryRefund!({ providerReference: p.tradeNo, refundId: randomUUID() })).toBeNull();
    // Asking again with the same refund id (a retry) moves no money twice.
    expect(await provider.refund({ providerReference: p.tradeNo, refundId: rows[0].id, amountFen: 4000, totalFen: 10000, reason: '重试' })).toMatchObject({ status: 'succeeded' });
    expect(gateway.trades.get(p.tradeNo)!.refunded).toBe(10000);
  });

  it('retries a refund through an outage with backoff; one that outlasts its tries fails, the county admin sends it again', async () => {
    const p = await openTestPayment(8800);
    await gateway.pay(p.tradeNo);
    await checkRefundRetries(t, { admin, payer: buyer }, p.paymentId, gateway, () => gateway.trades.get(p.tradeNo)!.refunded);
  });

  it('a gateway that refuses the request signature is a 502 naming only its code', async () => {
    const provider = await providerFor(t.db.db, 'alipay');
    const restoreKey = setEnv({ ALIPAY_PRIVATE_KEY_FILE: keys.write('wrong.pem', stranger.privatePem) });
    try {
      const wrong = await providerFor(t.db.db, 'alipay');
      await expect(wrong.queryStatus(randomBytes(16).toString('hex'))).rejects.toMatchObject({ status: 502, detail: 'Alipay: alipay.trade.query failed (isv.invalid-signature)' });
    } finally {
      restoreKey();
    }
    expect(await provider.queryStatus(randomBytes(16).toString('hex'))).toEqual({ status: 'pending' });
    expect(gateway.refusedSignatures).toBeGreaterThanOrEqual(1);
  });

  it('never shows the keys in the log', () => {
    expect(log.text).toContain('/api/v1/payments/callback/:provider');
    expect(leaks(log.text, [app.privatePem, stranger.privatePem, alipay.privatePem])).toEqual([]);
  });
});
