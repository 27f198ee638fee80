import { and, asc, desc, eq, inArray, or, sql } from 'drizzle-orm';
import { textMatches } from '../../../db/search-text.ts';
import { type Db } from '../../../db/handle.ts';
import { authorize, requireActor, type Actor } from '../../governance/index.ts';
import { checkHeritageRules } from '../rules.ts';
import { interventionFiles, interventionMilestones, interventions, interventionSpend, interventionTransitions, interventionVotes, type Status } from '../schema.ts';
import { Intervention, OFFICIAL_ROLES, PUBLIC_STATUSES, VOTING } from './common.ts';
import { Action, STEPS, Step, funding, loadVisible } from './proposals.ts';
import { getRuleParams } from './rules.ts';
import { covers, isResidentOf, villagePlaces } from './standing.ts';

// ---- reading ----

export const fileColumns = {
  id: interventionFiles.id,
  kind: interventionFiles.kind,
  phase: interventionFiles.phase,
  contentType: interventionFiles.contentType,
  bytes: interventionFiles.bytes,
  width: interventionFiles.width,
  height: interventionFiles.height,
  caption: interventionFiles.caption,
  hasThumb: interventionFiles.thumbKey,
  createdAt: interventionFiles.createdAt,
};

/** The uploaded drawings and photos of a proposal (the bytes are at /interventions/files/:id). */
export async function listFiles(db: Db, interventionId: string) {
  const rows = await db.select(fileColumns).from(interventionFiles).where(eq(interventionFiles.interventionId, interventionId)).orderBy(asc(interventionFiles.createdAt));
  return rows.map((r) => ({ ...r, hasThumb: !!r.hasThumb }));
}

export async function getProposal(db: Db, actor: Actor | null, id: string) {
  const p = await loadVisible(db, actor, id);
  const places = await villagePlaces(db);
  const place = places.get(p.villageId)!;
  const isOfficial = !!actor && covers(actor, p, OFFICIAL_ROLES);
  const reviewPublic = !!p.reviewFinishedAt;
  const timeline = await db
    .select({ from: interventionTransitions.fromStatus, to: interventionTransitions.toStatus, note: interventionTransitions.note, at: interventionTransitions.at })
    .from(interventionTransitions)
    .where(eq(interventionTransitions.interventionId, id))
    .orderBy(asc(interventionTransitions.at), asc(interventionTransitions.id));
  const votes = await voteSummary(db, id);
  const [mine] = actor
    ? await db.select({ stance: interventionVotes.stance }).from(interventionVotes).where(and(eq(interventionVotes.interventionId, id), eq(interventionVotes.userId, actor.id)))
    : [];
  const milestones = await db.select().from(interventionMilestones).where(eq(interventionMilestones.interventionId, id)).orderBy(asc(interventionMilestones.dueOn));
  const spend = await db
    .select({ id: interventionSpend.id, amountFen: interventionSpend.amountFen, note: interventionSpend.note, spentOn: interventionSpend.spentOn, override: interventionSpend.overBudgetOverride })
    .from(interventionSpend)
    .where(eq(interventionSpend.interventionId, id))
    .orderBy(asc(interventionSpend.spentOn), asc(interventionSpend.createdAt));
  const rules = p.status === 'draft' ? checkHeritageRules(p, await getRuleParams(db, p.countyId)) : (p.ruleReport ?? checkHeritageRules(p, await getRuleParams(db, p.countyId)));
  return {
    id: p.id,
    title: p.title,
    titleEn: p.titleEn,
    type: p.type,
    status: p.status,
    description: p.description,
    site: p.site,
    lon: p.lon,
    lat: p.lat,
    villageId: p.villageId,
    townshipId: p.townshipId,
    villageName: place.villageName,
    townshipName: place.townshipName,
    villagePinyin: place.villagePinyin,
    townshipPinyin: place.townshipPinyin,
    isMine: actor?.id === p.proposerId,
    buildings: p.buildings,
    changes: p.changes,
    conservationPlanUrl: p.conservationPlanUrl,
    media: p.media,
    files: await listFiles(db, p.id),
    costFen: p.costFen,
    funding: funding(p),
    durationMonths: p.durationMonths,
    outcomes: p.outcomes,
    risks: p.risks,
    rules,
    // Reviewers' notes and a rejection's reason are published once the review is finished.
    rejectionReason: reviewPublic || isOfficial ? p.rejectionReason : null,
    rejectedAt: p.rejectedAt,
    reviewFinishedAt: p.reviewFinishedAt,
    timeline: timeline.map((t) => ({ ...t, note: reviewPublic || isOfficial ? t.note : '' })),
    votes: votes,
    myVote: mine?.stance ?? null,
    mayVote: !!actor && isResidentOf(actor, p.villageId) && VOTING.includes(p.status),
    fundedFen: p.fundedFen,
    spentFen: p.spentFen,
    startedAt: p.startedAt,
    completedAt: p.completedAt,
    actualOutcomes: p.actualOutcomes,
    evaluation: p.evaluation,
    milestones: milestones.map((m) => ({ id: m.id, title: m.title, dueOn: m.dueOn, doneOn: m.doneOn })),
    spend,
    actions: actor ? await availableActions(db, actor, p) : [],
    createdAt: p.createdAt,
  };
}

