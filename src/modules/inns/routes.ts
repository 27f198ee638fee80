import multipart from '@fastify/multipart';
import type { FastifyPluginAsync, FastifyRequest } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { paymentStartReply, refundView } from '../payments/index.ts';
import { isValidDate } from './dates.ts';
import { cancelAndRefund, startBookingPayment } from './payments.ts';
import { ROOM_TYPES } from './schema.ts';
import { PHOTO_MAX_BYTES, photoTooLarge } from '../../server/images.ts';
import { badRequest, Problem } from '../../server/problems.ts';
import { storageFor } from '../../server/storage.ts';
import * as inns from './service.ts';
import { readMultipart } from '../../server/multipart.ts';
import { PUBLIC, SESSION, binary, noContent, searchQuery } from '../../server/openapi.ts';

// ---- replies: what each route answers (the serializer and the OpenAPI document use them) ----
/** A room as its row reads. */
const roomReply = z.object({
  id: z.string(),
  innId: z.string(),
  name: z.string(),
  nameEn: z.string().nullable().describe("The room's name in English as entered; null when none was"),
  namePinyin: z.string(),
  type: z.enum(['single', 'double', 'twin', 'family', 'suite', 'dorm']),
  capacity: z.number(),
  beds: z.string(),
  description: z.string(),
  nightlyFen: z.number(),
  weekendFen: z.number().nullable(),
});
const listInnsReply = z.array(z.object({
  photoId: z.string().nullable(),
  fromFen: z.number().nullable(),
  roomCount: z.number(),
  rating: z.number().nullable(),
  reviewCount: z.number(),
  id: z.string(),
  orgId: z.string(),
  unitId: z.string(),
  name: z.string(),
  nameEn: z.string().nullable().describe('The name in English as entered; null when none was'),
  namePinyin: z.string().describe('The name in pinyin, shown to English readers'),
  storyAfter: z.string(),
  amenities: z.array(z.string()),
  photos: z.array(z.string()),
}));
const searchInnsReply = z.object({
  checkIn: z.string(),
  checkOut: z.string(),
  nights: z.number(),
  inns: z.array(z.object({
    id: z.string(),
    name: z.string(),
    nameEn: z.string().nullable(),
    namePinyin: z.string(),
    unitId: z.string(),
    storyAfter: z.string(),
    photoId: z.string().nullable(),
    rooms: z.array(roomReply.extend({ totalFen: z.number() })),
  })),
});
/** An inn as its row reads: what the innkeeper's list and a new inn answer. */
const innRowReply = z.object({
  id: z.string(),
  name: z.string(),
  nameEn: z.string().nullable(),
  countyId: z.string(),
  lon: z.number().nullable(),
  lat: z.number().nullable(),
  createdAt: z.date(),
  unitId: z.string(),
  orgId: z.string(),
  buildingIds: z.array(z.string()),
  storyBefore: z.string(),
  storyAfter: z.string(),
  amenities: z.array(z.string()),
  photos: z.array(z.string()),
  houseRules: z.string(),
  address: z.string(),
  fullRefundDays: z.number(),
  partialRefundDays: z.number(),
  partialRefundPercent: z.number(),
  holdMinutes: z.number(),
});
const myInnsReply = z.array(innRowReply.extend({ namePinyin: z.string().describe('The name in pinyin, shown to English readers without an English name') }));
const getInnReply = z.object({
  gallery: z.array(z.object({
    id: z.string(),
    roomId: z.string().nullable(),
    caption: z.string(),
    width: z.number(),
    height: z.number(),
  })),
  rooms: z.array(roomReply),
  reviews: z.array(z.object({ id: z.string(), rating: z.number(), body: z.string(), createdAt: z.date() })),
  buildings: z.array(z.union([z.object({
    id: z.string(),
    name: z.string().nullable(),
    type: z.enum(['workshop', 'dwelling', 'ancestral_hall', 'temple', 'bridge', 'well', 'pavilion', 'tea_house', 'school', 'gate', 'pagoda', 'other']),
    era: z.string(),
    buildYear: z.number().nullable(),
    protectionLevel: z.enum(['county', 'national', 'provincial', 'listed', 'none']),
    structure: z.string(),
    materials: z.string(),
    notes: z.string(),
    history: z.array(z.object({ grade: z.number(), assessedOn: z.string() })),
    photos: z.array(z.object({ id: z.string(), caption: z.string() })),
  }), z.object({
    id: z.string(),
    name: z.null(),
    type: z.undefined().optional(),
    era: z.undefined().optional(),
    buildYear: z.undefined().optional(),
    protectionLevel: z.undefined().optional(),
    structure: z.undefined().optional(),
    materials: z.undefined().optional(),
    notes: z.undefined().optional(),
    history: z.undefined().optional(),
    photos: z.undefined().optional(),
  })])),
  id: z.string(),
  orgId: z.string(),
  unitId: z.string(),
  name: z.string(),
  nameEn: z.string().nullable().describe('The name in English as entered; null when none was'),
  namePinyin: z.string().describe('The name in pinyin, shown to English readers'),
  buildingIds: z.array(z.string()),
  storyBefore: z.string(),
  storyAfter: z.string(),
  amenities: z.array(z.string()),
  photos: z.array(z.string()),
  houseRules: z.string(),
  address: z.string(),
  lon: z.number().nullable(),
  lat: z.number().nullable(),
  fullRefundDays: z.number(),
  partialRefundDays: z.number(),
  partialRefundPercent: z.number(),
  holdMinutes: z.number(),
});
const roomAvailabilityReply = z.object({
  room: roomReply,
  nights: z.array(z.object({ date: z.string(), fen: z.number(), available: z.boolean() })),
});
const quoteStayReply = z.object({ nights: z.array(z.object({ date: z.string(), fen: z.number() })), totalFen: z.number() });
const createInn201Reply = innRowReply;
const updateInnReply = innRowReply;
const addRoom201Reply = roomReply;
const addInnPhoto201Reply = z.object({
  id: z.string(),
  innId: z.string(),
  roomId: z.string().nullable(),
  caption: z.string(),
  bytes: z.number(),
  width: z.number(),
  height: z.number(),
});
const listRatesReply = z.array(z.object({
  id: z.string(),
  countyId: z.string(),
  roomId: z.string(),
  name: z.string(),
  startDate: z.string(),
  endDate: z.string(),
  nightlyFen: z.number(),
  weekendFen: z.number().nullable(),
  createdAt: z.date(),
}));
const addSeasonalRate201Reply = z.object({
  id: z.string(),
  name: z.string(),
  countyId: z.string(),
  createdAt: z.date(),
  nightlyFen: z.number(),
  weekendFen: z.number().nullable(),
  roomId: z.string(),
  startDate: z.string(),
  endDate: z.string(),
});
const addClosure201Reply = z.object({
  id: z.string(),
  countyId: z.string(),
  createdAt: z.date(),
  amountFen: z.number(),
  status: z.enum(['held', 'confirmed', 'checked_in', 'completed', 'cancelled', 'expired', 'blocked']),
  paymentId: z.string().nullable(),
  innId: z.string(),
  roomId: z.string(),
  guestId: z.string().nullable(),
  checkIn: z.string(),
  checkOut: z.string(),
  guests: z.number(),
  blockSource: z.enum(['closure', 'ical']).nullable(),
  note: z.string(),
  externalUid: z.string().nullable(),
  refundFen: z.number(),
  holdExpiresAt: z.date().nullable(),
  confirmedAt: z.date().nullable(),
  cancelledAt: z.date().nullable(),
  checkedInAt: z.date().nullable(),
  checkedOutAt: z.date().nullable(),
});
const roomCalendarTokenReply = z.object({ token: z.string() });
const importRoomCalendarReply = z.object({
  imported: z.number(),
  conflicts: z.array(z.object({ uid: z.string(), start: z.string(), end: z.string() })),
  skipped: z.number(),
});
const hostCalendarReply = z.object({
  inn: z.object({ id: z.string(), name: z.string(), nameEn: z.string().nullable(), namePinyin: z.string() }),
  from: z.string(),
  to: z.string(),
  today: z.string(),
  rooms: z.array(roomReply.extend({ icalToken: z.string() })),
  bookings: z.array(z.object({
    id: z.string(),
    roomId: z.string(),
    checkIn: z.string(),
    checkOut: z.string(),
    status: z.enum(['held', 'confirmed', 'checked_in', 'completed', 'cancelled', 'expired', 'blocked']),
    blockSource: z.string().nullable(),
    guests: z.number(),
    amountFen: z.number(),
    refundFen: z.number(),
    note: z.string(),
    guestName: z.string().nullable(),
  })),
});
const hostStatsReply = z.object({
  year: z.number(),
  rooms: z.number(),
  months: z.array(z.object({
    month: z.string(),
    soldNights: z.number(),
    openNights: z.number(),
    occupancy: z.number(),
    revenueFen: z.number(),
  })),
});
const holdBooking201Reply = z.object({
  id: z.string(),
  innId: z.string(),
  roomId: z.string(),
  checkIn: z.string(),
  checkOut: z.string(),
  guests: z.number(),
  status: z.enum(['held', 'confirmed', 'checked_in', 'completed', 'cancelled', 'expired', 'blocked']),
  amountFen: z.number(),
  refundFen: z.number(),
  paymentId: z.string().nullable(),
  holdExpiresAt: z.date().nullable(),
  createdAt: z.date(),
});
const myBookingsReply = z.array(z.object({
  innName: z.string(),
  roomName: z.string(),
  reviewed: z.boolean(),
  refunds: z.array(refundView),
  id: z.string(),
  innId: z.string(),
  roomId: z.string(),
  checkIn: z.string(),
  checkOut: z.string(),
  guests: z.number(),
  status: z.enum(['held', 'confirmed', 'checked_in', 'completed', 'cancelled', 'expired', 'blocked']),
  amountFen: z.number(),
  refundFen: z.number(),
  paymentId: z.string().nullable(),
  holdExpiresAt: z.date().nullable(),
  createdAt: z.date(),
}));
const getBookingReply = z.object({
  innName: z.string(),
  roomName: z.string(),
  holdActive: z.boolean(),
  id: z.string(),
  innId: z.string(),
  roomId: z.string(),
  checkIn: z.string(),
  checkOut: z.string(),
  guests: z.number(),
  status: z.enum(['held', 'confirmed', 'checked_in', 'completed', 'cancelled', 'expired', 'blocked']),
  amountFen: z.number(),
  refundFen: z.number(),
  paymentId: z.string().nullable(),
  holdExpiresAt: z.date().nullable(),
  createdAt: z.date(),
});
const startBookingPaymentReply = paymentStartReply;
const cancelAndRefundReply = z.object({
  refundIssued: z.boolean(),
  booking: z.object({
    id: z.string(),
    innId: z.string(),
    roomId: z.string(),
    checkIn: z.string(),
    checkOut: z.string(),
    guests: z.number(),
    status: z.enum(['held', 'confirmed', 'checked_in', 'completed', 'cancelled', 'expired', 'blocked']),
    amountFen: z.number(),
    refundFen: z.number(),
    paymentId: z.string().nullable(),
    holdExpiresAt: z.date().nullable(),
    createdAt: z.date(),
  }),
  refundFen: z.number(),
  paymentId: z.string().nullable(),
});
const addReview201Reply = z.object({
  body: z.string(),
  id: z.string(),
  countyId: z.string(),
  createdAt: z.date(),
  innId: z.string(),
  guestId: z.string(),
  bookingId: z.string(),
  rating: z.number(),
});


