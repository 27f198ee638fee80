// Observations from a spreadsheet: a template to fill in (XLSX), and an import of CSV or XLSX that checks every row
// and writes all of them or none, with a report row by row (docs/indicators.md, "Import").
import ExcelJS from 'exceljs';
import { and, eq, inArray } from 'drizzle-orm';
import { uuidv7 } from 'uuidv7';
import type { Db } from '../../db/handle.ts';
import { recordAudit } from '../../server/audit.ts';
import { rolesWith } from '../../server/permissions.ts';
import { badRequest, forbidden } from '../../server/problems.ts';
import { requireActor, type Actor } from '../governance/index.ts';
import { indicatorDefinitions, indicatorObservations } from './schema.ts';
import { valueProblem, writeObservation } from './service.ts';
import { countyUnits, type CountyUnits, type Unit } from './units.ts';

export const IMPORT_MAX_ROWS = 20_000;
export const ROW_CODES = ['required', 'unknown_indicator', 'computed_indicator', 'unknown_unit', 'ambiguous_unit', 'not_permitted', 'bad_year', 'not_a_number', 'out_of_range', 'duplicate'] as const;
export type RowCode = (typeof ROW_CODES)[number];

/** The columns, as the template heads them: a heading matches when one of its words is the key or its Chinese name. */
const COLUMNS = {
  code: ['code', '指标代码'],
  indicator: ['indicator', '指标'],
  unitId: ['unit_id', '单位编号'],
  unit: ['unit', '单位'],
  year: ['year', '年份'],
  value: ['value', '数值'],
} as const;
type Column = keyof typeof COLUMNS;
const HEADINGS: Record<Column, string> = { code: '指标代码 code', indicator: '指标 indicator', unitId: '单位编号 unit_id', unit: '单位 unit', year: '年份 year', value: '数值 value' };

/** The units an official may enter values for: those at or under a unit where they hold 'indicators.observe'. */
function unitsInScope(who: Actor, units: CountyUnits): Unit[] {
  const roles = rolesWith('indicators.observe');
  const roots = new Set(who.grants.filter((g) => roles.includes(g.role) && g.unitId).map((g) => g.unitId!));
  const inScope = (u: Unit): boolean => roots.has(u.id) || (u.parentId !== null && inScope(units.byId.get(u.parentId)!));
  return units.all.filter(inScope);
}

/** The template: one row per manual indicator and unit in the official's scope for the year, today's values filled in. */
export async function importTemplate(db: Db, actor: Actor | null, period: number) {
  const who = requireActor(actor);
  const units = await countyUnits(db, who.countyId);
  const scope = unitsInScope(who, units);
  if (!scope.length) throw forbidden();
  const defs = (await db.select().from(indicatorDefinitions).where(eq(indicatorDefinitions.countyId, who.countyId))).filter((d) => d.source === 'manual').sort((a, b) => a.code.localeCompare(b.code));
  const obs = await db
    .select()
    .from(indicatorObservations)
    .where(and(eq(indicatorObservations.countyId, who.countyId), eq(indicatorObservations.period, period)));
  const wb = new ExcelJS.Workbook();
  wb.creator = 'Terrace';
  const sheet = wb.addWorksheet('Observations');
  sheet.columns = (Object.keys(HEADINGS) as Column[]).map((k) => ({ header: HEADINGS[k], key: k, width: k === 'unitId' ? 38 : 18 }));
  sheet.getRow(1).font = { bold: true };
  for (const u of scope) {
    for (const d of defs) {
      const value = obs.find((o) => o.indicatorId === d.id && o.unitId === u.id)?.value;
      sheet.addRow({ code: d.code, indicator: `${d.nameZh}（${d.unit}）`, unitId: u.id, unit: u.nameZh, year: period, value: value ?? null });
    }
  }
  const guide = wb.addWorksheet('Indicators');
  guide.columns = [
    { header: 'code', key: 'code', width: 20 },
    { header: '名称', key: 'nameZh', width: 20 },
    { header: 'name', key: 'nameEn', width: 30 },
    { header: '单位 unit', key: 'unit', width: 10 },
    { header: '方向 direction', key: 'direction', width: 12 },
    { header: '版本 version', key: 'version', width: 10 },
  ];
  guide.getRow(1).font = { bold: true };
  for (const d of defs) guide.addRow(d);
  return { data: Buffer.from(await wb.xlsx.writeBuffer()), filename: `indicators-template-${period}.xlsx` };
}

