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
  /**
   * How the payer pays: Alipay `page` (desktop) or `wap` (phone browser, the default); WeChat Pay `native` (a QR
   * code, the default), `jsapi` (inside WeChat: needs `payerOpenId`) or `h5` (a phone browser: needs `clientIp`).
   */
  channel?: PaymentChannel;
  /** The payer's openid under the merchant's app id (WeChat JSAPI). */
  payerOpenId?: string;
  /** The payer's IP address (WeChat H5). */
  clientIp?: string;
}

export type PaymentChannel = 'page' | 'wap' | 'native' | 'jsapi' | 'h5';

/** What starting a payment answers: where to send the payer, or what to show them. */
export interface PaymentStart {
  /** The page where the payer pays (a gateway URL, the sandbox page), or for WeChat Native the `weixin://` code URL. */
  redirectUrl: string;
  providerReference: string;
  /** WeChat Native: the text to show as a QR code for the payer to scan. */
  qrCode?: string;
  /** WeChat JSAPI: the signed parameters for `WeixinJSBridge.invoke('getBrandWCPayRequest', …)`. */
  jsapi?: { appId: string; timeStamp: string; nonceStr: string; package: string; signType: 'RSA'; paySign: string };
}

export interface RefundRequest {
  providerReference: string;
  /** Our refund's id: the provider's idempotency key (`out_request_no`, `out_refund_no`); a retry reuses it. */
  refundId: string;
  amountFen: number;
  /** What the payment was for in total (WeChat Pay wants it with every refund). */
  totalFen: number;
  reason: string;
}

/** How a refund stands at the provider. */
export interface RefundAnswer {
  refundReference: string;
  status: 'succeeded' | 'processing' | 'failed';
}

export interface PaymentCallback {
  paymentId: string;
  providerReference: string;
  outcome: 'succeeded' | 'failed';
  /** Unique per callback delivery attempt's content: replays of the same callback carry the same nonce. */
  nonce: string;
  timestamp: number;
  /** The amount the provider says was paid (real providers): it must equal the payment's, or nothing is applied. */
  amountFen?: number;
}

/** What the provider says about a payment when asked (WeChat Pay's trade_state, Alipay's trade_status). */
export interface PaymentStatusAnswer {
  /** `pending`: not paid yet (or the provider does not know the payment). */
  status: 'succeeded' | 'failed' | 'pending';
  /** The provider's own transaction number (WeChat Pay transaction_id, Alipay trade_no), once it has one. */
  transactionReference?: string;
  /** What the provider says the payment is for (real providers): it must equal the payment's, or nothing is applied. */
  amountFen?: number;
}

export interface PaymentProvider {
  readonly name: string;
  /** Starts a payment; answers the URL of the page where the payer pays. */
  start(request: PaymentRequest): Promise<PaymentStart>;
  /** Verifies a callback's signature and freshness; throws a Problem (400/401) when it does not verify. */
  verifyCallback(headers: Record<string, string | string[] | undefined>, rawBody: string): PaymentCallback;
  /** What the provider expects as the answer to a callback it delivered (Alipay: the text `success`). */
  readonly callbackAnswer?: { contentType: string; body: string };
  /** Refunds part or all of a payment; idempotent on `refundId`. Throws a Problem (502) when the provider refuses. */
  refund(request: RefundRequest): Promise<RefundAnswer>;
  /** Asks how a refund stands (Alipay alipay.trade.fastpay.refund.query, WeChat Pay GET refunds/{out_refund_no}). */
  queryRefund?(request: Pick<RefundRequest, 'providerReference' | 'refundId'>): Promise<RefundAnswer | null>;
  /** Asks the provider how a payment stands (the reconciliation of a lost notification). Read-only. */
  queryStatus(providerReference: string): Promise<PaymentStatusAnswer>;
}

/** What a payment is for, as the module that registered it names it (`order`, `booking`, `flash_offer`…). */
export type PaymentPurpose = string;
