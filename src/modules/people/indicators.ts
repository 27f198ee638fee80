// What People tells the Indicators module: counts per village, with the records they were counted from.
import { firstIds } from '../../db/aggregates.ts';
import { and, eq, inArray, lt, or, gte, sql } from 'drizzle-orm';
import type { Db } from '../../db/handle.ts';
import { apprenticeships, artisans, residents } from './schema.ts';

/** Residents who had come back to their village by the end of the period (status `returned`, since before `to`). */
export async function returneesByVillage(db: Db, countyId: string, to: string) {
  return db
    .select({
      villageId: residents.villageId,
      returnees: sql<number>`count(*)::int`,
      ids: firstIds(residents.id),
    })
    .from(residents)
    .where(and(eq(residents.countyId, countyId), eq(residents.status, 'returned'), or(sql`${residents.statusSince} is null`, lt(residents.statusSince, to))))
    .groupBy(residents.villageId);
}

/**
 * Apprenticeships running at some time in the period, counted in the master's village: begun before its end, and
 * still active or completed within it.
 */
export async function apprenticeshipsByVillage(db: Db, countyId: string, from: Date, to: Date) {
  return db
    .select({
      villageId: residents.villageId,
      apprenticeships: sql<number>`count(*)::int`,
      ids: firstIds(apprenticeships.id),
    })
    .from(apprenticeships)
    .innerJoin(artisans, and(eq(artisans.countyId, apprenticeships.countyId), eq(artisans.id, apprenticeships.artisanId)))
    .innerJoin(residents, and(eq(residents.countyId, artisans.countyId), eq(residents.id, artisans.residentId)))
    .where(
      and(
        eq(apprenticeships.countyId, countyId),
        inArray(apprenticeships.status, ['active', 'completed']),
        lt(apprenticeships.createdAt, to),
        or(eq(apprenticeships.status, 'active'), gte(apprenticeships.updatedAt, from)),
      ),
    )
    .groupBy(residents.villageId);
}
