// Settlement: what each seller (producer, inn, cooperative — a payment's payee organization) is owed for a period —
// sales paid in it, minus refunds that went through in it, minus the county's platform fee — with the payouts the
// county has recorded against it; as a statement page and an XLSX workbook.
import { eq, sql } from 'drizzle-orm';
import type { Db } from '../../db/handle.ts';
import { queryRows } from '../../db/handle.ts';
import { recordAudit } from '../../server/audit.ts';
import { badRequest, conflict, notFound } from '../../server/problems.ts';
import { authorize, organizations, type Actor } from '../governance/index.ts';
import { paymentFeeRates, paymentPayouts } from './schema.ts';

/** A period of whole days in the county's time (China Standard Time), `to` included. */
export interface Period {
  from: string;
  to: string;
}

const DAY = /^\d{4}-\d{2}-\d{2}$/;
const startOf = (date: string) => new Date(`${date}T00:00:00+08:00`);
const dayAfter = (date: string) => new Date(startOf(date).getTime() + 86_400_000);

/** The period asked for, checked: real dates, `from` not after `to`, at most a year (366 days). */
export function checkPeriod(p: Period, where: 'querystring' | 'body' = 'querystring'): Period {
  for (const k of ['from', 'to'] as const) {
    const day = new Date(`${p[k]}T00:00:00Z`);
    // Real days of this era only (PostgreSQL has no year 0; a statement before 2000 or after 2999 is a typing error).
    if (!DAY.test(p[k]) || Number.isNaN(day.getTime()) || day.toISOString().slice(0, 10) !== p[k] || p[k] < '2000-01-01' || p[k] > '2999-12-31') {
      throw badRequest(`${where}/${k}`, 'A date YYYY-MM-DD');
    }
  }
  if (p.from > p.to) throw badRequest(`${where}/to`, 'The period ends before it starts');
  if (dayAfter(p.to).getTime() - startOf(p.from).getTime() > 366 * 86_400_000) throw badRequest(`${where}/to`, 'A period of at most a year');
  return p;
}

/** The platform fee the county takes, in basis points (0 until the county sets it). */
export async function feeBps(db: Db, countyId: string): Promise<number> {
  const [row] = await db.select({ bps: paymentFeeRates.feeBps }).from(paymentFeeRates).where(eq(paymentFeeRates.countyId, countyId));
  return row?.bps ?? 0;
}

export async function setFeeRate(db: Db, actor: Actor | null, bps: number) {
  const who = await authorize(db, actor, 'payments.settlement', { unitId: actor?.countyId ?? '' });
  if (!Number.isInteger(bps) || bps < 0 || bps > 10_000) throw badRequest('body/feeBps', 'Basis points from 0 to 10000');
  return db.transaction(async (tx) => {
    const before = await feeBps(tx, who.countyId);
    await tx.insert(paymentFeeRates).values({ countyId: who.countyId, feeBps: bps }).onConflictDoUpdate({ target: paymentFeeRates.countyId, set: { feeBps: bps, updatedAt: new Date() } });
    await recordAudit(tx, who, { action: 'payment.fee_rate', entity: 'admin_unit', entityId: who.countyId, details: { before, after: bps } });
    return { feeBps: bps };
  });
}

/** The fee on a period's sales after refunds, rounded half away from zero to the fen (negative: a fee given back). */
export const feeOn = (baseFen: number, bps: number) => Math.sign(baseFen) * Math.round((Math.abs(baseFen) * bps) / 10_000);

export interface StatementRow {
  orgId: string;
  name: string;
  kind: string;
  payments: number;
  grossFen: number;
  refunds: number;
  refundsFen: number;
  feeFen: number;
  netFen: number;
  paidOutFen: number;
  owedFen: number;
}

export interface Statement {
  period: Period;
  feeBps: number;
  rows: StatementRow[];
  totals: Omit<StatementRow, 'orgId' | 'name' | 'kind'>;
}

const n = (v: unknown) => Number(v ?? 0);

