import { sql } from 'drizzle-orm';
import type { Db } from '../../../db/handle.ts';
import { badRequest } from '../../../server/problems.ts';
import { recordAudit } from '../../../server/audit.ts';
import { authorize, type Actor } from '../../governance/index.ts';
import { atlasConditionAssessments as conditionAssessments } from '../schema.ts';
import { buildingOr404 } from './buildings.ts';

// ---- condition assessments ----

export async function addAssessment(
  db: Db,
  actor: Actor | null,
  buildingId: string,
  input: { grade: number; assessedOn: string; assessor: string; notes?: string },
) {
  const b = await buildingOr404(db, buildingId);
  const who = await authorize(db, actor, 'atlas.edit', { unitId: b.villageId });
  const today = new Date().toISOString().slice(0, 10);
  if (input.assessedOn > today) throw badRequest('body/assessedOn', 'An assessment cannot be dated in the future');
  return db.transaction(async (tx) => {
    const [a] = await tx
      .insert(conditionAssessments)
      .values({ countyId: b.countyId, buildingId, grade: input.grade, assessedOn: input.assessedOn, assessor: input.assessor, notes: input.notes ?? '', recordedBy: who.id })
      .returning();
    // The building's current condition is its latest assessment by date.
    await tx.execute(sql`
      update atlas_buildings set condition = (
        select grade from atlas_condition_assessments where building_id = ${buildingId}
        order by assessed_on desc, created_at desc, id desc limit 1
      ), updated_at = now() where id = ${buildingId}`);
    await recordAudit(tx, who, { action: 'assessment.create', entity: 'atlas_building', entityId: buildingId, details: { grade: a.grade, assessedOn: a.assessedOn, assessor: a.assessor } });
    return a;
  });
}
