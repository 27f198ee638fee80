// Bulk import and export of heritage buildings: GeoJSON, CSV and XLSX, with a per-row report and all-or-nothing commit.
import ExcelJS from 'exceljs';
import { and, asc, eq, inArray } from 'drizzle-orm';
import type { Feature, FeatureCollection } from 'geojson';
import type { Db } from '../../db/handle.ts';
import { isStorableText } from '../../server/input-safety.ts';
import { forbidden, Problem } from '../../server/problems.ts';
import { recordAudit } from '../../server/audit.ts';
import { requireActor, type Actor } from '../governance/index.ts';
import { ATLAS_PERMISSIONS } from './permissions.ts';
import { GeometryError, type Crs } from './geo.ts';
import { atlasBuildings as buildings, atlasConditionAssessments as conditionAssessments, BUILDING_TYPES, CURRENT_USES, OWNER_TYPES, HERITAGE_LEVELS } from './schema.ts';
import { buildingRow, mayEdit, villageRefs, visibleVillages, type BuildingInput, type VillageRef } from './service.ts';

export const FORMATS = ['geojson', 'csv', 'xlsx'] as const;
export type Format = (typeof FORMATS)[number];
export const MAX_IMPORT_ROWS = 50_000;

/** The columns of a CSV or XLSX file (and the properties of a GeoJSON feature). */
export const COLUMNS = [
  'id',
  'village',
  'name',
  'name_en',
  'type',
  'era',
  'build_year',
  'protection_level',
  'structure',
  'materials',
  'current_use',
  'owner_type',
  'lon',
  'lat',
  'notes',
  'geometry',
  'condition_history',
] as const;

/** What an import reads: the export's columns but the condition history, which is read-only (assessments are added one by one). */
const IMPORTED = new Set<string>(COLUMNS.filter((c) => c !== 'condition_history'));
const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

export interface ReportEntry {
  /** CSV/XLSX: the sheet's row number (the header is row 1); GeoJSON: the feature's number, from 1. */
  row: number;
  field: string;
  code: 'duplicate_id' | 'required' | 'unknown_value' | 'not_a_number' | 'out_of_range' | 'invalid_geometry' | 'unknown_village' | 'ambiguous_village' | 'not_permitted' | 'too_long' | 'format';
  reason: string;
}

interface RawRow {
  row: number;
  values: Record<string, unknown>;
  geometry?: unknown;
}

// ---- reading ----

/** RFC 4180 CSV: quoted fields with doubled quotes, CRLF or LF, an optional BOM. */
export function parseCsv(text: string): string[][] {
  const rows: string[][] = [];
  let row: string[] = [];
  let field = '';
  let quoted = false;
  const src = text.charCodeAt(0) === 0xfeff ? text.slice(1) : text;
  for (let i = 0; i < src.length; i++) {
    const c = src[i];
    if (quoted) {
      if (c === '"') {
        if (src[i + 1] === '"') {
          field += '"';
          i++;
        } else quoted = false;
      } else field += c;
    } else if (c === '"' && field === '') quoted = true;
    else if (c === ',') {
      row.push(field);
      field = '';
    } else if (c === '\n' || c === '\r') {
      if (c === '\r' && src[i + 1] === '\n') i++;
      row.push(field);
      rows.push(row);
      row = [];
      field = '';
    } else field += c;
  }
  if (field !== '' || row.length) {
    row.push(field);
    rows.push(row);
  }
  return rows.filter((r) => r.some((c) => c.trim() !== ''));
}

function tableRows(table: unknown[][], firstRow: number): RawRow[] {
  const [header, ...body] = table;
  const cols = (header ?? []).map((h) => String(h ?? '').trim().toLowerCase());
  const missing = ['village', 'name', 'type'].filter((c) => !cols.includes(c));
  if (missing.length) throw new Problem(400, 'import_header', `The header row lacks the column(s) ${missing.join(', ')}`, { field: 'file', expected: COLUMNS });
  return body.map((cells, i) => ({ row: firstRow + 1 + i, values: Object.fromEntries(cols.map((c, j) => [c, cells[j]])) }));
}

