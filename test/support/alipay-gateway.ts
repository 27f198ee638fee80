// A local stand-in of Alipay's open platform gateway, for tests: a real HTTP server that checks the merchant's
// RSA2 request signatures with the application's public key and signs like Alipay does — its answers
// (`{"<method>_response": {...}, "sign": "..."}`, RSA2 over the inner JSON) and its asynchronous notifications
// (a form POST, RSA2 over the sorted fields but sign and sign_type) — with its own generated key. Written from
// Alipay's published documentation with node:crypto, independently of the SDK the adapter uses.
import { createSign, createVerify, randomBytes, type KeyObject } from 'node:crypto';
import { createServer, type IncomingMessage, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';

export interface StandInTrade {
  outTradeNo: string;
  tradeNo: string;
  totalAmount: string;
  subject: string;
  status: 'WAIT_BUYER_PAY' | 'TRADE_SUCCESS' | 'TRADE_CLOSED';
  notifyUrl: string;
  returnUrl?: string;
  refunds: Map<string, string>;
  refunded: number;
}

/** The sorted `key=value&…` text Alipay signs, without `sign` (and the listed other keys), empty values left out. */
export function alipaySignContent(params: Record<string, string>, exclude: string[] = ['sign']): string {
  return Object.keys(params)
    .filter((k) => !exclude.includes(k) && params[k] !== '' && params[k] !== undefined)
    .sort()
    .map((k) => `${k}=${params[k]}`)
    .join('&');
}

export const rsa2Sign = (key: KeyObject | string, text: string) => createSign('RSA-SHA256').update(text, 'utf8').sign(key, 'base64');
const rsa2Verify = (key: KeyObject | string, text: string, sig: string) => {
  try {
    return createVerify('RSA-SHA256').update(text, 'utf8').verify(key, sig, 'base64');
  } catch {
    return false;
  }
};

/** Beijing time as Alipay writes it: `yyyy-MM-dd HH:mm:ss`. */
export function beijingTime(ms = Date.now()): string {
  return new Date(ms + 8 * 3600_000).toISOString().slice(0, 19).replace('T', ' ');
}

const readBody = (req: IncomingMessage) =>
  new Promise<string>((resolve, reject) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => resolve(Buffer.concat(chunks).toString('utf8')));
    req.on('error', reject);
  });

const yuanToFen = (s: string) => Math.round(Number(s) * 100);
const fenToYuan = (f: number) => (f / 100).toFixed(2);

export interface AlipayStandIn {
  /** The gateway URL (ALIPAY_GATEWAY). */
  gateway: string;
  trades: Map<string, StandInTrade>;
  /** Every request the gateway refused for its signature. */
  refusedSignatures: number;
  /** The next this many refund requests meet a system error (an outage), as the gateway answers one. */
  refundOutage: number;
  /** The buyer pays at the cashier; the notification is delivered unless `deliver: false` (a lost notification). */
  pay(outTradeNo: string, options?: { deliver?: boolean }): Promise<{ delivered: boolean; status?: number; answer?: string; form: Record<string, string> }>;
  /** The signed notification Alipay would send for a trade (to replay or tamper with in tests). */
  notification(outTradeNo: string, overrides?: Record<string, string>, options?: { signWith?: KeyObject | string }): Record<string, string>;
  /** POSTs a notification form to the trade's notify_url. */
  deliver(outTradeNo: string, form: Record<string, string>): Promise<{ status: number; answer: string }>;
  close(): Promise<void>;
}

