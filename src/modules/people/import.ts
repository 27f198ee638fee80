// A village's household register from an XLSX workbook: every row is checked and reported; all rows are written, or
// none. The template the officials fill in is generated here too.
import ExcelJS from 'exceljs';
import { and, eq } from 'drizzle-orm';
import type { Db } from '../../db/handle.ts';
import { isStorableText } from '../../server/input-safety.ts';
import { recordAudit } from '../../server/audit.ts';
import { badRequest, Problem } from '../../server/problems.ts';
import { authorize, getUnit, type Actor } from '../governance/index.ts';
import { residents, RESIDENT_STATUSES, type ResidentStatus } from './schema.ts';

export const MAX_REGISTER_ROWS = 2000;

/** The template's columns: the header official's read (Chinese), and the English names also accepted. */
const COLUMNS = [
  { key: 'household', zh: '户号', en: 'household', example: '李家 8 号' },
  { key: 'name', zh: '姓名', en: 'name', example: '李文斌' },
  { key: 'birthYear', zh: '出生年份', en: 'birth year', example: 1991 },
  { key: 'phone', zh: '手机', en: 'phone', example: '13800000000' },
  { key: 'status', zh: '状态', en: 'status', example: '返乡' },
  { key: 'since', zh: '状态日期', en: 'since', example: '2025-03-01' },
  { key: 'returnedFrom', zh: '从哪里返乡', en: 'returned from', example: '杭州（电商运营）' },
  { key: 'occupation', zh: '职业', en: 'occupation', example: '山货网店' },
  { key: 'skills', zh: '技能', en: 'skills', example: '电商、摄影' },
  { key: 'consent', zh: '本人同意登记', en: 'consent', example: '是' },
] as const;
type Key = (typeof COLUMNS)[number]['key'];

const STATUS_WORDS: Record<string, ResidentStatus> = {
  在村: 'living',
  在家: 'living',
  外出务工: 'working_away',
  外出: 'working_away',
  返乡: 'returned',
  living: 'living',
  working_away: 'working_away',
  'working away': 'working_away',
  returned: 'returned',
};
const YES = new Set(['是', '同意', 'yes', 'y', 'true', '1']);

export interface RowProblem {
  row: number;
  field: string;
  code: 'required' | 'out_of_range' | 'unknown_value' | 'format' | 'too_long' | 'no_consent' | 'duplicate';
  reason: string;
}

export async function registerTemplate(): Promise<Buffer> {
  const wb = new ExcelJS.Workbook();
  const ws = wb.addWorksheet('户籍名册');
  ws.addRow(COLUMNS.map((c) => c.zh));
  ws.addRow(COLUMNS.map((c) => c.example));
  ws.getRow(1).font = { bold: true };
  ws.columns.forEach((col) => (col.width = 16));
  const help = wb.addWorksheet('说明 Notes');
  help.addRow(['列 Column', '说明 Meaning']);
  help.addRow(['状态 status', '在村 / 外出务工 / 返乡 (living / working_away / returned)']);
  help.addRow(['从哪里返乡 returned from', '返乡者必填 (required for a returnee)']);
  help.addRow(['技能 skills', '用顿号或逗号分隔 (separate with 、 or ,)']);
  help.addRow(['本人同意登记 consent', '必须为“是”：本人同意登记 (must be 是/yes: the person consented)']);
  help.addRow(['', '任何一行有误则整份不导入 (one bad row and nothing is imported)']);
  return Buffer.from(await wb.xlsx.writeBuffer());
}

function cellText(v: unknown): string {
  if (v === null || v === undefined) return '';
  if (v instanceof Date) return v.toISOString().slice(0, 10);
  if (typeof v === 'object') {
    if ('text' in v) return String((v as { text: unknown }).text ?? '');
    if ('result' in v) return cellText((v as { result: unknown }).result);
    if ('richText' in v) return ((v as { richText: { text: string }[] }).richText ?? []).map((r) => r.text).join('');
  }
  return String(v);
}

async function readSheet(data: Buffer): Promise<{ row: number; values: Partial<Record<Key, string>> }[]> {
  const wb = new ExcelJS.Workbook();
  try {
    await wb.xlsx.load(data as unknown as ArrayBuffer);
  } catch {
    throw new Problem(400, 'import_format', 'The file is not a readable XLSX workbook', { field: 'file' });
  }
  const ws = wb.worksheets[0];
  if (!ws) throw new Problem(400, 'import_format', 'The workbook has no sheet', { field: 'file' });
  const table: { n: number; cells: string[] }[] = [];
  ws.eachRow({ includeEmpty: false }, (r, n) => {
    const cells: string[] = [];
    r.eachCell({ includeEmpty: true }, (cell, col) => (cells[col - 1] = cellText(cell.value).trim()));
    if (cells.some((c) => c)) table.push({ n, cells });
  });
  if (table.length === 0) return [];
  const header = table[0].cells.map((h) => (h ?? '').trim().toLowerCase());
  const index = new Map<Key, number>();
  for (const c of COLUMNS) {
    const i = header.findIndex((h) => h === c.zh || h === c.en || h === c.key.toLowerCase());
    if (i >= 0) index.set(c.key, i);
  }
  const missing = COLUMNS.filter((c) => ['name', 'birthYear', 'status', 'consent'].includes(c.key) && !index.has(c.key)).map((c) => c.zh);
  if (missing.length) throw new Problem(400, 'import_header', `The header row lacks the column(s) ${missing.join(', ')}`, { field: 'file', expected: COLUMNS.map((c) => c.zh) });
  return table.slice(1).map((t) => ({ row: t.n, values: Object.fromEntries([...index].map(([k, i]) => [k, t.cells[i] ?? ''])) }));
}

