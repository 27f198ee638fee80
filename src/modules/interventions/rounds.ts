// Budget rounds: the county admin states a budget and its constraints; the portfolio optimizer picks the projects.
import { and, desc, eq, inArray } from 'drizzle-orm';
import { uuidv7 } from 'uuidv7';
import type { Db } from '../../db/handle.ts';
import { badRequest, conflict, notFound } from '../../server/problems.ts';
import { solveInWorker } from './portfolio/pool.ts';
import type { PortfolioInput, PortfolioResult } from '../../solvers/portfolio/types.ts';
import type { JobDefinition, JobQueue } from '../../server/jobs.ts';
import { recordAudit } from '../../server/audit.ts';
import { authorize, type Actor } from '../governance/index.ts';
import { budgetRounds, interventions, interventionTransitions, type FundingSource, type Pillar } from './schema.ts';
import { notify, PUBLIC_STATUSES, villagePlaces } from './service.ts';

export interface RoundParams {
  capsFen?: Partial<Record<FundingSource, number>>;
  townshipShares?: { townshipId: string; min?: number; max?: number }[];
  minPerPillar?: Partial<Record<Pillar, number>>;
  maxPerVillage?: number;
  dependencies?: { proposalId: string; needsId: string }[];
  exclusions?: { a: string; b: string }[];
  weights: Partial<Record<Pillar, number>>;
}

/** A solved round as stored: the optimizer's result with the title, place and cost of every candidate it weighed. */
export type RoundResult = PortfolioResult & { projects: Record<string, { title: string; titleEn?: string | null; villageName: string; townshipName: string; villagePinyin?: string; townshipPinyin?: string; costFen: number }> };

export interface RoundInput extends RoundParams {
  name: string;
  budgetFen: number;
}

async function admin(db: Db, actor: Actor | null) {
  return authorize(db, actor, 'interventions.manage', { unitId: actor?.countyId ?? '' });
}

/** County-approved proposals not yet funded: what a round chooses from. */
export async function candidates(db: Db, countyId: string) {
  const places = await villagePlaces(db);
  const rows = await db
    .select()
    .from(interventions)
    .where(and(eq(interventions.countyId, countyId), eq(interventions.status, 'county_approved')))
    .orderBy(interventions.createdAt);
  return rows.map((p) => ({
    id: p.id,
    title: p.title,
    titleEn: p.titleEn,
    type: p.type,
    villageId: p.villageId,
    townshipId: p.townshipId,
    villageName: places.get(p.villageId)?.villageName ?? '',
    townshipName: places.get(p.villageId)?.townshipName ?? '',
    villagePinyin: places.get(p.villageId)?.villagePinyin ?? '',
    townshipPinyin: places.get(p.villageId)?.townshipPinyin ?? '',
    costFen: p.costFen,
    funding: { county: p.fundCountyFen, provincial: p.fundProvincialFen, village: p.fundVillageFen, private: p.fundPrivateFen },
    outcomes: p.outcomes,
  }));
}

export async function listCandidates(db: Db, actor: Actor | null) {
  const who = await admin(db, actor);
  return candidates(db, who.countyId);
}

export async function createRound(db: Db, actor: Actor | null, input: RoundInput) {
  const who = await admin(db, actor);
  const ids = new Set((await candidates(db, who.countyId)).map((c) => c.id));
  input.dependencies?.forEach((d, i) => {
    if (!ids.has(d.proposalId)) throw badRequest(`body/dependencies/${i}/proposalId`, 'Not a county-approved proposal awaiting funds');
    if (!ids.has(d.needsId)) throw badRequest(`body/dependencies/${i}/needsId`, 'Not a county-approved proposal awaiting funds');
  });
  input.exclusions?.forEach((x, i) => {
    if (!ids.has(x.a)) throw badRequest(`body/exclusions/${i}/a`, 'Not a county-approved proposal awaiting funds');
    if (!ids.has(x.b)) throw badRequest(`body/exclusions/${i}/b`, 'Not a county-approved proposal awaiting funds');
  });
  input.townshipShares?.forEach((s, i) => {
    if (s.min !== undefined && s.max !== undefined && s.min > s.max) throw badRequest(`body/townshipShares/${i}/min`, 'The least share is above the largest');
  });
  const { name, budgetFen, ...params } = input;
  return db.transaction(async (tx) => {
    const [row] = await tx.insert(budgetRounds).values({ countyId: who.countyId, name, budgetFen, params, createdBy: who.id }).returning();
    await recordAudit(tx, who, { action: 'intervention.round.create', entity: 'budget_round', entityId: row.id, details: { name, budgetFen } });
    return row;
  });
}

