// Requests that arrive in bulk: pickups created from paid Market orders (at the producer's village, carried back
// to the depot and on to the county hub), and inbound parcels and inn supplies imported from a CSV or XLSX file
// with a report of every row refused and why.
import ExcelJS from 'exceljs';
import { and, eq, inArray } from 'drizzle-orm';
import type { Db } from '../../db/handle.ts';
import { recordAudit, type AuditActor } from '../../server/audit.ts';
import { isStorableText } from '../../server/input-safety.ts';
import { Problem } from '../../server/problems.ts';
import { getCountyTree, type Actor } from '../governance/index.ts';
import { paidOrdersForPickup } from '../market/index.ts';
import { operator } from './access.ts';
import { depots, requests } from './schema.ts';

/** A pickup's default window: 08:00–17:00 of the service day. */
const PICKUP_WINDOW = [480, 1020] as const;

/** Every unit of the county (villages, townships) with its coordinates, by id and by Chinese name. */
async function places(db: Db) {
  const tree = await getCountyTree(db);
  const villages = tree.townships.flatMap((t) => t.villages.map((v) => ({ id: v.id, nameZh: v.nameZh, lon: v.lon, lat: v.lat })));
  return { byId: new Map(villages.map((v) => [v.id, v])), byName: new Map(villages.map((v) => [v.nameZh, v])) };
}

/**
 * Creates a pickup request for every paid Market order of the county that has none yet, on `serviceDate`.
 * Orders whose producer is not registered at a village with coordinates are reported, not dropped silently.
 */
export async function importMarketOrders(db: Db, who: AuditActor & { countyId: string }, serviceDate: string) {
  const [orders, where] = await Promise.all([paidOrdersForPickup(db, who.countyId), places(db)]);
  if (orders.length === 0) return { created: 0, skipped: [] as { orderId: string; reason: string }[] };
  const known = await db
    .select({ orderId: requests.marketOrderId })
    .from(requests)
    .where(and(eq(requests.countyId, who.countyId), inArray(requests.marketOrderId, orders.map((o) => o.id))));
  const seen = new Set(known.map((k) => k.orderId));
  const skipped: { orderId: string; reason: string }[] = [];
  const rows = orders.flatMap((o) => {
    if (seen.has(o.id)) return [];
    const v = where.byId.get(o.unitId);
    if (!v || v.lon == null || v.lat == null) {
      skipped.push({ orderId: o.id, reason: 'producer_not_at_a_village' });
      return [];
    }
    return [
      {
        countyId: who.countyId,
        villageId: v.id,
        lon: v.lon,
        lat: v.lat,
        serviceDate,
        weightKg: o.weightKg,
        windowStartMin: PICKUP_WINDOW[0],
        windowEndMin: PICKUP_WINDOW[1],
        kind: 'pickup' as const,
        source: 'market' as const,
        marketOrderId: o.id,
        note: `Market order ${o.id.slice(-8)}`,
        createdBy: who.id ?? null,
      },
    ];
  });
  if (rows.length === 0) return { created: 0, skipped };
  return db.transaction(async (tx) => {
    // The unique key (county, order) makes a second import of the same order a no-op, even concurrently.
    const created = await tx.insert(requests).values(rows).onConflictDoNothing().returning({ id: requests.id, marketOrderId: requests.marketOrderId });
    for (const r of created) await recordAudit(tx, who, { action: 'logistics.request.from_market', entity: 'logistics_request', entityId: r.id, details: { marketOrderId: r.marketOrderId, serviceDate } });
    return { created: created.length, skipped };
  });
}

export async function importMarketOrdersAs(db: Db, actor: Actor | null, serviceDate: string) {
  const who = await operator(db, actor);
  return importMarketOrders(db, who, serviceDate);
}

// ------------------------------------------------------------------ files

export const IMPORT_COLUMNS = ['village', 'date', 'weight_kg', 'window_start', 'window_end', 'kind', 'priority', 'recipient', 'note'] as const;

function parseCsv(src: string): string[][] {
  const rows: string[][] = [];
  let row: string[] = [];
  let field = '';
  let quoted = false;
  const text = src.replace(/^\uFEFF/, '');
  for (let i = 0; i < text.length; i++) {
    const c = text[i];
    if (quoted) {
      if (c === '"' && text[i + 1] === '"') {
        field += '"';
        i++;
      } else if (c === '"') quoted = false;
      else field += c;
    } else if (c === '"' && field === '') quoted = true;
    else if (c === ',') {
      row.push(field);
      field = '';
    } else if (c === '\n' || c === '\r') {
      if (c === '\r' && text[i + 1] === '\n') i++;
      row.push(field);
      rows.push(row);
      row = [];
      field = '';
    } else field += c;
  }
  if (field !== '' || row.length) rows.push([...row, field]);
  return rows;
}

async function readTable(data: Buffer, filename: string): Promise<string[][]> {
  if (/\.xlsx$/i.test(filename)) {
    const wb = new ExcelJS.Workbook();
    try {
      await wb.xlsx.load(data as unknown as ArrayBuffer);
    } catch {
      throw new Problem(400, 'import_format', `${filename} is not a readable XLSX workbook`, { field: 'file' });
    }
    const ws = wb.worksheets[0];
    if (!ws) throw new Problem(400, 'import_format', `${filename} has no sheet`, { field: 'file' });
    const table: string[][] = [];
    ws.eachRow({ includeEmpty: true }, (r, n) => {
      const cells: string[] = [];
      r.eachCell({ includeEmpty: true }, (cell, col) => {
        const v = cell.value as unknown;
        const plain = v && typeof v === 'object' && 'text' in v ? (v as { text: unknown }).text : v && typeof v === 'object' && 'result' in v ? (v as { result: unknown }).result : v;
        cells[col - 1] = plain instanceof Date ? plain.toISOString().slice(0, 10) : plain == null ? '' : String(plain);
      });
      table[n - 1] = cells;
    });
    return Array.from(table, (r) => r ?? []);
  }
  const text = data.toString('utf8');
  if (text.includes('\uFFFD')) throw new Problem(400, 'import_format', `${filename} is not UTF-8 text`, { field: 'file' });
  return parseCsv(text);
}