/** The statement's rows: one per organization with a sale, a refund or a payout in the period (or just `orgId`'s). */
async function statementRows(db: Db, countyId: string, period: Period, bps: number, orgId?: string): Promise<StatementRow[]> {
  const from = startOf(period.from).toISOString();
  const to = dayAfter(period.to).toISOString();
  const only = orgId ? sql`and payee_org_id = ${orgId}` : sql``;
  const onlyPaid = orgId ? sql`and org_id = ${orgId}` : sql``;
  const rows = await queryRows<Record<string, unknown>>(
    db,
    sql`with sales as (
          select payee_org_id as org_id, count(*) as n, sum(amount_fen) as fen from payments
          where county_id = ${countyId} and payee_org_id is not null and status in ('paid', 'refunded')
            and paid_at >= ${from}::timestamptz and paid_at < ${to}::timestamptz ${only}
          group by payee_org_id),
        back as (
          select p.payee_org_id as org_id, count(*) as n, sum(r.amount_fen) as fen
          from payment_refunds r join payments p on p.id = r.payment_id and p.county_id = r.county_id
          where r.county_id = ${countyId} and p.payee_org_id is not null and r.status = 'succeeded'
            and coalesce(r.settled_at, r.created_at) >= ${from}::timestamptz and coalesce(r.settled_at, r.created_at) < ${to}::timestamptz ${only}
          group by p.payee_org_id),
        paid_out as (
          select org_id, sum(amount_fen) as fen from payment_payouts
          where county_id = ${countyId} and period_from = ${period.from}::date and period_to = ${period.to}::date ${onlyPaid}
          group by org_id),
        ids as (select org_id from sales union select org_id from back union select org_id from paid_out)
        select o.id, o.name, o.kind, s.n as sales, s.fen as gross, b.n as refunds, b.fen as refunded, po.fen as paid_out
        from ids join organizations o on o.id = ids.org_id
        left join sales s on s.org_id = ids.org_id left join back b on b.org_id = ids.org_id left join paid_out po on po.org_id = ids.org_id
        order by o.name, o.id`,
  );
  return rows.map((r) => {
    const grossFen = n(r.gross);
    const refundsFen = n(r.refunded);
    const feeFen = feeOn(grossFen - refundsFen, bps);
    const netFen = grossFen - refundsFen - feeFen;
    const paidOutFen = n(r.paid_out);
    return { orgId: String(r.id), name: String(r.name), kind: String(r.kind), payments: n(r.sales), grossFen, refunds: n(r.refunds), refundsFen, feeFen, netFen, paidOutFen, owedFen: netFen - paidOutFen };
  });
}

function total(rows: StatementRow[]): Statement['totals'] {
  const t = { payments: 0, grossFen: 0, refunds: 0, refundsFen: 0, feeFen: 0, netFen: 0, paidOutFen: 0, owedFen: 0 };
  for (const r of rows) for (const k of Object.keys(t) as (keyof typeof t)[]) t[k] += r[k];
  return t;
}

/** Every seller of the county for a period: for the county's officials. */
export async function countyStatement(db: Db, actor: Actor | null, period: Period): Promise<Statement> {
  const who = await authorize(db, actor, 'payments.settlement', { unitId: actor?.countyId ?? '' });
  checkPeriod(period);
  const bps = await feeBps(db, who.countyId);
  const rows = await statementRows(db, who.countyId, period, bps);
  return { period, feeBps: bps, rows, totals: total(rows) };
}

/** A line of an organization's statement: a sale paid, or a refund that went through, in the period. */
export interface StatementLine {
  at: string;
  kind: 'sale' | 'refund' | 'payout';
  purpose: string;
  description: string;
  amountFen: number;
}

/** One organization's statement with its lines: for its members and the county's officials. */
export async function orgStatement(db: Db, actor: Actor | null, orgId: string, period: Period): Promise<Statement & { org: { id: string; name: string }; lines: StatementLine[] }> {
  const [org] = await db.select({ id: organizations.id, name: organizations.name, countyId: organizations.countyId }).from(organizations).where(eq(organizations.id, orgId));
  if (!org) throw notFound('Organization');
  await authorize(db, actor, 'payments.statement', { orgId });
  checkPeriod(period);
  const bps = await feeBps(db, org.countyId);
  const rows = await statementRows(db, org.countyId, period, bps, orgId);
  const from = startOf(period.from).toISOString();
  const to = dayAfter(period.to).toISOString();
  const lines = await queryRows<{ at: Date | string; kind: StatementLine['kind']; purpose: string; description: string; amount_fen: number | string }>(
    db,
    sql`select paid_at as at, 'sale' as kind, purpose, description, amount_fen from payments
        where county_id = ${org.countyId} and payee_org_id = ${orgId} and status in ('paid', 'refunded') and paid_at >= ${from}::timestamptz and paid_at < ${to}::timestamptz
        union all
        select coalesce(r.settled_at, r.created_at), 'refund', p.purpose, r.reason, r.amount_fen
        from payment_refunds r join payments p on p.id = r.payment_id and p.county_id = r.county_id
        where r.county_id = ${org.countyId} and p.payee_org_id = ${orgId} and r.status = 'succeeded'
          and coalesce(r.settled_at, r.created_at) >= ${from}::timestamptz and coalesce(r.settled_at, r.created_at) < ${to}::timestamptz
        union all
        select created_at, 'payout', 'payout', reference, amount_fen from payment_payouts
        where county_id = ${org.countyId} and org_id = ${orgId} and period_from = ${period.from}::date and period_to = ${period.to}::date
        order by 1, 2`,
  );
  return {
    period,
    feeBps: bps,
    rows,
    totals: total(rows),
    org: { id: org.id, name: org.name },
    lines: lines.map((l) => ({ at: new Date(l.at).toISOString(), kind: l.kind, purpose: l.purpose, description: l.description, amountFen: n(l.amount_fen) })),
  };
}

