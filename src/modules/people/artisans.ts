// Artisans pass on their craft: masters (residents, with their recognition and workshop) take apprentices, who apply;
// the master logs training sessions; the public page lists masters and apprentices per craft.
import { and, asc, eq, inArray, sql } from 'drizzle-orm';
import type { Db } from '../../db/handle.ts';
import { recordAudit } from '../../server/audit.ts';
import { badRequest, conflict, forbidden, notFound, refusedTransition } from '../../server/problems.ts';
import { craftsByIds } from '../atlas/index.ts';
import { authorize, requireActor, type Actor } from '../governance/index.ts';
import { maskName, myResidentRow } from './residents.ts';
import { apprenticeships, artisans, residents, trainingSessions, type ArtisanLevel, type ApprenticeshipStatus } from './schema.ts';

export interface ArtisanInput {
  residentId: string;
  publicName: string;
  craft: string;
  craftAssetId?: string | null;
  level: ArtisanLevel;
  orgId?: string | null;
  bio?: string;
  places: number;
}

type ArtisanRow = typeof artisans.$inferSelect;

const artisanView = (a: ArtisanRow, villageId: string) => ({
  id: a.id,
  publicName: a.publicName,
  craft: a.craft,
  craftAssetId: a.craftAssetId,
  level: a.level,
  orgId: a.orgId,
  bio: a.bio,
  places: a.places,
  villageId,
});

/** An official of the master's village (or above) records them as an artisan. */
export async function registerArtisan(db: Db, actor: Actor | null, input: ArtisanInput) {
  const who = requireActor(actor);
  const [person] = await db.select().from(residents).where(and(eq(residents.countyId, who.countyId), eq(residents.id, input.residentId)));
  if (!person) throw notFound('Resident');
  await authorize(db, who, 'people.residents.manage', { unitId: person.villageId });
  if (input.craftAssetId && !(await craftsByIds(db, who.countyId, [input.craftAssetId])).has(input.craftAssetId))
    throw badRequest('body/craftAssetId', 'Not a craft the Atlas records in this county');
  return db.transaction(async (tx) => {
    const [row] = await tx
      .insert(artisans)
      .values({ countyId: who.countyId, residentId: person.id, publicName: input.publicName, craft: input.craft, craftAssetId: input.craftAssetId ?? null, level: input.level, orgId: input.orgId ?? null, bio: input.bio ?? '', places: input.places })
      .onConflictDoNothing()
      .returning();
    if (!row) throw conflict('already_registered', 'This resident is already registered as a master of this craft', { field: 'body/craft' });
    await recordAudit(tx, who, { action: 'people.artisan.register', entity: 'people_artisan', entityId: row.id, details: { craft: row.craft, level: row.level } });
    return artisanView(row, person.villageId);
  });
}

/** Masters and apprentices per craft (public: masters by their public name, apprentices masked). */
export async function crafts(db: Db) {
  const masters = await db
    .select({ a: artisans, villageId: residents.villageId })
    .from(artisans)
    .innerJoin(residents, and(eq(residents.countyId, artisans.countyId), eq(residents.id, artisans.residentId)))
    .orderBy(asc(artisans.craft), asc(artisans.publicName));
  const ids = masters.map((m) => m.a.id);
  const pupils = ids.length
    ? await db
        .select({ artisanId: apprenticeships.artisanId, name: residents.fullName, status: apprenticeships.status })
        .from(apprenticeships)
        .innerJoin(residents, and(eq(residents.countyId, apprenticeships.countyId), eq(residents.id, apprenticeships.residentId)))
        .where(and(inArray(apprenticeships.artisanId, ids), inArray(apprenticeships.status, ['active', 'completed'])))
        .orderBy(asc(apprenticeships.createdAt))
    : [];
  // The Atlas's record of each craft, where the county linked one: the public page links to its village there.
  const documented = new Map<string, Awaited<ReturnType<typeof craftsByIds>>>();
  for (const countyId of new Set(masters.map((m) => m.a.countyId)))
    documented.set(countyId, await craftsByIds(db, countyId, masters.filter((m) => m.a.countyId === countyId && m.a.craftAssetId).map((m) => m.a.craftAssetId!)));
  const byCraft = new Map<string, ReturnType<typeof masterWithPupils>[]>();
  function masterWithPupils(m: (typeof masters)[number]) {
    const mine = pupils.filter((p) => p.artisanId === m.a.id);
    const atlas = m.a.craftAssetId ? documented.get(m.a.countyId)?.get(m.a.craftAssetId) : undefined;
    return {
      ...artisanView(m.a, m.villageId),
      atlasCraft: atlas ? { id: atlas.id, name: atlas.name, path: atlas.villageId ? `/atlas/villages/${atlas.villageId}` : '/atlas' } : null,
      apprentices: mine.map((p) => ({ name: maskName(p.name), status: p.status })),
    };
  }
  for (const m of masters) byCraft.set(m.a.craft, [...(byCraft.get(m.a.craft) ?? []), masterWithPupils(m)]);
  return [...byCraft.entries()].map(([craft, list]) => ({
    craft,
    masters: list,
    apprentices: list.reduce((n, m) => n + m.apprentices.length, 0),
  }));
}

