import { randomBytes } from 'node:crypto';
import { and, asc, desc, eq, gt, gte, inArray, lt, sql } from 'drizzle-orm';
import { queryRows, type Db } from '../../db/handle.ts';
import { badRequest, conflict, forbidden, notFound, Problem } from '../../server/problems.ts';
import { recordAudit } from '../../server/audit.ts';
import { authorize, requireActor, type Actor } from '../governance/index.ts';
import { listOrganizations } from '../governance/index.ts';
import { getBuilding } from '../atlas/index.ts';
import { notify } from '../notifications/index.ts';
import { addDays, daysBetween, hotelDate, isValidDate, monthStart, nextMonth, nightsOf } from './dates.ts';
import { parseCalendar, writeCalendar } from './ical.ts';
import { quote, refundFor, type SeasonalRate } from './pricing.ts';
import { ACTIVE_STATUSES, bookings, innPhotos, inns, reviews, rooms, seasonalRates, type BookingStatus, type RoomType } from './schema.ts';
import { storeImage } from '../../server/images.ts';
import type { FileStorage } from '../../server/storage.ts';

/** The clock the module reads "now" from; tests move it to just before and after midnight. */
export const innsClock = { now: () => new Date() };
export const today = () => hotelDate(innsClock.now());

export const MAX_NIGHTS = 30;
export const BOOKING_HORIZON_DAYS = 366;

export type Inn = typeof inns.$inferSelect;
export type Room = typeof rooms.$inferSelect;
export type Booking = typeof bookings.$inferSelect;

/** A held row whose hold has run out occupies nothing, even before the sweeper marks it expired. */
const occupying = (alias = 'b') =>
  sql`${sql.raw(`${alias}.status in (${ACTIVE_STATUSES.map((s) => `'${s}'`).join(', ')})`)} and not (${sql.raw(alias)}.status = 'held' and ${sql.raw(alias)}.hold_expires_at <= ${innsClock.now().toISOString()}::timestamptz)`;

/** True when a database error is the exclusion constraint refusing an overlap. */
function isOverlap(error: unknown): boolean {
  for (let e = error as { code?: string; cause?: unknown } | undefined; e; e = e.cause as typeof e) {
    if (e.code === '23P01') return true;
  }
  return false;
}

/**
 * Queues writers of one room's nights behind each other. The exclusion constraint alone is the invariant;
 * without this queue, many concurrent overlapping inserts on PostgreSQL wait on each other's uncommitted
 * rows and some end in deadlock_detected instead of a clean exclusion violation. `for no key update`
 * does not conflict with the key-share lock our own foreign key check takes.
 */
async function lockRoom(tx: Db, roomId: string) {
  await tx.select({ id: rooms.id }).from(rooms).where(eq(rooms.id, roomId)).for('no key update');
}

const unavailable = () => conflict('room_unavailable', 'The room is already booked or blocked for some of these nights');

// ---- dates ----

export function checkStay(checkIn: string, checkOut: string, opts: { allowPast?: boolean } = {}) {
  if (!isValidDate(checkIn)) throw badRequest('checkIn', 'Not a date (YYYY-MM-DD)');
  if (!isValidDate(checkOut)) throw badRequest('checkOut', 'Not a date (YYYY-MM-DD)');
  if (checkOut <= checkIn) throw badRequest('checkOut', 'Check-out must be after check-in');
  if (!opts.allowPast) {
    const t = today();
    if (checkIn < t) throw badRequest('checkIn', `Check-in is in the past (today is ${t} in Asia/Shanghai)`);
    if (daysBetween(t, checkIn) > BOOKING_HORIZON_DAYS) throw badRequest('checkIn', 'Too far ahead');
    if (daysBetween(checkIn, checkOut) > MAX_NIGHTS) throw badRequest('checkOut', `At most ${MAX_NIGHTS} nights`);
  }
}

// ---- inns ----

const publicRoom = (r: Room) => ({
  id: r.id,
  innId: r.innId,
  name: r.name,
  type: r.type,
  capacity: r.capacity,
  beds: r.beds,
  description: r.description,
  nightlyFen: r.nightlyFen,
  weekendFen: r.weekendFen,
});

async function innRow(db: Db, innId: string) {
  const [inn] = await db.select().from(inns).where(eq(inns.id, innId));
  if (!inn) throw notFound('Inn');
  return inn;
}

async function roomRow(db: Db, roomId: string) {
  const [row] = await db.select({ room: rooms, inn: inns }).from(rooms).innerJoin(inns, eq(inns.id, rooms.innId)).where(eq(rooms.id, roomId));
  if (!row) throw notFound('Room');
  return row;
}

export interface InnInput {
  name?: string;
  buildingIds?: string[];
  storyBefore?: string;
  storyAfter?: string;
  amenities?: string[];
  photos?: string[];
  houseRules?: string;
  address?: string;
  lon?: number | null;
  lat?: number | null;
  fullRefundDays?: number;
  partialRefundDays?: number;
  partialRefundPercent?: number;
  holdMinutes?: number;
}

/** Every linked building must exist in the Atlas (as the actor sees it) and stand in the inn's village. */
async function checkBuildings(db: Db, actor: Actor | null, ids: string[] | undefined, unitId: string) {
  for (const [i, id] of (ids ?? []).entries()) {
    let building: Awaited<ReturnType<typeof getBuilding>>;
    try {
      building = await getBuilding(db, actor, id);
    } catch (error) {
      if (error instanceof Problem && error.status === 404) throw badRequest(`body/buildingIds/${i}`, 'No such building in the Atlas');
      throw error;
    }
    if (building.villageId !== unitId) throw badRequest(`body/buildingIds/${i}`, 'The building stands in another village');
  }
}

