// Indicator definitions, observations and targets: what officials enter and read, each change audited.
import { and, asc, count, desc, eq, inArray } from 'drizzle-orm';
import type { Db } from '../../db/handle.ts';
import { recordAudit } from '../../server/audit.ts';
import { badRequest, conflict, forbidden, notFound } from '../../server/problems.ts';
import { authorize, holdsPermissionAnywhere, requireActor, type Actor } from '../governance/index.ts';
import { furthestBehindFirst, progressOf, rollUp } from './rollup.ts';
import {
  indicatorDefinitions,
  indicatorDefinitionVersions,
  indicatorObservations,
  indicatorPillarWeights,
  indicatorScores,
  indicatorSettings,
  indicatorTargets,
  PILLARS,
  type Aggregation,
  type IndexMethod,
  type ComputedKey,
  type Direction,
  type Pillar,
  type Source,
} from './schema.ts';
import { countyUnits, countyVillages, type CountyUnits, type Unit } from './units.ts';

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
  aggregation: d.aggregation,
  version: d.version,
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
  aggregation?: Aggregation;
}

/** Shares and per-head figures roll up as a mean, everything else as a total, unless the definition says otherwise. */
const defaultAggregation = (unit: string): Aggregation => (unit === '%' ? 'mean' : 'sum');

export async function createDefinition(db: Db, actor: Actor | null, input: DefinitionInput) {
  const who = await authorize(db, actor, 'indicators.manage', { unitId: requireActor(actor).countyId });
  if ((input.source === 'computed') !== !!input.computedKey) throw badRequest('body/computedKey', 'A computed indicator names what it is computed from; a manual one does not');
  return db.transaction(async (tx) => {
    const [row] = await tx
      .insert(indicatorDefinitions)
      .values({ ...input, aggregation: input.aggregation ?? defaultAggregation(input.unit), computedKey: input.computedKey ?? null, weight: input.weight ?? 1, countyId: who.countyId })
      .onConflictDoNothing()
      .returning();
    if (!row) throw conflict('duplicate_code', `An indicator with the code ${input.code} exists already`, { field: 'body/code' });
    await tx.insert(indicatorDefinitionVersions).values({ ...versionOf(row), changedBy: who.id });
    await recordAudit(tx, who, { action: 'indicators.definition.create', entity: 'indicator_definition', entityId: row.id, details: { code: row.code, pillar: row.pillar, source: row.source } });
    return publicDefinition(row);
  });
}

const versionOf = (d: Definition) => ({
  countyId: d.countyId,
  definitionId: d.id,
  version: d.version,
  nameZh: d.nameZh,
  nameEn: d.nameEn,
  pillar: d.pillar,
  unit: d.unit,
  direction: d.direction,
  aggregation: d.aggregation,
});

export interface DefinitionChange {
  nameZh?: string;
  nameEn?: string;
  pillar?: Pillar;
  unit?: string;
  direction?: Direction;
  aggregation?: Aggregation;
  /** Why it changes (kept with the version). */
  note: string;
}

const VERSIONED = ['nameZh', 'nameEn', 'pillar', 'unit', 'direction', 'aggregation'] as const;

/**
 * Changes a definition: a new version, the old one kept; observations keep the version they were recorded under.
 * A change that changes nothing adds no version.
 */
export async function changeDefinition(db: Db, actor: Actor | null, id: string, change: DefinitionChange) {
  const who = await authorize(db, actor, 'indicators.manage', { unitId: requireActor(actor).countyId });
  return db.transaction(async (tx) => {
    const [before] = await tx.select().from(indicatorDefinitions).where(and(eq(indicatorDefinitions.countyId, who.countyId), eq(indicatorDefinitions.id, id))).for('update');
    if (!before) throw notFound('Indicator');
    const changed = VERSIONED.filter((k) => change[k] !== undefined && change[k] !== before[k]);
    if (changed.length === 0) return publicDefinition(before);
    const patch = Object.fromEntries(changed.map((k) => [k, change[k]]));
    const [after] = await tx
      .update(indicatorDefinitions)
      .set({ ...patch, version: before.version + 1, updatedAt: new Date() })
      .where(and(eq(indicatorDefinitions.countyId, who.countyId), eq(indicatorDefinitions.id, id)))
      .returning();
    await tx.insert(indicatorDefinitionVersions).values({ ...versionOf(after), note: change.note, changedBy: who.id });
    await recordAudit(tx, who, {
      action: 'indicators.definition.change',
      entity: 'indicator_definition',
      entityId: id,
      details: { code: after.code, version: after.version, note: change.note, ...Object.fromEntries(changed.map((k) => [k, { from: before[k], to: after[k] }])) },
    });
    return publicDefinition(after);
  });
}

