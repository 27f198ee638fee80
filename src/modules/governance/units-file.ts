// A county's townships and villages from a spreadsheet (XLSX or CSV): read, checked row by row, and a template.
import ExcelJS from 'exceljs';
import { isStorableText } from '../../server/input-safety.ts';
import { Problem } from '../../server/problems.ts';

export const UNIT_FILE_FORMATS = ['xlsx', 'csv'] as const;
export type UnitFileFormat = (typeof UNIT_FILE_FORMATS)[number];
export const MAX_UNIT_ROWS = 20_000;

/** The template's columns, and the other headers each is known by (Chinese, and the demo data's own). */
export const UNIT_COLUMNS = {
  township: ['乡镇', '乡镇街道', 'town'],
  village: ['村', '村庄', '行政村'],
  township_pinyin: ['乡镇拼音'],
  village_pinyin: ['村拼音'],
  lon: ['经度', 'lng', 'lng_wgs84', 'longitude'],
  lat: ['纬度', 'lat_wgs84', 'latitude'],
  listing_batch: ['批次', 'batch'],
} as const;
type Column = keyof typeof UNIT_COLUMNS;

export interface UnitRow {
  /** The sheet's row number (the header is row 1). */
  row: number;
  township: string;
  village: string;
  townshipPinyin: string | null;
  villagePinyin: string | null;
  lon: number | null;
  lat: number | null;
  listingBatch: number | null;
}

export interface UnitReportEntry {
  row: number;
  field: Column;
  code: 'required' | 'too_long' | 'not_a_number' | 'out_of_range' | 'duplicate' | 'unstorable' | 'incomplete';
  reason: string;
}

const CHINESE_NUMERALS: Record<string, number> = { 一: 1, 二: 2, 三: 3, 四: 4, 五: 5, 六: 6, 七: 7, 八: 8, 九: 9, 十: 10 };

/** Splits CSV text (RFC 4180: quotes, doubled quotes, CRLF or LF, a leading BOM) into rows of cells. */
function csvTable(text: string): string[][] {
  const out: string[][] = [];
  let cells: string[] = [];
  let cell = '';
  let inQuotes = false;
  let i = text.startsWith('\uFEFF') ? 1 : 0;
  const endCell = () => {
    cells.push(cell);
    cell = '';
  };
  const endRow = () => {
    endCell();
    if (cells.some((c) => c.trim())) out.push(cells);
    cells = [];
  };
  for (; i < text.length; i++) {
    const ch = text[i];
    if (inQuotes) {
      if (ch !== '"') cell += ch;
      else if (text[i + 1] === '"') cell += text[++i];
      else inQuotes = false;
      continue;
    }
    switch (ch) {
      case '"':
        if (cell === '') inQuotes = true;
        else cell += ch;
        break;
      case ',':
        endCell();
        break;
      case '\r':
        if (text[i + 1] === '\n') i++;
        endRow();
        break;
      case '\n':
        endRow();
        break;
      default:
        cell += ch;
    }
  }
  if (cell !== '' || cells.length) endRow();
  return out;
}

/** A cell's plain value: rich text, hyperlinks and formulas give their text or result. */
function cellValue(v: ExcelJS.CellValue): unknown {
  if (v === null || typeof v !== 'object' || v instanceof Date) return v;
  if ('richText' in v) return v.richText.map((r) => r.text).join('');
  if ('text' in v) return v.text;
  if ('result' in v) return v.result;
  return String(v);
}

async function xlsxTable(data: Buffer): Promise<{ rowNumbers: number[]; rows: unknown[][] }> {
  const book = new ExcelJS.Workbook();
  try {
    await book.xlsx.load(data as unknown as ArrayBuffer);
  } catch {
    throw new Problem(400, 'import_format', 'The file is not a readable XLSX workbook', { field: 'file' });
  }
  const sheet = book.worksheets[0];
  if (!sheet) throw new Problem(400, 'import_format', 'The workbook has no sheet', { field: 'file' });
  const rowNumbers: number[] = [];
  const rows: unknown[][] = [];
  sheet.eachRow({ includeEmpty: false }, (r, n) => {
    const values: unknown[] = [];
    for (let c = 1; c <= r.cellCount; c++) values.push(cellValue(r.getCell(c).value));
    rowNumbers.push(n);
    rows.push(values);
  });
  return { rowNumbers, rows };
}

/** XLSX files are ZIP archives: they start with "PK". Anything else is read as CSV. */
export const detectFormat = (data: Buffer): UnitFileFormat => (data.length >= 2 && data[0] === 0x50 && data[1] === 0x4b ? 'xlsx' : 'csv');

const text = (v: unknown) => (v === null || v === undefined ? '' : String(v).trim());

/**
 * Reads and checks every row. A file that cannot be read at all is a 400; otherwise the answer lists the good rows and
 * a report entry for each problem (nothing is written by this function).
 */