/** The Atlas record of each linked house, as the public sees it; a building the public cannot see is only its id. */
async function houseRecords(db: Db, ids: string[]) {
  const out = [];
  for (const id of ids) {
    try {
      const b = await getBuilding(db, null, id);
      out.push({
        id,
        name: b.name as string | null,
        type: b.type,
        era: b.era,
        buildYear: b.buildYear,
        protectionLevel: b.protectionLevel,
        structure: b.structure,
        materials: b.materials,
        notes: b.notes,
        history: b.history.map((h) => ({ grade: h.grade, assessedOn: h.assessedOn })),
        photos: b.photos.map((p) => ({ id: p.id, caption: p.caption })),
      });
    } catch (error) {
      if (!(error instanceof Problem) || error.status !== 404) throw error;
      out.push({ id, name: null });
    }
  }
  return out;
}

function checkPolicy(p: { fullRefundDays: number; partialRefundDays: number }) {
  if (p.partialRefundDays > p.fullRefundDays) throw badRequest('body/partialRefundDays', 'Must not be more than fullRefundDays');
}

/** Opens an inn for an organization of kind 'inn'; the organization's unit is the inn's village. */
export async function createInn(db: Db, actor: Actor | null, input: InnInput & { orgId: string }) {
  const who = await authorize(db, actor, 'inns.manage', { orgId: input.orgId });
  const org = (await listOrganizations(db, { kind: 'inn' })).find((o) => o.id === input.orgId);
  if (!org) throw badRequest('body/orgId', 'Not an organization of kind inn');
  checkPolicy({ fullRefundDays: input.fullRefundDays ?? 7, partialRefundDays: input.partialRefundDays ?? 2 });
  await checkBuildings(db, who, input.buildingIds, org.unitId);
  return db.transaction(async (tx) => {
    const [existing] = await tx.select({ id: inns.id }).from(inns).where(eq(inns.orgId, input.orgId));
    if (existing) throw conflict('inn_exists', 'This organization already has an inn', { field: 'body/orgId' });
    const [inn] = await tx
      .insert(inns)
      .values({ ...input, name: input.name ?? org.name, countyId: who.countyId, unitId: org.unitId })
      .returning();
    await recordAudit(tx, who, { action: 'inn.create', entity: 'inn', entityId: inn.id, details: { orgId: input.orgId } });
    return inn;
  });
}

export async function updateInn(db: Db, actor: Actor | null, innId: string, patch: InnInput) {
  const inn = await innRow(db, innId);
  const who = await authorize(db, actor, 'inns.manage', { orgId: inn.orgId });
  checkPolicy({ fullRefundDays: patch.fullRefundDays ?? inn.fullRefundDays, partialRefundDays: patch.partialRefundDays ?? inn.partialRefundDays });
  await checkBuildings(db, who, patch.buildingIds, inn.unitId);
  return db.transaction(async (tx) => {
    const [after] = await tx.update(inns).set(patch).where(eq(inns.id, innId)).returning();
    await recordAudit(tx, who, { action: 'inn.update', entity: 'inn', entityId: innId, details: { fields: Object.keys(patch) } });
    return after;
  });
}

/** Inns, optionally in one village, with their rooms' lowest price and average rating. */
export async function listInns(db: Db, filter: { unitId?: string }) {
  const rows = await db
    .select()
    .from(inns)
    .where(filter.unitId ? eq(inns.unitId, filter.unitId) : undefined)
    .orderBy(asc(inns.name));
  if (rows.length === 0) return [];
  const ids = rows.map((r) => r.id);
  const prices = await db
    .select({ innId: rooms.innId, fromFen: sql<number>`min(${rooms.nightlyFen})::int`, rooms: sql<number>`count(*)::int` })
    .from(rooms)
    .where(inArray(rooms.innId, ids))
    .groupBy(rooms.innId);
  const ratings = await db
    .select({ innId: reviews.innId, rating: sql<number>`avg(${reviews.rating})::float`, count: sql<number>`count(*)::int` })
    .from(reviews)
    .where(inArray(reviews.innId, ids))
    .groupBy(reviews.innId);
  const covers = await coverPhotos(db, ids);
  return rows.map((inn) => ({
    ...summary(inn),
    photoId: covers.get(inn.id) ?? null,
    fromFen: prices.find((p) => p.innId === inn.id)?.fromFen ?? null,
    roomCount: prices.find((p) => p.innId === inn.id)?.rooms ?? 0,
    rating: ratings.find((p) => p.innId === inn.id)?.rating ?? null,
    reviewCount: ratings.find((p) => p.innId === inn.id)?.count ?? 0,
  }));
}

const summary = (inn: Inn) => ({
  id: inn.id,
  orgId: inn.orgId,
  unitId: inn.unitId,
  name: inn.name,
  storyAfter: inn.storyAfter,
  amenities: inn.amenities,
  photos: inn.photos,
});

/** The full public page of an inn: story, rules, policy, rooms, building links, reviews. */
export async function getInn(db: Db, innId: string) {
  const inn = await innRow(db, innId);
  const roomRows = await db.select().from(rooms).where(eq(rooms.innId, innId)).orderBy(asc(rooms.nightlyFen), asc(rooms.name));
  const reviewRows = await db
    .select({ id: reviews.id, rating: reviews.rating, body: reviews.body, createdAt: reviews.createdAt })
    .from(reviews)
    .where(eq(reviews.innId, innId))
    .orderBy(desc(reviews.createdAt))
    .limit(50);
  const { countyId: _c, createdAt: _d, ...rest } = inn;
  const gallery = await db
    .select({ id: innPhotos.id, roomId: innPhotos.roomId, caption: innPhotos.caption, width: innPhotos.width, height: innPhotos.height })
    .from(innPhotos)
    .where(eq(innPhotos.innId, innId))
    .orderBy(asc(innPhotos.createdAt), asc(innPhotos.id));
  return { ...rest, gallery, rooms: roomRows.map(publicRoom), reviews: reviewRows, buildings: await houseRecords(db, inn.buildingIds) };
}

