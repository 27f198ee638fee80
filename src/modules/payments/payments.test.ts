import { randomUUID } from 'node:crypto';
import { sql } from 'drizzle-orm';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { startTestApp, signIn, as, type Session, type TestApp } from '../../../test/support/app.ts';
import { describeEachDriver } from '../../../test/support/db.ts';
import { queryRows } from '../../db/handle.ts';
import { signSandboxCallback } from './sandbox.ts';
import { getPaymentRecord, registerPaymentPurpose, sandboxSecret } from './service.ts';

const paid: string[] = [];
const refunded: string[] = [];
// A purpose of this test's own: any module registers one the same way (inns: booking, market: order).
registerPaymentPurpose('test_stay', {
  async onPaid(_tx, referenceId) {
    paid.push(referenceId);
  },
  async onRefunded(_tx, referenceId) {
    refunded.push(referenceId);
  },
  returnUrl: (id) => `/inns/bookings/${id}`,
});

describeEachDriver('payments (sandbox provider)', (driver) => {
  let t: TestApp;
  let buyer: Session;
  let admin: Session;
  let resident: Session;

  beforeAll(async () => {
    t = await startTestApp(driver);
    [buyer, admin, resident] = await Promise.all([signIn(t.app, 'buyer'), signIn(t.app, 'admin'), signIn(t.app, 'resident')]);
  });
  afterAll(async () => {
    await t?.close();
  });

  async function open(amountFen = 36800) {
    const { createPayment } = await import('./service.ts');
    const referenceId = randomUUID();
    const actor = (await as(t.app, buyer)({ method: 'GET', url: '/api/v1/me' })).json();
    const payment = await createPayment(t.db.db, actor, { purpose: 'test_stay', referenceId, amountFen, description: '老屋民宿 一晚' });
    return { ...payment, referenceId };
  }

  const deliver = (signed: ReturnType<typeof signSandboxCallback>) =>
    t.app.inject({ method: 'POST', url: '/api/v1/payments/callback/sandbox', headers: signed.headers, payload: signed.rawBody });

  it('supersedes an open payment when the amount changes: the old one fails, audited, and the new one is open', async () => {
    const { createPayment } = await import('./service.ts');
    const first = await open(20000);
    const actor = (await as(t.app, buyer)({ method: 'GET', url: '/api/v1/me' })).json();
    const second = await createPayment(t.db.db, actor, { purpose: 'test_stay', referenceId: first.referenceId, amountFen: 24000, description: '老屋民宿 一晚' });
    expect(second.paymentId).not.toBe(first.paymentId);
    expect((await getPaymentRecord(t.db.db, first.paymentId))?.status).toBe('failed');
    expect((await getPaymentRecord(t.db.db, second.paymentId))?.status).toBe('pending');
    const audit = await queryRows<{ action: string }>(t.db.db, sql`select action from audit_log where entity = 'payment' and entity_id = ${first.paymentId} order by at`);
    expect(audit.map((a) => a.action)).toEqual(['payment.create', 'payment.superseded']);

    // The payer still completes the old payment page: the money taken for it goes straight back.
    const before = paid.length;
    const old = await getPaymentRecord(t.db.db, first.paymentId);
    const secret = await sandboxSecret(t.db.db);
    const late = await deliver(signSandboxCallback(secret, { paymentId: first.paymentId, providerReference: old!.providerReference!, outcome: 'succeeded' }));
    expect(late.statusCode).toBe(200);
    expect((await getPaymentRecord(t.db.db, first.paymentId))?.status).toBe('refunded');
    expect(paid.length).toBe(before);
    // The refund is sent by its job.
    await t.app.jobs.drain();
    const after = await queryRows<{ action: string }>(t.db.db, sql`select action from audit_log where entity = 'payment' and entity_id = ${first.paymentId} order by at`);
    expect(after.map((a) => a.action)).toEqual(['payment.create', 'payment.superseded', 'payment.auto_refund', 'payment.refund_succeeded']);
    const [refund] = await queryRows<{ amount_fen: number; status: string }>(t.db.db, sql`select amount_fen, status from payment_refunds where payment_id = ${first.paymentId}`);
    expect(refund).toEqual({ amount_fen: 20000, status: 'succeeded' });
  });

  it('opens a payment whose page belongs to the payer only; asking again answers the same payment', async () => {
    const p = await open();
    expect(p.redirectUrl).toMatch(new RegExp(`^/market/pay/${p.paymentId}\\?return=`));
    const page = await as(t.app, buyer)({ method: 'GET', url: `/api/v1/payments/${p.paymentId}` });
    expect(page.statusCode).toBe(200);
    expect(page.json()).toMatchObject({ amountFen: 36800, status: 'pending', returnUrl: `/inns/bookings/${p.referenceId}` });
    expect((await as(t.app, resident)({ method: 'GET', url: `/api/v1/payments/${p.paymentId}` })).statusCode).toBe(404);
    expect((await as(t.app, null)({ method: 'GET', url: `/api/v1/payments/${p.paymentId}` })).statusCode).toBe(401);
    const { createPayment } = await import('./service.ts');
    const actor = (await as(t.app, buyer)({ method: 'GET', url: '/api/v1/me' })).json();
    const again = await createPayment(t.db.db, actor, { purpose: 'test_stay', referenceId: p.referenceId, amountFen: 36800, description: '老屋民宿 一晚' });
    expect(again.paymentId).toBe(p.paymentId);
  });

  it('pays through the sandbox page: the signed callback runs the purpose handler once', async () => {
    const p = await open();
    const res = await as(t.app, buyer)({ method: 'POST', url: `/api/v1/payments/${p.paymentId}/sandbox`, payload: { outcome: 'succeeded' } });
    expect(res.statusCode).toBe(200);
    expect(res.json()).toMatchObject({ applied: true, status: 'paid' });
    expect(paid.filter((r) => r === p.referenceId)).toHaveLength(1);
    // Paying again on the page changes nothing.
    const twice = await as(t.app, buyer)({ method: 'POST', url: `/api/v1/payments/${p.paymentId}/sandbox`, payload: { outcome: 'succeeded' } });
    expect(twice.json()).toMatchObject({ applied: false, status: 'paid' });
    expect(paid.filter((r) => r === p.referenceId)).toHaveLength(1);
    // Another user cannot press the buttons of someone else's payment.
    expect((await as(t.app, resident)({ method: 'POST', url: `/api/v1/payments/${p.paymentId}/sandbox`, payload: { outcome: 'failed' } })).statusCode).toBe(404);
  });

  it('applies a callback delivered twice once, and refuses bad signatures and stale timestamps', async () => {
    const p = await open();
    const record = await getPaymentRecord(t.db.db, p.paymentId);
    const secret = await sandboxSecret(t.db.db);
    const body = { paymentId: p.paymentId, providerReference: record!.providerReference!, outcome: 'succeeded' as const };

    const forged = signSandboxCallback('not-the-secret', body);
    expect((await deliver(forged)).statusCode).toBe(401);
    const stale = signSandboxCallback(secret, body, { timestamp: Math.floor(Date.now() / 1000) - 3600 });
    expect((await deliver(stale)).statusCode).toBe(401);
    const tampered = signSandboxCallback(secret, body);
    expect((await deliver({ ...tampered, rawBody: tampered.rawBody.replace('succeeded', 'failed') })).statusCode).toBe(401);
    expect((await getPaymentRecord(t.db.db, p.paymentId))!.status).toBe('pending');

    const signed = signSandboxCallback(secret, body);
    const first = await deliver(signed);
    const second = await deliver(signed);
    expect(first.statusCode).toBe(200);
    expect(first.json()).toMatchObject({ applied: true, duplicate: false, status: 'paid' });
    expect(second.statusCode).toBe(200);
    expect(second.json()).toMatchObject({ applied: false, duplicate: true });
    expect(paid.filter((r) => r === p.referenceId)).toHaveLength(1);
  });

  it('applies one of many concurrent callbacks for one payment', async () => {
    const p = await open();
    const record = await getPaymentRecord(t.db.db, p.paymentId);
    const secret = await sandboxSecret(t.db.db);
    const body = { paymentId: p.paymentId, providerReference: record!.providerReference!, outcome: 'succeeded' as const };
    const signed = Array.from({ length: 12 }, (_, i) => signSandboxCallback(secret, body, i % 2 ? {} : { nonce: 'replayed-nonce-' + p.paymentId.slice(-8) }));
    const results = await Promise.all(signed.map(deliver));
    expect(results.every((r) => r.statusCode === 200)).toBe(true);
    expect(results.filter((r) => r.json().applied)).toHaveLength(1);
    expect(paid.filter((r) => r === p.referenceId)).toHaveLength(1);
  });

  it('refunds: the purpose decides who may; never more than was paid', async () => {
    const p = await open(10000);
    await as(t.app, buyer)({ method: 'POST', url: `/api/v1/payments/${p.paymentId}/sandbox`, payload: { outcome: 'succeeded' } });
    const refund = (session: Session, amountFen: number) =>
      as(t.app, session)({ method: 'POST', url: `/api/v1/payments/${p.paymentId}/refunds`, payload: { amountFen, reason: '退订' } });
    expect((await refund(buyer, 100)).statusCode).toBe(403);
    const part = await refund(admin, 4000);
    expect(part.statusCode).toBe(201);
    expect(part.json()).toMatchObject({ refundedFen: 4000, status: 'paid' });
    expect((await refund(admin, 6001)).statusCode).toBe(409);
    const rest = await refund(admin, 6000);
    expect(rest.json()).toMatchObject({ refundedFen: 10000, status: 'refunded' });
    expect((await refund(admin, 1)).statusCode).toBe(409);
    expect(refunded.filter((r) => r === p.referenceId)).toHaveLength(2);
  });

  it('a failed payment stays failed and runs no handler', async () => {
    const p = await open();
    const res = await as(t.app, buyer)({ method: 'POST', url: `/api/v1/payments/${p.paymentId}/sandbox`, payload: { outcome: 'failed' } });
    expect(res.json()).toMatchObject({ applied: true, status: 'failed' });
    expect(paid).not.toContain(p.referenceId);
  });
});
