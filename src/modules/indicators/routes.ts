import { binary, eventStream, SESSION } from '../../server/openapi.ts';
import type { FastifyPluginAsync } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { streamJobEvents } from '../../server/job-events.ts';
import { exportWorkbook } from './export.ts';
import { recomputeRun, startRecompute } from './recompute.ts';
import { COMPUTED_KEYS, DIRECTIONS, INDEX_METHODS, PILLARS, SOURCES } from './schema.ts';
import * as indicators from './service.ts';

const tags = ['indicators'];
const idParams = z.strictObject({ id: z.uuid() });
const period = z.number().int().min(2000).max(2100);
const periodQuery = z.strictObject({ period: z.coerce.number().int().min(2000).max(2100).optional() });
/** Finite, and far inside what a double holds exactly. */
const value = z.number().min(-1e12).max(1e12);
const noNul = (max: number) => z.string().trim().min(1).max(max).refine((s) => !s.includes('\u0000'), 'No NUL characters');
const pillarScores = z.partialRecord(z.enum(PILLARS), z.number());
const pillarNumbers = z.strictObject(Object.fromEntries(PILLARS.map((p) => [p, z.number()])) as Record<(typeof PILLARS)[number], z.ZodNumber>);

const definition = z.object({
  id: z.uuid(),
  code: z.string(),
  nameZh: z.string(),
  nameEn: z.string(),
  pillar: z.enum(PILLARS),
  unit: z.string(),
  direction: z.enum(DIRECTIONS),
  source: z.enum(SOURCES),
  computedKey: z.enum(COMPUTED_KEYS).nullable(),
  weight: z.number(),
});
const observationBody = z.strictObject({ indicatorId: z.uuid(), unitId: z.uuid(), period, value });
const observation = z.object({ id: z.uuid(), indicatorId: z.uuid(), unitId: z.uuid(), period: z.number(), value: z.number(), source: z.enum(SOURCES), recordedAt: z.string() });
const village = z.object({ id: z.uuid(), nameZh: z.string(), namePinyin: z.string(), townshipId: z.uuid(), townshipZh: z.string(), townshipPinyin: z.string(), lon: z.number().nullable(), lat: z.number().nullable() });
const overview = z.object({
  period: z.number().nullable(),
  periods: z.array(z.number()),
  computedAt: z.string().nullable(),
  pillarWeights: pillarNumbers,
  method: z.enum(INDEX_METHODS),
  villages: z.array(village.extend({ score: z.number().nullable(), rank: z.number().nullable(), pillars: pillarScores, previousScore: z.number().nullable() })),
  townships: z.array(z.object({ id: z.uuid(), nameZh: z.string(), namePinyin: z.string(), average: z.number().nullable(), villages: z.number() })),
  pillarAverages: z.record(z.enum(PILLARS), z.number().nullable()),
  trend: z.array(z.object({ period: z.number(), average: z.number().nullable(), villages: z.number() })),
});
const villageDetail = z.object({
  village,
  period: z.number().nullable(),
  periods: z.array(z.number()),
  canObserve: z.boolean(),
  scores: z.array(z.object({ period: z.number(), score: z.number(), rank: z.number(), pillars: pillarScores })),
  indicators: z.array(
    definition.extend({
      value: z.number().nullable(),
      previous: z.number().nullable(),
      target: z.number().nullable(),
      recordedAt: z.string().nullable(),
      provenance: z.record(z.string(), z.unknown()).nullable(),
    }),
  ),
});