/** The steps this actor may take now, so the client shows only the buttons that will work. */
async function availableActions(db: Db, actor: Actor, p: Intervention): Promise<Action[]> {
  const out: Action[] = [];
  for (const [action, steps] of Object.entries(STEPS) as [Action, Step[]][]) {
    const step = steps.find((s) => s.from === p.status);
    if (!step) continue;
    if (step.permission === 'proposer') {
      if (p.proposerId === actor.id) out.push(action);
      continue;
    }
    try {
      await authorize(db, actor, step.permission, { unitId: p.villageId });
      out.push(action);
    } catch {
      // not this actor's step
    }
  }
  return out;
}

export async function voteSummary(db: Db, id: string) {
  const rows = await db
    .select({ stance: interventionVotes.stance, n: sql<number>`count(*)::int` })
    .from(interventionVotes)
    .where(eq(interventionVotes.interventionId, id))
    .groupBy(interventionVotes.stance);
  return { support: rows.find((r) => r.stance === 'support')?.n ?? 0, oppose: rows.find((r) => r.stance === 'oppose')?.n ?? 0 };
}

export async function listProposals(db: Db, actor: Actor | null, filter: { villageId?: string; status?: Status; mine?: boolean; q?: string }) {
  const who = requireActor(actor);
  const places = await villagePlaces(db);
  const visibleVillages = [...places.values()].filter((pl) => isResidentOf(who, pl.villageId) || covers(who, pl, OFFICIAL_ROLES)).map((pl) => pl.villageId);
  const rows = await db
    .select({
      id: interventions.id,
      title: interventions.title,
      titleEn: interventions.titleEn,
      type: interventions.type,
      status: interventions.status,
      villageId: interventions.villageId,
      lon: interventions.lon,
      lat: interventions.lat,
      costFen: interventions.costFen,
      proposerId: interventions.proposerId,
      updatedAt: interventions.updatedAt,
    })
    .from(interventions)
    .where(
      and(
        eq(interventions.countyId, who.countyId),
        filter.mine
          ? eq(interventions.proposerId, who.id)
          : or(
              eq(interventions.proposerId, who.id),
              and(sql`${interventions.status} <> 'draft'`, visibleVillages.length ? inArray(interventions.villageId, visibleVillages) : sql`false`),
            ),
        filter.villageId ? eq(interventions.villageId, filter.villageId) : undefined,
        filter.status ? eq(interventions.status, filter.status) : undefined,
        matching(filter.q),
      ),
    )
    .orderBy(desc(interventions.updatedAt))
    .limit(500);
  const votes = rows.length
    ? await db
        .select({ id: interventionVotes.interventionId, stance: interventionVotes.stance, n: sql<number>`count(*)::int` })
        .from(interventionVotes)
        .where(inArray(interventionVotes.interventionId, rows.map((r) => r.id)))
        .groupBy(interventionVotes.interventionId, interventionVotes.stance)
    : [];
  return rows.map(({ proposerId, ...r }) => ({
    ...r,
    isMine: proposerId === who.id,
    villageName: places.get(r.villageId)?.villageName ?? '',
    townshipName: places.get(r.villageId)?.townshipName ?? '',
    villagePinyin: places.get(r.villageId)?.villagePinyin ?? '',
    townshipPinyin: places.get(r.villageId)?.townshipPinyin ?? '',
    votes: {
      support: votes.find((v) => v.id === r.id && v.stance === 'support')?.n ?? 0,
      oppose: votes.find((v) => v.id === r.id && v.stance === 'oppose')?.n ?? 0,
    },
  }));
}

