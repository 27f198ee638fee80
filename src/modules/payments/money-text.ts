// Small exact conversions the real providers need: fen ↔ yuan text, payment id ↔ merchant order number.
import { Problem } from '../../server/problems.ts';

/** Integer fen as Alipay's yuan text with two decimals (`1234` → `"12.34"`), exactly (no floating point). */
export function fenToYuan(fen: number): string {
  if (!Number.isSafeInteger(fen) || fen < 0) throw new RangeError('fen must be a non-negative integer');
  return `${Math.floor(fen / 100)}.${String(fen % 100).padStart(2, '0')}`;
}

/** Yuan text (`"12.34"`, `"12.3"`, `"12"`) as integer fen; null when it is not such a text. */
export function yuanToFen(text: string): number | null {
  const m = /^(\d{1,12})(?:\.(\d{1,2}))?$/.exec(text);
  if (!m) return null;
  return Number(m[1]) * 100 + Number((m[2] ?? '').padEnd(2, '0'));
}

/** The merchant order number of a payment (out_trade_no): its UUID's 32 hex digits (WeChat Pay allows 6–32 characters). */
export const outTradeNo = (paymentId: string) => paymentId.replaceAll('-', '').toLowerCase();

/** The payment id an out_trade_no names; null when it is not one of ours. */
export function paymentIdOf(tradeNo: unknown): string | null {
  if (typeof tradeNo !== 'string' || !/^[0-9a-f]{32}$/.test(tradeNo)) return null;
  return `${tradeNo.slice(0, 8)}-${tradeNo.slice(8, 12)}-${tradeNo.slice(12, 16)}-${tradeNo.slice(16, 20)}-${tradeNo.slice(20)}`;
}

/**
 * A provider that failed or refused, as a 502 problem: only the provider's name and its error code (never its
 * message or the request, which may carry personal data, and never a key).
 */
export function providerFailed(provider: string, what: string, code?: string): Problem {
  const safe = code && /^[A-Za-z0-9_.-]{1,64}$/.test(code) ? code : 'unknown';
  return new Problem(502, 'provider_error', `${provider}: ${what} failed (${safe})`, { providerCode: safe });
}