export async function loadArtisan(db: Db, countyId: string, id: string) {
  const [row] = await db
    .select({ a: artisans, villageId: residents.villageId, masterUser: residents.userId })
    .from(artisans)
    .innerJoin(residents, and(eq(residents.countyId, artisans.countyId), eq(residents.id, artisans.residentId)))
    .where(and(eq(artisans.countyId, countyId), eq(artisans.id, id)));
  if (!row) throw notFound('Artisan');
  return row;
}

/** The master (their own account) or an official of their village may run the apprenticeship. */
export async function mayRun(db: Db, who: Actor, master: { villageId: string; masterUser: string | null }) {
  if (master.masterUser === who.id) return;
  await authorize(db, who, 'people.residents.manage', { unitId: master.villageId });
}

/** A registered resident asks a master to take them on. */
export async function applyForApprenticeship(db: Db, actor: Actor | null, artisanId: string, motivation: string) {
  const who = requireActor(actor);
  const me = await myResidentRow(db, who);
  if (!me) throw forbidden('Only a resident registered by their village applies; ask the village official to enrol you');
  const master = await loadArtisan(db, who.countyId, artisanId);
  if (master.a.residentId === me.id) throw conflict('own_workshop', 'A master cannot be their own apprentice');
  if (master.a.places === 0) throw conflict('no_places', 'This master takes no apprentices now');
  return db.transaction(async (tx) => {
    const [row] = await tx
      .insert(apprenticeships)
      .values({ countyId: who.countyId, artisanId, residentId: me.id, motivation })
      .onConflictDoNothing()
      .returning();
    if (!row) throw conflict('already_applied', 'You have already asked this master');
    await recordAudit(tx, who, { action: 'people.apprenticeship.apply', entity: 'people_apprenticeship', entityId: row.id, details: { artisanId } });
    return { id: row.id, artisanId, status: row.status };
  });
}

const NEXT: Record<'accept' | 'decline' | 'complete', { from: ApprenticeshipStatus; to: ApprenticeshipStatus }> = {
  accept: { from: 'applied', to: 'active' },
  decline: { from: 'applied', to: 'declined' },
  complete: { from: 'active', to: 'completed' },
};

export async function loadApprenticeship(db: Db, countyId: string, id: string) {
  const [row] = await db.select().from(apprenticeships).where(and(eq(apprenticeships.countyId, countyId), eq(apprenticeships.id, id)));
  if (!row) throw notFound('Apprenticeship');
  return row;
}

/** The master accepts, declines or completes; an acceptance takes a place, and no master takes more than their places. */
export async function decideApprenticeship(db: Db, actor: Actor | null, id: string, action: keyof typeof NEXT) {
  const who = requireActor(actor);
  const ship = await loadApprenticeship(db, who.countyId, id);
  const master = await loadArtisan(db, who.countyId, ship.artisanId);
  await mayRun(db, who, master);
  const step = NEXT[action];
  return db.transaction(async (tx) => {
    const full =
      action === 'accept'
        ? sql`(select count(*) from ${apprenticeships} x where x.county_id = ${who.countyId} and x.artisan_id = ${master.a.id} and x.status = 'active') < ${master.a.places}`
        : sql`true`;
    const [moved] = await tx
      .update(apprenticeships)
      .set({ status: step.to, updatedAt: new Date() })
      .where(and(eq(apprenticeships.countyId, who.countyId), eq(apprenticeships.id, id), eq(apprenticeships.status, step.from), full))
      .returning();
    if (!moved) {
      const [now] = await tx.select({ status: apprenticeships.status }).from(apprenticeships).where(and(eq(apprenticeships.countyId, who.countyId), eq(apprenticeships.id, id)));
      if (now.status === step.from) throw conflict('no_places', 'Every place with this master is taken');
      throw refusedTransition(`Cannot ${action} an apprenticeship that is ${now.status}`, now.status, { field: 'body/action' });
    }
    await recordAudit(tx, who, { action: `people.apprenticeship.${action}`, entity: 'people_apprenticeship', entityId: id, details: { from: step.from, to: step.to } });
    return { id, artisanId: moved.artisanId, status: moved.status };
  });
}

