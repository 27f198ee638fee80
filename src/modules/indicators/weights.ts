// Expert weights (the county's judgement: each pillar's and each indicator's inside its pillar) beside the entropy
// weights the data gives, and how sensitive the ranking is to them.
import { and, eq } from 'drizzle-orm';
import type { Db } from '../../db/handle.ts';
import { recordAudit } from '../../server/audit.ts';
import { badRequest } from '../../server/problems.ts';
import { authorize, requireActor, type Actor } from '../governance/index.ts';
import { compositeIndex } from './composite.ts';
import { indicatorDefinitions, PILLARS } from './schema.ts';
import { rankShift, spearman, weightSensitivity } from './sensitivity.ts';
import { indexMethod, observedPeriods, periodData, pillarWeights, requireReader } from './service.ts';
import { entropyTopsisIndex, entropyWeightsOf } from './topsis.ts';
import { countyVillages } from './units.ts';

/** The county admin sets indicators' weights inside their pillars (each > 0, ≤ 100); audited with the old ones. */
export async function setIndicatorWeights(db: Db, actor: Actor | null, weights: { indicatorId: string; weight: number }[]) {
  const who = await authorize(db, actor, 'indicators.manage', { unitId: requireActor(actor).countyId });
  const ids = weights.map((w) => w.indicatorId);
  if (new Set(ids).size !== ids.length) throw badRequest('body/weights', 'An indicator appears twice');
  return db.transaction(async (tx) => {
    const defs = await tx.select().from(indicatorDefinitions).where(eq(indicatorDefinitions.countyId, who.countyId)).for('update');
    const changes: { code: string; from: number; to: number }[] = [];
    for (const [k, w] of weights.entries()) {
      const def = defs.find((d) => d.id === w.indicatorId);
      if (!def) throw badRequest(`body/weights/${k}/indicatorId`, 'Not an indicator of this county');
      if (def.weight === w.weight) continue;
      await tx.update(indicatorDefinitions).set({ weight: w.weight, updatedAt: new Date() }).where(and(eq(indicatorDefinitions.countyId, who.countyId), eq(indicatorDefinitions.id, def.id)));
      changes.push({ code: def.code, from: def.weight, to: w.weight });
    }
    if (changes.length) await recordAudit(tx, who, { action: 'indicators.weights.indicators', entity: 'indicator_definition', details: { changes } });
    return { changed: changes.length };
  });
}

/**
 * For a year: each indicator's expert weight (inside its pillar, and its share of the whole index) beside its
 * entropy weight from the villages' values; both rankings' agreement; and how far the ranking moves when a pillar's
 * expert weight is halved or raised by half.
 */
export async function weightsView(db: Db, actor: Actor | null, requested?: number) {
  const who = requireReader(actor);
  const period = requested ?? (await observedPeriods(db, who.countyId))[0] ?? null;
  const [pillars, method, villages] = await Promise.all([pillarWeights(db, who.countyId), indexMethod(db, who.countyId), countyVillages(db, who.countyId)]);
  const { defs, obs } = period === null ? { defs: await db.select().from(indicatorDefinitions).where(eq(indicatorDefinitions.countyId, who.countyId)), obs: [] } : await periodData(db, who.countyId, period);
  const values = new Map<string, Map<string, number>>();
  const villageIds = villages.map((v) => v.id);
  const isVillage = new Set(villageIds);
  for (const o of obs) {
    if (!isVillage.has(o.unitId)) continue;
    let column = values.get(o.indicatorId);
    if (!column) values.set(o.indicatorId, (column = new Map()));
    column.set(o.unitId, o.value);
  }
  const entropy = entropyWeightsOf(defs, values, villageIds);
  const pillarTotal = PILLARS.filter((p) => defs.some((d) => d.pillar === p)).reduce((s, p) => s + pillars[p], 0);
  const inPillar = (p: string) => defs.filter((d) => d.pillar === p).reduce((s, d) => s + d.weight, 0);
  const round = (x: number) => Math.round(x * 10_000) / 10_000;
  const expert = compositeIndex(defs, values, pillars, villageIds);
  const byEntropy = entropyTopsisIndex(defs, values, villageIds);
  return {
    period,
    method,
    pillarWeights: pillars,
    indicators: [...defs]
      .sort((a, b) => PILLARS.indexOf(a.pillar) - PILLARS.indexOf(b.pillar) || a.code.localeCompare(b.code))
      .map((d) => ({
        id: d.id,
        code: d.code,
        nameZh: d.nameZh,
        nameEn: d.nameEn,
        pillar: d.pillar,
        weight: d.weight,
        expertShare: pillarTotal > 0 ? round((pillars[d.pillar] / pillarTotal) * (d.weight / inPillar(d.pillar))) : 0,
        entropyShare: entropy.has(d.id) ? round(entropy.get(d.id)!) : null,
      })),
    agreement: { spearman: spearman(expert, byEntropy), ...rankShift(expert, byEntropy) },
    sensitivity: weightSensitivity(defs, values, pillars, villageIds),
  };
}