async function readXlsx(data: Buffer): Promise<RawRow[]> {
  const wb = new ExcelJS.Workbook();
  try {
    await wb.xlsx.load(data as unknown as ArrayBuffer);
  } catch {
    throw new Problem(400, 'import_format', 'The file is not a readable XLSX workbook', { field: 'file' });
  }
  const ws = wb.worksheets[0];
  if (!ws) throw new Problem(400, 'import_format', 'The workbook has no sheet', { field: 'file' });
  const table: { n: number; cells: unknown[] }[] = [];
  ws.eachRow({ includeEmpty: false }, (r, n) => {
    const cells: unknown[] = [];
    r.eachCell({ includeEmpty: true }, (cell, col) => {
      const v = cell.value;
      cells[col - 1] = v && typeof v === 'object' && 'text' in v ? (v as { text: unknown }).text : v && typeof v === 'object' && 'result' in v ? (v as { result: unknown }).result : v;
    });
    table.push({ n, cells });
  });
  if (table.length === 0) return [];
  const rows = tableRows(
    table.map((t) => t.cells),
    table[0].n,
  );
  // Keep the sheet's own row numbers when blank rows were skipped.
  return rows.map((r, i) => ({ ...r, row: table[i + 1].n }));
}

function readGeoJson(data: Buffer): RawRow[] {
  let fc: FeatureCollection;
  try {
    fc = JSON.parse(data.toString('utf8'));
  } catch {
    throw new Problem(400, 'import_format', 'The file is not valid JSON', { field: 'file' });
  }
  if (fc?.type !== 'FeatureCollection' || !Array.isArray(fc.features))
    throw new Problem(400, 'import_format', 'A GeoJSON import is a FeatureCollection', { field: 'file' });
  return fc.features.map((f, i) => ({ row: i + 1, values: { ...(f?.properties ?? {}) }, geometry: f?.geometry }));
}

/** The format a file's name says (`.csv`, `.xlsx`, `.geojson` or `.json`), or null. */
export function formatOf(filename: string): Format | null {
  const ext = filename.toLowerCase().match(/\.([a-z]+)$/)?.[1];
  return ext === 'csv' ? 'csv' : ext === 'xlsx' ? 'xlsx' : ext === 'geojson' || ext === 'json' ? 'geojson' : null;
}

export async function readRows(format: Format, data: Buffer): Promise<RawRow[]> {
  if (format === 'geojson') return readGeoJson(data);
  if (format === 'xlsx') return readXlsx(data);
  const text = data.toString('utf8');
  if (text.includes('\uFFFD')) throw new Problem(400, 'import_format', 'The CSV file is not UTF-8 text', { field: 'file' });
  return tableRows(parseCsv(text), 1);
}

// ---- checking ----

const str = (v: unknown) => (v === null || v === undefined ? '' : String(v).trim());