export async function readUnitsFile(data: Buffer): Promise<{ rows: UnitRow[]; report: UnitReportEntry[]; total: number }> {
  let table: { rowNumbers: number[]; rows: unknown[][] };
  if (detectFormat(data) === 'xlsx') table = await xlsxTable(data);
  else {
    const decoded = data.toString('utf8');
    if (decoded.includes('\uFFFD')) throw new Problem(400, 'import_format', 'The CSV file is not UTF-8 text', { field: 'file' });
    const rows = csvTable(decoded);
    table = { rows, rowNumbers: rows.map((_, i) => i + 1) };
  }
  const [header, ...body] = table.rows;
  const headerCells = (header ?? []).map((h) => text(h).toLowerCase());
  const columnAt = new Map<Column, number>();
  for (const [column, aliases] of Object.entries(UNIT_COLUMNS) as [Column, readonly string[]][]) {
    const at = headerCells.findIndex((h) => h === column || aliases.some((a) => a.toLowerCase() === h));
    if (at >= 0) columnAt.set(column, at);
  }
  const missing = (['township', 'village'] as const).filter((c) => !columnAt.has(c));
  if (missing.length)
    throw new Problem(400, 'import_header', `The header row lacks the column(s) ${missing.join(', ')}`, { field: 'file', expected: Object.keys(UNIT_COLUMNS) });
  if (body.length === 0) throw new Problem(400, 'import_empty', 'The file has no rows to import', { field: 'file' });
  if (body.length > MAX_UNIT_ROWS) throw new Problem(413, 'import_too_large', `At most ${MAX_UNIT_ROWS} rows per import`, { field: 'file' });

  const report: UnitReportEntry[] = [];
  const rows: UnitRow[] = [];
  const seen = new Map<string, number>();
  body.forEach((cells, i) => {
    const row = table.rowNumbers[i + 1];
    const problems: UnitReportEntry[] = [];
    const say = (field: Column, code: UnitReportEntry['code'], reason: string) => problems.push({ row, field, code, reason });
    const get = (c: Column) => (columnAt.has(c) ? cells[columnAt.get(c)!] : undefined);
    const name = (c: Column, required: boolean) => {
      const v = text(get(c));
      if (!v) {
        if (required) say(c, 'required', 'Required');
        return null;
      }
      if (!isStorableText(v)) say(c, 'unstorable', 'Contains a character that cannot be stored');
      else if (v.length > 80) say(c, 'too_long', 'At most 80 characters');
      return v;
    };
    const number = (c: Column, min: number, max: number) => {
      const raw = get(c);
      if (raw === undefined || raw === null || text(raw) === '') return null;
      const n = typeof raw === 'number' ? raw : Number(text(raw));
      if (!Number.isFinite(n)) {
        say(c, 'not_a_number', `"${text(raw).slice(0, 40)}" is not a number`);
        return null;
      }
      if (n < min || n > max) {
        say(c, 'out_of_range', `Must be between ${min} and ${max}`);
        return null;
      }
      return n;
    };
    const township = name('township', true);
    const village = name('village', true);
    const townshipPinyin = name('township_pinyin', false);
    const villagePinyin = name('village_pinyin', false);
    const lon = number('lon', -180, 180);
    const lat = number('lat', -90, 90);
    if ((lon === null) !== (lat === null) && !problems.some((p) => p.field === 'lon' || p.field === 'lat'))
      say(lon === null ? 'lon' : 'lat', 'incomplete', 'Give both longitude and latitude, or neither');
    const batchText = text(get('listing_batch'));
    let listingBatch: number | null = null;
    if (batchText) {
      listingBatch = CHINESE_NUMERALS[batchText] ?? (/^\d{1,2}$/.test(batchText) ? Number(batchText) : null);
      if (listingBatch === null) say('listing_batch', 'not_a_number', `"${batchText.slice(0, 40)}" is not a batch number`);
    }
    if (township && village) {
      const key = `${township}\u0001${village}`;
      const first = seen.get(key);
      if (first !== undefined) say('village', 'duplicate', `The same village in the same township as row ${first}`);
      else seen.set(key, row);
    }
    if (problems.length) report.push(...problems);
    else rows.push({ row, township: township!, village: village!, townshipPinyin, villagePinyin, lon, lat, listingBatch });
  });
  return { rows, report, total: body.length };
}

const EXAMPLE = [
  ['三都乡', '杨家堂村', '', 'Yangjiatang', 119.5281, 28.5437, 2],
  ['三都乡', '松庄村', '', '', 119.5403, 28.5572, 1],
];

/** The template to fill in: the header row (the column names the reader knows) and two example rows. */
export async function unitsTemplate(format: UnitFileFormat): Promise<Buffer> {
  const header = Object.keys(UNIT_COLUMNS);
  if (format === 'csv') {
    const lines = [header, ...EXAMPLE].map((r) => r.join(','));
    return Buffer.from(`\uFEFF${lines.join('\r\n')}\r\n`, 'utf8');
  }
  const book = new ExcelJS.Workbook();
  const sheet = book.addWorksheet('villages');
  sheet.addRow(header);
  for (const r of EXAMPLE) sheet.addRow(r.map((v) => (v === '' ? null : v)));
  sheet.getRow(1).font = { bold: true };
  sheet.columns.forEach((c) => (c.width = 16));
  return Buffer.from(await book.xlsx.writeBuffer());
}
