import fc from 'fast-check';
import { afterAll, describe, expect, it } from 'vitest';
import { checkSolution, LARGE_RUN_CHILDREN, readSolomon, readVrplib } from '../../solvers/routing/index.ts';
import { build, expectChecked, instanceArb, type Spec } from '../../solvers/routing/randomInstances.ts';
import { fixture } from '../../solvers/routing/testSupport.ts';
import { closeEducators, PopulationSizer, solveInParallel } from './parallel.ts';

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

/** A CVRP instance of n random customers around a central depot, in CVRPLIB's text format. */
function randomCvrp(n: number, seed: number): string {
  let state = seed;
  const next = () => (state = (Math.imul(state, 1103515245) + 12345) >>> 0) % 1000;
  const coords = [`1 500 500`, ...Array.from({ length: n }, (_, k) => `${k + 2} ${next()} ${next()}`)];
  const demands = [`1 0`, ...Array.from({ length: n }, (_, k) => `${k + 2} ${1 + (next() % 30)}`)];
  return [`NAME : random-${n}`, 'TYPE : CVRP', `DIMENSION : ${n + 1}`, 'EDGE_WEIGHT_TYPE : EUC_2D', 'CAPACITY : 100', 'NODE_COORD_SECTION', ...coords, 'DEMAND_SECTION', ...demands, 'DEPOT_SECTION', '1', '-1', 'EOF'].join('\n');
}

describe('the population of a run on several threads follows the children it will make', () => {
  it('an iteration budget below LARGE_RUN_CHILDREN takes the default 12 + 20, as if it were given', async () => {
    expect(LARGE_RUN_CHILDREN).toBeGreaterThan(150);
    const chosen = await solveInParallel(aN32, { threads: 2, seed: 7, maxIterations: 150 });
    expect(chosen.population).toEqual({ populationSize: 12, generationSize: 20 });
    const given = await solveInParallel(aN32, { threads: 2, seed: 7, maxIterations: 150, params: { populationSize: 12, generationSize: 20 } });
    expect(chosen.routes).toEqual(given.routes);
    expect(checkSolution(aN32, chosen)).toMatchObject({ feasible: true, cost: chosen.cost });
    // a population given is kept; one thread keeps the default
    expect((await solveInParallel(aN32, { threads: 2, seed: 7, maxIterations: 30, params: { populationSize: 25, generationSize: 40 } })).population).toEqual({ populationSize: 25, generationSize: 40 });
    expect((await solveInParallel(aN32, { threads: 1, seed: 7, maxIterations: 30 })).population).toEqual({ populationSize: 12, generationSize: 20 });
  }, 60_000);

  it('a time limit too short for LARGE_RUN_CHILDREN children shrinks HGS-CVRP’s population to 12 + 20 during the run', async () => {
    const instance = readVrplib(randomCvrp(150, 3));
    const result = await solveInParallel(instance, { threads: 2, seed: 2, timeLimitMs: 2000 });
    expect(result.iterations).toBeLessThan(LARGE_RUN_CHILDREN);
    expect(result.population).toEqual({ populationSize: 12, generationSize: 20 });
    expect(checkSolution(instance, result)).toMatchObject({ feasible: true, cost: result.cost });
  }, 60_000);

  it('judges once, from the pace after the first children: enough time left keeps 25 + 40, too little shrinks it', () => {
    /** Drives a sizer through a run whose child k is made at madeAt(k) ms; returns when it resized, if it did. */
    const run = (madeAt: (k: number) => number, limitMs: number) => {
      const search = { iterations: 0, elapsedMs: 0, resizedAt: -1, resizePopulation: (m: number, l: number) => {
        expect([m, l]).toEqual([12, 20]);
        search.resizedAt = search.iterations;
      } };
      const sizer = new PopulationSizer(search, limitMs);
      for (let k = 1; madeAt(k) < limitMs; k++) {
        search.iterations = k;
        search.elapsedMs = madeAt(k);
        sizer.observe();
      }
      return search.resizedAt;
    };
    // the first 100 children are slow (10 per second) and not counted; then `pace` per second
    const paced = (pace: number) => (k: number) => (k <= 100 ? k * 100 : 10_000 + ((k - 100) * 1000) / pace);
    // 600 per second for 50 s: about 30 000 children; 150 per second: about 7 500
    expect(run(paced(600), 60_000)).toBe(-1);
    // judged at a quarter of the time: child 850 comes at 15 s
    expect(run(paced(150), 60_000)).toBe(850);
    // 3 000 in all is judged the same way, at child 350
    expect(run(paced(50), 60_000)).toBe(350);
    // once judged, a pace that falls later (from child 4 000, at 16.5 s) changes nothing
    expect(run((k) => (k <= 4000 ? paced(600)(k) : paced(600)(4000) + (k - 4000) * 1000), 60_000)).toBe(-1);
    // a pace that falls before the judgement counts
    expect(run((k) => (k <= 1000 ? paced(600)(k) : paced(600)(1000) + (k - 1000) * 100), 60_000)).toBeGreaterThan(1000);
  });
});