/** The county records money paid out to a seller for a period; never more than the period's statement still owes. */
export async function recordPayout(db: Db, actor: Actor | null, input: Period & { orgId: string; amountFen: number; reference: string }) {
  const who = await authorize(db, actor, 'payments.settlement', { unitId: actor?.countyId ?? '' });
  checkPeriod(input, 'body');
  return db.transaction(async (tx) => {
    // One payout at a time per county: what is owed is read and reduced under the same lock.
    await tx.execute(sql`select pg_advisory_xact_lock(hashtext(${`payouts:${who.countyId}`}))`);
    const [row] = await statementRows(tx, who.countyId, input, await feeBps(tx, who.countyId), input.orgId);
    if (!row) throw badRequest('body/orgId', 'This organization has nothing to settle in the period');
    if (input.amountFen > row.owedFen) throw conflict('payout_too_large', `Only ¥${(row.owedFen / 100).toFixed(2)} is owed for the period`, { field: 'body/amountFen' });
    const [payout] = await tx
      .insert(paymentPayouts)
      .values({ countyId: who.countyId, orgId: input.orgId, periodFrom: input.from, periodTo: input.to, amountFen: input.amountFen, reference: input.reference, recordedBy: who.id })
      .returning();
    await recordAudit(tx, who, { action: 'payment.payout', entity: 'organization', entityId: input.orgId, details: { from: input.from, to: input.to, amountFen: input.amountFen } });
    return { id: payout.id, orgId: input.orgId, amountFen: input.amountFen, owedFen: row.owedFen - input.amountFen };
  });
}

const MONEY = '"¥"#,##0.00';

/** A statement as an XLSX workbook: the sellers' sheet (yuan, two decimals), and the lines when it is one seller's. */
export async function statementWorkbook(statement: Statement & { lines?: StatementLine[] }): Promise<Buffer> {
  const { default: ExcelJS } = await import('exceljs');
  const wb = new ExcelJS.Workbook();
  wb.creator = 'Terrace';
  const sheet = wb.addWorksheet('结算 Statement');
  sheet.addRow([`结算期间 Period`, statement.period.from, statement.period.to, `平台费率 Fee`, statement.feeBps / 10_000]);
  sheet.getCell('E1').numFmt = '0.00%';
  sheet.addRow([]);
  const header = sheet.addRow(['机构 Organization', '类型 Kind', '笔数 Sales', '销售额 Gross', '退款笔数 Refunds', '退款 Refunded', '平台费 Fee', '应结 Net', '已付 Paid out', '待付 Owed']);
  header.font = { bold: true };
  const yuan = (fen: number) => fen / 100;
  const money = (r: Omit<StatementRow, 'orgId' | 'name' | 'kind'>) => [r.payments, yuan(r.grossFen), r.refunds, yuan(r.refundsFen), yuan(r.feeFen), yuan(r.netFen), yuan(r.paidOutFen), yuan(r.owedFen)];
  for (const r of statement.rows) sheet.addRow([r.name, r.kind, ...money(r)]);
  const totals = sheet.addRow(['合计 Total', '', ...money(statement.totals)]);
  totals.font = { bold: true };
  for (const col of [4, 6, 7, 8, 9, 10]) sheet.getColumn(col).numFmt = MONEY;
  sheet.getColumn(1).width = 28;
  for (const col of [2, 3, 4, 5, 6, 7, 8, 9, 10]) sheet.getColumn(col).width = 14;
  if (statement.lines) {
    const lines = wb.addWorksheet('明细 Lines');
    lines.addRow(['时间 Time (UTC)', '类别 Kind', '用途 Purpose', '说明 Description', '金额 Amount']).font = { bold: true };
    for (const l of statement.lines) lines.addRow([l.at, l.kind, l.purpose, l.description, yuan(l.amountFen)]);
    lines.getColumn(5).numFmt = MONEY;
    lines.getColumn(1).width = 24;
    lines.getColumn(4).width = 40;
  }
  return Buffer.from(await wb.xlsx.writeBuffer());
}

