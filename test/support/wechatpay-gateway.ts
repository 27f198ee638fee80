// A local stand-in of WeChat Pay API v3, for tests: a real HTTP server that checks every request's
// WECHATPAY2-SHA256-RSA2048 Authorization with the merchant's public key, signs every answer and notification
// with the platform's key (Wechatpay-Timestamp/Nonce/Signature/Serial), and encrypts notification resources with
// AES-256-GCM under the APIv3 key — from the published specification, with node:crypto.
import { createCipheriv, createSign, createVerify, randomBytes, type KeyObject } from 'node:crypto';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';

export interface StandInOrder {
  outTradeNo: string;
  transactionId?: string;
  channel: 'native' | 'jsapi' | 'h5';
  total: number;
  description: string;
  notifyUrl: string;
  tradeState: 'NOTPAY' | 'SUCCESS' | 'CLOSED' | 'REFUND';
  refunds: Map<string, { refundId: string; refund: number; status: 'SUCCESS' | 'PROCESSING' }>;
  refunded: number;
  prepayId: string;
}

/** AEAD_AES_256_GCM as WeChat Pay encrypts a notification's resource: base64(ciphertext ‖ 16-byte tag). */
export function encryptResource(apiV3Key: string, plaintext: string, nonce = randomBytes(6).toString('hex'), associatedData = 'transaction') {
  const cipher = createCipheriv('aes-256-gcm', Buffer.from(apiV3Key, 'utf8'), Buffer.from(nonce, 'utf8'));
  cipher.setAAD(Buffer.from(associatedData, 'utf8'));
  const ciphertext = Buffer.concat([cipher.update(plaintext, 'utf8'), cipher.final(), cipher.getAuthTag()]).toString('base64');
  return { algorithm: 'AEAD_AES_256_GCM', ciphertext, nonce, associated_data: associatedData, original_type: 'transaction' };
}

const sign = (key: KeyObject | string, text: string) => createSign('RSA-SHA256').update(text).sign(key, 'base64');
const verify = (key: KeyObject | string, text: string, sig: string) => {
  try {
    return createVerify('RSA-SHA256').update(text).verify(key, sig, 'base64');
  } catch {
    return false;
  }
};

const readBody = (req: IncomingMessage) =>
  new Promise<string>((resolve, reject) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => resolve(Buffer.concat(chunks).toString('utf8')));
    req.on('error', reject);
  });

export interface WeChatPayStandIn {
  baseUrl: string;
  orders: Map<string, StandInOrder>;
  refusedSignatures: number;
  /** The next this many refund requests meet a system error (an outage), as the gateway answers one. */
  refundOutage: number;
  /** Headers WeChat Pay sends with a signed body (answers and notifications). */
  signedHeaders(body: string, options?: { timestamp?: number; signWith?: KeyObject | string; serial?: string }): Record<string, string>;
  /** The notification body for an order (JSON text), with its id (stable across redeliveries). */
  notificationBody(outTradeNo: string, overrides?: Record<string, unknown>): string;
  deliver(outTradeNo: string, body: string, headers: Record<string, string>): Promise<{ status: number; text: string }>;
  /** The payer pays (scans the QR, confirms in WeChat): the order succeeds and its notification is sent unless `deliver: false`. */
  pay(outTradeNo: string, options?: { deliver?: boolean }): Promise<{ delivered: boolean; status?: number }>;
  close(): Promise<void>;
}

