import { describe, expect, it } from 'vitest';
import { checkSolution } from './checker.ts';
import { InfeasibleInstanceError, InvalidInstanceError } from './errors.ts';
import { solve } from './index.ts';
import type { Instance } from './model.ts';
import { savings } from './savings.ts';
import { readSolomon } from './solomon.ts';
import { fixture } from './testSupport.ts';
import { readVrplib } from './vrplib.ts';

const aN32 = readVrplib(fixture('cvrp/A-n32-k5.vrp'));

describe('solve on benchmark instances', () => {
  it('reaches the optimum 784 of A-n32-k5 within 300 iterations, seed 1', () => {
    const result = solve(aN32, { seed: 1, maxIterations: 300 });
    const check = checkSolution(aN32, result);
    expect(check.violations).toEqual([]);
    expect(check.cost).toBe(784);
    expect(result.cost).toBe(784);
    expect(result.feasible).toBe(true);
  });

  it('is deterministic for a given seed and iteration budget', () => {
    const a = solve(aN32, { seed: 7, maxIterations: 60 });
    const b = solve(aN32, { seed: 7, maxIterations: 60 });
    expect(b.routes).toEqual(a.routes);
    expect(b.cost).toBe(a.cost);
  });

  it('reaches the best-known distance 827.3 of Solomon C101 with at most 25 vehicles', () => {
    const c101 = readSolomon(fixture('vrptw/C101.txt'));
    const result = solve(c101, { seed: 1, maxIterations: 50 });
    const check = checkSolution(c101, result);
    expect(check.violations).toEqual([]);
    expect(check.cost).toBeCloseTo(827.3, 6);
    expect(result.cost).toBeCloseTo(check.cost, 6);
  });

  it('stops at the deadline and reports progress with improving costs', () => {
    const costs: number[] = [];
    const start = Date.now();
    const result = solve(aN32, { seed: 3, timeLimitMs: 300, onProgress: (p) => costs.push(p.bestCost) });
    expect(Date.now() - start).toBeLessThan(2000);
    expect(costs.length).toBeGreaterThan(0);
    expect([...costs].sort((x, y) => y - x)).toEqual(costs);
    expect(costs[costs.length - 1]).toBe(result.cost);
  });

  it('beats the savings baseline, whose own solution is feasible', () => {
    const base = savings(aN32);
    const check = checkSolution(aN32, base);
    expect(check.violations).toEqual([]);
    expect(check.cost).toBe(base.cost);
    expect(base.cost).toBeGreaterThan(784);
  });
});

/** Stops on a line at x = 1..n from a depot at 0. */
function line(n: number, stop: Partial<Instance['stops'][number]> = {}): Instance['stops'] {
  return Array.from({ length: n }, (_, i) => ({ x: i + 1, y: 0, demand: 1, ...stop }));
}