/** RFC 4180 CSV: quoted fields with doubled quotes, CRLF or LF; a UTF-8 byte-order mark is dropped. */
export function parseCsv(text: string): string[][] {
  const rows: string[][] = [];
  let row: string[] = [];
  let field = '';
  let quoted = false;
  const s = text.replace(/^\uFEFF/, '');
  for (let i = 0; i < s.length; i++) {
    const c = s[i];
    if (quoted) {
      if (c === '"' && s[i + 1] === '"') (field += '"'), i++;
      else if (c === '"') quoted = false;
      else field += c;
    } else if (c === '"' && field === '') quoted = true;
    else if (c === ',') row.push(field), (field = '');
    else if (c === '\n' || c === '\r') {
      if (c === '\r' && s[i + 1] === '\n') i++;
      row.push(field);
      rows.push(row);
      row = [];
      field = '';
    } else field += c;
  }
  if (field !== '' || row.length) row.push(field), rows.push(row);
  return rows;
}

async function readXlsx(data: Buffer): Promise<string[][]> {
  const wb = new ExcelJS.Workbook();
  try {
    await wb.xlsx.load(data as unknown as ArrayBuffer);
  } catch {
    throw badRequest('file', 'Not a readable XLSX workbook');
  }
  const sheet = wb.worksheets[0];
  if (!sheet) throw badRequest('file', 'The workbook has no sheet');
  const rows: string[][] = [];
  sheet.eachRow({ includeEmpty: true }, (row) => {
    const cells: string[] = [];
    for (let c = 1; c <= Math.max(row.cellCount, 6); c++) {
      const v = row.getCell(c).value as unknown;
      const plain =
        v === null || v === undefined ? '' : typeof v === 'object' && v !== null && 'result' in v ? (v as { result: unknown }).result : typeof v === 'object' && v !== null && 'richText' in v ? (v as { richText: { text: string }[] }).richText.map((r) => r.text).join('') : v;
      cells.push(plain === null || plain === undefined ? '' : plain instanceof Date ? plain.toISOString() : String(plain));
    }
    rows.push(cells);
  });
  return rows;
}

export interface ImportRow {
  row: number;
  status: 'written' | 'unchanged' | 'valid' | 'skipped' | 'error';
  code?: string;
  unitId?: string;
  period?: number;
  value?: number;
  field?: Column;
  error?: RowCode;
  reason?: string;
}

/**
 * Checks every row of a CSV or XLSX file of observations; when none is wrong (and it is not a dry run), writes them
 * all in one transaction, each with its audit row (from, to, the import's id) — otherwise writes nothing. Rows with
 * no value are skipped; rows equal to what is stored are unchanged.
 */
