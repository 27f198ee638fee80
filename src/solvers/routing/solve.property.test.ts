import fc from 'fast-check';
import { describe, it } from 'vitest';
import { solve } from './index.ts';
import { build, expectChecked, instanceArb } from './randomInstances.ts';

describe('every solution passes the independent checker', () => {
  it('on random small instances with capacity, time windows, mixed fleets and drone energy', async () => {
    await fc.assert(
      fc.asyncProperty(instanceArb, fc.boolean(), fc.integer({ min: 1, max: 1000 }), async (spec, unbounded, seed) => {
        const inst = build(spec, unbounded);
        await expectChecked(inst, unbounded, () => solve(inst, { seed, maxIterations: 25, params: { populationSize: 8, generationSize: 8 } }));
      }),
      { numRuns: 100, seed: 42 },
    );
  }, 120_000);
});
