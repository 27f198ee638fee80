import { describe, expect, it } from 'vitest';
import { LocalSearch } from './localSearch.ts';
import { buildProblem, type Instance } from './model.ts';
import { DEFAULT_PARAMS } from './params.ts';
import { emptyStats, penalisedCost, RouteEvaluator } from './routeEval.ts';
import { initialPenalties, type Penalties } from './penalties.ts';
import { Rng } from './rng.ts';
import { Split } from './split.ts';
import { fixture } from './testSupport.ts';
import { readVrplib } from './vrplib.ts';

/** A CVRP instance with n random customers (integer coordinates, random demands). */
function randomCvrp(n: number, seed: number, extra: { fixedCost?: number; maxDistance?: number } = {}): Instance {
  const rng = new Rng(seed);
  return {
    name: `random-${n}-${seed}`,
    metric: { kind: 'euclidean', rounding: 'nearest' },
    depots: [{ x: 500, y: 500 }],
    stops: Array.from({ length: n }, () => ({ x: rng.int(1000), y: rng.int(1000), demand: 1 + rng.int(30) })),
    vehicleTypes: [{ capacity: 100 + rng.int(100), ...extra }],
  };
}

/** Local search from random giant tours, with the one-function screen on or off; the routes it ends with. */
function localOptima(instance: Instance, oneFunction: boolean, runs: number): number[][][] {
  const p = buildProblem(instance);
  const rng = new Rng(11);
  const ls = new LocalSearch(p, DEFAULT_PARAMS, rng, oneFunction);
  const split = new Split(p);
  const pen = initialPenalties(p, false);
  const tours = new Rng(5);
  const out: number[][][] = [];
  for (let k = 0; k < runs; k++) {
    const tour = Int32Array.from({ length: p.nNodes - p.nDepots }, (_, i) => p.nDepots + i);
    tours.shuffle(tour);
    ls.run(split.run(tour, pen), pen);
    out.push(ls.routes());
  }
  return out;
}

describe('local search', () => {
  // a screen that let a move through wrongly would only cost time (the move's own method prices it again);
  // one that missed an improving move would end elsewhere, which this catches
  it('takes the same moves whether the pairs are screened in one function or move by move', () => {
    const instances = [
      readVrplib(fixture('cvrp/A-n32-k5.vrp')),
      randomCvrp(120, 1),
      randomCvrp(200, 2),
      // a fixed cost per vehicle and a distance limit: the screen's shortcut for routes without fixed costs is off
      randomCvrp(150, 3, { fixedCost: 300, maxDistance: 2500 }),
    ];
    for (const instance of instances) {
      const fused = localOptima(instance, true, 6);
      const methods = localOptima(instance, false, 6);
      expect(fused).toEqual(methods);
      // and it did improve something: the optima differ from one start to the next
      expect(new Set(fused.map((r) => JSON.stringify(r))).size).toBeGreaterThan(1);
    }
  });

  // Outside fast problems (several depots, drones with an energy function, multi-trip vehicles) moves are screened by
  // their distance change and then priced by walking the routes. A screen that ruled out a move that pays would leave
  // a local optimum that is not one: every relocation of a stop after another stop, and every exchange of the tails
  // after two stops, is tried here by brute force and priced by the route evaluator.
  it('ends, on several depots with drones, where no relocation or tail exchange between two routes pays', () => {
    for (const seed of Array.from({ length: 40 }, (_, k) => k + 1)) {
      const rng = new Rng(seed);
      const stops = Array.from({ length: 28 }, () => ({ x: rng.int(100), y: rng.int(100), demand: 1 + rng.int(4) }));
      const at = (i: number) => (i === 0 ? { x: 20, y: 30 } : i === 1 ? { x: 80, y: 60 } : stops[i - 2]);
      const instance: Instance = {
        name: `multi-depot-${seed}`,
        metric: { kind: 'euclidean' },
        depots: [{ x: 20, y: 30 }, { x: 80, y: 60 }],
        stops,
        vehicleTypes: [
          { depot: 0, count: 3, capacity: 18 },
          { depot: 1, count: 3, capacity: 18, fixedCost: 10 },
          {
            depot: 1,
            count: 1,
            capacity: 4,
            speed: 2,
            battery: 160,
            multiTrip: true,
            maxTrips: 3,
            reloadTime: 1,
            energy: (from, to, payload) => Math.hypot(at(from).x - at(to).x, at(from).y - at(to).y) * (1 + 0.2 * payload),
          },
        ],
      };
      const p = buildProblem(instance);
      expect(p.fast).toBe(false);
      const ls = new LocalSearch(p, { ...DEFAULT_PARAMS, granularity: 40 }, new Rng(seed), true);
      const split = new Split(p);
      const pen = initialPenalties(p, false);
      const tour = Int32Array.from({ length: p.nNodes - p.nDepots }, (_, i) => p.nDepots + i);
      new Rng(seed + 10).shuffle(tour);
      ls.run(split.run(tour, pen), pen);
      expect(missedMoves(p, ls.routes(), pen)).toEqual([]);
    }
  });
});

/** Relocations and tail exchanges between two routes that would lower the penalised cost, priced by walking. */
function missedMoves(p: ReturnType<typeof buildProblem>, routes: number[][], pen: Penalties): string[] {
  const evaluator = new RouteEvaluator(p);
  const stats = emptyStats();
  const cost = (slot: number, nodes: number[]) => {
    const type = p.types[p.slotType[slot]];
    evaluator.evaluate(type, nodes, 0, nodes.length, stats);
    return penalisedCost(type, stats, pen);
  };
  const isStop = (v: number) => v >= p.firstCustomer && v < p.firstReload;
  const missed: string[] = [];
  for (let a = 0; a < routes.length; a++)
    for (let b = 0; b < routes.length; b++) {
      if (a === b) continue;
      const A = routes[a];
      const B = routes[b];
      const before = cost(a, A) + cost(b, B);
      for (let i = 0; i < A.length; i++) {
        if (!isStop(A[i])) continue;
        for (let j = 0; j < B.length; j++) {
          if (!isStop(B[j])) continue;
          const relocated = cost(a, [...A.slice(0, i), ...A.slice(i + 1)]) + cost(b, [...B.slice(0, j + 1), A[i], ...B.slice(j + 1)]);
          if (relocated < before - 1e-4) missed.push(`relocate ${A[i]} after ${B[j]}: ${before} -> ${relocated}`);
          const tails = cost(a, [...A.slice(0, i + 1), ...B.slice(j + 1)]) + cost(b, [...B.slice(0, j + 1), ...A.slice(i + 1)]);
          if (tails < before - 1e-4) missed.push(`tails after ${A[i]} and ${B[j]}: ${before} -> ${tails}`);
        }
      }
    }
  return missed;
}
