import { and, asc, eq, gt, inArray, sql } from 'drizzle-orm';
import { firstIds } from '../../../db/aggregates.ts';
import { type Db } from '../../../db/handle.ts';
import { conflict, forbidden, notFound } from '../../../server/problems.ts';
import { recordAudit } from '../../../server/audit.ts';
import { authorize, requireActor, type Actor } from '../../governance/index.ts';
import { interventionMilestones, interventions, interventionSpend, type Status } from '../schema.ts';
import { OFFICIAL_ROLES } from './common.ts';
import { STATUS_WORDS, load } from './proposals.ts';
import { covers, villagePlaces } from './standing.ts';

// ---- execution ----

const EXECUTING: Status[] = ['funded', 'in_progress'];

export async function addMilestone(db: Db, actor: Actor | null, id: string, input: { title: string; dueOn: string }) {
  const p = await load(db, id);
  const who = await authorize(db, actor, 'interventions.execute', { unitId: p.villageId });
  if (!EXECUTING.includes(p.status)) throw conflict('not_executing', 'Milestones are planned once the project is funded and until it is completed');
  return db.transaction(async (tx) => {
    const [m] = await tx.insert(interventionMilestones).values({ countyId: p.countyId, interventionId: id, title: input.title, dueOn: input.dueOn }).returning();
    await recordAudit(tx, who, { action: 'intervention.milestone.add', entity: 'intervention', entityId: id, details: input });
    return m;
  });
}

export async function completeMilestone(db: Db, actor: Actor | null, milestoneId: string, doneOn: string) {
  const [m] = await db.select().from(interventionMilestones).where(eq(interventionMilestones.id, milestoneId));
  if (!m) throw notFound('Milestone');
  const p = await load(db, m.interventionId);
  const who = await authorize(db, actor, 'interventions.execute', { unitId: p.villageId });
  return db.transaction(async (tx) => {
    const [row] = await tx.update(interventionMilestones).set({ doneOn }).where(eq(interventionMilestones.id, milestoneId)).returning();
    await recordAudit(tx, who, { action: 'intervention.milestone.done', entity: 'intervention', entityId: p.id, details: { milestoneId, doneOn } });
    return row;
  });
}

/**
 * Records spend on a project in progress. The running total may not pass the funded amount unless the county
 * admin records it with an explicit override; both are decided by one conditional UPDATE.
 */
export async function recordSpend(db: Db, actor: Actor | null, id: string, input: { amountFen: number; note?: string; spentOn: string; override?: boolean }) {
  const p = await load(db, id);
  const who = await authorize(db, actor, 'interventions.execute', { unitId: p.villageId });
  if (input.override) await authorize(db, who, 'interventions.manage', { unitId: p.villageId });
  return db.transaction(async (tx) => {
    const [row] = await tx
      .update(interventions)
      .set({ spentFen: sql`${interventions.spentFen} + ${input.amountFen}`, updatedAt: new Date() })
      .where(
        and(
          eq(interventions.id, id),
          eq(interventions.status, 'in_progress'),
          input.override ? undefined : sql`${interventions.spentFen} + ${input.amountFen} <= ${interventions.fundedFen}`,
        ),
      )
      .returning({ spentFen: interventions.spentFen, fundedFen: interventions.fundedFen });
    if (!row) {
      const [now] = await tx.select().from(interventions).where(eq(interventions.id, id));
      if (now.status !== 'in_progress') throw conflict('not_in_progress', `Spend is recorded while the project is in progress; it is ${STATUS_WORDS[now.status]}`);
      throw conflict(
        'over_funded_amount',
        `This would bring the spend to ${now.spentFen + input.amountFen} fen, beyond the ${now.fundedFen} fen funded; the county admin can record it with an explicit override`,
        { field: 'body/amountFen', spentFen: now.spentFen, fundedFen: now.fundedFen },
      );
    }
    await tx.insert(interventionSpend).values({ countyId: p.countyId, interventionId: id, amountFen: input.amountFen, note: input.note ?? '', spentOn: input.spentOn, overBudgetOverride: !!input.override && row.spentFen > row.fundedFen, recordedBy: who.id });
    await recordAudit(tx, who, { action: 'intervention.spend', entity: 'intervention', entityId: id, details: { amountFen: input.amountFen, override: input.override || undefined, spentFen: row.spentFen } });
    return row;
  });
}

