// Weight sensitivity: how much the ranking moves when an expert pillar weight moves, and how far expert weights and
// entropy weights agree. Pure, over one period's values (docs/indicators.md, "Weights and sensitivity").
import { compositeIndex, type IndicatorColumn, type UnitScore } from './composite.ts';
import { PILLARS, type Pillar } from './schema.ts';

type Values = ReadonlyMap<string, ReadonlyMap<string, number>>;

/** How far two rankings of the same units differ: units in both, the largest and the mean shift in rank. */
export function rankShift(a: readonly UnitScore[], b: readonly UnitScore[]) {
  const rb = new Map(b.map((s) => [s.unitId, s.rank]));
  const both = a.filter((s) => rb.has(s.unitId));
  if (both.length === 0) return { units: 0, maxShift: 0, meanShift: 0, mostMoved: null as string | null };
  let max = 0;
  let total = 0;
  let mostMoved: string | null = null;
  for (const s of both) {
    const d = Math.abs(s.rank - rb.get(s.unitId)!);
    total += d;
    if (d > max) [max, mostMoved] = [d, s.unitId];
  }
  return { units: both.length, maxShift: max, meanShift: Math.round((total / both.length) * 100) / 100, mostMoved };
}

/**
 * Spearman's rank correlation of two rankings over the units in both (Pearson's on the ranks, ties as they are
 * ranked); null with fewer than two units or when one ranking ties everyone.
 */
export function spearman(a: readonly UnitScore[], b: readonly UnitScore[]): number | null {
  const rb = new Map(b.map((s) => [s.unitId, s.rank]));
  const pairs = a.filter((s) => rb.has(s.unitId)).map((s) => [s.rank, rb.get(s.unitId)!] as const);
  if (pairs.length < 2) return null;
  const mean = (xs: number[]) => xs.reduce((x, y) => x + y, 0) / xs.length;
  const mx = mean(pairs.map((p) => p[0]));
  const my = mean(pairs.map((p) => p[1]));
  let sxy = 0;
  let sxx = 0;
  let syy = 0;
  for (const [x, y] of pairs) {
    sxy += (x - mx) * (y - my);
    sxx += (x - mx) ** 2;
    syy += (y - my) ** 2;
  }
  if (sxx === 0 || syy === 0) return null;
  return Math.round((sxy / Math.sqrt(sxx * syy)) * 1000) / 1000;
}

/**
 * For each pillar that counts, the index recomputed with that pillar's weight lowered and raised by `factor`
 * (½ → ×0.5 and ×1.5), the others kept: how far the ranking moves each way.
 */
export function weightSensitivity(indicators: readonly IndicatorColumn[], values: Values, pillarWeights: Partial<Record<Pillar, number>>, unitIds: readonly string[], factor = 0.5) {
  const base = compositeIndex(indicators, values, pillarWeights, unitIds);
  const used = new Set(indicators.filter((i) => values.has(i.id)).map((i) => i.pillar));
  return PILLARS.filter((p) => used.has(p) && (pillarWeights[p] ?? 1) > 0).map((pillar) => {
    const w = pillarWeights[pillar] ?? 1;
    const at = (m: number) => rankShift(base, compositeIndex(indicators, values, { ...pillarWeights, [pillar]: w * m }, unitIds));
    return { pillar, weight: w, lower: at(1 - factor), higher: at(1 + factor) };
  });
}
