// The composite index: pure arithmetic over one period's observations (no I/O), so it is tested by hand-checked cases.
import { PILLARS, type Direction, type Pillar } from './schema.ts';

export interface IndicatorColumn {
  id: string;
  pillar: Pillar;
  direction: Direction;
  /** Weight inside its pillar. */
  weight: number;
}

export interface UnitScore {
  unitId: string;
  /** 0–100. */
  score: number;
  rank: number;
  pillars: Partial<Record<Pillar, number>>;
}

/**
 * Min-max normalisation per indicator across the units (flipped where lower is better), a weighted mean of the
 * normalised values inside each pillar, then a weighted mean of the pillars, scaled to 0–100:
 *  - an indicator whose values are all equal (or observed in one unit only) tells the units apart in nothing: left out;
 *  - a missing value leaves that indicator out of that unit's pillar (the others in the pillar keep their weights);
 *  - a pillar a unit has no value in is left out of its index (the other pillars' weights are rescaled);
 *  - a unit with no usable value gets no score. Ties share a rank (1, 1, 3).
 */
export function compositeIndex(
  indicators: readonly IndicatorColumn[],
  values: ReadonlyMap<string, ReadonlyMap<string, number>>, // indicatorId → unitId → value
  pillarWeights: Partial<Record<Pillar, number>>,
  unitIds: readonly string[],
): UnitScore[] {
  const m = unitIds.length;
  const P = PILLARS.length;
  // Per unit and pillar: Σ w·n and Σ w, in flat typed arrays (10,000 units × 60 indicators stay cheap).
  const wn = new Float64Array(m * P);
  const w = new Float64Array(m * P);
  const x = new Float64Array(m);
  for (const ind of indicators) {
    const column = values.get(ind.id);
    if (!column || ind.weight <= 0) continue;
    let min = Infinity;
    let max = -Infinity;
    let count = 0;
    for (let i = 0; i < m; i++) {
      const v = column.get(unitIds[i]);
      x[i] = v !== undefined && Number.isFinite(v) ? v : NaN;
      if (Number.isNaN(x[i])) continue;
      count++;
      if (x[i] < min) min = x[i];
      if (x[i] > max) max = x[i];
    }
    if (count < 2 || max === min) continue;
    const p = PILLARS.indexOf(ind.pillar);
    const range = max - min;
    for (let i = 0; i < m; i++) {
      if (Number.isNaN(x[i])) continue;
      const n = ind.direction === 'higher' ? (x[i] - min) / range : (max - x[i]) / range;
      wn[i * P + p] += ind.weight * n;
      w[i * P + p] += ind.weight;
    }
  }
  const scored: Omit<UnitScore, 'rank'>[] = [];
  for (let i = 0; i < m; i++) {
    const pillars: Partial<Record<Pillar, number>> = {};
    let total = 0;
    let weights = 0;
    for (let p = 0; p < P; p++) {
      if (w[i * P + p] === 0) continue;
      const sub = wn[i * P + p] / w[i * P + p];
      pillars[PILLARS[p]] = round(sub * 100);
      const pw = pillarWeights[PILLARS[p]] ?? 1;
      total += pw * sub;
      weights += pw;
    }
    if (weights <= 0) continue;
    scored.push({ unitId: unitIds[i], score: round((total / weights) * 100), pillars });
  }
  return ranked(scored);
}

/** Highest score first; equal scores share a rank (1, 1, 3). */
export function ranked(scored: Omit<UnitScore, 'rank'>[]): UnitScore[] {
  scored.sort((a, b) => b.score - a.score || a.unitId.localeCompare(b.unitId));
  let rank = 0;
  return scored.map((s, k) => {
    if (k === 0 || scored[k - 1].score !== s.score) rank = k + 1;
    return { ...s, rank };
  });
}

/** Two decimals: what is stored and shown, so a recomputation of the same data gives the same figures. */
const round = (x: number) => Math.round(x * 100) / 100;
