import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { greedy, groupKey, scores, violations } from './check.ts';
import { solvePortfolio } from './solve.ts';
import type { PortfolioInput, Project } from './types.ts';

const PILLARS = ['jobs', 'visitors', 'culture'];
const SOURCES = ['county', 'provincial', 'village', 'private'];

/** Every subset of a small round: the best score that breaks nothing, or null when none is feasible. */
function bruteForce(input: PortfolioInput): number | null {
  const s = scores(input);
  let best: number | null = null;
  const n = input.projects.length;
  for (let mask = 0; mask < 1 << n; mask++) {
    const ids = input.projects.filter((_, i) => mask & (1 << i)).map((p) => p.id);
    if (violations(input, ids).length) continue;
    const v = ids.reduce((a, id) => a + s.get(id)!, 0);
    if (best === null || v > best) best = v;
  }
  return best;
}

const project = (i: number) =>
  fc
    .record({
      cost: fc.integer({ min: 1, max: 50 }),
      split: fc.array(fc.integer({ min: 0, max: 3 }), { minLength: 4, maxLength: 4 }),
      township: fc.constantFrom('T1', 'T2', 'T3'),
      village: fc.constantFrom('V1', 'V2', 'V3', 'V4'),
      benefits: fc.array(fc.integer({ min: 0, max: 20 }), { minLength: 3, maxLength: 3 }),
    })
    .map(({ cost, split, township, village, benefits }): Project => {
      const costFen = cost * 100_000;
      const total = split.reduce((a, b) => a + b, 0) || 1;
      const funding: Record<string, number> = {};
      let left = costFen;
      SOURCES.forEach((s, k) => {
        const part = k === SOURCES.length - 1 ? left : Math.floor((costFen * (split[k] || (total === 1 && k === 0 ? 1 : 0))) / total);
        funding[s] = Math.min(part, left);
        left -= funding[s];
      });
      funding.private += left;
      return { id: `p${i}`, costFen, funding, township, village, benefits: Object.fromEntries(PILLARS.map((p, k) => [p, benefits[k]])) };
    });

const round = (maxN: number) =>
  fc.integer({ min: 1, max: maxN }).chain((n) =>
    fc
      .record({
        projects: fc.tuple(...Array.from({ length: n }, (_, i) => project(i))),
        budget: fc.integer({ min: 10, max: 200 }),
        cap: fc.option(fc.integer({ min: 5, max: 150 }), { nil: undefined }),
        minShare: fc.option(fc.double({ min: 0, max: 0.4, noNaN: true }), { nil: undefined }),
        maxShare: fc.option(fc.double({ min: 0.2, max: 1, noNaN: true }), { nil: undefined }),
        minPillar: fc.option(fc.integer({ min: 0, max: 3 }), { nil: undefined }),
        maxPerVillage: fc.option(fc.integer({ min: 1, max: 3 }), { nil: undefined }),
        deps: fc.array(fc.tuple(fc.nat(n - 1), fc.nat(n - 1)), { maxLength: 3 }),
        excl: fc.array(fc.tuple(fc.nat(n - 1), fc.nat(n - 1)), { maxLength: 2 }),
        weights: fc.array(fc.integer({ min: 0, max: 5 }), { minLength: 3, maxLength: 3 }),
      })
      .map(
        (r): PortfolioInput => ({
          projects: r.projects,
          budgetFen: r.budget * 100_000,
          capsFen: r.cap === undefined ? undefined : { county: r.cap * 100_000 },
          townshipShares: r.minShare === undefined && r.maxShare === undefined ? undefined : { T1: { min: r.minShare, max: r.maxShare } },
          minPerPillar: r.minPillar === undefined ? undefined : { culture: r.minPillar },
          maxPerVillage: r.maxPerVillage,
          dependencies: r.deps.filter(([a, b]) => a !== b).map(([a, b]) => ({ project: `p${a}`, needs: `p${b}` })),
          exclusions: r.excl.filter(([a, b]) => a !== b).map(([a, b]) => [`p${a}`, `p${b}`] as [string, string]),
          weights: Object.fromEntries(PILLARS.map((p, k) => [p, r.weights[k]])),
        }),
      ),
  );