export async function listRounds(db: Db, actor: Actor | null) {
  const who = await admin(db, actor);
  return db
    .select({ id: budgetRounds.id, name: budgetRounds.name, budgetFen: budgetRounds.budgetFen, status: budgetRounds.status, createdAt: budgetRounds.createdAt, solvedAt: budgetRounds.solvedAt })
    .from(budgetRounds)
    .where(eq(budgetRounds.countyId, who.countyId))
    .orderBy(desc(budgetRounds.createdAt));
}

export async function getRound(db: Db, actor: Actor | null, id: string) {
  const who = await admin(db, actor);
  const [row] = await db.select().from(budgetRounds).where(and(eq(budgetRounds.id, id), eq(budgetRounds.countyId, who.countyId)));
  if (!row) throw notFound('Budget round');
  return row;
}

/** The optimizer's input for a round, from the proposals approved now. */
async function portfolioInput(db: Db, countyId: string, budgetFen: number, params: RoundParams) {
  const cands = await candidates(db, countyId);
  const ids = new Set(cands.map((c) => c.id));
  // A dependency on a project funded since is met; on one no longer approved, it rules its dependant out.
  const deps = params.dependencies ?? [];
  const funded = new Set(
    deps.length
      ? (await db.select({ id: interventions.id }).from(interventions).where(and(inArray(interventions.id, deps.map((d) => d.needsId)), inArray(interventions.status, PUBLIC_STATUSES))))
          .map((r) => r.id)
      : [],
  );
  const ruledOut = new Set(deps.filter((d) => !ids.has(d.needsId) && !funded.has(d.needsId)).map((d) => d.proposalId));
  const projects = cands.filter((c) => !ruledOut.has(c.id));
  const kept = new Set(projects.map((p) => p.id));
  const input: PortfolioInput = {
    projects: projects.map((c) => ({ id: c.id, costFen: c.costFen, funding: c.funding, township: c.townshipId, village: c.villageId, benefits: c.outcomes })),
    budgetFen,
    capsFen: params.capsFen && (Object.fromEntries(Object.entries(params.capsFen).filter(([, v]) => v !== undefined)) as Record<string, number>),
    townshipShares: params.townshipShares && Object.fromEntries(params.townshipShares.map((s) => [s.townshipId, { min: s.min, max: s.max }])),
    minPerPillar: params.minPerPillar as Record<string, number> | undefined,
    maxPerVillage: params.maxPerVillage,
    dependencies: deps.filter((d) => kept.has(d.proposalId) && kept.has(d.needsId)).map((d) => ({ project: d.proposalId, needs: d.needsId })),
    exclusions: (params.exclusions ?? []).filter((x) => kept.has(x.a) && kept.has(x.b)).map((x) => [x.a, x.b] as [string, string]),
    weights: params.weights as Record<string, number>,
  };
  return { input, candidates: cands };
}

// ---- solve jobs: queued in the database, solved in a worker thread, progress stored for every instance ----

export const SOLVE_ROUND_JOB = 'interventions.solve-round';

/** Starts solving a round off the request path; the answer is a job id whose events stream progress then the result. */
export async function startSolve(db: Db, jobs: JobQueue, actor: Actor | null, roundId: string, options: { timeLimitMs?: number } = {}) {
  const who = await admin(db, actor);
  const round = await getRound(db, who, roundId);
  if (round.status === 'applied') throw conflict('round_applied', 'This round has been applied already');
  const { input } = await portfolioInput(db, who.countyId, round.budgetFen, round.params as RoundParams);
  const jobId = await jobs.send(SOLVE_ROUND_JOB, { roundId, timeLimitMs: options.timeLimitMs ?? 20_000 }, { countyId: who.countyId, requestedBy: who.id });
  return { jobId, candidates: input.projects.length };
}

