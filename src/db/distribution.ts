// Reads the catalogue and lists what stands in the way of distributing the schema by county (Citus): a table that is
// neither global (src/db/global-tables.ts) nor keyed by `county_id`, or a key between tenant tables without it.
import { sql } from 'drizzle-orm';
import { queryRows, type Db } from './handle.ts';
import { GLOBAL_TABLES } from './global-tables.ts';

const COUNTY = 'county_id';

interface TableRow {
  table: string;
  county_not_null: boolean | null;
}

interface KeyRow {
  table: string;
  name: string;
  kind: 'p' | 'u' | 'x' | 'i';
  columns: string[] | null;
}

interface ForeignKeyRow {
  table: string;
  name: string;
  columns: string[];
  ref_table: string;
  ref_columns: string[];
}

/** Postgres arrays come back as arrays from node-postgres and PGlite alike; be tolerant of the text form. */
const list = (v: unknown): string[] =>
  Array.isArray(v) ? (v as string[]) : typeof v === 'string' ? v.replace(/^\{|\}$/g, '').split(',').filter(Boolean) : [];

/**
 * What is wrong with the `public` schema for distribution by county, one sentence per problem naming the table and
 * the key; empty when every table is either global or a tenant table keyed by `county_id` throughout.
 */
export async function distributionProblems(db: Db, globals: Readonly<Record<string, unknown>> = GLOBAL_TABLES): Promise<string[]> {
  const isGlobal = (t: string) => Object.hasOwn(globals, t);
  const problems: string[] = [];

  const tables = await queryRows<TableRow>(
    db,
    sql`select c.relname as "table", a.attnotnull as county_not_null
        from pg_class c
        join pg_namespace n on n.oid = c.relnamespace
        left join pg_attribute a on a.attrelid = c.oid and a.attname = ${COUNTY} and not a.attisdropped
        where n.nspname = 'public' and c.relkind in ('r', 'p') and not c.relispartition
        order by 1`,
  );
  const present = new Set(tables.map((t) => t.table));
  for (const name of Object.keys(globals)) if (!present.has(name)) problems.push(`${name}: declared global but no such table`);
  for (const t of tables) {
    if (isGlobal(t.table)) continue;
    if (t.county_not_null === null) problems.push(`${t.table}: neither global nor keyed by county_id (no county_id column)`);
    else if (!t.county_not_null) problems.push(`${t.table}: county_id may be null`);
  }

  // Primary keys, unique and exclusion constraints, and unique indexes that back no constraint.
  const keys = await queryRows<KeyRow>(
    db,
    sql`select c.relname as "table", k.conname as name, k.contype as kind,
          array(select a.attname::text from unnest(k.conkey) as u(n) join pg_attribute a on a.attrelid = k.conrelid and a.attnum = u.n) as columns
        from pg_constraint k
        join pg_class c on c.oid = k.conrelid
        join pg_namespace n on n.oid = c.relnamespace
        where n.nspname = 'public' and k.contype in ('p', 'u', 'x')
        union all
        select c.relname, i.relname, 'i',
          array(select a.attname::text from unnest(x.indkey::int2[]) as u(n) join pg_attribute a on a.attrelid = x.indrelid and a.attnum = u.n)
        from pg_index x
        join pg_class i on i.oid = x.indexrelid
        join pg_class c on c.oid = x.indrelid
        join pg_namespace n on n.oid = c.relnamespace
        where n.nspname = 'public' and x.indisunique
          and not exists (select 1 from pg_constraint k where k.conindid = x.indexrelid and k.conrelid = x.indrelid)
        order by 1, 2`,
  );
  const hasPrimaryKey = new Set<string>();
  for (const k of keys) {
    if (k.kind === 'p') hasPrimaryKey.add(k.table);
    if (isGlobal(k.table)) continue;
    if (!list(k.columns).includes(COUNTY)) {
      const what = { p: 'primary key', u: 'unique constraint', x: 'exclusion constraint', i: 'unique index' }[k.kind];
      problems.push(`${k.table}: ${what} ${k.name} (${list(k.columns).join(', ')}) does not include county_id`);
    }
  }
  for (const t of tables) if (!isGlobal(t.table) && !hasPrimaryKey.has(t.table)) problems.push(`${t.table}: no primary key`);

  const fks = await queryRows<ForeignKeyRow>(
    db,
    sql`select c.relname as "table", k.conname as name, r.relname as ref_table,
          array(select a.attname::text from unnest(k.conkey) with ordinality as u(n, i) join pg_attribute a on a.attrelid = k.conrelid and a.attnum = u.n order by u.i) as columns,
          array(select a.attname::text from unnest(k.confkey) with ordinality as u(n, i) join pg_attribute a on a.attrelid = k.confrelid and a.attnum = u.n order by u.i) as ref_columns
        from pg_constraint k
        join pg_class c on c.oid = k.conrelid
        join pg_class r on r.oid = k.confrelid
        join pg_namespace n on n.oid = c.relnamespace
        where n.nspname = 'public' and k.contype = 'f'
        order by 1, 2`,
  );
  for (const f of fks) {
    const from = isGlobal(f.table);
    const to = isGlobal(f.ref_table);
    if (to) continue; // Anything may refer to a global table.
    if (from) {
      problems.push(`${f.table}: foreign key ${f.name} refers from a global table to the tenant table ${f.ref_table}`);
      continue;
    }
    const cols = list(f.columns);
    const refs = list(f.ref_columns);
    const i = cols.indexOf(COUNTY);
    if (i < 0 || refs[i] !== COUNTY)
      problems.push(`${f.table}: foreign key ${f.name} (${cols.join(', ')}) → ${f.ref_table} (${refs.join(', ')}) does not match on county_id`);
  }
  return problems;
}
