import multipart from '@fastify/multipart';
import type { FastifyPluginAsync, FastifyRequest } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { isValidDate } from './dates.ts';
import { cancelAndRefund, startBookingPayment } from './payments.ts';
import { ROOM_TYPES } from './schema.ts';
import { PHOTO_MAX_BYTES, photoTooLarge } from '../../server/images.ts';
import { badRequest, Problem } from '../../server/problems.ts';
import { storageFor } from '../../server/storage.ts';
import * as inns from './service.ts';
import { readMultipart } from '../../server/multipart.ts';

const day = z.string().refine(isValidDate, 'A date as YYYY-MM-DD');
const idParams = z.strictObject({ id: z.uuid() });
const fen = z.number().int().min(1).max(100_000_000);
const text = (max: number) => z.string().max(max);
const innFields = {
  name: z.string().trim().min(1).max(120).optional(),
  buildingIds: z.array(z.uuid()).max(20).optional(),
  storyBefore: text(20_000).optional(),
  storyAfter: text(20_000).optional(),
  amenities: z.array(z.string().trim().min(1).max(40)).max(40).optional(),
  photos: z.array(z.string().max(500)).max(40).optional(),
  houseRules: text(5_000).optional(),
  address: text(300).optional(),
  lon: z.number().min(-180).max(180).nullable().optional(),
  lat: z.number().min(-90).max(90).nullable().optional(),
  fullRefundDays: z.number().int().min(0).max(365).optional(),
  partialRefundDays: z.number().int().min(0).max(365).optional(),
  partialRefundPercent: z.number().int().min(0).max(100).optional(),
  holdMinutes: z.number().int().min(1).max(1440).optional(),
};
const roomFields = {
  name: z.string().trim().min(1).max(60),
  type: z.enum(ROOM_TYPES),
  capacity: z.number().int().min(1).max(50),
  beds: text(120).optional(),
  description: text(5_000).optional(),
  nightlyFen: fen,
  weekendFen: fen.nullable().optional(),
};
const nonEmpty = (b: object) => Object.keys(b).length > 0;

