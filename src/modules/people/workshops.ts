// Workshops open to visitors: a master (or an official of their village) opens a session of their craft with a number
// of seats; visitors with an account book seats until they are taken. A booking is one conditional increment of the
// seats taken, which a CHECK backs, so no workshop is booked beyond its seats however many book at once.
import { and, asc, eq, gt, inArray, sql } from 'drizzle-orm';
import type { Db } from '../../db/handle.ts';
import { recordAudit } from '../../server/audit.ts';
import { badRequest, conflict, notFound, Problem, transition } from '../../server/problems.ts';
import { requireActor, type Actor } from '../governance/index.ts';
import { loadArtisan, mayRun } from './artisans.ts';
import { artisans, workshopBookings, workshops } from './schema.ts';

type WorkshopRow = typeof workshops.$inferSelect;

const view = (w: WorkshopRow, master: { publicName: string; craft: string }) => ({
  id: w.id,
  artisanId: w.artisanId,
  master: master.publicName,
  craft: master.craft,
  title: w.title,
  description: w.description,
  startsAt: w.startsAt.toISOString(),
  minutes: w.minutes,
  seats: w.seats,
  seatsLeft: w.seats - w.booked,
  priceFen: w.priceFen,
  status: w.status,
});

export interface WorkshopInput {
  title: string;
  description?: string;
  startsAt: string;
  minutes: number;
  seats: number;
  priceFen: number;
}

export async function openWorkshop(db: Db, actor: Actor | null, artisanId: string, input: WorkshopInput) {
  const who = requireActor(actor);
  const master = await loadArtisan(db, who.countyId, artisanId);
  await mayRun(db, who, master);
  const startsAt = new Date(input.startsAt);
  if (startsAt.getTime() <= Date.now()) throw badRequest('body/startsAt', 'A workshop starts in the future');
  return db.transaction(async (tx) => {
    const [row] = await tx
      .insert(workshops)
      .values({ countyId: who.countyId, artisanId, title: input.title, description: input.description ?? '', startsAt, minutes: input.minutes, seats: input.seats, priceFen: input.priceFen, createdBy: who.id })
      .returning();
    await recordAudit(tx, who, { action: 'people.workshop.open', entity: 'people_workshop', entityId: row.id, details: { artisanId, villageId: master.villageId, seats: row.seats, priceFen: row.priceFen } });
    return view(row, master.a);
  });
}

/** Workshops still to come that take bookings (public). */
export async function upcomingWorkshops(db: Db) {
  const rows = await db
    .select({ w: workshops, publicName: artisans.publicName, craft: artisans.craft })
    .from(workshops)
    .innerJoin(artisans, and(eq(artisans.countyId, workshops.countyId), eq(artisans.id, workshops.artisanId)))
    .where(and(eq(workshops.status, 'open'), gt(workshops.startsAt, new Date())))
    .orderBy(asc(workshops.startsAt))
    .limit(200);
  return rows.map((r) => view(r.w, r));
}

async function loadWorkshop(db: Db, id: string) {
  const [row] = await db
    .select({ w: workshops, publicName: artisans.publicName, craft: artisans.craft })
    .from(workshops)
    .innerJoin(artisans, and(eq(artisans.countyId, workshops.countyId), eq(artisans.id, workshops.artisanId)))
    .where(eq(workshops.id, id));
  if (!row) throw notFound('Workshop');
  return row;
}

/** A visitor books seats: one live booking per visitor and workshop; refused once the seats are taken. */
export async function bookWorkshop(db: Db, actor: Actor | null, workshopId: string, input: { seats: number; name: string }) {
  const who = requireActor(actor);
  const { w, ...master } = await loadWorkshop(db, workshopId);
  if (w.countyId !== who.countyId) throw notFound('Workshop');
  return db.transaction(async (tx) => {
    const [taken] = await tx
      .update(workshops)
      .set({ booked: sql`${workshops.booked} + ${input.seats}` })
      .where(and(eq(workshops.countyId, w.countyId), eq(workshops.id, w.id), eq(workshops.status, 'open'), gt(workshops.startsAt, new Date()), sql`${workshops.booked} + ${input.seats} <= ${workshops.seats}`))
      .returning();
    if (!taken) {
      const [now] = await tx.select().from(workshops).where(and(eq(workshops.countyId, w.countyId), eq(workshops.id, w.id)));
      if (now.status !== 'open' || now.startsAt.getTime() <= Date.now()) throw conflict('workshop_closed', 'This workshop takes no more bookings');
      throw new Problem(409, 'workshop_full', `Only ${now.seats - now.booked} seats are left`, { field: 'body/seats', seatsLeft: now.seats - now.booked });
    }
    const [booking] = await tx
      .insert(workshopBookings)
      .values({ countyId: w.countyId, workshopId: w.id, userId: who.id, seats: input.seats, name: input.name })
      .onConflictDoNothing()
      .returning();
    // Rolls the seats back with the transaction.
    if (!booking) throw conflict('already_booked', 'You have already booked this workshop');
    await recordAudit(tx, who, { action: 'people.workshop.book', entity: 'people_workshop_booking', entityId: booking.id, details: { workshopId: w.id, seats: booking.seats } });
    return { id: booking.id, workshopId: w.id, seats: booking.seats, status: booking.status, workshop: view(taken, master) };
  });
}

