import { eventStream, SESSION } from '../../server/openapi.ts';
import type { FastifyPluginAsync } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { streamJobEvents } from '../../server/job-events.ts';
import { closeStop, dispatchPlan, getPlan } from './dispatch.ts';
import { createDepot, createVehicle, listDepots, listVehicles, updateDepot, updateVehicle } from './fleet.ts';
import { listPlans, planRun, startPlan } from './planning.ts';
import { createRequest, listRequests, updateRequest } from './requests.ts';
import { DEPOT_KINDS, PLAN_STATUSES, PROOF_KINDS, REQUEST_KINDS, REQUEST_SOURCES, REQUEST_STATUSES, STOP_STATUSES, VEHICLE_KINDS } from './schema.ts';
import { logisticsOpsRoutes, planFigures, THREADS } from './routes-ops.ts';
import { UNSERVED_REASONS } from './build.ts';
import { closeRoutingPool } from './solver-pool/pool.ts';

const tags = ['logistics'];
const idParams = z.strictObject({ id: z.uuid() });
/** Text without NUL (PostgreSQL refuses it). */
const text = (max: number) => z.string().trim().max(max).refine((s) => !s.includes('\u0000'), 'No NUL characters');
const day = z.iso.date();
const minute = z.number().int().min(0).max(1440);
const kg = z.number().positive().max(10_000);

const depotFields = {
  name: text(120).min(1),
  kind: z.enum(DEPOT_KINDS),
  unitId: z.uuid(),
  lon: z.number().min(-180).max(180),
  lat: z.number().min(-90).max(90),
  opensMin: minute.optional(),
  closesMin: minute.optional(),
};
const depot = z.object({ id: z.uuid(), name: z.string(), kind: z.enum(DEPOT_KINDS), unitId: z.uuid(), lon: z.number(), lat: z.number(), opensMin: z.number(), closesMin: z.number(), active: z.boolean(), createdAt: z.date().optional() });

const vehicleFields = {
  depotId: z.uuid(),
  name: text(120).min(1),
  kind: z.enum(VEHICLE_KINDS),
  capacityKg: kg,
  speedKmh: z.number().positive().max(300),
  batteryWh: z.number().positive().max(100_000).nullable().optional(),
  whPerKm: z.number().positive().max(10_000).nullable().optional(),
  whPerKmKg: z.number().min(0).max(1_000).nullable().optional(),
  massKg: z.number().positive().max(10_000).nullable().optional(),
  reloadMin: z.number().int().min(0).max(600).optional(),
};
const num = z.number().nullable();
const vehicle = z.object({
  id: z.uuid(),
  depotId: z.uuid(),
  name: z.string(),
  kind: z.enum(VEHICLE_KINDS),
  capacityKg: z.number(),
  speedKmh: z.number(),
  batteryWh: num,
  whPerKm: num,
  whPerKmKg: num,
  massKg: num,
  reloadMin: z.number(),
  active: z.boolean(),
  createdAt: z.date().optional(),
});

const requestFields = {
  villageId: z.uuid(),
  serviceDate: day,
  weightKg: kg,
  windowStartMin: minute,
  windowEndMin: minute,
  recipient: text(120).optional(),
  note: text(1000).optional(),
  kind: z.enum(REQUEST_KINDS).optional(),
  priority: z.number().int().min(0).max(2).optional(),
};
const request = z.object({
  id: z.uuid(),
  villageId: z.uuid(),
  lon: z.number(),
  lat: z.number(),
  serviceDate: z.string(),
  weightKg: z.number(),
  windowStartMin: z.number(),
  windowEndMin: z.number(),
  recipient: z.string(),
  note: z.string(),
  kind: z.enum(REQUEST_KINDS),
  source: z.enum(REQUEST_SOURCES),
  priority: z.number(),
  marketOrderId: z.uuid().nullable(),
  status: z.enum(REQUEST_STATUSES),
  villageName: z.string().optional(),
  createdBy: z.uuid().nullable().optional(),
  createdAt: z.date().optional(),
});
const nonEmpty = (b: object) => Object.keys(b).length > 0;

