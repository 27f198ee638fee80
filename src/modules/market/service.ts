import { randomInt } from 'node:crypto';
import { uuidv7 } from 'uuidv7';
import { and, asc, desc, eq, ilike, inArray, or, sql } from 'drizzle-orm';
import type { Db } from '../../db/handle.ts';
import { namedQuery, queryRows } from '../../db/handle.ts';
import { likePatterns, searchText } from '../../db/search-text.ts';
import { storeImage, storeImageOrPdf } from '../../server/images.ts';
import { badRequest, conflict, notFound } from '../../server/problems.ts';
import type { FileStorage } from '../../server/storage.ts';
import { recordAudit } from '../../server/audit.ts';
import { authorize, requireActor, type Actor } from '../governance/index.ts';
import { getUnit, listOrganizations } from '../governance/index.ts';
import { createPayment, getPaymentRecord, refundPayment, registerPaymentPurpose } from '../payments/index.ts';
import { notify } from '../notifications/index.ts';
import {
  marketBatches,
  marketGardens,
  marketOrderItems,
  marketOrders,
  marketProductPhotos,
  marketProducts,
  marketReservations,
  marketShops,
  marketTraceDocuments,
  marketTraceEvents,
  marketVariants,
  type OrderStatus,
  type ProductKind,
  type ShippingAddress,
  type TraceKind,
} from './schema.ts';
import { digitalLinkPath, eventHash, GENESIS_HASH, isValidGtin, placeholderGtin, sha256Hex, verifyChain } from './trace.ts';

/** How long checkout holds stock for an unpaid order. */
export const reservationMinutes = () => Number(process.env.MARKET_RESERVATION_MINUTES ?? 15);

const PRODUCER_KINDS = ['cooperative', 'family_farm', 'workshop', 'company'] as const;
/** Provinces far from Zhejiang's couriers' cheap routes: the shop's remote surcharge applies. */
export const REMOTE_PROVINCES = ['新疆', '西藏', '青海', '内蒙古', '宁夏', '甘肃', '海南'];

// ---------------------------------------------------------------- producers

async function producers(db: Db) {
  const orgs = await listOrganizations(db, {});
  return new Map(orgs.filter((o) => (PRODUCER_KINDS as readonly string[]).includes(o.kind)).map((o) => [o.id, o]));
}

async function producerOf(db: Db, orgId: string) {
  const org = (await producers(db)).get(orgId);
  if (!org) throw notFound('Producer');
  return org;
}

/** A producer's shop settings; a producer who never saved any has these (the table's column defaults, which
 * `market_price_cart` in migration 0003 also falls back to). */
const DEFAULT_SHOP = { intro: '', shippingBaseFen: 1000, freeShippingOverFen: null as number | null, remoteSurchargeFen: 1500, lowStockThreshold: 10 };

async function shopSettings(db: Db, orgId: string) {
  const [shop] = await db.select().from(marketShops).where(eq(marketShops.orgId, orgId));
  return shop ?? { orgId, ...DEFAULT_SHOP };
}

