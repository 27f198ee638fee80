import { eq } from 'drizzle-orm';
import { type Db } from '../../../db/handle.ts';
import { recordAudit } from '../../../server/audit.ts';
import { authorize, type Actor } from '../../governance/index.ts';
import { getCountyTree } from '../../governance/index.ts';
import { DEFAULT_RULE_PARAMS, ruleParamsSchema, type RuleParams } from '../rules.ts';
import { interventionRuleSettings, interventions } from '../schema.ts';

// ---- rules ----

export async function getRuleParams(db: Db, countyId: string): Promise<RuleParams> {
  const [row] = await db.select().from(interventionRuleSettings).where(eq(interventionRuleSettings.countyId, countyId));
  return row ? ruleParamsSchema.parse(row.params) : DEFAULT_RULE_PARAMS;
}

export async function getCountyRuleParams(db: Db) {
  const tree = await getCountyTree(db);
  return getRuleParams(db, tree.county.id);
}

export async function setRuleParams(db: Db, actor: Actor | null, params: RuleParams) {
  const who = await authorize(db, actor, 'interventions.manage', { unitId: actor?.countyId ?? '' });
  return db.transaction(async (tx) => {
    const before = await getRuleParams(tx, who.countyId);
    await tx
      .insert(interventionRuleSettings)
      .values({ countyId: who.countyId, params, updatedBy: who.id })
      .onConflictDoUpdate({ target: interventionRuleSettings.countyId, set: { params, updatedBy: who.id, updatedAt: new Date() } });
    await recordAudit(tx, who, { action: 'intervention.rules.update', entity: 'intervention_rules', entityId: who.countyId, details: { from: before, to: params } });
    return params;
  });
}
