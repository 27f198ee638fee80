import { eq, sql } from 'drizzle-orm';
import type { Db } from '../../../db/handle.ts';
import { notFound } from '../../../server/problems.ts';
import { recordAudit } from '../../../server/audit.ts';
import { authorize, requireActor, type Actor } from '../../governance/index.ts';
import { listOrganizations } from '../../governance/index.ts';
import { marketProducts, marketShops } from '../schema.ts';
import { listProducts } from './catalogue.ts';
import { PRODUCER_KINDS, REMOTE_PROVINCES } from './common.ts';

// ---------------------------------------------------------------- producers

export async function producers(db: Db) {
  const orgs = await listOrganizations(db, {});
  return new Map(orgs.filter((o) => (PRODUCER_KINDS as readonly string[]).includes(o.kind)).map((o) => [o.id, o]));
}

export async function producerOf(db: Db, orgId: string) {
  const org = (await producers(db)).get(orgId);
  if (!org) throw notFound('Producer');
  return org;
}

/** A producer's shop settings; a producer who never saved any has these (the table's column defaults, which
 * `market_price_cart` in migration 0003 also falls back to). */
const DEFAULT_SHOP = { intro: '', shippingBaseFen: 1000, freeShippingOverFen: null as number | null, remoteSurchargeFen: 1500, lowStockThreshold: 10 };

export async function shopSettings(db: Db, orgId: string) {
  const [shop] = await db.select().from(marketShops).where(eq(marketShops.orgId, orgId));
  return shop ?? { orgId, ...DEFAULT_SHOP };
}

/** Whether an address is in a remote province (the shop's surcharge applies; the rule is in `market_price_cart`). */
export const isRemote = (province: string) => REMOTE_PROVINCES.some((p) => province.startsWith(p));

/** Producers (organizations that sell) for the market's front page, with how many products each offers. */
export async function listShops(db: Db) {
  const counts = await db
    .select({ orgId: marketProducts.orgId, n: sql<number>`count(*)::int` })
    .from(marketProducts)
    .where(eq(marketProducts.active, true))
    .groupBy(marketProducts.orgId);
  const byOrg = new Map(counts.map((c) => [c.orgId, c.n]));
  return [...(await producers(db)).values()].map((o) => ({ ...o, products: byOrg.get(o.id) ?? 0 }));
}

export async function getShop(db: Db, orgId: string) {
  const org = await producerOf(db, orgId);
  const shop = await shopSettings(db, orgId);
  const products = await listProducts(db, { orgId, limit: 100, offset: 0 });
  return { ...org, intro: shop.intro, shipping: { baseFen: shop.shippingBaseFen, freeOverFen: shop.freeShippingOverFen, remoteSurchargeFen: shop.remoteSurchargeFen, remoteProvinces: REMOTE_PROVINCES }, products: products.items };
}

/** The shops the actor sells for (producer grants), for the producer's pages. */
export async function myShops(db: Db, actor: Actor | null) {
  const who = requireActor(actor);
  const all = await producers(db);
  const isAdmin = who.grants.some((g) => g.role === 'county_admin');
  return [...all.values()].filter((o) => isAdmin || who.grants.some((g) => g.role === 'producer' && g.orgId === o.id));
}

export async function updateShop(
  db: Db,
  actor: Actor | null,
  orgId: string,
  patch: { intro?: string; shippingBaseFen?: number; freeShippingOverFen?: number | null; remoteSurchargeFen?: number; lowStockThreshold?: number },
) {
  const who = await authorize(db, actor, 'market.sell', { orgId });
  await producerOf(db, orgId);
  return db.transaction(async (tx) => {
    const [row] = await tx
      .insert(marketShops)
      .values({ orgId, countyId: who.countyId, ...patch })
      .onConflictDoUpdate({ target: [marketShops.countyId, marketShops.orgId], set: patch })
      .returning();
    await recordAudit(tx, who, { action: 'shop.update', entity: 'market_shop', entityId: orgId, details: patch });
    return row;
  });
}
