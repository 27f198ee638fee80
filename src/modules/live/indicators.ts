// What live sales tell the Indicators module: paid flash-sale revenue per producer, with the claims it came from.
import { firstIds } from '../../db/aggregates.ts';
import { and, eq, gte, lt, sql } from 'drizzle-orm';
import type { Db } from '../../db/handle.ts';
import { liveFlashClaims, liveFlashOffers, liveSessions } from './schema.ts';

/** Paid flash claims in the period (by when they were made), per organization that went live. */
export async function liveRevenueByProducer(db: Db, countyId: string, from: Date, to: Date) {
  return db
    .select({
      orgId: liveSessions.orgId,
      revenueFen: sql<number>`sum(${liveFlashClaims.amountFen})::bigint`,
      claims: sql<number>`count(*)::int`,
      ids: firstIds(liveFlashClaims.id),
    })
    .from(liveFlashClaims)
    .innerJoin(liveFlashOffers, and(eq(liveFlashOffers.countyId, liveFlashClaims.countyId), eq(liveFlashOffers.id, liveFlashClaims.offerId)))
    .innerJoin(liveSessions, and(eq(liveSessions.countyId, liveFlashOffers.countyId), eq(liveSessions.id, liveFlashOffers.sessionId)))
    .where(and(eq(liveFlashClaims.countyId, countyId), eq(liveFlashClaims.status, 'paid'), gte(liveFlashClaims.createdAt, from), lt(liveFlashClaims.createdAt, to)))
    .groupBy(liveSessions.orgId);
}
