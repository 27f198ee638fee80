// The road engine client against a stand-in HTTP server speaking Valhalla's Matrix protocol (POST /sources_to_targets
// with a JSON body of sources, targets and costing; the answer a row per source of {distance (km), time (s),
// from_index, to_index}, null where no route), and the plan it feeds.
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { solve } from '../../solvers/routing/index.ts';
import type { Gathered } from './build.ts';
import { toSolverInstance } from './instance.ts';
import { computePlan, type SolveFn } from './planning.ts';
import { roadMatrix } from './roads.ts';
import { straightMetres } from './terrain.ts';

type Loc = { lat: number; lon: number };

/** Distance = 2.5 × straight line, 12 m/s; a target at lat 0 has no route; bodies it cannot read get Valhalla's error form. */
function standIn() {
  const bodies: { sources: Loc[]; targets: Loc[]; costing: string }[] = [];
  const server = http.createServer((req, res) => {
    let raw = '';
    req.on('data', (c) => (raw += c));
    req.on('end', () => {
      const json = (status: number, body: unknown) => res.writeHead(status, { 'content-type': 'application/json' }).end(JSON.stringify(body));
      if (req.method !== 'POST' || req.url !== '/sources_to_targets') return json(404, { error_code: 106, error: 'Try any of: /sources_to_targets', status_code: 404, status: 'Not Found' });
      let body: { sources?: Loc[]; targets?: Loc[]; costing?: string };
      try {
        body = JSON.parse(raw);
      } catch {
        return json(400, { error_code: 100, error: 'Failed to parse json request', status_code: 400, status: 'Bad Request' });
      }
      if (!Array.isArray(body.sources) || !Array.isArray(body.targets) || !body.costing) return json(400, { error_code: 112, error: 'Insufficient number of locations provided', status_code: 400, status: 'Bad Request' });
      bodies.push(body as (typeof bodies)[number]);
      const rows = body.sources.map((s, i) =>
        body.targets!.map((t, j) => {
          if (t.lat === 0) return { distance: null, time: null, from_index: i, to_index: j };
          const m = 2.5 * straightMetres(s, t);
          return { distance: Math.round(m) / 1000, time: Math.round(m / 12), from_index: i, to_index: j };
        }),
      );
      json(200, { sources_to_targets: rows, units: 'kilometers', sources: body.sources, targets: body.targets });
    });
  });
  return { server, bodies };
}

const inProcess: SolveFn = async (instance, options) => ({ ok: true, result: solve(toSolverInstance(instance), options) });

describe('road engine (Valhalla sources_to_targets protocol)', () => {
  const { server, bodies } = standIn();
  let url = '';
  beforeAll(async () => {
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
    url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  });
  afterAll(() => new Promise<void>((r) => server.close(() => r())));

  it('asks by blocks with car costing, reads km as metres and seconds, and leaves unroutable pairs empty', async () => {
    const points = [...Array.from({ length: 70 }, (_, i) => ({ lon: 119.3 + (i % 10) * 0.02, lat: 28.3 + Math.floor(i / 10) * 0.02 })), { lon: 119.4, lat: 0 }];
    bodies.length = 0;
    const m = await roadMatrix({ kind: 'valhalla', url }, points);
    // 71 points in blocks of 50: 2 × 2 requests, each with lat/lon locations and car costing.
    expect(bodies).toHaveLength(4);
    expect(bodies.every((b) => b.costing === 'auto' && b.sources.length <= 50 && b.targets.length <= 50)).toBe(true);
    expect(bodies[0].sources[3]).toEqual({ lat: points[3].lat, lon: points[3].lon });
    expect(m.distance[5][5]).toBe(0);
    expect(m.distance[2][64]).toBeCloseTo(2.5 * straightMetres(points[2], points[64]), -1);
    expect(m.duration[64][2]).toBe(Math.round((2.5 * straightMetres(points[64], points[2])) / 12));
    expect(m.distance[3][70]).toBeNull();
    expect(m.duration[3][70]).toBeNull();
  });

  it('feeds the vans’ plan; an engine that answers with an error leaves the plan on the estimate, and it says so', async () => {
    const g: Gathered = {
      depots: [{ id: 'd', name: 'hub', lon: 119.482, lat: 28.449, opensMin: 420, closesMin: 1140 }],
      vehicles: [{ id: 'v', name: 'van', kind: 'van', depotId: 'd', capacityKg: 500, speedKmh: 40, batteryWh: null, whPerKm: null, whPerKmKg: null, massKg: null, reloadMin: 15 }],
      requests: [
        { id: 'a', lon: 119.45, lat: 28.47, weightKg: 5, windowStartMin: 480, windowEndMin: 1080 },
        { id: 'b', lon: 119.5, lat: 28.42, weightKg: 5, windowStartMin: 480, windowEndMin: 1080 },
      ],
    };
    const saved = { ...process.env };
    try {
      Object.assign(process.env, { LOGISTICS_ROAD_ENGINE: 'valhalla', LOGISTICS_ROAD_URL: url });
      const out = await computePlan(g, '2027-01-15', { timeLimitMs: 300, solver: inProcess });
      if (!out.ok) throw new Error(out.error);
      expect(out.result.roads).toBe('valhalla');
      const pts = [g.depots[0], ...out.result.routes[0].trips[0].stops.map((s) => g.requests.find((r) => r.id === s.requestId)!), g.depots[0]];
      const expected = pts.slice(1).reduce((a, p, i) => a + 2.5 * straightMetres(pts[i], p), 0) / 1000;
      expect(out.result.roadKm).toBeCloseTo(expected, 0);
      process.env.LOGISTICS_ROAD_URL = `${url}/wrong-path`;
      const fallback = await computePlan(g, '2027-01-15', { timeLimitMs: 300, solver: inProcess });
      if (!fallback.ok) throw new Error(fallback.error);
      expect(fallback.result.roads).toBe('estimate (valhalla failed: road engine answered HTTP 404)');
    } finally {
      process.env = saved;
    }
  });
});
