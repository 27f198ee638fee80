import { eq } from 'drizzle-orm';
import { type Db } from '../../../db/handle.ts';
import { conflict } from '../../../server/problems.ts';
import { recordAudit } from '../../../server/audit.ts';
import { type Actor } from '../../governance/index.ts';
import { reviews } from '../schema.ts';
import { bookingFor } from './bookings.ts';

// ---- reviews ----

export async function addReview(db: Db, actor: Actor | null, bookingId: string, input: { rating: number; body: string }) {
  const { who, b } = await bookingFor(db, actor, bookingId, 'guest');
  if (b.status !== 'completed') throw conflict('stay_not_completed', 'Reviews are for completed stays only');
  return db.transaction(async (tx) => {
    const [taken] = await tx.select({ id: reviews.id }).from(reviews).where(eq(reviews.bookingId, bookingId));
    if (taken) throw conflict('already_reviewed', 'This stay already has a review');
    const [review] = await tx
      .insert(reviews)
      .values({ countyId: b.countyId, innId: b.innId, bookingId, guestId: who.id, rating: input.rating, body: input.body })
      .returning();
    await recordAudit(tx, who, { action: 'review.create', entity: 'inn_review', entityId: review.id, details: { bookingId } });
    return review;
  });
}
