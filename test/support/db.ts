import fs from 'node:fs';
import { randomBytes } from 'node:crypto';
import pg from 'pg';
import { describe, inject } from 'vitest';
import { openDatabase, type DbHandle, type Driver } from '../../src/db/handle.ts';
import { withDatabase } from './urls.ts';


/** PGlite always; PostgreSQL too when TEST_DATABASE_URL is set (CI sets it). */
export function testDrivers(): Driver[] {
  return process.env.TEST_DATABASE_URL ? ['pglite', 'postgres'] : ['pglite'];
}

/** Runs a suite once per driver, named so a failure says which. */
export function describeEachDriver(name: string, suite: (driver: Driver) => void) {
  for (const driver of testDrivers()) describe(`${name} [${driver}]`, () => suite(driver));
}

export interface TestDatabase extends DbHandle {
  /** A connection string for the copy (PostgreSQL only), e.g. for a server started as a child process. */
  url?: string;
  dispose(): Promise<void>;
}

/** A fresh, migrated and seeded database of the given driver, private to the caller. */
export async function freshDatabase(driver: Driver, poolSize = 10): Promise<TestDatabase> {
  if (driver === 'pglite') {
    const dump = new Blob([fs.readFileSync(inject('pgliteTemplate'))]);
    const handle = await openDatabase({ loadDataDir: dump });
    return { ...handle, dispose: () => handle.close() };
  }
  const base = process.env.TEST_DATABASE_URL!;
  const name = `terrace_t_${randomBytes(6).toString('hex')}`;
  const admin = new pg.Client({ connectionString: base });
  await admin.connect();
  try {
    for (let attempt = 0; ; attempt++) {
      try {
        await admin.query(`create database "${name}" template "${inject('postgresTemplate')}"`);
        break;
      } catch (error) {
        // Two files copying the template at the same instant: PostgreSQL refuses one; try again.
        if (attempt >= 10 || !/being accessed by other users/.test(String(error))) throw error;
        await new Promise((r) => setTimeout(r, 200 + Math.random() * 300));
      }
    }
  } finally {
    await admin.end();
  }
  return ownedDatabase(name, poolSize);
}

/** An empty database of the given driver (no migrations), private to the caller. */
export async function emptyDatabase(driver: Driver, poolSize = 2): Promise<TestDatabase> {
  if (driver === 'pglite') {
    const handle = await openDatabase({});
    return { ...handle, dispose: () => handle.close() };
  }
  const name = `terrace_e_${randomBytes(6).toString('hex')}`;
  const admin = new pg.Client({ connectionString: process.env.TEST_DATABASE_URL! });
  await admin.connect();
  await admin.query(`create database "${name}"`);
  await admin.end();
  return ownedDatabase(name, poolSize);
}

/** A handle on a database of the PostgreSQL server at TEST_DATABASE_URL that disposing drops. */
async function ownedDatabase(name: string, poolSize: number): Promise<TestDatabase> {
  const base = process.env.TEST_DATABASE_URL!;
  const url = withDatabase(base, name);
  const handle = await openDatabase({ databaseUrl: url, poolSize });
  return {
    ...handle,
    url,
    async dispose() {
      await handle.close();
      const c = new pg.Client({ connectionString: base });
      await c.connect();
      await c.query(`drop database if exists "${name}" with (force)`);
      await c.end();
    },
  };
}