const addMonths = (d: Date, months: number) => {
  const x = new Date(d);
  x.setUTCMonth(x.getUTCMonth() + months);
  return x;
};

/** Why a project shows as delayed on the dashboard. */
export const DELAYS = ['milestone_overdue', 'past_planned_end', 'not_started', 'over_funded_amount'] as const;
type Delay = (typeof DELAYS)[number];

/** Budget against spend, schedule and delays of the funded projects the official oversees. */
export async function dashboard(db: Db, actor: Actor | null, today = new Date()) {
  const who = requireActor(actor);
  if (!who.grants.some((g) => OFFICIAL_ROLES.includes(g.role))) throw forbidden();
  const places = await villagePlaces(db);
  const villages = [...places.values()].filter((pl) => covers(who, pl, OFFICIAL_ROLES)).map((pl) => pl.villageId);
  const rows = villages.length
    ? await db
        .select()
        .from(interventions)
        .where(and(inArray(interventions.villageId, villages), inArray(interventions.status, ['funded', 'in_progress', 'completed', 'evaluated'])))
        .orderBy(asc(interventions.startedAt), asc(interventions.createdAt))
    : [];
  const ms = rows.length ? await db.select().from(interventionMilestones).where(inArray(interventionMilestones.interventionId, rows.map((r) => r.id))) : [];
  const day = today.toISOString().slice(0, 10);
  const projects = rows.map((p) => {
    const plannedEnd = p.startedAt ? addMonths(p.startedAt, p.durationMonths) : null;
    const milestones = ms.filter((m) => m.interventionId === p.id).sort((a, b) => a.dueOn.localeCompare(b.dueOn));
    const overdue = milestones.filter((m) => !m.doneOn && m.dueOn < day);
    const delays: Delay[] = [];
    if (overdue.length) delays.push('milestone_overdue');
    if (plannedEnd && p.status === 'in_progress' && plannedEnd < today) delays.push('past_planned_end');
    if (p.status === 'funded' && (today.getTime() - (p.updatedAt?.getTime() ?? 0)) / 86_400_000 > 90) delays.push('not_started');
    if (p.spentFen > p.fundedFen) delays.push('over_funded_amount');
    return {
      id: p.id,
      title: p.title,
      titleEn: p.titleEn,
      status: p.status,
      villageName: places.get(p.villageId)?.villageName ?? '',
      villagePinyin: places.get(p.villageId)?.villagePinyin ?? '',
      fundedFen: p.fundedFen,
      spentFen: p.spentFen,
      startedAt: p.startedAt,
      plannedEnd,
      completedAt: p.completedAt,
      milestones: milestones.map((m) => ({ id: m.id, title: m.title, dueOn: m.dueOn, doneOn: m.doneOn, overdue: !m.doneOn && m.dueOn < day })),
      delays,
    };
  });
  return {
    totals: { fundedFen: projects.reduce((s, p) => s + p.fundedFen, 0), spentFen: projects.reduce((s, p) => s + p.spentFen, 0), delayed: projects.filter((p) => p.delays.length).length },
    projects,
  };
}

/** Money granted to interventions so far, per village (funded, in progress or done), for the Indicators. */
export async function fundedByVillage(db: Db, countyId: string) {
  return db
    .select({
      villageId: interventions.villageId,
      interventions: sql<number>`count(*)::int`,
      fundedFen: sql<number>`sum(${interventions.fundedFen})::bigint`,
      ids: firstIds(interventions.id),
    })
    .from(interventions)
    .where(and(eq(interventions.countyId, countyId), gt(interventions.fundedFen, 0)))
    .groupBy(interventions.villageId);
}
