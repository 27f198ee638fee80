/**
 * Indicators benchmark (not a test): the composite index for 10,000 units × 60 indicators × 10 years, as the
 * recomputation job runs it (pure, in memory), its time and memory, against a baseline measured in the same run:
 * one plain pass over the same values (reading each once and summing it), the least any index must do. Both
 * methods are timed: expert pillar weights, and entropy-weight TOPSIS.
 *
 *   npm run bench:indicators [-- --units 10000 --indicators 60 --years 10]
 */
import { performance } from 'node:perf_hooks';
import { compositeIndex, type IndicatorColumn } from '../src/modules/indicators/composite.ts';
import { PILLARS } from '../src/modules/indicators/schema.ts';
import { entropyTopsisIndex } from '../src/modules/indicators/topsis.ts';

function arg(name: string, fallback: string): string {
  const i = process.argv.indexOf(`--${name}`);
  return i >= 0 ? process.argv[i + 1] : fallback;
}
const UNITS = Number(arg('units', '10000'));
const INDICATORS = Number(arg('indicators', '60'));
const YEARS = Number(arg('years', '10'));
const log = (s: string) => process.stdout.write(`${s}\n`);
const mb = (bytes: number) => `${(bytes / 1024 / 1024).toFixed(0)} MB`;

const unitIds = Array.from({ length: UNITS }, (_, i) => `u${i}`);
const indicators: IndicatorColumn[] = Array.from({ length: INDICATORS }, (_, j) => ({
  id: `i${j}`,
  pillar: PILLARS[j % PILLARS.length],
  direction: j % 5 === 4 ? 'lower' : 'higher',
  weight: 1 + (j % 3),
}));

/** One year's observations: about 2% missing, one constant indicator, repeatable values. */
function yearValues(year: number) {
  const values = new Map<string, Map<string, number>>();
  let seed = year * 7919 + 1;
  const next = () => ((seed = (seed * 48_271) % 2_147_483_647) / 2_147_483_647);
  for (const [j, ind] of indicators.entries()) {
    const column = new Map<string, number>();
    for (const u of unitIds) {
      const r = next();
      if (r < 0.02) continue;
      column.set(u, j === 0 ? 1 : r * 1000);
    }
    values.set(ind.id, column);
  }
  return values;
}

function baseline(values: Map<string, Map<string, number>>) {
  let sum = 0;
  for (const column of values.values()) for (const u of unitIds) sum += column.get(u) ?? 0;
  return sum;
}

log(`indicators bench: ${UNITS} units × ${INDICATORS} indicators × ${YEARS} years (${((UNITS * INDICATORS * YEARS) / 1e6).toFixed(1)} M values)`);
const rss0 = process.memoryUsage().rss;
let peakRss = rss0;
let indexMs = 0;
let baselineMs = 0;
let buildMs = 0;
let topsisMs = 0;
let scored = 0;
for (let y = 0; y < YEARS; y++) {
  const t0 = performance.now();
  const values = yearValues(2016 + y);
  buildMs += performance.now() - t0;
  const t1 = performance.now();
  if (baseline(values) < 0) throw new Error('impossible');
  baselineMs += performance.now() - t1;
  const t2 = performance.now();
  const scores = compositeIndex(indicators, values, { economy: 2, culture: 1, ecology: 1, people: 1 }, unitIds);
  indexMs += performance.now() - t2;
  if (scores.some((s) => !Number.isFinite(s.score))) throw new Error('a score is not a number');
  scored += scores.length;
  const t3 = performance.now();
  const closeness = entropyTopsisIndex(indicators, values, unitIds);
  topsisMs += performance.now() - t3;
  if (closeness.some((s) => !Number.isFinite(s.score))) throw new Error('a TOPSIS score is not a number');
  peakRss = Math.max(peakRss, process.memoryUsage().rss);
}
log(`building the values (not timed below): ${(buildMs / 1000).toFixed(2)} s`);
log(`baseline, one pass over every value:   ${(baselineMs / 1000).toFixed(3)} s`);
log(`composite index with ranking:           ${(indexMs / 1000).toFixed(3)} s  (${(indexMs / baselineMs).toFixed(1)}× the baseline; ${(indexMs / YEARS).toFixed(0)} ms a year)`);
log(`entropy-weight TOPSIS with ranking:     ${(topsisMs / 1000).toFixed(3)} s  (${(topsisMs / baselineMs).toFixed(1)}× the baseline; ${(topsisMs / YEARS).toFixed(0)} ms a year)`);
log(`villages scored: ${scored} (of ${UNITS * YEARS})`);
log(`memory: ${mb(rss0)} at start, ${mb(peakRss)} peak RSS (${mb(peakRss - rss0)} for one year's values and index at a time)`);
