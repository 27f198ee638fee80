// Days that do not fit, and drones carrying pickups, computed in process (no database): what cannot be served is
// listed with its reason, the routes kept pass the routing checker and the independent terrain check.
import { describe, expect, it } from 'vitest';
import { checkSolution, solve } from '../../solvers/routing/index.ts';
import { buildInstance, DEFAULT_SETTINGS, type Gathered } from './build.ts';
import { legEnergyWh, toSolverInstance, type PlanInstance } from './instance.ts';
import { heritageZone } from './nofly.ts';
import { computePlan, type PlannedRoute, type SolveFn } from './planning.ts';
import { repairSolution, routeFailure, energies } from './repair.ts';
import { terrainCheck } from './terrainCheck.ts';

const inProcess: SolveFn = async (instance, options) => ({ ok: true, result: solve(toSolverInstance(instance), options) });
const hub = { id: 'd', name: 'hub', lon: 119.482, lat: 28.449, opensMin: 420, closesMin: 1140 };
const van = { id: 'v', name: 'van', kind: 'van' as const, depotId: 'd', capacityKg: 100, speedKmh: 40, batteryWh: null, whPerKm: null, whPerKmKg: null, massKg: null, reloadMin: 15 };
const drone = { id: 'x', name: 'drone', kind: 'drone' as const, depotId: 'd', capacityKg: 10, speedKmh: 54, batteryWh: 1000, whPerKm: 25, whPerKmKg: 3, massKg: 25, reloadMin: 10 };

/** Every served request once, served + unserved = all, routes re-checked by both checkers. */
function expectAccounted(g: Gathered, result: { routes: PlannedRoute[]; unserved: { requestId: string }[] }) {
  const served = result.routes.flatMap((r) => r.trips.flatMap((t) => t.stops.map((s) => s.requestId)));
  expect(new Set(served).size).toBe(served.length);
  expect([...served, ...result.unserved.map((u) => u.requestId)].sort()).toEqual(g.requests.map((r) => r.id).sort());
  const sub = { ...g, requests: g.requests.filter((r) => served.includes(r.id)), roads: null };
  const built = buildInstance(sub);
  const index = new Map(built.keep.map((i, s) => [sub.requests[i].id, s]));
  const solution = { routes: result.routes.map((r) => ({ vehicleType: g.vehicles.findIndex((v) => v.id === r.vehicleId), trips: r.trips.map((t) => t.stops.map((s) => index.get(s.requestId)!)) })) };
  expect(checkSolution(toSolverInstance(built.instance), solution).violations).toEqual([]);
  expect(terrainCheck(result.routes, sub).violations).toEqual([]);
}

