// The zod pieces the people route files share: bounded inputs, and the reply shapes more than one file answers with.
import { z } from 'zod';
import { APPRENTICESHIP_STATUSES, ARTISAN_LEVELS } from './schema.ts';

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

// ---- masters, apprentices and their sessions ----

export const artisanReply = z.object({
  id: z.uuid(),
  publicName: z.string(),
  craft: z.string(),
  craftAssetId: z.uuid().nullable(),
  level: z.enum(ARTISAN_LEVELS),
  orgId: z.uuid().nullable(),
  bio: z.string(),
  places: z.number(),
  villageId: z.uuid(),
});
export const apprenticeshipReply = z.object({ id: z.uuid(), artisanId: z.uuid(), status: z.enum(APPRENTICESHIP_STATUSES) });
export const sessionReply = z.object({ id: z.uuid(), heldOn: z.string(), minutes: z.number(), skills: z.string(), note: z.string() });
export const photoRef = z.object({ id: z.uuid(), caption: z.string() });
export const sessionWithPhotos = sessionReply.extend({ photos: z.array(photoRef) });
export const milestoneReply = z.object({ id: z.uuid(), skill: z.string(), reachedOn: z.string(), note: z.string() });
/** An apprenticeship's progress: its hours, sessions with photos and milestones. */
export const apprenticeProgress = z.object({ id: z.uuid(), status: z.enum(APPRENTICESHIP_STATUSES), minutes: z.number(), sessions: z.array(sessionWithPhotos), milestones: z.array(milestoneReply) });
