// Alipay (支付宝) through Alipay's official Node SDK (`alipay-sdk`): the SDK signs requests (RSA2), builds the
// page/WAP pay URL, calls the gateway and verifies its answers' and notifications' signatures with Alipay's public
// key. What is ours: which methods, the mapping of statuses, and the checks of a notification against the payment.
import { AlipaySdk, type AlipaySdkCommonResult } from 'alipay-sdk';
import { Problem } from '../../server/problems.ts';
import type { AlipayConfig } from './provider-config.ts';
import { fenToYuan, outTradeNo, paymentIdOf, providerFailed, yuanToFen } from './money-text.ts';
import type { PaymentCallback, PaymentProvider, PaymentRequest, PaymentStart, PaymentStatusAnswer, RefundAnswer, RefundRequest } from './provider.ts';

/**
 * A notification may come late: Alipay retries for 25 hours (4m, 10m, 10m, 1h, 2h, 6h, 15h), keeping its
 * notify_id and notify_time. The replay key is notify_id; notify_time must be within this window.
 */
export const ALIPAY_NOTIFY_MAX_AGE_SECONDS = 48 * 3600;
/** How far in the future a notify_time may be (clock skew). */
const FUTURE_SKEW_SECONDS = 300;

/** notify_time `yyyy-MM-dd HH:mm:ss`, in Beijing time (UTC+8), as unix seconds; null when malformed. */
export function alipayTime(text: string): number | null {
  const m = /^(\d{4})-(\d{2})-(\d{2}) (\d{2}):(\d{2}):(\d{2})$/.exec(text);
  if (!m) return null;
  const t = Date.parse(`${m[1]}-${m[2]}-${m[3]}T${m[4]}:${m[5]}:${m[6]}+08:00`);
  return Number.isNaN(t) ? null : Math.floor(t / 1000);
}

const TRADE_STATUS: Record<string, PaymentStatusAnswer['status']> = {
  TRADE_SUCCESS: 'succeeded',
  TRADE_FINISHED: 'succeeded',
  TRADE_CLOSED: 'failed',
  WAIT_BUYER_PAY: 'pending',
};

export class AlipayProvider implements PaymentProvider {
  readonly name = 'alipay';
  readonly callbackAnswer = { contentType: 'text/plain; charset=utf-8', body: 'success' };
  private readonly sdk: AlipaySdk;

  constructor(
    private readonly config: AlipayConfig,
    private readonly now: () => number = () => Date.now(),
  ) {
    this.sdk = new AlipaySdk({
      appId: config.appId,
      privateKey: config.privateKey.reveal(),
      keyType: config.keyType,
      alipayPublicKey: config.alipayPublicKey,
      gateway: config.gateway,
      signType: 'RSA2',
      timeout: 10_000,
      camelcase: false,
    });
  }

  /** alipay.trade.wap.pay (phone, the default) or alipay.trade.page.pay (desktop): the signed gateway URL. */
  async start(request: PaymentRequest): Promise<PaymentStart> {
    const page = request.channel === 'page';
    if (request.channel && request.channel !== 'page' && request.channel !== 'wap') {
      throw new Problem(400, 'invalid_input', `channel: Alipay pays by page or wap, not ${request.channel}`, { field: 'channel' });
    }
    const reference = outTradeNo(request.paymentId);
    const returnUrl = new URL(request.returnUrl, this.config.notifyUrl).toString();
    let redirectUrl: string;
    try {
      redirectUrl = this.sdk.pageExecute(page ? 'alipay.trade.page.pay' : 'alipay.trade.wap.pay', 'GET', {
        bizContent: {
          out_trade_no: reference,
          total_amount: fenToYuan(request.amountFen),
          subject: request.description.slice(0, 128),
          product_code: page ? 'FAST_INSTANT_TRADE_PAY' : 'QUICK_WAP_WAY',
        },
        notifyUrl: this.config.notifyUrl,
        returnUrl,
      });
    } catch (error) {
      throw providerFailed('Alipay', 'signing the payment', (error as Error).name);
    }
    return { redirectUrl, providerReference: reference };
  }

