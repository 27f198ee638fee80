// Test code shared by the road engine clients' tests (OSRM, Valhalla): the plan a stand-in engine feeds.
import { expect } from 'vitest';
import { solve } from '../../solvers/routing/index.ts';
import type { Gathered } from './build.ts';
import { toSolverInstance } from './instance.ts';
import { computePlan, type SolveFn } from './planning.ts';
import { straightMetres } from './terrain.ts';

/** The solver run in this process (no worker thread). */
export const inProcess: SolveFn = async (instance, options) => ({ ok: true, result: solve(toSolverInstance(instance), options) });

/** One van, one depot, two requests in the demo county. */
export const twoStopDay = (): Gathered => ({
  depots: [{ id: 'd', name: 'hub', lon: 119.482, lat: 28.449, opensMin: 420, closesMin: 1140 }],
  vehicles: [{ id: 'v', name: 'van', kind: 'van', depotId: 'd', capacityKg: 500, speedKmh: 40, batteryWh: null, whPerKm: null, whPerKmKg: null, massKg: null, reloadMin: 15 }],
  requests: [
    { id: 'a', lon: 119.45, lat: 28.47, weightKg: 5, windowStartMin: 480, windowEndMin: 1080 },
    { id: 'b', lon: 119.5, lat: 28.42, weightKg: 5, windowStartMin: 480, windowEndMin: 1080 },
  ],
});

/**
 * The vans' plan through a stand-in engine that answers `detour` × the straight line: its road km are the engine's;
 * pointed at `failingUrl`, the plan falls back to the estimate and says so in `roads` (checked against `fallback`).
 */
export async function checkPlanOnEngine(engine: 'osrm' | 'valhalla', o: { url: string; detour: number; failingUrl: string; fallback: string | RegExp }) {
  const g = twoStopDay();
  const saved = { ...process.env };
  try {
    Object.assign(process.env, { LOGISTICS_ROAD_ENGINE: engine, LOGISTICS_ROAD_URL: o.url });
    const out = await computePlan(g, '2027-01-15', { timeLimitMs: 300, solver: inProcess });
    if (!out.ok) throw new Error(out.error);
    expect(out.result.roads).toBe(engine);
    const pts = [g.depots[0], ...out.result.routes[0].trips[0].stops.map((s) => g.requests.find((r) => r.id === s.requestId)!), g.depots[0]];
    const expected = pts.slice(1).reduce((a, p, i) => a + o.detour * straightMetres(pts[i], p), 0) / 1000;
    expect(out.result.roadKm).toBeCloseTo(expected, 0);
    process.env.LOGISTICS_ROAD_URL = o.failingUrl;
    const fallback = await computePlan(g, '2027-01-15', { timeLimitMs: 300, solver: inProcess });
    if (!fallback.ok) throw new Error(fallback.error);
    if (typeof o.fallback === 'string') expect(fallback.result.roads).toBe(o.fallback);
    else expect(fallback.result.roads).toMatch(o.fallback);
  } finally {
    process.env = saved;
  }
}
