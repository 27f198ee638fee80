import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { checkSolution } from './checker.ts';
import { InfeasibleInstanceError } from './errors.ts';
import { solve } from './index.ts';
import { build, instanceArb } from './randomInstances.ts';

describe('every solution passes the independent checker', () => {
  it('on random small instances with capacity, time windows, mixed fleets and drone energy', () => {
    fc.assert(
      fc.property(instanceArb, fc.boolean(), fc.integer({ min: 1, max: 1000 }), (spec, unbounded, seed) => {
        const inst = build(spec, unbounded);
        let result;
        try {
          result = solve(inst, { seed, maxIterations: 25, params: { populationSize: 8, generationSize: 8 } });
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
      }),
      { numRuns: 100, seed: 42 },
    );
  }, 120_000);
});
