import { and, desc, eq, inArray, sql } from 'drizzle-orm';
import { firstIds } from '../../../db/aggregates.ts';
import type { Db } from '../../../db/handle.ts';
import { queryRows } from '../../../db/handle.ts';
import { authorize, type Actor } from '../../governance/index.ts';
import { marketOrders, type OrderStatus } from '../schema.ts';
import { GENESIS_HASH } from '../trace.ts';
import { shopSettings } from './producers.ts';

// ---------------------------------------------------------------- dashboard

export async function dashboard(db: Db, actor: Actor | null, orgId: string, days = 30) {
  await authorize(db, actor, 'market.sell', { orgId });
  const shop = await shopSettings(db, orgId);
  const since = new Date(Date.now() - days * 86_400_000).toISOString();
  const byDay = await queryRows<{ day: string; orders: number; revenue_fen: number }>(
    db,
    sql`select to_char(paid_at at time zone 'Asia/Shanghai', 'YYYY-MM-DD') as day, count(*)::int as orders, sum(total_fen)::int as revenue_fen
        from market_orders where org_id = ${orgId} and paid_at is not null and status not in ('refunded', 'cancelled') and paid_at >= ${since}::timestamptz
        group by 1 order by 1`,
  );
  const byProduct = await queryRows<{ product: string; qty: number; revenue_fen: number }>(
    db,
    sql`select i.product_name as product, sum(i.qty)::int as qty, sum(i.line_fen)::int as revenue_fen
        from market_order_items i join market_orders o on o.id = i.order_id
        where o.org_id = ${orgId} and o.paid_at is not null and o.status not in ('refunded', 'cancelled') and o.paid_at >= ${since}::timestamptz
        group by 1 order by 3 desc`,
  );
  const stock = await queryRows<{ variant_id: string; product: string; label: string; stock: number; held: number; sold: number }>(
    db,
    sql`select v.id as variant_id, p.name as product, v.label, v.stock,
               coalesce(sum(r.qty) filter (where r.status = 'held'), 0)::int as held,
               coalesce(sum(r.qty) filter (where r.status = 'sold'), 0)::int as sold
        from market_variants v join market_products p on p.county_id = v.county_id and p.id = v.product_id
        left join market_reservations r on r.county_id = v.county_id and r.variant_id = v.id
        where p.org_id = ${orgId} and v.active
        group by v.id, p.name, v.label, v.stock order by p.name, v.label`,
  );
  const statuses = await queryRows<{ status: OrderStatus; n: number }>(
    db,
    sql`select status, count(*)::int as n from market_orders where org_id = ${orgId} group by status`,
  );
  return {
    days,
    lowStockThreshold: shop.lowStockThreshold,
    salesByDay: byDay.map((d) => ({ day: d.day, orders: d.orders, revenueFen: d.revenue_fen })),
    salesByProduct: byProduct.map((p) => ({ product: p.product, qty: p.qty, revenueFen: p.revenue_fen })),
    stock: stock.map((s) => ({ variantId: s.variant_id, product: s.product, label: s.label, stock: s.stock, held: s.held, sold: s.sold, low: s.stock <= shop.lowStockThreshold })),
    ordersByStatus: Object.fromEntries(statuses.map((s) => [s.status, s.n])),
  };
}

export { GENESIS_HASH };

/** Paid sales (goods, without shipping) per producer over [from, to) by payment time, for the Indicators. */
export async function salesByProducer(db: Db, countyId: string, from: Date, to: Date) {
  return db
    .select({
      orgId: marketOrders.orgId,
      orders: sql<number>`count(*)::int`,
      salesFen: sql<number>`sum(${marketOrders.subtotalFen})::bigint`,
      ids: firstIds(marketOrders.id),
    })
    .from(marketOrders)
    .where(
      and(
        eq(marketOrders.countyId, countyId),
        inArray(marketOrders.status, ['paid', 'packed', 'shipped', 'delivered', 'completed']),
        sql`${marketOrders.paidAt} >= ${from.toISOString()} and ${marketOrders.paidAt} < ${to.toISOString()}`,
      ),
    )
    .groupBy(marketOrders.orgId);
}
