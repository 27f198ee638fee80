// A county's own elevation file: SRTM .hgt and GeoTIFF built here (no binary fixtures), refused with a problem naming
// `file` when they cannot be used, and, once uploaded, planned on: a tall ridge around a village makes its drone
// trip climb more, or grounds it; going back to the bundled model restores the plan.
import { sql } from 'drizzle-orm';
import { writeArrayBuffer } from 'geotiff';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { as, signIn, startTestApp, type Session, type TestApp } from '../../../test/support/app.ts';
import { describeEachDriver } from '../../../test/support/db.ts';
import { multipart } from '../../../test/support/multipart.ts';
import { queryRows } from '../../db/handle.ts';
import { TERRAIN_MAX_BYTES } from './dem-file.ts';
import { straightMetres } from './terrain.ts';

type Village = { id: string; nameZh: string; lon: number | null; lat: number | null };
type Tree = { townships: { nameZh: string; villages: Village[] }[] };
type Mesa = { lon: number; lat: number; top: number; foot: number; heightM: number };

/**
 * Ground at `base` m, and a mesa around a village: `heightM` within `top` metres of it, falling smoothly (a smoothstep,
 * so that a drone's corridor sampled every 150 m stays above the ground) to the base at `foot` metres.
 */
const heightAt = (lon: number, lat: number, base: number, mesa?: Mesa) => {
  if (!mesa) return base;
  const d = straightMetres({ lon, lat }, mesa);
  const x = Math.min(1, Math.max(0, (mesa.foot - d) / (mesa.foot - mesa.top)));
  return base + (mesa.heightM - base) * x * x * (3 - 2 * x);
};

/** A 3 arc-second SRTM tile (1201 × 1201 big-endian int16, rows north to south) with its south-west corner at lon, lat. */
function hgt(lon: number, lat: number, mesa?: Mesa): Buffer {
  const n = 1201;
  const buf = Buffer.alloc(n * n * 2);
  for (let r = 0; r < n; r++) for (let c = 0; c < n; c++) buf.writeInt16BE(heightAt(lon + c / (n - 1), lat + 1 - r / (n - 1), 300, mesa), (r * n + c) * 2);
  return buf;
}

/** A GeoTIFF (float metres) over 119–120°E, 28–29°N at 0.001°, in EPSG:4326 unless another code is given. */
function geotiff(mesa?: Mesa, projected?: number): Buffer {
  const cell = 0.001;
  const w = 1000;
  const h = 1000;
  const values = new Float32Array(w * h);
  for (let r = 0; r < h; r++) for (let c = 0; c < w; c++) values[r * w + c] = heightAt(119 + (c + 0.5) * cell, 29 - (r + 0.5) * cell, 300, mesa);
  const georef = projected
    ? { ProjectedCSTypeGeoKey: projected, GTModelTypeGeoKey: 1, ModelPixelScale: [30, 30, 0], ModelTiepoint: [0, 0, 0, 500000, 3200000, 0] }
    : { GeographicTypeGeoKey: 4326, GTModelTypeGeoKey: 2, ModelPixelScale: [cell, cell, 0], ModelTiepoint: [0, 0, 0, 119, 29, 0] };
  return Buffer.from(writeArrayBuffer(values, { width: w, height: h, GTRasterTypeGeoKey: 1, ...georef }));
}

