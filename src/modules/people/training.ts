// What an apprenticeship leaves behind besides hours: photos of its training sessions, and the skills the master
// attests the apprentice has mastered (milestones). The master, the officials of their village, and the apprentice
// see them; the master or an official records them.
import { and, asc, eq, inArray } from 'drizzle-orm';
import type { Db } from '../../db/handle.ts';
import { recordAudit } from '../../server/audit.ts';
import { addPhoto, photoBytes, removePhotoFiles, type PhotoUpload } from '../../server/photos.ts';
import { conflict, notFound, refusedTransition } from '../../server/problems.ts';
import type { FileStorage } from '../../server/storage.ts';
import { requireActor, type Actor } from '../governance/index.ts';
import { loadApprenticeship, loadArtisan, mayRun, workshop } from './artisans.ts';
import { myResidentRow } from './residents.ts';
import { milestones, sessionPhotos, trainingSessions } from './schema.ts';

async function loadSession(db: Db, countyId: string, id: string) {
  const [row] = await db.select().from(trainingSessions).where(and(eq(trainingSessions.countyId, countyId), eq(trainingSessions.id, id)));
  if (!row) throw notFound('Training session');
  return row;
}

/** The master or an official runs it; the apprentice of this apprenticeship may read it. */
async function mayRead(db: Db, who: Actor, apprenticeshipId: string) {
  const ship = await loadApprenticeship(db, who.countyId, apprenticeshipId);
  const me = await myResidentRow(db, who);
  if (me && me.id === ship.residentId) return ship;
  await mayRun(db, who, await loadArtisan(db, who.countyId, ship.artisanId));
  return ship;
}

export async function addSessionPhoto(db: Db, storage: FileStorage, actor: Actor | null, sessionId: string, file: PhotoUpload) {
  const who = requireActor(actor);
  const session = await loadSession(db, who.countyId, sessionId);
  const ship = await loadApprenticeship(db, who.countyId, session.apprenticeshipId);
  await mayRun(db, who, await loadArtisan(db, who.countyId, ship.artisanId));
  return addPhoto(db, storage, 'people', file, async (tx, image) => {
    const [p] = await tx
      .insert(sessionPhotos)
      .values({ ...image, countyId: who.countyId, sessionId, uploadedBy: who.id })
      .returning({ id: sessionPhotos.id, sessionId: sessionPhotos.sessionId, caption: sessionPhotos.caption, width: sessionPhotos.width, height: sessionPhotos.height });
    await recordAudit(tx, who, { action: 'people.session.photo_add', entity: 'people_training_session', entityId: sessionId, details: { photoId: p.id, apprenticeshipId: ship.id } });
    return p;
  });
}

async function loadPhoto(db: Db, who: Actor, photoId: string) {
  const [p] = await db.select().from(sessionPhotos).where(and(eq(sessionPhotos.countyId, who.countyId), eq(sessionPhotos.id, photoId)));
  if (!p) throw notFound('Photo');
  return { photo: p, session: await loadSession(db, who.countyId, p.sessionId) };
}

export async function getSessionPhoto(db: Db, storage: FileStorage, actor: Actor | null, photoId: string, size: 'thumb' | 'full') {
  const who = requireActor(actor);
  const { photo, session } = await loadPhoto(db, who, photoId);
  await mayRead(db, who, session.apprenticeshipId);
  return photoBytes(storage, photo, size);
}

export async function removeSessionPhoto(db: Db, storage: FileStorage, actor: Actor | null, photoId: string) {
  const who = requireActor(actor);
  const { photo, session } = await loadPhoto(db, who, photoId);
  const ship = await loadApprenticeship(db, who.countyId, session.apprenticeshipId);
  await mayRun(db, who, await loadArtisan(db, who.countyId, ship.artisanId));
  await db.transaction(async (tx) => {
    await tx.delete(sessionPhotos).where(and(eq(sessionPhotos.countyId, who.countyId), eq(sessionPhotos.id, photoId)));
    await recordAudit(tx, who, { action: 'people.session.photo_remove', entity: 'people_training_session', entityId: session.id, details: { photoId } });
  });
  await removePhotoFiles(storage, photo);
}

