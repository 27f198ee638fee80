import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { InfeasibleInstanceError } from './errors.ts';
import { buildProblem, type Problem } from './model.ts';
import { build, instanceArb } from './randomInstances.ts';
import { emptyStats, penalisedCost, RouteEvaluator } from './routeEval.ts';

describe('route evaluation with a limit', () => {
  it('stops early only when the full cost is above the limit, and otherwise gives the full figures', () => {
    fc.assert(
      fc.property(
        instanceArb,
        fc.integer({ min: 0, max: 2 ** 31 - 1 }),
        fc.double({ min: 0, max: 2, noNaN: true }),
        fc.record({ capacity: fc.double({ min: 0.1, max: 100, noNaN: true }), time: fc.double({ min: 0.1, max: 100, noNaN: true }), energy: fc.double({ min: 0.1, max: 100, noNaN: true }) }),
        (spec, order, share, pen) => {
          let p: Problem;
          try {
            p = buildProblem(build(spec, true));
          } catch (error) {
            // a stop no vehicle can serve: refused before any route is priced
            expect(error).toBeInstanceOf(InfeasibleInstanceError);
            return;
          }
          const evaluator = new RouteEvaluator(p);
          // a route of every customer and reload node in a shuffled order, for each vehicle type
          const nodes = Array.from({ length: p.nNodes - p.nDepots }, (_, k) => p.nDepots + k);
          let seed = order;
          for (let k = nodes.length - 1; k > 0; k--) {
            seed = (Math.imul(seed, 1_103_515_245) + 12_345) >>> 0;
            const j = seed % (k + 1);
            [nodes[k], nodes[j]] = [nodes[j], nodes[k]];
          }
          for (const type of p.types) {
            const full = emptyStats();
            evaluator.evaluate(type, nodes, 0, nodes.length, full);
            const cost = penalisedCost(type, full, pen);
            // limits around the cost: far below, just below, equal, above
            for (const limit of [cost * share, cost - 1e-9, cost, cost + 1e-9, cost * (1 + share)]) {
              const bounded = emptyStats();
              const finished = evaluator.evaluate(type, nodes, 0, nodes.length, bounded, pen, limit);
              if (!finished) expect(cost).toBeGreaterThan(limit);
              else expect(bounded).toEqual(full);
              // a cost within the limit is always walked to the end
              if (cost <= limit) expect(finished).toBe(true);
            }
          }
        },
      ),
      { numRuns: 300, seed: 11 },
    );
  });
});
