// The interventions module's rules: proposals, heritage checks, the approval chain, residents' voice, execution.
import { and, asc, desc, eq, gt, inArray, or, sql } from 'drizzle-orm';
import { uuidv7 } from 'uuidv7';
import { queryRows, type Db } from '../../db/handle.ts';
import { badRequest, conflict, forbidden, notFound, Problem } from '../../server/problems.ts';
import { recordAudit } from '../../server/audit.ts';
import { notify as tell } from '../notifications/index.ts';
import { authorize, requireActor, type Actor, type Permission } from '../governance/index.ts';
import { getCountyTree, getUnit } from '../governance/index.ts';
import { lookupBuildings } from './atlas.ts';
import { checkHeritageRules, DEFAULT_RULE_PARAMS, ruleParamsSchema, type RuleParams } from './rules.ts';
import {
  interventionComments,
  interventionFiles,
  interventionMilestones,
  interventionNotificationReads,
  interventionNotifications,
  interventionRuleSettings,
  interventions,
  interventionSpend,
  interventionTransitions,
  interventionVotes,
  type BuildingSnapshot,
  type FundingSource,
  type InterventionType,
  type Media,
  type Outcomes,
  type PhysicalChanges,
  type Status,
} from './schema.ts';

export type Intervention = typeof interventions.$inferSelect;

export interface ProposalInput {
  villageId: string;
  title: string;
  type: InterventionType;
  description?: string;
  site?: string;
  buildings: BuildingSnapshot[];
  changes: PhysicalChanges;
  conservationPlanUrl?: string | null;
  media?: Media[];
  costFen: number;
  funding: Record<FundingSource, number>;
  durationMonths: number;
  outcomes: Outcomes;
  risks?: string;
}

/** Statuses in which residents may still vote: until the review ends. */
const VOTING: Status[] = ['submitted', 'village_approved', 'township_reviewed'];
/** Statuses shown on the public page. */
export const PUBLIC_STATUSES: Status[] = ['county_approved', 'funded', 'in_progress', 'completed', 'evaluated'];
const OFFICIAL_ROLES = ['village_official', 'town_official', 'county_admin'];

// ---- where an actor stands ----

interface Place {
  villageId: string;
  townshipId: string;
  countyId: string;
  villageName: string;
  townshipName: string;
  villagePinyin: string;
  townshipPinyin: string;
}

/** Every village of the county with its township, through the governance service. */
export async function villagePlaces(db: Db): Promise<Map<string, Place>> {
  const tree = await getCountyTree(db);
  const map = new Map<string, Place>();
  for (const t of tree.townships)
    for (const v of t.villages) map.set(v.id, { villageId: v.id, townshipId: t.id, countyId: tree.county.id, villageName: v.nameZh, townshipName: t.nameZh, villagePinyin: v.namePinyin, townshipPinyin: t.namePinyin });
  return map;
}

const covers = (actor: Actor, place: { villageId: string; townshipId: string; countyId: string }, roles: string[]) =>
  actor.grants.some((g) => roles.includes(g.role) && (g.unitId === place.villageId || g.unitId === place.townshipId || g.unitId === place.countyId));

const isResidentOf = (actor: Actor | null, villageId: string) => !!actor?.grants.some((g) => g.role === 'resident' && g.unitId === villageId);

/** Officials of the proposal's village or above, residents of the village, and the proposer see a non-public proposal. */
function canSee(actor: Actor | null, p: Intervention) {
  if (actor?.id === p.proposerId) return true;
  if (p.status === 'draft') return false;
  if (PUBLIC_STATUSES.includes(p.status)) return true;
  if (!actor) return false;
  return isResidentOf(actor, p.villageId) || covers(actor, p, OFFICIAL_ROLES);
}

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

// ---- proposals ----

