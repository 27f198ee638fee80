// Indicator definitions, observations and targets: what officials enter and read, each change audited.
import { and, asc, desc, eq } from 'drizzle-orm';
import type { Db } from '../../db/handle.ts';
import { recordAudit } from '../../server/audit.ts';
import { badRequest, conflict, forbidden, notFound } from '../../server/problems.ts';
import { authorize, holdsPermissionAnywhere, requireActor, type Actor } from '../governance/index.ts';
import {
  indicatorDefinitions,
  indicatorObservations,
  indicatorPillarWeights,
  indicatorScores,
  indicatorSettings,
  indicatorTargets,
  PILLARS,
  type IndexMethod,
  type ComputedKey,
  type Direction,
  type Pillar,
  type Source,
} from './schema.ts';
import { countyVillages } from './units.ts';

export type Definition = typeof indicatorDefinitions.$inferSelect;

const publicDefinition = (d: Definition) => ({
  id: d.id,
  code: d.code,
  nameZh: d.nameZh,
  nameEn: d.nameEn,
  pillar: d.pillar,
  unit: d.unit,
  direction: d.direction,
  source: d.source,
  computedKey: d.computedKey,
  weight: d.weight,
});

/** Any official of the county may read the dashboards (rankings are not personal data). */
export function requireReader(actor: Actor | null | undefined): Actor {
  const who = requireActor(actor);
  if (!holdsPermissionAnywhere(who, 'indicators.read')) throw forbidden();
  return who;
}

export async function listDefinitions(db: Db, actor: Actor | null) {
  const who = requireReader(actor);
  const rows = await db.select().from(indicatorDefinitions).where(eq(indicatorDefinitions.countyId, who.countyId)).orderBy(asc(indicatorDefinitions.pillar), asc(indicatorDefinitions.code));
  return rows.map(publicDefinition);
}

export interface DefinitionInput {
  code: string;
  nameZh: string;
  nameEn: string;
  pillar: Pillar;
  unit: string;
  direction: Direction;
  source: Source;
  computedKey?: ComputedKey | null;
  weight?: number;
}

export async function createDefinition(db: Db, actor: Actor | null, input: DefinitionInput) {
  const who = await authorize(db, actor, 'indicators.manage', { unitId: requireActor(actor).countyId });
  if ((input.source === 'computed') !== !!input.computedKey) throw badRequest('body/computedKey', 'A computed indicator names what it is computed from; a manual one does not');
  return db.transaction(async (tx) => {
    const [row] = await tx
      .insert(indicatorDefinitions)
      .values({ ...input, computedKey: input.computedKey ?? null, weight: input.weight ?? 1, countyId: who.countyId })
      .onConflictDoNothing()
      .returning();
    if (!row) throw conflict('duplicate_code', `An indicator with the code ${input.code} exists already`, { field: 'body/code' });
    await recordAudit(tx, who, { action: 'indicators.definition.create', entity: 'indicator_definition', entityId: row.id, details: { code: row.code, pillar: row.pillar, source: row.source } });
    return publicDefinition(row);
  });
}

async function definitionOf(db: Db, countyId: string, id: string) {
  const [d] = await db.select().from(indicatorDefinitions).where(and(eq(indicatorDefinitions.countyId, countyId), eq(indicatorDefinitions.id, id)));
  if (!d) throw notFound('Indicator');
  return d;
}

async function villageOf(db: Db, countyId: string, unitId: string, field: string) {
  const village = (await countyVillages(db, countyId)).find((v) => v.id === unitId);
  if (!village) throw badRequest(field, 'Not a village of this county');
  return village;
}

export interface ObservationInput {
  indicatorId: string;
  unitId: string;
  period: number;
  value: number;
}

/** An official records (or corrects) a manual indicator's value for a village and year; the old value stays in the audit. */
export async function recordObservation(db: Db, actor: Actor | null, input: ObservationInput) {
  const who = requireActor(actor);
  const def = await definitionOf(db, who.countyId, input.indicatorId);
  await villageOf(db, who.countyId, input.unitId, 'body/unitId');
  await authorize(db, who, 'indicators.observe', { unitId: input.unitId });
  if (def.source === 'computed') throw conflict('computed_indicator', 'This indicator is computed by Terrace; recompute it instead of entering it', { field: 'body/indicatorId' });
  if (def.unit === '%' && (input.value < 0 || input.value > 100)) throw badRequest('body/value', 'A percentage lies between 0 and 100');
  return db.transaction(async (tx) => {
    const key = and(
      eq(indicatorObservations.countyId, who.countyId),
      eq(indicatorObservations.indicatorId, def.id),
      eq(indicatorObservations.unitId, input.unitId),
      eq(indicatorObservations.period, input.period),
    );
    const [before] = await tx.select({ value: indicatorObservations.value }).from(indicatorObservations).where(key).for('update');
    const provenance = { enteredBy: who.id };
    const [row] = await tx
      .insert(indicatorObservations)
      .values({ countyId: who.countyId, indicatorId: def.id, unitId: input.unitId, period: input.period, value: input.value, source: 'manual', provenance, recordedBy: who.id })
      .onConflictDoUpdate({
        target: [indicatorObservations.countyId, indicatorObservations.indicatorId, indicatorObservations.unitId, indicatorObservations.period],
        set: { value: input.value, source: 'manual', provenance, recordedBy: who.id, recordedAt: new Date() },
      })
      .returning();
    await recordAudit(tx, who, {
      action: 'indicators.observation.record',
      entity: 'indicator_observation',
      entityId: row.id,
      details: { code: def.code, unitId: input.unitId, period: input.period, from: before?.value ?? null, to: input.value },
    });
    return { id: row.id, indicatorId: def.id, unitId: row.unitId, period: row.period, value: row.value, source: row.source, recordedAt: row.recordedAt.toISOString() };
  });
}

