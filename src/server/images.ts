import sharp from 'sharp';
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

/**
 * Checks an uploaded photo (size limit, JPEG/PNG/WebP by content, the declared type matching it, readable),
 * makes a 480 px WebP thumbnail, and stores both under `prefix`. Every refusal is a 413/415 naming `file`.
 * The caller deletes both keys if the database write that records them fails.
 */
export async function storeImage(storage: FileStorage, prefix: string, file: { data: Buffer; declaredType: string }): Promise<StoredImage> {
  if (file.data.length > PHOTO_MAX_BYTES)
    throw new Problem(413, 'photo_too_large', `The photo is ${(file.data.length / 1048576).toFixed(1)} MB; the limit is ${PHOTO_MAX_BYTES / 1048576} MB`, { field: 'file' });
  const actual = sniffImage(file.data);
  if (!actual) throw new Problem(415, 'photo_type', 'The file is not a JPEG, PNG or WebP image', { field: 'file' });
  if (file.declaredType !== actual)
    throw new Problem(415, 'photo_mislabelled', `The file says it is ${file.declaredType} but its content is ${actual}`, { field: 'file' });
  let width: number;
  let height: number;
  let thumb: Buffer;
  try {
    const meta = await sharp(file.data).metadata();
    width = meta.width ?? 0;
    height = meta.height ?? 0;
    thumb = await sharp(file.data).rotate().resize({ width: THUMB_WIDTH, withoutEnlargement: true }).webp({ quality: 78 }).toBuffer();
  } catch {
    throw new Problem(415, 'photo_unreadable', `The ${actual} image cannot be read (damaged or truncated)`, { field: 'file' });
  }
  const ext = actual.split('/')[1].replace('jpeg', 'jpg');
  const storageKey = newKey(prefix, `.${ext}`);
  const thumbKey = storageKey.replace(/\.[a-z]+$/, '-thumb.webp');
  await storage.put(storageKey, file.data, actual);
  await storage.put(thumbKey, thumb, 'image/webp');
  return { storageKey, thumbKey, contentType: actual, bytes: file.data.length, width, height };
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
 * application/pdf, at most 10 MB) or else an image through `storeImage` (same checks and thumbnail).
 */
export async function storeImageOrPdf(storage: FileStorage, prefix: string, file: { data: Buffer; declaredType: string }): Promise<StoredDocument> {
  if (file.data.subarray(0, 5).toString('latin1') !== '%PDF-') return storeImage(storage, prefix, file);
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
