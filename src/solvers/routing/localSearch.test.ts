import { describe, expect, it } from 'vitest';
import { LocalSearch } from './localSearch.ts';
import { buildProblem, type Instance } from './model.ts';
import { DEFAULT_PARAMS } from './params.ts';
import { initialPenalties } from './penalties.ts';
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
});
