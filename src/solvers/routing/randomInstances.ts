/** Random small routing instances for property tests: capacity, windows, mixed fleets, drones with energy. */
import fc from 'fast-check';
import { isMainThread } from 'node:worker_threads';
import { checkSolution } from './checker.ts';
import { InfeasibleInstanceError } from './errors.ts';
import type { SolveResult } from './index.ts';
import type { Instance, VehicleType } from './model.ts';

const coordinate = fc.integer({ min: -20, max: 20 });

const stopArb = fc.record({
  x: coordinate,
  y: coordinate,
  demand: fc.integer({ min: 0, max: 6 }),
  service: fc.integer({ min: 0, max: 5 }),
  early: fc.integer({ min: 0, max: 80 }),
  width: fc.integer({ min: 5, max: 200 }),
  height: fc.integer({ min: 0, max: 300 }),
});

const typeArb = fc.record({
  drone: fc.boolean(),
  count: fc.option(fc.integer({ min: 1, max: 4 }), { nil: undefined }),
  capacity: fc.integer({ min: 4, max: 15 }),
  fixedCost: fc.integer({ min: 0, max: 20 }),
  speed: fc.constantFrom(1, 2),
  maxDuration: fc.option(fc.integer({ min: 60, max: 300 }), { nil: undefined }),
  battery: fc.integer({ min: 40, max: 400 }),
  multiTrip: fc.boolean(),
});

export const instanceArb = fc.record({
  stops: fc.array(stopArb, { minLength: 1, maxLength: 9 }),
  types: fc.array(typeArb, { minLength: 1, maxLength: 2 }),
  close: fc.option(fc.integer({ min: 150, max: 400 }), { nil: undefined }),
  noFly: fc.integer({ min: 0, max: 1000 }),
});

/** Builds an instance (drones: false turns drones into vans); drone energy grows with distance, payload and climb, and some legs cannot be flown. */
export type Spec = typeof instanceArb extends fc.Arbitrary<infer T> ? T : never;

export function build(spec: Spec, unbounded: boolean, drones = true, jitter = false): Instance {
  const heights = [0, ...spec.stops.map((s) => s.height)];
  const xs = [0, ...spec.stops.map((s) => s.x)];
  const ys = [0, ...spec.stops.map((s) => s.y)];
  const energy = (from: number, to: number, payload: number): number => {
    if ((from * 7 + to * 13 + spec.noFly) % 17 === 0 && from !== 0 && to !== 0) return Infinity;
    if (jitter && !isMainThread && Math.random() < 0.0005) spin(0.5 + 1.5 * Math.random());
    const d = Math.hypot(xs[from] - xs[to], ys[from] - ys[to]);
    return d * (1 + 0.1 * payload) + 0.05 * Math.max(0, heights[to] - heights[from]);
  };
  const vehicleTypes: VehicleType[] = spec.types.map((t) => ({
    count: unbounded ? undefined : t.count,
    capacity: t.capacity,
    fixedCost: t.fixedCost,
    speed: t.speed,
    maxDuration: t.maxDuration,
    ...(t.drone && drones ? { battery: t.battery, energy, multiTrip: t.multiTrip, reloadTime: 2 } : {}),
  }));
  return {
    depots: [{ x: 0, y: 0, open: 0, close: spec.close }],
    stops: spec.stops.map((s) => ({ x: s.x, y: s.y, demand: s.demand, service: s.service, early: s.early, late: s.early + s.width })),
    vehicleTypes,
    metric: { kind: 'euclidean' },
  };
}

/** Busy for ms milliseconds. */
function spin(ms: number): void {
  const until = performance.now() + ms;
  while (performance.now() < until);
}

/**
 * The instance `build` makes, from plain data: how a worker thread builds it, since its energy function cannot be
 * copied there (an `InstanceSource`). With jitter, a worker thread's energy function sometimes stalls for 0.5–2 ms at
 * random, so that the workers' pace differs from run to run while every value stays the same.
 */
export function buildFromSpec(data: { spec: Spec; unbounded: boolean; jitter?: boolean }): Instance {
  return build(data.spec, data.unbounded, true, data.jitter ?? false);
}

/**
 * What every solve of a random instance must satisfy: refused up front as infeasible, or a result that the
 * independent checker prices the same and judges the same; with unbounded fleets, always feasible.
 */
export async function expectChecked(inst: Instance, unbounded: boolean, solving: () => SolveResult | Promise<SolveResult>): Promise<void> {
  // imported here, so that worker threads can load this file's instances without the test runner
  const { expect } = await import('vitest');
  let result: SolveResult;
  try {
    result = await solving();
  } catch (e) {
    expect(e).toBeInstanceOf(InfeasibleInstanceError);
    return;
  }
  const check = checkSolution(inst, result);
  expect(check.cost).toBeCloseTo(result.cost, 6);
  if (result.feasible) expect(check.violations).toEqual([]);
  else expect(check.feasible).toBe(false);
  // with unbounded fleets, one route per stop is feasible once the up-front checks pass
  if (unbounded) expect(result.feasible).toBe(true);
}
