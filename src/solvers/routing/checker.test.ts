import { describe, expect, it } from 'vitest';
import { checkSolution } from './checker.ts';
import type { Instance } from './model.ts';
import { readSolomon } from './solomon.ts';
import { fixture, parseSol } from './testSupport.ts';
import { readVrplib } from './vrplib.ts';

/** A line of stops at x = 1..4 from a depot at 0; a drone type whose energy is distance × (1 + payload). */
function lineInstance(): Instance {
  return {
    depots: [{ x: 0, y: 0, open: 0, close: 100 }],
    stops: [1, 2, 3, 4].map((x) => ({ x, y: 0, demand: 1, service: 1, early: 0, late: 100 })),
    vehicleTypes: [
      { name: 'van', count: 2, capacity: 3, maxDuration: 50, maxDistance: 20 },
      {
        name: 'drone',
        count: 1,
        capacity: 2,
        battery: 12,
        multiTrip: true,
        reloadTime: 2,
        energy: (from, to, payload) => (from === 4 || to === 4 ? Infinity : Math.abs(from - to) * (1 + payload)),
      },
    ],
    metric: { kind: 'euclidean' },
  };
}

describe('checkSolution', () => {
  it('accepts the best-known A-n32-k5 solution and recomputes its cost 784', () => {
    const inst = readVrplib(fixture('cvrp/A-n32-k5.vrp'));
    const sol = parseSol(inst, fixture('cvrp/A-n32-k5.sol'));
    expect(checkSolution(inst, sol)).toEqual({ feasible: true, cost: 784, distance: 784, violations: [] });
  });

  it('accepts the best-known C101 and R101 solutions at their truncated-decimal costs', () => {
    for (const name of ['C101', 'R101']) {
      const inst = readSolomon(fixture(`vrptw/${name}.txt`));
      const sol = parseSol(inst, fixture(`vrptw/${name}.sol`));
      const check = checkSolution(inst, sol);
      expect(check.violations).toEqual([]);
      expect(check.cost).toBeCloseTo(sol.cost, 6);
    }
  });

  const inst = lineInstance();
  const ok = { routes: [{ vehicleType: 0, trips: [[0, 1, 2]] }, { vehicleType: 0, trips: [[3]] }] };

  it('accepts a feasible solution and counts each used vehicle', () => {
    expect(checkSolution(inst, ok)).toMatchObject({ feasible: true, cost: 6 + 8 });
  });

  it('rejects a stop left out', () => {
    expect(checkSolution(inst, { routes: [{ vehicleType: 0, trips: [[0, 1, 2]] }] }).violations).toEqual(['stop 3 is not served']);
  });

  it('rejects a stop served twice and an unknown stop', () => {
    const v = checkSolution(inst, { routes: [{ vehicleType: 0, trips: [[0, 1, 2]] }, { vehicleType: 0, trips: [[3, 2, 9]] }] }).violations;
    expect(v).toContain('stop 2 is served 2 times');
    expect(v).toContain('route 2: unknown stop 9');
  });

  it('rejects a load above capacity', () => {
    const v = checkSolution(inst, { routes: [{ vehicleType: 0, trips: [[0, 1, 2, 3]] }] }).violations;
    expect(v).toEqual(['route 1: trip 1 carries 4, above capacity 3']);
  });

  it('rejects a missed time window and a late return', () => {
    const tight: Instance = { ...inst, stops: inst.stops.map((s, i) => (i === 0 ? { ...s, late: 0.5 } : s)) };
    expect(checkSolution(tight, ok).violations).toEqual(['route 1: arrives at location 1 at 1, after its window closes at 0.5']);
    const early: Instance = { ...inst, depots: [{ x: 0, y: 0, open: 0, close: 7 }] };
    expect(checkSolution(early, ok).violations).toEqual(['route 1: returns at 9, after the depot closes at 7', 'route 2: returns at 9, after the depot closes at 7']);
  });

  it('measures duration from the latest departure that keeps the windows', () => {
    // stop 0 opens at 40: leaving at 39 needs no wait, so the route lasts 2 + 1 service
    const waiting: Instance = { ...inst, stops: inst.stops.map((s, i) => (i === 0 ? { ...s, early: 40 } : s)), vehicleTypes: [{ ...inst.vehicleTypes[0], maxDuration: 3 }] };
    expect(checkSolution(waiting, { routes: [{ vehicleType: 0, trips: [[0]] }, { vehicleType: 0, trips: [[1, 2, 3]] }] }).violations).toEqual([
      'route 2: lasts 11, above maximum 3',
    ]);
  });

  it('rejects a route longer than the maximum distance', () => {
    const short: Instance = { ...inst, vehicleTypes: [{ ...inst.vehicleTypes[0], maxDistance: 7 }] };
    expect(checkSolution(short, ok).violations).toEqual(['route 2: distance 8 above maximum 7']);
  });

  it('rejects more vehicles than the fleet has', () => {
    const v = checkSolution(inst, { routes: [{ vehicleType: 0, trips: [[0]] }, { vehicleType: 0, trips: [[1]] }, { vehicleType: 0, trips: [[2, 3]] }] }).violations;
    expect(v).toEqual(['vehicle type 0: 3 vehicles used, only 2 available']);
  });

  it('rejects several trips for a vehicle that cannot come back, and an unknown vehicle type', () => {
    expect(checkSolution(inst, { routes: [{ vehicleType: 0, trips: [[0, 1], [2, 3]] }] }).violations).toEqual([
      'route 1: 2 trips, but its vehicle type cannot come back for more',
    ]);
    expect(checkSolution(inst, { routes: [...ok.routes, { vehicleType: 7, trips: [[0]] }] }).violations).toContain('route 3: unknown vehicle type 7');
  });

  it('accepts drone trips within the battery, with payload-dependent energy', () => {
    // trip [0,1]: 1·(1+2) + 1·(1+1) + 2·1 = 7; trip [2]: 3·2 + 3·1 = 9
    const drone = { routes: [{ vehicleType: 1, trips: [[0, 1], [2]] }, { vehicleType: 0, trips: [[3]] }] };
    expect(checkSolution(inst, drone)).toMatchObject({ feasible: true, cost: 4 + 6 + 8 });
  });

  it('rejects a trip above the battery and a leg that cannot be flown', () => {
    // 3·(1+2) + 2·(1+1) + 1·1 = 14
    const heavy = checkSolution(inst, { routes: [{ vehicleType: 1, trips: [[2, 0]] }, { vehicleType: 0, trips: [[1, 3]] }] });
    expect(heavy.violations).toEqual(['route 1: trip 1 needs energy 14, above battery 12']);
    const far = checkSolution(inst, { routes: [{ vehicleType: 1, trips: [[3]] }, { vehicleType: 0, trips: [[0, 1, 2]] }] });
    expect(far.violations).toEqual(['route 1: trip 1 flies a leg 0 → 4 that cannot be flown', 'route 1: trip 1 flies a leg 4 → 0 that cannot be flown']);
  });
});
