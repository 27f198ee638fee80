/**
 * One way to keep photos, for every module: store the checked image and its thumbnail, record the row in the same
 * step (the files go again if the row cannot be written), serve either size, and remove the files once the row is
 * gone. The row's shape is `photoFileColumns()` (src/db/columns.ts) plus the module's owner columns.
 */
import type { Db } from '../db/handle.ts';
import { storeImage, type StoredImage } from './images.ts';
import { notFound } from './problems.ts';
import type { FileStorage } from './storage.ts';

export interface PhotoFiles {
  storageKey: string;
  thumbKey: string;
  contentType: string;
}

export interface PhotoUpload {
  data: Buffer;
  declaredType: string;
  caption?: string;
}

/**
 * Checks and stores an uploaded photo under `prefix` (413/415 naming `file` from storeImage), then runs `record`
 * in one transaction with the image's columns, ready to insert (`caption` included). If the transaction fails, the
 * stored files are deleted and the error goes on.
 */
export async function addPhoto<T>(
  db: Db,
  storage: FileStorage,
  prefix: string,
  file: PhotoUpload,
  record: (tx: Db, image: StoredImage & { caption: string }) => Promise<T>,
): Promise<T> {
  const image = await storeImage(storage, prefix, file);
  try {
    return await db.transaction((tx) => record(tx, { ...image, caption: file.caption ?? '' }));
  } catch (error) {
    await removePhotoFiles(storage, image);
    throw error;
  }
}

/** A photo's bytes in either size: the thumbnail is always WebP. A row whose file is gone is a 404. */
export async function photoBytes(storage: FileStorage, photo: PhotoFiles | undefined, size: 'thumb' | 'full') {
  if (!photo) throw notFound('Photo');
  const data = await storage.get(size === 'thumb' ? photo.thumbKey : photo.storageKey);
  if (!data) throw notFound('Photo file');
  return { data, contentType: size === 'thumb' ? 'image/webp' : photo.contentType };
}

/**
 * Deletes a photo's files, after the removal of its row is committed. A file left behind by a failed delete is
 * only wasted space; the photo is gone either way, so this never throws.
 */
export async function removePhotoFiles(storage: FileStorage, photo: Pick<PhotoFiles, 'storageKey' | 'thumbKey'>) {
  await Promise.all([storage.delete(photo.storageKey), storage.delete(photo.thumbKey)]).catch(() => {});
}
