// Recomputation as a job: the computed indicators of a year, then every village's composite index and rank.
import { and, eq, sql } from 'drizzle-orm';
import type { Db } from '../../db/handle.ts';
import { recordAudit, type AuditActor } from '../../server/audit.ts';
import type { JobDefinition, JobQueue } from '../../server/jobs.ts';
import { notFound } from '../../server/problems.ts';
import { authorize, requireActor, type Actor } from '../governance/index.ts';
import { compositeIndex } from './composite.ts';
import { computeIndicator } from './computed.ts';
import { indicatorObservations, indicatorScores, PILLARS } from './schema.ts';
import { countiesWithIndicators, indexMethod, observedPeriods, periodData, pillarWeights } from './service.ts';
import { entropyTopsisIndex } from './topsis.ts';
import { countyVillages } from './units.ts';

export const RECOMPUTE_JOB = 'indicators.recompute';

export interface RecomputeProgress {
  step: 'computed' | 'index';
  done: number;
  total: number;
}

/** Queues a recomputation of one year; the answer's job id streams its progress. */
export async function startRecompute(db: Db, jobs: JobQueue, actor: Actor | null, period: number) {
  const who = await authorize(db, actor, 'indicators.manage', { unitId: requireActor(actor).countyId });
  const jobId = await jobs.send(RECOMPUTE_JOB, { period }, { countyId: who.countyId, requestedBy: who.id });
  return { jobId };
}

export async function recomputeRun(db: Db, jobs: JobQueue, actor: Actor | null, jobId: string) {
  const who = await authorize(db, actor, 'indicators.manage', { unitId: requireActor(actor).countyId });
  const run = await jobs.get(jobId);
  if (!run || run.name !== RECOMPUTE_JOB || run.countyId !== who.countyId) throw notFound('Job');
  return run;
}

/** One county, one year: writes the computed observations and the index, each step audited as the one who asked. */
export async function recomputePeriod(db: Db, who: AuditActor & { countyId: string }, period: number, jobId: string | null, progress: (p: RecomputeProgress) => Promise<void>) {
  const villages = await countyVillages(db, who.countyId);
  const villageIds = villages.map((v) => v.id);
  const before = await periodData(db, who.countyId, period);
  const computed = before.defs.filter((d) => d.source === 'computed');
  let changedValues = 0;
  const total = computed.length + 1;
  let done = 0;
  await progress({ step: 'computed', done, total });
  for (const def of computed) {
    const values = await computeIndicator(db, who.countyId, def.computedKey!, period, villageIds);
    // Only what changed is written (and audited): a recurring run over unchanged records leaves no trace.
    const existing = new Map(before.obs.filter((o) => o.indicatorId === def.id).map((o) => [o.unitId, o]));
    const changed = [...values].filter(([unitId, v]) => existing.get(unitId)?.value !== v.value || existing.get(unitId)?.source !== 'computed');
    changedValues += changed.length;
    if (changed.length === 0) {
      await progress({ step: 'computed', done: ++done, total });
      continue;
    }
    await db.transaction(async (tx) => {
      const computedAt = new Date();
      const rows = changed.map(([unitId, v]) => ({
        countyId: who.countyId,
        indicatorId: def.id,
        unitId,
        period,
        value: v.value,
        source: 'computed' as const,
        provenance: { ...v.provenance, jobId, computedAt: computedAt.toISOString() },
        recordedBy: who.id,
        recordedAt: computedAt,
      }));
      await tx
        .insert(indicatorObservations)
        .values(rows)
        .onConflictDoUpdate({
          target: [indicatorObservations.countyId, indicatorObservations.indicatorId, indicatorObservations.unitId, indicatorObservations.period],
          set: { value: sql`excluded.value`, source: 'computed', provenance: sql`excluded.provenance`, recordedBy: who.id, recordedAt: computedAt },
        });
      await recordAudit(tx, who, { action: 'indicators.observation.compute', entity: 'indicator_definition', entityId: def.id, details: { code: def.code, period, villages: changed.length, jobId } });
    });
    await progress({ step: 'computed', done: ++done, total });
  }
  const { defs, obs } = await periodData(db, who.countyId, period);
  const values = new Map<string, Map<string, number>>();
  for (const o of obs) {
    let column = values.get(o.indicatorId);
    if (!column) values.set(o.indicatorId, (column = new Map()));
    column.set(o.unitId, o.value);
  }
  const method = await indexMethod(db, who.countyId);
  // Both methods every time, stored side by side; the county's chosen one ranks.
  const weighted = compositeIndex(defs, values, await pillarWeights(db, who.countyId), villageIds);
  const entropy = entropyTopsisIndex(defs, values, villageIds);
  const other = new Map((method === 'entropy_topsis' ? weighted : entropy).map((s) => [s.unitId, s.score]));
  const scores = (method === 'entropy_topsis' ? entropy : weighted).map((s) => ({
    ...s,
    weightedScore: method === 'weighted' ? s.score : (other.get(s.unitId) ?? null),
    entropyScore: method === 'entropy_topsis' ? s.score : (other.get(s.unitId) ?? null),
  }));
  const previous = new Map(
    (await db.select().from(indicatorScores).where(and(eq(indicatorScores.countyId, who.countyId), eq(indicatorScores.period, period)))).map((s) => [s.unitId, s]),
  );
  const unchanged =
    previous.size === scores.length &&
    scores.every((s) => {
      const p = previous.get(s.unitId);
      return p && p.score === s.score && p.rank === s.rank && p.weightedScore === s.weightedScore && p.entropyScore === s.entropyScore && PILLARS.every((k) => p.pillars[k] === s.pillars[k]);
    });
  if (unchanged) {
    await progress({ step: 'index', done: total, total });
    return { period, method, computedIndicators: computed.length, changedValues, villagesScored: scores.length, indexChanged: false };
  }
  await db.transaction(async (tx) => {
    await tx.delete(indicatorScores).where(and(eq(indicatorScores.countyId, who.countyId), eq(indicatorScores.period, period)));
    if (scores.length) await tx.insert(indicatorScores).values(scores.map((s) => ({ countyId: who.countyId, period, jobId, ...s })));
    await recordAudit(tx, who, { action: 'indicators.index.compute', entity: 'indicator_scores', details: { period, method, villages: scores.length, jobId } });
  });
  await progress({ step: 'index', done: total, total });
  return { period, method, computedIndicators: computed.length, changedValues, villagesScored: scores.length, indexChanged: true };
}

/** On demand (one county, one year) or recurring (every county, every year it has data, and this year). */
export const recomputeJob: JobDefinition<{ period?: number }> = {
  name: RECOMPUTE_JOB,
  maxAttempts: 2,
  every: () => Number(process.env.INDICATORS_RECOMPUTE_SECONDS ?? 86_400),
  async run(data, ctx) {
    const counties = ctx.countyId ? [ctx.countyId] : await countiesWithIndicators(ctx.db);
    const results = [];
    for (const countyId of counties) {
      const periods = data.period ? [data.period] : [...new Set([...(await observedPeriods(ctx.db, countyId)), new Date().getUTCFullYear()])];
      for (const period of periods) results.push(await recomputePeriod(ctx.db, { id: ctx.requestedBy, countyId }, period, ctx.jobId, (p) => ctx.progress({ ...p, period })));
    }
    return data.period && results.length === 1 ? results[0] : { runs: results };
  },
};
