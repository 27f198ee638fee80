// The market module's tables: payments (shared with inns), producers' gardens, products and variants,
// batches with their append-only trace, orders, order items and stock reservations.
import { sql } from 'drizzle-orm';
import {
  boolean,
  check,
  date,
  doublePrecision,
  foreignKey,
  index,
  integer,
  jsonb,
  pgTable,
  primaryKey,
  text,
  timestamp,
  uniqueIndex,
  uuid,
  type AnyPgColumn,
} from 'drizzle-orm/pg-core';
import { uuidv7 } from 'uuidv7';
import { adminUnits, organizations, users } from '../governance/index.ts';
import { createdAt, inList, tenantId, photoFileColumns } from '../../db/columns.ts';

const tz = (name: string) => timestamp(name, { withTimezone: true });
const countyId = () =>
  uuid('county_id')
    .notNull()
    .references(() => adminUnits.id);

/** Tenant tables are keyed by (id, county_id) (the county last: a lookup by id alone keeps its index) and refer to each other within the county (src/db/global-tables.ts). */
const pk = (t: { countyId: AnyPgColumn; id: AnyPgColumn }) => primaryKey({ columns: [t.id, t.countyId] });
const ofProduct = (t: { countyId: AnyPgColumn; productId: AnyPgColumn }) =>
  foreignKey({ columns: [t.countyId, t.productId], foreignColumns: [marketProducts.countyId, marketProducts.id] });
const ofBatch = (t: { countyId: AnyPgColumn; batchId: AnyPgColumn }) =>
  foreignKey({ columns: [t.countyId, t.batchId], foreignColumns: [marketBatches.countyId, marketBatches.id] });
const ofOrder = (t: { countyId: AnyPgColumn; orderId: AnyPgColumn }) =>
  foreignKey({ columns: [t.countyId, t.orderId], foreignColumns: [marketOrders.countyId, marketOrders.id] });
/** Checked at commit (migration 0003 explains why: the checkout's stock update already holds the variant row). */
const ofVariant = (t: { countyId: AnyPgColumn; variantId: AnyPgColumn }) =>
  foreignKey({ columns: [t.countyId, t.variantId], foreignColumns: [marketVariants.countyId, marketVariants.id] });

// ---------------------------------------------------------------- producers and catalogue

/** Per-producer shop settings: introduction and the shipping fee rule. */
export const marketShops = pgTable(
  'market_shops',
  {
    orgId: uuid('org_id')
      .notNull()
      .references(() => organizations.id),
    countyId: countyId(),
    intro: text('intro').notNull().default(''),
    shippingBaseFen: integer('shipping_base_fen').notNull().default(1000),
    freeShippingOverFen: integer('free_shipping_over_fen'),
    remoteSurchargeFen: integer('remote_surcharge_fen').notNull().default(1500),
    lowStockThreshold: integer('low_stock_threshold').notNull().default(10),
  },
  (t) => [
    primaryKey({ columns: [t.orgId, t.countyId] }),
    check('market_shops_fees_check', sql`${t.shippingBaseFen} >= 0 and ${t.remoteSurchargeFen} >= 0 and coalesce(${t.freeShippingOverFen}, 0) >= 0`),
    check('market_shops_threshold_check', sql`${t.lowStockThreshold} >= 0`),
  ],
);

/** A garden or plot of a producer, in a village. */
export const marketGardens = pgTable(
  'market_gardens',
  {
    id: tenantId(),
    countyId: countyId(),
    orgId: uuid('org_id')
      .notNull()
      .references(() => organizations.id),
    villageId: uuid('village_id')
      .notNull()
      .references(() => adminUnits.id),
    name: text('name').notNull(),
    lon: doublePrecision('lon'),
    lat: doublePrecision('lat'),
    altitudeM: integer('altitude_m'),
    createdAt: createdAt(),
  },
  (t) => [
    pk(t),
    check('market_gardens_lon_check', sql`${t.lon} is null or (${t.lon} between -180 and 180)`),
    check('market_gardens_lat_check', sql`${t.lat} is null or (${t.lat} between -90 and 90)`),
    index('market_gardens_org_idx').on(t.orgId),
  ],
);

export const PRODUCT_KINDS = ['tea', 'craft'] as const;
export type ProductKind = (typeof PRODUCT_KINDS)[number];

