import { and, asc, eq, inArray } from 'drizzle-orm';
import { type Db } from '../../../db/handle.ts';
import { badRequest, notFound } from '../../../server/problems.ts';
import { recordAudit } from '../../../server/audit.ts';
import { authorize, type Actor } from '../../governance/index.ts';
import { type SeasonalRate } from '../pricing.ts';
import { innPhotos, inns, rooms, seasonalRates } from '../schema.ts';
import { addPhoto, photoBytes, removePhotoFiles } from '../../../server/photos.ts';
import type { FileStorage } from '../../../server/storage.ts';
import { innRow, roomRow } from './inns.ts';

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
  const { roomId: _room, ...upload } = file;
  return addPhoto(db, storage, 'inns', upload, async (tx, image) => {
    const [p] = await tx
      .insert(innPhotos)
      .values({ ...image, countyId: inn.countyId, innId, roomId: file.roomId ?? null, uploadedBy: who.id })
      .returning({ id: innPhotos.id, innId: innPhotos.innId, roomId: innPhotos.roomId, caption: innPhotos.caption, bytes: innPhotos.bytes, width: innPhotos.width, height: innPhotos.height });
    await recordAudit(tx, who, { action: 'inn.photo_add', entity: 'inn_photo', entityId: p.id, details: { innId, roomId: p.roomId, bytes: p.bytes } });
    return p;
  });
}

/** A photo's bytes (inn pages are public, and so are their photos). */
export async function getInnPhoto(db: Db, storage: FileStorage, photoId: string, size: 'thumb' | 'full') {
  const [p] = await db.select().from(innPhotos).where(eq(innPhotos.id, photoId));
  return photoBytes(storage, p, size);
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
  await removePhotoFiles(storage, p);
}

/** The first photo of each inn (its cover), for lists and search results. */
export async function coverPhotos(db: Db, innIds: string[]): Promise<Map<string, string>> {
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

export async function seasonsOf(db: Db, roomIds: string[]): Promise<Map<string, SeasonalRate[]>> {
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