/** Whether an address is in a remote province (the shop's surcharge applies; the rule is in `market_price_cart`). */
const isRemote = (province: string) => REMOTE_PROVINCES.some((p) => province.startsWith(p));

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
      ? or(
          // Name and variety in Chinese, pinyin ("yinhou", "yin hou") or initials ("syyh"); the description as typed.
          ...likePatterns(filter.q).map((p) => ilike(marketProducts.searchText, p)),
          ilike(marketProducts.description, likePatterns(filter.q)[0]),
        )
      : undefined,
  );
  const rows = await db
    .select({
      id: marketProducts.id,
      orgId: marketProducts.orgId,
      kind: marketProducts.kind,
      name: marketProducts.name,
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
    items: rows.map((r) => ({ ...r, producer: orgs.get(r.orgId)?.name ?? '', village: orgs.get(r.orgId)?.unitName ?? '' })),
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

/** What the catalogue's search matches for a product: name and variety in Chinese, pinyin and initials; grade and season. */
export const productSearchText = (p: { name: string; variety?: string | null; grade?: string | null; season?: string | null }) =>
  searchText([p.name, p.variety ?? ''], [p.grade ?? '', p.season ?? '']);

/** Fills the search text of products written before it existed (at start; a no-op once done). */
export async function backfillProductSearch(db: Db) {
  const rows = await db.select().from(marketProducts).where(eq(marketProducts.searchText, ''));
  for (const p of rows) await db.update(marketProducts).set({ searchText: productSearchText(p) }).where(eq(marketProducts.id, p.id));
  return rows.length;
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

async function productInScope(db: Db, actor: Actor | null, productId: string) {
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
  patch: { name?: string; description?: string; variety?: string | null; grade?: string | null; season?: string | null; active?: boolean },
) {
  const { who, product } = await productInScope(db, actor, productId);
  return db.transaction(async (tx) => {
    const [row] = await tx
      .update(marketProducts)
      .set({ ...patch, searchText: productSearchText({ ...product, ...patch }) })
      .where(eq(marketProducts.id, productId))
      .returning();
    await recordAudit(tx, who, { action: 'product.update', entity: 'market_product', entityId: productId, details: patch });
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

// ---------------------------------------------------------------- product photos

const photoColumns = {
  id: marketProductPhotos.id,
  productId: marketProductPhotos.productId,
  contentType: marketProductPhotos.contentType,
  bytes: marketProductPhotos.bytes,
  width: marketProductPhotos.width,
  height: marketProductPhotos.height,
  caption: marketProductPhotos.caption,
  createdAt: marketProductPhotos.createdAt,
};

/** Stores a checked photo of a product (413/415 from storeImage) and records it; the producer's market.sell permission. */
export async function addProductPhoto(
  db: Db,
  storage: FileStorage,
  actor: Actor | null,
  productId: string,
  file: { data: Buffer; declaredType: string; caption?: string },
) {
  const { who, product } = await productInScope(db, actor, productId);
  const image = await storeImage(storage, 'market', file);
  const { storageKey, thumbKey } = image;
  try {
    return await db.transaction(async (tx) => {
      const [p] = await tx
        .insert(marketProductPhotos)
        .values({
          countyId: product.countyId,
          productId,
          storageKey,
          thumbKey,
          contentType: image.contentType,
          bytes: image.bytes,
          width: image.width,
          height: image.height,
          caption: file.caption ?? '',
          // After the product's other photos.
          position: sql`(select coalesce(max(${marketProductPhotos.position}), -1) + 1 from ${marketProductPhotos} where ${marketProductPhotos.productId} = ${productId})`,
          uploadedBy: who.id,
        })
        .returning(photoColumns);
      await recordAudit(tx, who, { action: 'photo.add', entity: 'market_product_photo', entityId: p.id, details: { productId, bytes: p.bytes } });
      return p;
    });
  } catch (error) {
    await Promise.all([storage.delete(storageKey), storage.delete(thumbKey)]);
    throw error;
  }
}

/** Removes a product photo (its files go after the row, once the removal is committed). */
export async function deleteProductPhoto(db: Db, storage: FileStorage, actor: Actor | null, photoId: string) {
  const [photo] = await db.select().from(marketProductPhotos).where(eq(marketProductPhotos.id, photoId));
  if (!photo) throw notFound('Photo');
  const { who } = await productInScope(db, actor, photo.productId);
  await db.transaction(async (tx) => {
    const gone = await tx.delete(marketProductPhotos).where(eq(marketProductPhotos.id, photoId)).returning({ id: marketProductPhotos.id });
    if (gone.length === 0) throw notFound('Photo');
    await recordAudit(tx, who, { action: 'photo.delete', entity: 'market_product_photo', entityId: photoId, details: { productId: photo.productId } });
  });
  // A file left behind by a failed delete is only wasted space; the photo is gone either way.
  await Promise.all([storage.delete(photo.storageKey), storage.delete(photo.thumbKey)]).catch(() => {});
}

/** Puts a product's photos in the order given (the first is the catalogue's cover); the list must be all of them. */
export async function orderProductPhotos(db: Db, actor: Actor | null, productId: string, photoIds: string[]) {
  const { who } = await productInScope(db, actor, productId);
  return db.transaction(async (tx) => {
    const current = await tx.select({ id: marketProductPhotos.id }).from(marketProductPhotos).where(eq(marketProductPhotos.productId, productId)).for('update');
    const have = new Set(current.map((c) => c.id));
    if (photoIds.length !== have.size || new Set(photoIds).size !== photoIds.length || photoIds.some((id) => !have.has(id))) {
      throw badRequest('body/photoIds', 'Give every photo of the product exactly once');
    }
    await tx
      .update(marketProductPhotos)
      .set({ position: sql`array_position(${`{${photoIds.join(',')}}`}::uuid[], ${marketProductPhotos.id}) - 1` })
      .where(eq(marketProductPhotos.productId, productId));
    await recordAudit(tx, who, { action: 'photo.reorder', entity: 'market_product', entityId: productId, details: { photoIds } });
    return tx
      .select(photoColumns)
      .from(marketProductPhotos)
      .where(eq(marketProductPhotos.productId, productId))
      .orderBy(asc(marketProductPhotos.position), asc(marketProductPhotos.createdAt));
  });
}

/** A product photo's bytes (public, like the catalogue). */
export async function getProductPhoto(db: Db, storage: FileStorage, id: string, size: 'thumb' | 'full') {
  const [p] = await db.select().from(marketProductPhotos).where(eq(marketProductPhotos.id, id));
  if (!p) throw notFound('Photo');
  const data = await storage.get(size === 'thumb' ? p.thumbKey : p.storageKey);
  if (!data) throw notFound('Photo file');
  return { data, contentType: size === 'thumb' ? 'image/webp' : p.contentType };
}

// ---------------------------------------------------------------- gardens, batches, trace

export async function createGarden(
  db: Db,
  actor: Actor | null,
  input: { orgId: string; villageId: string; name: string; lon?: number | null; lat?: number | null; altitudeM?: number | null },
) {
  const who = await authorize(db, actor, 'market.sell', { orgId: input.orgId });
  const village = await getUnit(db, input.villageId).catch(() => null);
  if (!village || village.level !== 'village') throw badRequest('body/villageId', 'Not a village');
  return db.transaction(async (tx) => {
    const [g] = await tx
      .insert(marketGardens)
      .values({ countyId: who.countyId, orgId: input.orgId, villageId: input.villageId, name: input.name, lon: input.lon ?? null, lat: input.lat ?? null, altitudeM: input.altitudeM ?? null })
      .returning();
    await recordAudit(tx, who, { action: 'garden.create', entity: 'market_garden', entityId: g.id, details: { name: g.name } });
    return g;
  });
}

export async function listGardens(db: Db, orgId: string) {
  return db.select().from(marketGardens).where(eq(marketGardens.orgId, orgId)).orderBy(asc(marketGardens.name));
}

export async function createBatch(
  db: Db,
  actor: Actor | null,
  input: { productId: string; lot: string; gardenId?: string | null; harvestDate?: string | null; quantity: number; notes?: string; current?: boolean },
) {
  const { who, product } = await productInScope(db, actor, input.productId);
  if (input.gardenId) {
    const [g] = await db.select({ orgId: marketGardens.orgId }).from(marketGardens).where(eq(marketGardens.id, input.gardenId));
    if (!g || g.orgId !== product.orgId) throw badRequest('body/gardenId', 'Not a garden of this producer');
  }
  return db.transaction(async (tx) => {
    const [dup] = await tx
      .select({ id: marketBatches.id })
      .from(marketBatches)
      .where(and(eq(marketBatches.productId, product.id), eq(marketBatches.lot, input.lot)));
    if (dup) throw conflict('lot_taken', 'This product already has a batch with that lot number', { field: 'body/lot' });
    const [batch] = await tx
      .insert(marketBatches)
      .values({
        countyId: product.countyId,
        orgId: product.orgId,
        productId: product.id,
        gardenId: input.gardenId ?? null,
        lot: input.lot,
        harvestDate: input.harvestDate ?? null,
        quantity: input.quantity,
        notes: input.notes ?? '',
      })
      .returning();
    if (input.current !== false) await tx.update(marketVariants).set({ batchId: batch.id }).where(eq(marketVariants.productId, product.id));
    await recordAudit(tx, who, { action: 'batch.create', entity: 'market_batch', entityId: batch.id, details: { lot: batch.lot } });
    return batch;
  });
}

export async function listBatches(db: Db, orgId: string) {
  return db
    .select({
      id: marketBatches.id,
      lot: marketBatches.lot,
      productId: marketBatches.productId,
      productName: marketProducts.name,
      gtin: marketProducts.gtin,
      harvestDate: marketBatches.harvestDate,
      quantity: marketBatches.quantity,
      eventCount: marketBatches.eventCount,
    })
    .from(marketBatches)
    .innerJoin(marketProducts, eq(marketProducts.id, marketBatches.productId))
    .where(eq(marketBatches.orgId, orgId))
    .orderBy(desc(marketBatches.createdAt));
}

export interface TraceEventInput {
  kind: TraceKind;
  occurredAt: Date;
  operator?: string;
  notes?: string;
  documentTitle?: string | null;
  documentUrl?: string | null;
  /** An uploaded document of this batch (addTraceDocument): its title, link and sha256 go into the event. */
  documentId?: string | null;
}

/** The public address of an uploaded trace document. */
export const traceDocumentUrl = (id: string) => `/api/v1/market/trace-documents/${id}`;

/** Appends one event to a batch's chain, with the batch row locked so two appends cannot share a predecessor. */
export async function appendEventTx(tx: Db, batchId: string, input: TraceEventInput, recordedBy: string | null) {
  const [batch] = await tx.select().from(marketBatches).where(eq(marketBatches.id, batchId)).for('update');
  if (!batch) throw notFound('Batch');
  let document: typeof marketTraceDocuments.$inferSelect | undefined;
  if (input.documentId) {
    [document] = await tx.select().from(marketTraceDocuments).where(eq(marketTraceDocuments.id, input.documentId));
    if (!document || document.batchId !== batchId) throw badRequest('body/documentId', 'No such document of this batch');
  }
  const event = {
    batchId,
    seq: batch.eventCount + 1,
    kind: input.kind,
    occurredAt: new Date(Math.floor(input.occurredAt.getTime())),
    operator: input.operator ?? '',
    notes: input.notes ?? '',
    documentTitle: input.documentTitle ?? document?.title ?? null,
    documentUrl: document ? traceDocumentUrl(document.id) : (input.documentUrl ?? null),
    documentId: document?.id ?? null,
    documentSha256: document?.sha256 ?? null,
  };
  const hash = eventHash(batch.headHash, event);
  const [row] = await tx.insert(marketTraceEvents).values({ countyId: batch.countyId, ...event, prevHash: batch.headHash, hash, recordedBy }).returning();
  await tx.update(marketBatches).set({ headHash: hash, eventCount: event.seq }).where(eq(marketBatches.id, batchId));
  return row;
}

export async function appendTraceEvent(db: Db, actor: Actor | null, batchId: string, input: TraceEventInput) {
  const [b] = await db.select({ orgId: marketBatches.orgId }).from(marketBatches).where(eq(marketBatches.id, batchId));
  if (!b) throw notFound('Batch');
  const who = await authorize(db, actor, 'market.sell', { orgId: b.orgId });
  return db.transaction(async (tx) => {
    const row = await appendEventTx(tx, batchId, input, who.id);
    await recordAudit(tx, who, { action: 'trace.append', entity: 'market_batch', entityId: batchId, details: { seq: row.seq, kind: row.kind } });
    return row;
  });
}

/**
 * Stores a certificate or test report of a batch (PDF or image, 413/415 as for photos) with the sha256 of its
 * bytes, for a trace event to cite (`documentId`); the producer's market.sell permission.
 */
export async function addTraceDocument(
  db: Db,
  storage: FileStorage,
  actor: Actor | null,
  batchId: string,
  file: { title: string; data: Buffer; declaredType: string },
) {
  const [b] = await db.select({ orgId: marketBatches.orgId, countyId: marketBatches.countyId }).from(marketBatches).where(eq(marketBatches.id, batchId));
  if (!b) throw notFound('Batch');
  const who = await authorize(db, actor, 'market.sell', { orgId: b.orgId });
  // No thumbnail: the trace page links to the document itself.
  const stored = await storeImageOrPdf(storage, 'market', file, { thumbnail: false });
  try {
    return await db.transaction(async (tx) => {
      const [d] = await tx
        .insert(marketTraceDocuments)
        .values({ countyId: b.countyId, batchId, title: file.title, storageKey: stored.storageKey, contentType: stored.contentType, bytes: stored.bytes, sha256: sha256Hex(file.data), uploadedBy: who.id })
        .returning();
      await recordAudit(tx, who, { action: 'trace.document.add', entity: 'market_batch', entityId: batchId, details: { documentId: d.id, bytes: d.bytes, sha256: d.sha256 } });
      return { id: d.id, title: d.title, contentType: d.contentType, bytes: d.bytes, sha256: d.sha256, url: traceDocumentUrl(d.id) };
    });
  } catch (error) {
    await storage.delete(stored.storageKey);
    throw error;
  }
}

/** A trace document's bytes (public, like the trace page). */
export async function getTraceDocument(db: Db, storage: FileStorage, id: string) {
  const [d] = await db.select().from(marketTraceDocuments).where(eq(marketTraceDocuments.id, id));
  if (!d) throw notFound('Document');
  const data = await storage.get(d.storageKey);
  if (!data) throw notFound('Document file');
  return { data, contentType: d.contentType };
}

/**
 * The public trace page: the batch, where it grew, every event in order, and whether the chain verifies — and,
 * for each uploaded document, whether the stored file still has the sha256 the chain recorded.
 */
export async function getTrace(db: Db, storage: FileStorage, batchId: string) {
  const [batch] = await db.select().from(marketBatches).where(eq(marketBatches.id, batchId));
  if (!batch) throw notFound('Batch');
  const [product] = await db.select().from(marketProducts).where(eq(marketProducts.id, batch.productId));
  const org = await producerOf(db, batch.orgId);
  let garden = null;
  if (batch.gardenId) {
    const [g] = await db.select().from(marketGardens).where(eq(marketGardens.id, batch.gardenId));
    const village = await getUnit(db, g.villageId);
    garden = { name: g.name, lon: g.lon, lat: g.lat, altitudeM: g.altitudeM, village: village.nameZh, villagePinyin: village.namePinyin, villageLon: village.lon, villageLat: village.lat };
  }
  const events = await db.select().from(marketTraceEvents).where(eq(marketTraceEvents.batchId, batchId)).orderBy(asc(marketTraceEvents.seq));
  const verification = verifyChain(events, batch.headHash, batch.eventCount);
  const documents = new Map(
    (await db.select({ id: marketTraceDocuments.id, storageKey: marketTraceDocuments.storageKey }).from(marketTraceDocuments).where(eq(marketTraceDocuments.batchId, batchId))).map(
      (d) => [d.id, d.storageKey],
    ),
  );
  const documentChecks = new Map<string, boolean>();
  for (const e of events) {
    if (!e.documentId) continue;
    const key = documents.get(e.documentId);
    const data = key ? await storage.get(key) : null;
    documentChecks.set(e.id, data !== null && sha256Hex(data) === e.documentSha256);
  }
  // The journey on the map: the garden, the village where it was made, the county seat it ships from.
  const county = await getUnit(db, batch.countyId);
  const journey = [
    garden && garden.lon != null && garden.lat != null ? { id: 'garden', name: garden.name, lon: garden.lon, lat: garden.lat } : null,
    garden && garden.villageLon != null && garden.villageLat != null ? { id: 'village', name: garden.village, lon: garden.villageLon, lat: garden.villageLat } : null,
    county.lon != null && county.lat != null ? { id: 'county', name: county.nameZh, lon: county.lon, lat: county.lat } : null,
  ].filter((p) => p !== null);
  return {
    batch: { id: batch.id, lot: batch.lot, harvestDate: batch.harvestDate, quantity: batch.quantity, notes: batch.notes },
    product: { id: product.id, name: product.name, kind: product.kind, variety: product.variety, grade: product.grade, season: product.season, gtin: product.gtin },
    producer: { id: org.id, name: org.name, village: org.unitName },
    garden,
    digitalLink: digitalLinkPath(product.gtin, batch.lot),
    journey,
    events: events.map((e) => ({
      seq: e.seq,
      kind: e.kind,
      occurredAt: e.occurredAt,
      operator: e.operator,
      notes: e.notes,
      documentTitle: e.documentTitle,
      documentUrl: e.documentUrl,
      documentSha256: e.documentSha256,
      /** Uploaded documents only: the stored file's sha256 is the one the chain recorded. */
      documentVerified: documentChecks.get(e.id) ?? null,
      hash: e.hash,
      prevHash: e.prevHash,
    })),
    verification,
  };
}

/** GS1 Digital Link resolution: (GTIN, lot) → the batch. */
export async function resolveDigitalLink(db: Db, gtin: string, lot: string) {
  const [row] = await db
    .select({ id: marketBatches.id })
    .from(marketBatches)
    .innerJoin(marketProducts, eq(marketProducts.id, marketBatches.productId))
    .where(and(eq(marketProducts.gtin, gtin), eq(marketBatches.lot, lot)));
  if (!row) throw notFound('Batch');
  return { batchId: row.id };
}

export async function batchLink(db: Db, batchId: string) {
  const [row] = await db
    .select({ gtin: marketProducts.gtin, lot: marketBatches.lot })
    .from(marketBatches)
    .innerJoin(marketProducts, eq(marketProducts.id, marketBatches.productId))
    .where(eq(marketBatches.id, batchId));
  if (!row) throw notFound('Batch');
  return digitalLinkPath(row.gtin, row.lot);
}

// ---------------------------------------------------------------- checkout and orders

export interface CheckoutInput {
  idempotencyKey: string;
  items: { variantId: string; qty: number }[];
  address: ShippingAddress;
}

/** A line of `market_price_cart` (migration 0003): the cart priced from the database, totals on every row. */
interface CartRow {
  variant_id: string;
  label: string;
  product_name: string;
  batch_id: string | null;
  org_id: string;
  county_id: string;
  price_fen: number;
  stock: number;
  on_sale: boolean;
  qty: number;
  line_fen: number;
  subtotal_fen: number;
  shipping_fen: number;
}

/** The variant ids of a cart, refusing an empty cart or a variant twice. */
function cartIds(items: { variantId: string; qty: number }[]) {
  if (items.length === 0) throw badRequest('body/items', 'The cart is empty');
  const ids = items.map((i) => i.variantId);
  if (new Set(ids).size !== ids.length) throw badRequest('body/items', 'A variant appears twice');
  return ids;
}

/** Prices from the database only: what a cart costs, for the checkout page; names the first thing wrong with it. */
async function priceCart(db: Db, items: { variantId: string; qty: number }[], province: string) {
  const ids = cartIds(items);
  const rows = await namedQuery<CartRow>(db, 'market_price_cart', 'select * from market_price_cart($1::uuid[], $2::int[], $3::boolean)', [
    ids,
    items.map((i) => i.qty),
    isRemote(province),
  ]);
  const byId = new Map(rows.map((r) => [r.variant_id, r]));
  const lines = items.map((item, i) => {
    const line = byId.get(item.variantId);
    if (!line || !line.on_sale) throw badRequest(`body/items/${i}/variantId`, 'No such product on sale');
    return line;
  });
  const { org_id: orgId, subtotal_fen: subtotalFen, shipping_fen: shippingFen } = lines[0];
  if (lines.some((l) => l.org_id !== orgId)) throw badRequest('body/items', 'One order holds the products of one producer');
  return { orgId, countyId: lines[0].county_id, lines, subtotalFen, shippingFen, totalFen: subtotalFen + shippingFen };
}

export async function quote(db: Db, input: { items: { variantId: string; qty: number }[]; province: string }) {
  const q = await priceCart(db, input.items, input.province);
  return {
    orgId: q.orgId,
    lines: q.lines.map((l) => ({ variantId: l.variant_id, productName: l.product_name, label: l.label, qty: l.qty, unitPriceFen: l.price_fen, lineFen: l.line_fen, stock: l.stock })),
    subtotalFen: q.subtotalFen,
    shippingFen: q.shippingFen,
    totalFen: q.totalFen,
  };
}

type OrderRow = typeof marketOrders.$inferSelect;
type CheckoutLine = { variantId: string; batchId: string | null; productName: string; variantLabel: string; qty: number; unitPriceFen: number; lineFen: number };
export type CheckoutResult = { created: true; order: ReturnType<typeof checkoutAnswer> } | { created: false; orderId: string };

/** Why `market_checkout` refused, or null for any other error. */
function checkoutRefusal(error: unknown): 'short' | 'duplicate' | null {
  for (let e = error as { message?: string; cause?: unknown } | undefined; e; e = e.cause as typeof e) {
    const m = /market_checkout:(short|duplicate)/.exec(e.message ?? '');
    if (m) return m[1] as 'short' | 'duplicate';
  }
  return null;
}

async function orderByKey(db: Db, buyerId: string, idempotencyKey: string) {
  const [row] = await db
    .select({ id: marketOrders.id })
    .from(marketOrders)
    .where(and(eq(marketOrders.buyerId, buyerId), eq(marketOrders.idempotencyKey, idempotencyKey)));
  return row?.id ?? null;
}

const CHECKOUT =
  'select market_checkout($1::uuid[], $2::int[], $3::int[], $4::jsonb, $5::uuid, $6::uuid, $7::uuid, $8::uuid, $9::uuid, $10::text, $11::int, $12::int, $13::jsonb, $14::timestamptz) as created_at';

/**
 * Checkout is two round trips: the cart is priced from the database (`market_price_cart`, one prepared query),
 * then one call of `market_checkout` (migration 0003 — read it there) writes the order, its items, the
 * reservations with their expiry and the audit row, and takes the stock last with a conditional
 * `UPDATE … SET stock = stock - q WHERE stock >= q` per line at the priced price — so the hot stock rows are held
 * only from that update to the commit. When it refuses, nothing of it remains: a repeated idempotency key (a
 * retry, or a concurrent twin that won the unique index) answers the earlier order; a line that could not be had
 * is named from a fresh look at the cart.
 */
export async function checkout(db: Db, actor: Actor | null, input: CheckoutInput): Promise<CheckoutResult> {
  const who = requireActor(actor);
  const priced = await priceCart(db, input.items, input.address.province);
  const reservedUntil = new Date(Date.now() + reservationMinutes() * 60_000);
  const outOfStock = (lines: typeof priced.lines) => {
    const i = lines.findIndex((l) => l.stock < l.qty);
    if (i < 0) return null;
    const l = lines[i];
    return conflict('out_of_stock', `${l.product_name} ${l.label}: not enough stock`, { field: `body/items/${i}/qty`, variantId: l.variant_id });
  };
  // Sold out already: answer at once. Only a hint — the conditional update decides.
  const soldOut = outOfStock(priced.lines);
  if (soldOut) {
    const existing = await orderByKey(db, who.id, input.idempotencyKey);
    if (existing) return { created: false, orderId: existing };
    throw soldOut;
  }
  // In variant id order: the order the stock rows are locked in.
  const items: CheckoutLine[] = [...priced.lines]
    .sort((a, b) => (a.variant_id < b.variant_id ? -1 : 1))
    .map((l) => ({ variantId: l.variant_id, batchId: l.batch_id, productName: l.product_name, variantLabel: l.label, qty: l.qty, unitPriceFen: l.price_fen, lineFen: l.line_fen }));
  // Keys are UUID v7 made here, as for every table (PostgreSQL 15 has no uuidv7()).
  const orderId = uuidv7();
  let rows: { created_at: Date | string }[];
  try {
    rows = await namedQuery(db, 'market_checkout', CHECKOUT, [
      items.map((l) => l.variantId),
      items.map((l) => l.qty),
      items.map((l) => l.unitPriceFen),
      JSON.stringify(items.map((l) => ({ ...l, itemId: uuidv7(), reservationId: uuidv7() }))),
      orderId,
      uuidv7(),
      priced.countyId,
      who.id,
      priced.orgId,
      input.idempotencyKey,
      priced.subtotalFen,
      priced.shippingFen,
      JSON.stringify(input.address),
      reservedUntil.toISOString(),
    ]);
  } catch (error) {
    const refusal = checkoutRefusal(error);
    if (refusal === null) throw error;
    const existing = await orderByKey(db, who.id, input.idempotencyKey);
    if (existing) return { created: false, orderId: existing };
    if (refusal === 'duplicate') throw conflict('checkout_conflict', 'Another checkout with this key is under way; try again');
    // Short: name the line from a fresh look at the cart (off sale now: 400 from pricing).
    const now = await priceCart(db, input.items, input.address.province);
    throw outOfStock(now.lines) ?? conflict('price_changed', 'A price changed while checking out; check the cart and try again', { field: 'body/items' });
  }
  const order = {
    id: orderId,
    orgId: priced.orgId,
    status: 'pending' as OrderStatus,
    subtotalFen: priced.subtotalFen,
    shippingFen: priced.shippingFen,
    totalFen: priced.totalFen,
    address: input.address,
    reservedUntil,
    createdAt: new Date(rows[0].created_at),
  };
  return { created: true, order: checkoutAnswer(order, items) };
}

/** Gives the units of orders back to stock: their reservations of the given status become released. */
async function releaseStock(tx: Db, orderIds: string[], from: 'held' | 'sold') {
  if (orderIds.length === 0) return;
  const released = await tx
    .update(marketReservations)
    .set({ status: 'released' })
    .where(and(inArray(marketReservations.orderId, orderIds), eq(marketReservations.status, from)))
    .returning({ variantId: marketReservations.variantId, qty: marketReservations.qty });
  const perVariant = new Map<string, number>();
  for (const r of released) perVariant.set(r.variantId, (perVariant.get(r.variantId) ?? 0) + r.qty);
  for (const [variantId, qty] of [...perVariant.entries()].sort()) {
    await tx.update(marketVariants).set({ stock: sql`${marketVariants.stock} + ${qty}` }).where(eq(marketVariants.id, variantId));
  }
}

/**
 * The sweeper: cancels unpaid orders whose reservation expired and gives their stock back. Safe to run from
 * several server instances at once (`FOR UPDATE SKIP LOCKED`); a payment racing it is serialised on the order row.
 */
export async function sweepExpiredReservations(db: Db, now = new Date(), limit = 500): Promise<number> {
  return db.transaction(async (tx) => {
    const expired = await queryRows<{ id: string; county_id: string }>(
      tx,
      sql`update market_orders set status = 'cancelled', cancelled_at = now()
          where id in (select id from market_orders where status = 'pending' and reserved_until < ${now.toISOString()}::timestamptz
                       order by reserved_until limit ${limit} for update skip locked)
          returning id, county_id`,
    );
    if (expired.length === 0) return 0;
    await releaseStock(tx, expired.map((o) => o.id), 'held');
    for (const o of expired) {
      await recordAudit(tx, { id: null, countyId: o.county_id }, { action: 'order.expire', entity: 'market_order', entityId: o.id });
    }
    return expired.length;
  });
}

const orderTimestamps: Partial<Record<OrderStatus, keyof OrderRow>> = {
  paid: 'paidAt',
  packed: 'packedAt',
  shipped: 'shippedAt',
  delivered: 'deliveredAt',
  completed: 'completedAt',
  cancelled: 'cancelledAt',
  refunded: 'refundedAt',
};

/** Moves an order along the state machine in SQL: `UPDATE … WHERE status IN (expected)`; 409 if it is elsewhere. */
async function moveOrder(tx: Db, orderId: string, from: OrderStatus[], to: OrderStatus, extra: Partial<OrderRow> = {}) {
  const stamp = orderTimestamps[to];
  const [row] = await tx
    .update(marketOrders)
    .set({ status: to, ...(stamp ? { [stamp]: new Date() } : {}), ...extra })
    .where(and(eq(marketOrders.id, orderId), inArray(marketOrders.status, from)))
    .returning();
  if (!row) {
    const [current] = await tx.select({ status: marketOrders.status }).from(marketOrders).where(eq(marketOrders.id, orderId));
    if (!current) throw notFound('Order');
    throw conflict('invalid_transition', `An order that is ${current.status} cannot become ${to}`, { status: current.status });
  }
  return row;
}

registerPaymentPurpose('order', {
  async onPaid(tx, orderId, paymentId) {
    const [row] = await tx
      .update(marketOrders)
      .set({ status: 'paid', paidAt: new Date(), paymentId })
      .where(and(eq(marketOrders.id, orderId), eq(marketOrders.status, 'pending')))
      .returning({ id: marketOrders.id, countyId: marketOrders.countyId, orgId: marketOrders.orgId, totalFen: marketOrders.totalFen });
    // Paid after the sweeper released the stock (or after a cancel): the money goes back.
    if (!row) return 'refund';
    await tx.update(marketReservations).set({ status: 'sold' }).where(and(eq(marketReservations.orderId, orderId), eq(marketReservations.status, 'held')));
    await recordAudit(tx, { id: null, countyId: row.countyId }, { action: 'order.paid', entity: 'market_order', entityId: orderId, details: { paymentId } });
    await notify(tx, { countyId: row.countyId, orgId: row.orgId, kind: 'order.new', params: { orderNo: orderId.slice(-8), total: `¥${(row.totalFen / 100).toFixed(2)}` }, link: '/market/seller' });
  },
  async onRefunded(tx, orderId, paymentId) {
    const payment = await getPaymentRecord(tx, paymentId);
    const [o] = await tx.select({ countyId: marketOrders.countyId, buyerId: marketOrders.buyerId }).from(marketOrders).where(eq(marketOrders.id, orderId));
    const yuan = (fen: number) => `¥${(fen / 100).toFixed(2)}`;
    if (o && payment) await notify(tx, { countyId: o.countyId, userIds: [o.buyerId], kind: 'order.refunded', params: { orderNo: orderId.slice(-8), refunded: yuan(payment.refundedFen), paid: yuan(payment.amountFen) }, link: `/market/orders/${orderId}` });
    if (!payment || payment.refundedFen < payment.amountFen) return;
    const [row] = await tx
      .update(marketOrders)
      .set({ status: 'refunded', refundedAt: new Date() })
      .where(and(eq(marketOrders.id, orderId), inArray(marketOrders.status, ['paid', 'packed'])))
      .returning({ id: marketOrders.id });
    if (row) await releaseStock(tx, [orderId], 'sold');
  },
  async authorizeRefund(db, actor, orderId) {
    const [o] = await db.select({ orgId: marketOrders.orgId }).from(marketOrders).where(eq(marketOrders.id, orderId));
    if (!o) throw notFound('Order');
    return authorize(db, actor, 'market.sell', { orgId: o.orgId });
  },
  returnUrl: (orderId) => `/market/orders/${orderId}`,
});

/** An order for its buyer or its producer; anyone else gets 404, as if it did not exist. */
async function orderFor(db: Db, actor: Actor | null, orderId: string): Promise<{ order: OrderRow; role: 'buyer' | 'seller'; who: Actor }> {
  const who = requireActor(actor);
  const [order] = await db.select().from(marketOrders).where(eq(marketOrders.id, orderId));
  // The order lives in its producer's county; its buyer may be of any county.
  if (!order) throw notFound('Order');
  if (order.buyerId === who.id) return { order, role: 'buyer', who };
  try {
    await authorize(db, who, 'market.sell', { orgId: order.orgId });
    return { order, role: 'seller', who };
  } catch {
    throw notFound('Order');
  }
}

/** The order as checkout answers it: built from what the checkout already holds, without further queries. */
export function checkoutAnswer(
  order: Pick<OrderRow, 'id' | 'orgId' | 'status' | 'subtotalFen' | 'shippingFen' | 'totalFen' | 'address' | 'reservedUntil' | 'createdAt'>,
  items: CheckoutLine[],
) {
  return {
    id: order.id,
    orgId: order.orgId,
    status: order.status,
    subtotalFen: order.subtotalFen,
    shippingFen: order.shippingFen,
    totalFen: order.totalFen,
    address: order.address,
    reservedUntil: order.reservedUntil,
    createdAt: order.createdAt,
    items,
  };
}

async function withItems(db: Db, orders: OrderRow[]) {
  if (orders.length === 0) return [];
  const items = await db
    .select({
      orderId: marketOrderItems.orderId,
      variantId: marketOrderItems.variantId,
      batchId: marketOrderItems.batchId,
      productName: marketOrderItems.productName,
      variantLabel: marketOrderItems.variantLabel,
      qty: marketOrderItems.qty,
      unitPriceFen: marketOrderItems.unitPriceFen,
      lineFen: marketOrderItems.lineFen,
    })
    .from(marketOrderItems)
    .where(inArray(marketOrderItems.orderId, orders.map((o) => o.id)));
  const orgs = await producers(db);
  return orders.map((o) => ({
    id: o.id,
    orgId: o.orgId,
    producer: orgs.get(o.orgId)?.name ?? '',
    status: o.status,
    subtotalFen: o.subtotalFen,
    shippingFen: o.shippingFen,
    totalFen: o.totalFen,
    address: o.address,
    paymentId: o.paymentId,
    reservedUntil: o.reservedUntil,
    trackingNo: o.trackingNo,
    createdAt: o.createdAt,
    paidAt: o.paidAt,
    shippedAt: o.shippedAt,
    deliveredAt: o.deliveredAt,
    completedAt: o.completedAt,
    cancelledAt: o.cancelledAt,
    refundedAt: o.refundedAt,
    items: items.filter((i) => i.orderId === o.id).map(({ orderId: _o, ...i }) => i),
  }));
}

export async function getOrder(db: Db, actor: Actor | null, orderId: string) {
  const { order, role } = await orderFor(db, actor, orderId);
  const [shaped] = await withItems(db, [order]);
  return { ...shaped, viewerRole: role };
}

export async function listMyOrders(db: Db, actor: Actor | null, paging: { limit: number; offset: number }) {
  const who = requireActor(actor);
  const rows = await db
    .select()
    .from(marketOrders)
    .where(eq(marketOrders.buyerId, who.id))
    .orderBy(desc(marketOrders.createdAt), desc(marketOrders.id))
    .limit(paging.limit)
    .offset(paging.offset);
  return withItems(db, rows);
}

export async function listShopOrders(db: Db, actor: Actor | null, orgId: string, filter: { status?: OrderStatus; limit: number; offset: number }) {
  await authorize(db, actor, 'market.sell', { orgId });
  const rows = await db
    .select()
    .from(marketOrders)
    .where(and(eq(marketOrders.orgId, orgId), filter.status ? eq(marketOrders.status, filter.status) : undefined))
    .orderBy(desc(marketOrders.createdAt), desc(marketOrders.id))
    .limit(filter.limit)
    .offset(filter.offset);
  return withItems(db, rows);
}

/** Starts (or resumes) paying for a pending order; the amount is the order's, computed at checkout. */
export async function payOrder(db: Db, actor: Actor | null, orderId: string) {
  const { order, role, who } = await orderFor(db, actor, orderId);
  if (role !== 'buyer') throw notFound('Order');
  if (order.status !== 'pending') throw conflict('invalid_transition', `An order that is ${order.status} cannot be paid`, { status: order.status });
  if (order.reservedUntil.getTime() < Date.now()) throw conflict('reservation_expired', 'The reservation expired; order again');
  const items = await db.select({ name: marketOrderItems.productName }).from(marketOrderItems).where(eq(marketOrderItems.orderId, orderId));
  return createPayment(db, who, {
    purpose: 'order',
    referenceId: orderId,
    countyId: order.countyId,
    amountFen: order.totalFen,
    description: items.map((i) => i.name).join('、').slice(0, 120),
  });
}

export type OrderAction = 'pack' | 'ship' | 'deliver' | 'complete' | 'cancel';

/** Producer: pack, ship (with a tracking number), deliver; buyer: complete; either: cancel an unpaid order. */
export async function actOnOrder(db: Db, actor: Actor | null, orderId: string, action: OrderAction, input: { trackingNo?: string } = {}) {
  const { role, who } = await orderFor(db, actor, orderId);
  const seller = role === 'seller';
  const rule: Record<OrderAction, { from: OrderStatus[]; to: OrderStatus; allowed: boolean }> = {
    pack: { from: ['paid'], to: 'packed', allowed: seller },
    ship: { from: ['packed'], to: 'shipped', allowed: seller },
    deliver: { from: ['shipped'], to: 'delivered', allowed: seller },
    complete: { from: ['delivered'], to: 'completed', allowed: !seller },
    cancel: { from: ['pending'], to: 'cancelled', allowed: true },
  };
  const r = rule[action];
  if (!r.allowed) throw conflict('not_yours', seller ? 'The buyer confirms receipt' : 'The producer does this');
  if (action === 'ship' && !input.trackingNo) throw badRequest('body/trackingNo', 'Give the courier tracking number');
  await db.transaction(async (tx) => {
    const moved = await moveOrder(tx, orderId, r.from, r.to, action === 'ship' ? { trackingNo: input.trackingNo } : {});
    if (action === 'ship') await notify(tx, { countyId: moved.countyId, userIds: [moved.buyerId], kind: 'order.shipped', params: { orderNo: orderId.slice(-8), trackingNo: input.trackingNo! }, link: `/market/orders/${orderId}` });
    if (action === 'cancel') await releaseStock(tx, [orderId], 'held');
    await recordAudit(tx, who, { action: `order.${action}`, entity: 'market_order', entityId: orderId, details: input });
  });
  return getOrder(db, who, orderId);
}

/** Producer refunds a paid (not yet shipped) order in full: the payment is refunded and the stock returns. */
export async function refundOrder(db: Db, actor: Actor | null, orderId: string, reason: string) {
  const { order, role, who } = await orderFor(db, actor, orderId);
  if (role !== 'seller') throw conflict('not_yours', 'The producer refunds');
  if (!['paid', 'packed'].includes(order.status) || !order.paymentId) {
    throw conflict('invalid_transition', `An order that is ${order.status} cannot be refunded here`, { status: order.status });
  }
  const payment = await getPaymentRecord(db, order.paymentId);
  await refundPayment(db, who, order.paymentId, payment!.amountFen - payment!.refundedFen, reason);
  return getOrder(db, who, orderId);
}

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
    .select({ orgId: marketOrders.orgId, orders: sql<number>`count(*)::int`, salesFen: sql<number>`sum(${marketOrders.subtotalFen})::bigint` })
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
