import multipart from '@fastify/multipart';
import { binary, eventStream, SESSION } from '../../server/openapi.ts';
import { readMultipart } from '../../server/multipart.ts';
import { Problem } from '../../server/problems.ts';
import { importObservations, importTemplate, ROW_CODES } from './importer.ts';
import { setIndicatorWeights, weightsView } from './weights.ts';
import type { FastifyPluginAsync } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { streamJobEvents } from '../../server/job-events.ts';
import { exportWorkbook } from './export.ts';
import { recomputeRun, startRecompute } from './recompute.ts';
import { AGGREGATIONS, COMPUTED_KEYS, DIRECTIONS, INDEX_METHODS, PILLARS, SOURCES } from './schema.ts';
import * as indicators from './service.ts';

const tags = ['indicators'];
const idParams = z.strictObject({ id: z.uuid() });
const period = z.number().int().min(2000).max(2100);
const periodQuery = z.strictObject({ period: z.coerce.number().int().min(2000).max(2100).optional() });
/** Finite, and far inside what a double holds exactly. */
const value = z.number().min(-1e12).max(1e12);
const noNul = (max: number) => z.string().trim().min(1).max(max).refine((s) => !s.includes('\u0000'), 'No NUL characters');
const perPillar = <T extends z.ZodType>(v: T) => z.object(Object.fromEntries(PILLARS.map((p) => [p, v])) as Record<(typeof PILLARS)[number], T>);
/** A score per pillar, for the pillars the unit has figures in. */
const pillarScores = perPillar(z.number().optional());
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
  aggregation: z.enum(AGGREGATIONS),
  version: z.number(),
});
const level = z.enum(['county', 'township', 'village']);
const light = z.enum(['green', 'amber', 'red', 'none']);
const unitField = z.string().trim().max(20).refine((s) => !s.includes('\u0000'), 'No NUL characters');
const observationBody = z.strictObject({ indicatorId: z.uuid(), unitId: z.uuid(), period, value });
const observation = z.object({ id: z.uuid(), indicatorId: z.uuid(), unitId: z.uuid(), period: z.number(), value: z.number(), source: z.enum(SOURCES), definitionVersion: z.number(), recordedAt: z.string() });
const village = z.object({ id: z.uuid(), nameZh: z.string(), namePinyin: z.string(), townshipId: z.uuid(), townshipZh: z.string(), townshipPinyin: z.string(), lon: z.number().nullable(), lat: z.number().nullable() });
const overview = z.object({
  countyId: z.uuid(),
  period: z.number().nullable(),
  periods: z.array(z.number()),
  computedAt: z.string().nullable(),
  pillarWeights: pillarNumbers,
  method: z.enum(INDEX_METHODS),
  villages: z.array(
    village.extend({ score: z.number().nullable(), rank: z.number().nullable(), pillars: pillarScores, previousScore: z.number().nullable(), weightedScore: z.number().nullable(), entropyScore: z.number().nullable() }),
  ),
  townships: z.array(z.object({ id: z.uuid(), nameZh: z.string(), namePinyin: z.string(), average: z.number().nullable(), villages: z.number() })),
  pillarAverages: perPillar(z.number().nullable()),
  trend: z.array(z.object({ period: z.number(), average: z.number().nullable(), villages: z.number() })),
});
const unitDetail = z.object({
  unit: z.object({ id: z.uuid(), level, nameZh: z.string(), namePinyin: z.string(), parentId: z.uuid().nullable(), parentZh: z.string().nullable(), parentPinyin: z.string().nullable() }),
  village: village.omit({ lon: true, lat: true }).nullable(),
  children: z.array(z.object({ id: z.uuid(), level, nameZh: z.string(), namePinyin: z.string() })),
  period: z.number().nullable(),
  periods: z.array(z.number()),
  canObserve: z.boolean(),
  canPlan: z.boolean(),
  scores: z.array(z.object({ period: z.number(), score: z.number(), rank: z.number().nullable(), pillars: pillarScores, villages: z.number() })),
  indicators: z.array(
    definition.extend({
      value: z.number().nullable(),
      rolledUp: z.object({ value: z.number(), villages: z.number(), of: z.number() }).nullable(),
      previous: z.number().nullable(),
      target: z.number().nullable(),
      progress: z.number().nullable(),
      light,
      recordedAt: z.string().nullable(),
      recordedVersion: z.number().nullable(),
      provenance: z.record(z.string(), z.unknown()).nullable(),
    }),
  ),
});
const cascadeLine = z.object({ unitId: z.uuid(), level, nameZh: z.string(), namePinyin: z.string(), target: z.number().nullable(), actual: z.number().nullable(), progress: z.number().nullable(), light });
const cascade = z.object({
  unit: z.object({ id: z.uuid(), level, nameZh: z.string(), namePinyin: z.string(), parentId: z.uuid().nullable() }),
  period: z.number(),
  rows: z.array(cascadeLine.extend({ indicator: definition, allocated: z.number().nullable(), unallocated: z.number().nullable(), childrenWithTarget: z.number(), children: z.array(cascadeLine) })),
});
const shift = z.object({ units: z.number(), maxShift: z.number(), meanShift: z.number(), mostMoved: z.uuid().nullable() });
const weights = z.object({
  period: z.number().nullable(),
  method: z.enum(INDEX_METHODS),
  pillarWeights: pillarNumbers,
  indicators: z.array(z.object({ id: z.uuid(), code: z.string(), nameZh: z.string(), nameEn: z.string(), pillar: z.enum(PILLARS), weight: z.number(), expertShare: z.number(), entropyShare: z.number().nullable() })),
  agreement: shift.extend({ spearman: z.number().nullable() }),
  sensitivity: z.array(z.object({ pillar: z.enum(PILLARS), weight: z.number(), lower: shift, higher: shift })),
});
const versions = z.object({
  definition,
  versions: z.array(
    z.object({ version: z.number(), nameZh: z.string(), nameEn: z.string(), pillar: z.enum(PILLARS), unit: z.string(), direction: z.enum(DIRECTIONS), aggregation: z.enum(AGGREGATIONS), note: z.string(), changedAt: z.string(), observations: z.number() }),
  ),
});
const importReply = z.object({
  importId: z.uuid().optional(),
  rows: z.number(),
  written: z.number(),
  unchanged: z.number(),
  skipped: z.number(),
  errors: z.number(),
  dryRun: z.boolean(),
  accepted: z.boolean(),
  report: z.array(
    z.object({
      row: z.number(),
      status: z.enum(['written', 'unchanged', 'valid', 'skipped', 'error']),
      code: z.string().optional(),
      unitId: z.uuid().optional(),
      period: z.number().optional(),
      value: z.number().optional(),
      field: z.string().optional(),
      error: z.enum(ROW_CODES).optional(),
      reason: z.string().optional(),
    }),
  ),
});
const IMPORT_MAX_BYTES = 10 * 1024 * 1024;
const XLSX = 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet';

