import { Problem } from '../../server/problems.ts';
import type { PaymentCallback, PaymentProvider, PaymentRequest, PaymentStatusAnswer } from './provider.ts';

/**
 * Alipay (支付宝) open platform as an adapter of PaymentProvider — a skeleton, NOT wired to live credentials.
 * Every method throws 503 `provider_not_configured` until the steps in ./README.md are implemented and tested
 * against Alipay's sandbox (openapi-sandbox.dl.alipaydev.com) with a real app id. What each method must do:
 *
 * - start: alipay.trade.wap.pay (phone browser) or alipay.trade.page.pay (desktop) with biz_content
 *   { out_trade_no: paymentId, total_amount: amountFen / 100 as "12.34", subject: description, product_code },
 *   notify_url <base>/api/v1/payments/callback/alipay and return_url; sign the sorted key=value string with RSA2
 *   (SHA256withRSA, the app's private key). Answer the gateway URL with the signed query (redirect).
 * - verifyCallback: the async notification is a form POST; drop sign and sign_type, sort the rest, verify RSA2 with
 *   Alipay's public key; check app_id, out_trade_no, total_amount against the payment; trade_status TRADE_SUCCESS or
 *   TRADE_FINISHED → succeeded. Alipay has no nonce header: use notify_id as the replay key, and notify_time for
 *   freshness. Reply with the plain text "success", or Alipay retries (up to 8 times over 25 hours).
 * - refund: alipay.trade.refund { out_trade_no, refund_amount, out_request_no } (out_request_no makes it idempotent).
 * - queryStatus: alipay.trade.query { out_trade_no }; trade_status TRADE_SUCCESS / TRADE_FINISHED → succeeded
 *   (transactionReference = trade_no), TRADE_CLOSED → failed, WAIT_BUYER_PAY or ACQ.TRADE_NOT_EXIST → pending.
 */
export class AlipayProvider implements PaymentProvider {
  readonly name = 'alipay';
  constructor(readonly config: { appId: string; privateKeyPem: string; alipayPublicKeyPem: string; gateway: string } | null = null) {}

  private notConfigured(): never {
    throw new Problem(503, 'provider_not_configured', 'Alipay is documented but not wired to live credentials in this deployment');
  }
  async start(_request: PaymentRequest): Promise<{ redirectUrl: string; providerReference: string }> {
    return this.notConfigured();
  }
  verifyCallback(_headers: Record<string, string | string[] | undefined>, _rawBody: string): PaymentCallback {
    return this.notConfigured();
  }
  async refund(_providerReference: string, _amountFen: number): Promise<{ refundReference: string }> {
    return this.notConfigured();
  }
  async queryStatus(_providerReference: string): Promise<PaymentStatusAnswer> {
    return this.notConfigured();
  }
}
