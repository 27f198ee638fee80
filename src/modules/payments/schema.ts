// The payments module's tables: payments of every purpose other modules register, verified callbacks (keyed by
// nonce against replays), refunds, the sandbox provider's ledger and signing keys.
import { sql } from 'drizzle-orm';
import { boolean, check, date, foreignKey, integer, pgTable, primaryKey, text, timestamp, uniqueIndex, uuid, index, type AnyPgColumn } from 'drizzle-orm/pg-core';
import { adminUnits, organizations, users } from '../governance/index.ts';
import { createdAt, inList, tenantId } from '../../db/columns.ts';

const tz = (name: string) => timestamp(name, { withTimezone: true });
const countyId = () =>
  uuid('county_id')
    .notNull()
    .references(() => adminUnits.id);

/** Tenant tables are keyed by (id, county_id) (the county last: a lookup by id alone keeps its index); a payment's rows are in its county (src/db/global-tables.ts). */
const pk = (t: { countyId: AnyPgColumn; id: AnyPgColumn }) => primaryKey({ columns: [t.id, t.countyId] });
const ofPayment = (t: { countyId: AnyPgColumn; paymentId: AnyPgColumn }) =>
  foreignKey({ columns: [t.countyId, t.paymentId], foreignColumns: [payments.countyId, payments.id] });

// ---------------------------------------------------------------- payments

export const PAYMENT_STATUSES = ['pending', 'paid', 'failed', 'refunded'] as const;
export type PaymentStatus = (typeof PAYMENT_STATUSES)[number];

export const payments = pgTable(
  'payments',
  {
    id: tenantId(),
    countyId: countyId(),
    /** What is paid for, as the module that registered it names it (`order`, `booking`, …). */
    purpose: text('purpose').notNull(),
    referenceId: uuid('reference_id').notNull(),
    payerId: uuid('payer_id').references(() => users.id, { onDelete: 'set null' }),
    /** Who is owed the money (the producer, the inn's organization): the settlement statement's row. */
    payeeOrgId: uuid('payee_org_id').references(() => organizations.id),
    amountFen: integer('amount_fen').notNull(),
    refundedFen: integer('refunded_fen').notNull().default(0),
    description: text('description').notNull(),
    provider: text('provider').notNull(),
    providerReference: text('provider_reference'),
    status: text('status').$type<PaymentStatus>().notNull().default('pending'),
    createdAt: createdAt(),
    paidAt: tz('paid_at'),
  },
  (t) => [
    pk(t),
    check('payments_purpose_format', sql`${t.purpose} ~ '^[a-z][a-z_]{1,39}$'`),
    check('payments_status_check', inList('status', PAYMENT_STATUSES)),
    check('payments_amount_check', sql`${t.amountFen} > 0`),
    check('payments_refunded_check', sql`${t.refundedFen} between 0 and ${t.amountFen}`),
    index('payments_reference_idx').on(t.purpose, t.referenceId),
    // At most one open payment per order or booking: paying twice for one thing is refused by the database.
    uniqueIndex('payments_open_unique').on(t.purpose, t.referenceId, t.countyId).where(sql`status in ('pending', 'paid')`),
  ],
);

/** Every callback delivery that verified, keyed by its nonce: a replayed delivery is recognised and not applied again. */
export const paymentCallbacks = pgTable(
  'payment_callbacks',
  {
    id: tenantId(),
    countyId: countyId(),
    paymentId: uuid('payment_id').notNull(),
    provider: text('provider').notNull(),
    nonce: text('nonce').notNull(),
    outcome: text('outcome').notNull(),
    applied: boolean('applied').notNull(),
    receivedAt: tz('received_at').notNull().defaultNow(),
  },
  (t) => [
    pk(t),
    ofPayment(t),
    check('payment_callbacks_outcome_check', inList('outcome', ['succeeded', 'failed'])),
    uniqueIndex('payment_callbacks_nonce_unique').on(t.provider, t.nonce, t.countyId),
  ],
);

export const REFUND_STATUSES = ['pending', 'succeeded', 'failed'] as const;
export type RefundStatus = (typeof REFUND_STATUSES)[number];

/**
 * Refunds: asked for in the transaction that reserves their amount on the payment (`refunded_fen`), then sent to
 * the provider by the `payments.refund` job, retried with backoff; `failed` once the retries are spent (the county
 * administrator sees it and may send it again).
 */