describe('drones and mixed fleets', () => {
  const flat = (from: number, to: number, payload: number): number => Math.abs(from - to) * (1 + payload);

  it('sends one drone on several trips when its capacity allows one parcel at a time', () => {
    const inst: Instance = {
      depots: [{ x: 0, y: 0 }],
      stops: line(3),
      vehicleTypes: [{ name: 'drone', count: 1, capacity: 1, battery: 100, energy: flat, multiTrip: true, reloadTime: 1 }],
      metric: { kind: 'euclidean' },
    };
    const result = solve(inst, { seed: 1, maxIterations: 50 });
    expect(checkSolution(inst, result).violations).toEqual([]);
    expect(result.routes).toHaveLength(1);
    expect(result.routes[0].trips.map((t) => t.length)).toEqual([1, 1, 1]);
    expect(result.cost).toBe(2 + 4 + 6);
  });

  it('keeps a multi-trip vehicle within its maxTrips, and the checker counts them', () => {
    const inst: Instance = {
      depots: [{ x: 0, y: 0 }],
      stops: line(3),
      vehicleTypes: [{ name: 'drone', count: 2, capacity: 1, battery: 100, energy: flat, multiTrip: true, maxTrips: 2, reloadTime: 1 }],
      metric: { kind: 'euclidean' },
    };
    const result = solve(inst, { seed: 1, maxIterations: 50 });
    expect(checkSolution(inst, result).violations).toEqual([]);
    expect(result.routes.map((r) => r.trips.length).sort()).toEqual([1, 2]);
    const three = { ...result, routes: [{ vehicleType: 0, trips: [[0], [1], [2]] }] };
    expect(checkSolution(inst, three).violations.join()).toContain('3 trips, above its maximum 2');
  });

  it('gives the far stops to the van when the drone cannot fly there', () => {
    const inst: Instance = {
      depots: [{ x: 0, y: 0 }],
      stops: line(6),
      vehicleTypes: [
        { name: 'van', count: 1, capacity: 10, fixedCost: 5 },
        { name: 'drone', count: 2, capacity: 2, battery: 20, energy: (f, t, p) => (Math.max(f, t) > 3 ? Infinity : flat(f, t, p)) },
      ],
      metric: { kind: 'euclidean' },
    };
    const result = solve(inst, { seed: 1, maxIterations: 100 });
    const check = checkSolution(inst, result);
    expect(check.violations).toEqual([]);
    expect(check.cost).toBeCloseTo(result.cost, 9);
    const van = result.routes.find((r) => r.vehicleType === 0)!;
    expect(van.trips.flat()).toEqual(expect.arrayContaining([3, 4, 5]));
  });

  it('respects time windows with waiting, and a bounded fleet', () => {
    const inst: Instance = {
      depots: [{ x: 0, y: 0, open: 0, close: 100 }],
      stops: [
        { x: 10, y: 0, early: 50, late: 60, service: 5 },
        { x: 0, y: 10, early: 0, late: 20, service: 5 },
        { x: -10, y: 0, early: 30, late: 45, service: 5 },
      ],
      vehicleTypes: [{ count: 1 }],
      metric: { kind: 'euclidean' },
    };
    const result = solve(inst, { seed: 2, maxIterations: 50 });
    expect(checkSolution(inst, result).violations).toEqual([]);
    expect(result.routes).toEqual([{ vehicleType: 0, trips: [[1, 2, 0]] }]);
  });
});

describe('metrics and depots', () => {
  it('uses great-circle metres for lon/lat, and the checker agrees on the cost', () => {
    // Songyang county seat and three villages around it
    const inst: Instance = {
      depots: [{ x: 119.4829, y: 28.4291 }],
      stops: [
        { x: 119.3966, y: 28.4726, demand: 1 },
        { x: 119.5533, y: 28.5301, demand: 1 },
        { x: 119.6201, y: 28.3812, demand: 1 },
      ],
      vehicleTypes: [{ capacity: 2 }],
      metric: { kind: 'haversine' },
    };
    const result = solve(inst, { seed: 1, maxIterations: 20 });
    const check = checkSolution(inst, result);
    expect(check.violations).toEqual([]);
    expect(check.cost).toBeCloseTo(result.cost, 6);
    expect(result.cost).toBeGreaterThan(30_000);
    expect(result.cost).toBeLessThan(80_000);
  });

  it('serves each cluster from its own depot, with a separate time matrix', () => {
    const coords = [[0, 0], [100, 0], [1, 1], [2, 0], [99, 1], [101, 2]];
    const distance = coords.map(([ax, ay]) => coords.map(([bx, by]) => Math.round(Math.hypot(ax - bx, ay - by))));
    const inst: Instance = {
      depots: [{}, {}],
      stops: [{ demand: 1 }, { demand: 1 }, { demand: 1 }, { demand: 1 }],
      vehicleTypes: [
        { name: 'west van', depot: 0, count: 1, capacity: 4 },
        { name: 'east van', depot: 1, count: 1, capacity: 4 },
      ],
      metric: { kind: 'matrix', distance, time: distance.map((row) => row.map((d) => 2 * d)) },
    };
    const result = solve(inst, { seed: 1, maxIterations: 30 });
    expect(checkSolution(inst, result).violations).toEqual([]);
    const byType = Object.fromEntries(result.routes.map((r) => [r.vehicleType, r.trips.flat().sort()]));
    expect(byType).toEqual({ 0: [0, 1], 1: [2, 3] });
  });
});

