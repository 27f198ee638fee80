import multipart from '@fastify/multipart';
import type { FastifyPluginAsync, FastifyRequest } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { badRequest, Problem } from '../../server/problems.ts';
import { storageFor } from '../../server/storage.ts';
import { ASSET_KINDS, BUILDING_TYPES, CURRENT_USES, HERITAGE_LEVELS, LISTING_LEVELS, OWNER_TYPES, SEASONS } from './schema.ts';
import * as atlas from './service.ts';
import { exportBuildings, FORMATS, formatOf, importBuildings, importTemplate } from './transfer.ts';
import { PHOTO_MAX_BYTES, photoTooLarge } from '../../server/images.ts';
import { readMultipart } from '../../server/multipart.ts';
import { OPTIONAL_SESSION, SESSION, binary } from '../../server/openapi.ts';

// ---- replies: what each route answers (the serializer and the OpenAPI document use them) ----
/** A building's outline as stored: a GeoJSON Point or a one-ring Polygon (validated on the way in). */
const position = z.array(z.number()).min(2).max(3);
const buildingGeometry = z.discriminatedUnion('type', [
  z.object({ type: z.literal('Point'), coordinates: position }),
  z.object({ type: z.literal('Polygon'), coordinates: z.array(z.array(position)) }),
]);
// The same literals as the server's types, in the order the published contract has them.
const buildingType = z.enum(['workshop', 'dwelling', 'ancestral_hall', 'temple', 'bridge', 'well', 'pavilion', 'tea_house', 'school', 'gate', 'pagoda', 'other']);
const protectionLevel = z.enum(['county', 'national', 'provincial', 'listed', 'none']);
const assetKind = z.enum(['custom', 'craft', 'festival', 'cuisine', 'performing_art']);
const unitName = { id: z.string(), nameZh: z.string(), namePinyin: z.string() };

/** A village's profile, as listed, opened and edited. */
const villageProfile = z.object({
  ...unitName,
  township: z.object(unitName),
  description: z.string(),
  lon: z.number().nullable(),
  lat: z.number().nullable(),
  registeredPopulation: z.number().nullable(),
  residentPopulation: z.number().nullable(),
  altitudeM: z.number().nullable(),
  listingLevel: z.enum(LISTING_LEVELS).nullable(),
  listingBatch: z.number().nullable(),
  story: z.string(),
  published: z.boolean(),
  editable: z.boolean(),
});
/** A building in a list (a village's page, the buildings list, search). */
const buildingSummary = z.object({
  id: z.string(),
  villageId: z.string(),
  name: z.string(),
  namePinyin: z.string(),
  nameEn: z.string().nullable(),
  type: buildingType,
  era: z.string(),
  buildYear: z.number().nullable(),
  protectionLevel,
  currentUse: z.string(),
  condition: z.number().nullable(),
  lon: z.number(),
  lat: z.number(),
});
/** A building's whole record, as written. */
const buildingRecord = buildingSummary.extend({
  countyId: z.string(),
  structure: z.string(),
  materials: z.string(),
  ownerType: z.string(),
  geometry: buildingGeometry,
  minLon: z.number(),
  minLat: z.number(),
  maxLon: z.number(),
  maxLat: z.number(),
  notes: z.string(),
  searchText: z.string(),
  createdAt: z.date(),
  updatedAt: z.date(),
});
/** A piece of living culture in a list, with its villages and buildings. */
const cultureItem = z.object({
  villages: z.array(z.object(unitName)),
  buildings: z.array(z.object({ id: z.string(), name: z.string() })),
  id: z.string(),
  villageId: z.string(),
  kind: assetKind,
  name: z.string(),
  namePinyin: z.string(),
  description: z.string(),
  seasons: z.array(z.string()),
  dates: z.string(),
});
const photoReply = z.object({
  id: z.string(),
  villageId: z.string(),
  buildingId: z.string().nullable(),
  assetId: z.string().nullable(),
  contentType: z.string(),
  bytes: z.number(),
  width: z.number(),
  height: z.number(),
  caption: z.string(),
  createdAt: z.date(),
});

