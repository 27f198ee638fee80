// Settlement: each seller's sales, refunds, the county's fee and payouts for a period, as a statement and an XLSX
// workbook; the statement's sums are checked against the payments and refunds tables summed on their own.
import { randomUUID } from 'node:crypto';
import { sql } from 'drizzle-orm';
import ExcelJS from 'exceljs';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { as, signIn, startTestApp, type Session, type TestApp } from '../../../test/support/app.ts';
import { describeEachDriver } from '../../../test/support/db.ts';
import { queryRows } from '../../db/handle.ts';
import { feeOn } from './settlement.ts';

const ADDRESS = { name: '王小明', phone: '13800001234', province: '浙江省', city: '丽水市', detail: '松阳县西屏街道 1 号' };
const today = () => new Date(Date.now() + 8 * 3600_000).toISOString().slice(0, 10);

it('takes the fee to the fen, rounding half away from zero, and gives it back on a negative base', () => {
  expect(feeOn(10_000, 500)).toBe(500);
  expect(feeOn(1_990, 500)).toBe(100);
  expect(feeOn(1_989, 500)).toBe(99);
  expect(feeOn(-1_990, 500)).toBe(-100);
  expect(feeOn(12_345, 0)).toBe(0);
});

describeEachDriver('settlement', (driver) => {
  let t: TestApp;
  let buyer: Session;
  let producer: Session;
  let admin: Session;
  let coopId: string;
  let variants: { id: string; priceFen: number }[];

  beforeAll(async () => {
    t = await startTestApp(driver, {}, { runJobs: false });
    [buyer, producer, admin] = await Promise.all(['buyer', 'producer', 'admin'].map((u) => signIn(t.app, u)));
    const products = (await t.app.inject({ url: '/api/v1/market/products' })).json().items as { id: string; name: string; orgId: string }[];
    const tea = products.filter((p) => p.name.startsWith('松阳'));
    coopId = tea[0].orgId;
    variants = await Promise.all(tea.map(async (p) => (await t.app.inject({ url: `/api/v1/market/products/${p.id}` })).json().variants[0]));
  });
  afterAll(() => t?.close());

  const call = (s: Session | null, method: 'GET' | 'POST' | 'PUT', url: string, payload?: object) => as(t.app, s)({ method, url: `/api/v1${url}`, payload });
  const period = () => `from=${today()}&to=${today()}`;

  async function paidOrder(items: { variantId: string; qty: number }[]) {
    const o = await as(t.app, buyer)({ method: 'POST', url: '/api/v1/market/orders', payload: { items, address: ADDRESS }, headers: { 'idempotency-key': randomUUID() } });
    expect(o.statusCode).toBe(201);
    const started = (await call(buyer, 'POST', `/market/orders/${o.json().id}/pay`)).json();
    expect((await call(buyer, 'POST', `/payments/${started.paymentId}/sandbox`, { outcome: 'succeeded' })).json().status).toBe('paid');
    return { id: o.json().id as string, totalFen: o.json().totalFen as number, paymentId: started.paymentId as string };
  }

  /** The same figures from the tables themselves: sales paid today and refunds gone through today, by payee. */
  async function fromTables(orgId: string) {
    const [sales] = await queryRows<{ n: string | number; fen: string | number | null }>(
      t.db.db,
      sql`select count(*) as n, sum(amount_fen) as fen from payments where payee_org_id = ${orgId} and paid_at >= ${new Date(`${today()}T00:00:00+08:00`).toISOString()}::timestamptz`,
    );
    const [back] = await queryRows<{ fen: string | number | null }>(
      t.db.db,
      sql`select sum(r.amount_fen) as fen from payment_refunds r join payments p on p.id = r.payment_id where p.payee_org_id = ${orgId} and r.status = 'succeeded'`,
    );
    return { payments: Number(sales.n), grossFen: Number(sales.fen ?? 0), refundsFen: Number(back.fen ?? 0) };
  }

  it('states what each seller is owed: sales − refunds gone through − the county fee; sums reconcile with the payments both ways', async () => {
    expect((await call(admin, 'PUT', '/payments/settlement/fee-rate', { feeBps: 500 })).json()).toEqual({ feeBps: 500 });
    const a = await paidOrder([{ variantId: variants[0].id, qty: 2 }]);
    const b = await paidOrder([{ variantId: variants[1].id, qty: 1 }, { variantId: variants[0].id, qty: 1 }]);
    // A line taken back: refunded through its job. A second refund asked but not yet gone through is not counted.
    expect((await call(producer, 'POST', `/market/orders/${b.id}/returns`, { lines: [{ variantId: variants[1].id, qty: 1 }], reason: '破损' })).statusCode).toBe(200);
    await t.app.jobs.drain();
    expect((await call(producer, 'POST', `/market/orders/${a.id}/returns`, { lines: [{ variantId: variants[0].id, qty: 1 }], reason: '寄错' })).statusCode).toBe(200);

    const statement = (await call(admin, 'GET', `/payments/settlement?${period()}`)).json();
    const coop = statement.rows.find((r: { orgId: string }) => r.orgId === coopId);
    const gross = a.totalFen + b.totalFen;
    const refunded = variants[1].priceFen;
    expect(coop).toMatchObject({ payments: 2, grossFen: gross, refunds: 1, refundsFen: refunded, feeFen: feeOn(gross - refunded, 500), netFen: gross - refunded - feeOn(gross - refunded, 500), paidOutFen: 0 });
    expect(statement.feeBps).toBe(500);
    // Both ways: the statement's figures are the tables' sums, and its totals are the sum of its rows.
    const tables = await fromTables(coopId);
    expect({ payments: coop.payments, grossFen: coop.grossFen, refundsFen: coop.refundsFen }).toEqual(tables);
    for (const k of ['payments', 'grossFen', 'refunds', 'refundsFen', 'feeFen', 'netFen', 'paidOutFen', 'owedFen']) {
      expect(statement.totals[k], k).toBe(statement.rows.reduce((sum: number, r: Record<string, number>) => sum + r[k], 0));
    }
    expect(statement.totals.grossFen - statement.totals.refundsFen - statement.totals.feeFen).toBe(statement.totals.netFen);

    // The pending refund goes through: now it is counted.
    await t.app.jobs.drain();
    const after = (await call(admin, 'GET', `/payments/settlement?${period()}`)).json().rows.find((r: { orgId: string }) => r.orgId === coopId);
    expect(after.refundsFen).toBe(refunded + variants[0].priceFen);
    expect(after.refundsFen).toBe((await fromTables(coopId)).refundsFen);
  });

  it('exports the statement as XLSX with the same figures in yuan', async () => {
    const statement = (await call(admin, 'GET', `/payments/settlement?${period()}`)).json();
    const res = await call(admin, 'GET', `/payments/settlement/export?${period()}`);
    expect(res.statusCode).toBe(200);
    expect(res.headers['content-type']).toContain('spreadsheetml');
    expect(res.headers['content-disposition']).toContain(`settlement-${today()}-${today()}.xlsx`);
    const wb = new ExcelJS.Workbook();
    await wb.xlsx.load(res.rawPayload as unknown as ArrayBuffer);
    const sheet = wb.worksheets[0];
    const rows: unknown[][] = [];
    sheet.eachRow((row) => rows.push((row.values as unknown[]).slice(1)));
    expect(rows[0]).toEqual(['结算期间 Period', today(), today(), '平台费率 Fee', 0.05]);
    const coop = statement.rows.find((r: { orgId: string }) => r.orgId === coopId);
    const line = rows.find((r) => r[0] === coop.name)!;
    expect(line.slice(2)).toEqual([coop.payments, coop.grossFen / 100, coop.refunds, coop.refundsFen / 100, coop.feeFen / 100, coop.netFen / 100, 0, coop.owedFen / 100]);
    const totals = rows.at(-1)!;
    expect(totals[0]).toBe('合计 Total');
    expect(totals[3]).toBe(statement.totals.grossFen / 100);
    expect(totals[7]).toBe(statement.totals.netFen / 100);
    expect(sheet.getCell(`D${rows.indexOf(line) + 1}`).numFmt).toContain('¥');
  });

  it('shows a seller its own statement with its lines, and nobody else’s; payouts never exceed what is owed', async () => {
    const own = await call(producer, 'GET', `/payments/settlement/orgs/${coopId}?${period()}`);
    expect(own.statusCode).toBe(200);
    const s = own.json();
    expect(s.lines.filter((l: { kind: string }) => l.kind === 'sale')).toHaveLength(s.rows[0].payments);
    expect(s.lines.filter((l: { kind: string }) => l.kind === 'refund').reduce((sum: number, l: { amountFen: number }) => sum + l.amountFen, 0)).toBe(s.rows[0].refundsFen);
    const xlsx = await call(producer, 'GET', `/payments/settlement/orgs/${coopId}/export?${period()}`);
    const wb = new ExcelJS.Workbook();
    await wb.xlsx.load(xlsx.rawPayload as unknown as ArrayBuffer);
    expect(wb.worksheets.map((w) => w.name)).toEqual(['结算 Statement', '明细 Lines']);
    expect(wb.worksheets[1].rowCount).toBe(s.lines.length + 1);

    expect((await call(buyer, 'GET', `/payments/settlement?${period()}`)).statusCode).toBe(403);
    expect((await call(buyer, 'GET', `/payments/settlement/orgs/${coopId}?${period()}`)).statusCode).toBe(403);
    expect((await call(producer, 'PUT', '/payments/settlement/fee-rate', { feeBps: 0 })).statusCode).toBe(403);
    expect((await call(admin, 'GET', `/payments/settlement?from=${today()}&to=2020-01-01`)).json()).toMatchObject({ status: 400, field: 'querystring/to' });
    expect((await call(admin, 'GET', '/payments/settlement?from=2026-02-30&to=2026-03-01')).json()).toMatchObject({ status: 400, field: 'querystring/from' });
    expect((await call(admin, 'PUT', '/payments/settlement/fee-rate', { feeBps: 10_001 })).json()).toMatchObject({ status: 400, field: 'body/feeBps' });

    const owed = s.rows[0].owedFen;
    const payout = (amountFen: number) => call(admin, 'POST', '/payments/settlement/payouts', { orgId: coopId, from: today(), to: today(), amountFen, reference: 'ICBC 20261130-001' });
    expect((await payout(owed + 1)).json()).toMatchObject({ code: 'payout_too_large', field: 'body/amountFen' });
    expect((await payout(owed - 100)).json()).toMatchObject({ owedFen: 100 });
    expect((await payout(101)).statusCode).toBe(409);
    const paid = (await call(producer, 'GET', `/payments/settlement/orgs/${coopId}?${period()}`)).json();
    expect(paid.rows[0]).toMatchObject({ paidOutFen: owed - 100, owedFen: 100 });
    expect(paid.lines.find((l: { kind: string }) => l.kind === 'payout')).toMatchObject({ description: 'ICBC 20261130-001', amountFen: owed - 100 });
    const audit = await queryRows<{ action: string }>(t.db.db, sql`select action from audit_log where action in ('payment.payout', 'payment.fee_rate') order by id`);
    expect(audit.map((r) => r.action)).toEqual(['payment.fee_rate', 'payment.payout']);
  });
});
