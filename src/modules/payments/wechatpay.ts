// WeChat Pay API v3, from the published specification with node:crypto and fetch (see ./README.md for why not a
// library): requests signed with the merchant's RSA key (WECHATPAY2-SHA256-RSA2048), answers and callbacks
// verified with the platform's key (certificate or public key, named by Wechatpay-Serial), callback resources
// decrypted with AES-256-GCM and the APIv3 key.
import { createDecipheriv, createSign, createVerify, randomBytes, type KeyObject } from 'node:crypto';
import { Problem } from '../../server/problems.ts';
import type { WeChatPayConfig } from './provider-config.ts';
import { outTradeNo, paymentIdOf, providerFailed } from './money-text.ts';
import type { PaymentCallback, PaymentProvider, PaymentRequest, PaymentStart, PaymentStatusAnswer, RefundAnswer, RefundRequest } from './provider.ts';

/** How old (or how far in the future) a signed callback or answer may be, in seconds. */
export const WECHATPAY_WINDOW_SECONDS = 300;

// ---- the specification's primitives (exported for the test vectors and the stand-in gateway) ----

/** The text a request signature covers: method, path with query, timestamp, nonce, body — one per line. */
export const requestMessage = (method: string, pathAndQuery: string, timestamp: number, nonce: string, body: string) =>
  `${method}\n${pathAndQuery}\n${timestamp}\n${nonce}\n${body}\n`;

/** The text an answer's or a callback's signature covers: timestamp, nonce, body — one per line. */
export const responseMessage = (timestamp: string | number, nonce: string, body: string) => `${timestamp}\n${nonce}\n${body}\n`;

/** SHA256withRSA (PKCS#1 v1.5), base64. */
export const rsaSign = (key: KeyObject | string, message: string) => createSign('RSA-SHA256').update(message).sign(key, 'base64');

export function rsaVerify(key: KeyObject | string, message: string, signatureBase64: string): boolean {
  try {
    return createVerify('RSA-SHA256').update(message).verify(key, signatureBase64, 'base64');
  } catch {
    return false;
  }
}

/** The Authorization header of a request (WECHATPAY2-SHA256-RSA2048). */
export function authorization(
  merchant: { mchid: string; serialNo: string; privateKey: KeyObject },
  method: string,
  pathAndQuery: string,
  body: string,
  options: { timestamp?: number; nonce?: string } = {},
): string {
  const timestamp = options.timestamp ?? Math.floor(Date.now() / 1000);
  const nonce = options.nonce ?? randomBytes(16).toString('hex');
  const signature = rsaSign(merchant.privateKey, requestMessage(method, pathAndQuery, timestamp, nonce, body));
  return `WECHATPAY2-SHA256-RSA2048 mchid="${merchant.mchid}",nonce_str="${nonce}",signature="${signature}",timestamp="${timestamp}",serial_no="${merchant.serialNo}"`;
}

/** Decrypts a notification's `resource` (AEAD_AES_256_GCM: the ciphertext's last 16 bytes are the tag). Throws when it does not authenticate. */
export function decryptResource(apiV3Key: string, resource: { ciphertext: string; nonce: string; associated_data?: string }): string {
  const data = Buffer.from(resource.ciphertext, 'base64');
  if (data.length < 17) throw new Error('short ciphertext');
  const decipher = createDecipheriv('aes-256-gcm', Buffer.from(apiV3Key, 'utf8'), Buffer.from(resource.nonce, 'utf8'));
  decipher.setAuthTag(data.subarray(data.length - 16));
  decipher.setAAD(Buffer.from(resource.associated_data ?? '', 'utf8'));
  return Buffer.concat([decipher.update(data.subarray(0, data.length - 16)), decipher.final()]).toString('utf8');
}

const header = (headers: Record<string, string | string[] | undefined> | Headers, name: string): string | undefined => {
  if (headers instanceof Headers) return headers.get(name) ?? undefined;
  const v = headers[name] ?? headers[name.toLowerCase()];
  return Array.isArray(v) ? v[0] : v;
};

/** trade_state → our outcome. */
const TRADE_STATE: Record<string, PaymentStatusAnswer['status']> = {
  SUCCESS: 'succeeded',
  CLOSED: 'failed',
  PAYERROR: 'failed',
  REVOKED: 'failed',
  NOTPAY: 'pending',
  USERPAYING: 'pending',
  // A refunded transaction was paid: reconciliation reports it paid (the refund is ours to know).
  REFUND: 'succeeded',
};

const REFUND_STATUS: Record<string, RefundAnswer['status']> = { SUCCESS: 'succeeded', PROCESSING: 'processing', CLOSED: 'failed', ABNORMAL: 'failed' };

export class WeChatPayProvider implements PaymentProvider {
  readonly name = 'wechatpay';

  constructor(
    private readonly config: WeChatPayConfig,
    private readonly now: () => number = () => Date.now(),
  ) {}

