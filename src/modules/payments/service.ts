import { and, desc, eq, gte, inArray, lt, sql } from 'drizzle-orm';
import { uuidv7 } from 'uuidv7';
import type { Db } from '../../db/handle.ts';
import { badRequest, conflict, forbidden, notFound, Problem } from '../../server/problems.ts';
import { recordAudit } from '../../server/audit.ts';
import { authorize, holdsAnyRole, requireActor, type Actor } from '../governance/index.ts';
import { paymentCallbacks, payments, paymentSandboxOutcomes } from './schema.ts';
import type { PaymentCallback, PaymentChannel, PaymentProvider, PaymentPurpose, PaymentStart } from './provider.ts';
import { newSandboxOutcome, signSandboxCallback } from './sandbox.ts';
import { queueRefundIn, refundsOf } from './refunds.ts';
import { paymentSettings, sandboxEnabled, type ProviderName } from './settings.ts';
import { enabledProviders, providerFor, sandboxDisabled, sandboxSecret } from './providers.ts';

export { providerFor, sandboxDisabled, sandboxSecret } from './providers.ts';

export type { PaymentPurpose } from './provider.ts';

/**
 * What a module does when a payment of its purpose succeeds or is refunded. Both run inside the transaction
 * that records the payment's change, exactly once per change; if they throw, nothing is recorded and the
 * provider's retry will try again.
 */
export interface PaymentPurposeHandlers {
  /**
   * The payment succeeded. Answer `'refund'` when the thing paid for can no longer be had (an order that
   * expired meanwhile): the payment is then refunded in full at once.
   */
  onPaid(tx: Db, referenceId: string, paymentId: string): Promise<void | 'refund'>;
  /**
   * Called in the transaction that asks for a refund (partial or full; its amount is already in the payment's
   * `refundedFen`, read with `getPaymentRecord`); the provider is asked afterwards by the `payments.refund` job.
   */
  onRefunded?(tx: Db, referenceId: string, paymentId: string): Promise<void>;
  /** Called when a refund is settled at the provider (succeeded), or given up after its retries (failed). */
  onRefundSettled?(tx: Db, referenceId: string, paymentId: string, refund: { id: string; amountFen: number; status: 'succeeded' | 'failed' }): Promise<void>;
  /** Who may refund payments of this purpose; default: the county administrator. Throws forbidden otherwise. */
  authorizeRefund?(db: Db, actor: Actor | null, referenceId: string): Promise<Actor>;
  /** Where the payer returns after the payment page; default `/`. */
  returnUrl?(referenceId: string): string;
}

const purposes = new Map<PaymentPurpose, PaymentPurposeHandlers>();

const PURPOSE_NAME = /^[a-z][a-z_]{1,39}$/;

/** A module that takes payments registers what they are for (at import of its manifest), with what to do on each change. */
export function registerPaymentPurpose(purpose: PaymentPurpose, handlers: PaymentPurposeHandlers): void {
  if (!PURPOSE_NAME.test(purpose)) throw new Error(`Payment purpose ${purpose}: use 2–40 lower-case letters or underscores`);
  const existing = purposes.get(purpose);
  if (existing && existing !== handlers) throw new Error(`Payment purpose ${purpose} is already registered`);
  purposes.set(purpose, handlers);
}

export const handlersOf = (purpose: PaymentPurpose) => {
  const h = purposes.get(purpose);
  if (!h) throw new Problem(500, 'purpose_not_registered', `No module handles payments for ${purpose}`);
  return h;
};

// ---- payments ----

export type PaymentRecord = typeof payments.$inferSelect;

export async function getPaymentRecord(db: Db, paymentId: string): Promise<PaymentRecord | undefined> {
  const [row] = await db.select().from(payments).where(eq(payments.id, paymentId));
  return row;
}

/**
 * Opens a payment for an order or booking; the amount is the caller's (server-side) figure, never the client's.
 * Asking again for the same thing while its payment is still open answers that payment.
 */