export const indicatorsRoutes: FastifyPluginAsync = async (base) => {
  const app = base.withTypeProvider<ZodTypeProvider>();

  app.get(
    '/indicators/definitions',
    { schema: { tags, operationId: 'listIndicatorDefinitions', summary: 'The indicator catalogue of the county', response: { 200: z.array(definition) } } },
    async (request) => indicators.listDefinitions(app.db, request.actor),
  );
  app.post(
    '/indicators/definitions',
    {
      schema: {
        tags,
        operationId: 'createIndicatorDefinition',
        summary: 'Add an indicator to the catalogue (county admin)',
        body: z.strictObject({
          code: z.string().regex(/^[a-z][a-z0-9_.]{1,40}$/, 'Lower-case letters, digits, _ and .'),
          nameZh: noNul(80),
          nameEn: noNul(120),
          pillar: z.enum(PILLARS),
          unit: z.string().trim().max(20).refine((s) => !s.includes('\u0000'), 'No NUL characters'),
          direction: z.enum(DIRECTIONS),
          source: z.enum(SOURCES),
          computedKey: z.enum(COMPUTED_KEYS).nullable().optional(),
          weight: z.number().gt(0).max(100).optional(),
        }),
        response: { 201: definition },
      },
    },
    async (request, reply) => reply.code(201).send(await indicators.createDefinition(app.db, request.actor, request.body)),
  );
  app.put(
    '/indicators/observations',
    { schema: { tags, operationId: 'recordIndicatorObservation', summary: "Enter or correct a manual indicator's value for a village and year", body: observationBody, response: { 200: observation } } },
    async (request) => indicators.recordObservation(app.db, request.actor, request.body),
  );
  app.put(
    '/indicators/targets',
    { schema: { tags, operationId: 'setIndicatorTarget', summary: "Set a village's target for an indicator and year (county admin)", body: observationBody, response: { 200: observationBody.extend({ id: z.uuid() }) } } },
    async (request) => indicators.setTarget(app.db, request.actor, request.body),
  );
  app.put(
    '/indicators/weights',
    {
      schema: {
        tags,
        operationId: 'setIndicatorPillarWeights',
        summary: 'How much each pillar counts in the composite index (county admin)',
        body: z.strictObject(Object.fromEntries(PILLARS.map((p) => [p, z.number().min(0).max(100).optional()])) as Record<(typeof PILLARS)[number], z.ZodOptional<z.ZodNumber>>),
        response: { 200: pillarNumbers },
      },
    },
    async (request) => indicators.setPillarWeights(app.db, request.actor, request.body),
  );
  app.put(
    '/indicators/method',
    {
      schema: {
        tags,
        operationId: 'setIndicatorIndexMethod',
        summary: 'Combine the indicators by expert pillar weights or by entropy-weight TOPSIS (county admin); the index follows at the next recomputation',
        body: z.strictObject({ method: z.enum(INDEX_METHODS) }),
        response: { 200: z.object({ method: z.enum(INDEX_METHODS) }) },
      },
    },
    async (request) => indicators.setIndexMethod(app.db, request.actor, request.body.method),
  );
  app.get(
    '/indicators/overview',
    { schema: { tags, operationId: 'indicatorsOverview', summary: "Every village's index and rank in a year, pillar averages, the trend", querystring: periodQuery, response: { 200: overview } } },
    async (request) => indicators.overview(app.db, request.actor, request.query.period),
  );
  app.get(
    '/indicators/villages/:id',
    { schema: { tags, operationId: 'indicatorsVillage', summary: "A village's index over the years and its indicators in a year", params: idParams, querystring: periodQuery, response: { 200: villageDetail } } },
    async (request) => indicators.villageDetail(app.db, request.actor, request.params.id, request.query.period),
  );
  app.get(
    '/indicators/export.xlsx',
    { schema: { tags, operationId: 'exportIndicators', summary: 'The ranking and observations of a year as an XLSX workbook', querystring: periodQuery, security: SESSION, response: { 200: binary('application/vnd.openxmlformats-officedocument.spreadsheetml.sheet') } } },
    async (request, reply) => {
      const out = await exportWorkbook(app.db, request.actor, request.query.period);
      return reply.type('application/vnd.openxmlformats-officedocument.spreadsheetml.sheet').header('content-disposition', `attachment; filename="${out.filename}"`).send(out.data);
    },
  );
  app.post(
    '/indicators/recompute',
    {
      schema: {
        tags,
        operationId: 'recomputeIndicators',
        summary: 'Recompute the computed indicators and the index of a year as a job; follow /indicators/jobs/{id}/events',
        body: z.strictObject({ period }),
        response: { 202: z.object({ jobId: z.uuid() }) },
      },
    },
    async (request, reply) => reply.code(202).send(await startRecompute(app.db, app.jobs, request.actor, request.body.period)),
  );
  app.get(
    '/indicators/jobs/:id/events',
    { schema: { tags, operationId: 'indicatorsJobEvents', summary: 'Server-Sent Events: progress, then the result', params: idParams, security: SESSION, response: { 200: eventStream } } },
    async (request, reply) => {
      const run = await recomputeRun(app.db, app.jobs, request.actor, request.params.id);
      streamJobEvents(request, reply, app.jobs, run);
    },
  );
};
