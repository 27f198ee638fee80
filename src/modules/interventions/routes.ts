import multipart from '@fastify/multipart';
import type { FastifyPluginAsync } from 'fastify';
import { documentTooLarge, PDF_MAX_BYTES, PHOTO_MAX_BYTES } from '../../server/images.ts';
import { badRequest } from '../../server/problems.ts';
import { storageFor } from '../../server/storage.ts';
import { addFile, getFile } from './files.ts';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { ruleParamsSchema } from './rules.ts';
import { ACTIONS, FILE_KINDS, FILE_PHASES, FUNDING_SOURCES, INTERVENTION_TYPES, PILLARS, PROTECTION_LEVELS, STATUSES } from './schema.ts';
import * as svc from './service.ts';
import { roundRoutes } from './rounds.routes.ts';
import { readMultipart } from '../../server/multipart.ts';
import { OPTIONAL_SESSION, PUBLIC, SESSION, binary, noContent, searchQuery } from '../../server/openapi.ts';

// ---- replies: what each route answers (the serializer and the OpenAPI document use them) ----
/** The heritage-rule report of a proposal (stored for submitted ones, computed for drafts). */
const ruleReport = z.object({
  passed: z.boolean(),
  strictestLevel: z.enum(PROTECTION_LEVELS).nullable(),
  results: z.array(z.object({
    code: z.enum(['no_demolition', 'conservation_plan', 'height', 'volume', 'materials']),
    passed: z.boolean(),
    message: z.string(),
    values: z.record(z.string(), z.union([z.string(), z.number()])).meta({ description: 'What the sentence for code and passed names (level, limit, change, materials…)' }),
  })),
});
const uploadProposalFile201Reply = z.object({
  hasThumb: z.boolean(),
  id: z.string(),
  kind: z.enum(['drawing', 'photo']),
  phase: z.enum(['proposal', 'progress', 'before', 'after']),
  contentType: z.string(),
  bytes: z.number(),
  width: z.number().nullable(),
  height: z.number().nullable(),
  caption: z.string(),
  createdAt: z.date(),
});
const getCountyRuleParamsReply = z.object({
  limits: z.object({
    county: z.object({ maxHeightChangeM: z.number(), maxVolumeChangePct: z.number() }),
    national: z.object({ maxHeightChangeM: z.number(), maxVolumeChangePct: z.number() }),
    provincial: z.object({ maxHeightChangeM: z.number(), maxVolumeChangePct: z.number() }),
    none: z.object({ maxHeightChangeM: z.number(), maxVolumeChangePct: z.number() }),
    historic: z.object({ maxHeightChangeM: z.number(), maxVolumeChangePct: z.number() }),
    traditional: z.object({ maxHeightChangeM: z.number(), maxVolumeChangePct: z.number() }),
  }),
  protectedLevels: z.array(z.enum(['county', 'national', 'provincial', 'none', 'historic', 'traditional'])),
  compatibleMaterials: z.array(z.string()),
});
const listProposalsReply = z.array(z.object({
  isMine: z.boolean(),
  villageName: z.string(),
  townshipName: z.string(),
  villagePinyin: z.string(),
  townshipPinyin: z.string(),
  votes: z.object({ support: z.number(), oppose: z.number() }),
  id: z.string(),
  title: z.string(),
  titleEn: z.string().nullable().describe('The title in English as entered; null when none was (English readers then see the Chinese title)'),
  type: z.enum(['restoration', 'reuse_inn', 'reuse_tea_workshop', 'reuse_museum', 'reuse_library', 'reuse_craft_workshop', 'reuse_public_space', 'infra_water', 'infra_sewage', 'infra_paths', 'infra_lighting', 'infra_broadband', 'infra_landscape']),
  status: z.enum(['completed', 'draft', 'submitted', 'village_approved', 'township_reviewed', 'county_approved', 'funded', 'in_progress', 'evaluated', 'rejected']),
  villageId: z.string(),
  lon: z.number().nullable(),
  lat: z.number().nullable(),
  costFen: z.number(),
  updatedAt: z.date(),
}));
const createProposal201Reply = z.object({
  id: z.string(),
  title: z.string(),
  titleEn: z.string().nullable().describe('The title in English as entered; null when none was (English readers then see the Chinese title)'),
  type: z.enum(['restoration', 'reuse_inn', 'reuse_tea_workshop', 'reuse_museum', 'reuse_library', 'reuse_craft_workshop', 'reuse_public_space', 'infra_water', 'infra_sewage', 'infra_paths', 'infra_lighting', 'infra_broadband', 'infra_landscape']),
  status: z.enum(['completed', 'draft', 'submitted', 'village_approved', 'township_reviewed', 'county_approved', 'funded', 'in_progress', 'evaluated', 'rejected']),
  description: z.string(),
  site: z.string(),
  lon: z.number().nullable().describe('Where in its village (WGS-84), if given'),
  lat: z.number().nullable(),
  villageId: z.string(),
  townshipId: z.string(),
  villageName: z.string(),
  townshipName: z.string(),
  villagePinyin: z.string(),
  townshipPinyin: z.string(),
  isMine: z.boolean(),
  buildings: z.array(z.object({
    buildingId: z.string().nullable().optional(),
    name: z.string(),
    protectionLevel: z.enum(['county', 'national', 'provincial', 'none', 'historic', 'traditional']),
    heightM: z.number(),
    volumeM3: z.number(),
  })),
  changes: z.object({
    demolishesProtectedElements: z.boolean(),
    heightChangeM: z.number(),
    volumeChangePct: z.number(),
    materials: z.array(z.string()),
  }),
  conservationPlanUrl: z.string().nullable(),
  media: z.array(z.object({
    kind: z.enum(['drawing', 'photo', 'document']),
    url: z.string(),
    caption: z.string().optional(),
    phase: z.enum(['before', 'after', 'during']).optional(),
  })),
  files: z.array(z.object({
    hasThumb: z.boolean(),
    id: z.string(),
    kind: z.enum(['drawing', 'photo']),
    phase: z.enum(['proposal', 'progress', 'before', 'after']),
    contentType: z.string(),
    bytes: z.number(),
    width: z.number().nullable(),
    height: z.number().nullable(),
    caption: z.string(),
    createdAt: z.date(),
  })),
  costFen: z.number(),
  funding: z.object({ county: z.number(), provincial: z.number(), village: z.number(), private: z.number() }),
  durationMonths: z.number(),
  outcomes: z.object({
    jobs: z.number(),
    returningResidents: z.number(),
    visitorsPerYear: z.number(),
    incomeFen: z.number(),
    culturalValue: z.number(),
    ecologicalEffect: z.number(),
  }),
  risks: z.string(),
  rules: ruleReport,
  rejectionReason: z.string().nullable(),
  rejectedAt: z.enum(['completed', 'draft', 'submitted', 'village_approved', 'township_reviewed', 'county_approved', 'funded', 'in_progress', 'evaluated', 'rejected']).nullable(),
  reviewFinishedAt: z.date().nullable(),
  timeline: z.array(z.object({
    note: z.string(),
    from: z.enum(['completed', 'draft', 'submitted', 'village_approved', 'township_reviewed', 'county_approved', 'funded', 'in_progress', 'evaluated', 'rejected']),
    to: z.enum(['completed', 'draft', 'submitted', 'village_approved', 'township_reviewed', 'county_approved', 'funded', 'in_progress', 'evaluated', 'rejected']),
    at: z.date(),
  })),
  votes: z.object({ support: z.number(), oppose: z.number() }),
  myVote: z.enum(['support', 'oppose']).nullable(),
  mayVote: z.boolean(),
  fundedFen: z.number(),
  spentFen: z.number(),
  startedAt: z.date().nullable(),
  completedAt: z.date().nullable(),
  actualOutcomes: z.object({
    jobs: z.number(),
    returningResidents: z.number(),
    visitorsPerYear: z.number(),
    incomeFen: z.number(),
    culturalValue: z.number(),
    ecologicalEffect: z.number(),
  }).nullable(),
  evaluation: z.string().nullable(),
  milestones: z.array(z.object({ id: z.string(), title: z.string(), dueOn: z.string(), doneOn: z.string().nullable() })),
  spend: z.array(z.object({
    id: z.string(),
    amountFen: z.number(),
    note: z.string(),
    spentOn: z.string(),
    override: z.boolean(),
  })),
  actions: z.array(z.enum(['submit', 'approve', 'reject', 'fund', 'start', 'complete', 'evaluate'])),
  createdAt: z.date(),
});
const listPublicReply = z.array(z.object({
  id: z.string(),
  title: z.string(),
  titleEn: z.string().nullable().describe('The title in English as entered; null when none was (English readers then see the Chinese title)'),
  type: z.enum(['restoration', 'reuse_inn', 'reuse_tea_workshop', 'reuse_museum', 'reuse_library', 'reuse_craft_workshop', 'reuse_public_space', 'infra_water', 'infra_sewage', 'infra_paths', 'infra_lighting', 'infra_broadband', 'infra_landscape']),
  status: z.enum(['completed', 'draft', 'submitted', 'village_approved', 'township_reviewed', 'county_approved', 'funded', 'in_progress', 'evaluated', 'rejected']),
  description: z.string(),
  files: z.array(z.object({
    hasThumb: z.boolean(),
    id: z.string(),
    kind: z.enum(['drawing', 'photo']),
    phase: z.enum(['proposal', 'progress', 'before', 'after']),
    contentType: z.string(),
    bytes: z.number(),
    width: z.number().nullable(),
    height: z.number().nullable(),
    caption: z.string(),
    createdAt: z.date(),
  })),
  villageId: z.string(),
  lon: z.number().nullable(),
  lat: z.number().nullable(),
  villageName: z.string(),
  townshipName: z.string(),
  villagePinyin: z.string(),
  townshipPinyin: z.string(),
  costFen: z.number(),
  fundedFen: z.number(),
  spentFen: z.number(),
  durationMonths: z.number(),
  outcomes: z.object({
    jobs: z.number(),
    returningResidents: z.number(),
    visitorsPerYear: z.number(),
    incomeFen: z.number(),
    culturalValue: z.number(),
    ecologicalEffect: z.number(),
  }),
  actualOutcomes: z.object({
    jobs: z.number(),
    returningResidents: z.number(),
    visitorsPerYear: z.number(),
    incomeFen: z.number(),
    culturalValue: z.number(),
    ecologicalEffect: z.number(),
  }).nullable(),
  media: z.array(z.object({
    kind: z.enum(['drawing', 'photo', 'document']),
    url: z.string(),
    caption: z.string().optional(),
    phase: z.enum(['before', 'after', 'during']).optional(),
  })),
  timeline: z.array(z.object({
    to: z.enum(['completed', 'draft', 'submitted', 'village_approved', 'township_reviewed', 'county_approved', 'funded', 'in_progress', 'evaluated', 'rejected']),
    note: z.string(),
    at: z.date(),
  })),
}));
const interventionsDashboardReply = z.object({
  totals: z.object({ fundedFen: z.number(), spentFen: z.number(), delayed: z.number() }),
  projects: z.array(z.object({
    id: z.string(),
    title: z.string(),
    titleEn: z.string().nullable(),
    status: z.enum(['completed', 'draft', 'submitted', 'village_approved', 'township_reviewed', 'county_approved', 'funded', 'in_progress', 'evaluated', 'rejected']),
    villageName: z.string(),
    villagePinyin: z.string(),
    fundedFen: z.number(),
    spentFen: z.number(),
    startedAt: z.date().nullable(),
    plannedEnd: z.date().nullable(),
    completedAt: z.date().nullable(),
    milestones: z.array(z.object({
      id: z.string(),
      title: z.string(),
      dueOn: z.string(),
      doneOn: z.string().nullable(),
      overdue: z.boolean(),
    })),
    delays: z.array(z.enum(svc.DELAYS)),
  })),
});
const listNotificationsReply = z.object({
  unread: z.number(),
  items: z.array(z.object({
    unread: z.boolean(),
    id: z.string(),
    interventionId: z.string(),
    title: z.string(),
    titleEn: z.string().nullable(),
    kind: z.enum(ACTIONS).meta({ description: 'The workflow step taken' }),
    status: z.enum(['completed', 'draft', 'submitted', 'village_approved', 'township_reviewed', 'county_approved', 'funded', 'in_progress', 'evaluated', 'rejected']),
    at: z.date(),
  })),
});
const unreadCountReply = z.object({ unread: z.number() });
const voteReply = z.object({
  votes: z.object({ support: z.number(), oppose: z.number() }),
  myVote: z.enum(['support', 'oppose']).nullable(),
});
const listCommentsReply = z.object({
  mayModerate: z.boolean(),
  mayComment: z.boolean(),
  items: z.array(z.object({
    id: z.string(),
    parentId: z.string().nullable(),
    author: z.string(),
    mine: z.boolean(),
    body: z.string(),
    hidden: z.boolean(),
    moderationReason: z.string().nullable(),
    createdAt: z.string(),
  })),
});
const addComment201Reply = z.object({ id: z.string() });
const addMilestone201Reply = z.object({
  title: z.string(),
  id: z.string(),
  createdAt: z.date(),
  interventionId: z.string(),
  dueOn: z.string(),
  doneOn: z.string().nullable(),
});
const completeMilestoneReply = z.object({
  id: z.string(),
  interventionId: z.string(),
  title: z.string(),
  dueOn: z.string(),
  doneOn: z.string().nullable(),
  createdAt: z.date(),
});
const recordSpend201Reply = z.object({ spentFen: z.number(), fundedFen: z.number() });