/** Imports a village's register: a report line for every bad cell; nothing is written unless every row is good. */
export async function importRegister(db: Db, actor: Actor | null, input: { villageId: string; data: Buffer; dryRun: boolean }) {
  const village = await getUnit(db, input.villageId);
  if (village.level !== 'village') throw badRequest('querystring/villageId', 'A register belongs to a village');
  const who = await authorize(db, actor, 'people.residents.manage', { unitId: village.id });
  const raw = await readSheet(input.data);
  if (raw.length === 0) throw new Problem(400, 'import_empty', 'The file has no rows to import', { field: 'file' });
  if (raw.length > MAX_REGISTER_ROWS) throw new Problem(413, 'import_too_large', `At most ${MAX_REGISTER_ROWS} rows per import`, { field: 'file' });

  const existing = new Set(
    (await db.select({ name: residents.fullName, born: residents.birthYear, household: residents.household }).from(residents).where(and(eq(residents.countyId, who.countyId), eq(residents.villageId, village.id)))).map(
      (r) => `${r.household}|${r.name}|${r.born}`,
    ),
  );
  const seen = new Set<string>();
  const report: RowProblem[] = [];
  const rows: (typeof residents.$inferInsert)[] = [];
  const thisYear = new Date().getUTCFullYear();
  for (const { row, values } of raw) {
    const problems: RowProblem[] = [];
    const bad = (field: Key, code: RowProblem['code'], reason: string) => problems.push({ row, field, code, reason });
    const v = (k: Key) => values[k] ?? '';
    for (const k of Object.keys(values) as Key[]) {
      if (!isStorableText(v(k))) bad(k, 'format', 'Contains a character that cannot be stored');
      else if (v(k).length > 120) bad(k, 'too_long', 'At most 120 characters');
    }
    const name = v('name');
    if (!name) bad('name', 'required', 'Give the person’s name');
    const born = Number(v('birthYear'));
    if (!v('birthYear')) bad('birthYear', 'required', 'Give the year of birth');
    else if (!Number.isInteger(born) || born < 1900 || born > thisYear) bad('birthYear', 'out_of_range', `A year between 1900 and ${thisYear}`);
    const phone = v('phone').replace(/\s+/g, '');
    if (phone && !/^\+?[0-9-]{5,20}$/.test(phone)) bad('phone', 'format', 'Digits only');
    const status = STATUS_WORDS[v('status').toLowerCase()];
    if (!v('status')) bad('status', 'required', `One of 在村, 外出务工, 返乡 (${RESIDENT_STATUSES.join(', ')})`);
    else if (!status) bad('status', 'unknown_value', `One of 在村, 外出务工, 返乡 (${RESIDENT_STATUSES.join(', ')})`);
    const since = v('since');
    if (since && (!/^\d{4}-\d{2}-\d{2}$/.test(since) || Number.isNaN(Date.parse(since)))) bad('since', 'format', 'A date as 2025-03-01');
    if (status === 'returned' && !v('returnedFrom')) bad('returnedFrom', 'required', 'Say where a returnee came back from');
    if (!YES.has(v('consent').toLowerCase())) bad('consent', 'no_consent', 'The person must consent to being registered (是)');
    const household = v('household');
    const key = `${household}|${name}|${born}`;
    if (name && Number.isInteger(born)) {
      if (existing.has(key)) bad('name', 'duplicate', 'This person is already on the village’s register');
      else if (seen.has(key)) bad('name', 'duplicate', 'This person appears twice in the file');
      seen.add(key);
    }
    report.push(...problems);
    if (problems.length === 0)
      rows.push({
        countyId: who.countyId,
        villageId: village.id,
        townshipId: village.parentId!,
        fullName: name,
        household,
        birthYear: born,
        phone,
        status: status!,
        statusSince: since || null,
        returnedFrom: status === 'returned' ? v('returnedFrom') : null,
        occupation: v('occupation'),
        skills: v('skills')
          .split(/[、,，;；]/)
          .map((s) => s.trim())
          .filter(Boolean)
          .slice(0, 20),
        consentAt: new Date(),
      });
  }
  const badRows = new Set(report.map((p) => p.row)).size;
  if (badRows > 0)
    throw new Problem(422, 'import_invalid', `${badRows} of ${raw.length} rows have problems; nothing was imported`, { field: 'file', rows: raw.length, imported: 0, report });
  if (input.dryRun) return { rows: raw.length, imported: 0, dryRun: true, report };
  await db.transaction(async (tx) => {
    for (let i = 0; i < rows.length; i += 500) await tx.insert(residents).values(rows.slice(i, i + 500));
    // Names no one: how many, into which village.
    await recordAudit(tx, who, { action: 'people.resident.import', entity: 'admin_unit', entityId: village.id, details: { rows: rows.length } });
  });
  return { rows: raw.length, imported: rows.length, dryRun: false, report };
}