  /** Verifies a signed message from WeChat Pay (an answer or a callback); throws 401 when it does not verify or is stale. */
  private verifySigned(headers: Record<string, string | string[] | undefined> | Headers, body: string): number {
    const timestamp = header(headers, 'wechatpay-timestamp');
    const nonce = header(headers, 'wechatpay-nonce');
    const signature = header(headers, 'wechatpay-signature');
    const serial = header(headers, 'wechatpay-serial');
    if (!timestamp || !nonce || !signature || !serial || !/^\d{1,12}$/.test(timestamp)) {
      throw new Problem(400, 'invalid_callback', 'Missing or malformed Wechatpay-* signature headers');
    }
    const key = this.config.platformKeys.get(serial.toUpperCase()) ?? this.config.platformKeys.get(serial);
    if (!key || !rsaVerify(key, responseMessage(timestamp, nonce, body), signature)) {
      throw new Problem(401, 'bad_signature', 'The WeChat Pay signature does not verify');
    }
    if (Math.abs(this.now() / 1000 - Number(timestamp)) > WECHATPAY_WINDOW_SECONDS) {
      throw new Problem(401, 'stale_callback', 'The WeChat Pay timestamp is outside the accepted window');
    }
    return Number(timestamp);
  }

  /** One signed call; its answer verified. `404` answers null (the resource does not exist); other errors are 502. */
  private async call<T>(method: 'GET' | 'POST', pathAndQuery: string, payload?: object): Promise<T | null> {
    const body = payload ? JSON.stringify(payload) : '';
    let response: Response;
    let text: string;
    try {
      response = await fetch(this.config.baseUrl + pathAndQuery, {
        method,
        headers: {
          accept: 'application/json',
          'content-type': 'application/json',
          'user-agent': 'terrace-payments',
          authorization: authorization(
            { mchid: this.config.mchid, serialNo: this.config.merchantSerialNo, privateKey: this.config.merchantPrivateKey },
            method,
            pathAndQuery,
            body,
          ),
        },
        body: payload ? body : undefined,
        signal: AbortSignal.timeout(10_000),
      });
      text = await response.text();
    } catch (error) {
      throw providerFailed('WeChat Pay', pathAndQuery.split('?')[0], (error as Error).name);
    }
    let parsed: { code?: string } & Record<string, unknown> = {};
    try {
      parsed = text ? JSON.parse(text) : {};
    } catch {
      throw providerFailed('WeChat Pay', pathAndQuery.split('?')[0], 'not_json');
    }
    if (response.status === 404) return null;
    if (response.status >= 300) throw providerFailed('WeChat Pay', pathAndQuery.split('?')[0], parsed.code ?? String(response.status));
    try {
      this.verifySigned(response.headers, text);
    } catch {
      throw providerFailed('WeChat Pay', pathAndQuery.split('?')[0], 'answer_signature');
    }
    return parsed as T;
  }

  /** Native (a QR code, the default), JSAPI (inside WeChat) or H5 (a phone browser) order. */
  async start(request: PaymentRequest): Promise<PaymentStart> {
    const channel = request.channel ?? 'native';
    if (channel !== 'native' && channel !== 'jsapi' && channel !== 'h5') {
      throw new Problem(400, 'invalid_input', `channel: WeChat Pay pays by native, jsapi or h5, not ${channel}`, { field: 'channel' });
    }
    const reference = outTradeNo(request.paymentId);
    const order: Record<string, unknown> = {
      appid: this.config.appid,
      mchid: this.config.mchid,
      // At most 127 bytes.
      description: Buffer.from(request.description).subarray(0, 127).toString('utf8').replace(/\uFFFD+$/, ''),
      out_trade_no: reference,
      notify_url: this.config.notifyUrl,
      amount: { total: request.amountFen, currency: 'CNY' },
    };
    if (channel === 'jsapi') {
      if (!request.payerOpenId) throw new Problem(400, 'invalid_input', 'payerOpenId: WeChat JSAPI needs the payer\u2019s openid', { field: 'payerOpenId' });
      order.payer = { openid: request.payerOpenId };
    }
    if (channel === 'h5') {
      if (!request.clientIp) throw new Problem(400, 'invalid_input', 'clientIp: WeChat H5 needs the payer\u2019s IP address', { field: 'clientIp' });
      order.scene_info = { payer_client_ip: request.clientIp, h5_info: { type: 'Wap' } };
    }
    const answer = await this.call<{ code_url?: string; prepay_id?: string; h5_url?: string }>('POST', `/v3/pay/transactions/${channel}`, order);
    if (channel === 'native') {
      if (!answer?.code_url) throw providerFailed('WeChat Pay', 'native order', 'no_code_url');
      return { redirectUrl: answer.code_url, qrCode: answer.code_url, providerReference: reference };
    }
    if (channel === 'h5') {
      if (!answer?.h5_url) throw providerFailed('WeChat Pay', 'h5 order', 'no_h5_url');
      const back = new URL(request.returnUrl, this.config.notifyUrl).toString();
      return { redirectUrl: `${answer.h5_url}&redirect_url=${encodeURIComponent(back)}`, providerReference: reference };
    }
    if (!answer?.prepay_id) throw providerFailed('WeChat Pay', 'jsapi order', 'no_prepay_id');
    const timeStamp = String(Math.floor(this.now() / 1000));
    const nonceStr = randomBytes(16).toString('hex');
    const pkg = `prepay_id=${answer.prepay_id}`;
    const paySign = rsaSign(this.config.merchantPrivateKey, `${this.config.appid}\n${timeStamp}\n${nonceStr}\n${pkg}\n`);
    return {
      redirectUrl: new URL(request.returnUrl, this.config.notifyUrl).pathname,
      providerReference: reference,
      jsapi: { appId: this.config.appid, timeStamp, nonceStr, package: pkg, signType: 'RSA', paySign },
    };
  }