describe('a day that does not fit', () => {
  it('a van with more parcels than an hour allows serves some and lists the rest as over capacity or past their window', async () => {
    const requests = Array.from({ length: 14 }, (_, i) => ({ id: `r${i}`, lon: 119.42 + (i % 7) * 0.015, lat: 28.42 + Math.floor(i / 7) * 0.04, weightKg: 30, windowStartMin: 480, windowEndMin: 540 }));
    const g: Gathered = { depots: [hub], vehicles: [van], requests, roads: null };
    const out = await computePlan(g, '2027-01-15', { timeLimitMs: 500, solver: inProcess });
    if (!out.ok) throw new Error(out.error);
    expect(out.result.routes.length).toBe(1);
    expect(out.result.figures.served).toBeGreaterThan(0);
    expect(out.result.unserved.length).toBeGreaterThan(0);
    for (const u of out.result.unserved) expect(['fleet_full', 'window_unreachable']).toContain(u.reason);
    expectAccounted(g, out.result);
  });

  it('drones only: a village behind a no-fly zone is listed as no-fly, one beyond the battery as out of range', async () => {
    const near = { id: 'near', lon: 119.47, lat: 28.46, weightKg: 2, windowStartMin: 480, windowEndMin: 1080 };
    const behind = { id: 'behind', lon: 119.49, lat: 28.46, weightKg: 2, windowStartMin: 480, windowEndMin: 1080 };
    const far = { id: 'far', lon: 119.1, lat: 28.7, weightKg: 9, windowStartMin: 480, windowEndMin: 1080 };
    const mid = { lon: (hub.lon + behind.lon) / 2, lat: (hub.lat + behind.lat) / 2 };
    const zone = heritageZone({ id: 'h', name: '宗祠', minLon: mid.lon - 0.0003, minLat: mid.lat - 0.0003, maxLon: mid.lon + 0.0003, maxLat: mid.lat + 0.0003 }, 50);
    const g: Gathered = { depots: [hub], vehicles: [drone], requests: [near, behind, far], zones: [zone], settings: DEFAULT_SETTINGS, roads: null };
    const out = await computePlan(g, '2027-01-15', { timeLimitMs: 300, solver: inProcess });
    if (!out.ok) throw new Error(out.error);
    expect(out.result.unserved).toEqual([
      { requestId: 'behind', reason: 'no_fly' },
      { requestId: 'far', reason: 'out_of_range' },
    ]);
    expectAccounted(g, out.result);
  });

  it('repairs a route that breaks windows and capacity by cutting stops and putting them back where they fit', () => {
    const p: PlanInstance = {
      depots: [{ x: 0, y: 0, open: 0, close: 1000 }],
      stops: [0, 1, 2, 3].map(() => ({ x: 0, y: 0, demand: 4, service: 0, early: 0, late: 250 })),
      vehicleTypes: [{ depot: 0, count: 1, capacity: 8, speed: 1, multiTrip: true, reloadTime: 0, maxTrips: 2 }],
      drones: {},
      distance: [[0, 100, 100, 100, 100], [100, 0, 10, 10, 10], [100, 10, 0, 10, 10], [100, 10, 10, 0, 10], [100, 10, 10, 10, 0]],
      time: [[0, 100, 100, 100, 100], [100, 0, 10, 10, 10], [100, 10, 0, 10, 10], [100, 10, 10, 0, 10], [100, 10, 10, 10, 0]],
      road: [],
      air: [],
      climb: [],
      blocked: Array.from({ length: 5 }, () => [0, 0, 0, 0, 0]),
      pickupAt: [0, 0, 0, 0, 0],
    };
    // One trip with all four: over capacity. Two trips of two: the second leaves at 220 and reaches its first stop at 320, past 250.
    expect(routeFailure(p, undefined, 0, [[0, 1, 2, 3]])).toBe('full');
    expect(routeFailure(p, undefined, 0, [[0, 1], [2, 3]])).toBe('window');
    const fixed = repairSolution(p, [{ vehicleType: 0, trips: [[0, 1, 2, 3]] }]);
    expect(fixed.routes).toEqual([{ vehicleType: 0, trips: [[0, 1]] }]);
    expect(fixed.dropped).toEqual([
      { stop: 2, failure: 'full' },
      { stop: 3, failure: 'full' },
    ]);
    expect(checkSolution(toSolverInstance({ ...p, stops: p.stops.slice(0, 2), distance: p.distance.slice(0, 3).map((r) => r.slice(0, 3)), time: p.time.slice(0, 3).map((r) => r.slice(0, 3)) }), { routes: fixed.routes }).feasible).toBe(true);
    expect(energies(p)).toEqual([undefined]);
  });
});

describe('drones carry pickups', () => {
  it('a producer’s tea is flown from its village to the hub, out empty and back loaded, on a trip of its own', async () => {
    const tea = { id: 'tea', kind: 'pickup' as const, lon: 119.47, lat: 28.46, weightKg: 4, windowStartMin: 480, windowEndMin: 1080 };
    const parcel = { id: 'parcel', kind: 'delivery' as const, lon: 119.475, lat: 28.455, weightKg: 3, windowStartMin: 480, windowEndMin: 1080 };
    const g: Gathered = { depots: [hub], vehicles: [drone], requests: [tea, parcel], zones: [], settings: DEFAULT_SETTINGS, roads: null };
    const out = await computePlan(g, '2027-01-15', { timeLimitMs: 300, solver: inProcess });
    if (!out.ok) throw new Error(out.error);
    expect(out.result.unserved).toEqual([]);
    const trips = out.result.routes[0].trips;
    const teaTrip = trips.find((t) => t.stops.some((s) => s.requestId === 'tea'))!;
    // Alone on its trip, the drone arrives empty.
    expect(teaTrip.stops).toHaveLength(1);
    expect(teaTrip.stops[0].loadKg).toBe(0);
    expect(teaTrip.energyWh).toBeLessThanOrEqual(teaTrip.batteryWh!);
    expectAccounted(g, out.result);
    // The solver's energy for the pickup's legs: out empty, back with 4 kg; never between a pickup and another stop.
    const { instance } = buildInstance(g);
    const e = toSolverInstance(instance).vehicleTypes[0].energy!;
    const d = { whPerKm: 25, whPerKmKg: 3, massKg: 25 };
    expect(e(0, 1, 4)).toBeCloseTo(legEnergyWh(d, instance.air[0][1], instance.climb[0][1], 0), 9);
    expect(e(1, 0, 0)).toBeCloseTo(legEnergyWh(d, instance.air[1][0], instance.climb[1][0], 4), 9);
    expect(e(1, 2, 3)).toBe(Infinity);
    expect(e(2, 1, 4)).toBe(Infinity);
  });
});