describeEachDriver('logistics: the county’s own elevation file', (driver) => {
  let t: TestApp;
  let op: Session;
  let tree: Tree;
  const upload = (name: string, data: Buffer, type = 'application/octet-stream') => as(t.app, op)({ method: 'POST', url: '/api/v1/logistics/terrain', ...multipart({}, { name, type, data }) });

  beforeAll(async () => {
    t = await startTestApp(driver, { LOGIN_RATE_LIMIT_PER_MINUTE: '1000' });
    op = await signIn(t.app, 'logistics');
    tree = (await t.app.inject({ url: '/api/v1/county' })).json();
  });
  afterAll(() => t?.close());

  it('refuses a file it cannot plan on with a problem naming the file', async () => {
    const cases: [string, Buffer, number, RegExp][] = [
      ['terrain.zip', Buffer.from('PK\u0003\u0004'), 415, /\.hgt.*GeoTIFF/],
      ['N28E119.hgt', Buffer.alloc(5000), 400, /5000 bytes.*1 arc-second/],
      ['songyang.hgt', hgt(119, 28), 400, /named after its south-west corner/],
      ['N40E100.hgt', hgt(100, 40), 400, /does not cover \d+ of the county/],
      ['dem.tif', Buffer.from('not a tiff at all'), 400, /not a TIFF/],
      ['dem.tif', geotiff().subarray(0, 400), 400, /cannot be read|cut short/],
      ['utm.tif', geotiff(undefined, 32650), 400, /EPSG:32650.*only EPSG:4326/],
      ['N28E119.hgt', Buffer.alloc(TERRAIN_MAX_BYTES + 1), 413, /limit of 32 MB/],
    ];
    for (const [name, data, status, detail] of cases) {
      const res = await upload(name, data);
      expect(res.statusCode, `${name}: ${res.body}`).toBe(status);
      expect(res.headers['content-type']).toMatch(/application\/problem\+json/);
      expect(res.json().field, name).toBe('file');
      expect(res.json().detail, name).toMatch(detail);
    }
    const now = (await as(t.app, op)({ url: '/api/v1/logistics/terrain' })).json();
    expect(now.source).toBe('bundled');
    expect(now.bundled.provenance).toMatch(/SRTM/);
    // Going back to the bundled model when it is already in use is refused.
    const again = await as(t.app, op)({ method: 'POST', url: '/api/v1/logistics/terrain/bundled' });
    expect(again.statusCode).toBe(409);
    expect(again.json().code).toBe('invalid_transition');
  });

  it('plans on the uploaded file: a ridge around a village makes its drone climb, or grounds it; the bundled model comes back', async () => {
    const vehicles = (await as(t.app, op)({ url: '/api/v1/logistics/vehicles' })).json() as { id: string; kind: string; depotId: string }[];
    const depots = (await as(t.app, op)({ url: '/api/v1/logistics/depots' })).json() as { id: string; lon: number; lat: number }[];
    // Only the drones fly today.
    for (const v of vehicles.filter((x) => x.kind === 'van')) expect((await as(t.app, op)({ method: 'PATCH', url: `/api/v1/logistics/vehicles/${v.id}`, payload: { active: false } })).statusCode).toBe(200);
    const droneDepots = depots.filter((d) => vehicles.some((v) => v.kind === 'drone' && v.depotId === d.id));
    // A village 3–6 km from a drone's depot.
    const villages = tree.townships.flatMap((x) => x.villages).filter((v) => v.lon != null && v.lat != null) as (Village & { lon: number; lat: number })[];
    const near = (v: { lon: number; lat: number }) => Math.min(...droneDepots.map((d) => straightMetres(d, v)));
    const village = villages.find((v) => near(v) > 3000 && near(v) < 6000)!;
    expect(village).toBeDefined();
    const day = '2027-04-06';
    const req = await as(t.app, op)({ method: 'POST', url: '/api/v1/logistics/requests', payload: { villageId: village.id, serviceDate: day, weightKg: 2, windowStartMin: 480, windowEndMin: 1080 } });
    expect(req.statusCode, req.body).toBe(201);
    const plan = async () => {
      const started = await as(t.app, op)({ method: 'POST', url: '/api/v1/logistics/plans', payload: { serviceDate: day, timeLimitMs: 500 } });
      expect(started.statusCode, started.body).toBe(202);
      await t.app.jobs.drain();
      const p = (await as(t.app, op)({ url: `/api/v1/logistics/plans/${started.json().planId}` })).json();
      expect(p.status, p.error).toBe('ready');
      const trip = (p.result.routes as { kind: string; trips: { energyWh: number; profile: [number, number, number][] }[] }[]).flatMap((r) => r.trips)[0];
      return { terrain: p.result.terrain as string, trip, unserved: p.unserved as { reason: string }[] };
    };
    const bundled = await plan();
    expect(bundled.terrain).toBe('bundled');
    expect(bundled.trip.energyWh).toBeGreaterThan(0);
    const mesa = (heightM: number): Mesa => ({ lon: village.lon, lat: village.lat, top: 500, foot: 2500, heightM });

    // A flat GeoTIFF (300 m everywhere), then the same with the village on a mesa 1 500 m above the land around.
    const flatTif = await upload('songyang-flat.tif', geotiff(), 'image/tiff');
    expect(flatTif.statusCode, flatTif.body).toBe(201);
    const flat = await plan();
    expect(flat.terrain).toBe('songyang-flat.tif');
    expect(new Set(flat.trip.profile.map((x) => x[1]))).toEqual(new Set([300]));
    const tif = await upload('songyang-ridge.tif', geotiff(mesa(1800)), 'image/tiff');
    expect(tif.statusCode, tif.body).toBe(201);
    expect(tif.json()).toMatchObject({ source: 'uploaded', uploaded: { fileName: 'songyang-ridge.tif', format: 'geotiff', arcSeconds: 3.6, maxElevationM: 1800 } });
    const ridged = await plan();
    expect(ridged.terrain).toBe('songyang-ridge.tif');
    expect(Math.max(...ridged.trip.profile.map((x) => x[1]))).toBeGreaterThan(1790);
    // The drone climbs the mesa with the parcel: 1 500 m at 27 kg is about 158 Wh more than on the flat land.
    expect(ridged.trip.energyWh).toBeGreaterThan(flat.trip.energyWh + 140);

    // An .hgt tile with the mesa 9 000 m high: no battery climbs it, and the only carriers are drones.
    const tile = await upload('N28E119.hgt', hgt(119, 28, mesa(9000)));
    expect(tile.statusCode, tile.body).toBe(201);
    expect(tile.json().uploaded).toMatchObject({ fileName: 'N28E119.hgt', format: 'hgt', arcSeconds: 3, minLon: expect.closeTo(119, 2), maxLat: expect.closeTo(29, 2) });
    const grounded = await plan();
    expect(grounded.terrain).toBe('N28E119.hgt');
    expect(grounded.trip).toBeUndefined();
    expect(grounded.unserved.map((u) => u.reason)).toEqual(['out_of_range']);

    // Back to the bundled model: the plan is as before.
    const back = await as(t.app, op)({ method: 'POST', url: '/api/v1/logistics/terrain/bundled' });
    expect(back.statusCode, back.body).toBe(200);
    expect(back.json()).toMatchObject({ source: 'bundled', uploaded: null });
    const again = await plan();
    expect(again.terrain).toBe('bundled');
    expect(again.trip.energyWh).toBe(bundled.trip.energyWh);

    const actions = await queryRows<{ action: string }>(t.db.db, sql`select action from audit_log where action like 'logistics.terrain.%' order by at, id`);
    expect(actions.map((a) => a.action)).toEqual(['logistics.terrain.upload', 'logistics.terrain.upload', 'logistics.terrain.upload', 'logistics.terrain.bundled']);
  });
});