/** The visitor (or the master, or an official) cancels a booking; its seats are free again. */
export async function cancelBooking(db: Db, actor: Actor | null, bookingId: string) {
  const who = requireActor(actor);
  const [b] = await db.select().from(workshopBookings).where(and(eq(workshopBookings.countyId, who.countyId), eq(workshopBookings.id, bookingId)));
  if (!b) throw notFound('Booking');
  const { w, ...master } = await loadWorkshop(db, b.workshopId);
  if (b.userId !== who.id) await mayRun(db, who, await loadArtisan(db, who.countyId, w.artisanId));
  return db.transaction(async (tx) => {
    const cancelled = await transition(
      () =>
        tx
          .update(workshopBookings)
          .set({ status: 'cancelled', updatedAt: new Date() })
          .where(and(eq(workshopBookings.countyId, b.countyId), eq(workshopBookings.id, b.id), eq(workshopBookings.status, 'booked')))
          .returning(),
      async () => (await tx.select({ status: workshopBookings.status }).from(workshopBookings).where(and(eq(workshopBookings.countyId, b.countyId), eq(workshopBookings.id, b.id))))[0]?.status,
      (now) => ({ detail: `This booking is already ${now}` }),
      'Booking',
    );
    const [freed] = await tx
      .update(workshops)
      .set({ booked: sql`${workshops.booked} - ${cancelled.seats}` })
      .where(and(eq(workshops.countyId, w.countyId), eq(workshops.id, w.id)))
      .returning();
    await recordAudit(tx, who, { action: 'people.workshop.booking_cancel', entity: 'people_workshop_booking', entityId: b.id, details: { workshopId: w.id, seats: cancelled.seats, from: 'booked', to: 'cancelled' } });
    return { id: b.id, workshopId: w.id, seats: cancelled.seats, status: cancelled.status, workshop: view(freed, master) };
  });
}

/** The signed-in visitor's bookings. */
export async function myBookings(db: Db, actor: Actor | null) {
  const who = requireActor(actor);
  const rows = await db
    .select({ b: workshopBookings, w: workshops, publicName: artisans.publicName, craft: artisans.craft })
    .from(workshopBookings)
    .innerJoin(workshops, and(eq(workshops.countyId, workshopBookings.countyId), eq(workshops.id, workshopBookings.workshopId)))
    .innerJoin(artisans, and(eq(artisans.countyId, workshops.countyId), eq(artisans.id, workshops.artisanId)))
    .where(and(eq(workshopBookings.countyId, who.countyId), eq(workshopBookings.userId, who.id)))
    .orderBy(asc(workshops.startsAt));
  return rows.map(({ b, w, ...master }) => ({ id: b.id, workshopId: w.id, seats: b.seats, status: b.status, workshop: view(w, master) }));
}

/** A master's workshops with who booked them (the master, or officials of their village). */
export async function masterWorkshops(db: Db, actor: Actor | null, artisanId: string) {
  const who = requireActor(actor);
  const master = await loadArtisan(db, who.countyId, artisanId);
  await mayRun(db, who, master);
  const rows = await db.select().from(workshops).where(and(eq(workshops.countyId, who.countyId), eq(workshops.artisanId, artisanId))).orderBy(asc(workshops.startsAt));
  const bookings = rows.length
    ? await db
        .select()
        .from(workshopBookings)
        .where(and(eq(workshopBookings.countyId, who.countyId), inArray(workshopBookings.workshopId, rows.map((r) => r.id)), eq(workshopBookings.status, 'booked')))
        .orderBy(asc(workshopBookings.createdAt))
    : [];
  return rows.map((w) => ({ ...view(w, master.a), bookings: bookings.filter((b) => b.workshopId === w.id).map((b) => ({ id: b.id, name: b.name, seats: b.seats })) }));
}

/** The master (or an official) cancels a workshop: it takes no more bookings, and every booking is cancelled with it. */
export async function cancelWorkshop(db: Db, actor: Actor | null, workshopId: string) {
  const who = requireActor(actor);
  const { w, ...master } = await loadWorkshop(db, workshopId);
  if (w.countyId !== who.countyId) throw notFound('Workshop');
  await mayRun(db, who, await loadArtisan(db, who.countyId, w.artisanId));
  return db.transaction(async (tx) => {
    const cancelled = await transition(
      () =>
        tx
          .update(workshops)
          .set({ status: 'cancelled', booked: 0 })
          .where(and(eq(workshops.countyId, w.countyId), eq(workshops.id, w.id), eq(workshops.status, 'open')))
          .returning(),
      async () => (await tx.select({ status: workshops.status }).from(workshops).where(and(eq(workshops.countyId, w.countyId), eq(workshops.id, w.id))))[0]?.status,
      (now) => ({ detail: `This workshop is already ${now}` }),
      'Workshop',
    );
    const dropped = await tx
      .update(workshopBookings)
      .set({ status: 'cancelled', updatedAt: new Date() })
      .where(and(eq(workshopBookings.countyId, w.countyId), eq(workshopBookings.workshopId, w.id), eq(workshopBookings.status, 'booked')))
      .returning({ id: workshopBookings.id });
    await recordAudit(tx, who, { action: 'people.workshop.cancel', entity: 'people_workshop', entityId: w.id, details: { from: 'open', to: 'cancelled', bookingsCancelled: dropped.length } });
    return view(cancelled, master);
  });
}
