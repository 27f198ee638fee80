import multipart from '@fastify/multipart';
import type { FastifyPluginAsync } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import QRCode from 'qrcode';
import { z } from 'zod';
import { paymentStartReply, refundView } from '../payments/index.ts';
import { documentTooLarge, PDF_MAX_BYTES, PHOTO_MAX_BYTES, photoTooLarge } from '../../server/images.ts';
import { badRequest, Problem } from '../../server/problems.ts';
import { storageFor } from '../../server/storage.ts';
import { ORDER_STATUSES, PRODUCT_KINDS, TRACE_KINDS } from './schema.ts';
import * as market from './service.ts';
import { readMultipart } from '../../server/multipart.ts';
import { binary, noContent, PUBLIC, SESSION } from '../../server/openapi.ts';

// ---- replies: what each route answers (the serializer and the OpenAPI document use them) ----
const productListReply = z.object({
  items: z.array(z.object({
    producer: z.string(),
    village: z.string(),
    id: z.string(),
    orgId: z.string(),
    kind: z.enum(['craft', 'tea']),
    name: z.string(),
    nameEn: z.string().nullable().describe('The name in English as entered; null when none was'),
    namePinyin: z.string().describe('The name in pinyin, shown to English readers'),
    variety: z.string().nullable(),
    grade: z.string().nullable(),
    season: z.string().nullable(),
    photoUrl: z.string().nullable(),
    photoId: z.string().nullable(),
    active: z.boolean(),
    minPriceFen: z.number(),
    stock: z.number(),
  })),
});
const productReply = z.object({
  id: z.string(),
  orgId: z.string(),
  producer: z.string(),
  village: z.string(),
  kind: z.enum(['craft', 'tea']),
  name: z.string(),
  nameEn: z.string().nullable().describe('The name in English as entered; null when none was'),
  namePinyin: z.string().describe('The name in pinyin, shown to English readers'),
  description: z.string(),
  variety: z.string().nullable(),
  grade: z.string().nullable(),
  season: z.string().nullable(),
  photoUrl: z.string().nullable(),
  gtin: z.string(),
  active: z.boolean(),
  variants: z.array(z.object({
    id: z.string(),
    label: z.string(),
    weightG: z.number().nullable(),
    priceFen: z.number(),
    stock: z.number(),
    batchId: z.string().nullable(),
    active: z.boolean(),
  })),
  batches: z.array(z.object({ id: z.string(), lot: z.string(), harvestDate: z.string().nullable() })),
  photos: z.array(z.object({
    id: z.string(),
    productId: z.string(),
    contentType: z.string(),
    bytes: z.number(),
    width: z.number(),
    height: z.number(),
    caption: z.string(),
    createdAt: z.date(),
  })),
});
const listShopsReply = z.array(z.object({
  products: z.number(),
  id: z.string(),
  unitId: z.string(),
  unitName: z.string(),
  kind: z.enum(['cooperative', 'company', 'inn', 'workshop', 'logistics_operator', 'family_farm']),
  name: z.string(),
  nameEn: z.string().nullable().describe("The producer's name in English as entered, or null"),
  namePinyin: z.string(),
  description: z.string(),
  members: z.number(),
}));
const getShopReply = z.object({
  intro: z.string(),
  shipping: z.object({
    baseFen: z.number(),
    freeOverFen: z.number().nullable(),
    remoteSurchargeFen: z.number(),
    remoteProvinces: z.array(z.string()),
  }),
  products: productListReply.shape.items,
  id: z.string(),
  unitId: z.string(),
  unitName: z.string(),
  kind: z.enum(['cooperative', 'company', 'inn', 'workshop', 'logistics_operator', 'family_farm']),
  name: z.string(),
  nameEn: z.string().nullable().describe("The producer's name in English as entered, or null"),
  namePinyin: z.string(),
  description: z.string(),
  members: z.number(),
});
const myShopsReply = z.array(z.object({
  id: z.string(),
  unitId: z.string(),
  unitName: z.string(),
  kind: z.enum(['cooperative', 'company', 'inn', 'workshop', 'logistics_operator', 'family_farm']),
  name: z.string(),
  nameEn: z.string().nullable().describe("The producer's name in English as entered, or null"),
  namePinyin: z.string(),
  description: z.string(),
  members: z.number(),
}));
const updateShopReply = z.object({
  countyId: z.string(),
  orgId: z.string(),
  intro: z.string(),
  shippingBaseFen: z.number(),
  freeShippingOverFen: z.number().nullable(),
  remoteSurchargeFen: z.number(),
  lowStockThreshold: z.number(),
});
const createProduct201Reply = z.object({
  variants: z.array(z.object({
    id: z.string(),
    label: z.string(),
    weightG: z.number().nullable(),
    priceFen: z.number(),
    stock: z.number(),
    batchId: z.string().nullable(),
    active: z.boolean(),
  })),
  description: z.string(),
  id: z.string(),
  name: z.string(),
  nameEn: z.string().nullable(),
  countyId: z.string(),
  createdAt: z.date(),
  kind: z.enum(['craft', 'tea']),
  orgId: z.string(),
  searchText: z.string(),
  grade: z.string().nullable(),
  season: z.string().nullable(),
  variety: z.string().nullable(),
  photoUrl: z.string().nullable(),
  gtin: z.string(),
  active: z.boolean(),
});
const updateProductReply = z.object({
  id: z.string(),
  countyId: z.string(),
  orgId: z.string(),
  kind: z.enum(['craft', 'tea']),
  name: z.string(),
  nameEn: z.string().nullable(),
  description: z.string(),
  variety: z.string().nullable(),
  grade: z.string().nullable(),
  season: z.string().nullable(),
  photoUrl: z.string().nullable(),
  gtin: z.string(),
  active: z.boolean(),
  searchText: z.string(),
  createdAt: z.date(),
});
const addVariant201Reply = z.object({
  id: z.string(),
  label: z.string(),
  weightG: z.number().nullable(),
  priceFen: z.number(),
  stock: z.number(),
  batchId: z.string().nullable(),
  active: z.boolean(),
});
const addProductPhoto201Reply = z.object({
  id: z.string(),
  productId: z.string(),
  contentType: z.string(),
  bytes: z.number(),
  width: z.number(),
  height: z.number(),
  caption: z.string(),
  createdAt: z.date(),
});
const orderProductPhotosReply = z.array(z.object({
  id: z.string(),
  productId: z.string(),
  contentType: z.string(),
  bytes: z.number(),
  width: z.number(),
  height: z.number(),
  caption: z.string(),
  createdAt: z.date(),
}));
const listGardensReply = z.array(z.object({
  id: z.string(),
  countyId: z.string(),
  orgId: z.string(),
  villageId: z.string(),
  name: z.string(),
  lon: z.number().nullable(),
  lat: z.number().nullable(),
  altitudeM: z.number().nullable(),
  createdAt: z.date(),
}));
const createGarden201Reply = z.object({
  id: z.string(),
  name: z.string(),
  countyId: z.string(),
  lon: z.number().nullable(),
  lat: z.number().nullable(),
  createdAt: z.date(),
  orgId: z.string(),
  altitudeM: z.number().nullable(),
  villageId: z.string(),
});
const listBatchesReply = z.array(z.object({
  id: z.string(),
  lot: z.string(),
  productId: z.string(),
  productName: z.string(),
  productNameEn: z.string().nullable().describe("The product's name in English as entered, or null"),
  productNamePinyin: z.string(),
  gtin: z.string(),
  harvestDate: z.string().nullable(),
  quantity: z.number(),
  eventCount: z.number(),
}));
const createBatch201Reply = z.object({
  id: z.string(),
  countyId: z.string(),
  createdAt: z.date(),
  orgId: z.string(),
  notes: z.string(),
  productId: z.string(),
  gardenId: z.string().nullable(),
  lot: z.string(),
  harvestDate: z.string().nullable(),
  quantity: z.number(),
  headHash: z.string(),
  eventCount: z.number(),
});
const appendTraceEvent201Reply = z.object({
  id: z.string(),
  createdAt: z.date(),
  kind: z.enum(['note', 'planting', 'picking', 'withering', 'fixing', 'rolling', 'drying', 'crafting', 'inspection', 'certificate', 'packing']),
  notes: z.string(),
  hash: z.string(),
  recordedBy: z.string().nullable(),
  batchId: z.string(),
  seq: z.number(),
  occurredAt: z.date(),
  operator: z.string(),
  documentTitle: z.string().nullable(),
  documentUrl: z.string().nullable(),
  documentId: z.string().nullable(),
  documentSha256: z.string().nullable(),
  placeUnitId: z.string().nullable(),
  placeLon: z.number().nullable(),
  placeLat: z.number().nullable(),
  prevHash: z.string(),
});
const addTraceDocument201Reply = z.object({
  id: z.string(),
  title: z.string(),
  contentType: z.string(),
  bytes: z.number(),
  sha256: z.string(),
  url: z.string(),
});
const getTraceReply = z.object({
  batch: z.object({
    id: z.string(),
    lot: z.string(),
    harvestDate: z.string().nullable(),
    quantity: z.number(),
    notes: z.string(),
  }),
  product: z.object({
    id: z.string(),
    name: z.string(),
    nameEn: z.string().nullable(),
    namePinyin: z.string(),
    kind: z.enum(['craft', 'tea']),
    variety: z.string().nullable(),
    grade: z.string().nullable(),
    season: z.string().nullable(),
    gtin: z.string(),
  }),
  producer: z.object({ id: z.string(), name: z.string(), village: z.string() }),
  garden: z.object({
    name: z.string(),
    lon: z.number().nullable(),
    lat: z.number().nullable(),
    altitudeM: z.number().nullable(),
    village: z.string(),
    villagePinyin: z.string(),
    villageLon: z.number().nullable(),
    villageLat: z.number().nullable(),
  }).nullable(),
  digitalLink: z.string(),
  journey: z
    .array(z.object({ id: z.string(), name: z.string(), namePinyin: z.string().nullable(), kind: z.enum(TRACE_KINDS).nullable(), lon: z.number(), lat: z.number() }))
    .describe('The garden, then where the events happened in their order; without places, the garden, its village and the county seat'),
  events: z.array(z.object({
    seq: z.number(),
    kind: z.enum(['note', 'planting', 'picking', 'withering', 'fixing', 'rolling', 'drying', 'crafting', 'inspection', 'certificate', 'packing']),
    occurredAt: z.date(),
    operator: z.string(),
    notes: z.string(),
    documentTitle: z.string().nullable(),
    documentUrl: z.string().nullable(),
    documentSha256: z.string().nullable(),
    documentVerified: z.boolean().nullable(),
    place: z.object({ unitId: z.string().nullable(), name: z.string().nullable(), namePinyin: z.string().nullable(), lon: z.number(), lat: z.number() }).nullable(),
    hash: z.string(),
    prevHash: z.string(),
  })),
  verification: z.object({
    valid: z.boolean(),
    brokenAtSeq: z.number().nullable(),
    headHash: z.string(),
    events: z.number(),
  }),
});
const resolveDigitalLinkReply = z.object({ batchId: z.string() });
const quoteReply = z.object({
  orgId: z.string(),
  lines: z.array(z.object({
    variantId: z.string(),
    productName: z.string(),
    label: z.string(),
    qty: z.number(),
    unitPriceFen: z.number(),
    lineFen: z.number(),
    stock: z.number(),
  })),
  subtotalFen: z.number(),
  shippingFen: z.number(),
  totalFen: z.number(),
});
const orderStatus = z.enum(ORDER_STATUSES);
const shippingAddress = z.object({ name: z.string(), phone: z.string(), province: z.string(), city: z.string(), detail: z.string() });
const orderItem = z.object({
  variantId: z.string(),
  batchId: z.string().nullable(),
  productName: z.string(),
  variantLabel: z.string(),
  qty: z.number(),
  unitPriceFen: z.number(),
  lineFen: z.number(),
  returnedQty: z.number().optional().meta({ description: 'Units the producer has taken back and refunded' }),
});
/** A new order as checkout holds it. */
const checkout201Reply = z.object({
  id: z.string(),
  orgId: z.string(),
  status: orderStatus,
  subtotalFen: z.number(),
  shippingFen: z.number(),
  totalFen: z.number(),
  address: shippingAddress,
  reservedUntil: z.date(),
  createdAt: z.date(),
  items: z.array(orderItem),
});
const orderListItem = checkout201Reply.extend({
  producer: z.string(),
  paymentId: z.string().nullable(),
  trackingNo: z.string().nullable(),
  paidAt: z.date().nullable(),
  shippedAt: z.date().nullable(),
  deliveredAt: z.date().nullable(),
  completedAt: z.date().nullable(),
  cancelledAt: z.date().nullable(),
  refundedAt: z.date().nullable(),
  refunds: z.array(refundView),
});
const orderListReply = z.array(orderListItem);
/** An order as its buyer or seller sees it. */
const orderReply = orderListItem.extend({ viewerRole: z.enum(['buyer', 'seller']) });
const payOrderReply = paymentStartReply;
const shopDashboardReply = z.object({
  days: z.number(),
  lowStockThreshold: z.number(),
  salesByDay: z.array(z.object({ day: z.string(), orders: z.number(), revenueFen: z.number() })),
  salesByProduct: z.array(z.object({ product: z.string(), qty: z.number(), revenueFen: z.number() })),
  stock: z.array(z.object({
    variantId: z.string(),
    product: z.string(),
    label: z.string(),
    stock: z.number(),
    held: z.number(),
    sold: z.number(),
    low: z.boolean(),
  })),
  ordersByStatus: z.record(z.string(), z.number()),
});


