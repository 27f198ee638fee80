import { and, asc, eq, gt, inArray, lt } from 'drizzle-orm';
import { type Db } from '../../../db/handle.ts';
import { badRequest, conflict, notFound } from '../../../server/problems.ts';
import { recordAudit } from '../../../server/audit.ts';
import { authorize, type Actor } from '../../governance/index.ts';
import { addDays, daysBetween } from '../dates.ts';
import { parseCalendar, writeCalendar } from '../ical.ts';
import { ACTIVE_STATUSES, bookings, inns, rooms } from '../schema.ts';
import { bookingFor } from './bookings.ts';
import { BOOKING_HORIZON_DAYS, innsClock, isOverlap, lockRoom, today, unavailable } from './common.ts';
import { checkStay } from './dates.ts';
import { roomRow, summary } from './inns.ts';

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
