import { eq } from 'drizzle-orm';
import type { Db } from '../../../db/handle.ts';
import { notFound } from '../../../server/problems.ts';
import { addPhoto as keepPhoto, photoBytes } from '../../../server/photos.ts';
import type { FileStorage } from '../../../server/storage.ts';
import { recordAudit } from '../../../server/audit.ts';
import { authorize, type Actor } from '../../governance/index.ts';
import { atlasCulturalAssets as culturalAssets, atlasPhotos as photos } from '../schema.ts';
import { buildingOr404, photoColumns } from './buildings.ts';
import { villageRefs, visibleVillages } from './villages.ts';

// ---- photos ----

export type PhotoTarget = { villageId: string } | { buildingId: string } | { assetId: string };

export async function addPhoto(
  db: Db,
  storage: FileStorage,
  actor: Actor | null,
  target: PhotoTarget,
  file: { data: Buffer; declaredType: string; caption?: string },
) {
  let villageId: string;
  let buildingId: string | null = null;
  let assetId: string | null = null;
  if ('buildingId' in target) {
    villageId = (await buildingOr404(db, target.buildingId)).villageId;
    buildingId = target.buildingId;
  } else if ('assetId' in target) {
    const [a] = await db.select().from(culturalAssets).where(eq(culturalAssets.id, target.assetId));
    if (!a) throw notFound('Cultural asset');
    villageId = a.villageId;
    assetId = a.id;
  } else {
    villageId = target.villageId;
    if (!(await villageRefs(db)).has(villageId)) throw notFound('Village');
  }
  const who = await authorize(db, actor, 'atlas.edit', { unitId: villageId });
  return keepPhoto(db, storage, 'atlas', file, async (tx, image) => {
    const [p] = await tx
      .insert(photos)
      .values({ ...image, countyId: who.countyId, villageId, buildingId, assetId, uploadedBy: who.id })
      .returning(photoColumns);
    await recordAudit(tx, who, { action: 'photo.add', entity: 'atlas_photo', entityId: p.id, details: { villageId, buildingId, assetId, bytes: p.bytes } });
    return p;
  });
}

export async function getPhoto(db: Db, storage: FileStorage, actor: Actor | null, id: string, size: 'thumb' | 'full') {
  const [p] = await db.select().from(photos).where(eq(photos.id, id));
  if (!p) throw notFound('Photo');
  const vis = await visibleVillages(db, actor);
  if (!vis.set.has(p.villageId)) throw notFound('Photo');
  return { ...(await photoBytes(storage, p, size)), public: vis.published.has(p.villageId) };
}
