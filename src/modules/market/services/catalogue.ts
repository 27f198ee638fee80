import { randomInt } from 'node:crypto';
import { and, asc, desc, eq, sql } from 'drizzle-orm';
import type { Db } from '../../../db/handle.ts';
import { displayPinyin, textMatches, searchText } from '../../../db/search-text.ts';
import { badRequest, conflict, notFound } from '../../../server/problems.ts';
import { changedFields, recordAudit } from '../../../server/audit.ts';
import { authorize, type Actor } from '../../governance/index.ts';
import { marketBatches, marketProductPhotos, marketProducts, marketVariants, type ProductKind } from '../schema.ts';
import { isValidGtin, placeholderGtin } from '../trace.ts';
import { photoColumns } from './photos.ts';
import { producerOf, producers } from './producers.ts';

// ---------------------------------------------------------------- catalogue

export async function listProducts(
  db: Db,
  filter: { q?: string; kind?: ProductKind; orgId?: string; season?: string; limit: number; offset: number; includeOffSale?: boolean },
) {
  const where = and(
    filter.includeOffSale ? undefined : eq(marketProducts.active, true),
    filter.kind ? eq(marketProducts.kind, filter.kind) : undefined,
    filter.orgId ? eq(marketProducts.orgId, filter.orgId) : undefined,
    filter.season ? eq(marketProducts.season, filter.season) : undefined,
    filter.q
      ? // Name and variety in Chinese, pinyin ("yinhou", "yin hou") or initials ("syyh"); grade, season and the
        // description as typed: all in the one indexed search text.
        textMatches(marketProducts.searchText, filter.q)
      : undefined,
  );
  const rows = await db
    .select({
      id: marketProducts.id,
      orgId: marketProducts.orgId,
      kind: marketProducts.kind,
      name: marketProducts.name,
      nameEn: marketProducts.nameEn,
      variety: marketProducts.variety,
      grade: marketProducts.grade,
      season: marketProducts.season,
      photoUrl: marketProducts.photoUrl,
      photoId: sql<string | null>`(select ${marketProductPhotos.id} from ${marketProductPhotos} where ${marketProductPhotos.productId} = ${marketProducts.id} order by ${marketProductPhotos.position}, ${marketProductPhotos.createdAt}, ${marketProductPhotos.id} limit 1)`,
      active: marketProducts.active,
      minPriceFen: sql<number>`min(${marketVariants.priceFen})::int`,
      stock: sql<number>`coalesce(sum(${marketVariants.stock}), 0)::int`,
    })
    .from(marketProducts)
    .leftJoin(marketVariants, and(eq(marketVariants.countyId, marketProducts.countyId), eq(marketVariants.productId, marketProducts.id), eq(marketVariants.active, true)))
    .where(where)
    .groupBy(marketProducts.countyId, marketProducts.id)
    .orderBy(asc(marketProducts.createdAt), asc(marketProducts.id))
    .limit(filter.limit)
    .offset(filter.offset);
  const orgs = await producers(db);
  return {
    items: rows.map((r) => ({ ...r, namePinyin: displayPinyin(r.name), producer: orgs.get(r.orgId)?.name ?? '', village: orgs.get(r.orgId)?.unitName ?? '' })),
  };
}

const variantColumns = {
  id: marketVariants.id,
  label: marketVariants.label,
  weightG: marketVariants.weightG,
  priceFen: marketVariants.priceFen,
  stock: marketVariants.stock,
  batchId: marketVariants.batchId,
  active: marketVariants.active,
};

/** What the catalogue's search matches for a product: name and variety in Chinese, pinyin and initials; grade, season, description. */
export const productSearchText = (p: { name: string; nameEn?: string | null; variety?: string | null; grade?: string | null; season?: string | null; description?: string | null }) =>
  searchText([p.name, p.variety ?? ''], [p.nameEn ?? '', p.grade ?? '', p.season ?? '', p.description ?? '']);