/** The inns the actor runs: innkeepers their organizations' inns; county and township officials those below them. */
export async function myInns(db: Db, actor: Actor | null) {
  const who = requireActor(actor);
  const all = await db.select().from(inns).where(eq(inns.countyId, who.countyId)).orderBy(asc(inns.name));
  const out: Inn[] = [];
  for (const inn of all) {
    try {
      await authorize(db, who, 'inns.manage', { orgId: inn.orgId });
      out.push(inn);
    } catch (error) {
      if (!(error instanceof Problem) || error.status !== 403) throw error;
    }
  }
  return out;
}

// ---- rooms and rates ----

export interface RoomInput {
  name: string;
  type: RoomType;
  capacity: number;
  beds?: string;
  description?: string;
  nightlyFen: number;
  weekendFen?: number | null;
}

export async function addRoom(db: Db, actor: Actor | null, innId: string, input: RoomInput) {
  const inn = await innRow(db, innId);
  const who = await authorize(db, actor, 'inns.manage', { orgId: inn.orgId });
  return db.transaction(async (tx) => {
    const [taken] = await tx.select({ id: rooms.id }).from(rooms).where(and(eq(rooms.innId, innId), eq(rooms.name, input.name)));
    if (taken) throw conflict('room_name_taken', 'The inn already has a room of this name', { field: 'body/name' });
    const [room] = await tx
      .insert(rooms)
      .values({ ...input, innId, countyId: inn.countyId, icalToken: randomBytes(18).toString('base64url') })
      .returning();
    await recordAudit(tx, who, { action: 'room.create', entity: 'inn_room', entityId: room.id, details: { innId } });
    return publicRoom(room);
  });
}

export async function updateRoom(db: Db, actor: Actor | null, roomId: string, patch: Partial<RoomInput>) {
  const { inn } = await roomRow(db, roomId);
  const who = await authorize(db, actor, 'inns.manage', { orgId: inn.orgId });
  return db.transaction(async (tx) => {
    if (patch.name !== undefined) {
      const [taken] = await tx.select({ id: rooms.id }).from(rooms).where(and(eq(rooms.innId, inn.id), eq(rooms.name, patch.name)));
      if (taken && taken.id !== roomId) throw conflict('room_name_taken', 'The inn already has a room of this name', { field: 'body/name' });
    }
    const [room] = await tx.update(rooms).set(patch).where(eq(rooms.id, roomId)).returning();
    await recordAudit(tx, who, { action: 'room.update', entity: 'inn_room', entityId: roomId, details: { fields: Object.keys(patch) } });
    return publicRoom(room);
  });
}

export async function addSeasonalRate(
  db: Db,
  actor: Actor | null,
  roomId: string,
  input: { name?: string; startDate: string; endDate: string; nightlyFen: number; weekendFen?: number | null },
) {
  const { inn } = await roomRow(db, roomId);
  const who = await authorize(db, actor, 'inns.manage', { orgId: inn.orgId });
  checkStay(input.startDate, input.endDate, { allowPast: true });
  return db.transaction(async (tx) => {
    const [rate] = await tx.insert(seasonalRates).values({ ...input, roomId, countyId: inn.countyId }).returning();
    await recordAudit(tx, who, { action: 'room.rate', entity: 'inn_room', entityId: roomId, details: { rateId: rate.id } });
    return rate;
  });
}

/** Removes a seasonal rate; the room's own prices apply to its nights again. */
export async function removeSeasonalRate(db: Db, actor: Actor | null, rateId: string) {
  const [rate] = await db.select().from(seasonalRates).where(eq(seasonalRates.id, rateId));
  if (!rate) throw notFound('Seasonal rate');
  const { inn } = await roomRow(db, rate.roomId);
  const who = await authorize(db, actor, 'inns.manage', { orgId: inn.orgId });
  await db.transaction(async (tx) => {
    await tx.delete(seasonalRates).where(eq(seasonalRates.id, rateId));
    await recordAudit(tx, who, { action: 'room.rate_remove', entity: 'inn_room', entityId: rate.roomId, details: { rateId, startDate: rate.startDate, endDate: rate.endDate } });
  });
}

// ---- photos ----

/** Stores a photo of an inn (or of one of its rooms) for the inn's innkeeper; the public sees it on the inn page. */
export async function addInnPhoto(
  db: Db,
  storage: FileStorage,
  actor: Actor | null,
  innId: string,
  file: { data: Buffer; declaredType: string; caption?: string; roomId?: string },
) {
  const inn = await innRow(db, innId);
  const who = await authorize(db, actor, 'inns.manage', { orgId: inn.orgId });
  if (file.roomId) {
    const [room] = await db.select({ id: rooms.id }).from(rooms).where(and(eq(rooms.id, file.roomId), eq(rooms.innId, innId)));
    if (!room) throw badRequest('roomId', 'No such room in this inn');
  }
  const image = await storeImage(storage, 'inns', file);
  const { storageKey, thumbKey } = image;
  try {
    return await db.transaction(async (tx) => {
      const [p] = await tx
        .insert(innPhotos)
        .values({
          countyId: inn.countyId,
          innId,
          roomId: file.roomId ?? null,
          storageKey,
          thumbKey,
          contentType: image.contentType,
          bytes: image.bytes,
          width: image.width,
          height: image.height,
          caption: file.caption ?? '',
          uploadedBy: who.id,
        })
        .returning({ id: innPhotos.id, innId: innPhotos.innId, roomId: innPhotos.roomId, caption: innPhotos.caption, bytes: innPhotos.bytes, width: innPhotos.width, height: innPhotos.height });
      await recordAudit(tx, who, { action: 'inn.photo_add', entity: 'inn_photo', entityId: p.id, details: { innId, roomId: p.roomId, bytes: p.bytes } });
      return p;
    });
  } catch (error) {
    await Promise.all([storage.delete(storageKey), storage.delete(thumbKey)]);
    throw error;
  }
}