async function checkInput(db: Db, input: ProposalInput): Promise<{ place: Place; buildings: BuildingSnapshot[]; buildingIds: string[] }> {
  const unit = await getUnit(db, input.villageId).catch(() => null);
  if (!unit) throw badRequest('body/villageId', 'No such village');
  if (unit.level !== 'village') throw badRequest('body/villageId', `This is a ${unit.level}, not a village`);
  const places = await villagePlaces(db);
  const place = places.get(unit.id)!;
  const funded = input.funding.county + input.funding.provincial + input.funding.village + input.funding.private;
  if (funded !== input.costFen) throw badRequest('body/funding', `The funding sources add up to ${funded} fen, not the cost of ${input.costFen} fen`);
  const ids = input.buildings.map((b) => b.buildingId).filter((x): x is string => !!x);
  if (new Set(ids).size !== ids.length) throw badRequest('body/buildings', 'A building is listed twice');
  // When the Atlas can tell, its facts win over the snapshot typed in, and unknown ids are refused.
  const known = await lookupBuildings(db, ids);
  const buildings = input.buildings.map((b, i) => {
    if (!b.buildingId || !known) return b;
    const atlas = known.get(b.buildingId);
    if (!atlas) throw badRequest(`body/buildings/${i}/buildingId`, 'No such building in the Atlas');
    if (atlas.villageId && atlas.villageId !== unit.id) throw badRequest(`body/buildings/${i}/buildingId`, 'This building is in another village');
    return { ...b, name: atlas.name ?? b.name, protectionLevel: atlas.protectionLevel ?? b.protectionLevel, heightM: atlas.heightM ?? b.heightM, volumeM3: atlas.volumeM3 ?? b.volumeM3 };
  });
  return { place, buildings, buildingIds: ids };
}

const values = (input: ProposalInput) => ({
  title: input.title,
  type: input.type,
  description: input.description ?? '',
  site: input.site ?? '',
  changes: input.changes,
  conservationPlanUrl: input.conservationPlanUrl ?? null,
  media: input.media ?? [],
  costFen: input.costFen,
  fundCountyFen: input.funding.county,
  fundProvincialFen: input.funding.provincial,
  fundVillageFen: input.funding.village,
  fundPrivateFen: input.funding.private,
  durationMonths: input.durationMonths,
  outcomes: input.outcomes,
  risks: input.risks ?? '',
});

export async function createProposal(db: Db, actor: Actor | null, input: ProposalInput) {
  const who = await authorize(db, actor, 'interventions.propose', { unitId: input.villageId });
  const { place, buildings, buildingIds } = await checkInput(db, input);
  const id = await db.transaction(async (tx) => {
    const [row] = await tx
      .insert(interventions)
      .values({ ...values(input), countyId: place.countyId, townshipId: place.townshipId, villageId: place.villageId, proposerId: who.id, buildings, buildingIds })
      .returning({ id: interventions.id });
    await recordAudit(tx, who, { action: 'intervention.create', entity: 'intervention', entityId: row.id, details: { title: input.title, type: input.type, costFen: input.costFen } });
    return row.id;
  });
  return getProposal(db, who, id);
}

/** The proposer edits a draft; the edit applies only while it is still a draft (a conditional UPDATE). */
export async function updateProposal(db: Db, actor: Actor | null, id: string, input: ProposalInput) {
  const who = requireActor(actor);
  const current = await load(db, id);
  if (current.proposerId !== who.id) throw forbidden('Only the proposer edits a draft');
  if (input.villageId !== current.villageId) throw badRequest('body/villageId', 'A proposal stays in its village');
  const { buildings, buildingIds } = await checkInput(db, input);
  await db.transaction(async (tx) => {
    const [row] = await tx
      .update(interventions)
      .set({ ...values(input), buildings, buildingIds, updatedAt: new Date(), version: sql`${interventions.version} + 1` })
      .where(and(eq(interventions.id, id), eq(interventions.status, 'draft')))
      .returning({ id: interventions.id });
    if (!row) throw conflict('not_a_draft', 'Only a draft can be edited; this proposal has been submitted');
    await recordAudit(tx, who, { action: 'intervention.update', entity: 'intervention', entityId: id, details: { title: input.title } });
  });
  return getProposal(db, who, id);
}

export async function load(db: Db, id: string): Promise<Intervention> {
  const [p] = await db.select().from(interventions).where(eq(interventions.id, id));
  if (!p) throw notFound('Proposal');
  return p;
}

export async function loadVisible(db: Db, actor: Actor | null, id: string) {
  const p = await load(db, id);
  if (!canSee(actor, p)) throw notFound('Proposal');
  return p;
}

