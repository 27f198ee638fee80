import fc from 'fast-check';
import { sql } from 'drizzle-orm';
import { queryRows, type Db } from '../../src/db/handle.ts';

/** The part of an OpenAPI 3.0 schema (as generated from the zod schemas) that the generators read. */
export interface JsonSchema {
  type?: string;
  enum?: unknown[];
  format?: string;
  pattern?: string;
  minLength?: number;
  maxLength?: number;
  minimum?: number;
  maximum?: number;
  exclusiveMinimum?: boolean | number;
  items?: JsonSchema;
  minItems?: number;
  maxItems?: number;
  properties?: Record<string, JsonSchema>;
  required?: string[];
  nullable?: boolean;
  oneOf?: JsonSchema[];
  anyOf?: JsonSchema[];
  default?: unknown;
}

interface Parameter {
  name: string;
  in: 'path' | 'query' | 'header' | 'cookie';
  required?: boolean;
  schema: JsonSchema;
}

export interface Operation {
  method: 'GET' | 'POST' | 'PUT' | 'PATCH' | 'DELETE';
  /** As documented, e.g. `/api/v1/market/products/{id}`. */
  path: string;
  pathParams: Parameter[];
  queryParams: Parameter[];
  /** The JSON body's schema, when the route takes one. */
  body?: JsonSchema;
  bodyRequired: boolean;
}

type OpenApi = { paths: Record<string, Record<string, { parameters?: Parameter[]; requestBody?: { required?: boolean; content?: Record<string, { schema: JsonSchema }> } }>> };

/** Every operation of the served OpenAPI document. */
export function operationsOf(doc: OpenApi): Operation[] {
  return Object.entries(doc.paths).flatMap(([path, ops]) =>
    Object.entries(ops).map(([method, op]) => ({
      method: method.toUpperCase() as Operation['method'],
      path,
      pathParams: (op.parameters ?? []).filter((p) => p.in === 'path'),
      queryParams: (op.parameters ?? []).filter((p) => p.in === 'query'),
      body: op.requestBody?.content?.['application/json']?.schema,
      bodyRequired: op.requestBody?.required ?? false,
    })),
  );
}

export const isWrite = (op: Operation) => op.method !== 'GET';

const day = (offsetDays: number) => new Date(Date.UTC(2027, 2, 1) + offsetDays * 86_400_000).toISOString().slice(0, 10);

/**
 * Values that the schema accepts (as far as JSON Schema says: refinements such as date formats are guessed from
 * field names). `uuid` draws the ids a uuid field may take: real ones make requests reach past validation.
 */
export function validValue(schema: JsonSchema, uuid: (field: string) => fc.Arbitrary<string>, field = ''): fc.Arbitrary<unknown> {
  const plain = (): fc.Arbitrary<unknown> => {
    if (schema.oneOf ?? schema.anyOf) return fc.oneof(...(schema.oneOf ?? schema.anyOf)!.map((s) => validValue(s, uuid, field)));
    if (schema.enum) return fc.constantFrom(...schema.enum);
    switch (schema.type) {
      case 'object': {
        const props = Object.fromEntries(Object.entries(schema.properties ?? {}).map(([k, s]) => [k, validValue(s, uuid, k)]));
        return fc.record(props, { requiredKeys: (schema.required ?? []).filter((k) => k in props) });
      }
      case 'array':
        return fc.array(validValue(schema.items ?? {}, uuid, field), { minLength: schema.minItems ?? 0, maxLength: Math.min(schema.maxItems ?? 3, Math.max(schema.minItems ?? 0, 3)) });
      case 'boolean':
        return fc.boolean();
      case 'integer':
      case 'number': {
        const min = (schema.minimum ?? -1000) + (schema.exclusiveMinimum === true ? 1 : 0);
        const max = Math.min(schema.maximum ?? 1_000_000, Math.max(min, 1_000_000));
        return schema.type === 'integer' ? fc.integer({ min: Math.ceil(min), max: Math.floor(max) }) : fc.double({ min, max, noNaN: true });
      }
      case 'string': {
        if (schema.format === 'uuid') return uuid(field);
        if (schema.format === 'date-time') return fc.integer({ min: 0, max: 400 }).map((d) => `${day(d)}T08:00:00.000Z`);
        if (schema.format === 'date' || /(On|Date|^check(In|Out)|^from$|^to$)$/.test(field)) return fc.integer({ min: 0, max: 400 }).map(day);
        if (schema.format === 'uri') return fc.constantFrom('https://example.org/a.jpg', 'https://terrace.example/');
        if (schema.pattern) return fc.stringMatching(new RegExp(schema.pattern)).filter((s) => s.length <= (schema.maxLength ?? 1000));
        return fc.string({ minLength: schema.minLength ?? 0, maxLength: Math.min(schema.maxLength ?? 40, Math.max(schema.minLength ?? 0, 40)), unit: 'grapheme' });
      }
      default:
        return fc.constant('x');
    }
  };
  return schema.nullable ? fc.option(plain(), { nil: null, freq: 5 }) : plain();
}

