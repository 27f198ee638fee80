// WeChat Pay API v3: the adapter (published specification, node:crypto) against spec vectors — the request
// signature's text, SHA256withRSA checked against openssl, AES-256-GCM against the GCM specification's test case —
// and the whole flow against a local stand-in of WeChat Pay that signs and encrypts like it
// (test/support/wechatpay-gateway.ts).
import { execFileSync } from 'node:child_process';
import { createPrivateKey, createVerify, randomBytes, randomUUID } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { sql } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { as, type Session, type TestApp } from '../../../test/support/app.ts';
import { describeEachDriver } from '../../../test/support/db.ts';
import { encryptResource, startWeChatPayStandIn, type WeChatPayStandIn } from '../../../test/support/wechatpay-gateway.ts';
import { checkRefundRetries } from '../../../test/support/refund-jobs.ts';
import { countRows, orderAndPay as sharedOrderAndPay, paymentSnapshot, startProviderApp, type ProviderApp } from '../../../test/support/provider-app.ts';
import { KeyDir, leaks, LogCapture, rsaKeys, setEnv } from '../../../test/support/payment-keys.ts';
import { queryRows } from '../../db/handle.ts';
import { outTradeNo } from './money-text.ts';
import { wechatPayConfig } from './provider-config.ts';
import { providerFor } from './providers.ts';
import { getPaymentRecord, reconcilePendingPayments, registerPaymentPurpose } from './service.ts';
import { authorization, decryptResource, requestMessage, responseMessage, rsaSign, WeChatPayProvider } from './wechatpay.ts';

const MCHID = '1900000109';
const APPID = 'wxd678efh567hg6787';
const SERIAL = '5157F09EFDC096DE15EBE81A47057A7232F1B8E1';
const PUB_KEY_ID = 'PUB_KEY_ID_0119000001092025113000000000000001';
const APIV3_KEY = 'a1b2c3d4e5f6a7b8c9d0e1f2a3b4c5d6';
const merchant = rsaKeys();
const platform = rsaKeys();
const stranger = rsaKeys();

const paidRefs: string[] = [];
registerPaymentPurpose('test_wechat', {
  async onPaid(_tx, referenceId) {
    paidRefs.push(referenceId);
  },
  returnUrl: (id) => `/inns/bookings/${id}`,
});

function baseEnv(keys: KeyDir): Record<string, string> {
  return {
    WECHATPAY_MCHID: MCHID,
    WECHATPAY_APPID: APPID,
    WECHATPAY_MERCHANT_SERIAL_NO: SERIAL,
    WECHATPAY_PRIVATE_KEY_FILE: keys.write('apiclient_key.pem', merchant.privatePem),
    WECHATPAY_APIV3_KEY: APIV3_KEY,
    WECHATPAY_PLATFORM_PUBLIC_KEY_FILE: keys.write('pub_key.pem', platform.publicPem),
    WECHATPAY_PLATFORM_PUBLIC_KEY_ID: PUB_KEY_ID,
    WECHATPAY_NOTIFY_URL: 'https://terrace.example.cn/api/v1/payments/callback/wechatpay',
  };
}