/** Approved projects for everyone: their timeline (with the reviewers' published notes) and their spend. */
/** Proposals whose title (Chinese, pinyin or initials), site or description contains the query (a trigram index). */
const matching = (q?: string) => (q?.trim() ? textMatches(interventions.searchText, q) : undefined);

export async function listPublic(db: Db, filter: { q?: string } = {}) {
  const places = await villagePlaces(db);
  const rows = await db.select().from(interventions).where(and(inArray(interventions.status, PUBLIC_STATUSES), matching(filter.q))).orderBy(desc(interventions.updatedAt)).limit(500);
  const ids = rows.map((r) => r.id);
  const timeline = ids.length
    ? await db
        .select({ id: interventionTransitions.interventionId, to: interventionTransitions.toStatus, note: interventionTransitions.note, at: interventionTransitions.at })
        .from(interventionTransitions)
        .where(inArray(interventionTransitions.interventionId, ids))
        .orderBy(asc(interventionTransitions.at), asc(interventionTransitions.id))
    : [];
  const files = ids.length
    ? await db.select({ ...fileColumns, interventionId: interventionFiles.interventionId }).from(interventionFiles).where(inArray(interventionFiles.interventionId, ids)).orderBy(asc(interventionFiles.createdAt))
    : [];
  return rows.map((p) => ({
    id: p.id,
    title: p.title,
    titleEn: p.titleEn,
    type: p.type,
    status: p.status,
    description: p.description,
    files: files.filter((f) => f.interventionId === p.id).map(({ interventionId: _i, ...f }) => ({ ...f, hasThumb: !!f.hasThumb })),
    villageId: p.villageId,
    lon: p.lon,
    lat: p.lat,
    villageName: places.get(p.villageId)?.villageName ?? '',
    townshipName: places.get(p.villageId)?.townshipName ?? '',
    villagePinyin: places.get(p.villageId)?.villagePinyin ?? '',
    townshipPinyin: places.get(p.villageId)?.townshipPinyin ?? '',
    costFen: p.costFen,
    fundedFen: p.fundedFen,
    spentFen: p.spentFen,
    durationMonths: p.durationMonths,
    outcomes: p.outcomes,
    actualOutcomes: p.actualOutcomes,
    media: p.media,
    timeline: timeline.filter((t) => t.id === p.id).map(({ id: _i, ...t }) => t),
  }));
}

/** Funded or running projects, for other modules that attach work to a project (people's jobs board). */
export async function activeProjects(db: Db, countyId: string) {
  return db
    .select({ id: interventions.id, villageId: interventions.villageId, title: interventions.title, titleEn: interventions.titleEn, status: interventions.status })
    .from(interventions)
    .where(and(eq(interventions.countyId, countyId), inArray(interventions.status, ['funded', 'in_progress'])))
    .orderBy(asc(interventions.title));
}