export async function createPayment(
  db: Db,
  actor: Actor | null,
  input: {
    purpose: PaymentPurpose;
    referenceId: string;
    amountFen: number;
    description: string;
    /** The county of what is paid for (the order's, the booking's): the payment is kept with it. Default: the payer's. */
    countyId?: string;
    /** The organization owed the money (the producer, the inn's): its settlement statement counts the payment. */
    payeeOrgId?: string;
    /** Who takes the payment; default `PAYMENTS_PROVIDER` (see settings.ts). */
    provider?: ProviderName;
    /** How the payer pays at that provider (Alipay page/wap, WeChat Pay native/jsapi/h5); default wap / native. */
    channel?: PaymentChannel;
    /** WeChat JSAPI: the payer's openid; WeChat H5: the payer's IP address. */
    payerOpenId?: string;
    clientIp?: string;
  },
): Promise<{ paymentId: string; redirectUrl: string } & Pick<PaymentStart, 'qrCode' | 'jsapi'>> {
  const who = requireActor(actor);
  if (!Number.isInteger(input.amountFen) || input.amountFen <= 0) throw badRequest('amountFen', 'Must be a positive whole number of fen');
  const handlers = handlersOf(input.purpose);
  const chosen = input.provider ?? paymentSettings().defaultProvider;
  if (!chosen) throw sandboxDisabled();
  const provider = await providerFor(db, chosen);
  const returnUrl = handlers.returnUrl?.(input.referenceId) ?? '/';
  const how = { channel: input.channel, payerOpenId: input.payerOpenId, clientIp: input.clientIp, returnUrl };
  const shown = (started: PaymentStart) => ({ redirectUrl: started.redirectUrl, ...(started.qrCode ? { qrCode: started.qrCode } : {}), ...(started.jsapi ? { jsapi: started.jsapi } : {}) });
  return db.transaction(async (tx) => {
    const open = await tx
      .select()
      .from(payments)
      .where(and(eq(payments.purpose, input.purpose), eq(payments.referenceId, input.referenceId), inArray(payments.status, ['pending', 'paid'])))
      .for('update');
    const existing = open[0];
    if (existing?.status === 'paid') throw conflict('already_paid', 'This has been paid already');
    if (existing && existing.amountFen === input.amountFen && existing.payerId === who.id) {
      // The open payment stays with the provider it was opened at (the payer may be paying there now).
      const at = existing.provider === provider.name ? provider : await providerFor(tx, existing.provider);
      const started = await at.start({ paymentId: existing.id, amountFen: existing.amountFen, description: existing.description, ...how });
      return { paymentId: existing.id, ...shown(started) };
    }
    if (existing) {
      // The amount changed (or someone else pays): the old open payment can no longer succeed.
      const superseded = await tx
        .update(payments)
        .set({ status: 'failed' })
        .where(and(eq(payments.id, existing.id), eq(payments.status, 'pending')))
        .returning({ id: payments.id });
      if (superseded.length > 0) {
        await recordAudit(tx, who, { action: 'payment.superseded', entity: 'payment', entityId: existing.id, details: { amountFen: existing.amountFen } });
      }
    }
    const paymentId = uuidv7();
    const started = await provider.start({ paymentId, amountFen: input.amountFen, description: input.description, ...how });
    await tx.insert(payments).values({
      id: paymentId,
      countyId: input.countyId ?? who.countyId,
      purpose: input.purpose,
      referenceId: input.referenceId,
      payerId: who.id,
      payeeOrgId: input.payeeOrgId ?? null,
      amountFen: input.amountFen,
      description: input.description,
      provider: provider.name,
      providerReference: started.providerReference,
    });
    await recordAudit(tx, who, {
      action: 'payment.create',
      entity: 'payment',
      entityId: paymentId,
      details: { purpose: input.purpose, referenceId: input.referenceId, amountFen: input.amountFen, provider: provider.name },
    });
    return { paymentId, ...shown(started) };
  });
}

export interface CallbackResult {
  paymentId: string;
  /** False when this delivery was a replay, or the payment had already reached its outcome. */
  applied: boolean;
  duplicate: boolean;
  status: PaymentRecord['status'];
  /** What the provider expects as the HTTP answer (Alipay: the text `success`); absent: the JSON of this result. */
  answer?: { contentType: string; body: string };
}