export const indicatorsRoutes: FastifyPluginAsync = async (base) => {
  const app = base.withTypeProvider<ZodTypeProvider>();
  await app.register(multipart, { throwFileSizeLimit: true, limits: { fileSize: IMPORT_MAX_BYTES, files: 1 } });

  app.get(
    '/indicators/definitions',
    { schema: { security: SESSION, tags, operationId: 'listIndicatorDefinitions', summary: 'The indicator catalogue of the county', response: { 200: z.array(definition) } } },
    async (request) => indicators.listDefinitions(app.db, request.actor),
  );
  app.post(
    '/indicators/definitions',
    {
      schema: { security: SESSION,
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
          aggregation: z.enum(AGGREGATIONS).optional(),
        }),
        response: { 201: definition },
      },
    },
    async (request, reply) => reply.code(201).send(await indicators.createDefinition(app.db, request.actor, request.body)),
  );
  app.patch(
    '/indicators/definitions/:id',
    {
      schema: {
        tags,
        operationId: 'changeIndicatorDefinition', security: SESSION,
        summary: 'Change a definition (county admin): a new version; observations keep the version they were recorded under',
        params: idParams,
        body: z.strictObject({
          nameZh: noNul(80).optional(),
          nameEn: noNul(120).optional(),
          pillar: z.enum(PILLARS).optional(),
          unit: unitField.optional(),
          direction: z.enum(DIRECTIONS).optional(),
          aggregation: z.enum(AGGREGATIONS).optional(),
          note: noNul(500),
        }),
        response: { 200: definition },
      },
    },
    async (request) => indicators.changeDefinition(app.db, request.actor, request.params.id, request.body),
  );
  app.get(
    '/indicators/definitions/:id/versions',
    { schema: { tags, operationId: 'indicatorDefinitionVersions', security: SESSION, summary: "A definition's versions, newest first, with the observations recorded under each", params: idParams, response: { 200: versions } } },
    async (request) => indicators.definitionHistory(app.db, request.actor, request.params.id),
  );
  app.put(
    '/indicators/observations',
    { schema: { security: SESSION, tags, operationId: 'recordIndicatorObservation', summary: "Enter or correct a manual indicator's value for an admin unit (village, township or county) and year", body: observationBody, response: { 200: observation } } },
    async (request) => indicators.recordObservation(app.db, request.actor, request.body),
  );
  app.put(
    '/indicators/targets',
    { schema: { security: SESSION, tags, operationId: 'setIndicatorTarget', summary: "Set a unit's target for an indicator and year: the county's and townships' by the county admin, villages' by their township", body: observationBody, response: { 200: observationBody.extend({ id: z.uuid() }) } } },
    async (request) => indicators.setTarget(app.db, request.actor, request.body),
  );
  app.put(
    '/indicators/weights',
    {
      schema: { security: SESSION,
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
      schema: { security: SESSION,
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
    { schema: { security: SESSION, tags, operationId: 'indicatorsOverview', summary: "Every village's index and rank in a year, pillar averages, the trend", querystring: periodQuery, response: { 200: overview } } },
    async (request) => indicators.overview(app.db, request.actor, request.query.period),
  );
  app.get(
    '/indicators/units/:id',
    {
      schema: {
        tags,
        operationId: 'indicatorsUnit', security: SESSION,
        summary: "A village's, township's or the county's index over the years and its indicators in a year: own values, roll-ups, targets",
        params: idParams,
        querystring: periodQuery,
        response: { 200: unitDetail },
      },
    },
    async (request) => indicators.unitDetail(app.db, request.actor, request.params.id, request.query.period),
  );
  app.get(
    '/indicators/targets',
    {
      schema: {
        tags,
        operationId: 'indicatorTargetCascade', security: SESSION,
        summary: "A unit's targets for a year and their split over the units under it, with progress and traffic lights, furthest behind first",
        querystring: z.strictObject({ unitId: z.uuid(), period: z.coerce.number().int().min(2000).max(2100) }),
        response: { 200: cascade },
      },
    },
    async (request) => indicators.targetCascade(app.db, request.actor, request.query.unitId, request.query.period),
  );
  app.get(
    '/indicators/weights',
    { schema: { tags, operationId: 'indicatorWeights', security: SESSION, summary: 'Expert and entropy weights side by side for a year, their agreement, and the ranking’s sensitivity to pillar weights', querystring: periodQuery, response: { 200: weights } } },
    async (request) => weightsView(app.db, request.actor, request.query.period),
  );
  app.put(
    '/indicators/indicator-weights',
    {
      schema: {
        tags,
        operationId: 'setIndicatorWeights', security: SESSION,
        summary: "Indicators' expert weights inside their pillars (county admin); the index follows at the next recomputation",
        body: z.strictObject({ weights: z.array(z.strictObject({ indicatorId: z.uuid(), weight: z.number().gt(0).max(100) })).min(1).max(500) }),
        response: { 200: z.object({ changed: z.number() }) },
      },
    },
    async (request) => setIndicatorWeights(app.db, request.actor, request.body.weights),
  );
  app.get(
    '/indicators/import/template.xlsx',
    {
      schema: {
        tags,
        operationId: 'indicatorImportTemplate',
        summary: 'An XLSX to fill in: a row per manual indicator and unit you may enter, with the values stored for the year',
        querystring: z.strictObject({ period: z.coerce.number().int().min(2000).max(2100) }),
        security: SESSION,
        response: { 200: binary(XLSX) },
      },
    },
    async (request, reply) => {
      const out = await importTemplate(app.db, request.actor, request.query.period);
      return reply.type(XLSX).header('content-disposition', `attachment; filename="${out.filename}"`).send(out.data);
    },
  );
  app.post(
    '/indicators/import',
    {
      schema: {
        tags,
        operationId: 'importIndicatorObservations',
        summary: 'Import observations from CSV or XLSX (field "file"): every row is checked, and all are written or none, with a report row by row',
        consumes: ['multipart/form-data'],
        querystring: z.strictObject({ format: z.enum(['csv', 'xlsx']), dryRun: z.enum(['true', 'false']).default('false').transform((v) => v === 'true') }),
        security: SESSION,
        response: { 200: importReply },
      },
    },
    async (request) => {
      const { file } = await readMultipart(request, IMPORT_MAX_BYTES, () => new Problem(413, 'import_too_large', `The file is larger than ${IMPORT_MAX_BYTES / 1048576} MB`, { field: 'file' }));
      return importObservations(app.db, request.actor, { format: request.query.format, dryRun: request.query.dryRun, data: file.data, filename: file.filename });
    },
  );
  app.get(
    '/indicators/villages/:id',
    { schema: { security: SESSION, tags, operationId: 'indicatorsVillage', summary: "A village's index over the years and its indicators in a year (as /indicators/units/{id})", params: idParams, querystring: periodQuery, response: { 200: unitDetail } } },
    async (request) => indicators.unitDetail(app.db, request.actor, request.params.id, request.query.period),
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
      schema: { security: SESSION,
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