const idParams = z.strictObject({ id: z.uuid() });
const fen = z.number().int().min(0).max(1e13);
const day = z.iso.date();
const outcomes = z.strictObject(Object.fromEntries(PILLARS.map((p) => [p, z.number().min(0).max(1e12)])) as Record<(typeof PILLARS)[number], z.ZodNumber>);
const media = z.strictObject({
  kind: z.enum(['drawing', 'photo', 'document']),
  url: z.string().trim().min(1).max(2000),
  caption: z.string().max(200).optional(),
  phase: z.enum(['before', 'after', 'during']).optional(),
});
const proposal = z.strictObject({
  villageId: z.uuid(),
  title: z.string().trim().min(2).max(120),
  titleEn: z.string().trim().max(160).nullish().describe('The title in English (optional; English readers see the Chinese title without it)'),
  type: z.enum(INTERVENTION_TYPES),
  description: z.string().max(20_000).optional(),
  site: z.string().max(200).optional(),
  lon: z.number().min(-180).max(180).nullish().describe('A point in the village (WGS-84), shown on its Atlas map'),
  lat: z.number().min(-90).max(90).nullish(),
  buildings: z
    .array(
      z.strictObject({
        buildingId: z.uuid().nullish(),
        name: z.string().trim().min(1).max(120),
        protectionLevel: z.enum(PROTECTION_LEVELS),
        heightM: z.number().min(0).max(200),
        volumeM3: z.number().min(0).max(1e7),
      }),
    )
    .max(20),
  changes: z.strictObject({
    demolishesProtectedElements: z.boolean(),
    heightChangeM: z.number().min(-100).max(100),
    volumeChangePct: z.number().min(-100).max(1000),
    materials: z.array(z.string().trim().min(1).max(40)).max(30),
  }),
  conservationPlanUrl: z.string().trim().max(2000).nullish(),
  media: z.array(media).max(30).optional(),
  costFen: fen.min(1),
  funding: z.strictObject(Object.fromEntries(FUNDING_SOURCES.map((s) => [s, fen])) as Record<(typeof FUNDING_SOURCES)[number], typeof fen>),
  durationMonths: z.number().int().min(1).max(120),
  outcomes,
  risks: z.string().max(20_000).optional(),
});
const from = z.enum(STATUSES);
const note = z.string().trim().max(4000).optional();
const transitionBody = z.discriminatedUnion('action', [
  z.strictObject({ action: z.enum(['submit', 'approve', 'start']), from, note }),
  z.strictObject({ action: z.literal('reject'), from, reason: z.string().trim().min(2).max(4000) }),
  z.strictObject({ action: z.literal('fund'), from, fundedFen: fen.min(1).optional(), note }),
  z.strictObject({ action: z.literal('complete'), from, note, media: z.array(media).max(30).optional() }),
  z.strictObject({ action: z.literal('evaluate'), from, actualOutcomes: outcomes, evaluation: z.string().trim().min(2).max(20_000) }),
]);