const listVillagesReply = z.array(villageProfile);
const getVillageReply = villageProfile.extend({ buildings: z.array(buildingSummary), culture: z.array(cultureItem), photos: z.array(photoReply) });
const updateVillageProfileReply = villageProfile;
const listBuildingsReply = z.object({ total: z.number(), items: z.array(buildingSummary) });
const createBuilding201Reply = buildingRecord;
const getBuildingReply = buildingRecord.omit({ countyId: true, searchText: true }).extend({
  crs: z.enum(['wgs84', 'gcj02']),
  village: z.object(unitName),
  editable: z.boolean(),
  history: z.array(z.object({
    id: z.string(),
    grade: z.number(),
    assessedOn: z.string(),
    assessor: z.string(),
    notes: z.string(),
    createdAt: z.date(),
  })),
  photos: z.array(photoReply),
  culture: z.array(z.object({ id: z.string(), kind: assetKind, name: z.string(), namePinyin: z.string() })),
});
const updateBuildingReply = buildingRecord;
const addAssessment201Reply = z.object({
  id: z.string(),
  countyId: z.string(),
  createdAt: z.date(),
  notes: z.string(),
  buildingId: z.string(),
  grade: z.number(),
  assessedOn: z.string(),
  assessor: z.string(),
  recordedBy: z.string().nullable(),
});
/** A building on the map (zoomed in), or a grid cluster of buildings (its count, worst and mean condition, highest protection). */
const mapBuilding = z.object({ id: z.string(), name: z.string(), type: z.enum(BUILDING_TYPES), protection: z.enum(HERITAGE_LEVELS), condition: z.number().nullable() });
const mapCluster = z.object({
  count: z.number(),
  id: z.string().optional().meta({ description: 'The building, when the cluster holds one' }),
  condition: z.number().nullable(),
  meanCondition: z.number().nullable(),
  protection: z.enum(HERITAGE_LEVELS),
});
const mapLayerReply = z.object({
  type: z.literal('FeatureCollection'),
  features: z.array(z.object({
    type: z.literal('Feature'),
    id: z.string().optional(),
    geometry: z.object({ type: z.literal('Point'), coordinates: position }),
    properties: z.union([mapBuilding, mapCluster]),
  })),
  clustered: z.boolean(),
  total: z.number(),
});
const listAssetsReply = z.array(cultureItem);
const createAsset201Reply = z.object({
  villageIds: z.array(z.string()),
  buildingIds: z.array(z.string()),
  description: z.string(),
  id: z.string(),
  name: z.string(),
  countyId: z.string(),
  namePinyin: z.string(),
  createdAt: z.date(),
  updatedAt: z.date(),
  kind: assetKind,
  villageId: z.string(),
  searchText: z.string(),
  seasons: z.array(z.string()),
  dates: z.string(),
});
const searchAtlasReply = z.object({
  villages: z.array(z.object({ ...unitName, township: z.object(unitName) })),
  buildings: z.array(buildingSummary),
  culture: z.array(cultureItem),
});
const importBuildingsReply = z.object({
  format: z.enum(['geojson', 'csv', 'xlsx']),
  rows: z.number(),
  imported: z.number(),
  created: z.number(),
  updated: z.number(),
  unchanged: z.number(),
  dryRun: z.boolean(),
  report: z.array(z.object({
    row: z.number(),
    field: z.string(),
    code: z.enum(['duplicate_id', 'format', 'required', 'unknown_value', 'not_a_number', 'out_of_range', 'invalid_geometry', 'unknown_village', 'ambiguous_village', 'not_permitted', 'too_long']),
    reason: z.string(),
  })),
});


const idParams = z.strictObject({ id: z.uuid() });
const crs = z.enum(['wgs84', 'gcj02']).default('wgs84');
const text = (max: number) => z.string().trim().max(max);
const geometry = z.looseObject({ type: z.string(), coordinates: z.unknown() }).describe('GeoJSON Point or Polygon (one ring, not self-intersecting)');
const buildingFields = {
  name: z.string().trim().min(1).max(120),
  nameEn: text(120).nullish().describe('The name in English (optional; English readers see the pinyin without it)'),
  type: z.enum(BUILDING_TYPES),
  era: text(200).optional(),
  buildYear: z.number().int().min(600).max(2100).nullable().optional(),
  protectionLevel: z.enum(HERITAGE_LEVELS).optional(),
  structure: text(200).optional(),
  materials: text(200).optional(),
  currentUse: z.enum(CURRENT_USES).optional(),
  ownerType: z.enum(OWNER_TYPES).optional(),
  geometry,
  notes: text(5000).optional(),
};
const bbox = z
  .string()
  .transform((s, ctx) => {
    const parts = s.split(',').map(Number);
    const [w, so, e, n] = parts;
    if (parts.length !== 4 || parts.some((x) => !Number.isFinite(x))) {
      ctx.addIssue({ code: 'custom', message: 'bbox is west,south,east,north in degrees' });
      return z.NEVER;
    }
    if (w < -180 || e > 180 || so < -90 || n > 90 || w > e || so > n) {
      ctx.addIssue({ code: 'custom', message: 'bbox is out of range (longitude −180 to 180, latitude −90 to 90, west ≤ east, south ≤ north)' });
      return z.NEVER;
    }
    return [w, so, e, n] as [number, number, number, number];
  });