export async function setTarget(db: Db, actor: Actor | null, input: ObservationInput) {
  const who = await authorize(db, actor, 'indicators.manage', { unitId: requireActor(actor).countyId });
  const def = await definitionOf(db, who.countyId, input.indicatorId);
  await villageOf(db, who.countyId, input.unitId, 'body/unitId');
  return db.transaction(async (tx) => {
    const [row] = await tx
      .insert(indicatorTargets)
      .values({ countyId: who.countyId, indicatorId: def.id, unitId: input.unitId, period: input.period, value: input.value, setBy: who.id })
      .onConflictDoUpdate({ target: [indicatorTargets.countyId, indicatorTargets.indicatorId, indicatorTargets.unitId, indicatorTargets.period], set: { value: input.value, setBy: who.id, updatedAt: new Date() } })
      .returning();
    await recordAudit(tx, who, { action: 'indicators.target.set', entity: 'indicator_target', entityId: row.id, details: { code: def.code, unitId: input.unitId, period: input.period, value: input.value } });
    return { id: row.id, indicatorId: def.id, unitId: row.unitId, period: row.period, value: row.value };
  });
}

export async function pillarWeights(db: Db, countyId: string): Promise<Record<Pillar, number>> {
  const rows = await db.select().from(indicatorPillarWeights).where(eq(indicatorPillarWeights.countyId, countyId));
  return Object.fromEntries(PILLARS.map((p) => [p, rows.find((r) => r.pillar === p)?.weight ?? 1])) as Record<Pillar, number>;
}

export async function setPillarWeights(db: Db, actor: Actor | null, weights: Partial<Record<Pillar, number>>) {
  const who = await authorize(db, actor, 'indicators.manage', { unitId: requireActor(actor).countyId });
  if (Object.values(weights).every((w) => !w)) throw badRequest('body', 'At least one pillar needs a weight above 0');
  await db.transaction(async (tx) => {
    const before = await pillarWeights(tx, who.countyId);
    for (const [pillar, weight] of Object.entries(weights) as [Pillar, number][]) {
      await tx
        .insert(indicatorPillarWeights)
        .values({ countyId: who.countyId, pillar, weight })
        .onConflictDoUpdate({ target: [indicatorPillarWeights.countyId, indicatorPillarWeights.pillar], set: { weight, updatedAt: new Date() } });
    }
    await recordAudit(tx, who, { action: 'indicators.weights.set', entity: 'indicator_pillar_weights', details: { from: before, to: weights } });
  });
  return pillarWeights(db, who.countyId);
}

export async function indexMethod(db: Db, countyId: string): Promise<IndexMethod> {
  const [row] = await db.select({ method: indicatorSettings.method }).from(indicatorSettings).where(eq(indicatorSettings.countyId, countyId));
  return row?.method ?? 'weighted';
}

/** Chooses how the index combines the indicators; the figures follow at the next recomputation. */
export async function setIndexMethod(db: Db, actor: Actor | null, method: IndexMethod) {
  const who = await authorize(db, actor, 'indicators.manage', { unitId: requireActor(actor).countyId });
  await db.transaction(async (tx) => {
    const before = await indexMethod(tx, who.countyId);
    await tx
      .insert(indicatorSettings)
      .values({ countyId: who.countyId, method })
      .onConflictDoUpdate({ target: indicatorSettings.countyId, set: { method, updatedAt: new Date() } });
    await recordAudit(tx, who, { action: 'indicators.method.set', entity: 'indicator_settings', entityId: who.countyId, details: { from: before, to: method } });
  });
  return { method };
}

/** The years with observations or scores, newest first. */
async function periodsOf(db: Db, countyId: string): Promise<number[]> {
  const rows = await db
    .selectDistinct({ period: indicatorObservations.period })
    .from(indicatorObservations)
    .where(eq(indicatorObservations.countyId, countyId))
    .orderBy(desc(indicatorObservations.period));
  return rows.map((r) => r.period);
}

