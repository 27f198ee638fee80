import { randomBytes } from 'node:crypto';
import { and, desc, eq, gte, inArray, lt, sql } from 'drizzle-orm';
import { uuidv7 } from 'uuidv7';
import type { Db } from '../../db/handle.ts';
import { badRequest, conflict, forbidden, notFound, Problem } from '../../server/problems.ts';
import { recordAudit } from '../../server/audit.ts';
import { authorize, holdsAnyRole, requireActor, type Actor } from '../governance/index.ts';
import { paymentCallbacks, paymentKeys, paymentRefunds, payments, paymentSandboxOutcomes } from './schema.ts';
import type { PaymentCallback, PaymentProvider, PaymentPurpose } from './provider.ts';
import { newSandboxOutcome, SandboxProvider, signSandboxCallback, type SandboxLedger } from './sandbox.ts';
import { paymentSettings, sandboxEnabled } from './settings.ts';

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
  /** Called after every refund of a payment (partial or full); read the payment with `getPaymentRecord`. */
  onRefunded?(tx: Db, referenceId: string, paymentId: string): Promise<void>;
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

const handlersOf = (purpose: PaymentPurpose) => {
  const h = purposes.get(purpose);
  if (!h) throw new Problem(500, 'purpose_not_registered', `No module handles payments for ${purpose}`);
  return h;
};

// ---- providers ----

const secrets = new WeakMap<Db, Promise<string>>();

/** The sandbox signing key: PAYMENT_SANDBOX_SECRET, or one generated once and kept in the database (shared by every instance). */
export function sandboxSecret(db: Db): Promise<string> {
  const fromEnv = process.env.PAYMENT_SANDBOX_SECRET;
  if (fromEnv) return Promise.resolve(fromEnv);
  let p = secrets.get(db);
  if (!p) {
    p = (async () => {
      await db.insert(paymentKeys).values({ provider: 'sandbox', secret: randomBytes(32).toString('hex') }).onConflictDoNothing();
      const [row] = await db.select({ secret: paymentKeys.secret }).from(paymentKeys).where(eq(paymentKeys.provider, 'sandbox'));
      return row.secret;
    })();
    p.catch(() => secrets.delete(db));
    secrets.set(db, p);
  }
  return p;
}

/** The answer of everything the sandbox does while `PAYMENTS_SANDBOX=off` (a deployment that takes real money). */
export const sandboxDisabled = () =>
  new Problem(503, 'provider_disabled', 'The sandbox payment provider is switched off in this deployment (PAYMENTS_SANDBOX=off): no sandbox payment is taken');

/** The sandbox institution's ledger, in the database: every server instance answers status queries alike. */
const sandboxLedger = (db: Db): SandboxLedger => ({
  async find(providerReference) {
    const [row] = await db.select().from(paymentSandboxOutcomes).where(eq(paymentSandboxOutcomes.providerReference, providerReference));
    return row;
  },
});

/** The providers wired in this deployment (payments of other providers are not reconciled). */
const enabledProviders = (): string[] => (sandboxEnabled() ? ['sandbox'] : []);

/**
 * The provider a payment is made with. Only the sandbox is wired (unless `PAYMENTS_SANDBOX=off`: 503); see
 * ./README.md for WeChat Pay and Alipay.
 */