/** A photo's bytes (inn pages are public, and so are their photos). */
export async function getInnPhoto(db: Db, storage: FileStorage, photoId: string, size: 'thumb' | 'full') {
  const [p] = await db.select().from(innPhotos).where(eq(innPhotos.id, photoId));
  if (!p) throw notFound('Photo');
  const data = await storage.get(size === 'thumb' ? p.thumbKey : p.storageKey);
  if (!data) throw notFound('Photo file');
  return { data, contentType: size === 'thumb' ? 'image/webp' : p.contentType };
}

/** Removes a photo and its files. */
export async function removeInnPhoto(db: Db, storage: FileStorage, actor: Actor | null, photoId: string) {
  const [p] = await db.select().from(innPhotos).where(eq(innPhotos.id, photoId));
  if (!p) throw notFound('Photo');
  const inn = await innRow(db, p.innId);
  const who = await authorize(db, actor, 'inns.manage', { orgId: inn.orgId });
  await db.transaction(async (tx) => {
    await tx.delete(innPhotos).where(eq(innPhotos.id, photoId));
    await recordAudit(tx, who, { action: 'inn.photo_remove', entity: 'inn_photo', entityId: photoId, details: { innId: p.innId } });
  });
  await Promise.all([storage.delete(p.storageKey), storage.delete(p.thumbKey)]);
}

/** The first photo of each inn (its cover), for lists and search results. */
async function coverPhotos(db: Db, innIds: string[]): Promise<Map<string, string>> {
  const map = new Map<string, string>();
  if (innIds.length === 0) return map;
  const rows = await db
    .select({ id: innPhotos.id, innId: innPhotos.innId })
    .from(innPhotos)
    .where(inArray(innPhotos.innId, innIds))
    .orderBy(asc(innPhotos.createdAt), asc(innPhotos.id));
  for (const r of rows) if (!map.has(r.innId)) map.set(r.innId, r.id);
  return map;
}

async function seasonsOf(db: Db, roomIds: string[]): Promise<Map<string, SeasonalRate[]>> {
  const map = new Map<string, SeasonalRate[]>();
  if (roomIds.length === 0) return map;
  const rows = await db.select().from(seasonalRates).where(inArray(seasonalRates.roomId, roomIds));
  for (const r of rows) map.set(r.roomId, [...(map.get(r.roomId) ?? []), r]);
  return map;
}

export async function listRates(db: Db, roomId: string) {
  await roomRow(db, roomId);
  return db.select().from(seasonalRates).where(eq(seasonalRates.roomId, roomId)).orderBy(asc(seasonalRates.startDate));
}

// ---- search and availability ----

/** Rooms free for every night of the stay and large enough, in one village or all; each with its price for the stay. */
export async function search(db: Db, input: { unitId?: string; checkIn: string; checkOut: string; guests: number; limit?: number }) {
  checkStay(input.checkIn, input.checkOut);
  // One round trip for the free rooms (each checked against the constraint's gist index), one for their seasons.
  const rows = await db
    .select({ innId: inns.id, innName: inns.name, unitId: inns.unitId, storyAfter: inns.storyAfter, room: rooms })
    .from(rooms)
    .innerJoin(inns, eq(inns.id, rooms.innId))
    .where(
      and(
        gte(rooms.capacity, input.guests),
        input.unitId ? eq(inns.unitId, input.unitId) : undefined,
        sql`not exists (
          select 1 from inn_bookings b
          where b.room_id = ${rooms.id} and b.stay && daterange(${input.checkIn}::date, ${input.checkOut}::date, '[)')
            and ${occupying('b')})`,
      ),
    )
    .orderBy(asc(inns.name), asc(rooms.nightlyFen))
    .limit(input.limit ?? 500);
  const seasons = await seasonsOf(db, rows.map((r) => r.room.id));
  const covers = await coverPhotos(db, [...new Set(rows.map((r) => r.innId))]);
  const byInn = new Map<string, { id: string; name: string; unitId: string; storyAfter: string; photoId: string | null; rooms: (ReturnType<typeof publicRoom> & { totalFen: number })[] }>();
  for (const r of rows) {
    const entry = byInn.get(r.innId) ?? { id: r.innId, name: r.innName, unitId: r.unitId, storyAfter: r.storyAfter, photoId: covers.get(r.innId) ?? null, rooms: [] };
    entry.rooms.push({ ...publicRoom(r.room), totalFen: quote(r.room, seasons.get(r.room.id) ?? [], input.checkIn, input.checkOut).totalFen });
    byInn.set(r.innId, entry);
  }
  return { checkIn: input.checkIn, checkOut: input.checkOut, nights: daysBetween(input.checkIn, input.checkOut), inns: [...byInn.values()] };
}

/** Each night in [from, to) of a room: free or not, and its price. */
export async function roomAvailability(db: Db, roomId: string, from: string, to: string) {
  checkStay(from, to, { allowPast: true });
  if (daysBetween(from, to) > 400) throw badRequest('to', 'At most 400 days');
  const { room } = await roomRow(db, roomId);
  const busy = await queryRows<{ check_in: string; check_out: string }>(
    db,
    sql`select to_char(b.check_in, 'YYYY-MM-DD') as check_in, to_char(b.check_out, 'YYYY-MM-DD') as check_out from inn_bookings b
        where b.room_id = ${roomId} and b.stay && daterange(${from}::date, ${to}::date, '[)') and ${occupying('b')}`,
  );
  const seasons = (await seasonsOf(db, [roomId])).get(roomId) ?? [];
  const t = today();
  const q = quote(room, seasons, from, to);
  return {
    room: publicRoom(room),
    nights: q.nights.map((n) => ({
      date: n.date,
      fen: n.fen,
      available: n.date >= t && !busy.some((b) => b.check_in <= n.date && n.date < b.check_out),
    })),
  };
}

