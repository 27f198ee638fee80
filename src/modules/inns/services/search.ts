import { and, asc, eq, gte, sql } from 'drizzle-orm';
import { queryRows, type Db } from '../../../db/handle.ts';
import { badRequest } from '../../../server/problems.ts';
import { daysBetween } from '../dates.ts';
import { quote } from '../pricing.ts';
import { inns, rooms } from '../schema.ts';
import { occupying, today } from './common.ts';
import { checkStay } from './dates.ts';
import { displayPinyin } from '../../../db/search-text.ts';
import { innMatching, publicRoom, roomRow } from './inns.ts';
import { coverPhotos, seasonsOf } from './photos.ts';

// ---- search and availability ----

/** Rooms free for every night of the stay and large enough, in one village or all; each with its price for the stay. */
export async function search(db: Db, input: { unitId?: string; q?: string; checkIn: string; checkOut: string; guests: number; limit?: number }) {
  checkStay(input.checkIn, input.checkOut);
  // One round trip for the free rooms (each checked against the constraint's gist index), one for their seasons.
  const rows = await db
    .select({ innId: inns.id, innName: inns.name, innNameEn: inns.nameEn, unitId: inns.unitId, storyAfter: inns.storyAfter, room: rooms })
    .from(rooms)
    .innerJoin(inns, eq(inns.id, rooms.innId))
    .where(
      and(
        gte(rooms.capacity, input.guests),
        input.unitId ? eq(inns.unitId, input.unitId) : undefined,
        innMatching(input.q),
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
  const byInn = new Map<string, { id: string; name: string; nameEn: string | null; namePinyin: string; unitId: string; storyAfter: string; photoId: string | null; rooms: (ReturnType<typeof publicRoom> & { totalFen: number })[] }>();
  for (const r of rows) {
    const entry = byInn.get(r.innId) ?? { id: r.innId, name: r.innName, nameEn: r.innNameEn, namePinyin: displayPinyin(r.innName), unitId: r.unitId, storyAfter: r.storyAfter, photoId: covers.get(r.innId) ?? null, rooms: [] };
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
