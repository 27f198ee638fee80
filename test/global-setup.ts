import fs from 'node:fs';
import path from 'node:path';
import type { TestProject } from 'vitest/node';
import pg from 'pg';
import { openDatabase } from '../src/db/handle.ts';
import { migrateAll, seedDemoCounty } from '../src/start.ts';
import { TEST_PASSWORD } from './support/constants.ts';
import { withDatabase } from './support/urls.ts';

declare module 'vitest' {
  export interface ProvidedContext {
    pgliteTemplate: string;
    postgresTemplate: string;
  }
}

/**
 * Migrates and seeds one database per driver once per run; each test file then starts from a copy:
 * a PGlite data-directory dump, and a PostgreSQL `CREATE DATABASE … TEMPLATE`.
 */
export default async function setup(project: TestProject) {
  const tag = `${process.pid}_${project.name}`;
  const dir = path.resolve('.test-tmp');
  fs.mkdirSync(dir, { recursive: true });

  const pglite = await openDatabase({});
  await migrateAll(pglite);
  await seedDemoCounty(pglite.db, { password: TEST_PASSWORD });
  const dump = await pglite.pglite!.dumpDataDir('gzip');
  const file = path.join(dir, `pglite-template-${tag}.tar.gz`);
  fs.writeFileSync(file, Buffer.from(await dump.arrayBuffer()));
  await pglite.close();
  project.provide('pgliteTemplate', file);

  const url = process.env.TEST_DATABASE_URL;
  let templateName = '';
  if (url) {
    templateName = `terrace_tpl_${tag}`.toLowerCase();
    const admin = new pg.Client({ connectionString: url });
    await admin.connect();
    await admin.query(`drop database if exists "${templateName}" with (force)`);
    await admin.query(`create database "${templateName}"`);
    await admin.end();
    const handle = await openDatabase({ databaseUrl: withDatabase(url, templateName), poolSize: 1 });
    await migrateAll(handle);
    await seedDemoCounty(handle.db, { password: TEST_PASSWORD });
    await handle.close();
  }
  project.provide('postgresTemplate', templateName);

  return async () => {
    fs.rmSync(file, { force: true });
    if (url && templateName) {
      const admin = new pg.Client({ connectionString: url });
      await admin.connect();
      await admin.query(`drop database if exists "${templateName}" with (force)`);
      await admin.end();
    }
  };
}

