// What People tells the Indicators module: counts per village, with the records they were counted from.
import { and, eq, inArray, lt, or, gte, sql } from 'drizzle-orm';
import type { Db } from '../../db/handle.ts';
import { apprenticeships, artisans, residents } from './schema.ts';

/** At most this many record ids are kept as a value's provenance (the count is always whole). */
export const PROVENANCE_IDS = 200;

/** Residents who had come back to their village by the end of the period (status `returned`, since before `to`). */
export async function returneesByVillage(db: Db, countyId: string, to: string) {
  return db
    .select({
      villageId: residents.villageId,
      returnees: sql<number>`count(*)::int`,
      ids: sql<string[]>`(array_agg(${residents.id}::text order by ${residents.id}))[1:${sql.raw(String(PROVENANCE_IDS))}]`,
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
      ids: sql<string[]>`(array_agg(${apprenticeships.id}::text order by ${apprenticeships.id}))[1:${sql.raw(String(PROVENANCE_IDS))}]`,
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
