// Refunds: asked for in one transaction (the amount reserved on the payment, the refund row, its job), sent to the
// provider by the `payments.refund` job with retries and backoff, and settled — succeeded, or failed once the tries
// are spent, when the county administrator sees it and may send it again.
import { and, asc, desc, eq, inArray, sql } from 'drizzle-orm';
import { uuidv7 } from 'uuidv7';
import type { Db } from '../../db/handle.ts';
import { enqueueJob, type JobContext, type JobDefinition } from '../../server/jobs.ts';
import { recordAudit, type AuditActor } from '../../server/audit.ts';
import { badRequest, conflict, notFound, Problem, transition } from '../../server/problems.ts';
import { authorize, type Actor } from '../governance/index.ts';
import { paymentRefunds, payments, type RefundStatus } from './schema.ts';
import { providerFor } from './providers.ts';
import { getPaymentRecord, handlersOf } from './service.ts';

/** Tries at the provider before a refund is given up as failed (the queue waits 2, 4, 8, 16, 32 s between them). */
export const REFUND_ATTEMPTS = 6;

export const refundJob: JobDefinition<{ refundId: string }> = {
  name: 'payments.refund',
  maxAttempts: REFUND_ATTEMPTS,
  run: (data, ctx) => sendRefund(ctx, data.refundId),
};

/** A refund as its payer, its seller and the county administrator see it. */
export interface RefundView {
  id: string;
  amountFen: number;
  reason: string;
  status: RefundStatus;
  attempts: number;
  createdAt: string;
  settledAt: string | null;
}

const view = (r: typeof paymentRefunds.$inferSelect): RefundView => ({
  id: r.id,
  amountFen: r.amountFen,
  reason: r.reason,
  status: r.status,
  attempts: r.attempts,
  createdAt: r.createdAt.toISOString(),
  settledAt: r.settledAt?.toISOString() ?? null,
});

/** The refunds of payments, oldest first, by payment id (for the modules that show them beside an order or a booking). */
export async function refundsOf(db: Db, paymentIds: string[]): Promise<Map<string, RefundView[]>> {
  const byPayment = new Map<string, RefundView[]>();
  if (!paymentIds.length) return byPayment;
  const rows = await db.select().from(paymentRefunds).where(inArray(paymentRefunds.paymentId, paymentIds)).orderBy(asc(paymentRefunds.createdAt), asc(paymentRefunds.id));
  for (const r of rows) byPayment.set(r.paymentId, [...(byPayment.get(r.paymentId) ?? []), view(r)]);
  return byPayment;
}

/**
 * Records a refund to send and queues its job, inside the caller's transaction (the payment's `refunded_fen` must
 * already include it). The refund row's id is the provider's idempotency key: every try sends the same one.
 */
export async function queueRefundIn(
  tx: Db,
  actor: AuditActor,
  payment: { id: string; countyId: string },
  amountFen: number,
  reason: string,
): Promise<string> {
  const refundId = uuidv7();
  await tx.insert(paymentRefunds).values({ id: refundId, countyId: payment.countyId, paymentId: payment.id, amountFen, reason, actorId: actor.id, status: 'pending' });
  await enqueueJob(tx, refundJob, { refundId }, { countyId: payment.countyId, requestedBy: actor.id });
  return refundId;
}

/**
 * Refunds part or all of a paid payment; the purpose's module decides who may. The amount is reserved at once (a
 * conditional `UPDATE … WHERE refunded + amount <= amount`: never more than was paid) and the provider is asked by
 * the `payments.refund` job. May run inside the caller's transaction (a market return records its lines with it).
 */
export async function refundPayment(db: Db, actor: Actor | null, paymentId: string, amountFen: number, reason: string) {
  const payment = await getPaymentRecord(db, paymentId);
  if (!payment) throw notFound('Payment');
  const handlers = handlersOf(payment.purpose);
  const who = handlers.authorizeRefund
    ? await handlers.authorizeRefund(db, actor, payment.referenceId)
    : await authorize(db, actor, 'payments.refund', { unitId: payment.countyId });
  if (!Number.isInteger(amountFen) || amountFen <= 0) throw badRequest('amountFen', 'Must be a positive whole number of fen');
  if (!reason.trim()) throw badRequest('reason', 'Give a reason');
  // Refunds of a provider switched off or not configured are refused now, not left to fail in the job.
  await providerFor(db, payment.provider);
  return db.transaction(async (tx) => {
    const [row] = await tx
      .update(payments)
      .set({
        refundedFen: sql`${payments.refundedFen} + ${amountFen}`,
        status: sql`case when ${payments.refundedFen} + ${amountFen} = ${payments.amountFen} then 'refunded' else ${payments.status} end`,
      })
      .where(and(eq(payments.id, paymentId), eq(payments.status, 'paid'), sql`${payments.refundedFen} + ${amountFen} <= ${payments.amountFen}`))
      .returning();
    if (!row) {
      const current = await getPaymentRecord(tx, paymentId);
      if (current?.status !== 'paid') throw conflict('not_refundable', `A ${current?.status} payment cannot be refunded`);
      throw conflict('refund_too_large', 'The refund exceeds what remains of the payment', { field: 'body/amountFen' });
    }
    const refundId = await queueRefundIn(tx, who, row, amountFen, reason);
    await recordAudit(tx, who, { action: 'payment.refund', entity: 'payment', entityId: paymentId, details: { refundId, amountFen, reason } });
    await handlers.onRefunded?.(tx, row.referenceId, paymentId);
    return { paymentId, refundId, refundedFen: row.refundedFen, status: row.status, refundStatus: 'pending' as const };
  });
}