export const paymentRefunds = pgTable(
  'payment_refunds',
  {
    id: tenantId(),
    countyId: countyId(),
    paymentId: uuid('payment_id').notNull(),
    amountFen: integer('amount_fen').notNull(),
    reason: text('reason').notNull(),
    refundReference: text('refund_reference'),
    actorId: uuid('actor_id').references(() => users.id, { onDelete: 'set null' }),
    createdAt: createdAt(),
    status: text('status').$type<RefundStatus>().notNull().default('succeeded'),
    /** Tries at the provider so far. */
    attempts: integer('attempts').notNull().default(0),
    /** The provider's error code of the last try (never a message: it may carry personal data). */
    lastError: text('last_error'),
    settledAt: tz('settled_at'),
  },
  (t) => [
    pk(t),
    ofPayment(t),
    check('payment_refunds_amount_check', sql`${t.amountFen} > 0`),
    check('payment_refunds_status_check', inList('status', REFUND_STATUSES)),
    index('payment_refunds_open_idx').on(t.countyId, t.status).where(sql`status <> 'succeeded'`),
  ],
);

/** The platform fee a county takes on its sellers' sales, in basis points (1/100 of a percent). */
export const paymentFeeRates = pgTable(
  'payment_fee_rates',
  {
    countyId: countyId().primaryKey(),
    feeBps: integer('fee_bps').notNull(),
    updatedAt: tz('updated_at').notNull().defaultNow(),
  },
  (t) => [check('payment_fee_rates_bps_check', sql`${t.feeBps} between 0 and 10000`)],
);

/**
 * The sandbox provider's own ledger — what the simulated payment institution knows, kept apart from what Terrace
 * received: the outcome the payer chose on the sandbox page, whether or not its callback was delivered. The sandbox
 * answers status queries (reconciliation) from it. First choice wins; one row per payment.
 */
export const paymentSandboxOutcomes = pgTable(
  'payment_sandbox_outcomes',
  {
    countyId: countyId(),
    paymentId: uuid('payment_id').notNull(),
    providerReference: text('provider_reference').notNull(),
    outcome: text('outcome').$type<'succeeded' | 'failed'>().notNull(),
    /** The institution's own transaction number (WeChat Pay's transaction_id, Alipay's trade_no). */
    transactionReference: text('transaction_reference').notNull(),
    /** The notification's nonce: every delivery of this outcome's callback carries it. */
    nonce: text('nonce').notNull(),
    decidedAt: tz('decided_at').notNull().defaultNow(),
  },
  (t) => [
    primaryKey({ columns: [t.paymentId, t.countyId] }),
    ofPayment(t),
    check('payment_sandbox_outcomes_outcome_check', inList('outcome', ['succeeded', 'failed'])),
    uniqueIndex('payment_sandbox_outcomes_reference_unique').on(t.providerReference, t.countyId),
  ],
);

/** Signing keys of providers that have no external configuration (the sandbox), shared by every server instance. */
export const paymentKeys = pgTable('payment_keys', {
  provider: text('provider').primaryKey(),
  secret: text('secret').notNull(),
  createdAt: createdAt(),
});


/** Money paid out to a seller for a settlement period (recorded by the county; the transfer itself happens at the bank). */
export const paymentPayouts = pgTable(
  'payment_payouts',
  {
    id: tenantId(),
    countyId: countyId(),
    orgId: uuid('org_id')
      .notNull()
      .references(() => organizations.id),
    periodFrom: date('period_from', { mode: 'string' }).notNull(),
    periodTo: date('period_to', { mode: 'string' }).notNull(),
    amountFen: integer('amount_fen').notNull(),
    /** The bank transfer's reference, as the county's finance office gives it. */
    reference: text('reference').notNull(),
    recordedBy: uuid('recorded_by').references(() => users.id, { onDelete: 'set null' }),
    createdAt: createdAt(),
  },
  (t) => [
    pk(t),
    check('payment_payouts_amount_check', sql`${t.amountFen} > 0`),
    check('payment_payouts_period_check', sql`${t.periodFrom} <= ${t.periodTo}`),
    index('payment_payouts_org_idx').on(t.countyId, t.orgId, t.periodFrom),
  ],
);