  /** The asynchronous notification: a form POST signed by Alipay (RSA2 over the sorted fields but sign and sign_type). */
  verifyCallback(_headers: Record<string, string | string[] | undefined>, rawBody: string): PaymentCallback {
    const form = Object.fromEntries(new URLSearchParams(rawBody));
    const required = ['sign', 'notify_id', 'notify_time', 'app_id', 'out_trade_no', 'trade_status', 'total_amount'];
    const missing = required.find((k) => typeof form[k] !== 'string' || form[k] === '');
    if (missing) throw new Problem(400, 'invalid_callback', `The notification lacks ${missing}`);
    let verified = false;
    try {
      verified = this.sdk.checkNotifySignV2(form);
    } catch {
      verified = false;
    }
    if (!verified) throw new Problem(401, 'bad_signature', 'The notification signature does not verify');
    if (form.app_id !== this.config.appId) throw new Problem(400, 'invalid_callback', 'The notification is for another application');
    const timestamp = alipayTime(form.notify_time);
    if (timestamp === null) throw new Problem(400, 'invalid_callback', 'The notification time is malformed');
    const age = this.now() / 1000 - timestamp;
    if (age > ALIPAY_NOTIFY_MAX_AGE_SECONDS || age < -FUTURE_SKEW_SECONDS) {
      throw new Problem(401, 'stale_callback', 'The notification time is outside the accepted window');
    }
    const paymentId = paymentIdOf(form.out_trade_no);
    if (!paymentId) throw new Problem(404, 'not_found', 'Payment not found');
    const amountFen = yuanToFen(form.total_amount);
    if (amountFen === null) throw new Problem(400, 'invalid_callback', 'The notification amount is malformed');
    const status = TRADE_STATUS[form.trade_status];
    if (status !== 'succeeded' && status !== 'failed') throw new Problem(400, 'invalid_callback', 'The notification does not carry a final trade status');
    return { paymentId, providerReference: form.out_trade_no, outcome: status, nonce: `alipay:${form.notify_id}`, timestamp, amountFen };
  }

  /** Calls the gateway (the SDK signs, and verifies the answer's signature); any failure is a 502 naming only a code. */
  private async call(method: string, bizContent: Record<string, unknown>): Promise<AlipaySdkCommonResult> {
    try {
      return await this.sdk.exec(method, { bizContent }, { validateSign: true });
    } catch (error) {
      const e = error as { code?: string; name?: string };
      throw providerFailed('Alipay', method, e.code ?? e.name);
    }
  }

  /** alipay.trade.query: how the trade stands (reconciliation). A trade Alipay does not know is still pending. */
  async queryStatus(providerReference: string): Promise<PaymentStatusAnswer> {
    const answer = await this.call('alipay.trade.query', { out_trade_no: providerReference });
    if (answer.code !== '10000') {
      if (answer.sub_code === 'ACQ.TRADE_NOT_EXIST') return { status: 'pending' };
      throw providerFailed('Alipay', 'alipay.trade.query', answer.sub_code ?? answer.code);
    }
    const status = TRADE_STATUS[answer.trade_status as string] ?? 'pending';
    const amountFen = typeof answer.total_amount === 'string' ? (yuanToFen(answer.total_amount) ?? undefined) : undefined;
    return { status, transactionReference: typeof answer.trade_no === 'string' ? answer.trade_no : undefined, amountFen };
  }

  /** alipay.trade.refund, idempotent on out_request_no (our refund's id). */
  async refund(request: RefundRequest): Promise<RefundAnswer> {
    const refundReference = outTradeNo(request.refundId);
    const answer = await this.call('alipay.trade.refund', {
      out_trade_no: request.providerReference,
      refund_amount: fenToYuan(request.amountFen),
      out_request_no: refundReference,
      refund_reason: request.reason.slice(0, 256),
    });
    if (answer.code !== '10000') throw providerFailed('Alipay', 'alipay.trade.refund', answer.sub_code ?? answer.code);
    // fund_change Y: the money moved now; N: this request was seen before (a retry), ask how it stands.
    if (answer.fund_change === 'Y') return { refundReference, status: 'succeeded' };
    return (await this.queryRefund(request)) ?? { refundReference, status: 'processing' };
  }

  /** alipay.trade.fastpay.refund.query: REFUND_SUCCESS → succeeded; no refund_status (not refunded, or unknown) → null. */
  async queryRefund(request: Pick<RefundRequest, 'providerReference' | 'refundId'>): Promise<RefundAnswer | null> {
    const refundReference = outTradeNo(request.refundId);
    const answer = await this.call('alipay.trade.fastpay.refund.query', { out_trade_no: request.providerReference, out_request_no: refundReference });
    if (answer.code !== '10000') throw providerFailed('Alipay', 'alipay.trade.fastpay.refund.query', answer.sub_code ?? answer.code);
    return answer.refund_status === 'REFUND_SUCCESS' ? { refundReference, status: 'succeeded' } : null;
  }
}