const trip = z.object({
  departAt: z.string(),
  returnAt: z.string(),
  energyWh: z.number().optional(),
  batteryWh: z.number().optional(),
  profile: z.array(z.tuple([z.number(), z.number(), z.number()])).optional(),
  stops: z.array(z.object({ requestId: z.uuid(), arriveAt: z.string(), loadKg: z.number() })),
});
const planResult = z.object({
  cost: z.number().optional(),
  roadKm: z.number().optional(),
  airKm: z.number().optional(),
  routes: z
    .array(
      z.object({
        vehicleId: z.uuid(),
        name: z.string(),
        kind: z.enum(VEHICLE_KINDS),
        depotId: z.uuid(),
        distanceKm: z.number(),
        roadKmAvoided: z.number().optional(),
        trips: z.array(trip),
        path: z.array(z.tuple([z.number(), z.number()])),
      }),
    )
    .optional(),
  unserved: z.array(z.object({ requestId: z.uuid(), reason: z.enum(UNSERVED_REASONS) })).optional(),
  check: z.object({ feasible: z.boolean(), violations: z.array(z.string()) }).optional(),
  terrainCheck: z.object({ legs: z.number(), violations: z.array(z.string()), rejected: z.number().optional() }).optional(),
  droneLegs: z.object({ total: z.number(), blocked: z.number() }).optional(),
  figures: planFigures.optional(),
  roads: z.string().optional(),
  terrain: z.string().optional().meta({ description: 'The elevation model planned on: bundled, or the uploaded file’s name' }),
  settings: z.object({ ceilingM: z.number(), clearanceM: z.number(), heritageBufferM: z.number(), windingFactor: z.number(), roadMetresPerClimbMetre: z.number(), sampleM: z.number() }).optional(),
  solver: z.object({ iterations: z.number(), elapsedMs: z.number(), threads: z.number().optional() }).optional(),
});
const planSummary = z.object({
  id: z.uuid(),
  serviceDate: z.string(),
  status: z.enum(PLAN_STATUSES),
  jobId: z.uuid().nullable(),
  createdAt: z.date(),
  solvedAt: z.date().nullable(),
  dispatchedAt: z.date().nullable(),
});
const plan = planSummary.extend({
  error: z.string().nullable(),
  result: planResult.nullable(),
  stops: z.array(
    z.object({
      id: z.uuid(),
      requestId: z.uuid(),
      vehicleId: z.uuid(),
      trip: z.number(),
      seq: z.number(),
      plannedAt: z.date(),
      loadKg: z.number(),
      status: z.enum(STOP_STATUSES),
      reason: z.string().nullable(),
      closedAt: z.date().nullable(),
      villageId: z.uuid(),
      villageName: z.string(),
      weightKg: z.number(),
      recipient: z.string(),
      kind: z.enum(REQUEST_KINDS),
      proofKind: z.enum(PROOF_KINDS).nullable(),
      keptFrom: z.uuid().nullable(),
    }),
  ),
  unserved: z.array(z.object({ requestId: z.uuid(), reason: z.enum(UNSERVED_REASONS), villageName: z.string(), weightKg: z.number(), priority: z.number() })),
});
const stopClosed = z.object({ id: z.uuid(), status: z.enum(STOP_STATUSES), reason: z.string().nullable(), closedAt: z.date().nullable(), proofKind: z.enum(PROOF_KINDS).nullable() });

