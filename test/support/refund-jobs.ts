// Refunds run as `payments.refund` jobs: helpers to run them in a test app started with `runJobs: false`, and the
// retry scenario every provider's stand-in goes through (an outage at the gateway, retries, failure, a resend).
import { sql } from 'drizzle-orm';
import { expect } from 'vitest';
import { queryRows } from '../../src/db/handle.ts';
import { as, type Session, type TestApp } from './app.ts';

/**
 * Makes the refund runs the queue has put off (its backoff after a failed try) due now, and answers how many there
 * were: the wait itself is the queue's, tested with it; here only what happens at each try matters.
 */
export async function skipRefundBackoff(t: TestApp): Promise<number> {
  const rows = await queryRows<{ id: string }>(t.db.db, sql`update job_runs set run_after = now() where name = 'payments.refund' and status = 'queued' and run_after > now() returning id`);
  return rows.length;
}

/** Runs the refund jobs until none is left waiting, skipping the backoff between tries; answers how many waits were skipped. */
export async function runRefundsToEnd(t: TestApp): Promise<number> {
  let waits = 0;
  for (;;) {
    await t.app.jobs.drain();
    const put = await skipRefundBackoff(t);
    if (!put) return waits;
    waits += put;
  }
}

/**
 * A paid payment of `totalFen` (≥ 5000) is refunded twice while the gateway has an outage: the first refund is
 * retried with backoff and succeeds; the second outlasts every try and fails, the county administrator sees it and
 * sends it again. What the payer sees is read from `GET /payments/:id`.
 */
export async function checkRefundRetries(
  t: TestApp,
  people: { admin: Session; payer: Session },
  paymentId: string,
  gateway: { refundOutage: number },
  refundedAtGateway: () => number,
) {
  const asAdmin = as(t.app, people.admin);
  const refunds = async () => (await as(t.app, people.payer)({ method: 'GET', url: `/api/v1/payments/${paymentId}` })).json().refunds as { id: string; status: string; attempts: number; amountFen: number }[];

  gateway.refundOutage = 2;
  const asked = await asAdmin({ method: 'POST', url: `/api/v1/payments/${paymentId}/refunds`, payload: { amountFen: 3000, reason: '少发一盒' } });
  expect(asked.statusCode).toBe(201);
  expect(asked.json()).toMatchObject({ refundedFen: 3000, refundStatus: 'pending' });
  // Asked, not yet sent: the money moves when the job runs.
  expect(refundedAtGateway()).toBe(0);
  expect(await refunds()).toMatchObject([{ amountFen: 3000, status: 'pending', attempts: 0 }]);
  await t.app.jobs.drain();
  expect(await refunds()).toMatchObject([{ status: 'pending', attempts: 1 }]);
  // The failed try is put off (the queue's backoff), not run again at once.
  expect(await skipRefundBackoff(t)).toBe(1);
  expect(await runRefundsToEnd(t)).toBe(1);
  expect(await refunds()).toMatchObject([{ status: 'succeeded', attempts: 3 }]);
  expect(refundedAtGateway()).toBe(3000);

  gateway.refundOutage = 1000;
  expect((await asAdmin({ method: 'POST', url: `/api/v1/payments/${paymentId}/refunds`, payload: { amountFen: 2000, reason: '再退一盒' } })).statusCode).toBe(201);
  await runRefundsToEnd(t);
  const [, failed] = await refunds();
  expect(failed).toMatchObject({ amountFen: 2000, status: 'failed', attempts: 6 });
  expect(refundedAtGateway()).toBe(3000);
  // The amount stays owed to the payer: no refund beyond what was paid can be asked meanwhile.
  const rest = (await as(t.app, people.payer)({ method: 'GET', url: `/api/v1/payments/${paymentId}` })).json();
  expect(rest.refundedFen).toBe(5000);
  // The county administrator sees it, with the provider's error and never a message of other origin; the payer may not.
  const listed = await asAdmin({ method: 'GET', url: '/api/v1/payments/refunds?status=failed' });
  expect(listed.statusCode).toBe(200);
  const mine = listed.json().find((r: { id: string }) => r.id === failed.id);
  expect(mine).toMatchObject({ paymentId, status: 'failed', attempts: 6, payment: { amountFen: rest.amountFen } });
  expect(mine.lastError).toMatch(/failed \(/);
  expect((await as(t.app, people.payer)({ method: 'GET', url: '/api/v1/payments/refunds' })).statusCode).toBe(403);
  expect((await as(t.app, people.payer)({ method: 'POST', url: `/api/v1/payments/refunds/${failed.id}/retry` })).statusCode).toBe(403);

  gateway.refundOutage = 0;
  const resent = await asAdmin({ method: 'POST', url: `/api/v1/payments/refunds/${failed.id}/retry` });
  expect(resent.statusCode).toBe(200);
  expect(resent.json()).toMatchObject({ status: 'pending', attempts: 0 });
  expect((await asAdmin({ method: 'POST', url: `/api/v1/payments/refunds/${failed.id}/retry` })).json()).toMatchObject({ code: 'invalid_transition', current: 'pending' });
  await runRefundsToEnd(t);
  expect((await refunds())[1]).toMatchObject({ status: 'succeeded', attempts: 1 });
  expect(refundedAtGateway()).toBe(5000);
  const audit = await queryRows<{ action: string }>(t.db.db, sql`select action from audit_log where entity_id = ${paymentId} and action like 'payment.refund%' order by id`);
  expect(audit.map((a) => a.action)).toEqual(['payment.refund', 'payment.refund_succeeded', 'payment.refund', 'payment.refund_failed', 'payment.refund_retry', 'payment.refund_succeeded']);
}