export async function startWeChatPayStandIn(options: {
  mchid: string;
  appid: string;
  merchantSerialNo: string;
  merchantPublicKey: KeyObject | string;
  platformPrivateKey: KeyObject | string;
  /** The serial the platform key goes by (a public key id `PUB_KEY_ID_…`, or a certificate's serial). */
  platformSerial: string;
  apiV3Key: string;
}): Promise<WeChatPayStandIn> {
  const orders = new Map<string, StandInOrder>();
  const notificationIds = new Map<string, string>();
  const state = { refusedSignatures: 0, refundOutage: 0 };

  const signedHeaders: WeChatPayStandIn['signedHeaders'] = (body, opts = {}) => {
    const timestamp = String(opts.timestamp ?? Math.floor(Date.now() / 1000));
    const nonce = randomBytes(16).toString('hex').toUpperCase();
    return {
      'Wechatpay-Timestamp': timestamp,
      'Wechatpay-Nonce': nonce,
      'Wechatpay-Serial': opts.serial ?? options.platformSerial,
      'Wechatpay-Signature': sign(opts.signWith ?? options.platformPrivateKey, `${timestamp}\n${nonce}\n${body}\n`),
      'Wechatpay-Signature-Type': 'WECHATPAY2-SHA256-RSA2048',
    };
  };

  const reply = (res: ServerResponse, status: number, payload?: object) => {
    const body = payload ? JSON.stringify(payload) : '';
    res.writeHead(status, { 'content-type': 'application/json', 'request-id': randomBytes(8).toString('hex'), ...signedHeaders(body) });
    res.end(body);
  };

  /** Checks the merchant's Authorization header against the request line and body. */
  function authorized(req: IncomingMessage, body: string): boolean {
    const auth = req.headers.authorization ?? '';
    const m = /^WECHATPAY2-SHA256-RSA2048 (.+)$/.exec(auth);
    const fields = Object.fromEntries([...(m?.[1] ?? '').matchAll(/(\w+)="([^"]*)"/g)].map((x) => [x[1], x[2]]));
    const ok =
      fields.mchid === options.mchid &&
      fields.serial_no === options.merchantSerialNo &&
      Math.abs(Date.now() / 1000 - Number(fields.timestamp)) < 300 &&
      verify(options.merchantPublicKey, `${req.method}\n${req.url}\n${fields.timestamp}\n${fields.nonce_str}\n${body}\n`, fields.signature ?? '');
    if (!ok) state.refusedSignatures++;
    return ok;
  }

  const transaction = (o: StandInOrder) => ({
    appid: options.appid,
    mchid: options.mchid,
    out_trade_no: o.outTradeNo,
    transaction_id: o.transactionId,
    trade_type: o.channel === 'native' ? 'NATIVE' : o.channel === 'jsapi' ? 'JSAPI' : 'MWEB',
    trade_state: o.tradeState,
    trade_state_desc: o.tradeState === 'SUCCESS' ? '支付成功' : '未支付',
    success_time: o.transactionId ? new Date().toISOString() : undefined,
    amount: { total: o.total, payer_total: o.total, currency: 'CNY', payer_currency: 'CNY' },
  });

  const server: Server = createServer(async (req, res) => {
    try {
      const body = await readBody(req);
      if (!authorized(req, body)) return reply(res, 401, { code: 'SIGN_ERROR', message: '签名错误' });
      const url = new URL(req.url ?? '/', 'http://standin');
      const create = /^\/v3\/pay\/transactions\/(native|jsapi|h5)$/.exec(url.pathname);
      if (create && req.method === 'POST') {
        const o = JSON.parse(body);
        if (o.mchid !== options.mchid || o.appid !== options.appid) return reply(res, 400, { code: 'PARAM_ERROR', message: 'mchid/appid' });
        if (!Number.isInteger(o.amount?.total) || o.amount.total <= 0 || typeof o.notify_url !== 'string') return reply(res, 400, { code: 'PARAM_ERROR', message: 'amount/notify_url' });
        const channel = create[1] as StandInOrder['channel'];
        const existing = orders.get(o.out_trade_no);
        if (existing?.tradeState === 'SUCCESS') return reply(res, 400, { code: 'ORDERPAID', message: '该订单已支付' });
        if (existing && existing.total !== o.amount.total) return reply(res, 400, { code: 'OUT_TRADE_NO_USED', message: '商户订单号重复' });
        const order: StandInOrder = existing ?? {
          outTradeNo: o.out_trade_no,
          channel,
          total: o.amount.total,
          description: o.description,
          notifyUrl: o.notify_url,
          tradeState: 'NOTPAY',
          refunds: new Map(),
          refunded: 0,
          prepayId: `wx${randomBytes(14).toString('hex')}`,
        };
        orders.set(order.outTradeNo, order);
        if (channel === 'native') return reply(res, 200, { code_url: `weixin://wxpay/bizpayurl?pr=${order.prepayId.slice(2, 12)}` });
        if (channel === 'h5') return reply(res, 200, { h5_url: `https://wx.tenpay.com/cgi-bin/mmpayweb-bin/checkmweb?prepay_id=${order.prepayId}&package=1` });
        return reply(res, 200, { prepay_id: order.prepayId });
      }
      const query = /^\/v3\/pay\/transactions\/out-trade-no\/([^/]+)$/.exec(url.pathname);
      if (query && req.method === 'GET') {
        const order = orders.get(decodeURIComponent(query[1]));
        if (!order || url.searchParams.get('mchid') !== options.mchid) return reply(res, 404, { code: 'ORDER_NOT_EXIST', message: '订单不存在' });
        return reply(res, 200, transaction(order));
      }
      if (url.pathname === '/v3/refund/domestic/refunds' && req.method === 'POST') {
        if (state.refundOutage > 0) {
          state.refundOutage--;
          return reply(res, 500, { code: 'SYSTEM_ERROR', message: '系统错误' });
        }
        const r = JSON.parse(body);
        const order = orders.get(r.out_trade_no);
        if (!order) return reply(res, 404, { code: 'RESOURCE_NOT_EXISTS', message: '订单不存在' });
        if (order.tradeState !== 'SUCCESS' && order.tradeState !== 'REFUND') return reply(res, 400, { code: 'INVALID_REQUEST', message: '订单状态不正确' });
        if (r.amount?.total !== order.total) return reply(res, 400, { code: 'PARAM_ERROR', message: '订单金额不一致' });
        const seen = order.refunds.get(r.out_refund_no);
        if (!seen) {
          if (!(r.amount.refund > 0) || order.refunded + r.amount.refund > order.total) return reply(res, 403, { code: 'NOT_ENOUGH', message: '退款金额超过可退金额' });
          order.refunds.set(r.out_refund_no, { refundId: `50${Date.now()}${randomBytes(4).toString('hex')}`, refund: r.amount.refund, status: 'SUCCESS' });
          order.refunded += r.amount.refund;
          order.tradeState = 'REFUND';
        }
        const refund = order.refunds.get(r.out_refund_no)!;
        return reply(res, 200, { refund_id: refund.refundId, out_refund_no: r.out_refund_no, out_trade_no: order.outTradeNo, status: refund.status, amount: { refund: refund.refund, total: order.total, currency: 'CNY' } });
      }
      const refundQuery = /^\/v3\/refund\/domestic\/refunds\/([^/]+)$/.exec(url.pathname);
      if (refundQuery && req.method === 'GET') {
        for (const order of orders.values()) {
          const refund = order.refunds.get(refundQuery[1]);
          if (refund) return reply(res, 200, { refund_id: refund.refundId, out_refund_no: refundQuery[1], out_trade_no: order.outTradeNo, status: refund.status, amount: { refund: refund.refund, total: order.total, currency: 'CNY' } });
        }
        return reply(res, 404, { code: 'RESOURCE_NOT_EXISTS', message: '退款单不存在' });
      }
      return reply(res, 404, { code: 'NOT_FOUND', message: 'no such API' });
    } catch {
      res.writeHead(500).end();
    }
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const port = (server.address() as AddressInfo).port;

  const standIn: WeChatPayStandIn = {
    baseUrl: `http://127.0.0.1:${port}`,
    orders,
    get refundOutage() {
      return state.refundOutage;
    },
    set refundOutage(n: number) {
      state.refundOutage = n;
    },
    get refusedSignatures() {
      return state.refusedSignatures;
    },
    signedHeaders,
    notificationBody(outTradeNo, overrides = {}) {
      const order = orders.get(outTradeNo);
      if (!order) throw new Error(`stand-in: no order ${outTradeNo}`);
      let id = notificationIds.get(outTradeNo);
      if (!id) notificationIds.set(outTradeNo, (id = randomBytes(18).toString('hex')));
      const tx = { ...transaction(order), ...overrides };
      return JSON.stringify({
        id,
        create_time: new Date().toISOString(),
        resource_type: 'encrypt-resource',
        event_type: tx.trade_state === 'SUCCESS' ? 'TRANSACTION.SUCCESS' : 'TRANSACTION.CLOSED',
        summary: '支付成功',
        resource: encryptResource(options.apiV3Key, JSON.stringify(tx)),
      });
    },
    async deliver(outTradeNo, body, headers) {
      const order = orders.get(outTradeNo);
      if (!order) throw new Error(`stand-in: no order ${outTradeNo}`);
      const res = await fetch(order.notifyUrl, { method: 'POST', headers: { 'content-type': 'application/json', ...headers }, body });
      return { status: res.status, text: await res.text() };
    },
    async pay(outTradeNo, opts = {}) {
      const order = orders.get(outTradeNo);
      if (!order) throw new Error(`stand-in: no order ${outTradeNo}`);
      if (order.tradeState === 'NOTPAY') {
        order.tradeState = 'SUCCESS';
        order.transactionId = `4200${Date.now()}${randomBytes(4).toString('hex')}`;
      }
      if (opts.deliver === false) return { delivered: false };
      const body = standIn.notificationBody(outTradeNo);
      const { status } = await standIn.deliver(outTradeNo, body, standIn.signedHeaders(body));
      return { delivered: status === 200 || status === 204, status };
    },
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
  return standIn;
}
