import { asc, eq, sql } from 'drizzle-orm';
import type { Db } from '../../../db/handle.ts';
import { addPhoto, photoBytes, removePhotoFiles } from '../../../server/photos.ts';
import { badRequest, notFound } from '../../../server/problems.ts';
import type { FileStorage } from '../../../server/storage.ts';
import { recordAudit } from '../../../server/audit.ts';
import { type Actor } from '../../governance/index.ts';
import { marketProductPhotos } from '../schema.ts';
import { productInScope } from './catalogue.ts';

// ---------------------------------------------------------------- product photos

export const photoColumns = {
  id: marketProductPhotos.id,
  productId: marketProductPhotos.productId,
  contentType: marketProductPhotos.contentType,
  bytes: marketProductPhotos.bytes,
  width: marketProductPhotos.width,
  height: marketProductPhotos.height,
  caption: marketProductPhotos.caption,
  createdAt: marketProductPhotos.createdAt,
};

/** Stores a checked photo of a product (413/415 from storeImage) and records it; the producer's market.sell permission. */
export async function addProductPhoto(
  db: Db,
  storage: FileStorage,
  actor: Actor | null,
  productId: string,
  file: { data: Buffer; declaredType: string; caption?: string },
) {
  const { who, product } = await productInScope(db, actor, productId);
  return addPhoto(db, storage, 'market', file, async (tx, image) => {
    const [p] = await tx
      .insert(marketProductPhotos)
      .values({
        ...image,
        countyId: product.countyId,
        productId,
        // After the product's other photos.
        position: sql`(select coalesce(max(${marketProductPhotos.position}), -1) + 1 from ${marketProductPhotos} where ${marketProductPhotos.productId} = ${productId})`,
        uploadedBy: who.id,
      })
      .returning(photoColumns);
    await recordAudit(tx, who, { action: 'photo.add', entity: 'market_product_photo', entityId: p.id, details: { productId, bytes: p.bytes } });
    return p;
  });
}

/** Removes a product photo (its files go after the row, once the removal is committed). */
export async function deleteProductPhoto(db: Db, storage: FileStorage, actor: Actor | null, photoId: string) {
  const [photo] = await db.select().from(marketProductPhotos).where(eq(marketProductPhotos.id, photoId));
  if (!photo) throw notFound('Photo');
  const { who } = await productInScope(db, actor, photo.productId);
  await db.transaction(async (tx) => {
    const gone = await tx.delete(marketProductPhotos).where(eq(marketProductPhotos.id, photoId)).returning({ id: marketProductPhotos.id });
    if (gone.length === 0) throw notFound('Photo');
    await recordAudit(tx, who, { action: 'photo.delete', entity: 'market_product_photo', entityId: photoId, details: { productId: photo.productId } });
  });
  await removePhotoFiles(storage, photo);
}

/** Puts a product's photos in the order given (the first is the catalogue's cover); the list must be all of them. */
export async function orderProductPhotos(db: Db, actor: Actor | null, productId: string, photoIds: string[]) {
  const { who } = await productInScope(db, actor, productId);
  return db.transaction(async (tx) => {
    const current = await tx.select({ id: marketProductPhotos.id }).from(marketProductPhotos).where(eq(marketProductPhotos.productId, productId)).for('update');
    const have = new Set(current.map((c) => c.id));
    if (photoIds.length !== have.size || new Set(photoIds).size !== photoIds.length || photoIds.some((id) => !have.has(id))) {
      throw badRequest('body/photoIds', 'Give every photo of the product exactly once');
    }
    await tx
      .update(marketProductPhotos)
      .set({ position: sql`array_position(${`{${photoIds.join(',')}}`}::uuid[], ${marketProductPhotos.id}) - 1` })
      .where(eq(marketProductPhotos.productId, productId));
    await recordAudit(tx, who, { action: 'photo.reorder', entity: 'market_product', entityId: productId, details: { photoIds } });
    return tx
      .select(photoColumns)
      .from(marketProductPhotos)
      .where(eq(marketProductPhotos.productId, productId))
      .orderBy(asc(marketProductPhotos.position), asc(marketProductPhotos.createdAt));
  });
}

/** A product photo's bytes (public, like the catalogue). */
export async function getProductPhoto(db: Db, storage: FileStorage, id: string, size: 'thumb' | 'full') {
  const [p] = await db.select().from(marketProductPhotos).where(eq(marketProductPhotos.id, id));
  return photoBytes(storage, p, size);
}
