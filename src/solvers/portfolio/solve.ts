// The portfolio MILP over HiGHS: maximise Σ score_i x_i over binary x subject to the round's constraint groups.
import highsLoader, { type Highs } from 'highs';
import { describeSelection, greedy, groupKey, groups, scores, shareBoundFen, violations } from './check.ts';
import type { Binding, Group, PortfolioInput, PortfolioResult, Progress, SolveOptions, SolveStatus, WhatIf } from './types.ts';

/** Money enters the model in units of ¥100 (10,000 fen), keeping coefficients near 1–10⁶. */
const SCALE = 10_000;

let loaded: Promise<Highs> | undefined;
export const loadHighs = () => (loaded ??= highsLoader());

interface Row {
  group: Group;
  key: string;
  lower: number;
  upper: number;
  cols: number[];
  vals: number[];
  /** `money` rows are in fen (scaled in the model), `count` rows in projects. */
  unit: 'money' | 'count' | 'logic';
}

export function validate(input: PortfolioInput) {
  const ids = new Set<string>();
  for (const p of input.projects) {
    if (ids.has(p.id)) throw new Error(`project ${p.id} appears twice`);
    ids.add(p.id);
    if (!Number.isInteger(p.costFen) || p.costFen <= 0) throw new Error(`project ${p.id}: cost must be a positive integer (fen)`);
  }
  for (const d of input.dependencies ?? []) if (!ids.has(d.project) || !ids.has(d.needs)) throw new Error(`dependency ${d.project} → ${d.needs} names an unknown project`);
  for (const [a, b] of input.exclusions ?? []) if (!ids.has(a) || !ids.has(b)) throw new Error(`exclusion ${a} | ${b} names an unknown project`);
}

/** The rows of the MILP, grouped; `budgetFen` may differ from the input's for what-ifs. */
export function buildRows(input: PortfolioInput, budgetFen = input.budgetFen): Row[] {
  const index = new Map(input.projects.map((p, i) => [p.id, i]));
  const rows: Row[] = [];
  const money = (group: Group, members: number[], coef: (i: number) => number, lower: number, upper: number) =>
    rows.push({ group, key: groupKey(group), lower, upper, cols: members, vals: members.map((i) => coef(i) / SCALE), unit: 'money' });
  const all = input.projects.map((_, i) => i);
  const b = { ...input, budgetFen };
  for (const g of groups(b)) {
    switch (g.kind) {
      case 'budget':
        money(g, all, (i) => input.projects[i].costFen, -Infinity, budgetFen);
        break;
      case 'cap': {
        const m = all.filter((i) => (input.projects[i].funding[g.source] ?? 0) > 0);
        money(g, m, (i) => input.projects[i].funding[g.source], -Infinity, input.capsFen![g.source]);
        break;
      }
      case 'township_min':
      case 'township_max': {
        const m = all.filter((i) => input.projects[i].township === g.township);
        const share = input.townshipShares![g.township];
        if (g.kind === 'township_min') money(g, m, (i) => input.projects[i].costFen, shareBoundFen(share.min!, budgetFen, 'min'), Infinity);
        else money(g, m, (i) => input.projects[i].costFen, -Infinity, shareBoundFen(share.max!, budgetFen, 'max'));
        break;
      }
      case 'pillar_min': {
        const m = all.filter((i) => (input.projects[i].benefits[g.pillar] ?? 0) > 0);
        rows.push({ group: g, key: groupKey(g), lower: input.minPerPillar![g.pillar], upper: Infinity, cols: m, vals: m.map(() => 1), unit: 'count' });
        break;
      }
      case 'village_max': {
        const per = new Map<string, number[]>();
        for (const i of all) per.set(input.projects[i].village, [...(per.get(input.projects[i].village) ?? []), i]);
        for (const m of per.values())
          if (m.length > input.maxPerVillage!) rows.push({ group: g, key: groupKey(g), lower: -Infinity, upper: input.maxPerVillage!, cols: m, vals: m.map(() => 1), unit: 'count' });
        break;
      }
      case 'dependency': {
        const [p, n] = [index.get(g.project)!, index.get(g.needs)!];
        if (p !== n) rows.push({ group: g, key: groupKey(g), lower: -Infinity, upper: 0, cols: [p, n], vals: [1, -1], unit: 'logic' });
        break;
      }
      case 'exclusion': {
        const [a, c] = [index.get(g.a)!, index.get(g.b)!];
        if (a === c) rows.push({ group: g, key: groupKey(g), lower: -Infinity, upper: 0, cols: [a], vals: [1], unit: 'logic' });
        else rows.push({ group: g, key: groupKey(g), lower: -Infinity, upper: 1, cols: [a, c], vals: [1, 1], unit: 'logic' });
        break;
      }
    }
  }
  // Money bounds in the model's unit.
  for (const r of rows)
    if (r.unit === 'money') {
      r.lower = r.lower === -Infinity ? r.lower : r.lower / SCALE;
      r.upper = r.upper === Infinity ? r.upper : r.upper / SCALE;
    }
  return rows;
}