/** A definition's versions, newest first, with how many observations were recorded under each. */
export async function definitionHistory(db: Db, actor: Actor | null, id: string) {
  const who = requireReader(actor);
  const def = await definitionOf(db, who.countyId, id);
  const [versions, counts] = await Promise.all([
    db
      .select()
      .from(indicatorDefinitionVersions)
      .where(and(eq(indicatorDefinitionVersions.countyId, who.countyId), eq(indicatorDefinitionVersions.definitionId, id)))
      .orderBy(desc(indicatorDefinitionVersions.version)),
    db
      .select({ version: indicatorObservations.definitionVersion, n: count() })
      .from(indicatorObservations)
      .where(and(eq(indicatorObservations.countyId, who.countyId), eq(indicatorObservations.indicatorId, id)))
      .groupBy(indicatorObservations.definitionVersion),
  ]);
  return {
    definition: publicDefinition(def),
    versions: versions.map((v) => ({
      version: v.version,
      nameZh: v.nameZh,
      nameEn: v.nameEn,
      pillar: v.pillar,
      unit: v.unit,
      direction: v.direction,
      aggregation: v.aggregation,
      note: v.note,
      changedAt: v.changedAt.toISOString(),
      observations: counts.find((c) => c.version === v.version)?.n ?? 0,
    })),
  };
}

async function definitionOf(db: Db, countyId: string, id: string) {
  const [d] = await db.select().from(indicatorDefinitions).where(and(eq(indicatorDefinitions.countyId, countyId), eq(indicatorDefinitions.id, id)));
  if (!d) throw notFound('Indicator');
  return d;
}

/** An admin unit of the county (the county, a township or a village), or a 400 naming the field. */
function unitIn(units: CountyUnits, unitId: string, field: string): Unit {
  const unit = units.byId.get(unitId);
  if (!unit) throw badRequest(field, 'Not an admin unit (county, township or village) of this county');
  return unit;
}

/** A value's checks beyond its type: a percentage lies in 0–100. Null when it passes, else the reason. */
export function valueProblem(def: Pick<Definition, 'unit'>, value: number): string | null {
  if (!Number.isFinite(value) || Math.abs(value) > 1e12) return 'Not a finite number within ±10¹²';
  if (def.unit === '%' && (value < 0 || value > 100)) return 'A percentage lies between 0 and 100';
  return null;
}

/**
 * Writes one manual observation (new or corrected) with its audit row, inside the caller's transaction; checks are
 * the caller's. Returns the row and whether anything changed.
 */
export async function writeObservation(tx: Db, who: Actor, def: Definition, unitId: string, period: number, value: number, provenance: Record<string, unknown>) {
  const key = and(
    eq(indicatorObservations.countyId, who.countyId),
    eq(indicatorObservations.indicatorId, def.id),
    eq(indicatorObservations.unitId, unitId),
    eq(indicatorObservations.period, period),
  );
  const [before] = await tx.select({ value: indicatorObservations.value, version: indicatorObservations.definitionVersion }).from(indicatorObservations).where(key).for('update');
  const [row] = await tx
    .insert(indicatorObservations)
    .values({ countyId: who.countyId, indicatorId: def.id, unitId, period, value, source: 'manual', provenance, recordedBy: who.id, definitionVersion: def.version })
    .onConflictDoUpdate({
      target: [indicatorObservations.countyId, indicatorObservations.indicatorId, indicatorObservations.unitId, indicatorObservations.period],
      set: { value, source: 'manual', provenance, recordedBy: who.id, recordedAt: new Date(), definitionVersion: def.version },
    })
    .returning();
  await recordAudit(tx, who, {
    action: 'indicators.observation.record',
    entity: 'indicator_observation',
    entityId: row.id,
    details: { code: def.code, version: def.version, unitId, period, from: before?.value ?? null, to: value, ...(provenance.importId ? { importId: provenance.importId } : {}) },
  });
  return row;
}

