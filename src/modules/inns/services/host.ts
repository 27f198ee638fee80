import { and, asc, eq, gt, gte, inArray, lt, sql } from 'drizzle-orm';
import { firstIds } from '../../../db/aggregates.ts';
import { queryRows, type Db } from '../../../db/handle.ts';
import { badRequest } from '../../../server/problems.ts';
import { authorize, usersByIds, type Actor } from '../../governance/index.ts';
import { daysBetween, monthStart, nextMonth, nightsOf } from '../dates.ts';
import { bookings, inns, rooms, type BookingStatus } from '../schema.ts';
import { occupying, today } from './common.ts';
import { checkStay } from './dates.ts';
import { innRow, publicRoom } from './inns.ts';
import { displayPinyin } from '../../../db/search-text.ts';

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
    guest_id: string | null;
  }>(
    db,
    sql`select b.id, b.room_id, to_char(b.check_in, 'YYYY-MM-DD') as check_in, to_char(b.check_out, 'YYYY-MM-DD') as check_out,
          b.status, b.block_source, b.guests, b.amount_fen, b.refund_fen, b.note, b.guest_id
        from inn_bookings b
        where b.inn_id = ${innId} and b.stay && daterange(${from}::date, ${to}::date, '[)')
          and (${occupying('b')} or b.status = 'cancelled')
        order by b.check_in`,
  );
  const guests = await usersByIds(db, rows.flatMap((r) => (r.guest_id ? [r.guest_id] : [])));
  return {
    inn: { id: inn.id, name: inn.name, nameEn: inn.nameEn, namePinyin: displayPinyin(inn.name) },
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
      guestName: (r.guest_id && guests.get(r.guest_id)?.displayName) ?? null,
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
    .select({
      unitId: inns.unitId,
      bookings: sql<number>`count(*)::int`,
      nights: sql<number>`sum(${bookings.checkOut} - ${bookings.checkIn})::int`,
      ids: firstIds(bookings.id),
    })
    .from(bookings)
    .innerJoin(inns, eq(inns.id, bookings.innId))
    .where(and(eq(bookings.countyId, countyId), inArray(bookings.status, ['confirmed', 'checked_in', 'completed']), gte(bookings.checkIn, from), lt(bookings.checkIn, to)))
    .groupBy(inns.unitId);
}
