import { and, eq, sql } from 'drizzle-orm';
import { type Db } from '../../../db/handle.ts';
import { conflict } from '../../../server/problems.ts';
import { hotelDate } from '../dates.ts';
import { ACTIVE_STATUSES, bookings, inns, rooms } from '../schema.ts';

/** The clock the module reads "now" from; tests move it to just before and after midnight. */
export const innsClock = { now: () => new Date() };
export const today = () => hotelDate(innsClock.now());

export const MAX_NIGHTS = 30;
export const BOOKING_HORIZON_DAYS = 366;

export type Inn = typeof inns.$inferSelect;
export type Room = typeof rooms.$inferSelect;
export type Booking = typeof bookings.$inferSelect;

/** A held row whose hold has run out occupies nothing, even before the sweeper marks it expired. */
export const occupying = (alias = 'b') =>
  sql`${sql.raw(`${alias}.status in (${ACTIVE_STATUSES.map((s) => `'${s}'`).join(', ')})`)} and not (${sql.raw(alias)}.status = 'held' and ${sql.raw(alias)}.hold_expires_at <= ${innsClock.now().toISOString()}::timestamptz)`;

/** True when a database error is the exclusion constraint refusing an overlap. */
export function isOverlap(error: unknown): boolean {
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
export async function lockRoom(tx: Db, roomId: string) {
  await tx.select({ id: rooms.id }).from(rooms).where(eq(rooms.id, roomId)).for('no key update');
}

export const unavailable = () => conflict('room_unavailable', 'The room is already booked or blocked for some of these nights');
