import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { checkSolution, readSolomon, readVrplib } from '../../solvers/routing/index.ts';
import { build, expectChecked, instanceArb } from '../../solvers/routing/randomInstances.ts';
import { fixture } from '../../solvers/routing/testSupport.ts';
import { solveInParallel } from './parallel.ts';

const aN32 = readVrplib(fixture('cvrp/A-n32-k5.vrp'));

describe('solving on several threads (one population, children educated on worker threads)', () => {
  it('gives the same solution twice for the same seed, thread count and iteration budget', async () => {
    const options = { threads: 2, seed: 5, maxIterations: 120, params: { populationSize: 10, generationSize: 10 } };
    const first = await solveInParallel(aN32, options);
    const second = await solveInParallel(aN32, options);
    expect(first.threads).toBe(2);
    expect(first.iterations).toBe(120);
    expect(second.routes).toEqual(first.routes);
    expect(second.cost).toBe(first.cost);
    const check = checkSolution(aN32, first);
    expect(check).toMatchObject({ feasible: true, cost: first.cost });
    expect(first.cost).toBeLessThanOrEqual(800);
  }, 60_000);

  it('with a time limit, stops on time and returns a checked solution', async () => {
    const progress: number[] = [];
    const started = Date.now();
    const result = await solveInParallel(aN32, { threads: 2, seed: 3, timeLimitMs: 1500, onProgress: (p) => progress.push(p.bestCost) });
    expect(result.threads).toBe(2);
    expect(result.iterations).toBeGreaterThan(20);
    // the children still being educated at the limit are dropped, not waited for
    expect(result.elapsedMs).toBeGreaterThanOrEqual(1500);
    expect(Date.now() - started).toBeLessThan(30_000);
    expect(checkSolution(aN32, result)).toMatchObject({ feasible: true, cost: result.cost });
    expect(result.cost).toBeLessThanOrEqual(800);
    // progress reports only improvements, and the last one is the result's cost
    expect(progress.length).toBeGreaterThan(0);
    for (let k = 1; k < progress.length; k++) expect(progress[k]).toBeLessThan(progress[k - 1]);
    expect(progress.at(-1)).toBe(result.cost);
  }, 60_000);

  it('passes the checker on random small instances (vans only: an energy function cannot cross threads)', async () => {
    await fc.assert(
      fc.asyncProperty(instanceArb, fc.boolean(), fc.integer({ min: 1, max: 1000 }), async (spec, unbounded, seed) => {
        const inst = build(spec, unbounded, false);
        const options = { threads: 2, seed, maxIterations: 20, params: { populationSize: 6, generationSize: 6 } };
        await expectChecked(inst, unbounded, () => solveInParallel(inst, options));
      }),
      { numRuns: 4, seed: 7 },
    );
  }, 120_000);

  it('with vehicles first, uses no more vehicles on Solomon C101 and reports the real distance', async () => {
    const c101 = readSolomon(fixture('vrptw/C101.txt'));
    const result = await solveInParallel(c101, { threads: 1, seed: 1, maxIterations: 100, params: { vehiclesFirst: true } });
    const check = checkSolution(c101, result);
    expect(check).toMatchObject({ feasible: true, cost: result.cost });
    expect(result.routes.length).toBe(10);
    expect(result.cost).toBeLessThan(1000);
  }, 60_000);
});
