// Scores, an exact feasibility check of a selection, and the greedy benefit/cost baseline.
import type { Group, PortfolioInput, Project, Selection } from './types.ts';

/** score_i = Σ_p w_p · b_ip / max_j b_jp: each pillar is scaled to [0, 1] so the weights compare. */
export function scores(input: PortfolioInput): Map<string, number> {
  const scale = new Map<string, number>();
  for (const p of input.projects) for (const [k, v] of Object.entries(p.benefits)) scale.set(k, Math.max(scale.get(k) ?? 0, v));
  const out = new Map<string, number>();
  for (const p of input.projects) {
    let s = 0;
    for (const [k, w] of Object.entries(input.weights)) {
      const m = scale.get(k) ?? 0;
      if (m > 0 && w) s += (w * (p.benefits[k] ?? 0)) / m;
    }
    out.set(p.id, s);
  }
  return out;
}

export const groupKey = (g: Group): string => {
  switch (g.kind) {
    case 'budget':
    case 'village_max':
      return g.kind;
    case 'cap':
      return `cap:${g.source}`;
    case 'township_min':
    case 'township_max':
      return `${g.kind}:${g.township}`;
    case 'pillar_min':
      return `pillar_min:${g.pillar}`;
    case 'dependency':
      return `dependency:${g.project}>${g.needs}`;
    case 'exclusion':
      return `exclusion:${g.a}|${g.b}`;
  }
};

/** Every constraint group the input states. */
export function groups(input: PortfolioInput): Group[] {
  const out: Group[] = [{ kind: 'budget' }];
  for (const source of Object.keys(input.capsFen ?? {})) out.push({ kind: 'cap', source });
  for (const [township, s] of Object.entries(input.townshipShares ?? {})) {
    if (s.min !== undefined && s.min > 0) out.push({ kind: 'township_min', township });
    if (s.max !== undefined && s.max < 1) out.push({ kind: 'township_max', township });
  }
  for (const [pillar, n] of Object.entries(input.minPerPillar ?? {})) if (n > 0) out.push({ kind: 'pillar_min', pillar });
  if (input.maxPerVillage !== undefined) out.push({ kind: 'village_max' });
  for (const d of input.dependencies ?? []) out.push({ kind: 'dependency', project: d.project, needs: d.needs });
  for (const [a, b] of input.exclusions ?? []) out.push({ kind: 'exclusion', a, b });
  return out;
}

/** Township share bounds in fen: ⌈min·B⌉ and ⌊max·B⌋, so both the MILP and the exact check use integers. */
export const shareBoundFen = (share: number, budgetFen: number, side: 'min' | 'max') =>
  side === 'min' ? Math.ceil(share * budgetFen - 1e-6) : Math.floor(share * budgetFen + 1e-6);

/** The groups a selection breaks, computed exactly in integer fen. */
export function violations(input: PortfolioInput, ids: Iterable<string>): Group[] {
  const chosen = new Set(ids);
  const sel = input.projects.filter((p) => chosen.has(p.id));
  const out: Group[] = [];
  const sum = (ps: Project[], f: (p: Project) => number) => ps.reduce((s, p) => s + f(p), 0);
  for (const g of groups(input)) {
    let ok = true;
    switch (g.kind) {
      case 'budget':
        ok = sum(sel, (p) => p.costFen) <= input.budgetFen;
        break;
      case 'cap':
        ok = sum(sel, (p) => p.funding[g.source] ?? 0) <= input.capsFen![g.source];
        break;
      case 'township_min':
        ok = sum(sel.filter((p) => p.township === g.township), (p) => p.costFen) >= shareBoundFen(input.townshipShares![g.township].min!, input.budgetFen, 'min');
        break;
      case 'township_max':
        ok = sum(sel.filter((p) => p.township === g.township), (p) => p.costFen) <= shareBoundFen(input.townshipShares![g.township].max!, input.budgetFen, 'max');
        break;
      case 'pillar_min':
        ok = sel.filter((p) => (p.benefits[g.pillar] ?? 0) > 0).length >= input.minPerPillar![g.pillar];
        break;
      case 'village_max': {
        const per = new Map<string, number>();
        for (const p of sel) per.set(p.village, (per.get(p.village) ?? 0) + 1);
        ok = [...per.values()].every((n) => n <= input.maxPerVillage!);
        break;
      }
      case 'dependency':
        ok = !chosen.has(g.project) || chosen.has(g.needs);
        break;
      case 'exclusion':
        ok = !(chosen.has(g.a) && chosen.has(g.b));
        break;
    }
    if (!ok) out.push(g);
  }
  return out;
}

