// The atlas module's tables: village profiles, heritage buildings and their condition history, living culture, photos.
import { sql } from 'drizzle-orm';
import {
  boolean,
  check,
  date,
  doublePrecision,
  index,
  integer,
  jsonb,
  foreignKey,
  pgTable,
  primaryKey,
  text,
  timestamp,
  uuid,
  type AnyPgColumn,
} from 'drizzle-orm/pg-core';
import type { Point, Polygon } from 'geojson';
import { uuidv7 } from 'uuidv7';
import { adminUnits, users } from '../governance/index.ts';
import { createdAt, inList, tenantId, photoFileColumns } from '../../db/columns.ts';

export const LISTING_LEVELS = ['national', 'provincial'] as const;
export const BUILDING_TYPES = [
  'dwelling',
  'ancestral_hall',
  'temple',
  'bridge',
  'well',
  'pavilion',
  'tea_house',
  'workshop',
  'school',
  'gate',
  'pagoda',
  'other',
] as const;
export const HERITAGE_LEVELS = ['national', 'provincial', 'county', 'listed', 'none'] as const;
export const CURRENT_USES = ['vacant', 'residence', 'inn', 'workshop', 'public', 'religious', 'commercial', 'storage', 'other'] as const;
export const OWNER_TYPES = ['private', 'collective', 'state', 'clan', 'religious', 'unknown'] as const;
export const ASSET_KINDS = ['craft', 'festival', 'cuisine', 'custom', 'performing_art'] as const;
export const SEASONS = ['spring', 'summer', 'autumn', 'winter', 'all_year'] as const;
export const PHOTO_TYPES = ['image/jpeg', 'image/png', 'image/webp'] as const;

export type BuildingType = (typeof BUILDING_TYPES)[number];
export type HeritageLevel = (typeof HERITAGE_LEVELS)[number];
export type AssetKind = (typeof ASSET_KINDS)[number];

const updatedAt = () => timestamp('updated_at', { withTimezone: true }).notNull().defaultNow();
const countyId = () =>
  uuid('county_id')
    .notNull()
    .references(() => adminUnits.id);

/** Tenant tables are keyed by (id, county_id) (the county last: a lookup by id alone keeps its index) and refer to each other within the county (src/db/global-tables.ts). */
const pk = (t: { countyId: AnyPgColumn; id: AnyPgColumn }) => primaryKey({ columns: [t.id, t.countyId] });
const ofBuilding = (t: { countyId: AnyPgColumn; buildingId: AnyPgColumn }) =>
  foreignKey({ columns: [t.countyId, t.buildingId], foreignColumns: [atlasBuildings.countyId, atlasBuildings.id] });
const ofAsset = (t: { countyId: AnyPgColumn; assetId: AnyPgColumn }) =>
  foreignKey({ columns: [t.countyId, t.assetId], foreignColumns: [atlasCulturalAssets.countyId, atlasCulturalAssets.id] }).onDelete('cascade');

/** What the atlas knows about a village beyond its admin unit (names and location stay with governance). */
export const atlasVillageProfiles = pgTable(
  'atlas_village_profiles',
  {
    unitId: uuid('unit_id')
      .notNull()
      .references(() => adminUnits.id),
    countyId: countyId(),
    registeredPopulation: integer('registered_population'),
    residentPopulation: integer('resident_population'),
    altitudeM: integer('altitude_m'),
    listingLevel: text('listing_level').$type<(typeof LISTING_LEVELS)[number]>(),
    listingBatch: integer('listing_batch'),
    story: text('story').notNull().default(''),
    published: boolean('published').notNull().default(false),
    // The village's names (Chinese, pinyin, initials), its township's, description and story, without spaces.
    searchText: text('search_text').notNull().default(''),
    updatedAt: updatedAt(),
  },
  (t) => [
    primaryKey({ columns: [t.unitId, t.countyId] }),
    index('atlas_village_profiles_search_idx').using('gin', sql`${t.searchText} gin_trgm_ops`),
    // The order a search's first page is read in (the text starts with the village's Chinese name): read in this
    // index's order, a search that matches thousands of villages stops at its first page instead of sorting all.
    index('atlas_village_profiles_order_idx').on(sql`left(${t.searchText}, 48) collate "C"`),
    check('atlas_village_listing_check', sql`${t.listingLevel} is null or ${inList('listing_level', LISTING_LEVELS)}`),
    check('atlas_village_pop_check', sql`coalesce(${t.registeredPopulation}, 0) >= 0 and coalesce(${t.residentPopulation}, 0) >= 0`),
    check('atlas_village_altitude_check', sql`${t.altitudeM} is null or ${t.altitudeM} between -500 and 9000`),
    check('atlas_village_batch_check', sql`${t.listingBatch} is null or ${t.listingBatch} between 1 and 20`),
  ],
);