export const interventionsRoutes: FastifyPluginAsync = async (base) => {
  const app = base.withTypeProvider<ZodTypeProvider>();
  // Proposals written before proposals were searchable get their search text once.
  app.addHook('onReady', async () => {
    await svc.backfillProposalSearch(app.db);
  });
  const tags = ['interventions'];
  const uploadMax = Math.max(PHOTO_MAX_BYTES, PDF_MAX_BYTES);

  await app.register(multipart, { throwFileSizeLimit: true, limits: { fileSize: uploadMax, files: 1 } });
  const storage = storageFor(app.config);

  app.post(
    '/interventions/:id/files',
    {
      schema: {
        tags,
        params: idParams,
        consumes: ['multipart/form-data'],
        summary:
          'Attach a drawing or photo (field "file": JPEG, PNG, WebP, or a PDF drawing; "kind": drawing|photo; "phase": proposal|progress|before|after; optional "caption")', operationId: 'uploadProposalFile', security: SESSION, response: { 201: uploadProposalFile201Reply },
      },
    },
    async (request, reply) => {
      const { fields, file } = await readMultipart(request, uploadMax, documentTooLarge);
      const kind = z.enum(FILE_KINDS).safeParse(fields.kind ?? 'photo');
      if (!kind.success) throw badRequest('kind', `One of ${FILE_KINDS.join(', ')}`);
      const phase = z.enum(FILE_PHASES).safeParse(fields.phase ?? 'proposal');
      if (!phase.success) throw badRequest('phase', `One of ${FILE_PHASES.join(', ')}`);
      const caption = (fields.caption ?? '').trim();
      if (caption.length > 200) throw badRequest('caption', 'At most 200 characters');
      return reply
        .code(201)
        .send(await addFile(app.db, storage, request.actor, request.params.id, { kind: kind.data, phase: phase.data, caption, data: file.data, declaredType: file.mimetype }));
    },
  );
  app.get(
    '/interventions/files/:id',
    { schema: { tags, summary: 'An attached file (thumb: a 480 px WebP of an image)', params: idParams, querystring: z.strictObject({ size: z.enum(['thumb', 'full']).default('full') }), operationId: 'getFile', security: OPTIONAL_SESSION, response: { 200: binary('image/jpeg', 'image/png', 'image/webp', 'application/pdf') } } },
    async (request, reply) => {
      const f = await getFile(app.db, storage, request.actor, request.params.id, request.query.size);
      return reply.type(f.contentType).header('x-content-type-options', 'nosniff').header('cache-control', 'private, max-age=300').send(f.data);
    },
  );

  app.get('/interventions/rules', { schema: { tags, summary: 'The heritage-rule parameters of the county', operationId: 'getCountyRuleParams', security: PUBLIC, response: { 200: getCountyRuleParamsReply } } }, async () => svc.getCountyRuleParams(app.db));
  app.put('/interventions/rules', { schema: { tags, summary: 'Set the heritage-rule parameters (county admin)', body: ruleParamsSchema, operationId: 'setRuleParams', security: SESSION, response: { 200: getCountyRuleParamsReply } } }, async (request) =>
    svc.setRuleParams(app.db, request.actor, request.body),
  );

  app.get(
    '/interventions',
    { schema: { tags, summary: 'Proposals the signed-in user may see', querystring: z.strictObject({ villageId: z.uuid().optional(), status: z.enum(STATUSES).optional(), mine: z.stringbool().optional(), q: searchQuery }), operationId: 'listProposals', security: SESSION, response: { 200: listProposalsReply } } },
    async (request) => svc.listProposals(app.db, request.actor, request.query),
  );
  app.post('/interventions', { schema: { tags, summary: 'Propose an intervention (a draft)', body: proposal, operationId: 'createProposal', security: SESSION, response: { 201: createProposal201Reply } } }, async (request, reply) =>
    reply.code(201).send(await svc.createProposal(app.db, request.actor, request.body)),
  );
  app.get(
    '/interventions/public',
    { schema: { tags, summary: 'Approved projects with their timeline and spend (public); q searches title (Chinese, pinyin, initials), site and description', querystring: z.strictObject({ q: searchQuery }), operationId: 'listPublic', security: PUBLIC, response: { 200: listPublicReply } } },
    async (request) => svc.listPublic(app.db, request.query),
  );
  app.get('/interventions/dashboard', { schema: { tags, summary: 'Execution: budget against spend, schedule, delays (officials)', operationId: 'interventionsDashboard', security: SESSION, response: { 200: interventionsDashboardReply } } }, async (request) =>
    svc.dashboard(app.db, request.actor),
  );
  app.get('/interventions/notifications', { schema: { tags, summary: 'In-app notifications', operationId: 'listInterventionNotifications', security: SESSION, response: { 200: listNotificationsReply } } }, async (request) => svc.listNotifications(app.db, request.actor));
  app.get('/interventions/notifications/unread', { schema: { tags, summary: 'How many notifications are unread', operationId: 'unreadCount', security: SESSION, response: { 200: unreadCountReply } } }, async (request) => ({
    unread: await svc.unreadCount(app.db, request.actor),
  }));
  app.post('/interventions/notifications/read', { schema: { tags, summary: 'Mark every notification read', operationId: 'markNotificationsRead', security: SESSION, response: { 204: noContent } } }, async (request, reply) => {
    await svc.markNotificationsRead(app.db, request.actor);
    return reply.code(204).send();
  });

  app.get('/interventions/:id', { schema: { tags, params: idParams, summary: 'A proposal with its votes, milestones and spending', operationId: 'getProposal', security: OPTIONAL_SESSION, response: { 200: createProposal201Reply } } }, async (request) => svc.getProposal(app.db, request.actor, request.params.id));
  app.put('/interventions/:id', { schema: { tags, summary: 'Edit a draft (its proposer)', params: idParams, body: proposal, operationId: 'updateProposal', security: SESSION, response: { 200: createProposal201Reply } } }, async (request) =>
    svc.updateProposal(app.db, request.actor, request.params.id, request.body),
  );
  app.post(
    '/interventions/:id/transitions',
    { schema: { tags, summary: 'Take a workflow step: submit, approve, reject, fund, start, complete, evaluate', params: idParams, body: transitionBody, operationId: 'transition', security: SESSION, response: { 200: createProposal201Reply } } },
    async (request) => svc.transition(app.db, request.actor, request.params.id, request.body),
  );
  app.put(
    '/interventions/:id/vote',
    { schema: { tags, summary: 'Support or oppose (residents of the village; changeable until the decision)', params: idParams, body: z.strictObject({ stance: z.enum(['support', 'oppose']) }), operationId: 'vote', security: SESSION, response: { 200: voteReply } } },
    async (request) => svc.vote(app.db, request.actor, request.params.id, request.body.stance),
  );
  app.get('/interventions/:id/comments', { schema: { tags, params: idParams, summary: 'Comments on a proposal', operationId: 'listComments', security: OPTIONAL_SESSION, response: { 200: listCommentsReply } } }, async (request) => svc.listComments(app.db, request.actor, request.params.id));
  app.post(
    '/interventions/:id/comments',
    { schema: { tags, params: idParams, body: z.strictObject({ body: z.string().trim().min(1).max(4000), parentId: z.uuid().optional() }), summary: 'Comment on a proposal', operationId: 'addComment', security: SESSION, response: { 201: addComment201Reply } } },
    async (request, reply) => reply.code(201).send(await svc.addComment(app.db, request.actor, request.params.id, request.body)),
  );
  app.patch(
    '/interventions/comments/:id',
    { schema: { tags, summary: 'Hide or show a comment (officials)', params: idParams, body: z.strictObject({ hidden: z.boolean(), reason: z.string().trim().min(2).max(500).optional() }), operationId: 'moderateComment', security: SESSION, response: { 204: noContent } } },
    async (request, reply) => {
      await svc.moderateComment(app.db, request.actor, request.params.id, request.body);
      return reply.code(204).send();
    },
  );
  app.post(
    '/interventions/:id/milestones',
    { schema: { tags, params: idParams, body: z.strictObject({ title: z.string().trim().min(1).max(200), dueOn: day }), summary: 'Add a milestone to a funded proposal', operationId: 'addMilestone', security: SESSION, response: { 201: addMilestone201Reply } } },
    async (request, reply) => reply.code(201).send(await svc.addMilestone(app.db, request.actor, request.params.id, request.body)),
  );
  app.patch('/interventions/milestones/:id', { schema: { tags, params: idParams, body: z.strictObject({ doneOn: day }), summary: 'Complete a milestone', operationId: 'completeMilestone', security: SESSION, response: { 200: completeMilestoneReply } } }, async (request) =>
    svc.completeMilestone(app.db, request.actor, request.params.id, request.body.doneOn),
  );
  app.post(
    '/interventions/:id/spend',
    {
      schema: {
        tags,
        summary: 'Record spend; beyond the funded amount only the county admin, with override: true',
        params: idParams,
        body: z.strictObject({ amountFen: fen.min(1), note: z.string().max(500).optional(), spentOn: day, override: z.boolean().optional() }), operationId: 'recordSpend', security: SESSION, response: { 201: recordSpend201Reply },
      },
    },
    async (request, reply) => reply.code(201).send(await svc.recordSpend(app.db, request.actor, request.params.id, request.body)),
  );

  await app.register(roundRoutes);
};
