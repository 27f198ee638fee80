// Roll-ups and target progress: pure arithmetic, tested by hand-checked cases (docs/indicators.md, "Targets").
import type { Aggregation, Direction } from './schema.ts';

/** A township's or the county's value from its villages' values: a total or a mean, over the villages that have one. */
export function rollUp(aggregation: Aggregation, values: readonly (number | undefined)[]) {
  const xs = values.filter((x): x is number => x !== undefined && Number.isFinite(x));
  if (xs.length === 0) return null;
  const sum = xs.reduce((a, b) => a + b, 0);
  const value = aggregation === 'sum' ? sum : sum / xs.length;
  return { value: Math.round(value * 100) / 100, villages: xs.length, of: values.length };
}

export type Light = 'green' | 'amber' | 'red' | 'none';

/**
 * How far a value is towards its target, as a share (1 = met): value ÷ target where higher is better, target ÷ value
 * where lower is better. A target at or below zero where higher is better (or a value at or below zero where lower is
 * better) is met or not, 1 or 0. Capped at 10. Green when met, amber from 90 %, red below; none without a value.
 */
export function progressOf(direction: Direction, actual: number | null, target: number | null): { progress: number | null; light: Light } {
  if (target === null || actual === null) return { progress: null, light: 'none' };
  let progress: number;
  if (direction === 'higher') progress = target > 0 ? actual / target : actual >= target ? 1 : 0;
  else progress = actual > 0 ? (target > 0 ? target / actual : 0) : actual <= target ? 1 : 0;
  progress = Math.max(0, Math.min(10, Math.round(progress * 1000) / 1000));
  return { progress, light: progress >= 1 ? 'green' : progress >= 0.9 ? 'amber' : 'red' };
}

/** Furthest behind first: lowest progress first, then those without a value, then those without a target. */
export const furthestBehindFirst = <T extends { progress: number | null; target: number | null }>(a: T, b: T) => {
  const key = (x: T) => (x.target === null ? 2 : x.progress === null ? 1 : 0);
  return key(a) - key(b) || (a.progress ?? 0) - (b.progress ?? 0);
};