function checkRow(raw: RawRow, villages: { byName: Map<string, VillageRef[]>; byId: Map<string, VillageRef> }, report: ReportEntry[]): { id: string | null; village: VillageRef; input: BuildingInput } | null {
  const errs: ReportEntry[] = [];
  const add = (field: string, code: ReportEntry['code'], reason: string) => errs.push({ row: raw.row, field, code, reason });
  const v = raw.values;
  for (const [field, value] of Object.entries(v)) {
    if (!IMPORTED.has(field)) continue;
    if (typeof value === 'string' && !isStorableText(value)) add(field, 'format', 'Contains a character that cannot be stored (NUL or an unpaired surrogate)');
  }

  const id = str(v.id);
  if (id && !UUID.test(id)) add('id', 'format', 'The id is the key an export gives each building (a UUID); leave it empty for a new building');
  const vName = str(v.village);
  let village: VillageRef | undefined;
  if (!vName) add('village', 'required', 'A village is required');
  else {
    const found = villages.byId.get(vName) ? [villages.byId.get(vName)!] : (villages.byName.get(vName.toLowerCase()) ?? []);
    if (found.length === 0) add('village', 'unknown_village', `No village named "${vName}"`);
    else if (found.length > 1) add('village', 'ambiguous_village', `"${vName}" names more than one village; use its id`);
    else village = found[0];
  }
  const name = str(v.name);
  if (!name) add('name', 'required', 'A name is required');
  else if (name.length > 120) add('name', 'too_long', 'At most 120 characters');
  if (str(v.name_en).length > 120) add('name_en', 'too_long', 'At most 120 characters');

  const enumField = <T extends string>(field: string, allowed: readonly T[], required: boolean): T | undefined => {
    const val = str(v[field]);
    if (!val) {
      if (required) add(field, 'required', `${field} is required`);
      return undefined;
    }
    if (!(allowed as readonly string[]).includes(val)) {
      add(field, 'unknown_value', `"${val}" is not one of ${allowed.join(', ')}`);
      return undefined;
    }
    return val as T;
  };
  const type = enumField('type', BUILDING_TYPES, true);
  const protectionLevel = enumField('protection_level', HERITAGE_LEVELS, false);
  const currentUse = enumField('current_use', CURRENT_USES, false);
  const ownerType = enumField('owner_type', OWNER_TYPES, false);

  const num = (field: string): number | undefined => {
    const val = str(v[field]);
    if (!val) return undefined;
    const n = Number(val);
    if (!Number.isFinite(n)) {
      add(field, 'not_a_number', `"${val}" is not a number`);
      return undefined;
    }
    return n;
  };
  const buildYear = num('build_year');
  if (buildYear !== undefined && (!Number.isInteger(buildYear) || buildYear < 600 || buildYear > 2100)) add('build_year', 'out_of_range', 'A year between 600 and 2100');

  let geometry: unknown = raw.geometry;
  const geomText = str(v.geometry);
  if (geometry === undefined && geomText) {
    try {
      geometry = JSON.parse(geomText);
    } catch {
      add('geometry', 'invalid_geometry', 'The geometry column holds no valid GeoJSON');
    }
  }
  if (geometry === undefined || geometry === null) {
    const lon = num('lon');
    const lat = num('lat');
    if (str(v.lon) === '') add('lon', 'required', 'A longitude (or a geometry) is required');
    if (str(v.lat) === '') add('lat', 'required', 'A latitude (or a geometry) is required');
    if (lon !== undefined && (lon < -180 || lon > 180)) add('lon', 'out_of_range', `Longitude ${lon} is out of range (−180 to 180)`);
    if (lat !== undefined && (lat < -90 || lat > 90)) add('lat', 'out_of_range', `Latitude ${lat} is out of range (−90 to 90)`);
    if (lon !== undefined && lat !== undefined) geometry = { type: 'Point', coordinates: [lon, lat] };
  }
  for (const f of ['era', 'structure', 'materials'] as const) if (str(v[f]).length > 200) add(f, 'too_long', 'At most 200 characters');
  if (str(v.notes).length > 5000) add('notes', 'too_long', 'At most 5,000 characters');

  if (errs.length) {
    report.push(...errs);
    return null;
  }
  return {
    id: id ? id.toLowerCase() : null,
    village: village!,
    input: {
      villageId: village!.id,
      name,
      // A file without the column (an older export) leaves an entered English name as it is.
      nameEn: 'name_en' in v ? str(v.name_en) || null : undefined,
      type: type!,
      era: str(v.era),
      buildYear: buildYear ?? null,
      protectionLevel,
      structure: str(v.structure),
      materials: str(v.materials),
      currentUse,
      ownerType,
      geometry,
      notes: str(v.notes),
    },
  };
}

export interface ImportResult {
  format: Format;
  rows: number;
  /** created + updated: the rows written (or that would be, on a dry run). */
  imported: number;
  created: number;
  updated: number;
  unchanged: number;
  dryRun: boolean;
  report: ReportEntry[];
}

/** The fields an import may change, compared to tell an updated building from an unchanged one. */
const COMPARED = ['villageId', 'name', 'nameEn', 'type', 'era', 'buildYear', 'protectionLevel', 'structure', 'materials', 'currentUse', 'ownerType', 'geometry', 'notes'] as const;

/** JSON with sorted keys: a stored geometry (jsonb reorders keys) equals the same geometry read from a file. */
function canonical(x: unknown): string {
  if (Array.isArray(x)) return `[${x.map(canonical).join(',')}]`;
  if (x && typeof x === 'object')
    return `{${Object.keys(x)
      .sort()
      .map((k) => `${JSON.stringify(k)}:${canonical((x as Record<string, unknown>)[k])}`)
      .join(',')}}`;
  return JSON.stringify(x ?? null);
}

/**
 * Checks every row and, only when all are good, writes them all in one transaction. Any bad row: a 422
 * whose `report` lists each problem by row and field, and nothing is written.
 */