const day = z.string().refine(isValidDate, 'A date as YYYY-MM-DD');
const idParams = z.strictObject({ id: z.uuid() });
const fen = z.number().int().min(1).max(100_000_000);
const text = (max: number) => z.string().max(max);
const innFields = {
  name: z.string().trim().min(1).max(120).optional(),
  nameEn: z.string().trim().max(120).nullish().describe('The name in English (optional; English readers see the pinyin without it)'),
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
  nameEn: z.string().trim().max(80).nullish().describe("The room's name in English (optional; English readers see the pinyin without it)"),
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
  // Inns written before inns were searchable get their search text once.
  app.addHook('onReady', async () => {
    await inns.backfillInnSearch(app.db);
  });
  await app.register(multipart, { throwFileSizeLimit: true, limits: { fileSize: PHOTO_MAX_BYTES, files: 1 } });
  const storage = storageFor(app.config);

  // ---- public ----
  app.get(
    '/inns',
    { schema: { tags: ['inns'], summary: 'Inns, optionally in one village; q searches the name (Chinese, pinyin, initials), stories and address', querystring: z.strictObject({ unitId: z.uuid().optional(), q: searchQuery }), operationId: 'listInns', security: PUBLIC, response: { 200: listInnsReply } } },
    async (request) => inns.listInns(app.db, request.query),
  );

  app.get(
    '/inns/search',
    {
      schema: {
        tags: ['inns'],
        summary: 'Rooms free for a stay [checkIn, checkOut) in a village, for a number of guests',
        querystring: z.strictObject({ unitId: z.uuid().optional(), q: searchQuery, checkIn: day, checkOut: day, guests: z.coerce.number().int().min(1).max(50).default(2) }), operationId: 'searchInns', security: PUBLIC, response: { 200: searchInnsReply },
      },
    },
    async (request) => inns.search(app.db, request.query),
  );

  app.get('/inns/mine', { schema: { tags: ['inns'], summary: 'The inns the signed-in user runs', operationId: 'myInns', security: SESSION, response: { 200: myInnsReply } } }, async (request) => inns.myInns(app.db, request.actor));

  app.get('/inns/:id', { schema: { tags: ['inns'], summary: 'An inn: story, rules, policy, rooms, reviews', params: idParams, operationId: 'getInn', security: PUBLIC, response: { 200: getInnReply } } }, async (request) =>
    inns.getInn(app.db, request.params.id),
  );

  app.get(
    '/inns/rooms/:id/availability',
    { schema: { tags: ['inns'], summary: 'Each night of [from, to): free or not, and its price', params: idParams, querystring: z.strictObject({ from: day, to: day }), operationId: 'roomAvailability', security: PUBLIC, response: { 200: roomAvailabilityReply } } },
    async (request) => inns.roomAvailability(app.db, request.params.id, request.query.from, request.query.to),
  );

  app.get(
    '/inns/rooms/:id/quote',
    { schema: { tags: ['inns'], params: idParams, querystring: z.strictObject({ checkIn: day, checkOut: day }), summary: 'Price a stay in a room for given dates', operationId: 'quoteStay', security: PUBLIC, response: { 200: quoteStayReply } } },
    async (request) => inns.quoteStay(app.db, request.params.id, request.query.checkIn, request.query.checkOut),
  );

  app.get(
    '/inns/ical/:token',
    { schema: { tags: ['inns'], summary: 'A room\'s occupied nights as iCalendar (secret URL)', params: z.strictObject({ token: z.string().regex(/^[A-Za-z0-9_-]{10,64}(\.ics)?$/) }), operationId: 'exportRoomCalendar', security: PUBLIC, response: { 200: binary('text/calendar; charset=utf-8') } } },
    async (request, reply) => {
      const body = await inns.exportRoomCalendar(app.db, request.params.token.replace(/\.ics$/, ''));
      return reply.type('text/calendar; charset=utf-8').header('cache-control', 'no-store').send(body);
    },
  );

  // ---- host ----
  app.post(
    '/inns',
    { schema: { tags: ['inns'], summary: 'Open the inn of an organization of kind inn', body: z.strictObject({ orgId: z.uuid(), ...innFields }), operationId: 'createInn', security: SESSION, response: { 201: createInn201Reply } } },
    async (request, reply) => reply.code(201).send(await inns.createInn(app.db, request.actor, request.body)),
  );

  app.patch(
    '/inns/:id',
    { schema: { tags: ['inns'], params: idParams, body: z.strictObject(innFields).refine(nonEmpty, 'Give at least one field to change'), summary: 'Host: edit an inn', operationId: 'updateInn', security: SESSION, response: { 200: updateInnReply } } },
    async (request) => inns.updateInn(app.db, request.actor, request.params.id, request.body),
  );

  app.post(
    '/inns/:id/rooms',
    { schema: { tags: ['inns'], params: idParams, body: z.strictObject(roomFields), summary: 'Host: add a room', operationId: 'addRoom', security: SESSION, response: { 201: addRoom201Reply } } },
    async (request, reply) => reply.code(201).send(await inns.addRoom(app.db, request.actor, request.params.id, request.body)),
  );

  app.patch(
    '/inns/rooms/:id',
    { schema: { tags: ['inns'], params: idParams, body: z.strictObject(roomFields).partial().refine(nonEmpty, 'Give at least one field to change'), summary: 'Host: edit a room', operationId: 'updateRoom', security: SESSION, response: { 200: addRoom201Reply } } },
    async (request) => inns.updateRoom(app.db, request.actor, request.params.id, request.body),
  );

  app.delete('/inns/rates/:id', { schema: { tags: ['inns'], summary: 'Remove a seasonal rate', params: idParams, operationId: 'removeSeasonalRate', security: SESSION, response: { 204: noContent } } }, async (request, reply) => {
    await inns.removeSeasonalRate(app.db, request.actor, request.params.id);
    return reply.code(204).send();
  });

  // ---- photos ----
  app.post(
    '/inns/:id/photos',
    { schema: { tags: ['inns'], params: idParams, consumes: ['multipart/form-data'], summary: 'Upload a JPEG, PNG or WebP photo of the inn (field "file", optional "caption" and "roomId")', operationId: 'addInnPhoto', security: SESSION, response: { 201: addInnPhoto201Reply } } },
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
    { schema: { tags: ['inns'], params: idParams, querystring: z.strictObject({ size: z.enum(['thumb', 'full']).default('full') }), summary: 'An inn photo (size=thumb for the small WebP)', operationId: 'getInnPhoto', security: PUBLIC, response: { 200: binary('image/jpeg', 'image/png', 'image/webp') } } },
    async (request, reply) => {
      const p = await inns.getInnPhoto(app.db, storage, request.params.id, request.query.size);
      return reply.type(p.contentType).header('x-content-type-options', 'nosniff').header('cache-control', 'public, max-age=86400').send(p.data);
    },
  );

  app.delete('/inns/photos/:id', { schema: { tags: ['inns'], params: idParams, summary: 'Host: remove an inn photo', operationId: 'removeInnPhoto', security: SESSION, response: { 204: noContent } } }, async (request, reply) => {
    await inns.removeInnPhoto(app.db, storage, request.actor, request.params.id);
    return reply.code(204).send();
  });

  app.get('/inns/rooms/:id/rates', { schema: { tags: ['inns'], params: idParams, summary: 'Seasonal rates of a room', operationId: 'listRates', security: PUBLIC, response: { 200: listRatesReply } } }, async (request) => inns.listRates(app.db, request.params.id));

  app.post(
    '/inns/rooms/:id/rates',
    {
      schema: {
        tags: ['inns'],
        summary: 'A seasonal rate for the nights [startDate, endDate)',
        params: idParams,
        body: z.strictObject({ name: text(60).optional(), startDate: day, endDate: day, nightlyFen: fen, weekendFen: fen.nullable().optional() }), operationId: 'addSeasonalRate', security: SESSION, response: { 201: addSeasonalRate201Reply },
      },
    },
    async (request, reply) => reply.code(201).send(await inns.addSeasonalRate(app.db, request.actor, request.params.id, request.body)),
  );

  app.post(
    '/inns/rooms/:id/closures',
    { schema: { tags: ['inns'], summary: 'Close a room for the nights [checkIn, checkOut)', params: idParams, body: z.strictObject({ checkIn: day, checkOut: day, note: text(200).optional() }), operationId: 'addClosure', security: SESSION, response: { 201: addClosure201Reply } } },
    async (request, reply) => reply.code(201).send(await inns.addClosure(app.db, request.actor, request.params.id, request.body)),
  );

  app.delete('/inns/blocks/:id', { schema: { tags: ['inns'], summary: 'Reopen a closed or imported range', params: idParams, operationId: 'removeBlock', security: SESSION, response: { 204: noContent } } }, async (request, reply) => {
    await inns.removeBlock(app.db, request.actor, request.params.id);
    return reply.code(204).send();
  });

  app.get('/inns/rooms/:id/ical-token', { schema: { tags: ['inns'], params: idParams, summary: 'Host: the secret iCal export link of a room', operationId: 'roomCalendarToken', security: SESSION, response: { 200: roomCalendarTokenReply } } }, async (request) =>
    inns.roomCalendarToken(app.db, request.actor, request.params.id),
  );

  app.post(
    '/inns/rooms/:id/ical-import',
    { schema: { tags: ['inns'], summary: 'Block the nights of an external calendar (replaces the previous import)', params: idParams, body: z.strictObject({ ics: z.string().min(1).max(500_000) }), operationId: 'importRoomCalendar', security: SESSION, response: { 200: importRoomCalendarReply } } },
    async (request) => inns.importRoomCalendar(app.db, request.actor, request.params.id, request.body.ics),
  );

  app.get(
    '/inns/:id/calendar',
    { schema: { tags: ['inns'], summary: 'The host calendar of [from, to)', params: idParams, querystring: z.strictObject({ from: day, to: day }), operationId: 'hostCalendar', security: SESSION, response: { 200: hostCalendarReply } } },
    async (request) => inns.hostCalendar(app.db, request.actor, request.params.id, request.query.from, request.query.to),
  );

  app.get(
    '/inns/:id/stats',
    { schema: { tags: ['inns'], summary: 'Occupancy and revenue per month', params: idParams, querystring: z.strictObject({ year: z.coerce.number().int().min(2000).max(2100) }), operationId: 'hostStats', security: SESSION, response: { 200: hostStatsReply } } },
    async (request) => inns.hostStats(app.db, request.actor, request.params.id, request.query.year),
  );

  // ---- bookings ----
  app.post(
    '/inns/bookings',
    {
      schema: {
        tags: ['inns'],
        summary: 'Hold a room for [checkIn, checkOut) while paying; 409 if any night is taken',
        body: z.strictObject({ roomId: z.uuid(), checkIn: day, checkOut: day, guests: z.number().int().min(1).max(50) }), operationId: 'holdBooking', security: SESSION, response: { 201: holdBooking201Reply },
      },
    },
    async (request, reply) => reply.code(201).send(await inns.holdBooking(app.db, request.actor, request.body)),
  );

  app.get('/inns/bookings/mine', { schema: { tags: ['inns'], summary: 'My bookings', operationId: 'myBookings', security: SESSION, response: { 200: myBookingsReply } } }, async (request) => inns.myBookings(app.db, request.actor));

  app.get('/inns/bookings/:id', { schema: { tags: ['inns'], params: idParams, summary: 'A booking (its guest or host)', operationId: 'getBooking', security: SESSION, response: { 200: getBookingReply } } }, async (request) => inns.getBooking(app.db, request.actor, request.params.id));

  app.post('/inns/bookings/:id/pay', { schema: { tags: ['inns'], summary: 'Start paying a held booking', params: idParams, operationId: 'startBookingPayment', security: SESSION, response: { 200: startBookingPaymentReply } } }, async (request) =>
    startBookingPayment(app.db, request.actor, request.params.id),
  );

  app.post('/inns/bookings/:id/cancel', { schema: { tags: ['inns'], summary: 'Cancel; the refund follows the inn\'s policy', params: idParams, operationId: 'cancelAndRefund', security: SESSION, response: { 200: cancelAndRefundReply } } }, async (request) =>
    cancelAndRefund(app.db, request.actor, request.params.id),
  );

  app.post('/inns/bookings/:id/check-in', { schema: { tags: ['inns'], params: idParams, summary: 'Host: check the guest in', operationId: 'checkInBooking', security: SESSION, response: { 200: holdBooking201Reply } } }, async (request) =>
    inns.checkInBooking(app.db, request.actor, request.params.id),
  );

  app.post('/inns/bookings/:id/check-out', { schema: { tags: ['inns'], params: idParams, summary: 'Host: check the guest out', operationId: 'checkOutBooking', security: SESSION, response: { 200: holdBooking201Reply } } }, async (request) =>
    inns.checkOutBooking(app.db, request.actor, request.params.id),
  );

  app.post(
    '/inns/bookings/:id/review',
    { schema: { tags: ['inns'], summary: 'Review a completed stay', params: idParams, body: z.strictObject({ rating: z.number().int().min(1).max(5), body: text(2_000).default('') }), operationId: 'addReview', security: SESSION, response: { 201: addReview201Reply } } },
    async (request, reply) => reply.code(201).send(await inns.addReview(app.db, request.actor, request.params.id, request.body)),
  );
};
