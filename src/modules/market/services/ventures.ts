import { and, eq, inArray } from 'drizzle-orm';
import type { Db } from '../../../db/handle.ts';
import { marketShops } from '../schema.ts';

/** Which of these organizations keep a shop in the county's market (for an entrepreneur's profile). */
export async function shopOrgIds(db: Db, countyId: string, orgIds: readonly string[]): Promise<string[]> {
  if (!orgIds.length) return [];
  const rows = await db.select({ orgId: marketShops.orgId }).from(marketShops).where(and(eq(marketShops.countyId, countyId), inArray(marketShops.orgId, [...orgIds])));
  return rows.map((r) => r.orgId);
}