function funding(p: Intervention) {
  return { county: p.fundCountyFen, provincial: p.fundProvincialFen, village: p.fundVillageFen, private: p.fundPrivateFen };
}

/** What a step of the workflow is: who takes it, from which status, to which. */
interface Step {
  from: Status;
  to: Status;
  permission: Permission | 'proposer';
}
export const STEPS = {
  submit: [{ from: 'draft', to: 'submitted', permission: 'proposer' }],
  approve: [
    { from: 'submitted', to: 'village_approved', permission: 'interventions.approve_village' },
    { from: 'village_approved', to: 'township_reviewed', permission: 'interventions.review_township' },
    { from: 'township_reviewed', to: 'county_approved', permission: 'interventions.approve_county' },
  ],
  reject: [
    { from: 'submitted', to: 'rejected', permission: 'interventions.approve_village' },
    { from: 'village_approved', to: 'rejected', permission: 'interventions.review_township' },
    { from: 'township_reviewed', to: 'rejected', permission: 'interventions.approve_county' },
  ],
  fund: [{ from: 'county_approved', to: 'funded', permission: 'interventions.manage' }],
  start: [{ from: 'funded', to: 'in_progress', permission: 'interventions.execute' }],
  complete: [{ from: 'in_progress', to: 'completed', permission: 'interventions.execute' }],
  evaluate: [{ from: 'completed', to: 'evaluated', permission: 'interventions.evaluate' }],
} satisfies Record<string, Step[]>;
export type Action = keyof typeof STEPS;

export type TransitionInput =
  | { action: 'submit' | 'approve' | 'start'; from: Status; note?: string }
  | { action: 'reject'; from: Status; reason: string }
  | { action: 'fund'; from: Status; fundedFen?: number; note?: string }
  | { action: 'complete'; from: Status; note?: string; media?: Media[] }
  | { action: 'evaluate'; from: Status; actualOutcomes: Outcomes; evaluation: string };

/** Who hears about a step: the proposer always, and the officials who act next. */
function audience(p: Intervention, to: Status): { role: string; unitId: string }[] {
  switch (to) {
    case 'submitted':
      return [{ role: 'village_official', unitId: p.villageId }];
    case 'village_approved':
      return [{ role: 'town_official', unitId: p.townshipId }];
    case 'township_reviewed':
      return [{ role: 'county_admin', unitId: p.countyId }];
    case 'county_approved':
    case 'funded':
    case 'completed':
      return [{ role: 'village_official', unitId: p.villageId }];
    case 'in_progress':
      return [{ role: 'town_official', unitId: p.townshipId }];
    default:
      return [];
  }
}

export async function notify(tx: Db, p: Intervention, to: Status, kind: string, exceptUserId: string) {
  const rows = audience(p, to).map((a) => ({ countyId: p.countyId, interventionId: p.id, role: a.role, unitId: a.unitId, kind, status: to }));
  if (p.proposerId !== exceptUserId) rows.push({ countyId: p.countyId, interventionId: p.id, userId: p.proposerId, kind, status: to } as never);
  if (rows.length) await tx.insert(interventionNotifications).values(rows);
  if (p.proposerId !== exceptUserId) await tell(tx, { countyId: p.countyId, userIds: [p.proposerId], kind: 'proposal.step', params: { title: p.title, step: to }, link: `/interventions/p/${p.id}` });
}

const STATUS_WORDS: Record<Status, string> = {
  draft: 'a draft',
  submitted: 'submitted',
  village_approved: 'approved by the village',
  township_reviewed: 'reviewed by the township',
  county_approved: 'approved by the county',
  funded: 'funded',
  in_progress: 'in progress',
  completed: 'completed',
  evaluated: 'evaluated',
  rejected: 'rejected',
};

/**
 * Takes one workflow step. The step is named by the action and the status the caller saw (`from`); the change
 * is one conditional `UPDATE … WHERE status = from`, so of two officials approving at once exactly one moves the
 * proposal and the other gets a 409 saying what happened.
 */
