import { Problem } from '../../server/problems.ts';
import type { PaymentCallback, PaymentProvider, PaymentRequest, PaymentStatusAnswer } from './provider.ts';

/**
 * WeChat Pay (微信支付) API v3 as an adapter of PaymentProvider — a skeleton, NOT wired to live credentials.
 * Every method throws 503 `provider_not_configured` until the steps in ./README.md are implemented and tested
 * against WeChat's sandbox with a real merchant account. What each method must do:
 *
 * - start: POST https://api.mch.weixin.qq.com/v3/pay/transactions/h5 (or /native, /jsapi inside WeChat) with
 *   { appid, mchid, description, out_trade_no: paymentId without dashes, notify_url: <base>/api/v1/payments/callback/wechatpay,
 *     amount: { total: amountFen, currency: 'CNY' } }, signed with the merchant's RSA private key
 *   (Authorization: WECHATPAY2-SHA256-RSA2048 mchid,nonce_str,timestamp,serial_no,signature over
 *   "METHOD\nURL\ntimestamp\nnonce\nbody\n"). Answer h5_url (redirect) or code_url (show as QR); providerReference = out_trade_no.
 * - verifyCallback: headers Wechatpay-Timestamp, Wechatpay-Nonce, Wechatpay-Signature, Wechatpay-Serial; verify
 *   SHA256withRSA over "timestamp\nnonce\nbody\n" with WeChat's platform certificate for that serial; refuse timestamps
 *   older than 5 minutes; decrypt resource.ciphertext with AES-256-GCM (APIv3 key, resource.nonce, associated_data);
 *   trade_state SUCCESS → succeeded. The nonce feeds the same replay table as the sandbox's. Reply 200 (or 204).
 * - refund: POST /v3/refund/domestic/refunds { out_trade_no, out_refund_no, amount: { refund, total, currency } }.
 * - queryStatus: GET /v3/pay/transactions/out-trade-no/{out_trade_no}?mchid=… (signed like start); trade_state
 *   SUCCESS → succeeded (transactionReference = transaction_id), CLOSED / PAYERROR / REVOKED → failed,
 *   NOTPAY / USERPAYING → pending.
 */
export class WeChatPayProvider implements PaymentProvider {
  readonly name = 'wechatpay';
  constructor(readonly config: { mchid: string; appid: string; serialNo: string; privateKeyPem: string; apiV3Key: string; platformCertPem: string } | null = null) {}

  private notConfigured(): never {
    throw new Problem(503, 'provider_not_configured', 'WeChat Pay is documented but not wired to live credentials in this deployment');
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
