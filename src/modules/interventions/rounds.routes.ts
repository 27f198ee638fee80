import type { FastifyPluginAsync } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { streamJobEvents } from '../../server/job-events.ts';
import * as rounds from './rounds.ts';
import { FUNDING_SOURCES, PILLARS } from './schema.ts';
import { eventStream, SESSION } from '../../server/openapi.ts';

// ---- replies: what each route answers (the serializer and the OpenAPI document use them) ----
const listCandidatesReply = z.array(z.object({
  id: z.string(),
  title: z.string(),
  titleEn: z.string().nullable().describe('The title in English as entered, or null'),
  type: z.enum(['restoration', 'reuse_inn', 'reuse_tea_workshop', 'reuse_museum', 'reuse_library', 'reuse_craft_workshop', 'reuse_public_space', 'infra_water', 'infra_sewage', 'infra_paths', 'infra_lighting', 'infra_broadband', 'infra_landscape']),
  villageId: z.string(),
  townshipId: z.string(),
  villageName: z.string(),
  townshipName: z.string(),
  villagePinyin: z.string().describe("The village's name in pinyin, for English readers"),
  townshipPinyin: z.string(),
  costFen: z.number(),
  funding: z.object({ county: z.number(), provincial: z.number(), village: z.number(), private: z.number() }),
  outcomes: z.object({
    jobs: z.number(),
    returningResidents: z.number(),
    visitorsPerYear: z.number(),
    incomeFen: z.number(),
    culturalValue: z.number(),
    ecologicalEffect: z.number(),
  }),
}));
const listRoundsReply = z.array(z.object({
  id: z.string(),
  name: z.string(),
  budgetFen: z.number(),
  status: z.enum(['open', 'solved', 'applied']),
  createdAt: z.date(),
  solvedAt: z.date().nullable(),
}));
const roundGroup = z.discriminatedUnion('kind', [
  z.object({ kind: z.literal('budget') }),
  z.object({ kind: z.literal('cap'), source: z.string() }),
  z.object({ kind: z.enum(['township_min', 'township_max']), township: z.string() }),
  z.object({ kind: z.literal('pillar_min'), pillar: z.string() }),
  z.object({ kind: z.literal('village_max') }),
  z.object({ kind: z.literal('dependency'), project: z.string(), needs: z.string() }),
  z.object({ kind: z.literal('exclusion'), a: z.string(), b: z.string() }),
]).meta({ description: 'A constraint group: where constraints bind, conflict and are relaxed' });
const solveStatus = z.enum(['optimal', 'gap', 'infeasible', 'no_solution']);
const roundSelection = z.object({ ids: z.array(z.string()), objective: z.number(), costFen: z.number(), bySourceFen: z.record(z.string(), z.number()) });
/** What the optimizer found for a round, with the title and place of each candidate it weighed. */
const roundResult = z.object({
  status: solveStatus,
  gap: z.number().nullable(),
  timeMs: z.number(),
  selection: roundSelection.nullable(),
  greedy: roundSelection.extend({ violations: z.array(roundGroup) }),
  binding: z.array(z.object({ group: roundGroup, sense: z.enum(['max', 'min']), activity: z.number(), bound: z.number(), slack: z.number() })),
  whatIfs: z.array(z.object({ factor: z.number(), budgetFen: z.number(), status: solveStatus, objective: z.number().nullable(), ids: z.array(z.string()) })),
  conflict: z.object({ groups: z.array(roundGroup), minimal: z.boolean() }).nullable(),
  scores: z.record(z.string(), z.number()),
  projects: z.record(z.string(), z.object({ title: z.string(), titleEn: z.string().nullable().optional(), villageName: z.string(), townshipName: z.string(), villagePinyin: z.string().optional().describe('Absent in rounds solved before names in English'), townshipPinyin: z.string().optional(), costFen: z.number() })),
});
const perPillarReply = z.object(Object.fromEntries(PILLARS.map((p) => [p, z.number().optional()])) as Record<(typeof PILLARS)[number], z.ZodOptional<z.ZodNumber>>);
/** The round's constraints as it was opened. */
const roundParams = z.object({
  capsFen: z.object(Object.fromEntries(FUNDING_SOURCES.map((s) => [s, z.number().optional()])) as Record<(typeof FUNDING_SOURCES)[number], z.ZodOptional<z.ZodNumber>>).optional(),
  townshipShares: z.array(z.object({ townshipId: z.string(), min: z.number().optional(), max: z.number().optional() })).optional(),
  minPerPillar: perPillarReply.optional(),
  maxPerVillage: z.number().optional(),
  dependencies: z.array(z.object({ proposalId: z.string(), needsId: z.string() })).optional(),
  exclusions: z.array(z.object({ a: z.string(), b: z.string() })).optional(),
  weights: perPillarReply,
});
const getRoundReply = z.object({
  id: z.string(),
  countyId: z.string(),
  name: z.string(),
  budgetFen: z.number(),
  params: roundParams,
  status: z.enum(['open', 'solved', 'applied']),
  result: roundResult.nullable(),
  createdBy: z.string().nullable(),
  createdAt: z.date(),
  solvedAt: z.date().nullable(),
});
const startSolve202Reply = z.object({ jobId: z.string(), candidates: z.number() });
const applyRoundReply = z.object({ funded: z.number() });