export async function importObservations(db: Db, actor: Actor | null, input: { format: 'csv' | 'xlsx'; data: Buffer; filename: string; dryRun: boolean }) {
  const who = requireActor(actor);
  const units = await countyUnits(db, who.countyId);
  const scope = new Set(unitsInScope(who, units).map((u) => u.id));
  if (!scope.size) throw forbidden();
  let table: string[][];
  if (input.format === 'csv') {
    const text = input.data.toString('utf8');
    if (text.includes('\u0000') || text.includes('\uFFFD')) throw badRequest('file', 'Not UTF-8 text without NUL characters');
    table = parseCsv(text);
  } else table = await readXlsx(input.data);
  const header = (table[0] ?? []).map((h) => h.trim().toLowerCase().split(/[\s/|,（）()]+/).filter(Boolean));
  const at: Partial<Record<Column, number>> = {};
  for (const col of Object.keys(COLUMNS) as Column[]) {
    const i = header.findIndex((words) => words.some((w) => (COLUMNS[col] as readonly string[]).includes(w)));
    if (i >= 0) at[col] = i;
  }
  for (const col of ['code', 'year', 'value'] as const) if (at[col] === undefined) throw badRequest('file', `The first row must head the columns; "${HEADINGS[col]}" is missing`);
  if (at.unit === undefined && at.unitId === undefined) throw badRequest('file', `The first row must head the columns; "${HEADINGS.unitId}" or "${HEADINGS.unit}" is missing`);
  const body = table.slice(1);
  if (body.length > IMPORT_MAX_ROWS) throw badRequest('file', `At most ${IMPORT_MAX_ROWS} rows`);
  const defs = await db.select().from(indicatorDefinitions).where(eq(indicatorDefinitions.countyId, who.countyId));
  const byName = new Map<string, Unit[]>();
  for (const u of units.all) for (const n of new Set([u.nameZh, u.namePinyin.toLowerCase()])) byName.set(n, [...(byName.get(n) ?? []), u]);
  const seen = new Set<string>();
  const report: ImportRow[] = [];
  const good: { r: ImportRow; def: (typeof defs)[number] }[] = [];
  body.forEach((cells, k) => {
    const row = k + 2;
    const cell = (c: Column) => (at[c] === undefined ? '' : (cells[at[c]!] ?? '').trim());
    if (cells.every((c) => c.trim() === '')) return;
    const fail = (field: Column, error: RowCode, reason: string) => report.push({ row, status: 'error', field, error, reason });
    if (cell('value') === '') return void report.push({ row, status: 'skipped', code: cell('code') || undefined });
    const def = defs.find((d) => d.code === cell('code'));
    if (!cell('code')) return fail('code', 'required', 'The indicator code is empty');
    if (!def) return fail('code', 'unknown_indicator', `No indicator with the code ${cell('code')}`);
    if (def.source === 'computed') return fail('code', 'computed_indicator', 'This indicator is computed by Terrace, not entered');
    let unit: Unit | undefined;
    if (cell('unitId')) {
      unit = units.byId.get(cell('unitId'));
      if (!unit) return fail('unitId', 'unknown_unit', 'Not an admin unit of this county');
    } else {
      const matches = byName.get(cell('unit')) ?? byName.get(cell('unit').toLowerCase()) ?? [];
      if (!cell('unit')) return fail('unit', 'required', 'Name the unit (or give its id)');
      if (matches.length === 0) return fail('unit', 'unknown_unit', `No county, township or village is called ${cell('unit')}`);
      if (matches.length > 1) return fail('unit', 'ambiguous_unit', `${matches.length} units are called ${cell('unit')}; give the unit's id`);
      unit = matches[0];
    }
    if (!scope.has(unit.id)) return fail(cell('unitId') ? 'unitId' : 'unit', 'not_permitted', 'You may not enter values for this unit');
    const year = Number(cell('year'));
    if (!/^\d{4}$/.test(cell('year')) || year < 2000 || year > 2100) return fail('year', 'bad_year', 'A year from 2000 to 2100');
    const value = Number(cell('value'));
    if (!/^[-+]?(\d+\.?\d*|\.\d+)([eE][-+]?\d+)?$/.test(cell('value'))) return fail('value', 'not_a_number', `Not a number: ${cell('value').slice(0, 40)}`);
    const problem = valueProblem(def, value);
    if (problem) return fail('value', 'out_of_range', problem);
    const key = `${def.id}|${unit.id}|${year}`;
    if (seen.has(key)) return fail('code', 'duplicate', 'The same indicator, unit and year appear in an earlier row');
    seen.add(key);
    const r: ImportRow = { row, status: 'valid', code: def.code, unitId: unit.id, period: year, value };
    report.push(r);
    good.push({ r, def });
  });
  const errors = report.filter((r) => r.status === 'error').length;
  const summary = () => ({
    rows: report.length,
    written: report.filter((r) => r.status === 'written').length,
    unchanged: report.filter((r) => r.status === 'unchanged').length,
    skipped: report.filter((r) => r.status === 'skipped').length,
    errors,
    dryRun: input.dryRun,
    accepted: errors === 0 && !input.dryRun,
    report: report.sort((a, b) => a.row - b.row),
  });
  if (errors > 0 || input.dryRun || good.length === 0) return summary();
  const importId = uuidv7();
  await db.transaction(async (tx) => {
    const periods = [...new Set(good.map((g) => g.r.period!))];
    const existing = await tx
      .select({ indicatorId: indicatorObservations.indicatorId, unitId: indicatorObservations.unitId, period: indicatorObservations.period, value: indicatorObservations.value, source: indicatorObservations.source })
      .from(indicatorObservations)
      .where(and(eq(indicatorObservations.countyId, who.countyId), inArray(indicatorObservations.period, periods)));
    const stored = new Map(existing.map((o) => [`${o.indicatorId}|${o.unitId}|${o.period}`, o.value]));
    for (const { r, def } of good) {
      if (stored.get(`${def.id}|${r.unitId}|${r.period}`) === r.value) {
        r.status = 'unchanged';
        continue;
      }
      await writeObservation(tx, who, def, r.unitId!, r.period!, r.value!, { enteredBy: who.id, importId, file: input.filename.slice(0, 200), row: r.row });
      r.status = 'written';
    }
    await recordAudit(tx, who, { action: 'indicators.observation.import', entity: 'indicator_import', entityId: importId, details: { format: input.format, rows: report.length, written: good.filter((g) => g.r.status === 'written').length } });
  });
  return { importId, ...summary() };
}
