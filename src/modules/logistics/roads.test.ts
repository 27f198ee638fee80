// The road engine client against a stand-in HTTP server speaking OSRM's Table protocol, and the plan it feeds;
// the independent terrain check against routes that break its rules.
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DEFAULT_SETTINGS, type Gathered } from './build.ts';
import { heritageZone } from './nofly.ts';
import type { PlannedRoute } from './planning.ts';
import { checkPlanOnEngine } from './road-plan.test-kit.ts';
import { roadEngineFromEnv, roadMatrix } from './roads.ts';
import { terrainCheck } from './terrainCheck.ts';
import { straightMetres } from './terrain.ts';

/** The stand-in: distance = 3 × straight line, duration = distance / 10 m/s; counts the table requests. */
function standIn() {
  const asked: string[] = [];
  const server = http.createServer((req, res) => {
    asked.push(req.url!);
    const m = /^\/table\/v1\/driving\/([^?]+)\?(.*)$/.exec(req.url!);
    if (!m) {
      res.writeHead(400, { 'content-type': 'application/json' }).end(JSON.stringify({ code: 'InvalidUrl', message: 'bad' }));
      return;
    }
    const coords = m[1].split(';').map((c) => c.split(',').map(Number));
    const q = new URLSearchParams(m[2]);
    const src = q.get('sources')!.split(';').map(Number);
    const dst = q.get('destinations')!.split(';').map(Number);
    if (q.get('annotations') !== 'duration,distance') throw new Error('annotations missing');
    const d = (i: number, j: number) => 3 * straightMetres({ lon: coords[i][0], lat: coords[i][1] }, { lon: coords[j][0], lat: coords[j][1] });
    res.writeHead(200, { 'content-type': 'application/json' }).end(
      JSON.stringify({ code: 'Ok', distances: src.map((i) => dst.map((j) => d(i, j))), durations: src.map((i) => dst.map((j) => d(i, j) / 10)) }),
    );
  });
  return { server, asked };
}

describe('road engine (OSRM table protocol)', () => {
  const { server, asked } = standIn();
  let url = '';
  beforeAll(async () => {
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
    url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  });
  afterAll(() => new Promise<void>((r) => server.close(() => r())));

  it('is configured by LOGISTICS_ROAD_ENGINE and LOGISTICS_ROAD_URL, and off otherwise', () => {
    expect(roadEngineFromEnv({ LOGISTICS_ROAD_ENGINE: 'osrm', LOGISTICS_ROAD_URL: 'http://x:5000/' })).toEqual({ kind: 'osrm', url: 'http://x:5000' });
    expect(roadEngineFromEnv({ LOGISTICS_ROAD_URL: 'http://x:5000' })).toBeNull();
    expect(roadEngineFromEnv({ LOGISTICS_ROAD_ENGINE: 'graphhopper', LOGISTICS_ROAD_URL: 'http://x' })).toBeNull();
  });

  it('asks the table block by block and assembles the full matrix', async () => {
    const points = Array.from({ length: 120 }, (_, i) => ({ lon: 119.3 + (i % 12) * 0.02, lat: 28.3 + Math.floor(i / 12) * 0.02 }));
    asked.length = 0;
    const m = await roadMatrix({ kind: 'osrm', url }, points);
    // 120 points in blocks of 50: 3 × 3 requests.
    expect(asked).toHaveLength(9);
    expect(m.distance[0][0]).toBe(0);
    expect(m.distance[7][113]).toBeCloseTo(3 * straightMetres(points[7], points[113]), 3);
    expect(m.duration[113][7]).toBeCloseTo((3 * straightMetres(points[113], points[7])) / 10, 3);
  });

  it('feeds the vans’ plan: road km as the engine measures them; a dead engine falls back to the estimate and says so', async () => {
    await checkPlanOnEngine('osrm', { url, detour: 3, failingUrl: 'http://127.0.0.1:9', fallback: /^estimate \(osrm failed/ });
  });
});

describe('independent terrain check', () => {
  const depot = { id: 'd', name: 'hub', lon: 119.482, lat: 28.449, opensMin: 420, closesMin: 1140 };
  const drone = { id: 'x', name: 'drone', kind: 'drone' as const, depotId: 'd', capacityKg: 5, speedKmh: 54, batteryWh: 2000, whPerKm: 25, whPerKmKg: 3, massKg: 25, reloadMin: 10 };
  const parcel = { id: 'p', lon: 119.47, lat: 28.46, weightKg: 2, windowStartMin: 480, windowEndMin: 1080 };
  const route: PlannedRoute = { vehicleId: 'x', name: 'drone', kind: 'drone', depotId: 'd', distanceKm: 3, roadKmAvoided: 4, path: [], trips: [{ departAt: '', returnAt: '', stops: [{ requestId: 'p', arriveAt: '', loadKg: 2 }] }] };
  const base: Gathered = { depots: [depot], vehicles: [drone], requests: [parcel], zones: [], settings: DEFAULT_SETTINGS };

  it('passes a clean trip and finds a zone on the way, a ceiling under the clearance, an overload and a flat battery', () => {
    expect(terrainCheck([route], base)).toEqual({ legs: 2, violations: [], rejected: [] });
    // A protected building half way, with its buffer.
    const mid = { lon: (depot.lon + parcel.lon) / 2, lat: (depot.lat + parcel.lat) / 2 };
    const zone = heritageZone({ id: 'h', name: '宗祠', minLon: mid.lon, minLat: mid.lat, maxLon: mid.lon + 0.0002, maxLat: mid.lat + 0.0001 }, 50);
    expect(terrainCheck([route], { ...base, zones: [zone] }).violations.join()).toMatch(/no-fly zone 宗祠/);
    expect(terrainCheck([route], { ...base, settings: { ...DEFAULT_SETTINGS, ceilingM: 20 } }).violations.join()).toMatch(/ceiling 20 m/);
    expect(terrainCheck([route], { ...base, requests: [{ ...parcel, weightKg: 9 }] }).violations.join()).toMatch(/above its payload/);
    expect(terrainCheck([route], { ...base, vehicles: [{ ...drone, batteryWh: 10 }] }).violations.join()).toMatch(/above its battery/);
  });
});