const idParams = z.strictObject({ id: z.uuid() });
const fen = z.number().int().min(1).max(1e14);
const share = z.number().min(0).max(1);
const perPillar = <T extends z.ZodType>(v: T) => z.strictObject(Object.fromEntries(PILLARS.map((p) => [p, v.optional()])) as Record<(typeof PILLARS)[number], z.ZodOptional<T>>);
const roundBody = z.strictObject({
  name: z.string().trim().min(1).max(120),
  budgetFen: fen,
  capsFen: z.strictObject(Object.fromEntries(FUNDING_SOURCES.map((s) => [s, z.number().int().min(0).max(1e14).optional()])) as Record<(typeof FUNDING_SOURCES)[number], z.ZodOptional<z.ZodNumber>>).optional(),
  townshipShares: z.array(z.strictObject({ townshipId: z.uuid(), min: share.optional(), max: share.optional() })).max(50).optional(),
  minPerPillar: perPillar(z.number().int().min(0).max(1000)).optional(),
  maxPerVillage: z.number().int().min(1).max(1000).optional(),
  dependencies: z.array(z.strictObject({ proposalId: z.uuid(), needsId: z.uuid() })).max(500).optional(),
  exclusions: z.array(z.strictObject({ a: z.uuid(), b: z.uuid() })).max(500).optional(),
  weights: perPillar(z.number().min(0).max(100)),
});

/** Budget rounds and the portfolio optimizer (county admin). */
export const roundRoutes: FastifyPluginAsync = async (base) => {
  const app = base.withTypeProvider<ZodTypeProvider>();
  const tags = ['interventions'];

  app.get('/interventions/candidates', { schema: { tags, summary: 'County-approved proposals awaiting funds', operationId: 'listCandidates', security: SESSION, response: { 200: listCandidatesReply } } }, async (request) => rounds.listCandidates(app.db, request.actor));
  app.get('/interventions/rounds', { schema: { tags, summary: 'Budget rounds', operationId: 'listRounds', security: SESSION, response: { 200: listRoundsReply } } }, async (request) => rounds.listRounds(app.db, request.actor));
  app.post('/interventions/rounds', { schema: { tags, summary: 'Open a budget round', body: roundBody, operationId: 'createRound', security: SESSION, response: { 201: getRoundReply } } }, async (request, reply) =>
    reply.code(201).send(await rounds.createRound(app.db, request.actor, request.body)),
  );
  app.get('/interventions/rounds/:id', { schema: { tags, params: idParams, summary: 'A budget round with its solve result', operationId: 'getRound', security: SESSION, response: { 200: getRoundReply } } }, async (request) => rounds.getRound(app.db, request.actor, request.params.id));
  app.post(
    '/interventions/rounds/:id/solve',
    { schema: { tags, summary: 'Solve the round in a worker thread; follow /interventions/jobs/{jobId}/events', params: idParams, body: z.strictObject({ timeLimitMs: z.number().int().min(100).max(120_000).optional() }).optional(), operationId: 'startSolve', security: SESSION, response: { 202: startSolve202Reply } } },
    async (request, reply) => reply.code(202).send(await rounds.startSolve(app.db, app.jobs, request.actor, request.params.id, request.body ?? {})),
  );
  app.post('/interventions/rounds/:id/apply', { schema: { tags, summary: 'Fund the optimal selection', params: idParams, operationId: 'applyRound', security: SESSION, response: { 200: applyRoundReply } } }, async (request) =>
    rounds.applyRound(app.db, request.actor, request.params.id),
  );

  app.get('/interventions/jobs/:id/events', { schema: { tags, summary: 'Server-Sent Events: progress, then the result', params: idParams, operationId: 'streamSolveRun', security: SESSION, response: { 200: eventStream } } }, async (request, reply) => {
    const run = await rounds.solveRun(app.db, app.jobs, request.actor, request.params.id);
    streamJobEvents(request, reply, app.jobs, run);
  });
};