/**
 * Receives a provider's callback: verifies signature and freshness, refuses a replayed nonce, and applies the
 * outcome once (a conditional `UPDATE … WHERE status = 'pending'`), running the purpose's handler in the same
 * transaction.
 */
export async function handleCallback(
  db: Db,
  providerName: string,
  headers: Record<string, string | string[] | undefined>,
  rawBody: string,
): Promise<CallbackResult> {
  const provider = await providerFor(db, providerName);
  const cb = provider.verifyCallback(headers, rawBody);
  const result = await applyOutcome(db, provider, cb, { kind: 'callback' });
  if (!result) throw new Error('unreachable: a callback waits for the payment row');
  return { ...result, answer: provider.callbackAnswer };
}

/** How an outcome reached us: the provider's notification, or our question to the provider (reconciliation). */
type Via = { kind: 'callback' } | { kind: 'reconciliation'; transactionReference?: string };

/**
 * The one code path that records a payment's outcome, for a verified callback and for reconciliation alike:
 * the payment row is locked, the delivery's nonce is inserted under the unique index (a replay is recognised),
 * the status moves with `UPDATE … WHERE status = 'pending'` and the purpose's `onPaid` runs in the same
 * transaction. Reconciliation does not wait for a row another transaction holds (`SKIP LOCKED`): it answers
 * null and the next round looks again.
 */
async function applyOutcome(
  db: Db,
  provider: PaymentProvider,
  cb: Pick<PaymentCallback, 'paymentId' | 'providerReference' | 'outcome' | 'nonce' | 'amountFen'>,
  via: Via,
): Promise<CallbackResult | null> {
  return db.transaction(async (tx): Promise<CallbackResult | null> => {
    const row = tx.select().from(payments).where(eq(payments.id, cb.paymentId));
    const [payment] = via.kind === 'reconciliation' ? await row.for('update', { skipLocked: true }) : await row.for('update');
    if (!payment && via.kind === 'reconciliation') return null;
    if (!payment || payment.provider !== provider.name) throw notFound('Payment');
    if (payment.providerReference && payment.providerReference !== cb.providerReference) {
      throw new Problem(400, 'invalid_callback', 'The provider reference does not match the payment');
    }
    // The provider's amount must be the payment's: a notification for another amount changes nothing.
    if (cb.amountFen !== undefined && cb.amountFen !== payment.amountFen) {
      throw new Problem(400, 'amount_mismatch', 'The amount the provider reports does not match the payment');
    }
    // Money taken for a payment given up here (superseded by a new amount, or failed before): it goes back.
    const takenAfterFailure = payment.status === 'failed' && cb.outcome === 'succeeded';
    const applicable = payment.status === 'pending' || takenAfterFailure;
    const [fresh] = await tx
      .insert(paymentCallbacks)
      .values({ countyId: payment.countyId, paymentId: payment.id, provider: provider.name, nonce: cb.nonce, outcome: cb.outcome, applied: applicable })
      .onConflictDoNothing()
      .returning({ id: paymentCallbacks.id });
    if (!fresh) return { paymentId: payment.id, applied: false, duplicate: true, status: payment.status };
    if (!applicable) return { paymentId: payment.id, applied: false, duplicate: false, status: payment.status };
    const system = { id: null, countyId: payment.countyId };
    if (takenAfterFailure) {
      await tx.update(payments).set({ status: 'refunded', paidAt: new Date(), refundedFen: payment.amountFen }).where(eq(payments.id, payment.id));
      const refundId = await queueRefundIn(tx, system, payment, payment.amountFen, 'paid after the payment was given up');
      await recordAudit(tx, system, { action: 'payment.auto_refund', entity: 'payment', entityId: payment.id, details: { refundId, amountFen: payment.amountFen, via: via.kind, after: 'failed' } });
      return { paymentId: payment.id, applied: true, duplicate: false, status: 'refunded' };
    }
    if (via.kind === 'reconciliation') {
      await recordAudit(tx, system, {
        action: 'payment.reconciled',
        entity: 'payment',
        entityId: payment.id,
        details: { outcome: cb.outcome, transactionReference: via.transactionReference ?? null },
      });
    }
    if (cb.outcome === 'failed') {
      await tx.update(payments).set({ status: 'failed' }).where(and(eq(payments.id, payment.id), eq(payments.status, 'pending')));
      await recordAudit(tx, system, { action: 'payment.failed', entity: 'payment', entityId: payment.id, details: { via: via.kind } });
      return { paymentId: payment.id, applied: true, duplicate: false, status: 'failed' };
    }
    const [paid] = await tx
      .update(payments)
      .set({ status: 'paid', paidAt: new Date() })
      .where(and(eq(payments.id, payment.id), eq(payments.status, 'pending')))
      .returning({ id: payments.id });
    if (!paid) return { paymentId: payment.id, applied: false, duplicate: false, status: payment.status };
    await recordAudit(tx, system, { action: 'payment.paid', entity: 'payment', entityId: payment.id, details: { amountFen: payment.amountFen, via: via.kind } });
    const outcome = await handlersOf(payment.purpose).onPaid(tx, payment.referenceId, payment.id);
    if (outcome === 'refund') {
      await tx
        .update(payments)
        .set({ status: 'refunded', refundedFen: payment.amountFen })
        .where(eq(payments.id, payment.id));
      const refundId = await queueRefundIn(tx, system, payment, payment.amountFen, 'no longer available when paid');
      await recordAudit(tx, system, { action: 'payment.auto_refund', entity: 'payment', entityId: payment.id, details: { refundId, amountFen: payment.amountFen } });
      return { paymentId: payment.id, applied: true, duplicate: false, status: 'refunded' };
    }
    return { paymentId: payment.id, applied: true, duplicate: false, status: 'paid' };
  });
}