const IMPORT_MAX_BYTES = 30 * 1024 * 1024;

export const atlasRoutes: FastifyPluginAsync = async (base) => {
  const app = base.withTypeProvider<ZodTypeProvider>();
  await app.register(multipart, { throwFileSizeLimit: true, limits: { fileSize: IMPORT_MAX_BYTES, files: 1 } });
  const storage = storageFor(app.config);
  const tags = ['atlas'];
  // Villages come from governance: bring their search text up to date before the first search.
  app.addHook('onReady', async () => {
    await atlas.refreshVillageSearch(app.db);
  });

  // ---- villages ----
  app.get('/atlas/villages', { schema: { tags, summary: 'Villages with their atlas profiles (published, or editable by you)', querystring: z.strictObject({ q: text(64).optional() }), operationId: 'listVillages', security: OPTIONAL_SESSION, response: { 200: listVillagesReply } } }, async (request) =>
    atlas.listVillages(app.db, request.actor, request.query),
  );

  app.get('/atlas/villages/:id', { schema: { tags, summary: 'A village: profile, heritage, living culture, photos', params: idParams, operationId: 'getVillage', security: OPTIONAL_SESSION, response: { 200: getVillageReply } } }, async (request) =>
    atlas.getVillage(app.db, request.actor, request.params.id),
  );

  app.patch(
    '/atlas/villages/:id',
    {
      schema: {
        tags,
        summary: 'Edit a village profile (officials of the village or above; publishing: township and county)',
        params: idParams,
        body: z
          .strictObject({
            registeredPopulation: z.number().int().min(0).max(1_000_000).nullable().optional(),
            residentPopulation: z.number().int().min(0).max(1_000_000).nullable().optional(),
            altitudeM: z.number().int().min(-500).max(9000).nullable().optional(),
            listingLevel: z.enum(LISTING_LEVELS).nullable().optional(),
            listingBatch: z.number().int().min(1).max(20).nullable().optional(),
            story: z.string().max(20_000).optional(),
            published: z.boolean().optional(),
          })
          .refine((b) => Object.keys(b).length > 0, 'Give at least one field to change'), operationId: 'updateVillageProfile', security: SESSION, response: { 200: updateVillageProfileReply },
      },
    },
    async (request) => atlas.updateVillageProfile(app.db, request.actor, request.params.id, request.body),
  );

  // ---- buildings ----
  app.get(
    '/atlas/buildings',
    {
      schema: {
        tags,
        querystring: z.strictObject({
          villageId: z.uuid().optional(),
          q: text(64).optional(),
          type: z.enum(BUILDING_TYPES).optional(),
          protectionLevel: z.enum(HERITAGE_LEVELS).optional(),
          limit: z.coerce.number().int().min(1).max(200).default(50),
          offset: z.coerce.number().int().min(0).default(0),
        }), summary: 'Heritage buildings, filtered', operationId: 'listBuildings', security: OPTIONAL_SESSION, response: { 200: listBuildingsReply },
      },
    },
    async (request) => atlas.listBuildings(app.db, request.actor, request.query),
  );

  app.post(
    '/atlas/buildings',
    { schema: { tags, summary: 'Record a heritage building (coordinates in WGS-84, or GCJ-02 with crs)', body: z.strictObject({ villageId: z.uuid(), ...buildingFields, crs }), operationId: 'createBuilding', security: SESSION, response: { 201: createBuilding201Reply } } },
    async (request, reply) => reply.code(201).send(await atlas.createBuilding(app.db, request.actor, request.body)),
  );

  app.get(
    '/atlas/buildings/:id',
    { schema: { tags, summary: 'A building with its condition history; crs=gcj02 returns GCJ-02 coordinates', params: idParams, querystring: z.strictObject({ crs: crs.optional() }), operationId: 'getBuilding', security: OPTIONAL_SESSION, response: { 200: getBuildingReply } } },
    async (request) => atlas.getBuilding(app.db, request.actor, request.params.id, { crs: request.query.crs }),
  );

  app.patch(
    '/atlas/buildings/:id',
    {
      schema: {
        tags,
        params: idParams,
        body: z
          .strictObject({ ...Object.fromEntries(Object.entries(buildingFields).map(([k, v]) => [k, v.optional()])), crs: crs.optional() } as {
            [K in keyof typeof buildingFields]: z.ZodOptional<(typeof buildingFields)[K]>;
          } & { crs: z.ZodOptional<typeof crs> })
          .refine((b) => Object.keys(b).length > 0, 'Give at least one field to change'), summary: 'Edit a heritage building', operationId: 'updateBuilding', security: SESSION, response: { 200: updateBuildingReply },
      },
    },
    async (request) => atlas.updateBuilding(app.db, request.actor, request.params.id, request.body),
  );

  app.post(
    '/atlas/buildings/:id/assessments',
    {
      schema: {
        tags,
        summary: 'Add a dated condition assessment (grade 1 = sound … 5 = ruinous); the history is append-only',
        params: idParams,
        body: z.strictObject({ grade: z.number().int().min(1).max(5), assessedOn: z.iso.date(), assessor: z.string().trim().min(1).max(120), notes: text(5000).optional() }), operationId: 'addAssessment', security: SESSION, response: { 201: addAssessment201Reply },
      },
    },
    async (request, reply) => reply.code(201).send(await atlas.addAssessment(app.db, request.actor, request.params.id, request.body)),
  );

  // ---- the map layer ----
  app.get(
    '/atlas/map/buildings',
    {
      schema: {
        tags,
        summary: 'Buildings in a bounding box as GeoJSON: single buildings when zoomed in, grid clusters otherwise',
        querystring: z.strictObject({
          bbox,
          zoom: z.coerce.number().min(0).max(24),
          type: z.enum(BUILDING_TYPES).optional(),
          protectionLevel: z.enum(HERITAGE_LEVELS).optional(),
          villageId: z.uuid().optional(),
        }), operationId: 'mapLayer', security: OPTIONAL_SESSION, response: { 200: mapLayerReply },
      },
    },
    async (request) => atlas.mapLayer(app.db, request.actor, request.query),
  );

  // ---- living culture ----
  app.get(
    '/atlas/culture',
    { schema: { tags, querystring: z.strictObject({ villageId: z.uuid().optional(), kind: z.enum(ASSET_KINDS).optional(), q: text(64).optional() }), summary: 'Cultural assets, filtered', operationId: 'listAssets', security: OPTIONAL_SESSION, response: { 200: listAssetsReply } } },
    async (request) => atlas.listAssets(app.db, request.actor, request.query),
  );

  app.post(
    '/atlas/culture',
    {
      schema: {
        tags,
        summary: 'Record a craft, festival, cuisine, custom or performing art, with its villages and buildings',
        body: z.strictObject({
          kind: z.enum(ASSET_KINDS),
          name: z.string().trim().min(1).max(120),
          description: text(20_000).optional(),
          seasons: z.array(z.enum(SEASONS)).max(5).optional(),
          dates: text(200).optional(),
          villageIds: z.array(z.uuid()).min(1).max(20),
          buildingIds: z.array(z.uuid()).max(50).optional(),
        }), operationId: 'createAsset', security: SESSION, response: { 201: createAsset201Reply },
      },
    },
    async (request, reply) => reply.code(201).send(await atlas.createAsset(app.db, request.actor, request.body)),
  );

  // ---- search ----
  app.get(
    '/atlas/search',
    { schema: { tags, summary: 'Villages, buildings and living culture by name or description, in Chinese or pinyin', querystring: z.strictObject({ q: z.string().trim().min(1).max(64) }), operationId: 'searchAtlas', security: OPTIONAL_SESSION, response: { 200: searchAtlasReply } } },
    async (request) => atlas.search(app.db, request.actor, request.query.q),
  );

  // ---- photos ----
  const uploadPhoto = async (request: FastifyRequest, target: atlas.PhotoTarget) => {
    const { fields, file } = await readMultipart(request, PHOTO_MAX_BYTES, photoTooLarge);
    const caption = (fields.caption ?? '').trim();
    if (caption.length > 200) throw badRequest('caption', 'At most 200 characters');
    return atlas.addPhoto(app.db, storage, request.actor, target, { data: file.data, declaredType: file.mimetype, caption });
  };
  const multipartSchema = { tags, params: idParams, consumes: ['multipart/form-data'], summary: 'Upload a JPEG, PNG or WebP photo (field "file", optional "caption")' };
  app.post('/atlas/buildings/:id/photos', { schema: { ...multipartSchema, operationId: 'uploadBuildingPhoto', security: SESSION, response: { 201: photoReply } } }, async (request, reply) =>
    reply.code(201).send(await uploadPhoto(request, { buildingId: request.params.id })),
  );
  app.post('/atlas/villages/:id/photos', { schema: { ...multipartSchema, operationId: 'uploadVillagePhoto', security: SESSION, response: { 201: photoReply } } }, async (request, reply) =>
    reply.code(201).send(await uploadPhoto(request, { villageId: request.params.id })),
  );
  app.post('/atlas/culture/:id/photos', { schema: { ...multipartSchema, operationId: 'uploadAssetPhoto', security: SESSION, response: { 201: photoReply } } }, async (request, reply) =>
    reply.code(201).send(await uploadPhoto(request, { assetId: request.params.id })),
  );

  app.get(
    '/atlas/photos/:id',
    { schema: { tags, params: idParams, querystring: z.strictObject({ size: z.enum(['thumb', 'full']).default('full') }), summary: 'An Atlas photo (size=thumb for the small WebP)', operationId: 'getPhoto', security: OPTIONAL_SESSION, response: { 200: binary('image/jpeg', 'image/png', 'image/webp') } } },
    async (request, reply) => {
      const p = await atlas.getPhoto(app.db, storage, request.actor, request.params.id, request.query.size);
      return reply
        .type(p.contentType)
        .header('x-content-type-options', 'nosniff')
        .header('cache-control', p.public ? 'public, max-age=86400' : 'private, max-age=300')
        .send(p.data);
    },
  );

  // ---- import and export ----
  app.post(
    '/atlas/import/buildings',
    {
      schema: {
        tags,
        summary: 'Import buildings from GeoJSON, CSV or XLSX (by the file name when no format is given): every row is checked, and all are written or none; a row with an exported id updates that building',
        consumes: ['multipart/form-data'],
        querystring: z.strictObject({ format: z.enum(FORMATS).optional(), crs, dryRun: z.enum(['true', 'false']).default('false').transform((v) => v === 'true') }), operationId: 'importBuildings', security: SESSION, response: { 200: importBuildingsReply },
      },
    },
    async (request) => {
      const { file } = await readMultipart(
        request,
        IMPORT_MAX_BYTES,
        () => new Problem(413, 'import_too_large', `The file is larger than ${IMPORT_MAX_BYTES / 1048576} MB`, { field: 'file' }),
      );
      const format = request.query.format ?? formatOf(file.filename);
      if (!format) throw badRequest('file', 'Name the file .csv, .xlsx or .geojson, or give the format');
      return importBuildings(app.db, request.actor, { format, crs: request.query.crs, dryRun: request.query.dryRun, data: file.data });
    },
  );

  app.get(
    '/atlas/import/template',
    { schema: { tags, summary: 'An import template to fill in: the columns and one example row', querystring: z.strictObject({ format: z.enum(FORMATS) }), operationId: 'buildingImportTemplate', security: OPTIONAL_SESSION, response: { 200: binary('application/octet-stream') } } },
    async (request, reply) => {
      const out = await importTemplate(app.db, request.query.format);
      return reply.type(out.contentType).header('content-disposition', `attachment; filename="${out.filename}"`).send(out.data);
    },
  );

  app.get(
    '/atlas/export/buildings',
    { schema: { tags, summary: 'Export the buildings you can see as GeoJSON, CSV or XLSX', querystring: z.strictObject({ format: z.enum(FORMATS), villageId: z.uuid().optional() }), operationId: 'exportBuildings', security: OPTIONAL_SESSION, response: { 200: binary('application/octet-stream') } } },
    async (request, reply) => {
      const out = await exportBuildings(app.db, request.actor, request.query);
      return reply.type(out.contentType).header('content-disposition', `attachment; filename="${out.filename}"`).send(out.data);
    },
  );
};
