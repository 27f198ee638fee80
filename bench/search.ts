/**
 * `npm run bench:search`: the atlas search (`/api/v1/atlas/search?q=yang`) under 20 concurrent clients, with the
 * county's 78 villages and again with 5,000, beside the market catalogue's search measured in the same run as the
 * baseline. Prints requests per second and p50/p99 latency, and each search's p50 as a multiple of the catalogue's.
 *
 *   npm run bench:search [-- --seconds N]      (DATABASE_URL=postgres://… an empty database, to run on PostgreSQL)
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
// @ts-expect-error autocannon 8 ships no type declarations; the little used here is typed below.
import autocannonUntyped from 'autocannon';
import { eq } from 'drizzle-orm';
import { uuidv7 } from 'uuidv7';
import { buildApp } from '../src/app.ts';
import { openDatabase } from '../src/db/handle.ts';
import { adminUnits } from '../src/modules/governance/index.ts';
import { atlasVillageProfiles as villageProfiles } from '../src/modules/atlas/schema.ts';
import { refreshVillageSearch } from '../src/modules/atlas/service.ts';
import { loadConfig } from '../src/server/config.ts';
import { migrateAll, seedDemoCounty } from '../src/start.ts';

const arg = (name: string, fallback: string) => (process.argv.includes(`--${name}`) ? process.argv[process.argv.indexOf(`--${name}`) + 1] : fallback);
const SECONDS = Number(arg('seconds', '5'));
const CONNECTIONS = 20;

const autocannon = autocannonUntyped as (o: { url: string; connections: number; duration: number }) => Promise<{
  non2xx: number;
  errors: number;
  timeouts: number;
  requests: { average: number };
  latency: { p50: number; p99: number };
}>;

interface Figures {
  perSecond: number;
  p50: number;
  p99: number;
}

async function load(url: string): Promise<Figures> {
  const r = await autocannon({ url, connections: CONNECTIONS, duration: SECONDS });
  // Requests still queued when the run stops would slow the next one: wait until one answers on its own.
  await (await fetch(url)).arrayBuffer();
  if (r.non2xx || r.errors) console.log(`  ${url}: ${r.non2xx} non-2xx answers, ${r.errors} errors (${r.timeouts} timeouts)`);
  return { perSecond: r.requests.average, p50: r.latency.p50, p99: r.latency.p99 };
}

/** Adds villages (with made-up names, spread over the townships) until the county has `total`, all published. */
async function growVillages(db: Parameters<typeof refreshVillageSearch>[0], total: number) {
  const units = await db.select().from(adminUnits);
  const townships = units.filter((u) => u.level === 'township');
  const have = units.filter((u) => u.level === 'village').length;
  const syllables = ['yang', 'li', 'shan', 'shui', 'cha', 'zhu', 'song', 'he', 'tian', 'feng', 'lin', 'xi'];
  const hanzi = ['杨', '李', '山', '水', '茶', '竹', '松', '河', '田', '峰', '林', '溪'];
  const rows: (typeof adminUnits.$inferInsert)[] = [];
  for (let i = have; i < total; i++) {
    const t = townships[i % townships.length];
    const a = i % 12;
    const b = Math.floor(i / 12) % 12;
    const id = uuidv7();
    rows.push({
      id,
      countyId: t.countyId,
      parentId: t.id,
      level: 'village',
      path: [...t.path, id],
      nameZh: `${hanzi[a]}${hanzi[b]}${i}村`,
      namePinyin: `${syllables[a]}${syllables[b]}${i}`,
      description: '山间的村落，梯田与老屋。',
    });
  }
  for (let i = 0; i < rows.length; i += 500) await db.insert(adminUnits).values(rows.slice(i, i + 500));
  await refreshVillageSearch(db);
  await db.update(villageProfiles).set({ published: true }).where(eq(villageProfiles.published, false));
  return total - have;
}

async function main() {
  const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'terrace-bench-search-'));
  const handle = await openDatabase({ databaseUrl: process.env.DATABASE_URL, dataDir: path.join(dataDir, 'db') });
  console.log(`search under ${CONNECTIONS} concurrent clients, ${SECONDS} s each, on ${handle.driver}`);
  await migrateAll(handle);
  await seedDemoCounty(handle.db, { password: 'bench-password-1' });
  const config = loadConfig({ LOG_LEVEL: 'silent', WEB_DIST: '/nonexistent', DATA_DIR: dataDir, WRITE_RATE_LIMIT_PER_ADDRESS_PER_MINUTE: '1000000' });
  const rows: [string, Figures][] = [];
  try {
    for (const villages of [78, 5000]) {
      if (villages > 78) console.log(`added ${await growVillages(handle.db, villages)} villages`);
      const app = await buildApp(config, handle, { runJobs: false });
      const base = await app.listen({ port: 0, host: '127.0.0.1' });
      try {
        rows.push([`catalogue ?q=yinhou (${villages} villages)`, await load(`${base}/api/v1/market/products?q=yinhou`)]);
        rows.push([`villages ?q=yjt (${villages} villages)`, await load(`${base}/api/v1/atlas/villages?q=yjt`)]);
        rows.push([`atlas search ?q=yang (${villages} villages)`, await load(`${base}/api/v1/atlas/search?q=yang`)]);
      } finally {
        await app.close();
      }
    }
  } finally {
    await handle.close();
    fs.rmSync(dataDir, { recursive: true, force: true });
  }
  console.log('\nwhat                                   req/s     p50      p99    p50 ÷ catalogue p50 (same size)');
  let catalogue = 1;
  for (const [name, f] of rows) {
    if (name.startsWith('catalogue')) catalogue = f.p50 || 1;
    console.log(`${name.padEnd(38)} ${f.perSecond.toFixed(0).padStart(6)} ${`${f.p50} ms`.padStart(8)} ${`${f.p99} ms`.padStart(8)}   ${(f.p50 / catalogue).toFixed(2)}×`);
  }
}

await main();
