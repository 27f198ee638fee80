import { and, asc, desc, eq, inArray, sql } from 'drizzle-orm';
import { type Db } from '../../../db/handle.ts';
import { badRequest, conflict, notFound, Problem } from '../../../server/problems.ts';
import { changedFields, recordAudit } from '../../../server/audit.ts';
import { authorize, requireActor, type Actor } from '../../governance/index.ts';
import { listOrganizations } from '../../governance/index.ts';
import { getBuilding } from '../../atlas/index.ts';
import { innPhotos, inns, reviews, rooms } from '../schema.ts';
import { Inn, Room } from './common.ts';
import { coverPhotos } from './photos.ts';
import { displayPinyin, textMatches, searchText } from '../../../db/search-text.ts';

// ---- inns ----

export const publicRoom = (r: Room) => ({
  id: r.id,
  innId: r.innId,
  name: r.name,
  nameEn: r.nameEn,
  namePinyin: displayPinyin(r.name),
  type: r.type,
  capacity: r.capacity,
  beds: r.beds,
  description: r.description,
  nightlyFen: r.nightlyFen,
  weekendFen: r.weekendFen,
});

export async function innRow(db: Db, innId: string) {
  const [inn] = await db.select().from(inns).where(eq(inns.id, innId));
  if (!inn) throw notFound('Inn');
  return inn;
}

export async function roomRow(db: Db, roomId: string) {
  const [row] = await db.select({ room: rooms, inn: inns }).from(rooms).innerJoin(inns, eq(inns.id, rooms.innId)).where(eq(rooms.id, roomId));
  if (!row) throw notFound('Room');
  return row;
}

export interface InnInput {
  name?: string;
  nameEn?: string | null;
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

/** What search matches for an inn: its name in Chinese, pinyin and initials; its stories and address. */
export const innSearchText = (i: { name: string; nameEn?: string | null; storyBefore?: string | null; storyAfter?: string | null; address?: string | null }) =>
  searchText([i.name], [i.nameEn ?? '', i.storyBefore ?? '', i.storyAfter ?? '', i.address ?? '']);

/** Rewrites the search text of inns where it is missing or was made by an older rule (at start; a no-op once done). */
export async function backfillInnSearch(db: Db) {
  const rows = await db.select().from(inns);
  const stale = rows.filter((i) => i.searchText !== innSearchText(i));
  for (const i of stale) await db.update(inns).set({ searchText: innSearchText(i) }).where(eq(inns.id, i.id));
  return stale.length;
}

/** Inns whose name (Chinese, pinyin or initials), stories or address contain the query (a trigram index). */
export const innMatching = (q?: string) => (q?.trim() ? textMatches(inns.searchText, q) : undefined);

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
      .values({ ...input, nameEn: input.nameEn || null, name: input.name ?? org.name, searchText: innSearchText({ ...input, name: input.name ?? org.name }), countyId: who.countyId, unitId: org.unitId })
      .returning();
    await recordAudit(tx, who, { action: 'inn.create', entity: 'inn', entityId: inn.id, details: { orgId: input.orgId } });
    return inn;
  });
}

export async function updateInn(db: Db, actor: Actor | null, innId: string, patch: InnInput) {
  if (patch.nameEn === '') patch = { ...patch, nameEn: null };
  const inn = await innRow(db, innId);
  const who = await authorize(db, actor, 'inns.manage', { orgId: inn.orgId });
  checkPolicy({ fullRefundDays: patch.fullRefundDays ?? inn.fullRefundDays, partialRefundDays: patch.partialRefundDays ?? inn.partialRefundDays });
  await checkBuildings(db, who, patch.buildingIds, inn.unitId);
  return db.transaction(async (tx) => {
    const [after] = await tx
      .update(inns)
      .set({ ...patch, searchText: innSearchText({ ...inn, ...patch }) })
      .where(eq(inns.id, innId))
      .returning();
    await recordAudit(tx, who, { action: 'inn.update', entity: 'inn', entityId: innId, unitId: inn.unitId, details: { name: after.name, fields: Object.keys(patch), ...changedFields(inn, patch) } });
    return after;
  });
}

/** Inns, optionally in one village, with their rooms' lowest price and average rating. */
export async function listInns(db: Db, filter: { unitId?: string; q?: string }) {
  const rows = await db
    .select()
    .from(inns)
    .where(and(filter.unitId ? eq(inns.unitId, filter.unitId) : undefined, innMatching(filter.q)))
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

export const summary = (inn: Inn) => ({
  id: inn.id,
  orgId: inn.orgId,
  unitId: inn.unitId,
  name: inn.name,
  nameEn: inn.nameEn,
  namePinyin: displayPinyin(inn.name),
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
  return { ...rest, namePinyin: displayPinyin(inn.name), gallery, rooms: roomRows.map(publicRoom), reviews: reviewRows, buildings: await houseRecords(db, inn.buildingIds) };
}

/** The inns the actor runs: innkeepers their organizations' inns; county and township officials those below them. */
export async function myInns(db: Db, actor: Actor | null) {
  const who = requireActor(actor);
  const all = await db.select().from(inns).where(eq(inns.countyId, who.countyId)).orderBy(asc(inns.name));
  const out: (Inn & { namePinyin: string })[] = [];
  for (const inn of all) {
    try {
      await authorize(db, who, 'inns.manage', { orgId: inn.orgId });
      out.push({ ...inn, namePinyin: displayPinyin(inn.name) });
    } catch (error) {
      if (!(error instanceof Problem) || error.status !== 403) throw error;
    }
  }
  return out;
}
