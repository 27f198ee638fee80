// What Interventions tell the Indicators module: buildings restored per village, with the projects they came from.
import { firstIds } from '../../../db/aggregates.ts';
import { and, eq, gte, inArray, lt, sql } from 'drizzle-orm';
import type { Db } from '../../../db/handle.ts';
import { interventions, interventionTransitions } from '../schema.ts';

/**
 * Heritage buildings restored in the period: the buildings of each project that reached `completed` within it
 * (a project without a listed building counts as one), per village.
 */
export async function restoredByVillage(db: Db, countyId: string, from: Date, to: Date) {
  const done = db
    .selectDistinct({ id: interventionTransitions.interventionId })
    .from(interventionTransitions)
    .where(and(eq(interventionTransitions.countyId, countyId), eq(interventionTransitions.toStatus, 'completed'), gte(interventionTransitions.at, from), lt(interventionTransitions.at, to)));
  return db
    .select({
      villageId: interventions.villageId,
      buildings: sql<number>`sum(greatest(jsonb_array_length(${interventions.buildings}), 1))::int`,
      interventions: sql<number>`count(*)::int`,
      ids: firstIds(interventions.id),
    })
    .from(interventions)
    .where(and(eq(interventions.countyId, countyId), inArray(interventions.id, done), inArray(interventions.status, ['completed', 'evaluated'])))
    .groupBy(interventions.villageId);
}