describe('portfolio MILP', () => {
  it('equals exhaustive search on small rounds, and says infeasible exactly when no subset is feasible', async () => {
    await fc.assert(
      fc.asyncProperty(round(9), async (input) => {
        const r = await solvePortfolio(input, { mipRelGap: 0, whatIfs: [] });
        const best = bruteForce(input);
        if (best === null) {
          expect(r.status).toBe('infeasible');
          expect(r.conflict!.groups.length).toBeGreaterThan(0);
        } else {
          expect(r.status).toBe('optimal');
          expect(r.selection!.objective).toBeCloseTo(best, 6);
          expect(violations(input, r.selection!.ids)).toEqual([]);
        }
      }),
      { numRuns: 120, seed: 20261129 },
    );
  }, 120_000);

  it('is never worse than greedy when greedy is feasible, and satisfies every constraint', async () => {
    await fc.assert(
      fc.asyncProperty(round(25), async (input) => {
        const r = await solvePortfolio(input, { mipRelGap: 0, whatIfs: [] });
        const g = greedy(input);
        expect(violations(input, g.ids).map(groupKey).sort()).toEqual(g.violations.map(groupKey).sort());
        if (r.selection) {
          expect(violations(input, r.selection.ids)).toEqual([]);
          if (g.violations.length === 0) expect(r.selection.objective).toBeGreaterThanOrEqual(g.objective - 1e-9);
        } else {
          // No feasible selection at all: greedy must break something too.
          expect(g.violations.length).toBeGreaterThan(0);
        }
      }),
      { numRuns: 80, seed: 7 },
    );
  }, 120_000);

  it('finds an irreducible conflicting set of groups for an infeasible round', async () => {
    const p = (id: string, township: string, costY: number, culture: number): Project => ({
      id,
      costFen: costY * 100,
      funding: { county: costY * 100 },
      township,
      village: id,
      benefits: { culture, jobs: 1 },
    });
    const input: PortfolioInput = {
      projects: [p('a', 'T1', 600, 5), p('b', 'T2', 500, 0), p('c', 'T2', 400, 3), p('d', 'T3', 300, 0)],
      budgetFen: 1000 * 100,
      capsFen: { county: 5000 * 100 }, // loose: not part of the conflict
      townshipShares: { T1: { min: 0.5 }, T2: { min: 0.5 } },
      minPerPillar: { jobs: 1 },
      weights: { culture: 1, jobs: 1 },
    };
    const r = await solvePortfolio(input, { whatIfs: [] });
    expect(r.status).toBe('infeasible');
    expect(r.selection).toBeNull();
    expect(r.conflict!.minimal).toBe(true);
    expect(r.conflict!.groups.map(groupKey).sort()).toEqual(['budget', 'township_min:T1', 'township_min:T2']);
  });

  it('reports binding constraints, what-ifs on the budget, and progress', async () => {
    const projects: Project[] = Array.from({ length: 12 }, (_, i) => ({
      id: `p${i}`,
      costFen: (10 + ((i * 7) % 13)) * 10_000_00,
      funding: { county: (10 + ((i * 7) % 13)) * 10_000_00 },
      township: `T${i % 3}`,
      village: `V${i % 5}`,
      benefits: { jobs: (i * 5) % 9, culture: (i * 3) % 7 },
    }));
    const events: string[] = [];
    const r = await solvePortfolio(
      { projects, budgetFen: 60 * 10_000_00, maxPerVillage: 1, weights: { jobs: 1, culture: 2 } },
      { onProgress: (e) => events.push(e.phase) },
    );
    expect(r.status).toBe('optimal');
    expect(r.gap).toBeLessThanOrEqual(1e-6);
    expect(r.selection!.costFen).toBeLessThanOrEqual(60 * 10_000_00);
    expect(r.binding.map((b) => b.group.kind)).toContain('budget');
    expect(r.whatIfs.map((w) => w.factor)).toEqual([0.9, 1.1]);
    const [less, more] = r.whatIfs;
    expect(less.objective!).toBeLessThanOrEqual(r.selection!.objective + 1e-9);
    expect(more.objective!).toBeGreaterThanOrEqual(r.selection!.objective - 1e-9);
    expect(events[0]).toBe('solve');
    expect(events).toContain('what_if');
    expect(events.at(-1)).toBe('done');
  });

  it('refuses inputs that name unknown projects', async () => {
    const p: Project = { id: 'a', costFen: 100, funding: {}, township: 'T', village: 'V', benefits: { jobs: 1 } };
    await expect(solvePortfolio({ projects: [p], budgetFen: 100, dependencies: [{ project: 'a', needs: 'zz' }], weights: { jobs: 1 } })).rejects.toThrow(/unknown project/);
  });
});
