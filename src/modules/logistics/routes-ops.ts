// Routes for intake (Market orders, file import, parcel labels), proof of delivery, re-planning, no-fly zones, the
// what-if and a Market order's delivery status. Registered by routes.ts.
import multipart from '@fastify/multipart';
import type { FastifyPluginAsync } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import QRCode from 'qrcode';
import { z } from 'zod';
import { PHOTO_MAX_BYTES, photoTooLarge } from '../../server/images.ts';
import { readMultipart } from '../../server/multipart.ts';
import { binary, SESSION } from '../../server/openapi.ts';
import { notFound } from '../../server/problems.ts';
import { storageFor } from '../../server/storage.ts';
import { and, eq } from 'drizzle-orm';
import { operator } from './access.ts';
import { deliverWithPhoto, parcelCode, proofPhoto } from './dispatch.ts';
import { importMarketOrdersAs, importRequestsFile } from './intake.ts';
import { createZone, DELIVERY_STATES, listZones, orderDelivery, replanPlan, startWhatIf, updateZone, WHAT_IF_JOB } from './operations.ts';
import { PLAN_DAY_JOB, planRun } from './planning.ts';
import { TERRAIN_MAX_BYTES, terrainTooLarge } from './dem-file.ts';
import { terrainInUse, uploadTerrain, useBundledTerrain } from './terrain-source.ts';
import { JOB_STATUSES } from '../../db/schema.ts';
import { HERITAGE_LEVELS } from '../atlas/index.ts';
import { PLAN_STATUSES, PROOF_KINDS, requests, STOP_STATUSES, TERRAIN_FORMATS } from './schema.ts';

const tags = ['logistics'];
const idParams = z.strictObject({ id: z.uuid() });
const text = (max: number) => z.string().trim().max(max).refine((s) => !s.includes('\u0000'), 'No NUL characters');
const lon = z.number().min(-180).max(180);
const lat = z.number().min(-90).max(90);
const ring = z.array(z.tuple([lon, lat])).min(3).max(200);
const zone = z.object({ id: z.uuid(), name: z.string(), ring: z.array(z.tuple([z.number(), z.number()])), active: z.boolean(), createdAt: z.date() });

/** A plan's figures: requests served, road and air km, km of mountain road the drones spared, mean delivery time, CO2. */
export const planFigures = z.object({ served: z.number(), roadKm: z.number(), airKm: z.number(), mountainRoadKmAvoided: z.number(), meanDeliveryMin: z.number(), co2Kg: z.number() });
/** The solver's threads: one population, children improved on this many worker threads (default: every core of the server; more are cut to its cores). */
export const THREADS = z.number().int().min(1).max(256).optional().describe('Solver threads; default every core of the server, more are cut to its cores');