export interface ObservationInput {
  indicatorId: string;
  unitId: string;
  period: number;
  value: number;
}

/**
 * An official records (or corrects) a manual indicator's value for an admin unit in their scope (a village, a
 * township or the county) and year; the old value stays in the audit.
 */
export async function recordObservation(db: Db, actor: Actor | null, input: ObservationInput) {
  const who = requireActor(actor);
  const def = await definitionOf(db, who.countyId, input.indicatorId);
  unitIn(await countyUnits(db, who.countyId), input.unitId, 'body/unitId');
  await authorize(db, who, 'indicators.observe', { unitId: input.unitId });
  if (def.source === 'computed') throw conflict('computed_indicator', 'This indicator is computed by Terrace; recompute it instead of entering it', { field: 'body/indicatorId' });
  const problem = valueProblem(def, input.value);
  if (problem) throw badRequest('body/value', problem);
  return db.transaction(async (tx) => {
    const row = await writeObservation(tx, who, def, input.unitId, input.period, input.value, { enteredBy: who.id });
    return { id: row.id, indicatorId: def.id, unitId: row.unitId, period: row.period, value: row.value, source: row.source, definitionVersion: row.definitionVersion, recordedAt: row.recordedAt.toISOString() };
  });
}

/**
 * Targets cascade: the county admin sets the county's and each township's target, a township's officials (or the
 * county admin) each of its villages' — whoever holds 'indicators.plan' on the unit above.
 */
