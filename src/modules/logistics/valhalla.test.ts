// The road engine client against a stand-in HTTP server speaking Valhalla's Matrix protocol (POST /sources_to_targets
// with a JSON body of sources, targets and costing; the answer a row per source of {distance (km), time (s),
// from_index, to_index}, null where no route), and the plan it feeds.
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { checkPlanOnEngine } from './road-plan.test-kit.ts';
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
    await checkPlanOnEngine('valhalla', { url, detour: 2.5, failingUrl: `${url}/wrong-path`, fallback: 'estimate (valhalla failed: road engine answered HTTP 404)' });
  });
});
