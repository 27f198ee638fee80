import { and, desc, eq, lt, sql } from 'drizzle-orm';
import { type Db } from '../../../db/handle.ts';
import { badRequest, conflict, forbidden, notFound, Problem, refusedTransition } from '../../../server/problems.ts';
import { recordAudit } from '../../../server/audit.ts';
import { authorize, requireActor, type Actor } from '../../governance/index.ts';
import { refundsOf } from '../../payments/index.ts';
import { notify } from '../../notifications/index.ts';
import { quote, refundFor } from '../pricing.ts';
import { bookings, inns, reviews, rooms, type BookingStatus } from '../schema.ts';
import { Booking, innsClock, isOverlap, lockRoom, today, unavailable } from './common.ts';
import { checkStay } from './dates.ts';
import { innRow, roomRow } from './inns.ts';
import { seasonsOf } from './photos.ts';

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

export async function bookingFor(db: Db, actor: Actor | null, bookingId: string, mode: 'guest' | 'host' | 'either') {
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
  if (b.status !== 'held') throw refusedTransition(`The booking is ${b.status}, not waiting for payment`, b.status);
  if (!b.holdExpiresAt || b.holdExpiresAt <= innsClock.now()) throw conflict('hold_expired', 'The hold on this room has expired; book again');
  const [room] = await db.select().from(rooms).where(eq(rooms.id, b.roomId));
  return { booking: b, payeeOrgId: inn.orgId, description: `${inn.name} · ${room.name} · ${b.checkIn} → ${b.checkOut}` };
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
  const refunds = await refundsOf(db, rows.flatMap((r) => (r.b.paymentId ? [r.b.paymentId] : [])));
  return rows.map((r) => ({ ...guestView(r.b), innName: r.innName, roomName: r.roomName, reviewed: !!r.reviewId, refunds: (r.b.paymentId && refunds.get(r.b.paymentId)) || [] }));
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
    if (b.status !== 'held' && b.status !== 'confirmed') throw refusedTransition(`A ${b.status} booking cannot be cancelled`, b.status);
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
    if (b.status !== from) throw refusedTransition(`The booking is ${b.status}, not ${from}`, b.status);
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