/** Rewrites the search text of products where it is missing or was computed by an older rule (at start; a no-op once done). */
export async function backfillProductSearch(db: Db) {
  const rows = await db.select().from(marketProducts);
  const stale = rows.filter((p) => p.searchText !== productSearchText(p));
  for (const p of stale) await db.update(marketProducts).set({ searchText: productSearchText(p) }).where(and(eq(marketProducts.countyId, p.countyId), eq(marketProducts.id, p.id)));
  return stale.length;
}

/** A product's page. The public sees its variants on sale; its producer (`allVariants`) sees every variant. */
export async function getProduct(db: Db, id: string, options: { allVariants?: boolean } = {}) {
  const [p] = await db.select().from(marketProducts).where(eq(marketProducts.id, id));
  if (!p) throw notFound('Product');
  const org = await producerOf(db, p.orgId);
  const variants = await db.select(variantColumns).from(marketVariants).where(eq(marketVariants.productId, id)).orderBy(asc(marketVariants.priceFen));
  const batches = await db
    .select({ id: marketBatches.id, lot: marketBatches.lot, harvestDate: marketBatches.harvestDate })
    .from(marketBatches)
    .where(eq(marketBatches.productId, id))
    .orderBy(desc(marketBatches.createdAt));
  const photos = await db
    .select(photoColumns)
    .from(marketProductPhotos)
    .where(eq(marketProductPhotos.productId, id))
    .orderBy(asc(marketProductPhotos.position), asc(marketProductPhotos.createdAt), asc(marketProductPhotos.id));
  return {
    id: p.id,
    orgId: p.orgId,
    producer: org.name,
    village: org.unitName,
    kind: p.kind,
    name: p.name,
    nameEn: p.nameEn,
    namePinyin: displayPinyin(p.name),
    description: p.description,
    variety: p.variety,
    grade: p.grade,
    season: p.season,
    photoUrl: p.photoUrl,
    gtin: p.gtin,
    active: p.active,
    variants: options.allVariants ? variants : variants.filter((v) => v.active),
    batches,
    photos,
  };
}

/** The producer's view of a product: every variant, on sale or not. */
export async function getProductForSeller(db: Db, actor: Actor | null, id: string) {
  await productInScope(db, actor, id);
  return getProduct(db, id, { allVariants: true });
}

/** The producer's own catalogue: every product, on sale or not (the public catalogue shows only those on sale). */
export async function listShopProducts(db: Db, actor: Actor | null, orgId: string) {
  await authorize(db, actor, 'market.sell', { orgId });
  return listProducts(db, { orgId, includeOffSale: true, limit: 500, offset: 0 });
}

export async function productInScope(db: Db, actor: Actor | null, productId: string) {
  const [p] = await db.select().from(marketProducts).where(eq(marketProducts.id, productId));
  if (!p) throw notFound('Product');
  const who = await authorize(db, actor, 'market.sell', { orgId: p.orgId });
  return { who, product: p };
}

export interface VariantInput {
  label: string;
  weightG?: number | null;
  priceFen: number;
  stock: number;
}

export async function createProduct(
  db: Db,
  actor: Actor | null,
  input: {
    orgId: string;
    kind: ProductKind;
    name: string;
    nameEn?: string | null;
    description?: string;
    variety?: string | null;
    grade?: string | null;
    season?: string | null;
    photoUrl?: string | null;
    gtin?: string;
    variants: VariantInput[];
  },
) {
  const who = await authorize(db, actor, 'market.sell', { orgId: input.orgId });
  await producerOf(db, input.orgId);
  if (input.gtin && !isValidGtin(input.gtin)) throw badRequest('body/gtin', 'Not a GTIN-14 with a valid check digit');
  return db.transaction(async (tx) => {
    const [product] = await tx
      .insert(marketProducts)
      .values({
        countyId: who.countyId,
        orgId: input.orgId,
        kind: input.kind,
        name: input.name,
        nameEn: input.nameEn || null,
        description: input.description ?? '',
        variety: input.variety ?? null,
        grade: input.grade ?? null,
        season: input.season ?? null,
        photoUrl: input.photoUrl ?? null,
        gtin: input.gtin ?? placeholderGtin(randomInt),
        searchText: productSearchText(input),
      })
      .returning();
    const variants = await tx
      .insert(marketVariants)
      .values(input.variants.map((v) => ({ countyId: product.countyId, productId: product.id, label: v.label, weightG: v.weightG ?? null, priceFen: v.priceFen, stock: v.stock })))
      .returning(variantColumns);
    await recordAudit(tx, who, { action: 'product.create', entity: 'market_product', entityId: product.id, details: { name: product.name, variants: variants.length } });
    return { ...product, variants };
  });
}