/** The photos of the given sessions, by session. */
export async function photosOf(db: Db, countyId: string, sessionIds: string[]) {
  const map = new Map<string, { id: string; caption: string }[]>();
  if (sessionIds.length === 0) return map;
  const rows = await db
    .select({ id: sessionPhotos.id, sessionId: sessionPhotos.sessionId, caption: sessionPhotos.caption })
    .from(sessionPhotos)
    .where(and(eq(sessionPhotos.countyId, countyId), inArray(sessionPhotos.sessionId, sessionIds)))
    .orderBy(asc(sessionPhotos.createdAt), asc(sessionPhotos.id));
  for (const r of rows) map.set(r.sessionId, [...(map.get(r.sessionId) ?? []), { id: r.id, caption: r.caption }]);
  return map;
}

// ---- milestones ----

const milestoneView = (m: typeof milestones.$inferSelect) => ({ id: m.id, skill: m.skill, reachedOn: m.reachedOn, note: m.note });

/** The master attests a skill an active (or completed) apprentice has mastered; each skill once. */
export async function recordMilestone(db: Db, actor: Actor | null, apprenticeshipId: string, input: { skill: string; reachedOn: string; note?: string }) {
  const who = requireActor(actor);
  const ship = await loadApprenticeship(db, who.countyId, apprenticeshipId);
  await mayRun(db, who, await loadArtisan(db, who.countyId, ship.artisanId));
  if (ship.status !== 'active' && ship.status !== 'completed') throw refusedTransition(`A milestone is recorded for an apprentice taken on; this apprenticeship is ${ship.status}`, ship.status);
  return db.transaction(async (tx) => {
    const [row] = await tx
      .insert(milestones)
      .values({ countyId: who.countyId, apprenticeshipId, skill: input.skill, reachedOn: input.reachedOn, note: input.note ?? '', recordedBy: who.id })
      .onConflictDoNothing()
      .returning();
    if (!row) throw conflict('milestone_exists', 'This skill is already recorded for this apprentice', { field: 'body/skill' });
    await recordAudit(tx, who, { action: 'people.milestone.record', entity: 'people_apprenticeship_milestone', entityId: row.id, details: { apprenticeshipId, skill: row.skill } });
    return milestoneView(row);
  });
}

/** The milestones of the given apprenticeships, by apprenticeship, in the order they were reached. */
export async function milestonesOf(db: Db, countyId: string, apprenticeshipIds: string[]) {
  const map = new Map<string, ReturnType<typeof milestoneView>[]>();
  if (apprenticeshipIds.length === 0) return map;
  const rows = await db
    .select()
    .from(milestones)
    .where(and(eq(milestones.countyId, countyId), inArray(milestones.apprenticeshipId, apprenticeshipIds)))
    .orderBy(asc(milestones.reachedOn), asc(milestones.createdAt));
  for (const r of rows) map.set(r.apprenticeshipId, [...(map.get(r.apprenticeshipId) ?? []), milestoneView(r)]);
  return map;
}

/** An apprentice's own progress: their sessions with photos, and their milestones. */
export async function myApprenticeship(db: Db, actor: Actor | null, apprenticeshipId: string) {
  const who = requireActor(actor);
  const ship = await mayRead(db, who, apprenticeshipId);
  const sessions = await db
    .select()
    .from(trainingSessions)
    .where(and(eq(trainingSessions.countyId, who.countyId), eq(trainingSessions.apprenticeshipId, ship.id)))
    .orderBy(asc(trainingSessions.heldOn));
  const photos = await photosOf(db, who.countyId, sessions.map((s) => s.id));
  return {
    id: ship.id,
    status: ship.status,
    minutes: sessions.reduce((t, s) => t + s.minutes, 0),
    sessions: sessions.map((s) => ({ id: s.id, heldOn: s.heldOn, minutes: s.minutes, skills: s.skills, note: s.note, photos: photos.get(s.id) ?? [] })),
    milestones: (await milestonesOf(db, who.countyId, [ship.id])).get(ship.id) ?? [],
  };
}

/** A master's workshop as the master or an official runs it, with each session's photos and each apprentice's milestones. */
export async function workshopWithProgress(db: Db, actor: Actor | null, artisanId: string) {
  const who = requireActor(actor);
  const shop = await workshop(db, who, artisanId);
  const photos = await photosOf(db, who.countyId, shop.apprentices.flatMap((a) => a.sessions.map((s) => s.id)));
  const reached = await milestonesOf(db, who.countyId, shop.apprentices.map((a) => a.id));
  return {
    ...shop,
    apprentices: shop.apprentices.map((a) => ({ ...a, milestones: reached.get(a.id) ?? [], sessions: a.sessions.map((s) => ({ ...s, photos: photos.get(s.id) ?? [] })) })),
  };
}
