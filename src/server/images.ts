// sharp (libvips) loads on the first image, not when the server starts.
const loadSharp = async () => (await import('sharp')).default;
import { Problem } from './problems.ts';
import { newKey, type FileStorage } from './storage.ts';

export const PHOTO_MAX_BYTES = 10 * 1024 * 1024;
const THUMB_WIDTH = 480;
export type ImageType = 'image/jpeg' | 'image/png' | 'image/webp';

/** The image type the bytes really are, by their magic numbers. */
export function sniffImage(data: Buffer): ImageType | null {
  if (data.length >= 3 && data[0] === 0xff && data[1] === 0xd8 && data[2] === 0xff) return 'image/jpeg';
  if (data.length >= 8 && data.subarray(0, 8).equals(Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]))) return 'image/png';
  if (data.length >= 12 && data.toString('latin1', 0, 4) === 'RIFF' && data.toString('latin1', 8, 12) === 'WEBP') return 'image/webp';
  return null;
}

export interface StoredImage {
  storageKey: string;
  thumbKey: string;
  contentType: ImageType;
  bytes: number;
  width: number;
  height: number;
}

/** Checks an uploaded image (size limit, JPEG/PNG/WebP by content, the declared type matching it, readable). */
async function checkImage(file: { data: Buffer; declaredType: string }): Promise<{ type: ImageType; width: number; height: number }> {
  if (file.data.length > PHOTO_MAX_BYTES)
    throw new Problem(413, 'photo_too_large', `The photo is ${(file.data.length / 1048576).toFixed(1)} MB; the limit is ${PHOTO_MAX_BYTES / 1048576} MB`, { field: 'file' });
  const type = sniffImage(file.data);
  if (!type) throw new Problem(415, 'photo_type', 'The file is not a JPEG, PNG or WebP image', { field: 'file' });
  if (file.declaredType !== type)
    throw new Problem(415, 'photo_mislabelled', `The file says it is ${file.declaredType} but its content is ${type}`, { field: 'file' });
  try {
    const meta = await (await loadSharp())(file.data).metadata();
    return { type, width: meta.width ?? 0, height: meta.height ?? 0 };
  } catch {
    throw new Problem(415, 'photo_unreadable', `The ${type} image cannot be read (damaged or truncated)`, { field: 'file' });
  }
}

const imageKey = (prefix: string, type: ImageType) => newKey(prefix, `.${type.split('/')[1].replace('jpeg', 'jpg')}`);

/**
 * Checks an uploaded photo (checkImage: every refusal is a 413/415 naming `file`), makes a 480 px WebP thumbnail,
 * and stores both under `prefix`. The caller deletes both keys if the database write that records them fails.
 */
export async function storeImage(storage: FileStorage, prefix: string, file: { data: Buffer; declaredType: string }): Promise<StoredImage> {
  const { type, width, height } = await checkImage(file);
  let thumb: Buffer;
  try {
    thumb = await (await loadSharp())(file.data).rotate().resize({ width: THUMB_WIDTH, withoutEnlargement: true }).webp({ quality: 78 }).toBuffer();
  } catch {
    throw new Problem(415, 'photo_unreadable', `The ${type} image cannot be read (damaged or truncated)`, { field: 'file' });
  }
  const storageKey = imageKey(prefix, type);
  const thumbKey = storageKey.replace(/\.[a-z]+$/, '-thumb.webp');
  await storage.put(storageKey, file.data, type);
  await storage.put(thumbKey, thumb, 'image/webp');
  return { storageKey, thumbKey, contentType: type, bytes: file.data.length, width, height };
}

export const photoTooLarge = () =>
  new Problem(413, 'photo_too_large', `The photo is larger than the limit of ${PHOTO_MAX_BYTES / 1048576} MB`, { field: 'file' });

export const PDF_MAX_BYTES = 10 * 1024 * 1024;

/** A stored document: an image (with its thumbnail) or a PDF (no thumbnail). */
export interface StoredDocument {
  storageKey: string;
  thumbKey: string | null;
  contentType: string;
  bytes: number;
  width: number | null;
  height: number | null;
}

/**
 * Stores a drawing, certificate or test report: a PDF (recognised by its `%PDF-` signature, declared as
 * application/pdf, at most 10 MB) or else an image with the photos' checks — and their thumbnail unless
 * `thumbnail: false` (a document that is only ever opened whole).
 */
export async function storeImageOrPdf(
  storage: FileStorage,
  prefix: string,
  file: { data: Buffer; declaredType: string },
  options: { thumbnail?: boolean } = {},
): Promise<StoredDocument> {
  if (file.data.subarray(0, 5).toString('latin1') !== '%PDF-') {
    if (options.thumbnail !== false) return storeImage(storage, prefix, file);
    const { type, width, height } = await checkImage(file);
    const storageKey = imageKey(prefix, type);
    await storage.put(storageKey, file.data, type);
    return { storageKey, thumbKey: null, contentType: type, bytes: file.data.length, width, height };
  }
  if (file.data.length > PDF_MAX_BYTES) throw new Problem(413, 'file_too_large', `The PDF is larger than ${PDF_MAX_BYTES / 1048576} MB`, { field: 'file' });
  if (file.declaredType !== 'application/pdf')
    throw new Problem(415, 'file_mislabelled', `The file says it is ${file.declaredType} but its content is application/pdf`, { field: 'file' });
  const storageKey = newKey(prefix, '.pdf');
  await storage.put(storageKey, file.data, 'application/pdf');
  return { storageKey, thumbKey: null, contentType: 'application/pdf', bytes: file.data.length, width: null, height: null };
}

/** The 413 of an upload that may be an image or a PDF. */
export const documentTooLarge = () =>
  new Problem(413, 'file_too_large', `The file is larger than the limit of ${Math.max(PHOTO_MAX_BYTES, PDF_MAX_BYTES) / 1048576} MB`, { field: 'file' });
