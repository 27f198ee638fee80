import { randomUUID } from 'node:crypto';
import { sql } from 'drizzle-orm';
import { afterAll, afterEach, beforeAll, expect, it } from 'vitest';
import { queryRows } from '../../db/handle.ts';
import { as, signIn, startTestApp, type Session, type TestApp } from '../../../test/support/app.ts';
import { describeEachDriver } from '../../../test/support/db.ts';
import { signSandboxCallback } from './sandbox.ts';
import { getPaymentRecord, reconcilePendingPayments, sandboxSecret } from './service.ts';

const ADDRESS = { name: '王小明', phone: '13800001234', province: '上海市', city: '上海市', detail: '徐汇区漕溪北路 88 号' };
/** Past the default grace period (PAYMENTS_RECONCILE_AFTER_SECONDS = 60). */
const later = () => new Date(Date.now() + 61_000);

describeEachDriver('payments: reconciliation of lost notifications', (driver) => {
  let t: TestApp;
  let buyer: Session;
  let variantId: string;
  const savedAfter = process.env.PAYMENTS_RECONCILE_AFTER_SECONDS;

  beforeAll(async () => {
    t = await startTestApp(driver);
    buyer = await signIn(t.app, 'buyer');
    const products = (await t.app.inject({ method: 'GET', url: '/api/v1/market/products' })).json().items as { id: string }[];
    const product = (await t.app.inject({ method: 'GET', url: `/api/v1/market/products/${products[0].id}` })).json();
    variantId = product.variants[0].id;
  });
  afterEach(() => {
    if (savedAfter === undefined) delete process.env.PAYMENTS_RECONCILE_AFTER_SECONDS;
    else process.env.PAYMENTS_RECONCILE_AFTER_SECONDS = savedAfter;
  });
  afterAll(async () => {
    await t?.close();
  });

  const get = (url: string) => as(t.app, buyer)({ method: 'GET', url: `/api/v1${url}` });
  const post = (url: string, payload?: object) => as(t.app, buyer)({ method: 'POST', url: `/api/v1${url}`, payload });

  /** The buyer orders one tea and opens its payment page: the order and its payment, both pending. */
  async function orderAndStartPaying() {
    const ordered = await as(t.app, buyer)({
      method: 'POST',
      url: '/api/v1/market/orders',
      payload: { items: [{ variantId, qty: 1 }], address: ADDRESS },
      headers: { 'idempotency-key': randomUUID() },
    });
    expect(ordered.statusCode).toBe(201);
    const orderId: string = ordered.json().id;
    const started = await post(`/market/orders/${orderId}/pay`);
    expect(started.statusCode).toBe(200);
    return { orderId, paymentId: started.json().paymentId as string };
  }

  /** The payer chooses on the sandbox page, and the notification is lost on its way to Terrace. */
  async function payWithLostCallback(paymentId: string, outcome: 'succeeded' | 'failed') {
    const res = await post(`/payments/${paymentId}/sandbox`, { outcome, callback: 'lose' });
    expect(res.statusCode).toBe(200);
    expect(res.json()).toMatchObject({ applied: false, status: 'pending', callback: 'lost' });
  }

  const count = async (query: ReturnType<typeof sql>) => Number((await queryRows<{ n: number | string }>(t.db.db, query))[0].n);
  const audits = (action: string, entityId: string) =>
    count(sql`select count(*) as n from audit_log where action = ${action} and entity_id = ${entityId}`);

  it('a payment whose callback was lost stays pending, then becomes paid (and its order paid) after reconciliation', async () => {
    const { orderId, paymentId } = await orderAndStartPaying();
    await payWithLostCallback(paymentId, 'succeeded');
    expect((await get(`/payments/${paymentId}`)).json().status).toBe('pending');
    expect((await get(`/market/orders/${orderId}`)).json().status).toBe('pending');

    const result = await reconcilePendingPayments(t.db.db, later());
    expect(result.paid).toBeGreaterThanOrEqual(1);
    expect(result.errors).toBe(0);

    expect((await get(`/payments/${paymentId}`)).json().status).toBe('paid');
    const order = (await get(`/market/orders/${orderId}`)).json();
    expect(order).toMatchObject({ status: 'paid', paymentId });
    expect(order.paidAt).not.toBeNull();
    const [audit] = await queryRows<{ details: { outcome: string; transactionReference: string } }>(
      t.db.db,
      sql`select details from audit_log where action = 'payment.reconciled' and entity_id = ${paymentId}`,
    );
    expect(audit.details.outcome).toBe('succeeded');
    expect(audit.details.transactionReference).toMatch(/^sbx_txn_/);
  });

  it('a payment that failed with its callback lost becomes failed; the order stays payable', async () => {
    const { orderId, paymentId } = await orderAndStartPaying();
    await payWithLostCallback(paymentId, 'failed');
    await reconcilePendingPayments(t.db.db, later());
    expect((await get(`/payments/${paymentId}`)).json().status).toBe('failed');
    expect((await get(`/market/orders/${orderId}`)).json().status).toBe('pending');
    expect(await audits('payment.failed', paymentId)).toBe(1);
    // The buyer can start again: a new payment, pending.
    const again = await post(`/market/orders/${orderId}/pay`);
    expect(again.statusCode).toBe(200);
    expect(again.json().paymentId).not.toBe(paymentId);
  });

  it('a callback delivered after reconciliation changes nothing more: one state, one order transition, onPaid once', async () => {
    const { orderId, paymentId } = await orderAndStartPaying();
    await payWithLostCallback(paymentId, 'succeeded');
    await reconcilePendingPayments(t.db.db, later());
    const paidAt = (await get(`/market/orders/${orderId}`)).json().paidAt;

    // The lost notification arrives at last (the sandbox page's redelivery), then a provider retry with a new nonce.
    const late = await post(`/payments/${paymentId}/sandbox`, { outcome: 'succeeded' });
    expect(late.statusCode).toBe(200);
    expect(late.json()).toMatchObject({ applied: false, status: 'paid', callback: 'delivered' });
    const record = await getPaymentRecord(t.db.db, paymentId);
    const retry = signSandboxCallback(await sandboxSecret(t.db.db), { paymentId, providerReference: record!.providerReference!, outcome: 'succeeded' });
    const delivered = await t.app.inject({ method: 'POST', url: '/api/v1/payments/callback/sandbox', headers: retry.headers, payload: retry.rawBody });
    expect(delivered.statusCode).toBe(200);
    expect(delivered.json()).toMatchObject({ applied: false, status: 'paid' });
    // And reconciliation again: nothing is pending.
    await reconcilePendingPayments(t.db.db, later());

    expect(await count(sql`select count(*) as n from payments where reference_id = ${orderId}`)).toBe(1);
    expect((await get(`/payments/${paymentId}`)).json().status).toBe('paid');
    expect((await get(`/market/orders/${orderId}`)).json()).toMatchObject({ status: 'paid', paidAt });
    expect(await audits('order.paid', orderId)).toBe(1);
    expect(await audits('payment.paid', paymentId)).toBe(1);
    expect(await audits('payment.reconciled', paymentId)).toBe(1);
  });

  it('a callback and reconciliation (from two server instances) at once apply the payment once', async () => {
    const { orderId, paymentId } = await orderAndStartPaying();
    await payWithLostCallback(paymentId, 'succeeded');
    const results = await Promise.all([
      reconcilePendingPayments(t.db.db, later()),
      post(`/payments/${paymentId}/sandbox`, { outcome: 'succeeded' }),
      reconcilePendingPayments(t.db.db, later()),
    ]);
    expect((results[1] as { statusCode: number }).statusCode).toBe(200);
    expect((await get(`/market/orders/${orderId}`)).json().status).toBe('paid');
    expect(await audits('order.paid', orderId)).toBe(1);
    expect(await audits('payment.paid', paymentId)).toBe(1);
    // A delivered callback first, reconciliation after: the payment is no longer pending, nobody asks again.
    expect(await audits('payment.reconciled', paymentId)).toBeLessThanOrEqual(1);
  });

  it('a payment younger than the grace period is left alone', async () => {
    const { orderId, paymentId } = await orderAndStartPaying();
    await payWithLostCallback(paymentId, 'succeeded');
    await reconcilePendingPayments(t.db.db, new Date());
    expect((await get(`/payments/${paymentId}`)).json().status).toBe('pending');
    expect((await get(`/market/orders/${orderId}`)).json().status).toBe('pending');
    expect(await audits('payment.reconciled', paymentId)).toBe(0);

    // The grace period is PAYMENTS_RECONCILE_AFTER_SECONDS: with 0, the same payment is reconciled at once.
    process.env.PAYMENTS_RECONCILE_AFTER_SECONDS = '0';
    await reconcilePendingPayments(t.db.db, new Date(Date.now() + 1000));
    expect((await get(`/market/orders/${orderId}`)).json().status).toBe('paid');
  });

  it('a payment the payer has not paid yet stays pending (the provider answers pending)', async () => {
    const { paymentId } = await orderAndStartPaying();
    await reconcilePendingPayments(t.db.db, later());
    expect((await get(`/payments/${paymentId}`)).json().status).toBe('pending');
  });

  it('the sandbox page refuses an unknown callback option, naming the field', async () => {
    const { paymentId } = await orderAndStartPaying();
    const res = await post(`/payments/${paymentId}/sandbox`, { outcome: 'succeeded', callback: 'drop' });
    expect(res.statusCode).toBe(400);
    expect(res.headers['content-type']).toMatch(/application\/problem\+json/);
    expect(JSON.stringify(res.json())).toContain('callback');
  });
});

