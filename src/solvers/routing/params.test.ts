import { describe, expect, it } from 'vitest';
import { buildProblem } from './model.ts';
import { DEFAULT_PARAMS, LARGE_RUN_CHILDREN, neighbourLists, populationFor, takesLargePopulation } from './params.ts';
import { fixture } from './testSupport.ts';
import { readVrplib } from './vrplib.ts';

describe('granular neighbour lists', () => {
  const p = buildProblem(readVrplib(fixture('cvrp/A-n32-k5.vrp')));
  const lists = neighbourLists(p, 5);

  it('start with each customer’s Γ closest customers, nearest first', () => {
    for (let u = p.firstCustomer; u < p.firstReload; u++) {
      const own = Array.from(lists[u].subarray(0, 5));
      const d = (v: number): number => p.dist[u * p.nNodes + v];
      for (let k = 1; k < own.length; k++) expect(d(own[k])).toBeGreaterThanOrEqual(d(own[k - 1]));
      // nothing outside the first Γ is closer than the Γth
      for (let v = p.firstCustomer; v < p.firstReload; v++) if (v !== u && !own.includes(v)) expect(d(v)).toBeGreaterThanOrEqual(d(own[4]));
    }
  });

  it('are symmetric (as in HGS-CVRP): when v is among u’s closest, u is tried around v too, once', () => {
    let added = 0;
    for (let u = p.firstCustomer; u < p.firstReload; u++) {
      expect(new Set(lists[u]).size).toBe(lists[u].length);
      expect(lists[u]).not.toContain(u);
      for (const v of lists[u].subarray(0, 5)) expect(Array.from(lists[v])).toContain(u);
      added += lists[u].length - 5;
    }
    expect(added).toBeGreaterThan(0);
  });
});

describe('the default population', () => {
  it('is 12 + 20 on one thread and HGS-CVRP’s 25 + 40 from two threads on; a population given wins', () => {
    expect({ ...DEFAULT_PARAMS, ...populationFor(1) }).toMatchObject({ populationSize: 12, generationSize: 20 });
    for (const threads of [2, 3, 16]) expect({ ...DEFAULT_PARAMS, ...populationFor(threads) }).toMatchObject({ populationSize: 25, generationSize: 40 });
    expect(populationFor(2, { populationSize: 6 })).toEqual({ populationSize: 6 });
    expect(populationFor(2, { generationSize: 9, granularity: 10 })).toEqual({ generationSize: 9, granularity: 10 });
    expect(populationFor(4, { granularity: 10 })).toEqual({ populationSize: 25, generationSize: 40, granularity: 10 });
  });

  it('from two threads on is 25 + 40 only for runs expected to make LARGE_RUN_CHILDREN children or more', () => {
    expect({ ...DEFAULT_PARAMS, ...populationFor(2, {}, LARGE_RUN_CHILDREN - 1) }).toMatchObject({ populationSize: 12, generationSize: 20 });
    expect({ ...DEFAULT_PARAMS, ...populationFor(2, {}, LARGE_RUN_CHILDREN) }).toMatchObject({ populationSize: 25, generationSize: 40 });
    expect(populationFor(1, {}, Infinity)).toEqual({});
    expect(populationFor(2, { populationSize: 30 }, 100)).toEqual({ populationSize: 30 });
    expect(populationFor(2, { granularity: 8 }, 100)).toEqual({ granularity: 8 });
    const large = [takesLargePopulation(2), takesLargePopulation(1), takesLargePopulation(3, { generationSize: 5 }), takesLargePopulation(3, { granularity: 5 })];
    expect(large).toEqual([true, false, false, true]);
    expect([takesLargePopulation(2, {}, LARGE_RUN_CHILDREN - 1), takesLargePopulation(2, {}, LARGE_RUN_CHILDREN)]).toEqual([false, true]);
  });
});