export async function transition(db: Db, actor: Actor | null, id: string, input: TransitionInput) {
  const who = requireActor(actor);
  const p = await loadVisible(db, who, id);
  const steps: Step[] = STEPS[input.action];
  const step = steps.find((s) => s.from === input.from);
  if (!step) {
    const allowed = steps.map((s) => STATUS_WORDS[s.from]).join(' or ');
    throw conflict('invalid_transition', `Cannot ${input.action} a proposal that is ${STATUS_WORDS[input.from]}: only one that is ${allowed}`, {
      field: 'body/from',
      status: p.status,
    });
  }
  if (step.permission === 'proposer') {
    if (p.proposerId !== who.id) throw forbidden('Only the proposer submits a proposal');
  } else {
    await authorize(db, who, step.permission, { unitId: p.villageId });
  }

  let ruleReport: unknown = undefined;
  if (input.action === 'submit') {
    const report = checkHeritageRules(p, await getRuleParams(db, p.countyId));
    if (!report.passed) throw new Problem(422, 'heritage_rules_failed', 'The proposal does not pass the heritage rules yet', { report });
    ruleReport = report;
  }

  const now = new Date();
  const set: Record<string, unknown> = { status: step.to, updatedAt: now, version: sql`${interventions.version} + 1` };
  let note = 'note' in input ? (input.note ?? '') : '';
  if (ruleReport) set.ruleReport = ruleReport;
  if (input.action === 'reject') {
    set.rejectionReason = input.reason;
    set.rejectedAt = step.from;
    set.reviewFinishedAt = now;
    note = input.reason;
  }
  if (step.to === 'county_approved') set.reviewFinishedAt = now;
  if (input.action === 'fund') {
    const amount = input.fundedFen ?? p.costFen;
    set.fundedFen = amount;
  }
  if (step.to === 'in_progress') set.startedAt = now;
  if (input.action === 'complete') {
    set.completedAt = now;
    if (input.media?.length) set.media = [...p.media, ...input.media];
  }
  if (input.action === 'evaluate') {
    set.actualOutcomes = input.actualOutcomes;
    set.evaluation = input.evaluation;
    note = input.evaluation;
  }

  await db.transaction(async (tx) => {
    const [moved] = await tx
      .update(interventions)
      .set(set as Partial<typeof interventions.$inferInsert>)
      .where(and(eq(interventions.id, id), eq(interventions.status, step.from)))
      .returning();
    if (!moved) {
      const [now] = await tx.select({ status: interventions.status }).from(interventions).where(eq(interventions.id, id));
      throw conflict('invalid_transition', `The proposal is now ${STATUS_WORDS[now.status]}, no longer ${STATUS_WORDS[step.from]}: someone else acted first`, {
        field: 'body/from',
        status: now.status,
      });
    }
    await tx.insert(interventionTransitions).values({ countyId: moved.countyId, interventionId: id, fromStatus: step.from, toStatus: step.to, actorId: who.id, note });
    await notify(tx, moved, step.to, input.action, who.id);
    await recordAudit(tx, who, {
      action: `intervention.${input.action}`,
      entity: 'intervention',
      entityId: id,
      details: { from: step.from, to: step.to, note: note || undefined, fundedFen: set.fundedFen },
    });
  });
  return getProposal(db, who, id);
}

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
    type: p.type,
    status: p.status,
    description: p.description,
    site: p.site,
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