/** Payments older than this are no longer asked about (the providers close unpaid transactions well before). */
export const RECONCILE_WINDOW_HOURS = 24;

export interface ReconcileResult {
  /** Pending payments past the grace period whose provider was asked. */
  checked: number;
  paid: number;
  failed: number;
  /** Paid, then refunded at once because the thing paid for was gone (the purpose's `onPaid` answered 'refund'). */
  refunded: number;
  /** The provider says not paid yet, or the payment was being changed by someone else (a callback). */
  pending: number;
  errors: number;
}

/**
 * Reconciliation of lost notifications: asks the provider about every payment still pending `afterSeconds`
 * (`PAYMENTS_RECONCILE_AFTER_SECONDS`, default 60) after it was opened, and applies a succeeded or failed answer
 * through the same code path as a verified callback — so a late or repeated callback is applied once either way.
 * Safe from several server instances at once: the provider is only read, and each payment's change takes its row
 * with `FOR UPDATE SKIP LOCKED` and moves only from `pending`. Payments of a provider switched off are left alone.
 */
export async function reconcilePendingPayments(
  db: Db,
  now: Date = new Date(),
  options: { afterSeconds?: number; limit?: number; onError?: (paymentId: string, error: unknown) => void } = {},
): Promise<ReconcileResult> {
  const result: ReconcileResult = { checked: 0, paid: 0, failed: 0, refunded: 0, pending: 0, errors: 0 };
  const providers = enabledProviders();
  if (providers.length === 0) return result;
  const afterSeconds = options.afterSeconds ?? paymentSettings().reconcileAfterSeconds;
  const due = await db
    .select({ id: payments.id, provider: payments.provider, providerReference: payments.providerReference })
    .from(payments)
    .where(
      and(
        eq(payments.status, 'pending'),
        inArray(payments.provider, providers),
        lt(payments.createdAt, new Date(now.getTime() - afterSeconds * 1000)),
        gte(payments.createdAt, new Date(now.getTime() - RECONCILE_WINDOW_HOURS * 3600_000)),
      ),
    )
    // Newest first: a payer who just paid is waiting; an abandoned payment page can wait for the next round.
    .orderBy(desc(payments.createdAt))
    .limit(options.limit ?? 200);
  for (const p of due) {
    result.checked++;
    try {
      const provider = await providerFor(db, p.provider);
      const reference = p.providerReference ?? p.id;
      const answer = await provider.queryStatus(reference);
      if (answer.status === 'pending') {
        result.pending++;
        continue;
      }
      const applied = await applyOutcome(
        db,
        provider,
        // One reconciliation per payment: its nonce shares the replay index with the provider's notifications.
        { paymentId: p.id, providerReference: reference, outcome: answer.status, nonce: `reconcile:${p.id}`, amountFen: answer.amountFen },
        { kind: 'reconciliation', transactionReference: answer.transactionReference },
      );
      if (!applied?.applied) result.pending++;
      else if (applied.status === 'paid') result.paid++;
      else if (applied.status === 'refunded') result.refunded++;
      else result.failed++;
    } catch (error) {
      result.errors++;
      options.onError?.(p.id, error);
    }
  }
  return result;
}