export async function quoteStay(db: Db, roomId: string, checkIn: string, checkOut: string) {
  checkStay(checkIn, checkOut);
  const { room } = await roomRow(db, roomId);
  return quote(room, (await seasonsOf(db, [roomId])).get(roomId) ?? [], checkIn, checkOut);
}

// ---- bookings ----

const guestView = (b: Booking) => ({
  id: b.id,
  innId: b.innId,
  roomId: b.roomId,
  checkIn: b.checkIn,
  checkOut: b.checkOut,
  guests: b.guests,
  status: b.status,
  amountFen: b.amountFen,
  refundFen: b.refundFen,
  paymentId: b.paymentId,
  holdExpiresAt: b.holdExpiresAt,
  createdAt: b.createdAt,
});
export type BookingView = ReturnType<typeof guestView>;

/** Each hold the platform expires is audited like a person's change (actor: none). */
async function auditExpiredHolds(tx: Db, rows: { id: string; countyId: string }[]) {
  for (const r of rows) await recordAudit(tx, { id: null, countyId: r.countyId }, { action: 'booking.expire', entity: 'booking', entityId: r.id });
}

/** Marks held rows whose hold ran out as expired: the sweeper runs it every minute; holding a room runs it for that room. */
export async function expireHolds(db: Db, roomId?: string): Promise<number> {
  const now = innsClock.now();
  return db.transaction(async (tx) => {
    const rows = await tx
      .update(bookings)
      .set({ status: 'expired' })
      .where(and(eq(bookings.status, 'held'), lt(bookings.holdExpiresAt, now), roomId ? eq(bookings.roomId, roomId) : undefined))
      .returning({ id: bookings.id, countyId: bookings.countyId });
    await auditExpiredHolds(tx, rows);
    return rows.length;
  });
}

/**
 * Holds a room for the nights [checkIn, checkOut) while the guest pays. The exclusion constraint decides
 * races: of any number of overlapping holds at once, exactly one commits; the others are a 409.
 */
export async function holdBooking(db: Db, actor: Actor | null, input: { roomId: string; checkIn: string; checkOut: string; guests: number }) {
  const who = requireActor(actor);
  checkStay(input.checkIn, input.checkOut);
  const { room, inn } = await roomRow(db, input.roomId);
  if (input.guests > room.capacity) throw badRequest('body/guests', `The room sleeps at most ${room.capacity}`);
  const seasons = (await seasonsOf(db, [room.id])).get(room.id) ?? [];
  const { totalFen } = quote(room, seasons, input.checkIn, input.checkOut);
  const now = innsClock.now();
  try {
    return await db.transaction(async (tx) => {
      await lockRoom(tx, room.id);
      const expired = await tx
        .update(bookings)
        .set({ status: 'expired' })
        .where(and(eq(bookings.roomId, room.id), eq(bookings.status, 'held'), lt(bookings.holdExpiresAt, now)))
        .returning({ id: bookings.id, countyId: bookings.countyId });
      await auditExpiredHolds(tx, expired);
      const [booking] = await tx
        .insert(bookings)
        .values({
          countyId: inn.countyId,
          innId: inn.id,
          roomId: room.id,
          guestId: who.id,
          checkIn: input.checkIn,
          checkOut: input.checkOut,
          guests: input.guests,
          status: 'held',
          amountFen: totalFen,
          holdExpiresAt: new Date(now.getTime() + inn.holdMinutes * 60_000),
        })
        .returning();
      await recordAudit(tx, who, { action: 'booking.hold', entity: 'inn_booking', entityId: booking.id, details: { roomId: room.id, checkIn: input.checkIn, checkOut: input.checkOut } });
      return guestView(booking);
    });
  } catch (error) {
    if (isOverlap(error)) throw unavailable();
    throw error;
  }
}

/**
 * The payment for a booking succeeded: the hold becomes a confirmed stay. Runs inside the payment's
 * transaction, exactly once per payment; idempotent anyway. A hold that expired before the money came is
 * revived if the nights are still free; if someone else has them, the booking stays expired and the
 * answer says a refund is due.
 */
export async function confirmPaidBooking(tx: Db, bookingId: string, paymentId: string): Promise<{ confirmed: boolean; refundDue: boolean }> {
  const [b] = await tx.select().from(bookings).where(eq(bookings.id, bookingId)).for('update');
  if (!b) throw notFound('Booking');
  if (b.paymentId === paymentId && b.status !== 'held' && b.status !== 'expired') return { confirmed: true, refundDue: false };
  if (b.status !== 'held' && b.status !== 'expired') return { confirmed: false, refundDue: true };
  try {
    await tx.transaction(async (sp) => {
      await sp.update(bookings).set({ status: 'confirmed', paymentId, confirmedAt: innsClock.now(), holdExpiresAt: null }).where(eq(bookings.id, bookingId));
    });
  } catch (error) {
    if (!isOverlap(error)) throw error;
    await tx.update(bookings).set({ status: 'expired', paymentId, note: 'paid_after_hold_lost' }).where(eq(bookings.id, bookingId));
    await recordAudit(tx, { id: null, countyId: b.countyId }, { action: 'booking.paid_too_late', entity: 'inn_booking', entityId: bookingId, details: { paymentId } });
    return { confirmed: false, refundDue: true };
  }
  await recordAudit(tx, { id: b.guestId, countyId: b.countyId }, { action: 'booking.confirm', entity: 'inn_booking', entityId: bookingId, details: { paymentId } });
  await tellInnkeeper(tx, b, 'booking.made');
  return { confirmed: true, refundDue: false };
}

