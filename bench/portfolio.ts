/**
 * Portfolio benchmark: generated budget rounds of 100, 1,000 and 10,000 proposals with realistic constraints,
 * solved by the MILP (HiGHS) and by the greedy benefit/cost baseline in the same process. Prints solve time,
 * proven status and gap, and the MILP objective as a ratio of greedy's. Not a test.
 *
 *   npm run bench:portfolio -- [--sizes 100,1000,10000] [--seconds 10] [--seed 1] [--gap 1e-6]
 */
import { greedy, scores, violations } from '../src/solvers/portfolio/check.ts';
import { loadHighs, solvePortfolio } from '../src/solvers/portfolio/solve.ts';
import type { PortfolioInput, Project } from '../src/solvers/portfolio/types.ts';

const arg = (name: string, fallback: string) => {
  const i = process.argv.indexOf(`--${name}`);
  return i >= 0 ? process.argv[i + 1] : fallback;
};
const sizes = arg('sizes', '100,1000,10000').split(',').map(Number);
const seconds = Number(arg('seconds', '10'));
const seed = Number(arg('seed', '1'));
const gap = Number(arg('gap', '1e-6'));

/** mulberry32: a small seeded generator, so rounds are the same run to run. */
function rng(s: number) {
  return () => {
    s |= 0;
    s = (s + 0x6d2b79f5) | 0;
    let t = Math.imul(s ^ (s >>> 15), 1 | s);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const KINDS = [
  { name: 'inn', cost: [400_000, 2_500_000], b: { jobs: [3, 12], visitorsPerYear: [1000, 8000], incomeFen: [2e7, 8e7], culturalValue: [2, 6] } },
  { name: 'workshop', cost: [200_000, 900_000], b: { jobs: [2, 10], incomeFen: [5e6, 4e7], culturalValue: [4, 8], returningResidents: [0, 4] } },
  { name: 'museum', cost: [300_000, 1_500_000], b: { visitorsPerYear: [2000, 10000], culturalValue: [6, 10], jobs: [1, 4] } },
  { name: 'sewage', cost: [500_000, 3_000_000], b: { ecologicalEffect: [5, 10], returningResidents: [0, 3] } },
  { name: 'paths', cost: [80_000, 600_000], b: { visitorsPerYear: [500, 5000], ecologicalEffect: [1, 4], culturalValue: [1, 5] } },
  { name: 'broadband', cost: [100_000, 500_000], b: { returningResidents: [1, 8], incomeFen: [1e6, 1e7] } },
] as const;

function generate(n: number, r: () => number): PortfolioInput {
  const townships = 20;
  const villagesPer = Math.max(2, Math.round(Math.sqrt(n) / 2));
  const between = (lo: number, hi: number) => lo + (hi - lo) * r();
  const projects: Project[] = Array.from({ length: n }, (_, i) => {
    const kind = KINDS[Math.floor(r() * KINDS.length)];
    const costFen = Math.round(between(kind.cost[0], kind.cost[1])) * 100;
    const county = Math.round(costFen * between(0.2, 0.6));
    const provincial = Math.round((costFen - county) * between(0, 0.7));
    const village = Math.round((costFen - county - provincial) * between(0, 0.5));
    const t = Math.floor(r() * townships);
    return {
      id: `p${i}`,
      costFen,
      funding: { county, provincial, village, private: costFen - county - provincial - village },
      township: `T${t}`,
      village: `T${t}-V${Math.floor(r() * villagesPer)}`,
      benefits: Object.fromEntries(Object.entries(kind.b).map(([k, [lo, hi]]) => [k, Math.round(between(lo, hi))])),
    };
  });
  const total = projects.reduce((s, p) => s + p.costFen, 0);
  const budgetFen = Math.round(total * 0.25);
  const ids = projects.map((p) => p.id);
  const pick = () => ids[Math.floor(r() * n)];
  return {
    projects,
    budgetFen,
    capsFen: { provincial: Math.round(budgetFen * 0.3), private: Math.round(budgetFen * 0.25) },
    townshipShares: Object.fromEntries(Array.from({ length: townships }, (_, t) => [`T${t}`, { min: 0.02, max: 0.1 }])),
    minPerPillar: { ecologicalEffect: Math.ceil(n / 40), returningResidents: Math.ceil(n / 50) },
    maxPerVillage: Math.max(2, Math.ceil((n * 0.3) / (townships * villagesPer))),
    dependencies: Array.from({ length: Math.ceil(n / 50) }, () => ({ project: pick(), needs: pick() })).filter((d) => d.project !== d.needs),
    exclusions: Array.from({ length: Math.ceil(n / 50) }, () => [pick(), pick()] as [string, string]).filter(([a, b]) => a !== b),
    weights: { jobs: 1, returningResidents: 1.5, visitorsPerYear: 0.5, incomeFen: 1, culturalValue: 1.2, ecologicalEffect: 1 },
  };
}

await loadHighs();
console.log(`portfolio bench: seed ${seed}, time limit ${seconds} s, mip_rel_gap ${gap}`);
console.log('    n | greedy ms | MILP ms | status  |   gap    | greedy obj | MILP obj | MILP/greedy | greedy breaks');
for (const n of sizes) {
  const input = generate(n, rng(seed * 7919 + n));
  const s = scores(input);
  const g0 = performance.now();
  const g = greedy(input, s);
  const gMs = performance.now() - g0;
  const m0 = performance.now();
  const res = await solvePortfolio(input, { timeLimitMs: seconds * 1000, mipRelGap: gap, whatIfs: [] });
  const mMs = performance.now() - m0;
  if (res.selection && violations(input, res.selection.ids).length) throw new Error('MILP selection breaks a constraint');
  const obj = res.selection?.objective ?? NaN;
  console.log(
    [
      String(n).padStart(5),
      gMs.toFixed(1).padStart(9),
      mMs.toFixed(0).padStart(7),
      res.status.padEnd(7),
      (res.gap === null ? '-' : `${(res.gap * 100).toFixed(4)}%`).padStart(8),
      g.objective.toFixed(2).padStart(10),
      obj.toFixed(2).padStart(8),
      `${(obj / g.objective).toFixed(4)}×`.padStart(11),
      g.violations.map((v) => v.kind).filter((k, i, a) => a.indexOf(k) === i).join(',') || '-',
    ].join(' | '),
  );
}