/** One side of a what-if: the plan's figures with its cost and the requests it leaves unserved. */
const whatIfSide = planFigures.extend({ cost: z.number(), unserved: z.number() });
/** What a planning job ends with (the plan itself is read from /logistics/plans/{id}). */
const planJobResult = z.object({
  planId: z.uuid(),
  status: z.enum([...PLAN_STATUSES, 'unchanged']).meta({ description: 'The plan’s state after the job; unchanged when another run had settled it' }),
  error: z.string().optional(),
  served: z.number().optional(),
  kept: z.number().optional(),
  unserved: z.number().optional(),
});
/** What a what-if job ends with: the plan as it is and the variant side by side. */
const whatIfJobResult = z.object({
  planId: z.uuid(),
  change: z.object({
    addDrone: z.object({ depotId: z.uuid(), batteryWh: z.number().optional(), capacityKg: z.number().optional() }).optional(),
    moveDepot: z.object({ depotId: z.uuid(), lon: z.number(), lat: z.number() }).optional(),
    batteryWh: z.number().optional(),
    ceilingM: z.number().optional(),
  }),
  current: whatIfSide,
  variant: whatIfSide.nullable(),
  variantError: z.string().nullable(),
});
/** A job's result: null until it has succeeded (null on one member: OpenAPI 3.0 has no nullable anyOf). */
const jobResult = z.union([whatIfJobResult.nullable(), planJobResult]);
export const logisticsOpsRoutes: FastifyPluginAsync = async (base) => {
  const app = base.withTypeProvider<ZodTypeProvider>();
  await app.register(multipart, { throwFileSizeLimit: true, limits: { fileSize: PHOTO_MAX_BYTES, files: 1 } });
  const storage = storageFor(app.config);

  app.post(
    '/logistics/requests/from-market',
    {
      schema: { security: SESSION,
        tags,
        summary: 'Create pickup requests for the county’s paid Market orders that have none yet',
        operationId: 'importMarketOrders',
        body: z.strictObject({ serviceDate: z.iso.date() }),
        response: { 200: z.object({ created: z.number(), skipped: z.array(z.object({ orderId: z.uuid(), reason: z.string() })) }) },
      },
    },
    async (req) => importMarketOrdersAs(app.db, req.actor, req.body.serviceDate),
  );
  app.post(
    '/logistics/requests/import',
    {
      schema: { security: SESSION,
        tags,
        summary: 'Import delivery requests from a CSV or XLSX file (columns village, date, weight_kg, window_start, window_end[, kind, priority, recipient, note]); refused rows are reported',
        operationId: 'importDeliveryRequests',
        consumes: ['multipart/form-data'],
        response: { 200: z.object({ created: z.number(), problems: z.array(z.object({ row: z.number(), field: z.string(), message: z.string() })) }) },
      },
    },
    async (req) => {
      const { file } = await readMultipart(req, 5 * 1024 * 1024, photoTooLarge);
      return importRequestsFile(app.db, req.actor, { data: file.data, filename: file.filename || 'upload.csv' });
    },
  );
  app.get(
    '/logistics/requests/:id/label',
    { schema: { security: SESSION, tags, summary: 'The parcel label’s QR code (SVG), scanned as proof of delivery', operationId: 'parcelLabel', params: idParams, response: { 200: binary('image/svg+xml', 'The QR code') } } },
    async (req, reply) => {
      const who = await operator(app.db, req.actor);
      const [r] = await app.db.select({ id: requests.id }).from(requests).where(and(eq(requests.countyId, who.countyId), eq(requests.id, req.params.id)));
      if (!r) throw notFound('Delivery request');
      return reply.type('image/svg+xml').send(await QRCode.toString(parcelCode(r.id), { type: 'svg', margin: 1 }));
    },
  );

  app.post(
    '/logistics/plans/:id/stops/:stopId/photo',
    {
      schema: { security: SESSION,
        tags,
        summary: 'Mark a stop delivered with a photo as proof (multipart, field file: JPEG, PNG or WebP)',
        operationId: 'deliverWithPhoto',
        params: z.strictObject({ id: z.uuid(), stopId: z.uuid() }),
        consumes: ['multipart/form-data'],
        response: { 200: z.object({ id: z.uuid(), status: z.enum(STOP_STATUSES), reason: z.string().nullable(), closedAt: z.date().nullable(), proofKind: z.enum(PROOF_KINDS).nullable() }) },
      },
    },
    async (req) => {
      const { file } = await readMultipart(req, PHOTO_MAX_BYTES, photoTooLarge);
      return deliverWithPhoto(app.db, storage, req.actor, req.params.id, req.params.stopId, { data: file.data, declaredType: file.mimetype });
    },
  );
  app.get(
    '/logistics/plans/:id/stops/:stopId/photo',
    { schema: { security: SESSION, tags, summary: 'The proof-of-delivery photo', operationId: 'proofPhoto', params: z.strictObject({ id: z.uuid(), stopId: z.uuid() }), response: { 200: binary('image/webp', 'The photo') } } },
    async (req, reply) => {
      const data = await proofPhoto(app.db, storage, req.actor, req.params.id, req.params.stopId);
      if (!data) throw notFound('Photo');
      return reply.type('image/webp').header('cache-control', 'private, max-age=3600').send(data);
    },
  );
  app.post(
    '/logistics/plans/:id/replan',
    {
      schema: { security: SESSION,
        tags,
        summary: 'Plan the day again (after cancellations): trips that have left are kept, the rest is re-planned; the old plan is superseded',
        operationId: 'replanDay',
        params: idParams,
        body: z.strictObject({ timeLimitMs: z.number().int().min(200).max(120_000).optional(), threads: THREADS }),
        response: { 202: z.object({ planId: z.uuid(), jobId: z.uuid() }) },
      },
    },
    async (req, reply) => reply.code(202).send(await replanPlan(app.db, app.jobs, req.actor, req.params.id, req.body)),
  );
  app.post(
    '/logistics/plans/:id/what-if',
    {
      schema: { security: SESSION,
        tags,
        summary: 'Compare the plan with a changed fleet or rules (a job; its result holds both sides)',
        operationId: 'whatIf',
        params: idParams,
        body: z
          .strictObject({
            addDrone: z.strictObject({ depotId: z.uuid(), batteryWh: z.number().positive().max(100_000).optional(), capacityKg: z.number().positive().max(1_000).optional() }).optional(),
            moveDepot: z.strictObject({ depotId: z.uuid(), lon, lat }).optional(),
            batteryWh: z.number().positive().max(100_000).optional(),
            ceilingM: z.number().min(10).max(1_000).optional(),
            timeLimitMs: z.number().int().min(200).max(60_000).optional(),
          })
          .refine((b) => Object.keys(b).some((k) => k !== 'timeLimitMs'), 'Say what to change'),
        response: { 202: z.object({ jobId: z.uuid() }) },
      },
    },
    async (req, reply) => {
      const { timeLimitMs, ...change } = req.body;
      return reply.code(202).send(await startWhatIf(app.db, app.jobs, req.actor, req.params.id, change, timeLimitMs));
    },
  );

  app.get(
    '/logistics/jobs/:id',
    {
      schema: { security: SESSION,
        tags,
        summary: 'A planning or what-if job: its status and, once done, its result',
        operationId: 'getLogisticsJob',
        params: idParams,
        response: { 200: z.object({ id: z.uuid(), name: z.enum([PLAN_DAY_JOB, WHAT_IF_JOB]), status: z.enum(JOB_STATUSES), result: jobResult, error: z.string().nullable() }) },
      },
    },
    async (req) => {
      const run = await planRun(app.db, app.jobs, req.actor, req.params.id);
      // planRun answers only for the two logistics jobs, whose results are these shapes.
      const result = (run.result ?? null) as z.output<typeof whatIfJobResult> | z.output<typeof planJobResult> | null;
      return { id: run.id, name: run.name as typeof PLAN_DAY_JOB | typeof WHAT_IF_JOB, status: run.status, result, error: run.error ?? null };
    },
  );
  app.get(
    '/logistics/zones',
    {
      schema: { security: SESSION,
        tags,
        summary: 'No-fly zones: drawn by the county, and the Atlas’s protected buildings with their buffer',
        operationId: 'listNoFlyZones',
        response: { 200: z.object({ bufferM: z.number(), drawn: z.array(zone), heritage: z.array(z.object({ id: z.uuid(), name: z.string(), kind: z.literal('heritage'), ring: z.array(z.tuple([z.number(), z.number()])), protectionLevel: z.enum(HERITAGE_LEVELS) })) }) },
      },
    },
    async (req) => listZones(app.db, req.actor),
  );
  app.post(
    '/logistics/zones',
    { schema: { security: SESSION, tags, summary: 'Draw a no-fly zone (a polygon of [lon, lat] corners)', operationId: 'createNoFlyZone', body: z.strictObject({ name: text(120).min(1), ring }), response: { 201: zone } } },
    async (req, reply) => reply.code(201).send(await createZone(app.db, req.actor, req.body)),
  );
  app.patch(
    '/logistics/zones/:id',
    {
      schema: { security: SESSION,
        tags,
        summary: 'Rename or retire a no-fly zone',
        operationId: 'updateNoFlyZone',
        params: idParams,
        body: z.strictObject({ name: text(120).min(1).optional(), active: z.boolean().optional() }).refine((b) => Object.keys(b).length > 0, 'Nothing to change'),
        response: { 200: zone },
      },
    },
    async (req) => updateZone(app.db, req.actor, req.params.id, req.body),
  );

  app.get(
    '/logistics/orders/:id/delivery',
    {
      schema: {
        tags,
        summary: 'A Market order’s way from its producer to the county hub (its buyer, or the county’s operators)',
        operationId: 'orderDelivery',
        params: idParams,
        security: SESSION,
        response: { 200: z.object({ state: z.enum(DELIVERY_STATES), serviceDate: z.string().nullable(), plannedAt: z.date().nullable(), closedAt: z.date().nullable(), proof: z.string().nullable() }) },
      },
    },
    async (req) => orderDelivery(app.db, req.actor, req.params.id),
  );
  const terrain = z.object({
    source: z.enum(['bundled', 'uploaded']).meta({ description: 'Which elevation model plans use' }),
    bundled: z.object({ name: z.string(), arcSeconds: z.number(), provenance: z.string() }),
    uploaded: z
      .object({
        id: z.uuid(),
        fileName: z.string(),
        format: z.enum(TERRAIN_FORMATS),
        bytes: z.number(),
        arcSeconds: z.number(),
        minLon: z.number(),
        minLat: z.number(),
        maxLon: z.number(),
        maxLat: z.number(),
        minElevationM: z.number(),
        maxElevationM: z.number(),
        covered: z.number().meta({ description: 'Depots and villages of the county the file covers (all of them)' }),
        uploadedAt: z.date(),
      })
      .nullable(),
  });
  app.get(
    '/logistics/terrain',
    { schema: { security: SESSION, tags, summary: 'The elevation model the county plans on: the bundled one (with its provenance) or an uploaded file', operationId: 'terrainInUse', response: { 200: terrain } } },
    async (req) => terrainInUse(app.db, req.actor),
  );
  app.post(
    '/logistics/terrain',
    {
      schema: {
        security: SESSION,
        tags,
        summary: `Upload an elevation file to plan on (multipart, field file): an SRTM .hgt tile (1 or 3 arc-second, named like N28E119.hgt) or a GeoTIFF in EPSG:4326, covering every depot and village, at most ${TERRAIN_MAX_BYTES / 1048576} MB`,
        operationId: 'uploadTerrain',
        consumes: ['multipart/form-data'],
        response: { 201: terrain },
      },
    },
    async (req, reply) => {
      const { file } = await readMultipart(req, TERRAIN_MAX_BYTES, terrainTooLarge);
      return reply.code(201).send(await uploadTerrain(app.db, storage, req.actor, { data: file.data, filename: file.filename || 'upload' }));
    },
  );
  app.post(
    '/logistics/terrain/bundled',
    { schema: { security: SESSION, tags, summary: 'Plan on the bundled elevation model again (the uploaded file is retired)', operationId: 'useBundledTerrain', response: { 200: terrain } } },
    async (req) => useBundledTerrain(app.db, req.actor),
  );
};