export const marketProducts = pgTable(
  'market_products',
  {
    id: tenantId(),
    countyId: countyId(),
    orgId: uuid('org_id')
      .notNull()
      .references(() => organizations.id),
    kind: text('kind').$type<ProductKind>().notNull(),
    name: text('name').notNull(),
    /** The name in English as the producer entered it (English readers see it; else the pinyin). */
    nameEn: text('name_en'),
    description: text('description').notNull().default(''),
    /** Tea: variety (e.g. 松阳银猴), grade (特级), season (明前). */
    variety: text('variety'),
    grade: text('grade'),
    season: text('season'),
    photoUrl: text('photo_url'),
    /** GTIN-14 used in the GS1 Digital Link on packages. */
    gtin: text('gtin').notNull(),
    active: boolean('active').notNull().default(true),
    /** Name and variety in Chinese, pinyin and initials (src/db/search-text.ts), for the catalogue's search. */
    searchText: text('search_text').notNull().default(''),
    createdAt: createdAt(),
  },
  (t) => [
    pk(t),
    check('market_products_kind_check', inList('kind', PRODUCT_KINDS)),
    check('market_products_gtin_check', sql`${t.gtin} ~ '^[0-9]{14}$'`),
    uniqueIndex('market_products_gtin_unique').on(t.gtin, t.countyId),
    index('market_products_org_idx').on(t.orgId),
    index('market_products_search_idx').using('gin', sql`${t.searchText} gin_trgm_ops`),
  ],
);

/** A sellable variant (weight, packaging) with its price and its available stock. */
export const marketVariants = pgTable(
  'market_variants',
  {
    id: tenantId(),
    countyId: countyId(),
    productId: uuid('product_id').notNull(),
    label: text('label').notNull(),
    weightG: integer('weight_g'),
    priceFen: integer('price_fen').notNull(),
    /** Units available to reserve. Reserved and sold units are not in here. */
    stock: integer('stock').notNull(),
    /** The batch whose packages are shipped for this variant now. */
    batchId: uuid('batch_id'),
    active: boolean('active').notNull().default(true),
    createdAt: createdAt(),
  },
  (t) => [
    pk(t),
    ofProduct(t),
    check('market_variants_price_check', sql`${t.priceFen} > 0`),
    check('market_variants_stock_check', sql`${t.stock} >= 0`),
    check('market_variants_weight_check', sql`${t.weightG} is null or ${t.weightG} > 0`),
    index('market_variants_product_idx').on(t.productId),
  ],
);

export const PRODUCT_PHOTO_TYPES = ['image/jpeg', 'image/png', 'image/webp'] as const;

/** A product's photo: the original and its thumbnail in file storage (src/server/storage.ts). */
export const marketProductPhotos = pgTable(
  'market_product_photos',
  {
    id: tenantId(),
    countyId: countyId(),
    productId: uuid('product_id').notNull(),
    ...photoFileColumns(),
    /** Where the producer put it: the lowest first (the catalogue's cover); ties in upload order. */
    position: integer('position').notNull().default(0),
    uploadedBy: uuid('uploaded_by').references(() => users.id, { onDelete: 'set null' }),
    createdAt: createdAt(),
  },
  (t) => [
    pk(t),
    ofProduct(t),
    check('market_product_photos_type_check', inList('content_type', PRODUCT_PHOTO_TYPES)),
    check('market_product_photos_bytes_check', sql`${t.bytes} > 0`),
    index('market_product_photos_product_idx').on(t.productId),
  ],
);

export const marketBatches = pgTable(
  'market_batches',
  {
    id: tenantId(),
    countyId: countyId(),
    orgId: uuid('org_id')
      .notNull()
      .references(() => organizations.id),
    productId: uuid('product_id').notNull(),
    gardenId: uuid('garden_id'),
    lot: text('lot').notNull(),
    harvestDate: date('harvest_date'),
    quantity: integer('quantity').notNull(),
    notes: text('notes').notNull().default(''),
    /** Hash of the last trace event (the chain's head), or 64 zeros before the first. */
    headHash: text('head_hash').notNull().default('0'.repeat(64)),
    eventCount: integer('event_count').notNull().default(0),
    createdAt: createdAt(),
  },
  (t) => [
    pk(t),
    ofProduct(t),
    foreignKey({ columns: [t.countyId, t.gardenId], foreignColumns: [marketGardens.countyId, marketGardens.id] }),
    check('market_batches_quantity_check', sql`${t.quantity} >= 0`),
    check('market_batches_lot_check', sql`${t.lot} ~ '^[A-Za-z0-9-]{1,20}$'`),
    uniqueIndex('market_batches_lot_unique').on(t.productId, t.lot, t.countyId),
  ],
);