describeEachDriver('payments: the reconciliation timer (PAYMENTS_RECONCILE_SECONDS)', (driver) => {
  let t: TestApp;
  const saved = { every: process.env.PAYMENTS_RECONCILE_SECONDS, after: process.env.PAYMENTS_RECONCILE_AFTER_SECONDS };
  const restore = (name: string, value: string | undefined) => (value === undefined ? delete process.env[name] : (process.env[name] = value));

  beforeAll(async () => {
    // Every second, for payments pending for more than 0 s: this server reconciles on its own.
    process.env.PAYMENTS_RECONCILE_SECONDS = '1';
    process.env.PAYMENTS_RECONCILE_AFTER_SECONDS = '0';
    t = await startTestApp(driver);
  });
  afterAll(async () => {
    restore('PAYMENTS_RECONCILE_SECONDS', saved.every);
    restore('PAYMENTS_RECONCILE_AFTER_SECONDS', saved.after);
    await t?.close();
  });

  it('a lost notification is reconciled by the running server: the buyer sees the order paid', async () => {
    const buyer = await signIn(t.app, 'buyer');
    const products = (await t.app.inject({ method: 'GET', url: '/api/v1/market/products' })).json().items as { id: string }[];
    const variantId = (await t.app.inject({ method: 'GET', url: `/api/v1/market/products/${products[0].id}` })).json().variants[0].id;
    const api = as(t.app, buyer);
    const ordered = await api({ method: 'POST', url: '/api/v1/market/orders', payload: { items: [{ variantId, qty: 1 }], address: ADDRESS }, headers: { 'idempotency-key': randomUUID() } });
    const orderId: string = ordered.json().id;
    const paymentId: string = (await api({ method: 'POST', url: `/api/v1/market/orders/${orderId}/pay` })).json().paymentId;
    expect((await api({ method: 'POST', url: `/api/v1/payments/${paymentId}/sandbox`, payload: { outcome: 'succeeded', callback: 'lose' } })).json().callback).toBe('lost');
    let status = 'pending';
    for (let i = 0; i < 50 && status === 'pending'; i++) {
      await new Promise((resolve) => setTimeout(resolve, 100));
      status = (await api({ method: 'GET', url: `/api/v1/market/orders/${orderId}` })).json().status;
    }
    expect(status).toBe('paid');
  });
});