export async function startAlipayStandIn(options: { appId: string; appPublicKey: KeyObject | string; alipayPrivateKey: KeyObject | string }): Promise<AlipayStandIn> {
  const trades = new Map<string, StandInTrade>();
  const notifyIds = new Map<string, string>();
  const state = { refusedSignatures: 0, refundOutage: 0 };

  const verified = (params: Record<string, string>) => {
    const ok = typeof params.sign === 'string' && params.app_id === options.appId && params.sign_type === 'RSA2' && rsa2Verify(options.appPublicKey, alipaySignContent(params), params.sign);
    if (!ok) state.refusedSignatures++;
    return ok;
  };

  /** A gateway answer, signed like Alipay's: RSA2 over the exact JSON text of the `<method>_response` object. */
  const answer = (method: string, inner: Record<string, unknown>) => {
    const innerText = JSON.stringify(inner);
    return `{"${method.replaceAll('.', '_')}_response":${innerText},"sign":"${rsa2Sign(options.alipayPrivateKey, innerText)}"}`;
  };
  const success = { code: '10000', msg: 'Success' };
  const businessError = (subCode: string, subMsg: string) => ({ code: '40004', msg: 'Business Failed', sub_code: subCode, sub_msg: subMsg });

  function exec(method: string, biz: Record<string, string>): Record<string, unknown> {
    const trade = trades.get(biz.out_trade_no);
    if (method === 'alipay.trade.query') {
      if (!trade) return businessError('ACQ.TRADE_NOT_EXIST', '交易不存在');
      return { ...success, out_trade_no: trade.outTradeNo, trade_no: trade.tradeNo, trade_status: trade.status, total_amount: trade.totalAmount };
    }
    if (method === 'alipay.trade.refund') {
      if (state.refundOutage > 0) {
        state.refundOutage--;
        return { code: '20000', msg: 'Service Currently Unavailable', sub_code: 'isp.unknow-error', sub_msg: '系统繁忙' };
      }
      if (!trade) return businessError('ACQ.TRADE_NOT_EXIST', '交易不存在');
      const fen = yuanToFen(biz.refund_amount);
      // The same out_request_no again (a retry) answers the earlier refund and moves no money.
      const seen = trade.refunds.get(biz.out_request_no);
      if (seen !== undefined) {
        return { ...success, out_trade_no: trade.outTradeNo, trade_no: trade.tradeNo, refund_fee: fenToYuan(trade.refunded), fund_change: 'N' };
      }
      if (trade.status !== 'TRADE_SUCCESS') return businessError('ACQ.TRADE_STATUS_ERROR', '交易状态不合法');
      if (!(fen > 0) || trade.refunded + fen > yuanToFen(trade.totalAmount)) return businessError('ACQ.REFUND_AMT_NOT_EQUAL_TOTAL', '退款金额超限');
      trade.refunds.set(biz.out_request_no, biz.refund_amount);
      trade.refunded += fen;
      if (trade.refunded === yuanToFen(trade.totalAmount)) trade.status = 'TRADE_CLOSED';
      return { ...success, out_trade_no: trade.outTradeNo, trade_no: trade.tradeNo, refund_fee: fenToYuan(trade.refunded), fund_change: 'Y' };
    }
    if (method === 'alipay.trade.fastpay.refund.query') {
      if (!trade) return businessError('ACQ.TRADE_NOT_EXIST', '交易不存在');
      const amount = trade.refunds.get(biz.out_request_no);
      if (amount === undefined) return { ...success, out_trade_no: trade.outTradeNo, trade_no: trade.tradeNo };
      return { ...success, out_trade_no: trade.outTradeNo, trade_no: trade.tradeNo, out_request_no: biz.out_request_no, refund_amount: amount, total_amount: trade.totalAmount, refund_status: 'REFUND_SUCCESS' };
    }
    return { code: '40004', msg: 'Business Failed', sub_code: 'isv.invalid-method', sub_msg: '不存在的方法名' };
  }

  const server: Server = createServer(async (req, res) => {
    try {
      const url = new URL(req.url ?? '/', 'http://standin');
      const body = await readBody(req);
      if (url.pathname === '/gateway.do') {
        const params: Record<string, string> = { ...Object.fromEntries(url.searchParams), ...Object.fromEntries(new URLSearchParams(body)) };
        const method = params.method ?? '';
        if (!verified(params)) {
          res.writeHead(200, { 'content-type': 'application/json' });
          res.end(answer(method, { code: '40002', msg: 'Invalid Arguments', sub_code: 'isv.invalid-signature', sub_msg: '验签出错' }));
          return;
        }
        const biz = JSON.parse(params.biz_content ?? '{}') as Record<string, string>;
        if (req.method === 'GET' && (method === 'alipay.trade.wap.pay' || method === 'alipay.trade.page.pay')) {
          // The cashier page: the trade is created when the payer opens it.
          const existing = trades.get(biz.out_trade_no);
          if (existing && existing.totalAmount !== biz.total_amount) {
            res.writeHead(400, { 'content-type': 'text/html; charset=utf-8' });
            res.end('<p>ACQ.CONTEXT_INCONSISTENT 交易信息被篡改</p>');
            return;
          }
          if (!existing) {
            trades.set(biz.out_trade_no, {
              outTradeNo: biz.out_trade_no,
              tradeNo: `2026${Date.now()}${randomBytes(4).toString('hex')}`,
              totalAmount: biz.total_amount,
              subject: biz.subject,
              status: 'WAIT_BUYER_PAY',
              notifyUrl: params.notify_url,
              returnUrl: params.return_url,
              refunds: new Map(),
              refunded: 0,
            });
          }
          res.writeHead(200, { 'content-type': 'text/html; charset=utf-8' });
          res.end(`<!doctype html><title>支付宝</title><p>${biz.subject}</p><p>¥${biz.total_amount}</p><form method="post" action="/cashier/pay"><input type="hidden" name="out_trade_no" value="${biz.out_trade_no}"><button>确认付款</button></form>`);
          return;
        }
        res.writeHead(200, { 'content-type': 'application/json;charset=utf-8' });
        res.end(answer(method, exec(method, biz)));
        return;
      }
      if (url.pathname === '/cashier/pay' && req.method === 'POST') {
        const outTradeNo = new URLSearchParams(body).get('out_trade_no') ?? '';
        const result = await standIn.pay(outTradeNo);
        res.writeHead(200, { 'content-type': 'application/json' });
        res.end(JSON.stringify({ delivered: result.delivered, status: result.status, answer: result.answer }));
        return;
      }
      res.writeHead(404).end();
    } catch {
      res.writeHead(500).end();
    }
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const port = (server.address() as AddressInfo).port;

  const standIn: AlipayStandIn = {
    gateway: `http://127.0.0.1:${port}/gateway.do`,
    trades,
    get refundOutage() {
      return state.refundOutage;
    },
    set refundOutage(n: number) {
      state.refundOutage = n;
    },
    get refusedSignatures() {
      return state.refusedSignatures;
    },
    notification(outTradeNo, overrides = {}, opts = {}) {
      const trade = trades.get(outTradeNo);
      if (!trade) throw new Error(`stand-in: no trade ${outTradeNo}`);
      let notifyId = notifyIds.get(outTradeNo);
      if (!notifyId) notifyIds.set(outTradeNo, (notifyId = randomBytes(16).toString('hex')));
      const form: Record<string, string> = {
        notify_time: beijingTime(),
        notify_type: 'trade_status_sync',
        notify_id: notifyId,
        app_id: options.appId,
        charset: 'utf-8',
        version: '1.0',
        sign_type: 'RSA2',
        trade_no: trade.tradeNo,
        out_trade_no: trade.outTradeNo,
        trade_status: trade.status,
        total_amount: trade.totalAmount,
        receipt_amount: trade.totalAmount,
        buyer_pay_amount: trade.totalAmount,
        subject: trade.subject,
        gmt_payment: beijingTime(),
        ...overrides,
      };
      delete form.sign;
      form.sign = rsa2Sign(opts.signWith ?? options.alipayPrivateKey, alipaySignContent(form, ['sign', 'sign_type']));
      return form;
    },
    async deliver(outTradeNo, form) {
      const trade = trades.get(outTradeNo);
      if (!trade) throw new Error(`stand-in: no trade ${outTradeNo}`);
      const res = await fetch(trade.notifyUrl, { method: 'POST', headers: { 'content-type': 'application/x-www-form-urlencoded; charset=utf-8' }, body: new URLSearchParams(form).toString() });
      return { status: res.status, answer: await res.text() };
    },
    async pay(outTradeNo, opts = {}) {
      const trade = trades.get(outTradeNo);
      if (!trade) throw new Error(`stand-in: no trade ${outTradeNo}`);
      if (trade.status === 'WAIT_BUYER_PAY') trade.status = 'TRADE_SUCCESS';
      const form = standIn.notification(outTradeNo);
      if (opts.deliver === false) return { delivered: false, form };
      const { status, answer: text } = await standIn.deliver(outTradeNo, form);
      return { delivered: status === 200 && text === 'success', status, answer: text, form };
    },
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
  return standIn;
}
