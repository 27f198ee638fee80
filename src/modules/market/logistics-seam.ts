// What logistics needs of Market (read through market's index.ts): paid orders waiting to leave their producer's
// village, with the village and the parcel's weight, and whether a user may see an order's delivery.
import { and, eq, inArray, sql } from 'drizzle-orm';
import type { Db } from '../../db/handle.ts';
import { organizations } from '../governance/index.ts';
import { marketOrderItems, marketOrders, marketVariants } from './schema.ts';

/** Grams counted for a line whose variant has no weight. */
const DEFAULT_LINE_G = 500;

/** Paid (or packed) orders of a county's producers: id, producer organization, its unit, weight in kg, paid at. */
export async function paidOrdersForPickup(db: Db, countyId: string) {
  const rows = await db
    .select({
      id: marketOrders.id,
      orgId: marketOrders.orgId,
      unitId: organizations.unitId,
      paidAt: marketOrders.paidAt,
      grams: sql<number>`coalesce(sum(${marketOrderItems.qty} * coalesce(${marketVariants.weightG}, ${DEFAULT_LINE_G})), 0)::int`,
    })
    .from(marketOrders)
    .innerJoin(organizations, eq(organizations.id, marketOrders.orgId))
    .innerJoin(marketOrderItems, and(eq(marketOrderItems.orderId, marketOrders.id), eq(marketOrderItems.countyId, marketOrders.countyId)))
    .leftJoin(marketVariants, and(eq(marketVariants.id, marketOrderItems.variantId), eq(marketVariants.countyId, marketOrderItems.countyId)))
    .where(and(eq(marketOrders.countyId, countyId), inArray(marketOrders.status, ['paid', 'packed'])))
    .groupBy(marketOrders.id, marketOrders.orgId, organizations.unitId, marketOrders.paidAt);
  return rows.map((r) => ({ ...r, weightKg: Math.max(0.1, Math.round(r.grams / 100) / 10) }));
}

/** The order's buyer and county, or null when there is no such order. */
export async function orderParties(db: Db, orderId: string) {
  const [o] = await db.select({ buyerId: marketOrders.buyerId, orgId: marketOrders.orgId, countyId: marketOrders.countyId, status: marketOrders.status }).from(marketOrders).where(eq(marketOrders.id, orderId));
  return o ?? null;
}