interface Run {
  status: SolveStatus;
  x: Float64Array | null;
  gap: number | null;
}

/** One HiGHS run over the rows not in `relaxed`; `feasibilityOnly` drops the objective. */
function runOnce(
  highs: Highs,
  n: number,
  cost: number[],
  rows: Row[],
  options: { relaxed?: Set<string>; feasibilityOnly?: boolean; timeLimitS: number; gap: number; onTick?: (d: { gap?: number; incumbent?: number; bound?: number; t: number }) => void },
): Run {
  const active = rows.filter((r) => !options.relaxed?.has(r.key));
  const starts = [0];
  const indices: number[] = [];
  const values: number[] = [];
  for (const r of active) {
    const order = r.cols.map((c, k) => [c, r.vals[k]] as const).sort((a, b) => a[0] - b[0]);
    for (const [c, v] of order) {
      indices.push(c);
      values.push(v);
    }
    starts.push(indices.length);
  }
  const inf = highs.infinity;
  const model = highs.createModel();
  try {
    model.passModel({
      numCols: n,
      numRows: active.length,
      sense: highs.constants.objectiveSense.maximize,
      colCost: options.feasibilityOnly ? new Array(n).fill(0) : cost,
      colLower: new Array(n).fill(0),
      colUpper: new Array(n).fill(1),
      rowLower: active.map((r) => (r.lower === -Infinity ? -inf : r.lower)),
      rowUpper: active.map((r) => (r.upper === Infinity ? inf : r.upper)),
      matrix: { format: 'csr', numRows: active.length, numCols: n, starts, indices, values },
      integrality: new Array(n).fill(highs.constants.variableType.integer),
    });
    model.options.set({ output_flag: false, time_limit: Math.max(0.05, options.timeLimitS), mip_rel_gap: options.gap });
    let last = 0;
    model.run({
      [highs.constants.callbackType.mipInterrupt]: (e) => {
        const t = e.data.running_time ?? 0;
        if (options.onTick && t - last >= 0.25) {
          last = t;
          options.onTick({ gap: e.data.mip_gap, incumbent: e.data.mip_primal_bound, bound: e.data.mip_dual_bound, t });
        }
        return undefined;
      },
    });
    const status = model.getModelStatus();
    const S = highs.constants.modelStatus;
    if (status === S.infeasible || status === S.unboundedOrInfeasible) return { status: 'infeasible', x: null, gap: null };
    const hasSolution = Number(model.info.get('primal_solution_status')) === 2;
    if (!hasSolution) return { status: status === S.optimal ? 'optimal' : 'no_solution', x: status === S.optimal ? new Float64Array(n) : null, gap: null };
    const x = model.getSolution().colValue;
    const gap = Number(model.info.get('mip_gap'));
    return { status: status === S.optimal ? 'optimal' : 'gap', x, gap: Number.isFinite(gap) ? gap : null };
  } finally {
    model.dispose();
  }
}

/** Upper limits with no room left for any unselected project, and lower limits that no selected project can leave. */
function bindingRows(input: PortfolioInput, rows: Row[], chosen: Set<number>): Binding[] {
  const out = new Map<string, Binding>();
  for (const r of rows) {
    if (r.unit === 'logic') continue;
    const unit = r.unit === 'money' ? SCALE : 1;
    const coef = (k: number) => Math.round(r.vals[k] * unit);
    let activity = 0;
    r.cols.forEach((c, k) => chosen.has(c) && (activity += coef(k)));
    if (r.upper !== Infinity) {
      const bound = Math.round(r.upper * unit);
      const slack = bound - activity;
      const smallestOut = Math.min(...r.cols.map((c, k) => (chosen.has(c) ? Infinity : coef(k))));
      const prev = out.get(r.key);
      if (smallestOut > slack && (!prev || prev.slack > slack)) out.set(r.key, { group: r.group, sense: 'max', activity, bound, slack });
    }
    if (r.lower !== -Infinity) {
      const bound = Math.round(r.lower * unit);
      const slack = activity - bound;
      const smallestIn = Math.min(...r.cols.map((c, k) => (chosen.has(c) ? coef(k) : Infinity)));
      if (smallestIn > slack) out.set(r.key, { group: r.group, sense: 'min', activity, bound, slack });
    }
  }
  void input;
  return [...out.values()];
}