export async function importBuildings(db: Db, actor: Actor | null, input: { format: Format; data: Buffer; crs: Crs; dryRun: boolean }): Promise<ImportResult> {
  const who = requireActor(actor);
  if (!who.grants.some((g) => (ATLAS_PERMISSIONS['atlas.edit'] as readonly string[]).includes(g.role))) throw forbidden();
  const raw = await readRows(input.format, input.data);
  if (raw.length === 0) throw new Problem(400, 'import_empty', 'The file has no rows to import', { field: 'file' });
  if (raw.length > MAX_IMPORT_ROWS) throw new Problem(413, 'import_too_large', `At most ${MAX_IMPORT_ROWS} rows per import`, { field: 'file' });
  const refs = await villageRefs(db);
  const byName = new Map<string, VillageRef[]>();
  for (const v of refs.values())
    for (const key of new Set([v.nameZh.toLowerCase(), v.namePinyin.toLowerCase()])) byName.set(key, [...(byName.get(key) ?? []), v]);
  const report: ReportEntry[] = [];
  const rows: (typeof buildings.$inferInsert)[] = [];
  const updates: (typeof buildings.$inferInsert & { id: string })[] = [];
  let unchanged = 0;
  // The export's key: a row whose id names a building of this county updates it; any other row adds one.
  const keyed = raw.map((r) => str(r.values.id).toLowerCase()).filter((id) => UUID.test(id));
  const existing = new Map<string, typeof buildings.$inferSelect>();
  for (let i = 0; i < keyed.length; i += 1000) {
    const found = await db.select().from(buildings).where(and(eq(buildings.countyId, who.countyId), inArray(buildings.id, keyed.slice(i, i + 1000))));
    for (const b of found) existing.set(b.id, b);
  }
  const seen = new Map<string, number>();
  for (const r of raw) {
    const checked = checkRow(r, { byName, byId: refs }, report);
    if (!checked) continue;
    if (checked.id) {
      if (seen.has(checked.id)) {
        report.push({ row: r.row, field: 'id', code: 'duplicate_id', reason: `Row ${seen.get(checked.id)} has the same id` });
        continue;
      }
      seen.set(checked.id, r.row);
    }
    const before = checked.id ? existing.get(checked.id) : undefined;
    const from = before ? refs.get(before.villageId) : undefined;
    if (!mayEdit(actor, checked.village) || (before && (!from || !mayEdit(actor, from)))) {
      report.push({ row: r.row, field: 'village', code: 'not_permitted', reason: `You may not edit records of ${(from && !mayEdit(actor, from) ? from : checked.village).nameZh}` });
      continue;
    }
    try {
      const row = buildingRow(checked.village.countyId, checked.village, { ...checked.input, nameEn: checked.input.nameEn === undefined ? before?.nameEn : checked.input.nameEn }, input.crs);
      if (!before) rows.push(checked.id ? { ...row, id: checked.id } : row);
      else if (COMPARED.every((k) => canonical(before[k]) === canonical(row[k]))) unchanged++;
      else updates.push({ ...row, id: before.id });
    } catch (error) {
      if (!(error instanceof GeometryError)) throw error;
      const field = r.geometry !== undefined || str(r.values.geometry) ? `geometry${error.where ? `/${error.where}` : ''}` : 'lon';
      report.push({ row: r.row, field, code: error.where.includes('coordinates') && /out of range/.test(error.message) ? 'out_of_range' : 'invalid_geometry', reason: error.message });
    }
  }
  const result: ImportResult = { format: input.format, rows: raw.length, imported: rows.length + updates.length, created: rows.length, updated: updates.length, unchanged, dryRun: input.dryRun, report };
  if (report.length) {
    const badRows = new Set(report.map((e) => e.row)).size;
    throw new Problem(422, 'import_invalid', `${badRows} of ${raw.length} rows have problems; nothing was imported`, {
      field: 'file',
      rows: raw.length,
      report: report.slice(0, 1000),
      reportTruncated: report.length > 1000,
    });
  }
  if (input.dryRun) return result;
  await db.transaction(async (tx) => {
    for (let i = 0; i < rows.length; i += 500) await tx.insert(buildings).values(rows.slice(i, i + 500));
    for (const { id, countyId, ...row } of updates)
      await tx.update(buildings).set({ ...row, updatedAt: new Date() }).where(and(eq(buildings.countyId, countyId), eq(buildings.id, id)));
    await recordAudit(tx, who, {
      action: 'building.import',
      entity: 'atlas_building',
      details: { format: input.format, rows: raw.length, created: rows.length, updated: updates.length, unchanged },
    });
  });
  return result;
}

// ---- export ----

