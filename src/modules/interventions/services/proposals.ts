import { and, eq, or, sql } from 'drizzle-orm';
import { type Db } from '../../../db/handle.ts';
import { searchText } from '../../../db/search-text.ts';
import { badRequest, conflict, forbidden, notFound, Problem, refusedTransition } from '../../../server/problems.ts';
import { recordAudit } from '../../../server/audit.ts';
import { notify as tell } from '../../notifications/index.ts';
import { authorize, requireActor, unitRoleHolderIds, type Actor, type Permission } from '../../governance/index.ts';
import { getUnit } from '../../governance/index.ts';
import { lookupBuildings } from '../atlas.ts';
import { checkHeritageRules } from '../rules.ts';
import { interventionNotifications, interventions, interventionTransitions, interventionVotes, type BuildingSnapshot, type Media, type Outcomes, type Status } from '../schema.ts';
import { Intervention, ProposalInput } from './common.ts';
import { getProposal } from './reading.ts';
import { getRuleParams } from './rules.ts';
import { Place, canSee, villagePlaces } from './standing.ts';

// ---- proposals ----

async function checkInput(db: Db, input: ProposalInput): Promise<{ place: Place; buildings: BuildingSnapshot[]; buildingIds: string[] }> {
  const unit = await getUnit(db, input.villageId).catch(() => null);
  if (!unit) throw badRequest('body/villageId', 'No such village');
  if (unit.level !== 'village') throw badRequest('body/villageId', `This is a ${unit.level}, not a village`);
  const places = await villagePlaces(db);
  const place = places.get(unit.id)!;
  if ((input.lon == null) !== (input.lat == null)) throw badRequest(input.lon == null ? 'body/lon' : 'body/lat', 'Give both longitude and latitude, or neither');
  if (input.lon != null && input.lat != null && place.villageLon != null && place.villageLat != null) {
    const km = distanceKm(input.lon, input.lat, place.villageLon, place.villageLat);
    if (km > VILLAGE_RADIUS_KM) throw badRequest('body/lon', `This point is ${km.toFixed(1)} km from the village, not in it (at most ${VILLAGE_RADIUS_KM} km)`);
  }
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

/** What search matches for a proposal: its title in Chinese, pinyin and initials; its site and description. */
export const proposalSearchText = (p: { title: string; titleEn?: string | null; site?: string | null; description?: string | null }) =>
  searchText([p.title], [p.titleEn ?? '', p.site ?? '', p.description ?? '']);

/** Rewrites the search text of proposals where it is missing or was made by an older rule (at start; a no-op once done). */
export async function backfillProposalSearch(db: Db) {
  const rows = await db.select({ id: interventions.id, title: interventions.title, titleEn: interventions.titleEn, site: interventions.site, description: interventions.description, searchText: interventions.searchText }).from(interventions);
  const stale = rows.filter((p) => p.searchText !== proposalSearchText(p));
  for (const p of stale) await db.update(interventions).set({ searchText: proposalSearchText(p) }).where(eq(interventions.id, p.id));
  return stale.length;
}

/** How far from a village's recorded position a point still counts as in the village. */
const VILLAGE_RADIUS_KM = 5;
/** Great-circle distance (haversine) in km between two WGS-84 points. */
function distanceKm(lon1: number, lat1: number, lon2: number, lat2: number) {
  const r = Math.PI / 180;
  const a = Math.sin(((lat2 - lat1) * r) / 2) ** 2 + Math.cos(lat1 * r) * Math.cos(lat2 * r) * Math.sin(((lon2 - lon1) * r) / 2) ** 2;
  return 2 * 6371 * Math.asin(Math.sqrt(a));
}

const values = (input: ProposalInput) => ({
  lon: input.lon ?? null,
  lat: input.lat ?? null,
  searchText: proposalSearchText(input),
  title: input.title,
  titleEn: input.titleEn || null,
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

export function funding(p: Intervention) {
  return { county: p.fundCountyFen, provincial: p.fundProvincialFen, village: p.fundVillageFen, private: p.fundPrivateFen };
}

/** What a step of the workflow is: who takes it, from which status, to which. */
export interface Step {
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

export async function notify(tx: Db, p: Intervention, to: Status, kind: Action, exceptUserId: string) {
  const rows = audience(p, to).map((a) => ({ countyId: p.countyId, interventionId: p.id, role: a.role, unitId: a.unitId, kind, status: to }));
  if (p.proposerId !== exceptUserId) rows.push({ countyId: p.countyId, interventionId: p.id, userId: p.proposerId, kind, status: to } as never);
  if (rows.length) await tx.insert(interventionNotifications).values(rows);
  if (p.proposerId !== exceptUserId) await tell(tx, { countyId: p.countyId, userIds: [p.proposerId], kind: 'proposal.step', params: { title: p.title, step: to }, link: `/interventions/p/${p.id}` });
  // Reviewed by the township, the proposal goes to the county, whose decision ends the residents' vote: the
  // village's residents who have not voted yet are told once that voting closes soon.
  if (to === 'township_reviewed') {
    const voted = new Set((await tx.select({ userId: interventionVotes.userId }).from(interventionVotes).where(and(eq(interventionVotes.countyId, p.countyId), eq(interventionVotes.interventionId, p.id)))).map((v) => v.userId));
    const residents = (await unitRoleHolderIds(tx, p.countyId, p.villageId, 'resident')).filter((id) => !voted.has(id));
    await tell(tx, { countyId: p.countyId, userIds: residents, kind: 'vote.closing', params: { title: p.title }, link: `/interventions/p/${p.id}`, onceKey: `vote.closing:${p.id}` });
  }
}

export const STATUS_WORDS: Record<Status, string> = {
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
    throw refusedTransition(`Cannot ${input.action} a proposal that is ${STATUS_WORDS[input.from]}: only one that is ${allowed}`, p.status, {
      field: 'body/from',
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
      throw refusedTransition(`The proposal is now ${STATUS_WORDS[now.status]}, no longer ${STATUS_WORDS[step.from]}: someone else acted first`, now.status, {
        field: 'body/from',
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