/** The job: solve the round as it stands now, store the result and audit it as the official who asked. */
export const solveRoundJob: JobDefinition<{ roundId: string; timeLimitMs: number }> = {
  name: SOLVE_ROUND_JOB,
  maxAttempts: 2,
  async run({ roundId, timeLimitMs }, ctx) {
    const who = { id: ctx.requestedBy, countyId: ctx.countyId! };
    const [round] = await ctx.db.select().from(budgetRounds).where(and(eq(budgetRounds.id, roundId), eq(budgetRounds.countyId, who.countyId)));
    if (!round) throw new Error('round not found');
    if (round.status === 'applied') throw new Error('round applied meanwhile');
    const { input, candidates: cands } = await portfolioInput(ctx.db, who.countyId, round.budgetFen, round.params as RoundParams);
    let last = 0;
    const result: PortfolioResult = await solveInWorker(input, { timeLimitMs }, (p) => {
      // Progress is stored for every instance to read: a few times a second is plenty.
      const now = Date.now();
      if (now - last < 200) return;
      last = now;
      void ctx.progress(p).catch(() => {});
    });
    const titles = Object.fromEntries(cands.map((c) => [c.id, { title: c.title, titleEn: c.titleEn, villageName: c.villageName, townshipName: c.townshipName, villagePinyin: c.villagePinyin, townshipPinyin: c.townshipPinyin, costFen: c.costFen }]));
    const stored: RoundResult = { ...result, projects: titles };
    // The round's result, its audit row and the run's success commit together: an instance killed in between
    // leaves nothing written, and the instance that takes the run over solves it once.
    return ctx.finish(async (tx) => {
      await tx.update(budgetRounds).set({ result: stored, status: 'solved', solvedAt: new Date() }).where(and(eq(budgetRounds.id, roundId), inArray(budgetRounds.status, ['open', 'solved'])));
      await recordAudit(tx, who, {
        action: 'intervention.round.solve',
        entity: 'budget_round',
        entityId: roundId,
        details: { status: result.status, selected: result.selection?.ids.length ?? 0, objective: result.selection?.objective, greedy: result.greedy.objective, timeMs: result.timeMs, jobId: ctx.jobId },
      });
      const [after] = await tx.select().from(budgetRounds).where(eq(budgetRounds.id, roundId));
      return after;
    });
  },
};

/** The job's run, for an administrator of its county (404 otherwise). */
export async function solveRun(db: Db, jobs: JobQueue, actor: Actor | null, jobId: string) {
  const who = await admin(db, actor);
  const run = await jobs.get(jobId);
  if (!run || run.name !== SOLVE_ROUND_JOB || run.countyId !== who.countyId) throw notFound('Job');
  return run;
}

/** Funds the optimal selection: every selected proposal moves county_approved → funded, or none does. */
export async function applyRound(db: Db, actor: Actor | null, roundId: string) {
  const who = await admin(db, actor);
  const round = await getRound(db, who, roundId);
  const result = round.result as PortfolioResult | null;
  if (round.status !== 'solved' || !result?.selection) throw conflict('round_not_solved', 'Solve the round to a selection first');
  const ids = result.selection.ids;
  await db.transaction(async (tx) => {
    const [claimed] = await tx.update(budgetRounds).set({ status: 'applied' }).where(and(eq(budgetRounds.id, roundId), eq(budgetRounds.status, 'solved'))).returning({ id: budgetRounds.id });
    if (!claimed) throw conflict('round_applied', 'This round has been applied already');
    for (const id of ids) {
      const [moved] = await tx
        .update(interventions)
        .set({ status: 'funded', fundedFen: (await tx.select({ c: interventions.costFen }).from(interventions).where(eq(interventions.id, id)))[0].c, updatedAt: new Date() })
        .where(and(eq(interventions.id, id), eq(interventions.status, 'county_approved')))
        .returning();
      if (!moved) throw conflict('invalid_transition', `A selected proposal is no longer awaiting funds (${id}); solve the round again`);
      await tx.insert(interventionTransitions).values({ countyId: moved.countyId, interventionId: id, fromStatus: 'county_approved', toStatus: 'funded', actorId: who.id, note: round.name });
      await notify(tx, moved, 'funded', 'fund', who.id);
      await recordAudit(tx, who, { action: 'intervention.fund', entity: 'intervention', entityId: id, details: { from: 'county_approved', to: 'funded', fundedFen: moved.fundedFen, roundId } });
    }
    await recordAudit(tx, who, { action: 'intervention.round.apply', entity: 'budget_round', entityId: roundId, details: { funded: ids.length } });
  });
  return { funded: ids.length };
}
