import multipart from '@fastify/multipart';
import type { FastifyPluginAsync } from 'fastify';
import { documentTooLarge, PDF_MAX_BYTES, PHOTO_MAX_BYTES } from '../../server/images.ts';
import { badRequest } from '../../server/problems.ts';
import { storageFor } from '../../server/storage.ts';
import { addFile, getFile } from './files.ts';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { ruleParamsSchema } from './rules.ts';
import { FILE_KINDS, FILE_PHASES, FUNDING_SOURCES, INTERVENTION_TYPES, PILLARS, PROTECTION_LEVELS, STATUSES } from './schema.ts';
import * as svc from './service.ts';
import { roundRoutes } from './rounds.routes.ts';
import { readMultipart } from '../../server/multipart.ts';

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
  type: z.enum(INTERVENTION_TYPES),
  description: z.string().max(20_000).optional(),
  site: z.string().max(200).optional(),
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
          'Attach a drawing or photo (field "file": JPEG, PNG, WebP, or a PDF drawing; "kind": drawing|photo; "phase": proposal|progress|before|after; optional "caption")',
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
    { schema: { tags, summary: 'An attached file (thumb: a 480 px WebP of an image)', params: idParams, querystring: z.strictObject({ size: z.enum(['thumb', 'full']).default('full') }) } },
    async (request, reply) => {
      const f = await getFile(app.db, storage, request.actor, request.params.id, request.query.size);
      return reply.type(f.contentType).header('x-content-type-options', 'nosniff').header('cache-control', 'private, max-age=300').send(f.data);
    },
  );

  app.get('/interventions/rules', { schema: { tags, summary: 'The heritage-rule parameters of the county' } }, async () => svc.getCountyRuleParams(app.db));
  app.put('/interventions/rules', { schema: { tags, summary: 'Set the heritage-rule parameters (county admin)', body: ruleParamsSchema } }, async (request) =>
    svc.setRuleParams(app.db, request.actor, request.body),
  );

  app.get(
    '/interventions',
    { schema: { tags, summary: 'Proposals the signed-in user may see', querystring: z.strictObject({ villageId: z.uuid().optional(), status: z.enum(STATUSES).optional(), mine: z.stringbool().optional() }) } },
    async (request) => svc.listProposals(app.db, request.actor, request.query),
  );
  app.post('/interventions', { schema: { tags, summary: 'Propose an intervention (a draft)', body: proposal } }, async (request, reply) =>
    reply.code(201).send(await svc.createProposal(app.db, request.actor, request.body)),
  );
  app.get('/interventions/public', { schema: { tags, summary: 'Approved projects with their timeline and spend (public)' } }, async () => svc.listPublic(app.db));
  app.get('/interventions/dashboard', { schema: { tags, summary: 'Execution: budget against spend, schedule, delays (officials)' } }, async (request) =>
    svc.dashboard(app.db, request.actor),
  );
  app.get('/interventions/notifications', { schema: { tags, summary: 'In-app notifications' } }, async (request) => svc.listNotifications(app.db, request.actor));
  app.get('/interventions/notifications/unread', { schema: { tags, summary: 'How many notifications are unread' } }, async (request) => ({
    unread: await svc.unreadCount(app.db, request.actor),
  }));
  app.post('/interventions/notifications/read', { schema: { tags, summary: 'Mark every notification read' } }, async (request, reply) => {
    await svc.markNotificationsRead(app.db, request.actor);
    return reply.code(204).send();
  });

  app.get('/interventions/:id', { schema: { tags, params: idParams } }, async (request) => svc.getProposal(app.db, request.actor, request.params.id));
  app.put('/interventions/:id', { schema: { tags, summary: 'Edit a draft (its proposer)', params: idParams, body: proposal } }, async (request) =>
    svc.updateProposal(app.db, request.actor, request.params.id, request.body),
  );
  app.post(
    '/interventions/:id/transitions',
    { schema: { tags, summary: 'Take a workflow step: submit, approve, reject, fund, start, complete, evaluate', params: idParams, body: transitionBody } },
    async (request) => svc.transition(app.db, request.actor, request.params.id, request.body),
  );
  app.put(
    '/interventions/:id/vote',
    { schema: { tags, summary: 'Support or oppose (residents of the village; changeable until the decision)', params: idParams, body: z.strictObject({ stance: z.enum(['support', 'oppose']) }) } },
    async (request) => svc.vote(app.db, request.actor, request.params.id, request.body.stance),
  );
  app.get('/interventions/:id/comments', { schema: { tags, params: idParams } }, async (request) => svc.listComments(app.db, request.actor, request.params.id));
  app.post(
    '/interventions/:id/comments',
    { schema: { tags, params: idParams, body: z.strictObject({ body: z.string().trim().min(1).max(4000), parentId: z.uuid().optional() }) } },
    async (request, reply) => reply.code(201).send(await svc.addComment(app.db, request.actor, request.params.id, request.body)),
  );
  app.patch(
    '/interventions/comments/:id',
    { schema: { tags, summary: 'Hide or show a comment (officials)', params: idParams, body: z.strictObject({ hidden: z.boolean(), reason: z.string().trim().min(2).max(500).optional() }) } },
    async (request, reply) => {
      await svc.moderateComment(app.db, request.actor, request.params.id, request.body);
      return reply.code(204).send();
    },
  );
  app.post(
    '/interventions/:id/milestones',
    { schema: { tags, params: idParams, body: z.strictObject({ title: z.string().trim().min(1).max(200), dueOn: day }) } },
    async (request, reply) => reply.code(201).send(await svc.addMilestone(app.db, request.actor, request.params.id, request.body)),
  );
  app.patch('/interventions/milestones/:id', { schema: { tags, params: idParams, body: z.strictObject({ doneOn: day }) } }, async (request) =>
    svc.completeMilestone(app.db, request.actor, request.params.id, request.body.doneOn),
  );
  app.post(
    '/interventions/:id/spend',
    {
      schema: {
        tags,
        summary: 'Record spend; beyond the funded amount only the county admin, with override: true',
        params: idParams,
        body: z.strictObject({ amountFen: fen.min(1), note: z.string().max(500).optional(), spentOn: day, override: z.boolean().optional() }),
      },
    },
    async (request, reply) => reply.code(201).send(await svc.recordSpend(app.db, request.actor, request.params.id, request.body)),
  );

  await app.register(roundRoutes);
};