/** What the payment page shows: only to the payer (and the county administrator). */
export async function getPaymentForPayer(db: Db, actor: Actor | null, paymentId: string) {
  const who = requireActor(actor);
  const payment = await getPaymentRecord(db, paymentId);
  if (!payment) throw notFound('Payment');
  // The payer may be of any county; the administrator sees the payments of their own county.
  if (payment.payerId !== who.id && !(holdsAnyRole(who, ['county_admin']) && payment.countyId === who.countyId)) throw notFound('Payment');
  const returnUrl = purposes.get(payment.purpose)?.returnUrl?.(payment.referenceId) ?? '/';
  return {
    id: payment.id,
    purpose: payment.purpose,
    referenceId: payment.referenceId,
    amountFen: payment.amountFen,
    refundedFen: payment.refundedFen,
    description: payment.description,
    provider: payment.provider,
    status: payment.status,
    returnUrl,
    refunds: (await refundsOf(db, [payment.id])).get(payment.id) ?? [],
  };
}

/**
 * The sandbox payment page's buttons: the payer pays (or fails). The sandbox, acting as the payment institution,
 * records the outcome in its ledger (the first choice stands), then sends the signed callback to the same handler
 * a real provider's notification reaches — unless `callback: 'lose'`, which simulates a notification lost on the
 * way: the outcome is recorded (the provider answers it when asked) but nothing is delivered, so the payment stays
 * pending until reconciliation or a later delivery. Pressing again redelivers the recorded notification (same nonce).
 */
export async function sandboxComplete(
  db: Db,
  actor: Actor | null,
  paymentId: string,
  outcome: 'succeeded' | 'failed',
  callback: 'deliver' | 'lose' = 'deliver',
): Promise<CallbackResult & { callback: 'delivered' | 'lost' | 'none' }> {
  if (!sandboxEnabled()) throw sandboxDisabled();
  const who = requireActor(actor);
  const payment = await getPaymentRecord(db, paymentId);
  if (!payment || payment.payerId !== who.id) throw notFound('Payment');
  if (payment.provider !== 'sandbox') throw forbidden('Only sandbox payments are completed here');
  const providerReference = payment.providerReference ?? '';
  const recorded = await db.transaction(async (tx) => {
    const [existing] = await tx.select().from(paymentSandboxOutcomes).where(eq(paymentSandboxOutcomes.paymentId, paymentId));
    // A payment that is no longer pending (superseded, or settled) is closed at the institution too.
    if (existing || payment.status !== 'pending') return existing;
    const [fresh] = await tx.insert(paymentSandboxOutcomes).values({ countyId: payment.countyId, ...newSandboxOutcome(paymentId, providerReference, outcome) }).onConflictDoNothing().returning();
    if (!fresh) {
      const [raced] = await tx.select().from(paymentSandboxOutcomes).where(eq(paymentSandboxOutcomes.paymentId, paymentId));
      return raced;
    }
    await recordAudit(tx, who, { action: 'payment.sandbox_outcome', entity: 'payment', entityId: paymentId, details: { outcome, callback } });
    return fresh;
  });
  // Closed before the payer chose: there is no notification to send.
  if (!recorded) return { paymentId, applied: false, duplicate: false, status: payment.status, callback: 'none' };
  if (callback === 'lose') return { paymentId, applied: false, duplicate: false, status: payment.status, callback: 'lost' };
  const signed = signSandboxCallback(
    await sandboxSecret(db),
    { paymentId, providerReference, outcome: recorded.outcome },
    { nonce: recorded.nonce },
  );
  return { ...(await handleCallback(db, 'sandbox', signed.headers, signed.rawBody)), callback: 'delivered' };
}