/** The county at a glance for one year: every village's index and rank, the change since the year before, trends. */
export async function overview(db: Db, actor: Actor | null, requested?: number) {
  const who = requireReader(actor);
  const periods = await periodsOf(db, who.countyId);
  const period = requested ?? periods[0] ?? null;
  const [villages, scores, weights, method] = await Promise.all([
    countyVillages(db, who.countyId),
    db.select().from(indicatorScores).where(eq(indicatorScores.countyId, who.countyId)),
    pillarWeights(db, who.countyId),
    indexMethod(db, who.countyId),
  ]);
  const at = (unitId: string, p: number | null) => scores.find((s) => s.unitId === unitId && s.period === p);
  const rows = villages.map((v) => {
    const s = at(v.id, period);
    const prev = period === null ? undefined : at(v.id, period - 1);
    return { ...v, score: s?.score ?? null, rank: s?.rank ?? null, pillars: s?.pillars ?? {}, previousScore: prev?.score ?? null };
  });
  rows.sort((a, b) => (a.rank ?? Infinity) - (b.rank ?? Infinity) || a.namePinyin.localeCompare(b.namePinyin));
  const scored = scores.filter((s) => s.period === period);
  const mean = (xs: number[]) => (xs.length ? Math.round((xs.reduce((a, b) => a + b, 0) / xs.length) * 100) / 100 : null);
  const trendPeriods = [...new Set([...periods, ...scores.map((s) => s.period)])].sort((a, b) => a - b);
  // Townships: the mean index of their scored villages (each village counts once, whatever its size).
  const townshipIds = [...new Set(villages.map((v) => v.townshipId))];
  const townships = townshipIds
    .map((id) => {
      const members = rows.filter((v) => v.townshipId === id);
      return { id, nameZh: members[0].townshipZh, namePinyin: members[0].townshipPinyin, average: mean(members.flatMap((v) => (v.score === null ? [] : [v.score]))), villages: members.length };
    })
    .sort((a, b) => (b.average ?? -1) - (a.average ?? -1));
  return {
    period,
    periods,
    computedAt: scored.length ? new Date(Math.max(...scored.map((s) => s.computedAt.getTime()))).toISOString() : null,
    pillarWeights: weights,
    method,
    villages: rows,
    townships,
    pillarAverages: Object.fromEntries(PILLARS.map((p) => [p, mean(scored.flatMap((s) => (s.pillars[p] === undefined ? [] : [s.pillars[p]!])))])) as Record<Pillar, number | null>,
    trend: trendPeriods.map((p) => ({ period: p, average: mean(scores.filter((s) => s.period === p).map((s) => s.score)), villages: scores.filter((s) => s.period === p).length })),
  };
}

/** One village: its index over the years and every indicator's value, the year before, and its target. */
export async function villageDetail(db: Db, actor: Actor | null, unitId: string, requested?: number) {
  const who = requireReader(actor);
  const village = (await countyVillages(db, who.countyId)).find((v) => v.id === unitId);
  if (!village) throw notFound('Village');
  const [defs, obs, targets, scores, periods] = await Promise.all([
    db.select().from(indicatorDefinitions).where(eq(indicatorDefinitions.countyId, who.countyId)).orderBy(asc(indicatorDefinitions.pillar), asc(indicatorDefinitions.code)),
    db.select().from(indicatorObservations).where(and(eq(indicatorObservations.countyId, who.countyId), eq(indicatorObservations.unitId, unitId))),
    db.select().from(indicatorTargets).where(and(eq(indicatorTargets.countyId, who.countyId), eq(indicatorTargets.unitId, unitId))),
    db.select().from(indicatorScores).where(and(eq(indicatorScores.countyId, who.countyId), eq(indicatorScores.unitId, unitId))).orderBy(asc(indicatorScores.period)),
    periodsOf(db, who.countyId),
  ]);
  const period = requested ?? periods[0] ?? null;
  const canObserve = await authorize(db, who, 'indicators.observe', { unitId }).then(
    () => true,
    () => false,
  );
  return {
    village,
    period,
    periods,
    canObserve,
    scores: scores.map((s) => ({ period: s.period, score: s.score, rank: s.rank, pillars: s.pillars })),
    indicators: defs.map((d) => {
      const o = obs.find((x) => x.indicatorId === d.id && x.period === period);
      const prev = obs.find((x) => x.indicatorId === d.id && period !== null && x.period === period - 1);
      const target = targets.find((x) => x.indicatorId === d.id && x.period === period);
      return {
        ...publicDefinition(d),
        value: o?.value ?? null,
        previous: prev?.value ?? null,
        target: target?.value ?? null,
        recordedAt: o?.recordedAt.toISOString() ?? null,
        provenance: o?.provenance ?? null,
      };
    }),
  };
}

/** Everything the export and the recomputation need for a year, in one read. */
export async function periodData(db: Db, countyId: string, period: number) {
  const [defs, obs] = await Promise.all([
    db.select().from(indicatorDefinitions).where(eq(indicatorDefinitions.countyId, countyId)),
    db.select().from(indicatorObservations).where(and(eq(indicatorObservations.countyId, countyId), eq(indicatorObservations.period, period))),
  ]);
  return { defs, obs };
}

export const countiesWithIndicators = async (db: Db) =>
  (await db.selectDistinct({ countyId: indicatorDefinitions.countyId }).from(indicatorDefinitions)).map((r) => r.countyId);

export const observedPeriods = periodsOf;