/** What a provider's failure is recorded as: its problem's detail (the provider, the call, its error code), never a message of other origin. */
const failureText = (error: unknown) => (error instanceof Problem ? error.detail : error instanceof Error ? error.name : 'error').slice(0, 200);

/**
 * One try of a refund at its provider (the job's run). Succeeded or refused by the provider: settled with the run.
 * Not done yet (an error, or the provider still processing): the try is recorded and the run fails, so the queue
 * tries again later with the same idempotency key — until the last try, which settles it as failed.
 */
async function sendRefund(ctx: JobContext, refundId: string) {
  const [tried] = await ctx.db
    .update(paymentRefunds)
    .set({ attempts: sql`${paymentRefunds.attempts} + 1` })
    .where(and(eq(paymentRefunds.id, refundId), eq(paymentRefunds.status, 'pending')))
    .returning();
  if (!tried) return { status: 'settled' };
  const payment = (await getPaymentRecord(ctx.db, tried.paymentId))!;
  let answer: Awaited<ReturnType<Awaited<ReturnType<typeof providerFor>>['refund']>> | undefined;
  let failure: string | null = null;
  try {
    const provider = await providerFor(ctx.db, payment.provider);
    answer = await provider.refund({ refundId, providerReference: payment.providerReference ?? payment.id, amountFen: tried.amountFen, totalFen: payment.amountFen, reason: tried.reason });
    if (answer.status === 'processing') failure = 'processing';
  } catch (error) {
    failure = failureText(error);
  }
  if (answer?.status === 'succeeded') return ctx.finish((tx) => settleRefund(tx, tried, payment, 'succeeded', answer.refundReference, null));
  if (answer?.status === 'failed' || tried.attempts >= REFUND_ATTEMPTS) {
    return ctx.finish((tx) => settleRefund(tx, tried, payment, 'failed', answer?.refundReference ?? null, failure ?? 'refused'));
  }
  await ctx.db.update(paymentRefunds).set({ lastError: failure }).where(eq(paymentRefunds.id, refundId));
  throw new Error(`Refund not done yet (try ${tried.attempts} of ${REFUND_ATTEMPTS}): ${failure}`);
}

async function settleRefund(
  tx: Db,
  refund: typeof paymentRefunds.$inferSelect,
  payment: typeof payments.$inferSelect,
  status: 'succeeded' | 'failed',
  refundReference: string | null,
  lastError: string | null,
) {
  const [settled] = await tx
    .update(paymentRefunds)
    .set({ status, refundReference, lastError, settledAt: new Date() })
    .where(and(eq(paymentRefunds.id, refund.id), eq(paymentRefunds.status, 'pending')))
    .returning({ id: paymentRefunds.id });
  if (!settled) return { status: 'settled' };
  const system = { id: null, countyId: refund.countyId };
  await recordAudit(tx, system, { action: `payment.refund_${status}`, entity: 'payment', entityId: payment.id, details: { refundId: refund.id, amountFen: refund.amountFen, attempts: refund.attempts, error: lastError } });
  await handlersOf(payment.purpose).onRefundSettled?.(tx, payment.referenceId, payment.id, { id: refund.id, amountFen: refund.amountFen, status });
  return { status, attempts: refund.attempts };
}

/** The county's refunds for its administrator: failed ones first (to act on), then those still being sent. */
export async function listRefunds(db: Db, actor: Actor | null, filter: { status?: RefundStatus; limit: number }) {
  const who = await authorize(db, actor, 'payments.refund', { unitId: actor?.countyId ?? '' });
  const rows = await db
    .select({ r: paymentRefunds, p: { purpose: payments.purpose, referenceId: payments.referenceId, description: payments.description, provider: payments.provider, amountFen: payments.amountFen } })
    .from(paymentRefunds)
    .innerJoin(payments, and(eq(payments.id, paymentRefunds.paymentId), eq(payments.countyId, paymentRefunds.countyId)))
    .where(and(eq(paymentRefunds.countyId, who.countyId), filter.status ? eq(paymentRefunds.status, filter.status) : undefined))
    .orderBy(sql`case ${paymentRefunds.status} when 'failed' then 0 when 'pending' then 1 else 2 end`, desc(paymentRefunds.createdAt))
    .limit(filter.limit);
  return rows.map(({ r, p }) => ({ ...view(r), paymentId: r.paymentId, lastError: r.lastError, payment: p }));
}

/** The county administrator sends a failed refund again: its tries start over, with the same idempotency key. */
export async function retryRefund(db: Db, actor: Actor | null, refundId: string) {
  const [found] = await db.select({ countyId: paymentRefunds.countyId }).from(paymentRefunds).where(eq(paymentRefunds.id, refundId));
  if (!found) throw notFound('Refund');
  const who = await authorize(db, actor, 'payments.refund', { unitId: found.countyId });
  return db.transaction(async (tx) => {
    const moved = await transition(
      () => tx.update(paymentRefunds).set({ status: 'pending', attempts: 0, lastError: null, settledAt: null }).where(and(eq(paymentRefunds.id, refundId), eq(paymentRefunds.status, 'failed'))).returning(),
      async () => (await tx.select({ status: paymentRefunds.status }).from(paymentRefunds).where(eq(paymentRefunds.id, refundId)))[0]?.status,
      (current) => ({ detail: `A ${current} refund cannot be sent again` }),
      'Refund',
    );
    await enqueueJob(tx, refundJob, { refundId }, { countyId: moved.countyId, requestedBy: who.id });
    await recordAudit(tx, who, { action: 'payment.refund_retry', entity: 'payment', entityId: moved.paymentId, details: { refundId } });
    return view(moved);
  });
}
