// The composite index: pure arithmetic over one period's observations (no I/O), so it is tested by hand-checked cases.
import type { Direction, Pillar } from './schema.ts';

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
  // unit → pillar → [Σ w·n, Σ w]
  const sums = new Map<string, Map<Pillar, [number, number]>>();
  for (const ind of indicators) {
    const column = values.get(ind.id);
    if (!column || ind.weight <= 0) continue;
    const xs = unitIds.flatMap((u) => (column.has(u) && Number.isFinite(column.get(u)) ? [column.get(u)!] : []));
    if (xs.length < 2) continue;
    const min = Math.min(...xs);
    const max = Math.max(...xs);
    if (max === min) continue;
    for (const u of unitIds) {
      const x = column.get(u);
      if (x === undefined || !Number.isFinite(x)) continue;
      const n = ind.direction === 'higher' ? (x - min) / (max - min) : (max - x) / (max - min);
      let byPillar = sums.get(u);
      if (!byPillar) sums.set(u, (byPillar = new Map()));
      const acc = byPillar.get(ind.pillar) ?? [0, 0];
      byPillar.set(ind.pillar, [acc[0] + ind.weight * n, acc[1] + ind.weight]);
    }
  }
  const scored: Omit<UnitScore, 'rank'>[] = [];
  for (const u of unitIds) {
    const byPillar = sums.get(u);
    if (!byPillar) continue;
    const pillars: Partial<Record<Pillar, number>> = {};
    let total = 0;
    let weights = 0;
    for (const [pillar, [wn, w]] of byPillar) {
      const sub = wn / w;
      pillars[pillar] = round(sub * 100);
      const pw = pillarWeights[pillar] ?? 1;
      total += pw * sub;
      weights += pw;
    }
    if (weights <= 0) continue;
    scored.push({ unitId: u, score: round((total / weights) * 100), pillars });
  }
  scored.sort((a, b) => b.score - a.score || a.unitId.localeCompare(b.unitId));
  return scored.map((s, i, all) => ({ ...s, rank: i > 0 && all[i - 1].score === s.score ? firstRank(all, i) : i + 1 }));
}

function firstRank(all: readonly { score: number }[], i: number): number {
  let j = i;
  while (j > 0 && all[j - 1].score === all[i].score) j--;
  return j + 1;
}

/** Two decimals: what is stored and shown, so a recomputation of the same data gives the same figures. */
const round = (x: number) => Math.round(x * 100) / 100;