/** Tells the inn's people of a booking made or cancelled (through the notifications module, in this transaction). */
async function tellInnkeeper(tx: Db, b: typeof bookings.$inferSelect, kind: 'booking.made' | 'booking.cancelled') {
  const [r] = await tx.select({ orgId: inns.orgId, room: rooms.name }).from(rooms).innerJoin(inns, eq(inns.id, rooms.innId)).where(eq(rooms.id, b.roomId));
  if (r) await notify(tx, { countyId: b.countyId, orgId: r.orgId, kind, params: { room: r.room, checkIn: b.checkIn, checkOut: b.checkOut }, link: '/inns/host' });
}

/** A refund recorded by the payment provider (e.g. issued by an admin there). */
export async function recordBookingRefund(tx: Db, bookingId: string, amountFen: number) {
  await tx
    .update(bookings)
    .set({ refundFen: sql`least(${bookings.amountFen}, ${bookings.refundFen} + ${amountFen})` })
    .where(eq(bookings.id, bookingId));
}

async function bookingFor(db: Db, actor: Actor | null, bookingId: string, mode: 'guest' | 'host' | 'either') {
  const who = requireActor(actor);
  const [b] = await db.select().from(bookings).where(eq(bookings.id, bookingId));
  if (!b) throw notFound('Booking');
  const inn = await innRow(db, b.innId);
  const isGuest = b.guestId === who.id;
  if (mode === 'guest' && !isGuest) throw notFound('Booking');
  let isHost = false;
  if (mode !== 'guest') {
    try {
      await authorize(db, who, 'inns.manage', { orgId: inn.orgId });
      isHost = true;
    } catch (error) {
      if (!(error instanceof Problem) || error.status !== 403) throw error;
    }
    if (mode === 'host' && !isHost) throw forbidden();
    if (mode === 'either' && !isHost && !isGuest) throw notFound('Booking');
  }
  return { who, b, inn, isHost, isGuest };
}

export async function getBooking(db: Db, actor: Actor | null, bookingId: string) {
  const { b, inn } = await bookingFor(db, actor, bookingId, 'either');
  const [room] = await db.select().from(rooms).where(eq(rooms.id, b.roomId));
  return { ...guestView(b), innName: inn.name, roomName: room.name, holdActive: b.status === 'held' && !!b.holdExpiresAt && b.holdExpiresAt > innsClock.now() };
}

/** The booking must still be held and the hold running, for a payment to start. */
export async function bookingForPayment(db: Db, actor: Actor | null, bookingId: string) {
  const { b, inn } = await bookingFor(db, actor, bookingId, 'guest');
  if (b.status !== 'held') throw conflict('booking_not_held', `The booking is ${b.status}, not waiting for payment`);
  if (!b.holdExpiresAt || b.holdExpiresAt <= innsClock.now()) throw conflict('hold_expired', 'The hold on this room has expired; book again');
  const [room] = await db.select().from(rooms).where(eq(rooms.id, b.roomId));
  return { booking: b, description: `${inn.name} · ${room.name} · ${b.checkIn} → ${b.checkOut}` };
}

export async function myBookings(db: Db, actor: Actor | null) {
  const who = requireActor(actor);
  const rows = await db
    .select({ b: bookings, innName: inns.name, roomName: rooms.name, reviewId: reviews.id })
    .from(bookings)
    .innerJoin(inns, eq(inns.id, bookings.innId))
    .innerJoin(rooms, eq(rooms.id, bookings.roomId))
    .leftJoin(reviews, eq(reviews.bookingId, bookings.id))
    .where(eq(bookings.guestId, who.id))
    .orderBy(desc(bookings.checkIn), desc(bookings.createdAt))
    .limit(200);
  return rows.map((r) => ({ ...guestView(r.b), innName: r.innName, roomName: r.roomName, reviewed: !!r.reviewId }));
}

export interface CancelOutcome {
  booking: BookingView;
  refundFen: number;
  paymentId: string | null;
}

/**
 * Cancels a hold or a confirmed stay. A guest gets back what the inn's policy gives for the days left
 * before check-in (hotel dates); when the inn cancels, the guest gets everything back. The caller issues
 * the refund through the payment provider after this commits.
 */
export async function cancelBooking(db: Db, actor: Actor | null, bookingId: string): Promise<CancelOutcome> {
  const { who, inn, isHost, isGuest } = await bookingFor(db, actor, bookingId, 'either');
  return db.transaction(async (tx) => {
    const [b] = await tx.select().from(bookings).where(eq(bookings.id, bookingId)).for('update');
    if (b.status !== 'held' && b.status !== 'confirmed') throw conflict('not_cancellable', `A ${b.status} booking cannot be cancelled`);
    const paid = b.status === 'confirmed' ? b.amountFen : 0;
    const refund = b.status === 'held' ? 0 : isHost && !isGuest ? paid : refundFor(inn, paid, today(), b.checkIn);
    const [after] = await tx
      .update(bookings)
      .set({ status: 'cancelled', cancelledAt: innsClock.now(), refundFen: refund, holdExpiresAt: null })
      .where(eq(bookings.id, bookingId))
      .returning();
    await recordAudit(tx, who, { action: 'booking.cancel', entity: 'inn_booking', entityId: bookingId, details: { refundFen: refund, by: isGuest ? 'guest' : 'host' } });
    if (b.status === 'confirmed') await tellInnkeeper(tx, b, 'booking.cancelled');
    return { booking: guestView(after), refundFen: refund, paymentId: b.paymentId };
  });
}

async function hostTransition(db: Db, actor: Actor | null, bookingId: string, from: BookingStatus, to: BookingStatus, action: string) {
  const { who } = await bookingFor(db, actor, bookingId, 'host');
  return db.transaction(async (tx) => {
    const [b] = await tx.select().from(bookings).where(eq(bookings.id, bookingId)).for('update');
    if (b.status !== from) throw conflict('wrong_status', `The booking is ${b.status}, not ${from}`);
    const t = today();
    if (to === 'checked_in' && (t < b.checkIn || t >= b.checkOut)) throw conflict('not_today', `Check-in is possible from ${b.checkIn} until the last night`);
    const stamp = to === 'checked_in' ? { checkedInAt: innsClock.now() } : { checkedOutAt: innsClock.now() };
    const [after] = await tx.update(bookings).set({ status: to, ...stamp }).where(eq(bookings.id, bookingId)).returning();
    await recordAudit(tx, who, { action, entity: 'inn_booking', entityId: bookingId });
    return guestView(after);
  });
}

