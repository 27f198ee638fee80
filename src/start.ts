import path from 'node:path';
import type { FastifyInstance } from 'fastify';
import { buildApp } from './app.ts';
import { sql } from 'drizzle-orm';
import { migrateDatabase, openDatabase, queryRows, type DbHandle } from './db/handle.ts';
import { lockDataDir } from './db/lock.ts';
import { prepareEmbeddedDataDir, saveTemplate } from './db/template.ts';
import { seedDemo, type SeedResult } from './db/seed.ts';
import { issueSetupToken } from './modules/governance/index.ts';
import { MODULES } from './modules.ts';
import { migrationSets } from './server/module.ts';
import { serveBackupRequests } from './server/backup.ts';
import type { Config } from './server/config.ts';

export interface RunningServer {
  app: FastifyInstance;
  handle: DbHandle;
  url: string;
  seed: SeedResult;
  /** The demo county is in this database (seeded now or at an earlier start). */
  demo: boolean;
  /** The database has no county yet: the one-time code that lets the first-run page set it up (null otherwise). */
  setupToken: string | null;
  close(): Promise<void>;
}

/**
 * Opens the database (locking DATA_DIR when embedded), migrates, seeds the demo county into an empty database when
 * the configuration asks for it (TERRACE_DEMO; the embedded default), makes a setup code when there is no county, and
 * listens.
 */
export async function startServer(config: Config, say: (line: string) => void = () => {}): Promise<RunningServer> {
  let release = () => {};
  let dataDir: string | undefined;
  let embedded: ReturnType<typeof prepareEmbeddedDataDir> | undefined;
  if (!config.databaseUrl) {
    release = lockDataDir(config.dataDir);
    dataDir = path.join(config.dataDir, 'pgdata');
    embedded = prepareEmbeddedDataDir(dataDir, migrationSets(MODULES), say);
  }
  let handle: DbHandle | undefined;
  try {
    handle = await openDatabase({ databaseUrl: config.databaseUrl, poolSize: config.databasePoolSize, dataDir, loadDataDir: embedded?.loadDataDir });
    say('正在检查数据库结构 / Applying database migrations…');
    await migrateAll(handle);
    if (embedded?.fresh && !embedded.fromTemplate) {
      say('正在保存数据库模板，下次全新启动更快 / Saving the migrated database as a template for the next fresh start…');
      await saveTemplate(handle, migrationSets(MODULES));
    }
    const seed: SeedResult = config.demo ? await seedDemoCounty(handle.db, { password: config.demoPassword }) : { seeded: false };
    const setupToken = await issueSetupToken(handle.db);
    const demo = seed.seeded || (await demoCountyPresent(handle.db));
    say('正在启动网页服务 / Starting the web server…');
    const app = await buildApp(config, handle);
    await app.listen({ port: config.port, host: config.host });
    const address = app.server.address();
    const port = typeof address === 'object' && address ? address.port : config.port;
    const h = handle;
    const stopServingBackups = serveBackupRequests(h, config);
    return {
      app,
      handle: h,
      url: `http://localhost:${port}`,
      seed,
      demo,
      setupToken,
      async close() {
        stopServingBackups();
        await app.close();
        await h.close();
        release();
      },
    };
  } catch (error) {
    await handle?.close().catch(() => {});
    release();
    throw error;
  }
}

/** Applies every module's migrations (kernel first). */
export const migrateAll = (handle: DbHandle) => migrateDatabase(handle, migrationSets(MODULES));

/** Seeds the demo county with every module's part, into an untouched database only. */
export const seedDemoCounty = (db: DbHandle['db'], options: { password?: string } = {}) => seedDemo(db, MODULES, options);

/** Whether the demo county was ever seeded into this database (its seed leaves an audit row). */
export async function demoCountyPresent(db: DbHandle['db']): Promise<boolean> {
  const [row] = await queryRows<{ present: boolean }>(db, sql`select exists (select 1 from audit_log where action = 'seed.demo_county') as present`);
  return row?.present === true;
}
