/**
 * The payment provider interface. Terrace ships a sandbox provider (a simulated payment page and a signed
 * callback); WeChat Pay and Alipay are adapters of this same interface.
 *
 * Contract used by every module that takes money (market orders, inn bookings):
 * - the Market module owns the `payments` table and `createPayment(db, actor, { purpose, referenceId, amountFen, description })`
 *   in `src/modules/payments/service.ts`, which returns `{ paymentId, redirectUrl }`;
 * - a module registers what happens when a payment of its purpose succeeds or is refunded with
 *   `registerPaymentPurpose(purpose, { onPaid(tx, referenceId, paymentId), onRefunded?(tx, referenceId, paymentId) })`,
 *   called inside the transaction that records the payment, exactly once per payment (callbacks are idempotent);
 * - refunds: `refundPayment(db, actor, paymentId, amountFen, reason)`;
 * - a lost notification: `reconcilePendingPayments(db)` asks the provider (`queryStatus`) about payments still pending
 *   after a grace period and applies its answer through the callback's own code path.
 */
export interface PaymentRequest {
  paymentId: string;
  amountFen: number;
  description: string;
  /** Where the provider sends the payer back when done. */
  returnUrl: string;
}

export interface PaymentCallback {
  paymentId: string;
  providerReference: string;
  outcome: 'succeeded' | 'failed';
  /** Unique per callback delivery attempt's content: replays of the same callback carry the same nonce. */
  nonce: string;
  timestamp: number;
}

/** What the provider says about a payment when asked (WeChat Pay's trade_state, Alipay's trade_status). */
export interface PaymentStatusAnswer {
  /** `pending`: not paid yet (or the provider does not know the payment). */
  status: 'succeeded' | 'failed' | 'pending';
  /** The provider's own transaction number (WeChat Pay transaction_id, Alipay trade_no), once it has one. */
  transactionReference?: string;
}

export interface PaymentProvider {
  readonly name: string;
  /** Starts a payment; answers the URL of the page where the payer pays. */
  start(request: PaymentRequest): Promise<{ redirectUrl: string; providerReference: string }>;
  /** Verifies a callback's signature and freshness; throws a Problem (400/401) when it does not verify. */
  verifyCallback(headers: Record<string, string | string[] | undefined>, rawBody: string): PaymentCallback;
  refund(providerReference: string, amountFen: number): Promise<{ refundReference: string }>;
  /** Asks the provider how a payment stands (the reconciliation of a lost notification). Read-only. */
  queryStatus(providerReference: string): Promise<PaymentStatusAnswer>;
}

/** What a payment is for, as the module that registered it names it (`order`, `booking`, `flash_offer`…). */
export type PaymentPurpose = string;