export const checkInBooking = (db: Db, actor: Actor | null, id: string) => hostTransition(db, actor, id, 'confirmed', 'checked_in', 'booking.check_in');
export const checkOutBooking = (db: Db, actor: Actor | null, id: string) => hostTransition(db, actor, id, 'checked_in', 'completed', 'booking.check_out');

// ---- reviews ----

export async function addReview(db: Db, actor: Actor | null, bookingId: string, input: { rating: number; body: string }) {
  const { who, b } = await bookingFor(db, actor, bookingId, 'guest');
  if (b.status !== 'completed') throw conflict('stay_not_completed', 'Reviews are for completed stays only');
  return db.transaction(async (tx) => {
    const [taken] = await tx.select({ id: reviews.id }).from(reviews).where(eq(reviews.bookingId, bookingId));
    if (taken) throw conflict('already_reviewed', 'This stay already has a review');
    const [review] = await tx
      .insert(reviews)
      .values({ countyId: b.countyId, innId: b.innId, bookingId, guestId: who.id, rating: input.rating, body: input.body })
      .returning();
    await recordAudit(tx, who, { action: 'review.create', entity: 'inn_review', entityId: review.id, details: { bookingId } });
    return review;
  });
}

// ---- blocks: closures and imported calendars ----

export async function addClosure(db: Db, actor: Actor | null, roomId: string, input: { checkIn: string; checkOut: string; note?: string }) {
  const { inn } = await roomRow(db, roomId);
  const who = await authorize(db, actor, 'inns.manage', { orgId: inn.orgId });
  checkStay(input.checkIn, input.checkOut, { allowPast: true });
  try {
    return await db.transaction(async (tx) => {
      await lockRoom(tx, roomId);
      await tx.update(bookings).set({ status: 'expired' }).where(and(eq(bookings.roomId, roomId), eq(bookings.status, 'held'), lt(bookings.holdExpiresAt, innsClock.now())));
      const [block] = await tx
        .insert(bookings)
        .values({ countyId: inn.countyId, innId: inn.id, roomId, checkIn: input.checkIn, checkOut: input.checkOut, status: 'blocked', blockSource: 'closure', note: input.note ?? '' })
        .returning();
      await recordAudit(tx, who, { action: 'room.close', entity: 'inn_booking', entityId: block.id, details: { roomId, checkIn: input.checkIn, checkOut: input.checkOut } });
      return block;
    });
  } catch (error) {
    if (isOverlap(error)) throw unavailable();
    throw error;
  }
}

export async function removeBlock(db: Db, actor: Actor | null, blockId: string) {
  const { who, b } = await bookingFor(db, actor, blockId, 'host');
  if (b.status !== 'blocked') throw conflict('not_a_block', 'Only closures and imported blocks can be removed');
  await db.transaction(async (tx) => {
    await tx.delete(bookings).where(eq(bookings.id, blockId));
    await recordAudit(tx, who, { action: 'room.reopen', entity: 'inn_booking', entityId: blockId, details: { roomId: b.roomId } });
  });
}

/** The room's occupied nights as an .ics file, for the big booking sites to read (by the room's secret URL). */
export async function exportRoomCalendar(db: Db, token: string) {
  const [row] = await db.select({ room: rooms, inn: inns }).from(rooms).innerJoin(inns, eq(inns.id, rooms.innId)).where(eq(rooms.icalToken, token));
  if (!row) throw notFound('Calendar');
  const rows = await db
    .select()
    .from(bookings)
    .where(and(eq(bookings.roomId, row.room.id), inArray(bookings.status, [...ACTIVE_STATUSES]), gt(bookings.checkOut, addDays(today(), -30))))
    .orderBy(asc(bookings.checkIn));
  const events = rows
    .filter((b) => !(b.status === 'held' && b.holdExpiresAt && b.holdExpiresAt <= innsClock.now()))
    .filter((b) => b.blockSource !== 'ical')
    .map((b) => ({ uid: `${b.id}@terrace`, start: b.checkIn, end: b.checkOut, summary: b.status === 'blocked' ? 'Closed' : 'Booked' }));
  return writeCalendar(`${row.inn.name} · ${row.room.name}`, events, innsClock.now());
}

export async function roomCalendarToken(db: Db, actor: Actor | null, roomId: string) {
  const { room, inn } = await roomRow(db, roomId);
  await authorize(db, actor, 'inns.manage', { orgId: inn.orgId });
  return { token: room.icalToken };
}

/**
 * Replaces the room's blocks imported from external calendars with the events of `ics`. Events in the
 * past are skipped; an event overlapping one of our own stays is reported as a conflict and not blocked.
 */