/** Depots, fleet, delivery requests, day plans solved as jobs, dispatch and delivery (logistics operators). */
export const logisticsRoutes: FastifyPluginAsync = async (base) => {
  const app = base.withTypeProvider<ZodTypeProvider>();
  app.addHook('onClose', async () => closeRoutingPool());
  await app.register(logisticsOpsRoutes);

  app.get('/logistics/depots', { schema: { security: SESSION, tags, summary: 'The county’s depots', operationId: 'listDepots', response: { 200: z.array(depot) } } }, async (request) =>
    listDepots(app.db, request.actor),
  );
  app.post('/logistics/depots', { schema: { security: SESSION, tags, summary: 'Add a depot', operationId: 'createDepot', body: z.strictObject(depotFields), response: { 201: depot } } }, async (request, reply) =>
    reply.code(201).send(await createDepot(app.db, request.actor, request.body)),
  );
  app.patch(
    '/logistics/depots/:id',
    {
      schema: { security: SESSION,
        tags,
        summary: 'Change or retire a depot',
        operationId: 'updateDepot',
        params: idParams,
        body: z.strictObject({ ...z.strictObject(depotFields).partial().shape, active: z.boolean().optional() }).refine(nonEmpty, 'Nothing to change'),
        response: { 200: depot },
      },
    },
    async (request) => updateDepot(app.db, request.actor, request.params.id, request.body),
  );

  app.get('/logistics/vehicles', { schema: { security: SESSION, tags, summary: 'The county’s fleet', operationId: 'listVehicles', response: { 200: z.array(vehicle) } } }, async (request) =>
    listVehicles(app.db, request.actor),
  );
  app.post('/logistics/vehicles', { schema: { security: SESSION, tags, summary: 'Add a van or a drone', operationId: 'createVehicle', body: z.strictObject(vehicleFields), response: { 201: vehicle } } }, async (request, reply) =>
    reply.code(201).send(await createVehicle(app.db, request.actor, request.body)),
  );
  const { kind: _kind, ...vehiclePatch } = vehicleFields;
  app.patch(
    '/logistics/vehicles/:id',
    {
      schema: { security: SESSION,
        tags,
        summary: 'Change or retire a vehicle',
        operationId: 'updateVehicle',
        params: idParams,
        body: z.strictObject({ ...z.strictObject(vehiclePatch).partial().shape, active: z.boolean().optional() }).refine(nonEmpty, 'Nothing to change'),
        response: { 200: vehicle },
      },
    },
    async (request) => updateVehicle(app.db, request.actor, request.params.id, request.body),
  );

  app.get(
    '/logistics/requests',
    { schema: { security: SESSION, tags, summary: 'Delivery requests, optionally of one day', operationId: 'listDeliveryRequests', querystring: z.strictObject({ date: day.optional() }), response: { 200: z.array(request.extend({ villageName: z.string() })) } } },
    async (req) => listRequests(app.db, req.actor, req.query),
  );
  app.post(
    '/logistics/requests',
    { schema: { security: SESSION, tags, summary: 'Add a delivery request', operationId: 'createDeliveryRequest', body: z.strictObject(requestFields), response: { 201: request } } },
    async (req, reply) => reply.code(201).send(await createRequest(app.db, req.actor, req.body)),
  );
  app.patch(
    '/logistics/requests/:id',
    {
      schema: { security: SESSION,
        tags,
        summary: 'Change or cancel a delivery request',
        operationId: 'updateDeliveryRequest',
        params: idParams,
        body: z.strictObject({ ...z.strictObject(requestFields).partial().shape, status: z.enum(REQUEST_STATUSES).optional() }).refine(nonEmpty, 'Nothing to change'),
        response: { 200: request },
      },
    },
    async (req) => updateRequest(app.db, req.actor, req.params.id, req.body),
  );

  app.get(
    '/logistics/plans',
    { schema: { security: SESSION, tags, summary: 'Day plans, newest first', operationId: 'listPlans', querystring: z.strictObject({ date: day.optional() }), response: { 200: z.array(planSummary) } } },
    async (req) => listPlans(app.db, req.actor, req.query),
  );
  app.post(
    '/logistics/plans',
    {
      schema: { security: SESSION,
        tags,
        summary: 'Plan a day in a worker thread; follow /logistics/jobs/{jobId}/events',
        operationId: 'planDay',
        body: z.strictObject({
          serviceDate: day,
          timeLimitMs: z.number().int().min(200).max(120_000).optional(),
          threads: THREADS,
          settings: z.strictObject({ ceilingM: z.number().min(10).max(1_000).optional(), clearanceM: z.number().min(5).max(500).optional(), heritageBufferM: z.number().min(0).max(5_000).optional() }).optional(),
        }),
        response: { 202: z.object({ planId: z.uuid(), jobId: z.uuid() }) },
      },
    },
    async (req, reply) => reply.code(202).send(await startPlan(app.db, app.jobs, req.actor, req.body)),
  );
  app.get('/logistics/plans/:id', { schema: { security: SESSION, tags, summary: 'A plan with its routes and stops', operationId: 'getPlan', params: idParams, response: { 200: plan } } }, async (req) =>
    getPlan(app.db, req.actor, req.params.id),
  );
  app.post(
    '/logistics/plans/:id/dispatch',
    { schema: { security: SESSION, tags, summary: 'Dispatch a ready plan', operationId: 'dispatchPlan', params: idParams, response: { 200: z.object({ id: z.uuid(), status: z.enum(PLAN_STATUSES), dispatchedAt: z.date().nullable() }) } } },
    async (req) => dispatchPlan(app.db, req.actor, req.params.id),
  );
  app.post(
    '/logistics/plans/:id/stops/:stopId',
    {
      schema: { security: SESSION,
        tags,
        summary: 'Mark a stop picked up, delivered (optionally with the scanned label’s QR code as proof), or failed with a reason',
        operationId: 'closeStop',
        params: z.strictObject({ id: z.uuid(), stopId: z.uuid() }),
        body: z.discriminatedUnion('status', [
          z.strictObject({ status: z.literal('picked_up') }),
          z.strictObject({ status: z.literal('delivered'), qr: text(200).min(1).optional() }),
          z.strictObject({ status: z.literal('failed'), reason: text(500).min(1) }),
        ]),
        response: { 200: stopClosed },
      },
    },
    async (req) => closeStop(app.db, req.actor, req.params.id, req.params.stopId, req.body),
  );
  app.get(
    '/logistics/jobs/:id/events',
    { schema: { tags, summary: 'Server-Sent Events: planning progress, then the result', operationId: 'planEvents', params: idParams, security: SESSION, response: { 200: eventStream } } },
    async (req, reply) => streamJobEvents(req, reply, app.jobs, await planRun(app.db, app.jobs, req.actor, req.params.id)),
  );
};
