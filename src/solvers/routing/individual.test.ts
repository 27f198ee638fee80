import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { Individual, routesFeasible, tourOf } from './individual.ts';
import { InfeasibleInstanceError } from './errors.ts';
import { buildProblem, type Problem } from './model.ts';
import { initialPenalties } from './penalties.ts';
import { build, instanceArb } from './randomInstances.ts';
import { Rng } from './rng.ts';
import { RouteEvaluator } from './routeEval.ts';
import { Split } from './split.ts';

describe('routesFeasible', () => {
  it('judges routes as a full evaluation of the individual does (capacity, windows, fleets, drone energy)', () => {
    let feasible = 0;
    let infeasible = 0;
    fc.assert(
      fc.property(instanceArb, fc.boolean(), fc.integer({ min: 1, max: 10_000 }), (spec, unbounded, seed) => {
        let p: Problem;
        try {
          p = buildProblem(build(spec, unbounded));
        } catch (e) {
          // some random instances cannot be served at all; the solver refuses them before searching
          if (e instanceof InfeasibleInstanceError) return;
          throw e;
        }
        const evaluator = new RouteEvaluator(p);
        const pen = initialPenalties(p, false);
        const tour = new Int32Array(p.nNodes - p.nDepots).map((_, k) => p.nDepots + k);
        new Rng(seed).shuffle(tour);
        const routes = new Split(p).run(tour, pen);
        const ind = new Individual(p, tourOf(p, routes), routes);
        ind.evaluate(p, evaluator, pen);
        expect(routesFeasible(p, evaluator, routes)).toBe(ind.feasible);
        if (ind.feasible) feasible++;
        else infeasible++;
      }),
      { numRuns: 200, seed: 11 },
    );
    // both answers occur, so the comparison is not between two constants
    expect(feasible).toBeGreaterThan(0);
    expect(infeasible).toBeGreaterThan(0);
  });
});