export async function importRoomCalendar(db: Db, actor: Actor | null, roomId: string, ics: string) {
  const { inn } = await roomRow(db, roomId);
  const who = await authorize(db, actor, 'inns.manage', { orgId: inn.orgId });
  const parsed = parseCalendar(ics);
  if (!/BEGIN:VCALENDAR/.test(ics)) throw badRequest('body/ics', 'Not an iCalendar file');
  const t = today();
  const events = parsed.events.filter((e) => e.end > t && daysBetween(e.start, e.end) <= BOOKING_HORIZON_DAYS);
  return db.transaction(async (tx) => {
    await lockRoom(tx, roomId);
    await tx.delete(bookings).where(and(eq(bookings.roomId, roomId), eq(bookings.blockSource, 'ical')));
    const conflicts: { uid: string; start: string; end: string }[] = [];
    let imported = 0;
    for (const e of events) {
      try {
        await tx.transaction(async (sp) => {
          await sp.insert(bookings).values({
            countyId: inn.countyId,
            innId: inn.id,
            roomId,
            checkIn: e.start < t ? t : e.start,
            checkOut: e.end,
            status: 'blocked',
            blockSource: 'ical',
            externalUid: e.uid.slice(0, 500),
            note: e.summary.slice(0, 200),
          });
        });
        imported++;
      } catch (error) {
        if (!isOverlap(error)) throw error;
        conflicts.push({ uid: e.uid, start: e.start, end: e.end });
      }
    }
    await recordAudit(tx, who, { action: 'room.ical_import', entity: 'inn_room', entityId: roomId, details: { imported, conflicts: conflicts.length, skipped: parsed.skipped + parsed.events.length - events.length } });
    return { imported, conflicts, skipped: parsed.skipped + parsed.events.length - events.length };
  });
}

// ---- host side ----

/** Rooms and every booking, hold and block touching [from, to), with guest names, for the inn's calendar. */
export async function hostCalendar(db: Db, actor: Actor | null, innId: string, from: string, to: string) {
  const inn = await innRow(db, innId);
  await authorize(db, actor, 'inns.manage', { orgId: inn.orgId });
  checkStay(from, to, { allowPast: true });
  if (daysBetween(from, to) > 400) throw badRequest('to', 'At most 400 days');
  const roomRows = await db.select().from(rooms).where(eq(rooms.innId, innId)).orderBy(asc(rooms.name));
  const rows = await queryRows<{
    id: string;
    room_id: string;
    check_in: string;
    check_out: string;
    status: BookingStatus;
    block_source: string | null;
    guests: number;
    amount_fen: number;
    refund_fen: number;
    note: string;
    guest_name: string | null;
  }>(
    db,
    sql`select b.id, b.room_id, to_char(b.check_in, 'YYYY-MM-DD') as check_in, to_char(b.check_out, 'YYYY-MM-DD') as check_out,
          b.status, b.block_source, b.guests, b.amount_fen, b.refund_fen, b.note, u.display_name as guest_name
        from inn_bookings b left join users u on u.id = b.guest_id
        where b.inn_id = ${innId} and b.stay && daterange(${from}::date, ${to}::date, '[)')
          and (${occupying('b')} or b.status = 'cancelled')
        order by b.check_in`,
  );
  return {
    inn: { id: inn.id, name: inn.name },
    from,
    to,
    today: today(),
    rooms: roomRows.map((r) => ({ ...publicRoom(r), icalToken: r.icalToken })),
    bookings: rows.map((r) => ({
      id: r.id,
      roomId: r.room_id,
      checkIn: r.check_in,
      checkOut: r.check_out,
      status: r.status,
      blockSource: r.block_source,
      guests: r.guests,
      amountFen: r.amount_fen,
      refundFen: r.refund_fen,
      note: r.note,
      guestName: r.guest_name,
    })),
  };
}

/** Per month of a year: occupancy (sold room-nights / room-nights open) and revenue (paid less refunded, spread over the nights). */
export async function hostStats(db: Db, actor: Actor | null, innId: string, year: number) {
  const inn = await innRow(db, innId);
  await authorize(db, actor, 'inns.manage', { orgId: inn.orgId });
  const from = `${year}-01-01`;
  const to = `${year + 1}-01-01`;
  const [{ n: roomCount }] = await db.select({ n: sql<number>`count(*)::int` }).from(rooms).where(eq(rooms.innId, innId));
  const rows = await db
    .select()
    .from(bookings)
    .where(and(eq(bookings.innId, innId), inArray(bookings.status, ['confirmed', 'checked_in', 'completed', 'cancelled', 'blocked']), lt(bookings.checkIn, to), gt(bookings.checkOut, from)));
  const months = Array.from({ length: 12 }, (_, i) => {
    const start = `${year}-${String(i + 1).padStart(2, '0')}-01`;
    return { month: start.slice(0, 7), start, end: nextMonth(start), soldNights: 0, blockedNights: 0, revenueFen: 0, days: daysBetween(start, nextMonth(start)) };
  });
  for (const b of rows) {
    if (b.status === 'cancelled' && !b.paymentId) continue;
    const nights = nightsOf(b.checkIn, b.checkOut);
    const net = b.amountFen - b.refundFen;
    nights.forEach((night, i) => {
      const m = months.find((x) => x.month === monthStart(night).slice(0, 7));
      if (!m) return;
      // Integer fen spread over the nights: earlier nights take the remainder.
      const share = Math.floor(net / nights.length) + (i < net % nights.length ? 1 : 0);
      if (b.status === 'blocked') m.blockedNights++;
      else if (b.status === 'cancelled') m.revenueFen += share;
      else {
        m.soldNights++;
        m.revenueFen += share;
      }
    });
  }
  return {
    year,
    rooms: roomCount,
    months: months.map((m) => {
      const open = roomCount * m.days - m.blockedNights;
      return { month: m.month, soldNights: m.soldNights, openNights: open, occupancy: open > 0 ? m.soldNights / open : 0, revenueFen: m.revenueFen };
    }),
  };
}

/** Guest nights booked and paid (confirmed, checked in, completed) per village, by check-in date in [from, to). */
export async function nightsByVillage(db: Db, countyId: string, from: string, to: string) {
  return db
    .select({ unitId: inns.unitId, bookings: sql<number>`count(*)::int`, nights: sql<number>`sum(${bookings.checkOut} - ${bookings.checkIn})::int` })
    .from(bookings)
    .innerJoin(inns, eq(inns.id, bookings.innId))
    .where(and(eq(bookings.countyId, countyId), inArray(bookings.status, ['confirmed', 'checked_in', 'completed']), gte(bookings.checkIn, from), lt(bookings.checkIn, to)))
    .groupBy(inns.unitId);
}