describe('WeChat Pay: vectors from the specification', () => {
  const keys = new KeyDir();
  const config = wechatPayConfig(baseEnv(keys))!;
  const provider = new WeChatPayProvider(config);

  afterAll(() => keys.remove());

  it('signs the documented request text with SHA256withRSA exactly as openssl does', () => {
    // The specification's example request line: GET /v3/certificates, no body.
    const text = requestMessage('GET', '/v3/certificates', 1554208460, '593BEC0C930BF1AFEB40B4A08C8FB242', '');
    expect(text).toBe('GET\n/v3/certificates\n1554208460\n593BEC0C930BF1AFEB40B4A08C8FB242\n\n');
    const ours = rsaSign(merchant.privateKey, text);
    const file = keys.write('text.txt', text);
    const openssl = execFileSync('openssl', ['dgst', '-sha256', '-sign', keys.write('k.pem', merchant.privatePem), file]).toString('base64');
    expect(ours).toBe(openssl);
    const header = authorization({ mchid: MCHID, serialNo: SERIAL, privateKey: merchant.privateKey }, 'GET', '/v3/certificates', '', { timestamp: 1554208460, nonce: '593BEC0C930BF1AFEB40B4A08C8FB242' });
    expect(header).toBe(`WECHATPAY2-SHA256-RSA2048 mchid="${MCHID}",nonce_str="593BEC0C930BF1AFEB40B4A08C8FB242",signature="${openssl}",timestamp="1554208460",serial_no="${SERIAL}"`);
  });

  it('decrypts AEAD_AES_256_GCM as the GCM specification says (test case 14) and refuses a changed ciphertext', () => {
    const zeroKey = '\u0000'.repeat(32);
    const zeroNonce = '\u0000'.repeat(12);
    const ciphertext = Buffer.from('cea7403d4d606b6e074ec5d3baf39d18' + 'd0d1c8a799996bf0265b98b5d48ab919', 'hex').toString('base64');
    expect(decryptResource(zeroKey, { ciphertext, nonce: zeroNonce, associated_data: '' })).toBe('\u0000'.repeat(16));
    const flipped = Buffer.from(ciphertext, 'base64');
    flipped[3] ^= 1;
    expect(() => decryptResource(zeroKey, { ciphertext: flipped.toString('base64'), nonce: zeroNonce, associated_data: '' })).toThrow();
    expect(() => decryptResource(zeroKey, { ciphertext, nonce: zeroNonce, associated_data: 'transaction' })).toThrow();
  });

  const paymentId = '0192f0a4-5b6c-7d8e-9fa0-b1c2d3e4f5a6';
  const tx = (overrides: Record<string, unknown> = {}) => ({
    appid: APPID,
    mchid: MCHID,
    out_trade_no: outTradeNo(paymentId),
    transaction_id: '4200000000202611300000000001',
    trade_type: 'NATIVE',
    trade_state: 'SUCCESS',
    amount: { total: 1234, payer_total: 1234, currency: 'CNY' },
    ...overrides,
  });
  const notification = (t: object, apiV3Key = APIV3_KEY) =>
    JSON.stringify({ id: 'EV-2018022511223320873', create_time: '2026-11-30T16:00:00+08:00', resource_type: 'encrypt-resource', event_type: 'TRANSACTION.SUCCESS', resource: encryptResource(apiV3Key, JSON.stringify(t)) });
  const headersFor = (body: string, o: { key?: typeof platform.privateKey; serial?: string; timestamp?: number } = {}) => {
    const timestamp = String(o.timestamp ?? Math.floor(Date.now() / 1000));
    const nonce = randomBytes(16).toString('hex');
    return { 'wechatpay-timestamp': timestamp, 'wechatpay-nonce': nonce, 'wechatpay-serial': o.serial ?? PUB_KEY_ID, 'wechatpay-signature': rsaSign(o.key ?? platform.privateKey, responseMessage(timestamp, nonce, body)) };
  };

  it('verifies and decrypts a payment notification: payment id, outcome, amount, replay key', () => {
    const body = notification(tx());
    expect(provider.verifyCallback(headersFor(body), body)).toMatchObject({ paymentId, outcome: 'succeeded', amountFen: 1234, nonce: 'wechatpay:EV-2018022511223320873' });
    const closed = notification(tx({ trade_state: 'CLOSED' }));
    expect(provider.verifyCallback(headersFor(closed), closed).outcome).toBe('failed');
  });

  it('refuses a changed body, another key, an unknown serial, a stale timestamp, a resource it cannot decrypt, another merchant', () => {
    const body = notification(tx());
    const h = headersFor(body);
    expect(() => provider.verifyCallback(h, body.replace('EV-', 'EW-'))).toThrow(expect.objectContaining({ status: 401, code: 'bad_signature' }));
    expect(() => provider.verifyCallback({ ...h, 'wechatpay-nonce': 'other' }, body)).toThrow(expect.objectContaining({ status: 401 }));
    expect(() => provider.verifyCallback(headersFor(body, { key: stranger.privateKey }), body)).toThrow(expect.objectContaining({ status: 401 }));
    expect(() => provider.verifyCallback(headersFor(body, { serial: 'PUB_KEY_ID_OTHER' }), body)).toThrow(expect.objectContaining({ status: 401 }));
    expect(() => provider.verifyCallback(headersFor(body, { timestamp: Math.floor(Date.now() / 1000) - 301 }), body)).toThrow(expect.objectContaining({ code: 'stale_callback' }));
    const { 'wechatpay-signature': _s, ...unsigned } = h;
    expect(() => provider.verifyCallback(unsigned, body)).toThrow(expect.objectContaining({ status: 400 }));
    const otherKey = notification(tx(), 'z'.repeat(32));
    expect(() => provider.verifyCallback(headersFor(otherKey), otherKey)).toThrow(expect.objectContaining({ status: 400, detail: 'The notification resource does not decrypt' }));
    const otherMerchant = notification(tx({ mchid: '1900000110' }));
    expect(() => provider.verifyCallback(headersFor(otherMerchant), otherMerchant)).toThrow(expect.objectContaining({ status: 400 }));
    const notOurs = notification(tx({ out_trade_no: 'ORDER-42' }));
    expect(() => provider.verifyCallback(headersFor(notOurs), notOurs)).toThrow(expect.objectContaining({ status: 404 }));
    const paying = notification(tx({ trade_state: 'USERPAYING' }));
    expect(() => provider.verifyCallback(headersFor(paying), paying)).toThrow(expect.objectContaining({ status: 400 }));
  });

  it('verifies with a platform certificate too, named by its serial number', () => {
    const key = keys.write('platform_key.pem', '');
    const cert = keys.write('platform_cert.pem', '');
    execFileSync('openssl', ['req', '-x509', '-newkey', 'rsa:2048', '-nodes', '-keyout', key, '-out', cert, '-subj', '/CN=Tenpay.com Root CA', '-days', '2'], { stdio: 'ignore' });
    const serial = execFileSync('openssl', ['x509', '-in', cert, '-noout', '-serial']).toString().trim().replace(/^serial=/, '').toUpperCase();
    const env = { ...baseEnv(keys), WECHATPAY_PLATFORM_PUBLIC_KEY_FILE: '', WECHATPAY_PLATFORM_PUBLIC_KEY_ID: '', WECHATPAY_PLATFORM_CERT_FILE: cert };
    const withCert = new WeChatPayProvider(wechatPayConfig(env)!);
    const body = notification(tx());
    const certKey = createPrivateKey(readFileSync(key, 'utf8'));
    expect(withCert.verifyCallback(headersFor(body, { key: certKey, serial }), body).outcome).toBe('succeeded');
    expect(() => withCert.verifyCallback(headersFor(body, { serial: PUB_KEY_ID }), body)).toThrow(expect.objectContaining({ status: 401 }));
  });
});

