import fc from 'fast-check';
import { afterAll, describe, expect, it } from 'vitest';
import { checkSolution, readSolomon, readVrplib } from '../../solvers/routing/index.ts';
import { build, expectChecked, instanceArb, type Spec } from '../../solvers/routing/randomInstances.ts';
import { fixture } from '../../solvers/routing/testSupport.ts';
import { closeEducators, solveInParallel } from './parallel.ts';

const aN32 = readVrplib(fixture('cvrp/A-n32-k5.vrp'));
/** Where worker threads build a random instance with drones (an energy function cannot be copied to them). */
const randomSource = (data: { spec: Spec; unbounded: boolean; jitter?: boolean }) => ({ module: new URL('../../solvers/routing/randomInstances.ts', import.meta.url).href, name: 'buildFromSpec', data });

afterAll(() => closeEducators());

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

  it('passes the checker on random small instances with vans and drones, the workers building the drones from a source', async () => {
    await fc.assert(
      fc.asyncProperty(instanceArb, fc.boolean(), fc.integer({ min: 1, max: 1000 }), async (spec, unbounded, seed) => {
        const inst = build(spec, unbounded);
        const options = { threads: 2, seed, maxIterations: 20, params: { populationSize: 6, generationSize: 6 }, source: randomSource({ spec, unbounded }) };
        await expectChecked(inst, unbounded, () => solveInParallel(inst, options));
      }),
      { numRuns: 6, seed: 7 },
    );
  }, 120_000);

  it('gives the same solution whatever the pace of the workers (their energy functions stall at random)', async () => {
    const spec: Spec = {
      stops: Array.from({ length: 40 }, (_, i) => ({ x: ((i * 7) % 41) - 20, y: ((i * 11) % 37) - 18, demand: 1 + (i % 4), service: 2, early: 0, width: 4000, height: (i * 37) % 200 })),
      types: [
        { drone: false, count: 8, capacity: 20, fixedCost: 60, speed: 1, maxDuration: undefined, battery: 100, multiTrip: false },
        { drone: true, count: 3, capacity: 6, fixedCost: 0, speed: 2, maxDuration: undefined, battery: 150, multiTrip: true },
      ],
      close: undefined,
      noFly: 3,
    };
    const inst = build(spec, false);
    const options = { threads: 2, seed: 11, maxIterations: 40, params: { populationSize: 5, generationSize: 5 } };
    const steady = await solveInParallel(inst, { ...options, source: randomSource({ spec, unbounded: false }) });
    const uneven = await solveInParallel(inst, { ...options, source: randomSource({ spec, unbounded: false, jitter: true }) });
    const otherSeed = await solveInParallel(inst, { ...options, seed: 12, source: randomSource({ spec, unbounded: false }) });
    expect(steady.threads).toBe(2);
    expect(steady.iterations).toBe(40);
    expect(uneven.iterations).toBe(40);
    // the search is far from settled after 40 children: another seed ends elsewhere, so equal results mean something
    expect(otherSeed.routes).not.toEqual(steady.routes);
    expect(uneven.routes).toEqual(steady.routes);
    expect(uneven.cost).toBe(steady.cost);
    // drones fly: the solution uses the instance's energy functions, and the checker agrees with it
    expect(steady.routes.some((r) => r.vehicleType === 1)).toBe(true);
    expect(checkSolution(inst, steady)).toMatchObject({ feasible: true, cost: steady.cost });
  }, 120_000);

  it('solves an instance with energy functions in this thread when no source is given', async () => {
    const spec: Spec = { stops: [{ x: 3, y: 4, demand: 1, service: 0, early: 0, width: 100, height: 0 }], types: [{ drone: true, count: 1, capacity: 5, fixedCost: 0, speed: 1, maxDuration: undefined, battery: 100, multiTrip: false }], close: undefined, noFly: 0 };
    const result = await solveInParallel(build(spec, false), { threads: 2, seed: 1, maxIterations: 10 });
    expect(result.threads).toBe(1);
    expect(result.feasible).toBe(true);
  }, 60_000);

  it('reports a source that cannot build the instance as an error, and the workers serve the next run', async () => {
    const spec: Spec = { stops: [{ x: 3, y: 4, demand: 1, service: 0, early: 0, width: 100, height: 0 }], types: [{ drone: true, count: 1, capacity: 5, fixedCost: 0, speed: 1, maxDuration: undefined, battery: 100, multiTrip: false }], close: undefined, noFly: 0 };
    const bad = { ...randomSource({ spec, unbounded: false }), name: 'noSuchBuilder' };
    await expect(solveInParallel(build(spec, false), { threads: 2, seed: 1, maxIterations: 30, source: bad })).rejects.toThrow(/noSuchBuilder/);
    const again = await solveInParallel(aN32, { threads: 2, seed: 5, maxIterations: 30, params: { populationSize: 10, generationSize: 10 } });
    expect(again.threads).toBe(2);
    expect(checkSolution(aN32, again)).toMatchObject({ feasible: true, cost: again.cost });
  }, 60_000);

  it('with vehicles first, uses no more vehicles on Solomon C101 and reports the real distance', async () => {
    const c101 = readSolomon(fixture('vrptw/C101.txt'));
    const result = await solveInParallel(c101, { threads: 1, seed: 1, maxIterations: 100, params: { vehiclesFirst: true } });
    const check = checkSolution(c101, result);
    expect(check).toMatchObject({ feasible: true, cost: result.cost });
    expect(result.routes.length).toBe(10);
    expect(result.cost).toBeLessThan(1000);
  }, 60_000);
});
