// Pure helpers for batch traceability: the per-batch hash chain and GS1 identifiers. No I/O.
import { createHash } from 'node:crypto';

export const GENESIS_HASH = '0'.repeat(64);

export interface ChainedEvent {
  batchId: string;
  seq: number;
  kind: string;
  occurredAt: Date;
  operator: string;
  notes: string;
  documentTitle: string | null;
  documentUrl: string | null;
  /** The sha256 of an uploaded document's bytes: the chain then covers the file itself, not only its link. */
  documentSha256?: string | null;
  /** Where it happened: a village of the Atlas and/or a WGS-84 position. */
  placeUnitId?: string | null;
  placeLon?: number | null;
  placeLat?: number | null;
}

/** JSON with object keys sorted at every level, so the same event always gives the same bytes. */
export function canonicalJson(value: unknown): string {
  if (value === null || typeof value !== 'object') return JSON.stringify(value ?? null);
  if (value instanceof Date) return JSON.stringify(value.toISOString());
  if (Array.isArray(value)) return `[${value.map(canonicalJson).join(',')}]`;
  const entries = Object.entries(value as Record<string, unknown>)
    .filter(([, v]) => v !== undefined)
    .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
  return `{${entries.map(([k, v]) => `${JSON.stringify(k)}:${canonicalJson(v)}`).join(',')}}`;
}

/** sha256 over the previous hash and the canonical JSON of the event's content. */
export const sha256Hex = (data: Buffer) => createHash('sha256').update(data).digest('hex');

export function eventHash(prevHash: string, e: ChainedEvent): string {
  const content = {
    batchId: e.batchId,
    seq: e.seq,
    kind: e.kind,
    occurredAt: e.occurredAt.toISOString(),
    operator: e.operator,
    notes: e.notes,
    documentTitle: e.documentTitle,
    documentUrl: e.documentUrl,
    // Left out when absent, so the hashes of events without an uploaded document stay as they were.
    documentSha256: e.documentSha256 ?? undefined,
    // The place too, left out when absent (events recorded before events had places keep their hashes).
    placeUnitId: e.placeUnitId ?? undefined,
    placeLon: e.placeLon ?? undefined,
    placeLat: e.placeLat ?? undefined,
  };
  return createHash('sha256').update(prevHash).update(canonicalJson(content)).digest('hex');
}

export interface Verification {
  valid: boolean;
  /** The first event whose link or hash does not check, if any. */
  brokenAtSeq: number | null;
  headHash: string;
  events: number;
}

/** Recomputes the chain from the first event; the stored head must be the last hash. */
export function verifyChain(events: (ChainedEvent & { prevHash: string; hash: string })[], storedHead: string, storedCount: number): Verification {
  let prev = GENESIS_HASH;
  const sorted = [...events].sort((a, b) => a.seq - b.seq);
  for (const [i, e] of sorted.entries()) {
    if (e.seq !== i + 1 || e.prevHash !== prev || eventHash(prev, e) !== e.hash) {
      return { valid: false, brokenAtSeq: e.seq, headHash: storedHead, events: sorted.length };
    }
    prev = e.hash;
  }
  const valid = prev === storedHead && sorted.length === storedCount;
  return { valid, brokenAtSeq: valid ? null : sorted.length + 1, headHash: storedHead, events: sorted.length };
}

/** The GS1 mod-10 check digit of the digits given (weights 3,1,3,… from the right). */
export function gs1CheckDigit(digits: string): number {
  let sum = 0;
  for (let i = 0; i < digits.length; i++) {
    const d = Number(digits[digits.length - 1 - i]);
    sum += d * (i % 2 === 0 ? 3 : 1);
  }
  return (10 - (sum % 10)) % 10;
}

export const isValidGtin = (gtin: string) => /^\d{14}$/.test(gtin) && gs1CheckDigit(gtin.slice(0, 13)) === Number(gtin[13]);

/** A GTIN-14 under the demo company prefix 6970000 (690–699 is GS1 China); `item` is 0–99999. */
export function demoGtin(item: number): string {
  const body = `06970000${String(item % 100000).padStart(5, '0')}`;
  return body + gs1CheckDigit(body);
}

/**
 * A GTIN-14 for a product whose producer has no GS1 membership yet: '0' + '69' (GS1 China) + 10 random digits.
 * Not a registered number — a placeholder that keeps the Digital Link working until the real one is entered.
 */
export function placeholderGtin(random: (max: number) => number): string {
  let body = '069';
  for (let i = 0; i < 10; i++) body += String(random(10));
  return body + gs1CheckDigit(body);
}

/** GS1 Digital Link path (with our /market prefix) for a batch: /01/{gtin}/10/{lot}. */
export const digitalLinkPath = (gtin: string, lot: string) => `/market/01/${gtin}/10/${encodeURIComponent(lot)}`;