export const TRACE_KINDS = [
  'planting',
  'picking',
  'withering',
  'fixing',
  'rolling',
  'drying',
  'crafting',
  'inspection',
  'certificate',
  'packing',
  'note',
] as const;
export type TraceKind = (typeof TRACE_KINDS)[number];

/** Append-only (a trigger refuses UPDATE and DELETE); each row's hash covers the previous hash and the event. */
export const TRACE_DOCUMENT_TYPES = ['application/pdf', 'image/jpeg', 'image/png', 'image/webp'] as const;

/** A certificate or test report of a batch (PDF or image) in file storage, with the sha256 of its bytes. */
export const marketTraceDocuments = pgTable(
  'market_trace_documents',
  {
    id: tenantId(),
    countyId: countyId(),
    batchId: uuid('batch_id').notNull(),
    title: text('title').notNull(),
    storageKey: text('storage_key').notNull(),
    contentType: text('content_type').notNull(),
    bytes: integer('bytes').notNull(),
    sha256: text('sha256').notNull(),
    uploadedBy: uuid('uploaded_by').references(() => users.id, { onDelete: 'set null' }),
    createdAt: createdAt(),
  },
  (t) => [
    pk(t),
    ofBatch(t),
    check('market_trace_documents_type_check', inList('content_type', TRACE_DOCUMENT_TYPES)),
    check('market_trace_documents_sha_check', sql`${t.sha256} ~ '^[0-9a-f]{64}$'`),
    index('market_trace_documents_batch_idx').on(t.batchId),
  ],
);

export const marketTraceEvents = pgTable(
  'market_trace_events',
  {
    id: tenantId(),
    countyId: countyId(),
    batchId: uuid('batch_id').notNull(),
    seq: integer('seq').notNull(),
    kind: text('kind').$type<TraceKind>().notNull(),
    occurredAt: tz('occurred_at').notNull(),
    operator: text('operator').notNull().default(''),
    notes: text('notes').notNull().default(''),
    /** Inspections and certificates: the document's title and where it is kept. */
    documentTitle: text('document_title'),
    documentUrl: text('document_url'),
    /** An uploaded document (market_trace_documents) and the sha256 of its bytes, which the event's hash covers. */
    documentId: uuid('document_id'),
    documentSha256: text('document_sha256'),
    /** Where the event happened: a village (governance's admin unit, checked by the service) and/or a WGS-84 point. */
    placeUnitId: uuid('place_unit_id'),
    placeLon: doublePrecision('place_lon'),
    placeLat: doublePrecision('place_lat'),
    prevHash: text('prev_hash').notNull(),
    hash: text('hash').notNull(),
    recordedBy: uuid('recorded_by').references(() => users.id, { onDelete: 'set null' }),
    createdAt: createdAt(),
  },
  (t) => [
    pk(t),
    ofBatch(t),
    foreignKey({ columns: [t.countyId, t.documentId], foreignColumns: [marketTraceDocuments.countyId, marketTraceDocuments.id] }),
    check('market_trace_events_kind_check', inList('kind', TRACE_KINDS)),
    check('market_trace_events_seq_check', sql`${t.seq} >= 1`),
    uniqueIndex('market_trace_events_seq_unique').on(t.batchId, t.seq, t.countyId),
  ],
);

// ---------------------------------------------------------------- orders

export const ORDER_STATUSES = ['pending', 'paid', 'packed', 'shipped', 'delivered', 'completed', 'cancelled', 'refunded'] as const;
export type OrderStatus = (typeof ORDER_STATUSES)[number];

export interface ShippingAddress {
  name: string;
  phone: string;
  province: string;
  city: string;
  detail: string;
}

