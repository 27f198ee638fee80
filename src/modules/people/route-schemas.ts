// The small zod pieces every people route file uses.
import { z } from 'zod';

/** Trimmed text within bounds; database text cannot hold NUL, so it is refused here, naming the field. */
export const text = (max: number, min = 0) =>
  z
    .string()
    .trim()
    .min(min)
    .max(max)
    .refine((s) => !s.includes('\u0000'), 'No NUL characters');
export const idParams = z.strictObject({ id: z.uuid() });
export const day = z.iso.date();
/** Integer fen. */
export const fen = z.number().int().min(0).max(1e12);
