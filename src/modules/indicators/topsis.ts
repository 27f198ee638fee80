// Entropy-weight TOPSIS: objective weights from how much each indicator tells the units apart (entropy), then the
// closeness of each unit to the ideal unit (TOPSIS, Hwang & Yoon). Pure, like composite.ts.
import { ranked, type IndicatorColumn, type UnitScore } from './composite.ts';
import { PILLARS, type Pillar } from './schema.ts';

/**
 * TOPSIS on a complete matrix (rows: units, columns: criteria): vector normalisation, weighting, the ideal and
 * anti-ideal units, and each unit's relative closeness D− / (D+ + D−), in [0, 1]. `weighted` is the weighted
 * normalised matrix (for checking against a worked example).
 */
export function topsis(matrix: readonly (readonly number[])[], weights: readonly number[], higherIsBetter: readonly boolean[]) {
  const n = weights.length;
  const norms = Array.from({ length: n }, (_, j) => Math.sqrt(matrix.reduce((s, row) => s + row[j] * row[j], 0)));
  const weighted = matrix.map((row) => row.map((x, j) => (norms[j] === 0 ? 0 : (weights[j] * x) / norms[j])));
  const column = (j: number) => weighted.map((row) => row[j]);
  const best = weights.map((_, j) => (higherIsBetter[j] ? Math.max(...column(j)) : Math.min(...column(j))));
  const worst = weights.map((_, j) => (higherIsBetter[j] ? Math.min(...column(j)) : Math.max(...column(j))));
  const distance = (row: number[], to: number[]) => Math.sqrt(row.reduce((s, v, j) => s + (v - to[j]) ** 2, 0));
  const closeness = weighted.map((row) => {
    const toBest = distance(row, best);
    const toWorst = distance(row, worst);
    // Every criterion equal for this unit's purposes (best = worst): it is as close to one as to the other.
    return toBest + toWorst === 0 ? 0.5 : toWorst / (toBest + toWorst);
  });
  return { weighted, closeness };
}

/**
 * Entropy weights of the columns of a matrix of non-negative standardised values (each column not constant):
 * p = x / Σx, e = −Σ p ln p / ln m (0 ln 0 = 0), weight ∝ 1 − e.
 */
export function entropyWeights(matrix: readonly (readonly number[])[]): number[] {
  const m = matrix.length;
  const n = matrix[0]?.length ?? 0;
  const d = Array.from({ length: n }, (_, j) => {
    const total = matrix.reduce((s, row) => s + row[j], 0);
    if (total <= 0 || m < 2) return 0;
    let h = 0;
    for (const row of matrix) {
      const p = row[j] / total;
      if (p > 0) h -= p * Math.log(p);
    }
    return 1 - h / Math.log(m);
  });
  const sum = d.reduce((a, b) => a + b, 0);
  return d.map((x) => (sum > 0 ? x / sum : 1 / n));
}

/** The columns that tell the units apart, missing values filled with the column's mean, and their entropy weights. */
function prepareEntropy(indicators: readonly IndicatorColumn[], values: ReadonlyMap<string, ReadonlyMap<string, number>>, unitIds: readonly string[]) {
  const used: { ind: IndicatorColumn; column: (number | undefined)[]; mean: number }[] = [];
  for (const ind of indicators) {
    const raw = values.get(ind.id);
    if (!raw) continue;
    const column = unitIds.map((u) => {
      const x = raw.get(u);
      return x !== undefined && Number.isFinite(x) ? x : undefined;
    });
    const xs = column.filter((x): x is number => x !== undefined);
    if (xs.length < 2 || Math.min(...xs) === Math.max(...xs)) continue;
    used.push({ ind, column, mean: xs.reduce((a, b) => a + b, 0) / xs.length });
  }
  const rows = unitIds.flatMap((u, i) => (used.some((c) => c.column[i] !== undefined) ? [i] : []));
  if (rows.length < 2 || used.length === 0) return null;
  const filled = rows.map((i) => used.map((c) => c.column[i] ?? c.mean));
  const mins = used.map((_, j) => Math.min(...filled.map((r) => r[j])));
  const maxs = used.map((_, j) => Math.max(...filled.map((r) => r[j])));
  const standardised = filled.map((row) =>
    row.map((x, j) => (used[j].ind.direction === 'higher' ? (x - mins[j]) / (maxs[j] - mins[j]) : (maxs[j] - x) / (maxs[j] - mins[j]))),
  );
  return { used, rows, filled, weights: entropyWeights(standardised) };
}

/** The entropy weight of each indicator that tells the units apart (summing to 1); the others are absent. */
export function entropyWeightsOf(indicators: readonly IndicatorColumn[], values: ReadonlyMap<string, ReadonlyMap<string, number>>, unitIds: readonly string[]): Map<string, number> {
  const prepared = prepareEntropy(indicators, values, unitIds);
  return new Map(prepared ? prepared.used.map((c, j) => [c.ind.id, prepared.weights[j]]) : []);
}

/**
 * The index by entropy-weight TOPSIS, 0–100, over the indicators that tell the units apart (as in compositeIndex: a
 * constant column or one observed in a single unit is left out). A missing value is taken as the indicator's mean
 * over the units that have it; a unit with no value on any indicator used gets no score. Weights come from the data
 * (entropy of the min–max standardised values), not from the experts; pillar scores are TOPSIS over that pillar's
 * indicators alone. Ties share a rank.
 */
export function entropyTopsisIndex(indicators: readonly IndicatorColumn[], values: ReadonlyMap<string, ReadonlyMap<string, number>>, unitIds: readonly string[]): UnitScore[] {
  const prepared = prepareEntropy(indicators, values, unitIds);
  if (!prepared) return [];
  const { used, rows, filled, weights } = prepared;
  const higher = used.map((c) => c.ind.direction === 'higher');
  const overall = topsis(filled, weights, higher).closeness;
  const byPillar = new Map<Pillar, number[]>();
  for (const p of PILLARS) {
    const cols = used.flatMap((c, j) => (c.ind.pillar === p ? [j] : []));
    if (!cols.length) continue;
    const sub = topsis(
      filled.map((row) => cols.map((j) => row[j])),
      cols.map((j) => weights[j]),
      cols.map((j) => higher[j]),
    ).closeness;
    byPillar.set(p, sub);
  }
  const round = (x: number) => Math.round(x * 10_000) / 100;
  const scored = rows.map((i, r) => ({
    unitId: unitIds[i],
    score: round(overall[r]),
    pillars: Object.fromEntries([...byPillar].map(([p, c]) => [p, round(c[r])])) as Partial<Record<Pillar, number>>,
  }));
  return ranked(scored);
}