export const marketOrders = pgTable(
  'market_orders',
  {
    id: tenantId(),
    // The producer's county (where the products and their stock are); no foreign key: every checkout in the county
    // would share-lock the county's row to check it (PostgreSQL builds a multixact per concurrent checkout). The
    // keys of its lines to the county's variants stand for it.
    countyId: uuid('county_id').notNull(),
    buyerId: uuid('buyer_id')
      .notNull()
      .references(() => users.id),
    orgId: uuid('org_id')
      .notNull()
      .references(() => organizations.id),
    idempotencyKey: text('idempotency_key').notNull(),
    status: text('status').$type<OrderStatus>().notNull().default('pending'),
    subtotalFen: integer('subtotal_fen').notNull(),
    shippingFen: integer('shipping_fen').notNull(),
    totalFen: integer('total_fen').notNull(),
    address: jsonb('address').$type<ShippingAddress>().notNull(),
    /** The payment (payments module; no key across modules: the payment names this order as its reference). */
    paymentId: uuid('payment_id'),
    reservedUntil: tz('reserved_until').notNull(),
    trackingNo: text('tracking_no'),
    createdAt: createdAt(),
    paidAt: tz('paid_at'),
    packedAt: tz('packed_at'),
    shippedAt: tz('shipped_at'),
    deliveredAt: tz('delivered_at'),
    completedAt: tz('completed_at'),
    cancelledAt: tz('cancelled_at'),
    refundedAt: tz('refunded_at'),
  },
  (t) => [
    pk(t),
    check('market_orders_status_check', inList('status', ORDER_STATUSES)),
    check('market_orders_amounts_check', sql`${t.subtotalFen} > 0 and ${t.shippingFen} >= 0 and ${t.totalFen} = ${t.subtotalFen} + ${t.shippingFen}`),
    uniqueIndex('market_orders_idempotency_unique').on(t.buyerId, t.idempotencyKey, t.countyId),
    index('market_orders_buyer_idx').on(t.buyerId, t.createdAt),
    index('market_orders_org_idx').on(t.orgId, t.createdAt),
    index('market_orders_pending_idx').on(t.reservedUntil).where(sql`status = 'pending'`),
  ],
);

export const marketOrderItems = pgTable(
  'market_order_items',
  {
    id: tenantId(),
    countyId: uuid('county_id').notNull(),
    orderId: uuid('order_id').notNull(),
    variantId: uuid('variant_id').notNull(),
    batchId: uuid('batch_id'),
    productName: text('product_name').notNull(),
    variantLabel: text('variant_label').notNull(),
    qty: integer('qty').notNull(),
    unitPriceFen: integer('unit_price_fen').notNull(),
    lineFen: integer('line_fen').notNull(),
    /** Units the producer has taken back and refunded (a return by line and quantity). */
    returnedQty: integer('returned_qty').notNull().default(0),
  },
  (t) => [
    pk(t),
    ofOrder(t),
    ofVariant(t),
    ofBatch(t),
    check('market_order_items_qty_check', sql`${t.qty} > 0`),
    check('market_order_items_returned_check', sql`${t.returnedQty} between 0 and ${t.qty}`),
    check('market_order_items_amount_check', sql`${t.unitPriceFen} > 0 and ${t.lineFen} = ${t.unitPriceFen} * ${t.qty}`),
    uniqueIndex('market_order_items_unique').on(t.orderId, t.variantId, t.countyId),
  ],
);

export const RESERVATION_STATUSES = ['held', 'sold', 'released'] as const;

/** Units taken out of a variant's stock for an order: held until paid (then sold) or until expiry (then released). */
export const marketReservations = pgTable(
  'market_reservations',
  {
    id: tenantId(),
    countyId: uuid('county_id').notNull(),
    orderId: uuid('order_id').notNull(),
    variantId: uuid('variant_id').notNull(),
    qty: integer('qty').notNull(),
    status: text('status').$type<(typeof RESERVATION_STATUSES)[number]>().notNull().default('held'),
    expiresAt: tz('expires_at').notNull(),
    createdAt: createdAt(),
  },
  (t) => [
    pk(t),
    ofOrder(t),
    ofVariant(t),
    check('market_reservations_qty_check', sql`${t.qty} > 0`),
    check('market_reservations_status_check', inList('status', RESERVATION_STATUSES)),
    uniqueIndex('market_reservations_unique').on(t.orderId, t.variantId, t.countyId),
    index('market_reservations_variant_idx').on(t.variantId, t.status),
  ],
);