/** Changes a variant's price, availability or stock; a stock change is relative and never goes below zero. */
export async function updateVariant(
  db: Db,
  actor: Actor | null,
  variantId: string,
  patch: { label?: string; weightG?: number | null; priceFen?: number; stockDelta?: number; active?: boolean; batchId?: string | null },
) {
  const [v] = await db.select().from(marketVariants).where(eq(marketVariants.id, variantId));
  if (!v) throw notFound('Variant');
  const { who } = await productInScope(db, actor, v.productId);
  if (patch.batchId) {
    const [b] = await db.select({ productId: marketBatches.productId }).from(marketBatches).where(eq(marketBatches.id, patch.batchId));
    if (!b || b.productId !== v.productId) throw badRequest('body/batchId', 'Not a batch of this product');
  }
  return db.transaction(async (tx) => {
    const delta = patch.stockDelta ?? 0;
    const [row] = await tx
      .update(marketVariants)
      .set({
        label: patch.label,
        weightG: patch.weightG,
        priceFen: patch.priceFen,
        active: patch.active,
        batchId: patch.batchId,
        stock: sql`${marketVariants.stock} + ${delta}`,
      })
      .where(and(eq(marketVariants.id, variantId), sql`${marketVariants.stock} + ${delta} >= 0`))
      .returning(variantColumns);
    if (!row) throw conflict('stock_below_zero', 'Stock cannot go below zero', { field: 'body/stockDelta' });
    await recordAudit(tx, who, { action: 'variant.update', entity: 'market_variant', entityId: variantId, details: patch });
    return row;
  });
}

/** Changes a product's description fields or takes it off (or back onto) the catalogue. */
export async function updateProduct(
  db: Db,
  actor: Actor | null,
  productId: string,
  patch: { name?: string; nameEn?: string | null; description?: string; variety?: string | null; grade?: string | null; season?: string | null; active?: boolean },
) {
  const { who, product } = await productInScope(db, actor, productId);
  if (patch.nameEn === '') patch = { ...patch, nameEn: null };
  return db.transaction(async (tx) => {
    const [row] = await tx
      .update(marketProducts)
      .set({ ...patch, searchText: productSearchText({ ...product, ...patch }) })
      .where(eq(marketProducts.id, productId))
      .returning();
    await recordAudit(tx, who, { action: 'product.update', entity: 'market_product', entityId: productId, details: { name: row.name, ...changedFields(product, patch) } });
    return row;
  });
}

/** Adds a variant (weight, packaging, price, stock) to an existing product. */
export async function addVariant(db: Db, actor: Actor | null, productId: string, input: VariantInput) {
  const { who, product } = await productInScope(db, actor, productId);
  return db.transaction(async (tx) => {
    const [current] = await tx
      .select({ batchId: marketVariants.batchId })
      .from(marketVariants)
      .where(and(eq(marketVariants.productId, productId), sql`${marketVariants.batchId} is not null`))
      .limit(1);
    const [row] = await tx
      .insert(marketVariants)
      .values({ countyId: product.countyId, productId, label: input.label, weightG: input.weightG ?? null, priceFen: input.priceFen, stock: input.stock, batchId: current?.batchId ?? null })
      .returning(variantColumns);
    await recordAudit(tx, who, { action: 'variant.create', entity: 'market_variant', entityId: row.id, details: { productId, ...input } });
    return row;
  });
}