describe('bad instances are reported before any search', () => {
  const base: Instance = { depots: [{ x: 0, y: 0 }], stops: line(3), vehicleTypes: [{ capacity: 5 }], metric: { kind: 'euclidean' } };

  it('names a stop whose demand exceeds every capacity', () => {
    const inst = { ...base, stops: line(3).map((s, i) => (i === 1 ? { ...s, demand: 9 } : s)) };
    expect(() => solve(inst)).toThrow(InfeasibleInstanceError);
    expect(() => solve(inst)).toThrow(/stop 1 \(label 2\) cannot be served by any vehicle — type 0: demand 9 exceeds capacity 5/);
  });

  it('names a stop whose time window cannot be reached', () => {
    const inst = { ...base, stops: line(3).map((s, i) => (i === 2 ? { ...s, early: 0, late: 2 } : s)) };
    expect(() => solve(inst)).toThrow(/stop 2 \(label 3\) cannot be served by any vehicle — type 0: earliest arrival 3 is after the window closes at 2/);
  });

  it('names a stop that only a drone could serve but the drone cannot fly to', () => {
    const inst: Instance = {
      ...base,
      vehicleTypes: [{ name: 'drone', capacity: 5, battery: 100, energy: (f, t) => (f === 3 || t === 3 ? Infinity : 1) }],
    };
    expect(() => solve(inst)).toThrow(/stop 2 \(label 3\) cannot be served by any vehicle — drone: a leg of the round trip cannot be flown/);
  });

  it('reports a battery too small, a route too long, and a fleet too small', () => {
    const weak: Instance = { ...base, vehicleTypes: [{ name: 'drone', battery: 5, energy: (f, t) => Math.abs(f - t) }] };
    expect(() => solve(weak)).toThrow(/stop 2 .* drone: round trip needs energy 6, more than battery 5/);
    const short: Instance = { ...base, vehicleTypes: [{ maxDistance: 4 }] };
    expect(() => solve(short)).toThrow(/stop 2 .* round trip of 6 exceeds max distance 4/);
    const few: Instance = { ...base, vehicleTypes: [{ capacity: 1, count: 2 }] };
    expect(() => solve(few)).toThrow(/total demand 3 exceeds the whole fleet's capacity 2/);
  });

  it('rejects contradictory data', () => {
    expect(() => solve({ ...base, stops: [{ x: 1, y: 1, early: 5, late: 1 }] })).toThrow(InvalidInstanceError);
    expect(() => solve({ ...base, metric: { kind: 'matrix', distance: [[0, 1], [1, 0]] } })).toThrow(/distance matrix has 2 rows, expected 4/);
  });

  it('returns an explicit infeasible result when the bounded fleet cannot fit the windows', () => {
    // two stops both due at time 1, 1 away in opposite directions, one vehicle
    const inst: Instance = {
      depots: [{ x: 0, y: 0 }],
      stops: [{ x: 1, y: 0, late: 1 }, { x: -1, y: 0, late: 1 }],
      vehicleTypes: [{ count: 1 }],
      metric: { kind: 'euclidean' },
    };
    const result = solve(inst, { seed: 1, maxIterations: 20 });
    expect(result.feasible).toBe(false);
    expect(result.violations.join()).toMatch(/time windows missed/);
    expect(checkSolution(inst, result).feasible).toBe(false);
  });
});