export async function providerFor(db: Db, name: string): Promise<PaymentProvider> {
  if (name === 'sandbox') {
    if (!sandboxEnabled()) throw sandboxDisabled();
    return new SandboxProvider(await sandboxSecret(db), sandboxLedger(db));
  }
  throw notFound(`Payment provider ${name}`);
}

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
  },
): Promise<{ paymentId: string; redirectUrl: string }> {
  const who = requireActor(actor);
  if (!Number.isInteger(input.amountFen) || input.amountFen <= 0) throw badRequest('amountFen', 'Must be a positive whole number of fen');
  const handlers = handlersOf(input.purpose);
  const provider = await providerFor(db, 'sandbox');
  const returnUrl = handlers.returnUrl?.(input.referenceId) ?? '/';
  return db.transaction(async (tx) => {
    const open = await tx
      .select()
      .from(payments)
      .where(and(eq(payments.purpose, input.purpose), eq(payments.referenceId, input.referenceId), inArray(payments.status, ['pending', 'paid'])))
      .for('update');
    const existing = open[0];
    if (existing?.status === 'paid') throw conflict('already_paid', 'This has been paid already');
    if (existing && existing.amountFen === input.amountFen && existing.payerId === who.id) {
      const started = await provider.start({ paymentId: existing.id, amountFen: existing.amountFen, description: existing.description, returnUrl });
      return { paymentId: existing.id, redirectUrl: started.redirectUrl };
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
    const started = await provider.start({ paymentId, amountFen: input.amountFen, description: input.description, returnUrl });
    await tx.insert(payments).values({
      id: paymentId,
      countyId: input.countyId ?? who.countyId,
      purpose: input.purpose,
      referenceId: input.referenceId,
      payerId: who.id,
      amountFen: input.amountFen,
      description: input.description,
      provider: provider.name,
      providerReference: started.providerReference,
    });
    await recordAudit(tx, who, {
      action: 'payment.create',
      entity: 'payment',
      entityId: paymentId,
      details: { purpose: input.purpose, referenceId: input.referenceId, amountFen: input.amountFen },
    });
    return { paymentId, redirectUrl: started.redirectUrl };
  });
}

export interface CallbackResult {
  paymentId: string;
  /** False when this delivery was a replay, or the payment had already reached its outcome. */
  applied: boolean;
  duplicate: boolean;
  status: PaymentRecord['status'];
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
  return result;
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
  cb: Pick<PaymentCallback, 'paymentId' | 'providerReference' | 'outcome' | 'nonce'>,
  via: Via,
): Promise<CallbackResult | null> {
  const refunds: { reference: string; amountFen: number }[] = [];
  const result = await db.transaction(async (tx): Promise<CallbackResult | null> => {
    const row = tx.select().from(payments).where(eq(payments.id, cb.paymentId));
    const [payment] = via.kind === 'reconciliation' ? await row.for('update', { skipLocked: true }) : await row.for('update');
    if (!payment && via.kind === 'reconciliation') return null;
    if (!payment || payment.provider !== provider.name) throw notFound('Payment');
    if (payment.providerReference && payment.providerReference !== cb.providerReference) {
      throw new Problem(400, 'invalid_callback', 'The provider reference does not match the payment');
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
      await tx.insert(paymentRefunds).values({ countyId: payment.countyId, paymentId: payment.id, amountFen: payment.amountFen, reason: 'paid after the payment was given up' });
      await recordAudit(tx, system, { action: 'payment.auto_refund', entity: 'payment', entityId: payment.id, details: { amountFen: payment.amountFen, via: via.kind, after: 'failed' } });
      refunds.push({ reference: cb.providerReference, amountFen: payment.amountFen });
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
      await tx.insert(paymentRefunds).values({ countyId: payment.countyId, paymentId: payment.id, amountFen: payment.amountFen, reason: 'no longer available when paid' });
      await recordAudit(tx, system, { action: 'payment.auto_refund', entity: 'payment', entityId: payment.id, details: { amountFen: payment.amountFen } });
      refunds.push({ reference: cb.providerReference, amountFen: payment.amountFen });
      return { paymentId: payment.id, applied: true, duplicate: false, status: 'refunded' };
    }
    return { paymentId: payment.id, applied: true, duplicate: false, status: 'paid' };
  });
  for (const r of refunds) await provider.refund(r.reference, r.amountFen);
  return result;
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
        { paymentId: p.id, providerReference: reference, outcome: answer.status, nonce: `reconcile:${p.id}` },
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

/** Refunds part or all of a paid payment; the purpose's module decides who may. */
export async function refundPayment(db: Db, actor: Actor | null, paymentId: string, amountFen: number, reason: string) {
  const payment = await getPaymentRecord(db, paymentId);
  if (!payment) throw notFound('Payment');
  const handlers = handlersOf(payment.purpose);
  const who = handlers.authorizeRefund
    ? await handlers.authorizeRefund(db, actor, payment.referenceId)
    : await authorize(db, actor, 'payments.refund', { unitId: payment.countyId });
  if (!Number.isInteger(amountFen) || amountFen <= 0) throw badRequest('amountFen', 'Must be a positive whole number of fen');
  if (!reason.trim()) throw badRequest('reason', 'Give a reason');
  const provider = await providerFor(db, payment.provider);
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
    const { refundReference } = await provider.refund(row.providerReference ?? row.id, amountFen);
    await tx.insert(paymentRefunds).values({ countyId: row.countyId, paymentId, amountFen, reason, refundReference, actorId: who.id });
    await recordAudit(tx, who, { action: 'payment.refund', entity: 'payment', entityId: paymentId, details: { amountFen, reason } });
    await handlers.onRefunded?.(tx, row.referenceId, paymentId);
    return { paymentId, refundedFen: row.refundedFen, status: row.status };
  });
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