export const innsRoutes: FastifyPluginAsync = async (base) => {
  const app = base.withTypeProvider<ZodTypeProvider>();
  await app.register(multipart, { throwFileSizeLimit: true, limits: { fileSize: PHOTO_MAX_BYTES, files: 1 } });
  const storage = storageFor(app.config);

  // ---- public ----
  app.get(
    '/inns',
    { schema: { tags: ['inns'], summary: 'Inns, optionally in one village', querystring: z.strictObject({ unitId: z.uuid().optional() }) } },
    async (request) => inns.listInns(app.db, request.query),
  );

  app.get(
    '/inns/search',
    {
      schema: {
        tags: ['inns'],
        summary: 'Rooms free for a stay [checkIn, checkOut) in a village, for a number of guests',
        querystring: z.strictObject({ unitId: z.uuid().optional(), checkIn: day, checkOut: day, guests: z.coerce.number().int().min(1).max(50).default(2) }),
      },
    },
    async (request) => inns.search(app.db, request.query),
  );

  app.get('/inns/mine', { schema: { tags: ['inns'], summary: 'The inns the signed-in user runs' } }, async (request) => inns.myInns(app.db, request.actor));

  app.get('/inns/:id', { schema: { tags: ['inns'], summary: 'An inn: story, rules, policy, rooms, reviews', params: idParams } }, async (request) =>
    inns.getInn(app.db, request.params.id),
  );

  app.get(
    '/inns/rooms/:id/availability',
    { schema: { tags: ['inns'], summary: 'Each night of [from, to): free or not, and its price', params: idParams, querystring: z.strictObject({ from: day, to: day }) } },
    async (request) => inns.roomAvailability(app.db, request.params.id, request.query.from, request.query.to),
  );

  app.get(
    '/inns/rooms/:id/quote',
    { schema: { tags: ['inns'], params: idParams, querystring: z.strictObject({ checkIn: day, checkOut: day }) } },
    async (request) => inns.quoteStay(app.db, request.params.id, request.query.checkIn, request.query.checkOut),
  );

  app.get(
    '/inns/ical/:token',
    { schema: { tags: ['inns'], summary: 'A room\'s occupied nights as iCalendar (secret URL)', params: z.strictObject({ token: z.string().regex(/^[A-Za-z0-9_-]{10,64}(\.ics)?$/) }) } },
    async (request, reply) => {
      const body = await inns.exportRoomCalendar(app.db, request.params.token.replace(/\.ics$/, ''));
      return reply.type('text/calendar; charset=utf-8').header('cache-control', 'no-store').send(body);
    },
  );

  // ---- host ----
  app.post(
    '/inns',
    { schema: { tags: ['inns'], summary: 'Open the inn of an organization of kind inn', body: z.strictObject({ orgId: z.uuid(), ...innFields }) } },
    async (request, reply) => reply.code(201).send(await inns.createInn(app.db, request.actor, request.body)),
  );

  app.patch(
    '/inns/:id',
    { schema: { tags: ['inns'], params: idParams, body: z.strictObject(innFields).refine(nonEmpty, 'Give at least one field to change') } },
    async (request) => inns.updateInn(app.db, request.actor, request.params.id, request.body),
  );

  app.post(
    '/inns/:id/rooms',
    { schema: { tags: ['inns'], params: idParams, body: z.strictObject(roomFields) } },
    async (request, reply) => reply.code(201).send(await inns.addRoom(app.db, request.actor, request.params.id, request.body)),
  );

  app.patch(
    '/inns/rooms/:id',
    { schema: { tags: ['inns'], params: idParams, body: z.strictObject(roomFields).partial().refine(nonEmpty, 'Give at least one field to change') } },
    async (request) => inns.updateRoom(app.db, request.actor, request.params.id, request.body),
  );

  app.delete('/inns/rates/:id', { schema: { tags: ['inns'], summary: 'Remove a seasonal rate', params: idParams } }, async (request, reply) => {
    await inns.removeSeasonalRate(app.db, request.actor, request.params.id);
    return reply.code(204).send();
  });

  // ---- photos ----
  app.post(
    '/inns/:id/photos',
    { schema: { tags: ['inns'], params: idParams, consumes: ['multipart/form-data'], summary: 'Upload a JPEG, PNG or WebP photo of the inn (field "file", optional "caption" and "roomId")' } },
    async (request, reply) => {
      const { fields, file } = await readMultipart(request, PHOTO_MAX_BYTES, photoTooLarge);
      const caption = (fields.caption ?? '').trim();
      if (caption.length > 200) throw badRequest('caption', 'At most 200 characters');
      const roomId = fields.roomId?.trim() || undefined;
      if (roomId && !z.uuid().safeParse(roomId).success) throw badRequest('roomId', 'Not a room id');
      const photo = await inns.addInnPhoto(app.db, storage, request.actor, request.params.id, { data: file.data, declaredType: file.mimetype, caption, roomId });
      return reply.code(201).send(photo);
    },
  );

  app.get(
    '/inns/photos/:id',
    { schema: { tags: ['inns'], params: idParams, querystring: z.strictObject({ size: z.enum(['thumb', 'full']).default('full') }) } },
    async (request, reply) => {
      const p = await inns.getInnPhoto(app.db, storage, request.params.id, request.query.size);
      return reply.type(p.contentType).header('x-content-type-options', 'nosniff').header('cache-control', 'public, max-age=86400').send(p.data);
    },
  );

  app.delete('/inns/photos/:id', { schema: { tags: ['inns'], params: idParams } }, async (request, reply) => {
    await inns.removeInnPhoto(app.db, storage, request.actor, request.params.id);
    return reply.code(204).send();
  });

  app.get('/inns/rooms/:id/rates', { schema: { tags: ['inns'], params: idParams } }, async (request) => inns.listRates(app.db, request.params.id));

  app.post(
    '/inns/rooms/:id/rates',
    {
      schema: {
        tags: ['inns'],
        summary: 'A seasonal rate for the nights [startDate, endDate)',
        params: idParams,
        body: z.strictObject({ name: text(60).optional(), startDate: day, endDate: day, nightlyFen: fen, weekendFen: fen.nullable().optional() }),
      },
    },
    async (request, reply) => reply.code(201).send(await inns.addSeasonalRate(app.db, request.actor, request.params.id, request.body)),
  );

  app.post(
    '/inns/rooms/:id/closures',
    { schema: { tags: ['inns'], summary: 'Close a room for the nights [checkIn, checkOut)', params: idParams, body: z.strictObject({ checkIn: day, checkOut: day, note: text(200).optional() }) } },
    async (request, reply) => reply.code(201).send(await inns.addClosure(app.db, request.actor, request.params.id, request.body)),
  );

  app.delete('/inns/blocks/:id', { schema: { tags: ['inns'], summary: 'Reopen a closed or imported range', params: idParams } }, async (request, reply) => {
    await inns.removeBlock(app.db, request.actor, request.params.id);
    return reply.code(204).send();
  });

  app.get('/inns/rooms/:id/ical-token', { schema: { tags: ['inns'], params: idParams } }, async (request) =>
    inns.roomCalendarToken(app.db, request.actor, request.params.id),
  );

  app.post(
    '/inns/rooms/:id/ical-import',
    { schema: { tags: ['inns'], summary: 'Block the nights of an external calendar (replaces the previous import)', params: idParams, body: z.strictObject({ ics: z.string().min(1).max(500_000) }) } },
    async (request) => inns.importRoomCalendar(app.db, request.actor, request.params.id, request.body.ics),
  );

  app.get(
    '/inns/:id/calendar',
    { schema: { tags: ['inns'], summary: 'The host calendar of [from, to)', params: idParams, querystring: z.strictObject({ from: day, to: day }) } },
    async (request) => inns.hostCalendar(app.db, request.actor, request.params.id, request.query.from, request.query.to),
  );

  app.get(
    '/inns/:id/stats',
    { schema: { tags: ['inns'], summary: 'Occupancy and revenue per month', params: idParams, querystring: z.strictObject({ year: z.coerce.number().int().min(2000).max(2100) }) } },
    async (request) => inns.hostStats(app.db, request.actor, request.params.id, request.query.year),
  );

  // ---- bookings ----
  app.post(
    '/inns/bookings',
    {
      schema: {
        tags: ['inns'],
        summary: 'Hold a room for [checkIn, checkOut) while paying; 409 if any night is taken',
        body: z.strictObject({ roomId: z.uuid(), checkIn: day, checkOut: day, guests: z.number().int().min(1).max(50) }),
      },
    },
    async (request, reply) => reply.code(201).send(await inns.holdBooking(app.db, request.actor, request.body)),
  );

  app.get('/inns/bookings/mine', { schema: { tags: ['inns'] } }, async (request) => inns.myBookings(app.db, request.actor));

  app.get('/inns/bookings/:id', { schema: { tags: ['inns'], params: idParams } }, async (request) => inns.getBooking(app.db, request.actor, request.params.id));

  app.post('/inns/bookings/:id/pay', { schema: { tags: ['inns'], summary: 'Start paying a held booking', params: idParams } }, async (request) =>
    startBookingPayment(app.db, request.actor, request.params.id),
  );

  app.post('/inns/bookings/:id/cancel', { schema: { tags: ['inns'], summary: 'Cancel; the refund follows the inn\'s policy', params: idParams } }, async (request) =>
    cancelAndRefund(app.db, request.actor, request.params.id),
  );

  app.post('/inns/bookings/:id/check-in', { schema: { tags: ['inns'], params: idParams } }, async (request) =>
    inns.checkInBooking(app.db, request.actor, request.params.id),
  );

  app.post('/inns/bookings/:id/check-out', { schema: { tags: ['inns'], params: idParams } }, async (request) =>
    inns.checkOutBooking(app.db, request.actor, request.params.id),
  );

  app.post(
    '/inns/bookings/:id/review',
    { schema: { tags: ['inns'], summary: 'Review a completed stay', params: idParams, body: z.strictObject({ rating: z.number().int().min(1).max(5), body: text(2_000).default('') }) } },
    async (request, reply) => reply.code(201).send(await inns.addReview(app.db, request.actor, request.params.id, request.body)),
  );
};