export const atlasBuildings = pgTable(
  'atlas_buildings',
  {
    id: tenantId(),
    countyId: countyId(),
    villageId: uuid('village_id')
      .notNull()
      .references(() => adminUnits.id),
    name: text('name').notNull(),
    namePinyin: text('name_pinyin').notNull().default(''),
    /** The name in English as entered (English readers see it; else the pinyin). */
    nameEn: text('name_en'),
    type: text('type').$type<BuildingType>().notNull(),
    era: text('era').notNull().default(''),
    buildYear: integer('build_year'),
    protectionLevel: text('protection_level').$type<HeritageLevel>().notNull().default('none'),
    structure: text('structure').notNull().default(''),
    materials: text('materials').notNull().default(''),
    currentUse: text('current_use').notNull().default('other'),
    ownerType: text('owner_type').notNull().default('unknown'),
    /** WGS-84 GeoJSON Point or Polygon; lon/lat is the point or the polygon's centroid, the bbox its extent. */
    geometry: jsonb('geometry').$type<Point | Polygon>().notNull(),
    lon: doublePrecision('lon').notNull(),
    lat: doublePrecision('lat').notNull(),
    minLon: doublePrecision('min_lon').notNull(),
    minLat: doublePrecision('min_lat').notNull(),
    maxLon: doublePrecision('max_lon').notNull(),
    maxLat: doublePrecision('max_lat').notNull(),
    notes: text('notes').notNull().default(''),
    /** The grade of the latest assessment, kept in step by the service in the same transaction. */
    condition: integer('condition'),
    /** Lower-cased names, pinyin (full and initials) and notes: what search matches. */
    searchText: text('search_text').notNull().default(''),
    createdAt: createdAt(),
    updatedAt: updatedAt(),
  },
  (t) => [
    pk(t),
    check('atlas_buildings_type_check', inList('type', BUILDING_TYPES)),
    check('atlas_buildings_protection_check', inList('protection_level', HERITAGE_LEVELS)),
    check('atlas_buildings_use_check', inList('current_use', CURRENT_USES)),
    check('atlas_buildings_owner_check', inList('owner_type', OWNER_TYPES)),
    check('atlas_buildings_lon_check', sql`${t.lon} between -180 and 180 and ${t.minLon} between -180 and 180 and ${t.maxLon} between -180 and 180`),
    check('atlas_buildings_lat_check', sql`${t.lat} between -90 and 90 and ${t.minLat} between -90 and 90 and ${t.maxLat} between -90 and 90`),
    check('atlas_buildings_condition_check', sql`${t.condition} is null or ${t.condition} between 1 and 5`),
    check('atlas_buildings_year_check', sql`${t.buildYear} is null or ${t.buildYear} between 600 and 2100`),
    index('atlas_buildings_village_idx').on(t.villageId),
    index('atlas_buildings_lonlat_idx').on(t.countyId, t.lon, t.lat),
    index('atlas_buildings_search_idx').using('gin', sql`${t.searchText} gin_trgm_ops`),
  ],
);

/** Condition assessments: append-only history (a trigger refuses updates and deletes). */
export const atlasConditionAssessments = pgTable(
  'atlas_condition_assessments',
  {
    id: tenantId(),
    countyId: countyId(),
    buildingId: uuid('building_id').notNull(),
    grade: integer('grade').notNull(),
    assessedOn: date('assessed_on', { mode: 'string' }).notNull(),
    assessor: text('assessor').notNull(),
    notes: text('notes').notNull().default(''),
    recordedBy: uuid('recorded_by').references(() => users.id, { onDelete: 'set null' }),
    createdAt: createdAt(),
  },
  (t) => [
    pk(t),
    ofBuilding(t),
    check('atlas_assessment_grade_check', sql`${t.grade} between 1 and 5`),
    index('atlas_assessment_building_idx').on(t.buildingId, t.assessedOn),
  ],
);

