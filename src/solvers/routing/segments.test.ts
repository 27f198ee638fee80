import { describe, expect, it } from 'vitest';
import { buildProblem, type Instance, type Problem } from './model.ts';
import { penalisedCost, RouteEvaluator, emptyStats } from './routeEval.ts';
import { Rng } from './rng.ts';
import { Composer, RouteTable } from './segments.ts';
import { readSolomon } from './solomon.ts';
import { fixture } from './testSupport.ts';

/** An instance with an asymmetric distance matrix and capacities only. */
function asymmetric(n: number, seed: number): Instance {
  const rng = new Rng(seed);
  const size = n + 1;
  const distance = Array.from({ length: size }, (_, a) => Array.from({ length: size }, (_, b) => (a === b ? 0 : 10 + rng.int(90))));
  return {
    metric: { kind: 'matrix', distance },
    depots: [{}],
    stops: Array.from({ length: n }, () => ({ demand: 1 + rng.int(9) })),
    vehicleTypes: [{ capacity: 40 }],
  };
}

/** The customers dealt out at random over the table's slots. */
function randomRoutes(p: Problem, t: RouteTable, rng: Rng): void {
  const nodes = Array.from({ length: p.nCustomers }, (_, k) => p.firstCustomer + k);
  rng.shuffle(nodes);
  const routes: number[][] = Array.from({ length: t.slots }, () => []);
  for (const v of nodes) routes[rng.int(Math.min(t.slots, 8))].push(v);
  routes.forEach((route, r) => t.set(r, route, route.length));
}

/** The composed route priced by walking it, as the evaluator does. */
function walked(p: Problem, t: RouteTable, c: Composer, r: number): number {
  const buf = new Int32Array(t.maxLen);
  const n = c.materialise(buf);
  const stats = emptyStats();
  new RouteEvaluator(p).evaluate(t.types[r], buf, 0, n, stats);
  return penalisedCost(t.types[r], stats, t.penalties);
}

describe('route pieces composed by the Composer', () => {
  const cases: [string, Instance][] = [
    ['time windows (Solomon C101)', readSolomon(fixture('vrptw/C101.txt'))],
    ['asymmetric distances', asymmetric(60, 4)],
  ];
  for (const [name, instance] of cases) {
    it(`price pieces, reversed ones too, as a walk does: ${name}`, () => {
      const p = buildProblem(instance);
      const t = new RouteTable(p);
      t.penalties = { capacity: 7, time: 3, energy: 1 };
      const rng = new Rng(9);
      const cu = new Composer(t);
      const cv = new Composer(t);
      let checked = 0;
      for (let round = 0; round < 20; round++) {
        randomRoutes(p, t, rng);
        for (let trial = 0; trial < 50; trial++) {
          const rU = rng.int(8);
          const rV = rng.int(8);
          if (rU === rV || t.len[rU] < 3 || t.len[rV] < 3) continue;
          const pU = 1 + rng.int(t.len[rU] - 2);
          const pV = 1 + rng.int(t.len[rV] - 2);
          // 2-opt* with reversal: 0..u, v..1 reversed, then u's old tail; and 0, u's tail reversed, v's old tail
          cu.reset().prefix(rU, pU).midReversed(rV, 1, pV).suffix(rU, t.len[rU] - 1);
          cv.reset().prefix(rV, 0).midReversed(rU, pU + 1, t.len[rU] - 2).suffix(rV, pV + 1);
          expect(cu.cost(t.types[rU])).toBeCloseTo(walked(p, t, cu, rU), 6);
          expect(cv.cost(t.types[rV])).toBeCloseTo(walked(p, t, cv, rV), 6);
          // and a reversal in the middle of a route (2-opt), which walks
          if (pU + 1 < t.len[rU] - 2) {
            const q = pU + 1 + rng.int(t.len[rU] - 2 - pU);
            cu.reset().prefix(rU, pU).midReversed(rU, pU + 1, q).suffix(rU, q + 1);
            expect(cu.cost(t.types[rU])).toBeCloseTo(walked(p, t, cu, rU), 6);
          }
          checked++;
        }
      }
      expect(checked).toBeGreaterThan(200);
    });
  }
});