  /** The payment notification: signature and freshness, then the AES-256-GCM resource, then its merchant and amount. */
  verifyCallback(headers: Record<string, string | string[] | undefined>, rawBody: string): PaymentCallback {
    const timestamp = this.verifySigned(headers, rawBody);
    let body: { id?: unknown; event_type?: unknown; resource?: { algorithm?: unknown; ciphertext?: unknown; nonce?: unknown; associated_data?: unknown } };
    try {
      body = JSON.parse(rawBody);
    } catch {
      throw new Problem(400, 'invalid_callback', 'The notification is not JSON');
    }
    const r = body.resource;
    if (typeof body.id !== 'string' || !/^[A-Za-z0-9_-]{1,64}$/.test(body.id) || !r || r.algorithm !== 'AEAD_AES_256_GCM' || typeof r.ciphertext !== 'string' || typeof r.nonce !== 'string') {
      throw new Problem(400, 'invalid_callback', 'The notification lacks id or an AEAD_AES_256_GCM resource');
    }
    let tx: { appid?: unknown; mchid?: unknown; out_trade_no?: unknown; transaction_id?: unknown; trade_state?: unknown; amount?: { total?: unknown } };
    try {
      tx = JSON.parse(decryptResource(this.config.apiV3Key.reveal(), { ciphertext: r.ciphertext, nonce: r.nonce, associated_data: typeof r.associated_data === 'string' ? r.associated_data : '' }));
    } catch {
      throw new Problem(400, 'invalid_callback', 'The notification resource does not decrypt');
    }
    if (tx.mchid !== this.config.mchid || tx.appid !== this.config.appid) throw new Problem(400, 'invalid_callback', 'The notification is for another merchant');
    const paymentId = paymentIdOf(tx.out_trade_no);
    if (!paymentId) throw new Problem(404, 'not_found', 'Payment not found');
    const outcome = TRADE_STATE[String(tx.trade_state)];
    if (outcome !== 'succeeded' && outcome !== 'failed') throw new Problem(400, 'invalid_callback', 'The notification does not carry a final trade state');
    const total = tx.amount?.total;
    if (!Number.isSafeInteger(total)) throw new Problem(400, 'invalid_callback', 'The notification lacks amount.total');
    return { paymentId, providerReference: tx.out_trade_no as string, outcome, nonce: `wechatpay:${body.id}`, timestamp, amountFen: total as number };
  }

  /** GET /v3/pay/transactions/out-trade-no/{out_trade_no}: how the order stands (reconciliation). */
  async queryStatus(providerReference: string): Promise<PaymentStatusAnswer> {
    const answer = await this.call<{ trade_state?: string; transaction_id?: string; amount?: { total?: number } }>(
      'GET',
      `/v3/pay/transactions/out-trade-no/${encodeURIComponent(providerReference)}?mchid=${this.config.mchid}`,
    );
    if (!answer) return { status: 'pending' };
    return {
      status: TRADE_STATE[answer.trade_state ?? ''] ?? 'pending',
      transactionReference: answer.transaction_id,
      amountFen: typeof answer.amount?.total === 'number' ? answer.amount.total : undefined,
    };
  }

  /** POST /v3/refund/domestic/refunds, idempotent on out_refund_no (our refund's id). */
  async refund(request: RefundRequest): Promise<RefundAnswer> {
    const outRefundNo = outTradeNo(request.refundId);
    const answer = await this.call<{ refund_id?: string; status?: string }>('POST', '/v3/refund/domestic/refunds', {
      out_trade_no: request.providerReference,
      out_refund_no: outRefundNo,
      reason: request.reason.slice(0, 80),
      amount: { refund: request.amountFen, total: request.totalFen, currency: 'CNY' },
    });
    if (!answer) throw providerFailed('WeChat Pay', 'refund', 'ORDER_NOT_EXIST');
    return { refundReference: answer.refund_id ?? outRefundNo, status: REFUND_STATUS[answer.status ?? ''] ?? 'processing' };
  }

  /** GET /v3/refund/domestic/refunds/{out_refund_no}; null when WeChat Pay does not know it. */
  async queryRefund(request: Pick<RefundRequest, 'providerReference' | 'refundId'>): Promise<RefundAnswer | null> {
    const outRefundNo = outTradeNo(request.refundId);
    const answer = await this.call<{ refund_id?: string; status?: string }>('GET', `/v3/refund/domestic/refunds/${outRefundNo}`);
    if (!answer) return null;
    return { refundReference: answer.refund_id ?? outRefundNo, status: REFUND_STATUS[answer.status ?? ''] ?? 'processing' };
  }
}