export const atlasCulturalAssets = pgTable(
  'atlas_cultural_assets',
  {
    id: tenantId(),
    countyId: countyId(),
    /** The village the record belongs to for permissions; more villages in atlas_asset_villages. */
    villageId: uuid('village_id')
      .notNull()
      .references(() => adminUnits.id),
    kind: text('kind').$type<AssetKind>().notNull(),
    name: text('name').notNull(),
    namePinyin: text('name_pinyin').notNull().default(''),
    description: text('description').notNull().default(''),
    seasons: text('seasons').array().notNull().default(sql`'{}'::text[]`),
    /** Free text for dates, e.g. "农历正月初八" or "每年十月". */
    dates: text('dates').notNull().default(''),
    searchText: text('search_text').notNull().default(''),
    createdAt: createdAt(),
    updatedAt: updatedAt(),
  },
  (t) => [
    pk(t),
    check('atlas_assets_kind_check', inList('kind', ASSET_KINDS)),
    check('atlas_assets_seasons_check', sql`${t.seasons} <@ array[${sql.raw(SEASONS.map((s) => `'${s}'`).join(', '))}]::text[]`),
    index('atlas_assets_village_idx').on(t.villageId),
    index('atlas_assets_search_idx').using('gin', sql`${t.searchText} gin_trgm_ops`),
  ],
);

export const atlasAssetVillages = pgTable(
  'atlas_asset_villages',
  {
    countyId: countyId(),
    assetId: uuid('asset_id').notNull(),
    villageId: uuid('village_id')
      .notNull()
      .references(() => adminUnits.id),
  },
  (t) => [primaryKey({ columns: [t.assetId, t.villageId, t.countyId] }), ofAsset(t), index('atlas_asset_villages_village_idx').on(t.villageId)],
);

export const atlasAssetBuildings = pgTable(
  'atlas_asset_buildings',
  {
    countyId: countyId(),
    assetId: uuid('asset_id').notNull(),
    buildingId: uuid('building_id').notNull(),
  },
  (t) => [
    primaryKey({ columns: [t.assetId, t.buildingId, t.countyId] }),
    ofAsset(t),
    ofBuilding(t),
    index('atlas_asset_buildings_building_idx').on(t.buildingId),
  ],
);

export const atlasPhotos = pgTable(
  'atlas_photos',
  {
    id: tenantId(),
    countyId: countyId(),
    /** The village whose officials may edit it and whose publication makes it public. */
    villageId: uuid('village_id')
      .notNull()
      .references(() => adminUnits.id),
    buildingId: uuid('building_id'),
    assetId: uuid('asset_id'),
    ...photoFileColumns(),
    uploadedBy: uuid('uploaded_by').references(() => users.id, { onDelete: 'set null' }),
    createdAt: createdAt(),
  },
  (t) => [
    pk(t),
    ofBuilding(t),
    ofAsset(t),
    check('atlas_photos_type_check', inList('content_type', PHOTO_TYPES)),
    check('atlas_photos_owner_check', sql`${t.buildingId} is null or ${t.assetId} is null`),
    index('atlas_photos_village_idx').on(t.villageId),
    index('atlas_photos_building_idx').on(t.buildingId),
  ],
);

/** Map levels whose grid summaries are kept in atlas_map_cells (lower zooms use the lowest, higher ones the buildings). */
export const MAP_CELL_ZOOMS = [8, 9, 10, 11, 12] as const;

/**
 * Buildings summed up per map grid cell, kept in step with atlas_buildings by statement triggers (migration
 * 0003), so a zoomed-out map reads a few hundred summary rows whatever the number of buildings. A cell at
 * zoom z is 360 / 2^(z+2) degrees square; (gx, gy) = floor(lon / size), floor(lat / size).
 */
export const atlasMapCells = pgTable(
  'atlas_map_cells',
  {
    countyId: countyId(),
    z: integer('z').notNull(),
    gx: integer('gx').notNull(),
    gy: integer('gy').notNull(),
    villageId: uuid('village_id')
      .notNull()
      .references(() => adminUnits.id),
    type: text('type').notNull(),
    protectionLevel: text('protection_level').notNull(),
    n: integer('n').notNull(),
    sumLon: doublePrecision('sum_lon').notNull(),
    sumLat: doublePrecision('sum_lat').notNull(),
    /** How many of the cell's buildings have no assessment (c0) or the latest grade 1 … 5. */
    c0: integer('c0').notNull(),
    c1: integer('c1').notNull(),
    c2: integer('c2').notNull(),
    c3: integer('c3').notNull(),
    c4: integer('c4').notNull(),
    c5: integer('c5').notNull(),
  },
  (t) => [primaryKey({ columns: [t.z, t.villageId, t.gx, t.gy, t.type, t.protectionLevel, t.countyId] }), index('atlas_map_cells_grid_idx').on(t.z, t.gx, t.gy)],
);
