// Apprenticeship details over HTTP: photos of training sessions, skill milestones, and workshops visitors book.
import multipart from '@fastify/multipart';
import type { FastifyPluginAsync } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { PHOTO_MAX_BYTES, photoTooLarge } from '../../server/images.ts';
import { readMultipart } from '../../server/multipart.ts';
import { binary, noContent, PUBLIC, SESSION } from '../../server/openapi.ts';
import { badRequest } from '../../server/problems.ts';
import { storageFor } from '../../server/storage.ts';
import { apprenticeProgress, artisanReply, day, fen, idParams, milestoneReply, text } from './route-schemas.ts';
import { WORKSHOP_BOOKING_STATUSES, WORKSHOP_STATUSES } from './schema.ts';
import * as training from './training.ts';
import * as workshops from './workshops.ts';

const workshop = z.object({
  id: z.uuid(),
  artisanId: z.uuid(),
  master: z.string(),
  craft: z.string(),
  title: z.string(),
  description: z.string(),
  startsAt: z.string(),
  minutes: z.number(),
  seats: z.number(),
  seatsLeft: z.number(),
  priceFen: z.number(),
  status: z.enum(WORKSHOP_STATUSES),
});
const booking = z.object({ id: z.uuid(), workshopId: z.uuid(), seats: z.number(), status: z.enum(WORKSHOP_BOOKING_STATUSES), workshop });