export async function setTarget(db: Db, actor: Actor | null, input: ObservationInput) {
  const who = requireActor(actor);
  const def = await definitionOf(db, who.countyId, input.indicatorId);
  const units = await countyUnits(db, who.countyId);
  const unit = unitIn(units, input.unitId, 'body/unitId');
  await authorize(db, who, unit.level === 'village' ? 'indicators.plan' : 'indicators.manage', { unitId: unit.parentId ?? unit.id });
  const problem = valueProblem(def, input.value);
  if (problem) throw badRequest('body/value', problem);
  return db.transaction(async (tx) => {
    const key = and(eq(indicatorTargets.countyId, who.countyId), eq(indicatorTargets.indicatorId, def.id), eq(indicatorTargets.unitId, input.unitId), eq(indicatorTargets.period, input.period));
    const [before] = await tx.select({ value: indicatorTargets.value }).from(indicatorTargets).where(key).for('update');
    const [row] = await tx
      .insert(indicatorTargets)
      .values({ countyId: who.countyId, indicatorId: def.id, unitId: input.unitId, period: input.period, value: input.value, setBy: who.id })
      .onConflictDoUpdate({ target: [indicatorTargets.countyId, indicatorTargets.indicatorId, indicatorTargets.unitId, indicatorTargets.period], set: { value: input.value, setBy: who.id, updatedAt: new Date() } })
      .returning();
    await recordAudit(tx, who, { action: 'indicators.target.set', entity: 'indicator_target', entityId: row.id, details: { code: def.code, unitId: input.unitId, level: unit.level, period: input.period, from: before?.value ?? null, to: input.value } });
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
    return { ...v, score: s?.score ?? null, rank: s?.rank ?? null, pillars: s?.pillars ?? {}, previousScore: prev?.score ?? null, weightedScore: s?.weightedScore ?? null, entropyScore: s?.entropyScore ?? null };
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
    countyId: who.countyId,
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

/** The index of a unit over the years: a village's own; a township's or the county's, the mean of its scored villages'. */
function indexSeries(units: CountyUnits, unit: Unit, scores: (typeof indicatorScores.$inferSelect)[]) {
  if (unit.level === 'village') return scores.filter((s) => s.unitId === unit.id).map((s) => ({ period: s.period, score: s.score, rank: s.rank as number | null, pillars: s.pillars, villages: 1 }));
  const members = new Set(units.villagesUnder(unit.id).map((v) => v.id));
  const periods = [...new Set(scores.map((s) => s.period))].sort((a, b) => a - b);
  const mean = (xs: number[]) => Math.round((xs.reduce((a, b) => a + b, 0) / xs.length) * 100) / 100;
  return periods.flatMap((period) => {
    const mine = scores.filter((s) => s.period === period && members.has(s.unitId));
    if (!mine.length) return [];
    const pillars = Object.fromEntries(
      PILLARS.flatMap((p) => {
        const xs = mine.flatMap((s) => (s.pillars[p] === undefined ? [] : [s.pillars[p]!]));
        return xs.length ? [[p, mean(xs)]] : [];
      }),
    ) as Partial<Record<Pillar, number>>;
    // A township's rank among the townships by the same mean.
    let rank: number | null = null;
    if (unit.level === 'township') {
      const means = units.townships
        .map((t) => {
          const ids = new Set(units.villagesUnder(t.id).map((v) => v.id));
          const xs = scores.filter((s) => s.period === period && ids.has(s.unitId)).map((s) => s.score);
          return { id: t.id, score: xs.length ? mean(xs) : null };
        })
        .filter((x) => x.score !== null);
      const me = means.find((x) => x.id === unit.id)!;
      rank = 1 + means.filter((x) => x.score! > me.score!).length;
    }
    return [{ period, score: mean(mine.map((s) => s.score)), rank, pillars, villages: mine.length }];
  });
}

const canDo = (p: Promise<unknown>) =>
  p.then(
    () => true,
    () => false,
  );

/**
 * One admin unit (village, township or county): its index over the years and every indicator's value in a year —
 * entered for the unit itself, rolled up from its villages, the year before — with its target and progress.
 */
export async function unitDetail(db: Db, actor: Actor | null, unitId: string, requested?: number) {
  const who = requireReader(actor);
  const units = await countyUnits(db, who.countyId);
  const unit = units.byId.get(unitId);
  if (!unit) throw notFound('Admin unit');
  const under = units.villagesUnder(unit.id).map((v) => v.id);
  const [defs, obs, targets, scores, periods] = await Promise.all([
    db.select().from(indicatorDefinitions).where(eq(indicatorDefinitions.countyId, who.countyId)).orderBy(asc(indicatorDefinitions.pillar), asc(indicatorDefinitions.code)),
    db.select().from(indicatorObservations).where(and(eq(indicatorObservations.countyId, who.countyId), inArray(indicatorObservations.unitId, [...new Set([unit.id, ...under])]))),
    db.select().from(indicatorTargets).where(and(eq(indicatorTargets.countyId, who.countyId), eq(indicatorTargets.unitId, unitId))),
    db.select().from(indicatorScores).where(eq(indicatorScores.countyId, who.countyId)).orderBy(asc(indicatorScores.period)),
    periodsOf(db, who.countyId),
  ]);
  const period = requested ?? periods[0] ?? null;
  const [canObserve, canPlan] = await Promise.all([
    canDo(authorize(db, who, 'indicators.observe', { unitId })),
    canDo(authorize(db, who, unit.level === 'village' ? 'indicators.plan' : 'indicators.manage', { unitId: unit.parentId ?? unit.id })),
  ]);
  const parent = unit.parentId ? units.byId.get(unit.parentId)! : null;
  const township = unit.level === 'village' ? parent! : unit.level === 'township' ? unit : null;
  const valueAt = (d: Definition, p: number | null) => {
    if (p === null) return { own: undefined, rolled: null };
    const own = obs.find((x) => x.indicatorId === d.id && x.unitId === unit.id && x.period === p);
    const rolled = unit.level === 'village' ? null : rollUp(d.aggregation, under.map((v) => obs.find((x) => x.indicatorId === d.id && x.unitId === v && x.period === p)?.value));
    return { own, rolled };
  };
  return {
    unit: { ...unit, parentZh: parent?.nameZh ?? null, parentPinyin: parent?.namePinyin ?? null },
    village: unit.level === 'village' ? { id: unit.id, nameZh: unit.nameZh, namePinyin: unit.namePinyin, townshipId: township!.id, townshipZh: township!.nameZh, townshipPinyin: township!.namePinyin } : null,
    children: units.children(unit.id).map((c) => ({ id: c.id, level: c.level, nameZh: c.nameZh, namePinyin: c.namePinyin })),
    period,
    periods,
    canObserve,
    canPlan,
    scores: indexSeries(units, unit, scores),
    indicators: defs.map((d) => {
      const now = valueAt(d, period);
      const before = valueAt(d, period === null ? null : period - 1);
      const target = targets.find((x) => x.indicatorId === d.id && x.period === period)?.value ?? null;
      const value = now.own?.value ?? null;
      // Progress counts the unit's own figure where it has one, else what its villages add up to.
      const actual = value ?? now.rolled?.value ?? null;
      return {
        ...publicDefinition(d),
        value,
        rolledUp: now.rolled,
        previous: before.own?.value ?? before.rolled?.value ?? null,
        target,
        ...progressOf(d.direction, actual, target),
        recordedAt: now.own?.recordedAt.toISOString() ?? null,
        recordedVersion: now.own?.definitionVersion ?? null,
        provenance: now.own?.provenance ?? null,
      };
    }),
  };
}

/**
 * The targets of a unit and how they are split over the units under it, for a year: for each indicator with a
 * target there or below, the unit's target, figure and progress, then each unit under it furthest behind first, and
 * how much of a total the split leaves unallocated. Indicators furthest behind first too.
 */
export async function targetCascade(db: Db, actor: Actor | null, unitId: string, period: number) {
  const who = requireReader(actor);
  const units = await countyUnits(db, who.countyId);
  const unit = units.byId.get(unitId);
  if (!unit) throw notFound('Admin unit');
  const children = units.children(unit.id);
  const villages = units.villagesUnder(unit.id).map((v) => v.id);
  const ids = [...new Set([unit.id, ...children.map((c) => c.id), ...villages])];
  const [defs, obs, targets] = await Promise.all([
    db.select().from(indicatorDefinitions).where(eq(indicatorDefinitions.countyId, who.countyId)).orderBy(asc(indicatorDefinitions.pillar), asc(indicatorDefinitions.code)),
    db.select().from(indicatorObservations).where(and(eq(indicatorObservations.countyId, who.countyId), eq(indicatorObservations.period, period), inArray(indicatorObservations.unitId, ids))),
    db.select().from(indicatorTargets).where(and(eq(indicatorTargets.countyId, who.countyId), eq(indicatorTargets.period, period), inArray(indicatorTargets.unitId, [unit.id, ...children.map((c) => c.id)]))),
  ]);
  const actualOf = (d: Definition, u: Unit) => {
    const own = obs.find((o) => o.indicatorId === d.id && o.unitId === u.id);
    if (own) return own.value;
    if (u.level === 'village') return null;
    return rollUp(d.aggregation, units.villagesUnder(u.id).map((v) => obs.find((o) => o.indicatorId === d.id && o.unitId === v.id)?.value))?.value ?? null;
  };
  const line = (d: Definition, u: Unit) => {
    const target = targets.find((x) => x.indicatorId === d.id && x.unitId === u.id)?.value ?? null;
    const actual = actualOf(d, u);
    return { unitId: u.id, level: u.level, nameZh: u.nameZh, namePinyin: u.namePinyin, target, actual, ...progressOf(d.direction, actual, target) };
  };
  const rows = defs.flatMap((d) => {
    if (!targets.some((x) => x.indicatorId === d.id)) return [];
    const own = line(d, unit);
    const split = children.map((c) => line(d, c)).sort(furthestBehindFirst);
    const allocated = split.flatMap((c) => (c.target === null ? [] : [c.target]));
    const allocatedTotal = d.aggregation === 'sum' && allocated.length ? Math.round(allocated.reduce((a, b) => a + b, 0) * 100) / 100 : null;
    return [
      {
        indicator: publicDefinition(d),
        ...own,
        allocated: allocatedTotal,
        unallocated: allocatedTotal !== null && own.target !== null ? Math.round((own.target - allocatedTotal) * 100) / 100 : null,
        childrenWithTarget: allocated.length,
        children: split,
      },
    ];
  });
  rows.sort(furthestBehindFirst);
  return { unit: { id: unit.id, level: unit.level, nameZh: unit.nameZh, namePinyin: unit.namePinyin, parentId: unit.parentId }, period, rows };
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