const later = () => new Date(Date.now() + 61_000);

describeEachDriver('WeChat Pay through a stand-in gateway', (driver) => {
  let t: TestApp;
  let gateway: WeChatPayStandIn;
  let buyer: Session;
  let admin: Session;
  let variantId: string;
  let shop: ProviderApp;
  let restore: () => void;
  const keys = new KeyDir();
  const log = new LogCapture();

  beforeAll(async () => {
    gateway = await startWeChatPayStandIn({ mchid: MCHID, appid: APPID, merchantSerialNo: SERIAL, merchantPublicKey: merchant.publicKey, platformPrivateKey: platform.privateKey, platformSerial: PUB_KEY_ID, apiV3Key: APIV3_KEY });
    restore = setEnv({ ...baseEnv(keys), PAYMENTS_PROVIDER: 'wechatpay', WECHATPAY_BASE_URL: gateway.baseUrl, WECHATPAY_NOTIFY_URL: 'http://127.0.0.1:9/placeholder' });
    shop = await startProviderApp(driver, 'wechatpay', log);
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

  async function open(amountFen: number, how: { channel?: 'native' | 'jsapi' | 'h5'; payerOpenId?: string; clientIp?: string } = {}) {
    const { createPayment } = await import('./service.ts');
    const actor = (await get('/me')).json();
    const referenceId = randomUUID();
    const p = await createPayment(t.db.db, actor, { purpose: 'test_wechat', referenceId, amountFen, description: '老屋民宿 一晚', ...how });
    return { ...p, referenceId, tradeNo: outTradeNo(p.paymentId) };
  }

  it('pays an order by Native QR: the buyer pays at the stand-in, its signed, encrypted notification marks the order paid', async () => {
    const { orderId, paymentId, redirectUrl, totalFen } = await orderAndPay();
    expect(redirectUrl).toMatch(/^weixin:\/\/wxpay\/bizpayurl\?pr=/);
    expect(gateway.orders.get(outTradeNo(paymentId))).toMatchObject({ channel: 'native', total: totalFen, tradeState: 'NOTPAY' });
    expect(await gateway.pay(outTradeNo(paymentId))).toEqual({ delivered: true, status: 200 });
    expect((await get(`/payments/${paymentId}`)).json()).toMatchObject({ status: 'paid', provider: 'wechatpay' });
    expect((await get(`/market/orders/${orderId}`)).json()).toMatchObject({ status: 'paid', paymentId });

    // WeChat Pay redelivers the same notification (same id, new signature): a replay, nothing changes.
    const before = await snapshot(paymentId);
    const body = gateway.notificationBody(outTradeNo(paymentId));
    const again = await gateway.deliver(outTradeNo(paymentId), body, gateway.signedHeaders(body));
    expect(again.status).toBe(200);
    expect(JSON.parse(again.text)).toMatchObject({ applied: false, duplicate: true, status: 'paid' });
    expect(await snapshot(paymentId)).toEqual(before);
    expect(await count(sql`select count(*) as n from audit_log where action = 'order.paid' and entity_id = ${orderId}`)).toBe(1);
  });

  it('starts JSAPI (signed parameters for WeChat) and H5 payments; refuses them without openid or IP', async () => {
    const jsapi = await open(2000, { channel: 'jsapi', payerOpenId: 'oUpF8uMuAJO_M2pxb1Q9zNjWeS6o' });
    expect(jsapi.jsapi).toMatchObject({ appId: APPID, signType: 'RSA', package: `prepay_id=${gateway.orders.get(jsapi.tradeNo)!.prepayId}` });
    const j = jsapi.jsapi!;
    expect(createVerify('RSA-SHA256').update(`${j.appId}\n${j.timeStamp}\n${j.nonceStr}\n${j.package}\n`).verify(merchant.publicKey, j.paySign, 'base64')).toBe(true);
    const h5 = await open(2000, { channel: 'h5', clientIp: '203.0.113.7' });
    expect(h5.redirectUrl).toMatch(/^https:\/\/wx\.tenpay\.com\/.+&redirect_url=http%3A%2F%2F127\.0\.0\.1%3A\d+%2Finns%2Fbookings%2F/);
    await expect(open(2000, { channel: 'jsapi' })).rejects.toMatchObject({ status: 400, extra: { field: 'payerOpenId' } });
    await expect(open(2000, { channel: 'h5' })).rejects.toMatchObject({ status: 400, extra: { field: 'clientIp' } });
    await expect(open(2000, { channel: 'wap' as never })).rejects.toMatchObject({ status: 400 });
  });

  it('refuses a notification with a bad signature, for an unknown order or for a wrong amount, and changes nothing', async () => {
    const p = await open(36800);
    gateway.orders.get(p.tradeNo)!.tradeState = 'SUCCESS';
    const before = await snapshot(p.paymentId);
    const body = gateway.notificationBody(p.tradeNo);
    expect((await gateway.deliver(p.tradeNo, body, gateway.signedHeaders(body, { signWith: stranger.privateKey }))).status).toBe(401);
    expect((await gateway.deliver(p.tradeNo, body.replace('"id":"', '"id":"x'), gateway.signedHeaders(body))).status).toBe(401);
    const unknown = gateway.notificationBody(p.tradeNo, { out_trade_no: randomBytes(16).toString('hex') });
    expect((await gateway.deliver(p.tradeNo, unknown, gateway.signedHeaders(unknown))).status).toBe(404);
    const wrongAmount = gateway.notificationBody(p.tradeNo, { amount: { total: 368, payer_total: 368, currency: 'CNY' } });
    const refused = await gateway.deliver(p.tradeNo, wrongAmount, gateway.signedHeaders(wrongAmount));
    expect(refused.status).toBe(400);
    expect(JSON.parse(refused.text)).toMatchObject({ code: 'amount_mismatch' });
    const stale = await gateway.deliver(p.tradeNo, body, gateway.signedHeaders(body, { timestamp: Math.floor(Date.now() / 1000) - 600 }));
    expect(stale.status).toBe(401);

    expect(await snapshot(p.paymentId)).toEqual(before);
    expect(before.payment!.status).toBe('pending');
    expect(paidRefs).not.toContain(p.referenceId);
    expect((await gateway.deliver(p.tradeNo, body, gateway.signedHeaders(body))).status).toBe(200);
    expect((await getPaymentRecord(t.db.db, p.paymentId))!.status).toBe('paid');
  });

  it('reconciles a lost notification by querying the order', async () => {
    const { orderId, paymentId } = await orderAndPay();
    expect((await reconcilePendingPayments(t.db.db, later())).errors).toBe(0);
    expect((await getPaymentRecord(t.db.db, paymentId))!.status).toBe('pending');
    await gateway.pay(outTradeNo(paymentId), { deliver: false });
    const result = await reconcilePendingPayments(t.db.db, later());
    expect(result).toMatchObject({ errors: 0 });
    expect((await get(`/market/orders/${orderId}`)).json().status).toBe('paid');
    const [audit] = await queryRows<{ details: { transactionReference: string } }>(t.db.db, sql`select details from audit_log where action = 'payment.reconciled' and entity_id = ${paymentId}`);
    expect(audit.details.transactionReference).toBe(gateway.orders.get(outTradeNo(paymentId))!.transactionId);
  });

  it('refunds through /v3/refund/domestic/refunds in parts, never more than was paid; the refund query finds them', async () => {
    const p = await open(10000);
    await gateway.pay(p.tradeNo);
    const refund = (amountFen: number) => as(t.app, admin)({ method: 'POST', url: `/api/v1/payments/${p.paymentId}/refunds`, payload: { amountFen, reason: '退订一晚' } });
    expect((await refund(2500)).json()).toMatchObject({ refundedFen: 2500, status: 'paid', refundStatus: 'pending' });
    expect((await refund(7501)).statusCode).toBe(409);
    await t.app.jobs.drain();
    expect(gateway.orders.get(p.tradeNo)!.refunded).toBe(2500);
    expect((await refund(7500)).json()).toMatchObject({ refundedFen: 10000, status: 'refunded' });
    await t.app.jobs.drain();
    expect(gateway.orders.get(p.tradeNo)!.refunded).toBe(10000);
    const rows = await queryRows<{ id: string; refund_reference: string }>(t.db.db, sql`select id, refund_reference from payment_refunds where payment_id = ${p.paymentId} order by created_at`);
    const provider = await providerFor(t.db.db, 'wechatpay');
    for (const r of rows) expect(await provider.queryRefund!({ providerReference: p.tradeNo, refundId: r.id })).toEqual({ refundReference: r.refund_reference, status: 'succeeded' });
    expect(await provider.queryRefund!({ providerReference: p.tradeNo, refundId: randomUUID() })).toBeNull();
    // A retry with the same out_refund_no moves no money twice.
    await provider.refund({ providerReference: p.tradeNo, refundId: rows[0].id, amountFen: 2500, totalFen: 10000, reason: '重试' });
    expect(gateway.orders.get(p.tradeNo)!.refunded).toBe(10000);
  });

  it('retries a refund through an outage with backoff; one that outlasts its tries fails, the county admin sends it again', async () => {
    const p = await open(8800);
    await gateway.pay(p.tradeNo);
    await checkRefundRetries(t, { admin, payer: buyer }, p.paymentId, gateway, () => gateway.orders.get(p.tradeNo)!.refunded);
  });

  it('refuses an answer not signed by the platform key (a 502 naming only the cause), and the stand-in refuses unsigned requests', async () => {
    const restoreKey = setEnv({ WECHATPAY_PLATFORM_PUBLIC_KEY_FILE: keys.write('stranger.pem', stranger.publicPem) });
    try {
      const wrong = await providerFor(t.db.db, 'wechatpay');
      // A 404 (order not found) only ever means "still pending"; every 2xx answer must carry the platform's signature.
      await expect(wrong.queryStatus(randomBytes(16).toString('hex'))).resolves.toEqual({ status: 'pending' });
      await expect(wrong.start({ paymentId: randomUUID(), amountFen: 100, description: 'x', returnUrl: '/' })).rejects.toMatchObject({ status: 502, detail: 'WeChat Pay: /v3/pay/transactions/native failed (answer_signature)' });
    } finally {
      restoreKey();
    }
    const restoreMerchant = setEnv({ WECHATPAY_PRIVATE_KEY_FILE: keys.write('stranger_key.pem', stranger.privatePem) });
    try {
      const unsigned = await providerFor(t.db.db, 'wechatpay');
      await expect(unsigned.start({ paymentId: randomUUID(), amountFen: 100, description: 'x', returnUrl: '/' })).rejects.toMatchObject({ status: 502, detail: 'WeChat Pay: /v3/pay/transactions/native failed (SIGN_ERROR)' });
    } finally {
      restoreMerchant();
    }
    expect(gateway.refusedSignatures).toBeGreaterThanOrEqual(1);
  });

  it('never shows the keys in the log', () => {
    expect(log.text).toContain('/api/v1/payments/callback/:provider');
    expect(leaks(log.text, [merchant.privatePem, platform.privatePem, stranger.privatePem, APIV3_KEY])).toEqual([]);
  });
});