/** The master (or an official) logs a session held with an active apprentice. */
export async function logSession(db: Db, actor: Actor | null, apprenticeshipId: string, input: { heldOn: string; minutes: number; skills?: string; note?: string }) {
  const who = requireActor(actor);
  const ship = await loadApprenticeship(db, who.countyId, apprenticeshipId);
  const master = await loadArtisan(db, who.countyId, ship.artisanId);
  await mayRun(db, who, master);
  if (ship.status !== 'active') throw refusedTransition(`Sessions are logged with an active apprentice; this apprenticeship is ${ship.status}`, ship.status);
  return db.transaction(async (tx) => {
    const [row] = await tx
      .insert(trainingSessions)
      .values({ countyId: who.countyId, apprenticeshipId, heldOn: input.heldOn, minutes: input.minutes, skills: input.skills ?? '', note: input.note ?? '', loggedBy: who.id })
      .returning();
    await recordAudit(tx, who, { action: 'people.session.log', entity: 'people_training_session', entityId: row.id, details: { apprenticeshipId, minutes: row.minutes } });
    return { id: row.id, heldOn: row.heldOn, minutes: row.minutes, skills: row.skills, note: row.note };
  });
}

/** A master's workshop as the master or an official runs it: apprentices by name, their sessions. */
export async function workshop(db: Db, actor: Actor | null, artisanId: string) {
  const who = requireActor(actor);
  const master = await loadArtisan(db, who.countyId, artisanId);
  await mayRun(db, who, master);
  const ships = await db
    .select({ s: apprenticeships, name: residents.fullName })
    .from(apprenticeships)
    .innerJoin(residents, and(eq(residents.countyId, apprenticeships.countyId), eq(residents.id, apprenticeships.residentId)))
    .where(and(eq(apprenticeships.countyId, who.countyId), eq(apprenticeships.artisanId, artisanId)))
    .orderBy(asc(apprenticeships.createdAt));
  const sessions = ships.length
    ? await db
        .select()
        .from(trainingSessions)
        .where(and(eq(trainingSessions.countyId, who.countyId), inArray(trainingSessions.apprenticeshipId, ships.map((s) => s.s.id))))
        .orderBy(asc(trainingSessions.heldOn))
    : [];
  return {
    ...artisanView(master.a, master.villageId),
    apprentices: ships.map(({ s, name }) => {
      const mine = sessions.filter((x) => x.apprenticeshipId === s.id);
      return {
        id: s.id,
        name,
        status: s.status,
        motivation: s.motivation,
        minutes: mine.reduce((t, x) => t + x.minutes, 0),
        sessions: mine.map((x) => ({ id: x.id, heldOn: x.heldOn, minutes: x.minutes, skills: x.skills, note: x.note })),
      };
    }),
  };
}

/** The masters the signed-in person is (their own workshops) and the apprenticeships they hold. */
export async function myCraft(db: Db, actor: Actor | null) {
  const who = requireActor(actor);
  const me = await myResidentRow(db, who);
  if (!me) return { masterOf: [], apprenticeships: [] };
  const mine = await db.select().from(artisans).where(and(eq(artisans.countyId, who.countyId), eq(artisans.residentId, me.id)));
  const ships = await db
    .select({ s: apprenticeships, master: artisans.publicName, craft: artisans.craft })
    .from(apprenticeships)
    .innerJoin(artisans, and(eq(artisans.countyId, apprenticeships.countyId), eq(artisans.id, apprenticeships.artisanId)))
    .where(and(eq(apprenticeships.countyId, who.countyId), eq(apprenticeships.residentId, me.id)));
  return {
    masterOf: mine.map((a) => artisanView(a, me.villageId)),
    apprenticeships: ships.map(({ s, master, craft }) => ({ id: s.id, artisanId: s.artisanId, master, craft, status: s.status })),
  };
}