export function describeSelection(input: PortfolioInput, ids: string[], score: Map<string, number>): Selection {
  const chosen = new Set(ids);
  const sel = input.projects.filter((p) => chosen.has(p.id));
  const bySourceFen: Record<string, number> = {};
  for (const p of sel) for (const [k, v] of Object.entries(p.funding)) bySourceFen[k] = (bySourceFen[k] ?? 0) + v;
  return {
    ids: sel.map((p) => p.id),
    objective: sel.reduce((s, p) => s + (score.get(p.id) ?? 0), 0),
    costFen: sel.reduce((s, p) => s + p.costFen, 0),
    bySourceFen,
  };
}

/**
 * The greedy baseline: projects by score per fen, best first, each taken if it fits under every upper limit
 * (budget, caps, township maximum, village maximum, exclusions) and its dependencies are already in; passes
 * repeat until nothing more fits. It does not look ahead, so it may miss the minimums: those are reported.
 */
export function greedy(input: PortfolioInput, score = scores(input)): Selection & { violations: Group[] } {
  const order = [...input.projects].sort((a, b) => score.get(b.id)! / b.costFen - score.get(a.id)! / a.costFen || (a.id < b.id ? -1 : 1));
  const chosen = new Set<string>();
  let spent = 0;
  const bySource = new Map<string, number>();
  const byTownship = new Map<string, number>();
  const byVillage = new Map<string, number>();
  const needs = new Map<string, string[]>();
  for (const d of input.dependencies ?? []) needs.set(d.project, [...(needs.get(d.project) ?? []), d.needs]);
  const excluded = new Map<string, string[]>();
  for (const [a, b] of input.exclusions ?? []) {
    excluded.set(a, [...(excluded.get(a) ?? []), b]);
    excluded.set(b, [...(excluded.get(b) ?? []), a]);
  }
  const fits = (p: Project) => {
    if (spent + p.costFen > input.budgetFen) return false;
    for (const [s, cap] of Object.entries(input.capsFen ?? {})) if ((bySource.get(s) ?? 0) + (p.funding[s] ?? 0) > cap) return false;
    const share = input.townshipShares?.[p.township]?.max;
    if (share !== undefined && (byTownship.get(p.township) ?? 0) + p.costFen > shareBoundFen(share, input.budgetFen, 'max')) return false;
    if (input.maxPerVillage !== undefined && (byVillage.get(p.village) ?? 0) + 1 > input.maxPerVillage) return false;
    if ((excluded.get(p.id) ?? []).some((x) => chosen.has(x))) return false;
    return (needs.get(p.id) ?? []).every((x) => chosen.has(x));
  };
  for (let changed = true; changed; ) {
    changed = false;
    for (const p of order) {
      if (chosen.has(p.id) || !fits(p)) continue;
      chosen.add(p.id);
      changed = true;
      spent += p.costFen;
      for (const [s, v] of Object.entries(p.funding)) bySource.set(s, (bySource.get(s) ?? 0) + v);
      byTownship.set(p.township, (byTownship.get(p.township) ?? 0) + p.costFen);
      byVillage.set(p.village, (byVillage.get(p.village) ?? 0) + 1);
    }
  }
  const ids = order.filter((p) => chosen.has(p.id)).map((p) => p.id);
  return { ...describeSelection(input, ids, score), violations: violations(input, ids) };
}