/**
 * Solves a budget round: the optimal selection with its proven status, the constraints that bind, what-ifs on
 * the budget, the greedy baseline, and, when no selection satisfies every group, a small conflicting set of
 * groups found by relaxing them one at a time (a deletion filter: what remains is irreducible).
 */
export async function solvePortfolio(input: PortfolioInput, options: SolveOptions = {}): Promise<PortfolioResult> {
  validate(input);
  const started = Date.now();
  const highs = await loadHighs();
  const progress = (p: Omit<Progress, 'elapsedMs'>) => options.onProgress?.({ ...p, elapsedMs: Date.now() - started });
  const score = scores(input);
  const n = input.projects.length;
  const cost = input.projects.map((p) => score.get(p.id)!);
  const timeLimitS = (options.timeLimitMs ?? 20_000) / 1000;
  const gap = options.mipRelGap ?? 1e-6;
  const base = greedy(input, score);
  const result: PortfolioResult = { status: 'no_solution', gap: null, timeMs: 0, selection: null, greedy: base, binding: [], whatIfs: [], conflict: null, scores: Object.fromEntries(score) };

  progress({ phase: 'solve', message: `${n} projects, ${groups(input).length} constraint groups` });
  const rows = buildRows(input);
  const main = runOnce(highs, n, cost, rows, {
    timeLimitS,
    gap,
    onTick: (d) => progress({ phase: 'solve', message: 'branch and bound', gap: d.gap, incumbent: d.incumbent, bound: d.bound }),
  });
  result.status = main.status;
  result.gap = main.gap;
  if (main.x) {
    const chosen = new Set<number>();
    main.x.forEach((v, i) => v > 0.5 && chosen.add(i));
    const ids = input.projects.filter((_, i) => chosen.has(i)).map((p) => p.id);
    result.selection = describeSelection(input, ids, score);
    const broken = violations(input, ids);
    if (broken.length) throw new Error(`HiGHS returned a selection that breaks ${broken.map(groupKey).join(', ')}`);
    result.binding = bindingRows(input, rows, chosen);
    for (const factor of options.whatIfs ?? [0.9, 1.1]) {
      progress({ phase: 'what_if', message: `budget × ${factor}` });
      const budgetFen = Math.round(input.budgetFen * factor);
      const r = runOnce(highs, n, cost, buildRows(input, budgetFen), { timeLimitS: Math.max(1, timeLimitS / 4), gap });
      const wids = r.x ? input.projects.filter((_, i) => r.x![i] > 0.5).map((p) => p.id) : [];
      result.whatIfs.push({ factor, budgetFen, status: r.status, objective: r.x ? describeSelection(input, wids, score).objective : null, ids: wids } satisfies WhatIf);
    }
  } else if (main.status === 'infeasible') {
    progress({ phase: 'explain', message: 'looking for the constraints that conflict' });
    result.conflict = explainInfeasibility(highs, n, rows, Math.max(2, timeLimitS), started);
  }
  result.timeMs = Date.now() - started;
  progress({ phase: 'done', message: result.status });
  return result;
}

/** Deletion filter over constraint groups: drop each group whose removal leaves the rest infeasible. */
function explainInfeasibility(highs: Highs, n: number, rows: Row[], budgetS: number, started: number): { groups: Group[]; minimal: boolean } {
  const keys = [...new Set(rows.map((r) => r.key))];
  const byKey = new Map(rows.map((r) => [r.key, r.group]));
  const relaxed = new Set<string>();
  const zero = new Array(n).fill(0);
  let minimal = true;
  for (const k of keys) {
    if ((Date.now() - started) / 1000 > budgetS * 2) {
      minimal = false;
      break;
    }
    relaxed.add(k);
    const r = runOnce(highs, n, zero, rows, { relaxed, feasibilityOnly: true, timeLimitS: budgetS, gap: 1 });
    if (r.status !== 'infeasible') relaxed.delete(k); // needed for the conflict: keep it
  }
  return { groups: keys.filter((k) => !relaxed.has(k)).map((k) => byKey.get(k)!), minimal };
}