const idParams = z.strictObject({ id: z.uuid() });
const orgParams = z.strictObject({ orgId: z.uuid() });
const paging = { limit: z.coerce.number().int().min(1).max(200).default(50), offset: z.coerce.number().int().min(0).default(0) };
const fen = z.number().int().min(0).max(100_000_000);
const text = (max: number) => z.string().trim().max(max);
const item = z.strictObject({ variantId: z.uuid(), qty: z.number().int().min(1).max(99) });
/** A delivery address as a buyer gives it (also for orders other modules make: `orderSetAsideUnit`). */
export const address = z.strictObject({
  name: text(40).min(1),
  phone: z.string().trim().regex(/^[0-9+\- ]{5,20}$/, 'A phone number'),
  province: text(20).min(1),
  city: text(40).min(1),
  detail: text(200).min(1),
});
const variant = z.strictObject({
  label: text(60).min(1),
  weightG: z.number().int().positive().nullish(),
  priceFen: fen.min(1),
  stock: z.number().int().min(0).max(1_000_000),
});

/** Market: catalogue, shops, batches and trace, checkout and orders, producer dashboard. */
export const marketRoutes: FastifyPluginAsync = async (base) => {
  const app = base.withTypeProvider<ZodTypeProvider>();
  await app.register(multipart, { throwFileSizeLimit: true, limits: { fileSize: PHOTO_MAX_BYTES, files: 1 } });
  const storage = storageFor(app.config);

  // Products written before the catalogue searched pinyin get their search text once.
  app.addHook('onReady', async () => {
    await market.backfillProductSearch(app.db);
  });

  // ---- catalogue and shops (public) ----
  app.get(
    '/market/products',
    {
      schema: {
        tags: ['market'],
        summary: 'Catalogue: search and filter products',
        querystring: z.strictObject({
          q: text(60).optional(),
          kind: z.enum(PRODUCT_KINDS).optional(),
          orgId: z.uuid().optional(),
          season: text(20).optional(),
          ...paging,
        }), operationId: 'listProducts', security: PUBLIC, response: { 200: productListReply },
      },
    },
    async (request) => market.listProducts(app.db, request.query),
  );
  app.get('/market/products/:id', { schema: { tags: ['market'], params: idParams, summary: 'A product with its variants, photos and current batch', operationId: 'getProduct', security: PUBLIC, response: { 200: productReply } } }, async (request) => market.getProduct(app.db, request.params.id));
  app.get('/market/shops', { schema: { tags: ['market'], summary: 'Producers', operationId: 'listShops', security: PUBLIC, response: { 200: listShopsReply } } }, async () => market.listShops(app.db));
  app.get('/market/shops/:orgId', { schema: { tags: ['market'], params: orgParams, summary: 'A shop and its products', operationId: 'getShop', security: PUBLIC, response: { 200: getShopReply } } }, async (request) => market.getShop(app.db, request.params.orgId));
  app.get('/market/my-shops', { schema: { tags: ['market'], summary: 'The shops the signed-in producer sells for', operationId: 'myShops', security: SESSION, response: { 200: myShopsReply } } }, async (request) =>
    market.myShops(app.db, request.actor),
  );

  // ---- producer: shop, products, gardens, batches, trace ----
  app.patch(
    '/market/shops/:orgId',
    {
      schema: {
        tags: ['market'],
        params: orgParams,
        body: z.strictObject({
          intro: text(2000).optional(),
          shippingBaseFen: fen.optional(),
          freeShippingOverFen: fen.nullable().optional(),
          remoteSurchargeFen: fen.optional(),
          lowStockThreshold: z.number().int().min(0).max(100000).optional(),
        }), summary: 'Producer: edit the shop (intro, shipping rules)', operationId: 'updateShop', security: SESSION, response: { 200: updateShopReply },
      },
    },
    async (request) => market.updateShop(app.db, request.actor, request.params.orgId, request.body),
  );
  app.post(
    '/market/products',
    {
      schema: {
        tags: ['market'],
        summary: 'Producer: add a product with its variants',
        body: z.strictObject({
          orgId: z.uuid(),
          kind: z.enum(PRODUCT_KINDS),
          name: text(80).min(1),
          nameEn: text(80).nullish().describe('The name in English (optional; English readers see the pinyin without it)'),
          description: text(4000).optional(),
          variety: text(40).nullish(),
          grade: text(40).nullish(),
          season: text(40).nullish(),
          photoUrl: z.string().url().max(500).nullish(),
          gtin: z.string().regex(/^\d{14}$/).optional(),
          variants: z.array(variant).min(1).max(20),
        }), operationId: 'createProduct', security: SESSION, response: { 201: createProduct201Reply },
      },
    },
    async (request, reply) => reply.code(201).send(await market.createProduct(app.db, request.actor, request.body)),
  );
  app.patch(
    '/market/products/:id',
    {
      schema: {
        tags: ['market'],
        summary: 'Producer: edit a product',
        params: idParams,
        body: z
          .strictObject({
            name: text(80).min(1).optional(),
            nameEn: text(80).nullish(),
            description: text(4000).optional(),
            variety: text(40).nullish(),
            grade: text(40).nullish(),
            season: text(40).nullish(),
            active: z.boolean().optional(),
          })
          .refine((b) => Object.keys(b).length > 0, 'Nothing to change'), operationId: 'updateProduct', security: SESSION, response: { 200: updateProductReply },
      },
    },
    async (request) => market.updateProduct(app.db, request.actor, request.params.id, request.body),
  );
  app.post(
    '/market/products/:id/variants',
    { schema: { tags: ['market'], summary: 'Producer: add a variant to a product', params: idParams, body: variant, operationId: 'addVariant', security: SESSION, response: { 201: addVariant201Reply } } },
    async (request, reply) => reply.code(201).send(await market.addVariant(app.db, request.actor, request.params.id, request.body)),
  );
  app.post(
    '/market/products/:id/photos',
    {
      schema: {
        tags: ['market'],
        params: idParams,
        consumes: ['multipart/form-data'],
        summary: 'Producer: upload a JPEG, PNG or WebP photo of a product (field "file", optional "caption")', operationId: 'addProductPhoto', security: SESSION, response: { 201: addProductPhoto201Reply },
      },
    },
    async (request, reply) => {
      const { fields, file } = await readMultipart(request, PHOTO_MAX_BYTES, photoTooLarge);
      const caption = (fields.caption ?? '').trim();
      if (caption.length > 200) throw badRequest('caption', 'At most 200 characters');
      return reply.code(201).send(await market.addProductPhoto(app.db, storage, request.actor, request.params.id, { data: file.data, declaredType: file.mimetype, caption }));
    },
  );
  app.delete('/market/photos/:id', { schema: { tags: ['market'], summary: 'Producer: remove a product photo', params: idParams, operationId: 'deleteProductPhoto', security: SESSION, response: { 204: noContent } } }, async (request, reply) => {
    await market.deleteProductPhoto(app.db, storage, request.actor, request.params.id);
    return reply.code(204).send();
  });
  app.put(
    '/market/products/:id/photo-order',
    {
      schema: {
        tags: ['market'],
        summary: 'Producer: order the photos of a product (the first is the cover); every photo exactly once',
        params: idParams,
        body: z.strictObject({ photoIds: z.array(z.uuid()).max(100) }), operationId: 'orderProductPhotos', security: SESSION, response: { 200: orderProductPhotosReply },
      },
    },
    async (request) => market.orderProductPhotos(app.db, request.actor, request.params.id, request.body.photoIds),
  );
  app.get(
    '/market/products/:id/manage',
    { schema: { tags: ['market'], summary: 'Producer: a product with every variant, on sale or not', params: idParams, operationId: 'getProductForSeller', security: SESSION, response: { 200: productReply } } },
    async (request) => market.getProductForSeller(app.db, request.actor, request.params.id),
  );
  app.get(
    '/market/shops/:orgId/products',
    { schema: { tags: ['market'], summary: "Producer: the shop's products, on sale or not", params: orgParams, operationId: 'listShopProducts', security: SESSION, response: { 200: productListReply } } },
    async (request) => market.listShopProducts(app.db, request.actor, request.params.orgId),
  );
  app.get(
    '/market/photos/:id',
    { schema: { tags: ['market'], summary: 'A product photo (size=thumb for the 480 px WebP)', params: idParams, querystring: z.strictObject({ size: z.enum(['thumb', 'full']).default('full') }), operationId: 'getProductPhoto', security: PUBLIC, response: { 200: binary('image/jpeg', 'image/png', 'image/webp') } } },
    async (request, reply) => {
      const p = await market.getProductPhoto(app.db, storage, request.params.id, request.query.size);
      return reply.type(p.contentType).header('x-content-type-options', 'nosniff').header('cache-control', 'public, max-age=86400').send(p.data);
    },
  );
  app.patch(
    '/market/variants/:id',
    {
      schema: {
        tags: ['market'],
        params: idParams,
        body: z
          .strictObject({
            label: text(60).min(1).optional(),
            weightG: z.number().int().positive().nullish(),
            priceFen: fen.min(1).optional(),
            stockDelta: z.number().int().min(-1_000_000).max(1_000_000).optional(),
            active: z.boolean().optional(),
            batchId: z.uuid().nullable().optional(),
          })
          .refine((b) => Object.keys(b).length > 0, 'Nothing to change'), summary: 'Producer: edit a variant (price, stock, batch)', operationId: 'updateVariant', security: SESSION, response: { 200: addVariant201Reply },
      },
    },
    async (request) => market.updateVariant(app.db, request.actor, request.params.id, request.body),
  );
  app.get('/market/shops/:orgId/gardens', { schema: { tags: ['market'], params: orgParams, summary: 'Gardens of a shop', operationId: 'listGardens', security: PUBLIC, response: { 200: listGardensReply } } }, async (request) => market.listGardens(app.db, request.params.orgId));
  app.post(
    '/market/gardens',
    {
      schema: {
        tags: ['market'],
        body: z.strictObject({
          orgId: z.uuid(),
          villageId: z.uuid(),
          name: text(80).min(1),
          lon: z.number().min(-180).max(180).nullish(),
          lat: z.number().min(-90).max(90).nullish(),
          altitudeM: z.number().int().min(-500).max(9000).nullish(),
        }), summary: 'Producer: add a garden', operationId: 'createGarden', security: SESSION, response: { 201: createGarden201Reply },
      },
    },
    async (request, reply) => reply.code(201).send(await market.createGarden(app.db, request.actor, request.body)),
  );
  app.get('/market/shops/:orgId/batches', { schema: { tags: ['market'], params: orgParams, summary: 'Batches of a shop', operationId: 'listBatches', security: PUBLIC, response: { 200: listBatchesReply } } }, async (request) => market.listBatches(app.db, request.params.orgId));
  app.post(
    '/market/batches',
    {
      schema: {
        tags: ['market'],
        body: z.strictObject({
          productId: z.uuid(),
          lot: z.string().regex(/^[A-Za-z0-9-]{1,20}$/, 'Letters, digits and dashes, at most 20'),
          gardenId: z.uuid().nullish(),
          harvestDate: z.iso.date().nullish(),
          quantity: z.number().int().min(0).max(10_000_000),
          notes: text(2000).optional(),
          current: z.boolean().optional(),
        }), summary: 'Producer: add a batch', operationId: 'createBatch', security: SESSION, response: { 201: createBatch201Reply },
      },
    },
    async (request, reply) => reply.code(201).send(await market.createBatch(app.db, request.actor, request.body)),
  );
  app.post(
    '/market/batches/:id/events',
    {
      schema: {
        tags: ['market'],
        summary: 'Producer: append a trace event (append-only, hash-chained)',
        params: idParams,
        body: z.strictObject({
          kind: z.enum(TRACE_KINDS),
          occurredAt: z.iso.datetime({ offset: true }),
          operator: text(60).optional(),
          notes: text(2000).optional(),
          documentTitle: text(120).nullish(),
          documentUrl: z.string().url().max(500).nullish(),
          documentId: z.uuid().nullish(),
          placeUnitId: z.uuid().nullish().describe('The village where it happened (its position unless lon/lat are given)'),
          lon: z.number().min(-180).max(180).nullish(),
          lat: z.number().min(-90).max(90).nullish(),
        }), operationId: 'appendTraceEvent', security: SESSION, response: { 201: appendTraceEvent201Reply },
      },
    },
    async (request, reply) =>
      reply.code(201).send(await market.appendTraceEvent(app.db, request.actor, request.params.id, { ...request.body, occurredAt: new Date(request.body.occurredAt) })),
  );

  app.post(
    '/market/batches/:id/documents',
    {
      schema: {
        tags: ['market'],
        params: idParams,
        consumes: ['multipart/form-data'],
        summary: 'Producer: upload a certificate or test report of a batch (field "file": PDF, JPEG, PNG or WebP; field "title")', operationId: 'addTraceDocument', security: SESSION, response: { 201: addTraceDocument201Reply },
      },
    },
    async (request, reply) => {
      const { fields, file } = await readMultipart(request, Math.max(PHOTO_MAX_BYTES, PDF_MAX_BYTES), documentTooLarge);
      const title = (fields.title ?? '').trim();
      if (title.length === 0 || title.length > 120) throw badRequest('title', 'Give a title of 1–120 characters');
      return reply.code(201).send(await market.addTraceDocument(app.db, storage, request.actor, request.params.id, { title, data: file.data, declaredType: file.mimetype }));
    },
  );
  app.get('/market/trace-documents/:id', { schema: { tags: ['market'], summary: 'A certificate or test report of a batch (public, like the trace)', params: idParams, operationId: 'getTraceDocument', security: PUBLIC, response: { 200: binary('application/pdf', 'image/jpeg', 'image/png', 'image/webp') } } }, async (request, reply) => {
    const d = await market.getTraceDocument(app.db, storage, request.params.id);
    return reply.type(d.contentType).header('x-content-type-options', 'nosniff').header('cache-control', 'public, max-age=86400').send(d.data);
  });

  // ---- trace (public) ----
  app.get('/market/trace/:id', { schema: { tags: ['market'], summary: 'Public trace of a batch, with the hash chain verified', params: idParams, operationId: 'getTrace', security: PUBLIC, response: { 200: getTraceReply } } }, async (request) =>
    market.getTrace(app.db, storage, request.params.id),
  );
  const gs1Params = z.strictObject({ gtin: z.string().regex(/^\d{14}$/), lot: z.string().regex(/^[A-Za-z0-9-]{1,20}$/) });
  app.get('/market/gs1/01/:gtin/10/:lot', { schema: { tags: ['market'], summary: 'Resolve a GS1 Digital Link to its batch', params: gs1Params, operationId: 'resolveDigitalLink', security: PUBLIC, response: { 200: resolveDigitalLinkReply } } }, async (request) =>
    market.resolveDigitalLink(app.db, request.params.gtin, request.params.lot),
  );
  app.get(
    '/market/batches/:id/qr.svg',
    { schema: { tags: ['market'], summary: 'Printable QR code of the batch’s GS1 Digital Link', params: idParams, operationId: 'batchQrCode', security: PUBLIC, response: { 200: binary('image/svg+xml') } } },
    async (request, reply) => {
      const link = await market.batchLink(app.db, request.params.id);
      const origin = `${request.protocol}://${request.host}`;
      const svg = await QRCode.toString(`${origin}${link}`, { type: 'svg', errorCorrectionLevel: 'M', margin: 2 });
      return reply.type('image/svg+xml').header('cache-control', 'public, max-age=3600').send(svg);
    },
  );

  // ---- checkout and orders ----
  app.post(
    '/market/quote',
    { schema: { tags: ['market'], summary: 'Price a cart (server prices and shipping rule)', body: z.strictObject({ items: z.array(item).min(1).max(50), province: text(20) }), operationId: 'quote', security: PUBLIC, response: { 200: quoteReply } } },
    async (request) => market.quote(app.db, request.body),
  );
  app.post(
    '/market/orders',
    {
      schema: {
        tags: ['market'],
        summary: 'Checkout: reserve stock and create the order (Idempotency-Key header or idempotencyKey field)',
        body: z.strictObject({ items: z.array(item).min(1).max(50), address, idempotencyKey: z.string().min(8).max(100).optional() }), operationId: 'checkout', security: SESSION, response: { 200: orderReply, 201: checkout201Reply },
      },
    },
    async (request, reply) => {
      const header = request.headers['idempotency-key'];
      const idempotencyKey = (typeof header === 'string' ? header : undefined) ?? request.body.idempotencyKey;
      if (!idempotencyKey || idempotencyKey.length < 8 || idempotencyKey.length > 100) throw badRequest('header/idempotency-key', 'Give an idempotency key of 8–100 characters');
      const result = await market.checkout(app.db, request.actor, { idempotencyKey, items: request.body.items, address: request.body.address });
      // A new order is answered from what checkout holds; a repeated key answers the stored order as it is now.
      if (result.created) return reply.code(201).send(result.order);
      return reply.code(200).send(await market.getOrder(app.db, request.actor, result.orderId));
    },
  );
  app.get('/market/orders', { schema: { tags: ['market'], summary: 'My orders', querystring: z.strictObject(paging), operationId: 'listMyOrders', security: SESSION, response: { 200: orderListReply } } }, async (request) =>
    market.listMyOrders(app.db, request.actor, request.query),
  );
  app.get('/market/orders/:id', { schema: { tags: ['market'], params: idParams, summary: 'An order (its buyer or seller)', operationId: 'getOrder', security: SESSION, response: { 200: orderReply } } }, async (request) => market.getOrder(app.db, request.actor, request.params.id));
  app.post('/market/orders/:id/pay', { schema: { tags: ['market'], summary: 'Start paying: answers the payment page URL', params: idParams, operationId: 'payOrder', security: SESSION, response: { 200: payOrderReply } } }, async (request) =>
    market.payOrder(app.db, request.actor, request.params.id),
  );
  const actionParams = z.strictObject({ id: z.uuid(), action: z.enum(['pack', 'ship', 'deliver', 'complete', 'cancel']) });
  app.post(
    '/market/orders/:id/:action',
    { schema: { tags: ['market'], summary: 'Move an order: pack, ship, deliver, complete, cancel', params: actionParams, body: z.strictObject({ trackingNo: text(40).min(1).optional() }).optional(), operationId: 'actOnOrder', security: SESSION, response: { 200: orderReply } } },
    async (request) => market.actOnOrder(app.db, request.actor, request.params.id, request.params.action, request.body ?? {}),
  );
  app.post(
    '/market/orders/:id/refund',
    { schema: { tags: ['market'], params: idParams, body: z.strictObject({ reason: text(500).min(1) }), summary: 'Seller: refund an order', operationId: 'refundOrder', security: SESSION, response: { 200: orderReply } } },
    async (request) => market.refundOrder(app.db, request.actor, request.params.id, request.body.reason),
  );
  app.post(
    '/market/orders/:id/returns',
    {
      schema: {
        tags: ['market'],
        params: idParams,
        body: z.strictObject({ lines: z.array(z.strictObject({ variantId: z.uuid(), qty: z.number().int().positive().max(10_000) })).min(1).max(50), reason: text(500).min(1) }),
        summary: 'Seller: take lines back by quantity and refund them (shipping too with the last unit)',
        operationId: 'returnLines',
        security: SESSION,
        response: { 200: orderReply },
      },
    },
    async (request) => market.returnLines(app.db, request.actor, request.params.id, request.body),
  );
  app.get(
    '/market/shops/:orgId/orders',
    { schema: { tags: ['market'], params: orgParams, querystring: z.strictObject({ status: z.enum(ORDER_STATUSES).optional(), ...paging }), summary: "Seller: the shop's orders", operationId: 'listShopOrders', security: SESSION, response: { 200: orderListReply } } },
    async (request) => market.listShopOrders(app.db, request.actor, request.params.orgId, request.query),
  );
  app.get('/market/shops/:orgId/dashboard', { schema: { tags: ['market'], params: orgParams, summary: "Seller: the shop's sales dashboard", operationId: 'shopDashboard', security: SESSION, response: { 200: shopDashboardReply } } }, async (request) =>
    market.dashboard(app.db, request.actor, request.params.orgId),
  );
};