const hhmm = (s: string) => {
  const m = /^(\d{1,2}):(\d{2})$/.exec(s.trim());
  if (!m) return null;
  const v = Number(m[1]) * 60 + Number(m[2]);
  return Number(m[2]) < 60 && v <= 1440 ? v : null;
};

export interface RowProblem {
  row: number;
  field: string;
  message: string;
}

/**
 * Imports delivery requests (inbound parcels, inn supplies) from a CSV or XLSX file: header row with the columns
 * IMPORT_COLUMNS (kind, priority, recipient, note optional). Good rows are created in one transaction; every refused
 * row is reported with its row number, column and reason.
 */
export async function importRequestsFile(db: Db, actor: Actor | null, file: { data: Buffer; filename: string }) {
  const who = await operator(db, actor);
  const table = await readTable(file.data, file.filename);
  const header = (table[0] ?? []).map((h) => h.trim().toLowerCase());
  const missing = ['village', 'date', 'weight_kg', 'window_start', 'window_end'].filter((c) => !header.includes(c));
  if (missing.length) throw new Problem(400, 'import_header', `${file.filename}: the header row lacks ${missing.join(', ')}`, { field: 'file', expected: IMPORT_COLUMNS });
  const where = await places(db);
  const problems: RowProblem[] = [];
  const rows: (typeof requests.$inferInsert)[] = [];
  table.slice(1).forEach((cells, i) => {
    const row = i + 2;
    if (cells.every((c) => (c ?? '').trim() === '')) return;
    const get = (c: string) => (cells[header.indexOf(c)] ?? '').trim();
    const bad = (field: string, message: string) => problems.push({ row, field, message });
    const before = problems.length;
    for (const c of header) if (!isStorableText(get(c))) bad(c, 'contains a character that cannot be stored');
    const village = where.byId.get(get('village')) ?? where.byName.get(get('village'));
    if (!village) bad('village', `no village “${get('village')}” in this county`);
    else if (village.lon == null || village.lat == null) bad('village', 'the village has no coordinates in the Atlas');
    const date = get('date');
    if (!/^\d{4}-\d{2}-\d{2}$/.test(date) || Number.isNaN(Date.parse(date))) bad('date', 'a date as YYYY-MM-DD');
    const weight = Number(get('weight_kg'));
    if (!(weight > 0 && weight <= 10_000)) bad('weight_kg', 'a weight in kg above 0 and at most 10000');
    const start = hhmm(get('window_start'));
    const end = hhmm(get('window_end'));
    if (start === null) bad('window_start', 'a time as HH:MM');
    if (end === null) bad('window_end', 'a time as HH:MM');
    if (start !== null && end !== null && start >= end) bad('window_end', 'the window closes before it opens');
    const kind = get('kind') || 'delivery';
    if (kind !== 'delivery' && kind !== 'pickup') bad('kind', 'delivery or pickup');
    const priority = get('priority') === '' ? 0 : Number(get('priority'));
    if (![0, 1, 2].includes(priority)) bad('priority', '0, 1 or 2');
    if (get('recipient').length > 120) bad('recipient', 'at most 120 characters');
    if (get('note').length > 1000) bad('note', 'at most 1000 characters');
    if (problems.length > before || !village) return;
    rows.push({
      countyId: who.countyId,
      villageId: village.id,
      lon: village.lon!,
      lat: village.lat!,
      serviceDate: date,
      weightKg: weight,
      windowStartMin: start!,
      windowEndMin: end!,
      kind: kind as 'delivery' | 'pickup',
      priority,
      recipient: get('recipient'),
      note: get('note'),
      source: 'import',
      createdBy: who.id,
    });
  });
  const created = rows.length
    ? await db.transaction(async (tx) => {
        const out = await tx.insert(requests).values(rows).returning({ id: requests.id });
        await recordAudit(tx, who, { action: 'logistics.request.import', entity: 'logistics_request', details: { file: file.filename.slice(0, 200), created: out.length, refused: problems.length } });
        return out.length;
      })
    : 0;
  return { created, problems };
}

/** Tomorrow in the county's time zone (China Standard Time). */
export function tomorrowCst(now = new Date()): string {
  return new Date(now.getTime() + 8 * 3600_000 + 86_400_000).toISOString().slice(0, 10);
}

/**
 * The recurring job: every county that runs logistics (it has an active depot) gets pickups for its paid Market
 * orders on the next day, audited as the platform.
 */
export const importMarketOrdersJob = {
  name: 'logistics.import-market-orders',
  every: () => Number(process.env.LOGISTICS_MARKET_IMPORT_SECONDS ?? 300),
  maxAttempts: 1,
  async run(_data: unknown, ctx: { db: Db }) {
    const counties = await ctx.db.selectDistinct({ countyId: depots.countyId }).from(depots).where(eq(depots.active, true));
    let created = 0;
    for (const { countyId } of counties) created += (await importMarketOrders(ctx.db, { id: null, countyId }, tomorrowCst())).created;
    return { created };
  },
};