export async function listProposals(db: Db, actor: Actor | null, filter: { villageId?: string; status?: Status; mine?: boolean }) {
  const who = requireActor(actor);
  const places = await villagePlaces(db);
  const visibleVillages = [...places.values()].filter((pl) => isResidentOf(who, pl.villageId) || covers(who, pl, OFFICIAL_ROLES)).map((pl) => pl.villageId);
  const rows = await db
    .select({
      id: interventions.id,
      title: interventions.title,
      type: interventions.type,
      status: interventions.status,
      villageId: interventions.villageId,
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
export async function listPublic(db: Db) {
  const places = await villagePlaces(db);
  const rows = await db.select().from(interventions).where(inArray(interventions.status, PUBLIC_STATUSES)).orderBy(desc(interventions.updatedAt)).limit(500);
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
    type: p.type,
    status: p.status,
    description: p.description,
    files: files.filter((f) => f.interventionId === p.id).map(({ interventionId: _i, ...f }) => ({ ...f, hasThumb: !!f.hasThumb })),
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

// ---- residents' voice ----

export async function vote(db: Db, actor: Actor | null, id: string, stance: 'support' | 'oppose') {
  const who = requireActor(actor);
  const p = await loadVisible(db, who, id);
  if (!isResidentOf(who, p.villageId)) throw forbidden('Only residents of the proposal’s village vote on it');
  await db.transaction(async (tx) => {
    // One statement: the vote lands (or changes) only while the proposal is still under review.
    const rows = await queryRows<{ id: string }>(
      tx,
      sql`insert into intervention_votes (id, county_id, intervention_id, user_id, village_id, stance)
          select ${uuidv7()}::uuid, i.county_id, i.id, ${who.id}::uuid, i.village_id, ${stance} from interventions i
          where i.county_id = ${p.countyId}::uuid and i.id = ${id}::uuid and i.status in ('submitted', 'village_approved', 'township_reviewed')
          on conflict (county_id, intervention_id, user_id) do update set stance = excluded.stance, updated_at = now()
          returning id`,
    );
    if (!rows.length) throw conflict('voting_closed', 'Voting is closed: the review of this proposal is finished');
    await recordAudit(tx, who, { action: 'intervention.vote', entity: 'intervention', entityId: id, details: { stance } });
  });
  return { votes: await voteSummary(db, id), myVote: stance };
}

export async function listComments(db: Db, actor: Actor | null, id: string) {
  const p = await loadVisible(db, actor, id);
  const moderator = !!actor && covers(actor, p, OFFICIAL_ROLES);
  const rows = (
    await db.select().from(interventionComments).where(eq(interventionComments.interventionId, id)).orderBy(asc(interventionComments.createdAt), asc(interventionComments.id))
  ).map((c) => ({ id: c.id, parent_id: c.parentId, body: c.body, hidden: c.hidden, moderation_reason: c.moderationReason, created_at: c.createdAt, author: c.authorName, author_id: c.authorId }));
  return {
    mayModerate: moderator,
    mayComment: !!actor && (isResidentOf(actor, p.villageId) || moderator),
    items: rows.map((c) => ({
      id: c.id,
      parentId: c.parent_id,
      author: c.author,
      mine: c.author_id === actor?.id,
      body: c.hidden && !moderator && c.author_id !== actor?.id ? '' : c.body,
      hidden: c.hidden,
      moderationReason: c.moderation_reason,
      createdAt: new Date(c.created_at).toISOString(),
    })),
  };
}

export async function addComment(db: Db, actor: Actor | null, id: string, input: { body: string; parentId?: string }) {
  const who = requireActor(actor);
  const p = await loadVisible(db, who, id);
  if (p.status === 'draft') throw conflict('not_open', 'Comments open once the proposal is submitted');
  if (!isResidentOf(who, p.villageId) && !covers(who, p, OFFICIAL_ROLES)) throw forbidden('Residents of the village and its officials comment here');
  if (input.parentId) {
    const [parent] = await db.select({ id: interventionComments.id }).from(interventionComments).where(and(eq(interventionComments.id, input.parentId), eq(interventionComments.interventionId, id)));
    if (!parent) throw badRequest('body/parentId', 'No such comment on this proposal');
  }
  return db.transaction(async (tx) => {
    const [c] = await tx.insert(interventionComments).values({ countyId: p.countyId, interventionId: id, parentId: input.parentId ?? null, authorId: who.id, authorName: who.displayName, body: input.body }).returning({ id: interventionComments.id });
    await recordAudit(tx, who, { action: 'intervention.comment', entity: 'intervention_comment', entityId: c.id, details: { interventionId: id } });
    return c;
  });
}

export async function moderateComment(db: Db, actor: Actor | null, commentId: string, input: { hidden: boolean; reason?: string }) {
  const who = requireActor(actor);
  const [c] = await db.select().from(interventionComments).where(eq(interventionComments.id, commentId));
  if (!c) throw notFound('Comment');
  const p = await load(db, c.interventionId);
  await authorize(db, who, 'interventions.moderate', { unitId: p.villageId });
  if (input.hidden && !input.reason) throw badRequest('body/reason', 'Say why the comment is hidden');
  await db.transaction(async (tx) => {
    await tx
      .update(interventionComments)
      .set({ hidden: input.hidden, moderationReason: input.hidden ? input.reason! : null, moderatedBy: who.id })
      .where(eq(interventionComments.id, commentId));
    await recordAudit(tx, who, { action: input.hidden ? 'intervention.comment.hide' : 'intervention.comment.show', entity: 'intervention_comment', entityId: commentId, details: { reason: input.reason } });
  });
}

// ---- notifications ----

function notificationFilter(who: Actor) {
  const byRole = who.grants.filter((g) => g.unitId).map((g) => and(eq(interventionNotifications.role, g.role), eq(interventionNotifications.unitId, g.unitId!)));
  return and(eq(interventionNotifications.countyId, who.countyId), or(eq(interventionNotifications.userId, who.id), ...byRole));
}

export async function listNotifications(db: Db, actor: Actor | null) {
  const who = requireActor(actor);
  const [read] = await db.select().from(interventionNotificationReads).where(and(eq(interventionNotificationReads.countyId, who.countyId), eq(interventionNotificationReads.userId, who.id)));
  const rows = await db
    .select({ id: interventionNotifications.id, interventionId: interventionNotifications.interventionId, title: interventions.title, kind: interventionNotifications.kind, status: interventionNotifications.status, at: interventionNotifications.createdAt })
    .from(interventionNotifications)
    .innerJoin(interventions, eq(interventions.id, interventionNotifications.interventionId))
    .where(notificationFilter(who))
    .orderBy(desc(interventionNotifications.createdAt), desc(interventionNotifications.id))
    .limit(50);
  const readUntil = read?.readUntil ?? new Date(0);
  return { unread: rows.filter((r) => r.at > readUntil).length, items: rows.map((r) => ({ ...r, unread: r.at > readUntil })) };
}

export async function markNotificationsRead(db: Db, actor: Actor | null) {
  const who = requireActor(actor);
  const now = new Date();
  await db.insert(interventionNotificationReads).values({ countyId: who.countyId, userId: who.id, readUntil: now }).onConflictDoUpdate({ target: [interventionNotificationReads.countyId, interventionNotificationReads.userId], set: { readUntil: now } });
}

export async function unreadCount(db: Db, actor: Actor | null) {
  const who = requireActor(actor);
  const [read] = await db.select().from(interventionNotificationReads).where(and(eq(interventionNotificationReads.countyId, who.countyId), eq(interventionNotificationReads.userId, who.id)));
  const [{ n }] = await db
    .select({ n: sql<number>`count(*)::int` })
    .from(interventionNotifications)
    .where(and(notificationFilter(who), read ? gt(interventionNotifications.createdAt, read.readUntil) : undefined));
  return n;
}

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
    const delays: string[] = [];
    if (overdue.length) delays.push('milestone_overdue');
    if (plannedEnd && p.status === 'in_progress' && plannedEnd < today) delays.push('past_planned_end');
    if (p.status === 'funded' && (today.getTime() - (p.updatedAt?.getTime() ?? 0)) / 86_400_000 > 90) delays.push('not_started');
    if (p.spentFen > p.fundedFen) delays.push('over_funded_amount');
    return {
      id: p.id,
      title: p.title,
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
    .select({ villageId: interventions.villageId, interventions: sql<number>`count(*)::int`, fundedFen: sql<number>`sum(${interventions.fundedFen})::bigint` })
    .from(interventions)
    .where(and(eq(interventions.countyId, countyId), gt(interventions.fundedFen, 0)))
    .groupBy(interventions.villageId);
}

/** Funded or running projects, for other modules that attach work to a project (people's jobs board). */
export async function activeProjects(db: Db, countyId: string) {
  return db
    .select({ id: interventions.id, villageId: interventions.villageId, title: interventions.title, status: interventions.status })
    .from(interventions)
    .where(and(eq(interventions.countyId, countyId), inArray(interventions.status, ['funded', 'in_progress'])))
    .orderBy(asc(interventions.title));
}
