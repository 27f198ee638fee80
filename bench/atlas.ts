/**
 * Atlas map-layer benchmark: seeds 5,000 and then 50,000 heritage buildings around the 78 villages and measures
 * the map-layer endpoint (p50/p99 latency, payload size) for a county view, a township view and a village view,
 * with the ratio 50k/5k. As a baseline in the same process: the naive layer (every building in the box as a
 * GeoJSON point, no zoom filtering or clustering). Not a test.
 *
 *   npm run bench:atlas [-- --requests N]      (DATABASE_URL=postgres://… to run on PostgreSQL instead of PGlite)
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { and, gte, lte } from 'drizzle-orm';
import { openDatabase, type Db } from '../src/db/handle.ts';
import { migrateAll, seedDemoCounty } from '../src/start.ts';
import { atlasBuildings, BUILDING_TYPES, HERITAGE_LEVELS } from '../src/modules/atlas/schema.ts';
import { villageRefs } from '../src/modules/atlas/service.ts';
import { buildApp } from '../src/app.ts';
import { loadConfig } from '../src/server/config.ts';

const requests = Number(process.argv[process.argv.indexOf('--requests') + 1]) || 200;

// A deterministic generator, so runs compare.
let state = 42;
const rand = () => ((state = (state * 1_103_515_245 + 12_345) % 2 ** 31) / 2 ** 31);
const gauss = () => Math.sqrt(-2 * Math.log(rand() + 1e-12)) * Math.cos(2 * Math.PI * rand());

async function addBuildings(db: Db, count: number) {
  const villages = [...(await villageRefs(db)).values()].filter((v) => v.lon !== null && v.lat !== null);
  const rows: (typeof atlasBuildings.$inferInsert)[] = [];
  for (let i = 0; i < count; i++) {
    const v = villages[Math.floor(rand() * villages.length)];
    const lon = v.lon! + gauss() * 0.003;
    const lat = v.lat! + gauss() * 0.0025;
    const name = `老屋${i}`;
    rows.push({
      countyId: v.countyId,
      villageId: v.id,
      name,
      namePinyin: `Laowu${i}`,
      type: BUILDING_TYPES[Math.floor(rand() * BUILDING_TYPES.length)],
      protectionLevel: HERITAGE_LEVELS[Math.floor(rand() * HERITAGE_LEVELS.length)],
      geometry: { type: 'Point', coordinates: [lon, lat] },
      lon,
      lat,
      minLon: lon,
      minLat: lat,
      maxLon: lon,
      maxLat: lat,
      condition: rand() < 0.8 ? 1 + Math.floor(rand() * 5) : null,
      searchText: `${name} laowu${i}`,
    });
  }
  for (let i = 0; i < rows.length; i += 1000) await db.insert(atlasBuildings).values(rows.slice(i, i + 1000));
}

const pct = (xs: number[], p: number) => {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.min(s.length - 1, Math.floor((p / 100) * s.length))];
};

interface Figures {
  p50: number;
  p99: number;
  bytes: number;
  features: number;
  clustered: boolean;
}

async function main() {
  const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'terrace-bench-atlas-'));
  const handle = await openDatabase({ databaseUrl: process.env.DATABASE_URL });
  if (handle.driver === 'postgres') {
    console.error('Running on PostgreSQL: it must be an empty database (the benchmark seeds it).');
  }
  await migrateAll(handle);
  await seedDemoCounty(handle.db, { password: 'bench-password-1' });
  const app = await buildApp(loadConfig({ LOG_LEVEL: 'silent', WEB_DIST: '/nonexistent', DATA_DIR: dataDir }), handle);
  await app.ready();

  const yjt = [...(await villageRefs(handle.db)).values()].find((v) => v.nameZh === '杨家堂村')!;
  const views = [
    { name: 'county (zoom 10)', bbox: [119.1, 28.15, 119.85, 28.75], zoom: 10 },
    { name: 'township (zoom 13)', bbox: [yjt.lon! - 0.05, yjt.lat! - 0.04, yjt.lon! + 0.05, yjt.lat! + 0.04], zoom: 13 },
    { name: 'village (zoom 16)', bbox: [yjt.lon! - 0.006, yjt.lat! - 0.005, yjt.lon! + 0.006, yjt.lat! + 0.005], zoom: 16 },
  ];

  async function measure(view: (typeof views)[number]): Promise<Figures> {
    const url = `/api/v1/atlas/map/buildings?bbox=${view.bbox.map((x) => x.toFixed(6)).join(',')}&zoom=${view.zoom}`;
    const times: number[] = [];
    let last = '';
    for (let i = 0; i < requests + 10; i++) {
      const t0 = performance.now();
      const res = await app.inject({ url });
      const dt = performance.now() - t0;
      if (res.statusCode !== 200) throw new Error(`${url}: ${res.statusCode} ${res.body}`);
      if (i >= 10) times.push(dt);
      last = res.body;
    }
    const body = JSON.parse(last) as { features: unknown[]; clustered: boolean };
    return { p50: pct(times, 50), p99: pct(times, 99), bytes: Buffer.byteLength(last), features: body.features.length, clustered: body.clustered };
  }

  /** The baseline: every building in the box as a GeoJSON point with the same properties. */
  async function naive(view: (typeof views)[number]): Promise<Figures> {
    const [w, s, e, n] = view.bbox;
    const times: number[] = [];
    let last = '';
    for (let i = 0; i < Math.min(requests, 50) + 3; i++) {
      const t0 = performance.now();
      const rows = await handle.db
        .select({ id: atlasBuildings.id, name: atlasBuildings.name, type: atlasBuildings.type, protection: atlasBuildings.protectionLevel, condition: atlasBuildings.condition, lon: atlasBuildings.lon, lat: atlasBuildings.lat })
        .from(atlasBuildings)
        .where(and(gte(atlasBuildings.lon, w), lte(atlasBuildings.lon, e), gte(atlasBuildings.lat, s), lte(atlasBuildings.lat, n)));
      last = JSON.stringify({
        type: 'FeatureCollection',
        features: rows.map((r) => ({ type: 'Feature', id: r.id, geometry: { type: 'Point', coordinates: [r.lon, r.lat] }, properties: { id: r.id, name: r.name, type: r.type, protection: r.protection, condition: r.condition } })),
      });
      if (i >= 3) times.push(performance.now() - t0);
    }
    return { p50: pct(times, 50), p99: pct(times, 99), bytes: Buffer.byteLength(last), features: (JSON.parse(last) as { features: unknown[] }).features.length, clustered: false };
  }

  const results: Record<number, { view: string; layer: Figures; naive: Figures }[]> = {};
  let have = 0;
  for (const total of [5_000, 50_000]) {
    const t0 = performance.now();
    await addBuildings(handle.db, total - have);
    have = total;
    console.log(`seeded ${total.toLocaleString('en')} buildings (${((performance.now() - t0) / 1000).toFixed(1)} s, ${handle.driver})`);
    results[total] = [];
    for (const view of views) results[total].push({ view: view.name, layer: await measure(view), naive: await naive(view) });
  }

  const kb = (b: number) => `${(b / 1024).toFixed(1)} KB`;
  const ms = (x: number) => `${x.toFixed(1)} ms`;
  console.log(`\nmap layer endpoint, ${requests} requests per view (in-process HTTP, ${handle.driver})`);
  console.log('buildings  view                 p50       p99       payload    features  mode       | naive p50  naive payload');
  for (const total of [5_000, 50_000]) {
    for (const r of results[total]) {
      console.log(
        `${total.toLocaleString('en').padStart(9)}  ${r.view.padEnd(19)}  ${ms(r.layer.p50).padStart(8)}  ${ms(r.layer.p99).padStart(8)}  ${kb(r.layer.bytes).padStart(9)}  ${String(r.layer.features).padStart(8)}  ${(r.layer.clustered ? 'clusters' : 'points').padEnd(9)}  | ${ms(r.naive.p50).padStart(9)}  ${kb(r.naive.bytes).padStart(12)}`,
      );
    }
  }
  console.log('\nratio 50,000 / 5,000 (1.0 = does not grow with the records; 10.0 = grows with them)');
  for (const [i, view] of views.entries()) {
    const a = results[5_000][i];
    const b = results[50_000][i];
    console.log(
      `  ${view.name.padEnd(19)}  p50 ×${(b.layer.p50 / a.layer.p50).toFixed(2)}  p99 ×${(b.layer.p99 / a.layer.p99).toFixed(2)}  payload ×${(b.layer.bytes / a.layer.bytes).toFixed(2)}   | naive: p50 ×${(b.naive.p50 / a.naive.p50).toFixed(2)}  payload ×${(b.naive.bytes / a.naive.bytes).toFixed(2)}`,
    );
  }
  await app.close();
  await handle.close();
  fs.rmSync(dataDir, { recursive: true, force: true });
}

await main();