export async function exportBuildings(db: Db, actor: Actor | null, f: { format: Format; villageId?: string }): Promise<{ data: Buffer; contentType: string; filename: string }> {
  const vis = await visibleVillages(db, actor);
  const ids = f.villageId ? vis.ids.filter((id) => id === f.villageId) : vis.ids;
  const rows = ids.length
    ? await db
        .select()
        .from(buildings)
        .where(and(inArray(buildings.villageId, ids), f.villageId ? eq(buildings.villageId, f.villageId) : undefined))
        .orderBy(asc(buildings.villageId), asc(buildings.name))
    : [];
  const history = new Map<string, { grade: number; assessedOn: string; assessor: string; notes: string }[]>();
  const buildingIds = rows.map((b) => b.id);
  for (let i = 0; i < buildingIds.length; i += 1000) {
    const found = await db
      .select()
      .from(conditionAssessments)
      .where(inArray(conditionAssessments.buildingId, buildingIds.slice(i, i + 1000)))
      .orderBy(asc(conditionAssessments.assessedOn), asc(conditionAssessments.createdAt));
    for (const a of found) history.set(a.buildingId, [...(history.get(a.buildingId) ?? []), { grade: a.grade, assessedOn: a.assessedOn, assessor: a.assessor, notes: a.notes }]);
  }
  const record = (b: (typeof rows)[number]) => ({
    id: b.id,
    village: vis.refs.get(b.villageId)!.nameZh,
    name: b.name,
    name_en: b.nameEn ?? '',
    type: b.type,
    era: b.era,
    build_year: b.buildYear ?? '',
    protection_level: b.protectionLevel,
    structure: b.structure,
    materials: b.materials,
    current_use: b.currentUse,
    owner_type: b.ownerType,
    lon: b.lon,
    lat: b.lat,
    notes: b.notes,
  });
  const stamp = new Date().toISOString().slice(0, 10);
  if (f.format === 'geojson') {
    const fc: FeatureCollection = {
      type: 'FeatureCollection',
      features: rows.map((b): Feature => {
        const { lon: _x, lat: _y, ...props } = record(b);
        return { type: 'Feature', id: b.id, geometry: b.geometry, properties: { ...props, condition: b.condition, condition_history: history.get(b.id) ?? [] } };
      }),
    };
    return { data: Buffer.from(JSON.stringify(fc)), contentType: 'application/geo+json', filename: `buildings-${stamp}.geojson` };
  }
  const table = rows.map((b) => ({
    ...record(b),
    geometry: b.geometry.type === 'Point' ? '' : JSON.stringify(b.geometry),
    condition_history: history.has(b.id) ? JSON.stringify(history.get(b.id)) : '',
  }));
  return { ...(await writeTable(f.format, table)), filename: `buildings-${stamp}.${f.format}` };
}

type TableRecord = Partial<Record<(typeof COLUMNS)[number], unknown>>;

/** A CSV (UTF-8 with a byte-order mark, so spreadsheets read the Chinese) or XLSX file of the columns. */
async function writeTable(format: 'csv' | 'xlsx', table: TableRecord[]): Promise<{ data: Buffer; contentType: string }> {
  if (format === 'csv') {
    const cell = (x: unknown) => {
      const s = String(x ?? '');
      return /[",\r\n]/.test(s) ? `"${s.replace(/"/g, '""')}"` : s;
    };
    const lines = [COLUMNS.join(','), ...table.map((r) => COLUMNS.map((c) => cell(r[c])).join(','))];
    return { data: Buffer.from(`\uFEFF${lines.join('\r\n')}\r\n`), contentType: 'text/csv; charset=utf-8' };
  }
  const wb = new ExcelJS.Workbook();
  const ws = wb.addWorksheet('buildings');
  ws.addRow([...COLUMNS]);
  for (const r of table) ws.addRow(COLUMNS.map((c) => r[c]));
  ws.getRow(1).font = { bold: true };
  const data = Buffer.from(await wb.xlsx.writeBuffer());
  return { data, contentType: 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet' };
}

/** An empty file to fill in, per format: the columns and one example row (a new building, so no id). */
export async function importTemplate(db: Db, format: Format): Promise<{ data: Buffer; contentType: string; filename: string }> {
  const [first] = [...(await villageRefs(db)).values()];
  const example = {
    village: first?.nameZh ?? '',
    name: '示例老屋',
    name_en: 'Example old house',
    type: 'dwelling',
    era: '清代',
    build_year: 1850,
    protection_level: 'none',
    structure: '木构',
    materials: '夯土、木',
    current_use: 'residence',
    owner_type: 'private',
    lon: first?.lon ?? 119.5,
    lat: first?.lat ?? 28.5,
    notes: '',
  };
  if (format === 'geojson') {
    const { lon, lat, ...properties } = example;
    const fc: FeatureCollection = { type: 'FeatureCollection', features: [{ type: 'Feature', geometry: { type: 'Point', coordinates: [lon, lat] }, properties: { id: '', ...properties } }] };
    return { data: Buffer.from(JSON.stringify(fc, null, 2)), contentType: 'application/geo+json', filename: 'buildings-template.geojson' };
  }
  return { ...(await writeTable(format, [example])), filename: `buildings-template.${format}` };
}