export const apprenticeshipRoutes: FastifyPluginAsync = async (base) => {
  const app = base.withTypeProvider<ZodTypeProvider>();
  const tags = ['people'];
  await app.register(multipart, { throwFileSizeLimit: true, limits: { fileSize: PHOTO_MAX_BYTES, files: 1 } });
  const storage = storageFor(app.config);

  app.get(
    '/people/artisans/:id/workshop',
    {
      schema: {
        tags,
        operationId: 'artisanWorkshop',
        security: SESSION,
        summary: 'A master’s apprentices, their sessions with photos, and their milestones (the master, or officials)',
        params: idParams,
        response: {
          200: artisanReply.extend({ apprentices: z.array(apprenticeProgress.extend({ name: z.string(), motivation: z.string() })) }),
        },
      },
    },
    async (request) => training.workshopWithProgress(app.db, request.actor, request.params.id),
  );
  app.get(
    '/people/apprenticeships/:id',
    {
      schema: {
        tags,
        operationId: 'apprenticeshipProgress',
        security: SESSION,
        summary: 'An apprenticeship’s sessions with photos and its milestones (the apprentice, the master, or officials)',
        params: idParams,
        response: { 200: apprenticeProgress },
      },
    },
    async (request) => training.myApprenticeship(app.db, request.actor, request.params.id),
  );

  // ---- session photos ----
  app.post(
    '/people/training-sessions/:id/photos',
    {
      schema: {
        tags,
        operationId: 'addSessionPhoto',
        security: SESSION,
        consumes: ['multipart/form-data'],
        summary: 'Upload a JPEG, PNG or WebP photo of a training session (field "file", optional "caption"; the master, or officials)',
        params: idParams,
        response: { 201: z.object({ id: z.uuid(), sessionId: z.uuid(), caption: z.string(), width: z.number(), height: z.number() }) },
      },
    },
    async (request, reply) => {
      const { fields, file } = await readMultipart(request, PHOTO_MAX_BYTES, photoTooLarge);
      const caption = (fields.caption ?? '').trim();
      if (caption.length > 200) throw badRequest('caption', 'At most 200 characters');
      return reply.code(201).send(await training.addSessionPhoto(app.db, storage, request.actor, request.params.id, { data: file.data, declaredType: file.mimetype, caption }));
    },
  );
  app.get(
    '/people/session-photos/:id',
    {
      schema: {
        tags,
        operationId: 'getSessionPhoto',
        security: SESSION,
        summary: 'A training session’s photo (size=thumb for the small WebP; the apprentice, the master, or officials)',
        params: idParams,
        querystring: z.strictObject({ size: z.enum(['thumb', 'full']).default('full') }),
        response: { 200: binary('image/jpeg', 'image/png', 'image/webp') },
      },
    },
    async (request, reply) => {
      const p = await training.getSessionPhoto(app.db, storage, request.actor, request.params.id, request.query.size);
      return reply.type(p.contentType).header('x-content-type-options', 'nosniff').header('cache-control', 'private, max-age=3600').send(p.data);
    },
  );
  app.delete(
    '/people/session-photos/:id',
    { schema: { tags, operationId: 'removeSessionPhoto', security: SESSION, summary: 'Remove a training session’s photo (the master, or officials)', params: idParams, response: { 204: noContent } } },
    async (request, reply) => {
      await training.removeSessionPhoto(app.db, storage, request.actor, request.params.id);
      return reply.code(204).send();
    },
  );

  // ---- milestones ----
  app.post(
    '/people/apprenticeships/:id/milestones',
    {
      schema: {
        tags,
        operationId: 'recordMilestone',
        security: SESSION,
        summary: 'Record a skill the apprentice has mastered, once per skill (the master, or officials)',
        params: idParams,
        body: z.strictObject({ skill: text(80, 1), reachedOn: day, note: text(1000).optional() }),
        response: { 201: milestoneReply },
      },
    },
    async (request, reply) => reply.code(201).send(await training.recordMilestone(app.db, request.actor, request.params.id, request.body)),
  );

  // ---- workshops visitors book ----
  app.get(
    '/people/workshops',
    { schema: { tags, operationId: 'upcomingWorkshops', security: PUBLIC, summary: 'Workshops to come that visitors may book, with the seats left (public)', response: { 200: z.array(workshop) } } },
    async () => workshops.upcomingWorkshops(app.db),
  );
  app.post(
    '/people/artisans/:id/workshops',
    {
      schema: {
        tags,
        operationId: 'openWorkshop',
        security: SESSION,
        summary: 'Open a workshop to visitors, with its seats and price in fen, paid at the workshop (the master, or officials)',
        params: idParams,
        body: z.strictObject({
          title: text(120, 2),
          description: text(4000).optional(),
          startsAt: z.iso.datetime({ offset: true }),
          minutes: z.number().int().min(15).max(1440),
          seats: z.number().int().min(1).max(200),
          priceFen: fen,
        }),
        response: { 201: workshop },
      },
    },
    async (request, reply) => reply.code(201).send(await workshops.openWorkshop(app.db, request.actor, request.params.id, request.body)),
  );
  app.get(
    '/people/artisans/:id/workshops',
    {
      schema: {
        tags,
        operationId: 'masterWorkshops',
        security: SESSION,
        summary: 'A master’s workshops and who booked them (the master, or officials)',
        params: idParams,
        response: { 200: z.array(workshop.extend({ bookings: z.array(z.object({ id: z.uuid(), name: z.string(), seats: z.number() })) })) },
      },
    },
    async (request) => workshops.masterWorkshops(app.db, request.actor, request.params.id),
  );
  app.post(
    '/people/workshops/:id/bookings',
    {
      schema: {
        tags,
        operationId: 'bookWorkshop',
        security: SESSION,
        summary: 'Book seats at a workshop (anyone signed in); refused once the seats are taken',
        params: idParams,
        body: z.strictObject({ seats: z.number().int().min(1).max(20), name: text(60, 1) }),
        response: { 201: booking },
      },
    },
    async (request, reply) => reply.code(201).send(await workshops.bookWorkshop(app.db, request.actor, request.params.id, request.body)),
  );
  app.post(
    '/people/workshops/:id/cancel',
    { schema: { tags, operationId: 'cancelWorkshop', security: SESSION, summary: 'Cancel a workshop and every booking of it (the master, or officials)', params: idParams, response: { 200: workshop } } },
    async (request) => workshops.cancelWorkshop(app.db, request.actor, request.params.id),
  );
  app.get(
    '/people/workshop-bookings',
    { schema: { tags, operationId: 'myWorkshopBookings', security: SESSION, summary: 'The signed-in visitor’s workshop bookings', response: { 200: z.array(booking) } } },
    async (request) => workshops.myBookings(app.db, request.actor),
  );
  app.post(
    '/people/workshop-bookings/:id/cancel',
    { schema: { tags, operationId: 'cancelWorkshopBooking', security: SESSION, summary: 'Cancel a booking, freeing its seats (the visitor, the master, or officials)', params: idParams, response: { 200: booking } } },
    async (request) => workshops.cancelBooking(app.db, request.actor, request.params.id),
  );
};