/** Ids of rows in the database, by table, for uuid fields to draw from. */
export async function idsByTable(db: Db, exclude: Set<string>): Promise<Map<string, string[]>> {
  const tables = await queryRows<{ table_name: string }>(
    db,
    sql`select table_name from information_schema.columns where table_schema = 'public' and column_name = 'id' and data_type = 'uuid'`,
  );
  const out = new Map<string, string[]>();
  for (const { table_name } of tables) {
    const rows = await queryRows<{ id: string }>(db, sql.raw(`select id::text as id from "${table_name}" order by id limit 8`));
    out.set(table_name, rows.map((r) => r.id).filter((id) => !exclude.has(id)));
  }
  return out;
}

/** The tables a path parameter or a field most likely names: `/market/products/{id}` → market_products. */
export function tablesFor(path: string, field: string, tables: string[]): string[] {
  const before = field === 'id' ? (path.split('/{')[0].split('/').pop() ?? '') : field.replace(/Ids?$/, '');
  const stem = before.replace(/ies$/, 'y').replace(/s$/, '').replace(/([a-z])([A-Z])/g, '$1_$2').toLowerCase();
  if (stem === 'org' || stem === 'shop') return ['organizations'];
  if (stem === 'unit' || stem === 'village' || stem === 'township') return ['admin_units'];
  if (stem === 'user') return ['users'];
  if (stem === 'grant') return ['role_grants'];
  return tables.filter((t) => t.includes(stem));
}

/** The application's tables. */
/**
 * The tables whose rows a request may change: every table but the kernel's own bookkeeping, which moves on every
 * request by design (the shared rate-limit counters count refused writes too) or by itself (the job queue).
 */
const BOOKKEEPING = new Set(['rate_limit_hits', 'job_runs']);

export async function publicTables(db: Db): Promise<string[]> {
  const rows = await queryRows<{ table_name: string }>(db, sql`select table_name from information_schema.tables where table_schema = 'public' and table_type = 'BASE TABLE' order by 1`);
  return rows.map((r) => r.table_name).filter((name) => !BOOKKEEPING.has(name));
}

/** Changes whenever any row of these tables is inserted, updated or deleted: row counts and the sum of row versions. */
export async function rowFingerprint(db: Db, tables: string[]): Promise<string> {
  const parts = tables.map((name) => `select '${name}' as t, count(*)::text as n, coalesce(sum(xmin::text::bigint), 0)::text as x from "${name}"`);
  // Sorted here: PostgreSQL may answer a long UNION ALL in any order (it does, with parallel appends).
  // Without parallel workers: PostgreSQL would start a parallel append for the hundred small scans, which costs
  // five times the scans themselves (40 ms against 8 ms a call on the demo county), and the fuzzer and the
  // authorization matrix call this twice for every write they send. PGlite has no parallel workers; the setting is inert.
  const rows = await db.transaction(async (tx) => {
    await tx.execute(sql`set local max_parallel_workers_per_gather = 0`);
    return queryRows<{ t: string; n: string; x: string }>(tx, sql.raw(parts.join(' union all ')));
  });
  return JSON.stringify(rows.sort((a, b) => (a.t < b.t ? -1 : a.t > b.t ? 1 : 0)));
}
