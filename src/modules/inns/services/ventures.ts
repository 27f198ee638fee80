import { and, eq, inArray } from 'drizzle-orm';
import type { Db } from '../../../db/handle.ts';
import { inns } from '../schema.ts';

/** The inns these organizations run (for an entrepreneur's profile). */
export async function innsOfOrgs(db: Db, countyId: string, orgIds: readonly string[]): Promise<{ id: string; orgId: string; name: string }[]> {
  if (!orgIds.length) return [];
  return db.select({ id: inns.id, orgId: inns.orgId, name: inns.name }).from(inns).where(and(eq(inns.countyId, countyId), inArray(inns.orgId, [...orgIds])));
}
