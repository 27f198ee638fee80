import { randomUUID } from 'node:crypto';
import { sql } from 'drizzle-orm';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { queryRows } from '../../db/handle.ts';
import { as, signIn, startTestApp, type Session, type TestApp } from '../../../test/support/app.ts';
import { describeEachDriver } from '../../../test/support/db.ts';
import { signSandboxCallback } from './sandbox.ts';
import { getPaymentRecord, reconcilePendingPayments, sandboxSecret } from './service.ts';
import { paymentSettings } from './settings.ts';

const ADDRESS = { name: '王小明', phone: '13800001234', province: '上海市', city: '上海市', detail: '徐汇区漕溪北路 88 号' };

describe('payment settings', () => {
  it('default to the sandbox on and reconciliation every 60 s after 60 s; a bad value is refused by name', () => {
    expect(paymentSettings({})).toEqual({ sandbox: true, reconcileEverySeconds: 60, reconcileAfterSeconds: 60, defaultProvider: 'sandbox', enabled: ['sandbox'] });
    expect(paymentSettings({ PAYMENTS_SANDBOX: 'off', PAYMENTS_RECONCILE_SECONDS: '0' })).toMatchObject({ sandbox: false, reconcileEverySeconds: 0, defaultProvider: null, enabled: [] });
    expect(() => paymentSettings({ PAYMENTS_SANDBOX: 'no' })).toThrow(/PAYMENTS_SANDBOX/);
    expect(() => paymentSettings({ PAYMENTS_RECONCILE_AFTER_SECONDS: '-1' })).toThrow(/PAYMENTS_RECONCILE_AFTER_SECONDS/);
  });
});

/**
 * PAYMENTS_SANDBOX is read where it is used, so each test switches the sandbox off for what it exercises and the
 * afterEach puts the variable back as it was.
 */
describeEachDriver('payments: the sandbox switched off (PAYMENTS_SANDBOX=off)', (driver) => {
  let t: TestApp;
  let buyer: Session;
  let variantId: string;
  const saved = process.env.PAYMENTS_SANDBOX;
  const sandboxOff = () => {
    process.env.PAYMENTS_SANDBOX = 'off';
  };

  beforeAll(async () => {
    t = await startTestApp(driver);
    buyer = await signIn(t.app, 'buyer');
    const products = (await t.app.inject({ method: 'GET', url: '/api/v1/market/products' })).json().items as { id: string }[];
    variantId = (await t.app.inject({ method: 'GET', url: `/api/v1/market/products/${products[0].id}` })).json().variants[0].id;
  });
  afterEach(() => {
    if (saved === undefined) delete process.env.PAYMENTS_SANDBOX;
    else process.env.PAYMENTS_SANDBOX = saved;
  });
  afterAll(async () => {
    await t?.close();
  });

  const post = (url: string, payload?: object) => as(t.app, buyer)({ method: 'POST', url: `/api/v1${url}`, payload });
  const order = async () => {
    const res = await as(t.app, buyer)({
      method: 'POST',
      url: '/api/v1/market/orders',
      payload: { items: [{ variantId, qty: 1 }], address: ADDRESS },
      headers: { 'idempotency-key': randomUUID() },
    });
    expect(res.statusCode).toBe(201);
    return res.json().id as string;
  };
  /** Rows of every table a payment writes to. */
  const written = async () =>
    (
      await queryRows<{ payments: string; callbacks: string; outcomes: string; audits: string }>(
        t.db.db,
        sql`select (select count(*) from payments) as payments, (select count(*) from payment_callbacks) as callbacks,
                   (select count(*) from payment_sandbox_outcomes) as outcomes, (select count(*) from audit_log) as audits`,
      )
    )[0];
  const expectRefusal = (res: { statusCode: number; headers: Record<string, unknown>; json(): { code: string; detail: string } }) => {
    expect(res.statusCode).toBe(503);
    expect(res.headers['content-type']).toMatch(/application\/problem\+json/);
    expect(res.json().code).toBe('provider_disabled');
    expect(res.json().detail).toContain('PAYMENTS_SANDBOX=off');
  };

  it('starting a payment answers 503 problem+json and writes nothing; the order stays payable once it is on again', async () => {
    const orderId = await order();
    const before = await written();
    sandboxOff();
    expectRefusal(await post(`/market/orders/${orderId}/pay`));
    expect(await written()).toEqual(before);

    process.env.PAYMENTS_SANDBOX = 'on';
    const started = await post(`/market/orders/${orderId}/pay`);
    expect(started.statusCode).toBe(200);
  });

  it('the sandbox page and the sandbox callback refuse with 503, and nothing is recorded', async () => {
    // A payment opened while the sandbox was on…
    const orderId = await order();
    const paymentId: string = (await post(`/market/orders/${orderId}/pay`)).json().paymentId;
    const record = await getPaymentRecord(t.db.db, paymentId);
    const signed = signSandboxCallback(await sandboxSecret(t.db.db), { paymentId, providerReference: record!.providerReference!, outcome: 'succeeded' });
    const before = await written();

    // …cannot be completed once it is off: neither from the page nor by a (validly signed) callback.
    sandboxOff();
    expectRefusal(await post(`/payments/${paymentId}/sandbox`, { outcome: 'succeeded' }));
    expectRefusal(await t.app.inject({ method: 'POST', url: '/api/v1/payments/callback/sandbox', headers: signed.headers, payload: signed.rawBody }));
    expect(await written()).toEqual(before);
    const page = await as(t.app, buyer)({ method: 'GET', url: `/api/v1/payments/${paymentId}` });
    expect(page.json().status).toBe('pending');
    expect((await as(t.app, buyer)({ method: 'GET', url: `/api/v1/market/orders/${orderId}` })).json().status).toBe('pending');
  });

  it('reconciliation leaves sandbox payments alone while the sandbox is off', async () => {
    const orderId = await order();
    const paymentId: string = (await post(`/market/orders/${orderId}/pay`)).json().paymentId;
    expect((await post(`/payments/${paymentId}/sandbox`, { outcome: 'succeeded', callback: 'lose' })).json().callback).toBe('lost');
    const before = await written();

    sandboxOff();
    const result = await reconcilePendingPayments(t.db.db, new Date(Date.now() + 61_000));
    expect(result.checked).toBe(0);
    expect(await written()).toEqual(before);
    expect((await getPaymentRecord(t.db.db, paymentId))!.status).toBe('pending');
  });
});
