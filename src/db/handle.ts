import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { PGlite } from '@electric-sql/pglite';
import { btree_gist } from '@electric-sql/pglite/contrib/btree_gist';
import { pg_trgm } from '@electric-sql/pglite/contrib/pg_trgm';
import type { ExtractTablesWithRelations, SQL } from 'drizzle-orm';
import { drizzle as drizzlePglite } from 'drizzle-orm/pglite';
import { migrate as migratePglite } from 'drizzle-orm/pglite/migrator';
import { drizzle as drizzlePg } from 'drizzle-orm/node-postgres';
import { migrate as migratePg } from 'drizzle-orm/node-postgres/migrator';
import type { PgDatabase, PgQueryResultHKT } from 'drizzle-orm/pg-core';
import pg from 'pg';
/** The one database type every service takes: a connection or an open transaction, on either driver. */
export type Db = PgDatabase<PgQueryResultHKT, Record<string, never>, ExtractTablesWithRelations<Record<string, never>>>;

export type Driver = 'pglite' | 'postgres';

export interface DbHandle {
  db: Db;
  driver: Driver;
  close(): Promise<void>;
  /** The PGlite instance (embedded driver only), for dumps in tests. */
  pglite?: PGlite;
  /** The pg pool (PostgreSQL driver only). */
  pool?: pg.Pool;
}

const KERNEL_MIGRATIONS = path.join(path.dirname(fileURLToPath(import.meta.url)), 'migrations');

/** A migrations folder and its bookkeeping table; the kernel's run first, then each module's in list order. */
export interface MigrationSet {
  name: string;
  folder: string;
  table?: string;
}

const extensions = { btree_gist, pg_trgm };

export interface OpenOptions {
  /** postgres://… to use PostgreSQL; otherwise the embedded database. */
  databaseUrl?: string;
  /** PGlite data directory; omitted means in memory. */
  dataDir?: string;
  /** A PGlite data-directory dump (from dumpDataDir) to start from. */
  loadDataDir?: Blob;
  poolSize?: number;
}

export async function openDatabase(options: OpenOptions): Promise<DbHandle> {
  if (options.databaseUrl) {
    const pool = new pg.Pool({ connectionString: options.databaseUrl, max: options.poolSize ?? 10 });
    // An idle client losing its connection must not crash the server.
    pool.on('error', () => {});
    const db = drizzlePg({ client: pool }) as unknown as Db;
    return { db, driver: 'postgres', pool, close: () => pool.end() };
  }
  const client = await PGlite.create({
    dataDir: options.dataDir,
    loadDataDir: options.loadDataDir,
    extensions,
  });
  const db = drizzlePglite({ client }) as unknown as Db;
  return { db, driver: 'pglite', pglite: client, close: () => client.close() };
}

/** Applies the kernel's migrations, then each module's (a module's tables may refer to those of modules before it). */
export async function migrateDatabase(handle: DbHandle, modules: readonly MigrationSet[]): Promise<void> {
  const sets: MigrationSet[] = [{ name: 'kernel', folder: KERNEL_MIGRATIONS, table: '__drizzle_migrations_kernel' }, ...modules];
  for (const m of sets) {
    if (!fs.existsSync(path.join(m.folder, 'meta', '_journal.json'))) continue;
    const config = { migrationsFolder: m.folder, migrationsTable: m.table ?? `__drizzle_migrations_${m.name}` };
    if (handle.driver === 'postgres') await migratePg(handle.db as never, config);
    else await migratePglite(handle.db as never, config);
  }
}

/** Rows of a raw SQL query; both drivers answer `{ rows }`. */
export async function queryRows<T>(db: Db, query: SQL): Promise<T[]> {
  const result = (await db.execute(query)) as unknown as { rows: T[] };
  return result.rows;
}

/**
 * A hot-path query with a fixed text, issued straight to the driver: on PostgreSQL it is a named prepared
 * statement (parsed and planned once per connection), and no query builder runs per call. Only for a `Db` that is
 * a connection (not a transaction). Rows come as the driver gives them: timestamps may be `Date` or string, so
 * read them through `new Date(…)`.
 */
export async function namedQuery<T>(db: Db, name: string, text: string, params: unknown[]): Promise<T[]> {
  const client = (db as unknown as { $client: pg.Pool | PGlite }).$client;
  if (client instanceof PGlite) return (await client.query<T>(text, params)).rows;
  return (await client.query<T & pg.QueryResultRow>({ name, text, values: params })).rows;
}
