import { and, asc, eq, gte, ilike, inArray, lte, or, sql, type SQL } from 'drizzle-orm';
import type { Feature, FeatureCollection } from 'geojson';
import { queryRows, type Db } from '../../db/handle.ts';
import { badRequest, notFound, Problem } from '../../server/problems.ts';
import { storeImage } from '../../server/images.ts';
import type { FileStorage } from '../../server/storage.ts';
import { recordAudit } from '../../server/audit.ts';
import { authorize, type Actor } from '../governance/index.ts';
import { ATLAS_PERMISSIONS } from './permissions.ts';
import { getCountyTree, setupNeeded } from '../governance/index.ts';
import { elevationAt, songyangDem } from './dem.ts';
import { GeometryError, placement, toGcj02, validateGeometry, type BuildingGeometry, type Crs } from './geo.ts';
import {
  atlasAssetBuildings as assetBuildings,
  atlasAssetVillages as assetVillages,
  atlasBuildings as buildings,
  atlasConditionAssessments as conditionAssessments,
  atlasCulturalAssets as culturalAssets,
  atlasMapCells as mapCells,
  atlasPhotos as photos,
  atlasVillageProfiles as villageProfiles,
  MAP_CELL_ZOOMS,
  type AssetKind,
  type BuildingType,
  type HeritageLevel,
} from './schema.ts';
import { displayPinyin, likePatterns, searchText } from '../../db/search-text.ts';

// ---- villages as governance has them, and who may see or edit what ----

export interface VillageRef {
  id: string;
  countyId: string;
  townshipId: string;
  townshipZh: string;
  townshipPinyin: string;
  nameZh: string;
  namePinyin: string;
  description: string;
  lon: number | null;
  lat: number | null;
  listingBatch: number | null;
}

/** Every village of the county, through governance's service. */
export async function villageRefs(db: Db): Promise<Map<string, VillageRef>> {
  const tree = await getCountyTree(db);
  const map = new Map<string, VillageRef>();
  for (const t of tree.townships)
    for (const v of t.villages)
      map.set(v.id, {
        id: v.id,
        countyId: tree.county.id,
        townshipId: t.id,
        townshipZh: t.nameZh,
        townshipPinyin: t.namePinyin,
        nameZh: v.nameZh,
        namePinyin: v.namePinyin,
        description: v.description,
        lon: v.lon,
        lat: v.lat,
        listingBatch: v.listingBatch,
      });
  return map;
}

const EDIT_ROLES: readonly string[] = ATLAS_PERMISSIONS['atlas.edit'];

/** Whether the actor may edit the village's atlas records (a grant on it, its township or the county). */
export function mayEdit(actor: Actor | null | undefined, v: VillageRef): boolean {
  return !!actor?.grants.some((g) => EDIT_ROLES.includes(g.role) && g.unitId !== null && [v.countyId, v.townshipId, v.id].includes(g.unitId));
}

async function publishedIds(db: Db): Promise<Set<string>> {
  const rows = await db.select({ id: villageProfiles.unitId }).from(villageProfiles).where(eq(villageProfiles.published, true));
  return new Set(rows.map((r) => r.id));
}

/** The villages whose atlas records the actor may see: the published ones, and those they edit. */
export async function visibleVillages(db: Db, actor: Actor | null | undefined) {
  const [refs, published] = await Promise.all([villageRefs(db), publishedIds(db)]);
  const ids = [...refs.values()].filter((v) => published.has(v.id) || mayEdit(actor, v)).map((v) => v.id);
  return { refs, published, ids, set: new Set(ids) };
}

/** Which villages an actor sees, worked out once for a request that lists several kinds of record. */
type Visibility = Awaited<ReturnType<typeof visibleVillages>>;

async function villageFor(db: Db, villageId: string, field: string): Promise<VillageRef> {
  const v = (await villageRefs(db)).get(villageId);
  if (!v) throw badRequest(field, 'No such village');
  return v;
}

const geometryProblem = (field: string, error: unknown) => {
  if (error instanceof GeometryError) return badRequest(error.where ? `${field}/${error.where}` : field, error.message);
  return error;
};

// ---- village profiles ----

export type VillageProfile = typeof villageProfiles.$inferSelect;

function villageOut(v: VillageRef, p: VillageProfile | undefined, editable: boolean) {
  return {
    id: v.id,
    nameZh: v.nameZh,
    namePinyin: v.namePinyin,
    township: { id: v.townshipId, nameZh: v.townshipZh, namePinyin: v.townshipPinyin },
    description: v.description,
    lon: v.lon,
    lat: v.lat,
    registeredPopulation: p?.registeredPopulation ?? null,
    residentPopulation: p?.residentPopulation ?? null,
    altitudeM: p?.altitudeM ?? null,
    listingLevel: p?.listingLevel ?? (v.listingBatch ? 'national' : null),
    listingBatch: p?.listingBatch ?? v.listingBatch,
    story: p?.story ?? '',
    published: p?.published ?? false,
    editable,
  };
}

export async function listVillages(db: Db, actor: Actor | null, filter: { q?: string } = {}, known?: Visibility) {
  const vis = known ?? (await visibleVillages(db, actor));
  // The text is stored without spaces, so pinyin typed with or without them finds it.
  const matching = filter.q ? ilike(villageProfiles.searchText, likePatterns(filter.q.replace(/\s+/g, ''))[0]) : undefined;
  // Villages added since the server started (a county set up at its first start) have no search text yet.
  if (filter.q) {
    const [{ n }] = await queryRows<{ n: number }>(db, sql`select count(*)::int as n from atlas_village_profiles`);
    if (n < vis.refs.size) await refreshVillageSearch(db);
  }
  const profiles = new Map((await db.select().from(villageProfiles).where(matching)).map((p) => [p.unitId, p]));
  const ids = filter.q ? vis.ids.filter((id) => profiles.has(id)) : vis.ids;
  const list = ids.map((id) => villageOut(vis.refs.get(id)!, profiles.get(id), mayEdit(actor, vis.refs.get(id)!)));
  return list.sort((a, b) => a.namePinyin.localeCompare(b.namePinyin));
}

/** What finds a village: its and its township's names in Chinese, pinyin and initials, its description and story. */
function villageSearchText(v: VillageRef, story: string) {
  return searchText([v.nameZh, v.townshipZh], [v.description, story]).replace(/\s+/g, '');
}

/**
 * Writes each village's search text where it is missing or out of date (villages and their names come from
 * governance), so a search reads an index instead of computing pinyin per request. Runs when the server starts.
 */
export async function refreshVillageSearch(db: Db) {
  // A real county's first start has no county until it is set up; its villages get their text on their first search.
  if (await setupNeeded(db)) return 0;
  const refs = await villageRefs(db);
  const rows = await db.select({ unitId: villageProfiles.unitId, story: villageProfiles.story, searchText: villageProfiles.searchText }).from(villageProfiles);
  const have = new Map(rows.map((r) => [r.unitId, r]));
  const stale = [...refs.values()]
    .map((v) => ({ unitId: v.id, countyId: v.countyId, searchText: villageSearchText(v, have.get(v.id)?.story ?? '') }))
    .filter((r) => have.get(r.unitId)?.searchText !== r.searchText);
  for (let i = 0; i < stale.length; i += 500)
    await db
      .insert(villageProfiles)
      .values(stale.slice(i, i + 500))
      .onConflictDoUpdate({ target: [villageProfiles.countyId, villageProfiles.unitId], set: { searchText: sql`excluded.search_text` } });
  return stale.length;
}

/** One village with its heritage, culture and photos; 404 unless published or the actor edits it. */
export async function getVillage(db: Db, actor: Actor | null, id: string) {
  const refs = await villageRefs(db);
  const v = refs.get(id);
  if (!v) throw notFound('Village');
  const [p] = await db.select().from(villageProfiles).where(eq(villageProfiles.unitId, id));
  const editable = mayEdit(actor, v);
  if (!p?.published && !editable) throw notFound('Village');
  const [bs, assets, ph] = await Promise.all([
    db
      .select(buildingSummaryColumns)
      .from(buildings)
      .where(eq(buildings.villageId, id))
      .orderBy(asc(buildings.protectionLevel), asc(buildings.name)),
    listAssets(db, actor, { villageId: id }),
    db
      .select(photoColumns)
      .from(photos)
      .where(and(eq(photos.villageId, id), sql`${photos.buildingId} is null`, sql`${photos.assetId} is null`))
      .orderBy(asc(photos.createdAt)),
  ]);
  const rank: Record<string, number> = { national: 0, provincial: 1, county: 2, listed: 3, none: 4 };
  bs.sort((a, b) => rank[a.protectionLevel] - rank[b.protectionLevel] || a.name.localeCompare(b.name, 'zh'));
  return { ...villageOut(v, p, editable), buildings: bs, culture: assets, photos: ph };
}

export async function updateVillageProfile(
  db: Db,
  actor: Actor | null,
  id: string,
  patch: {
    registeredPopulation?: number | null;
    residentPopulation?: number | null;
    altitudeM?: number | null;
    listingLevel?: 'national' | 'provincial' | null;
    listingBatch?: number | null;
    story?: string;
    published?: boolean;
  },
) {
  const v = (await villageRefs(db)).get(id);
  if (!v) throw notFound('Village');
  const who = await authorize(db, actor, 'atlas.edit', { unitId: id });
  if (patch.published !== undefined) await authorize(db, actor, 'atlas.publish', { unitId: id });
  return db.transaction(async (tx) => {
    const [row] = await tx
      .insert(villageProfiles)
      .values({ unitId: id, countyId: v.countyId, ...patch, searchText: villageSearchText(v, patch.story ?? '') })
      .onConflictDoUpdate({
        target: [villageProfiles.countyId, villageProfiles.unitId],
        set: { ...patch, ...(patch.story !== undefined && { searchText: villageSearchText(v, patch.story) }), updatedAt: new Date() },
      })
      .returning();
    await recordAudit(tx, who, { action: 'village_profile.update', entity: 'atlas_village', entityId: id, details: patch });
    return villageOut(v, row, true);
  });
}

// ---- buildings ----

const buildingSummaryColumns = {
  id: buildings.id,
  villageId: buildings.villageId,
  name: buildings.name,
  namePinyin: buildings.namePinyin,
  type: buildings.type,
  era: buildings.era,
  buildYear: buildings.buildYear,
  protectionLevel: buildings.protectionLevel,
  currentUse: buildings.currentUse,
  condition: buildings.condition,
  lon: buildings.lon,
  lat: buildings.lat,
};

const photoColumns = {
  id: photos.id,
  villageId: photos.villageId,
  buildingId: photos.buildingId,
  assetId: photos.assetId,
  contentType: photos.contentType,
  bytes: photos.bytes,
  width: photos.width,
  height: photos.height,
  caption: photos.caption,
  createdAt: photos.createdAt,
};

export interface BuildingInput {
  villageId: string;
  name: string;
  type: BuildingType;
  era?: string;
  buildYear?: number | null;
  protectionLevel?: HeritageLevel;
  structure?: string;
  materials?: string;
  currentUse?: string;
  ownerType?: string;
  geometry: unknown;
  notes?: string;
}

type BuildingRow = typeof buildings.$inferInsert;

/** A checked building row, ready to insert; throws GeometryError for a bad location. */
export function buildingRow(countyId: string, v: VillageRef, input: BuildingInput, crs: Crs): BuildingRow {
  const geometry = validateGeometry(input.geometry, crs);
  return {
    countyId,
    villageId: v.id,
    name: input.name,
    namePinyin: displayPinyin(input.name),
    type: input.type,
    era: input.era ?? '',
    buildYear: input.buildYear ?? null,
    protectionLevel: input.protectionLevel ?? 'none',
    structure: input.structure ?? '',
    materials: input.materials ?? '',
    currentUse: input.currentUse ?? 'other',
    ownerType: input.ownerType ?? 'unknown',
    geometry,
    ...placement(geometry),
    notes: input.notes ?? '',
    searchText: searchText([input.name], [v.nameZh, v.namePinyin, input.era ?? '', input.notes ?? '']),
  };
}

export async function createBuilding(db: Db, actor: Actor | null, input: BuildingInput & { crs?: Crs }) {
  const v = await villageFor(db, input.villageId, 'body/villageId');
  const who = await authorize(db, actor, 'atlas.edit', { unitId: v.id });
  let row: BuildingRow;
  try {
    row = buildingRow(v.countyId, v, input, input.crs ?? 'wgs84');
  } catch (error) {
    throw geometryProblem('body/geometry', error);
  }
  return db.transaction(async (tx) => {
    const [b] = await tx.insert(buildings).values(row).returning();
    await recordAudit(tx, who, { action: 'building.create', entity: 'atlas_building', entityId: b.id, details: { villageId: v.id, name: b.name } });
    return b;
  });
}

async function buildingOr404(db: Db, id: string) {
  const [b] = await db.select().from(buildings).where(eq(buildings.id, id));
  if (!b) throw notFound('Building');
  return b;
}

export async function updateBuilding(db: Db, actor: Actor | null, id: string, patch: Partial<Omit<BuildingInput, 'villageId'>> & { crs?: Crs }) {
  const before = await buildingOr404(db, id);
  const who = await authorize(db, actor, 'atlas.edit', { unitId: before.villageId });
  const v = await villageFor(db, before.villageId, 'villageId');
  const { crs, ...fields } = patch;
  let row: BuildingRow;
  try {
    row = buildingRow(v.countyId, v, { ...before, ...fields, villageId: v.id, geometry: fields.geometry ?? before.geometry }, fields.geometry ? (crs ?? 'wgs84') : 'wgs84');
  } catch (error) {
    throw geometryProblem('body/geometry', error);
  }
  return db.transaction(async (tx) => {
    const [b] = await tx
      .update(buildings)
      .set({ ...row, countyId: undefined, villageId: undefined, updatedAt: new Date() })
      .where(eq(buildings.id, id))
      .returning();
    await recordAudit(tx, who, { action: 'building.update', entity: 'atlas_building', entityId: id, details: { fields: Object.keys(fields) } });
    return b;
  });
}

/** A building with its condition history, photos and living culture; 404 unless its village is visible. */
export async function getBuilding(db: Db, actor: Actor | null, id: string, options: { crs?: Crs } = {}) {
  const b = await buildingOr404(db, id);
  const vis = await visibleVillages(db, actor);
  if (!vis.set.has(b.villageId)) throw notFound('Building');
  const v = vis.refs.get(b.villageId)!;
  const [history, ph, culture] = await Promise.all([
    db
      .select({
        id: conditionAssessments.id,
        grade: conditionAssessments.grade,
        assessedOn: conditionAssessments.assessedOn,
        assessor: conditionAssessments.assessor,
        notes: conditionAssessments.notes,
        createdAt: conditionAssessments.createdAt,
      })
      .from(conditionAssessments)
      .where(eq(conditionAssessments.buildingId, id))
      .orderBy(asc(conditionAssessments.assessedOn), asc(conditionAssessments.createdAt)),
    db.select(photoColumns).from(photos).where(eq(photos.buildingId, id)).orderBy(asc(photos.createdAt)),
    db
      .select({ id: culturalAssets.id, kind: culturalAssets.kind, name: culturalAssets.name, namePinyin: culturalAssets.namePinyin })
      .from(assetBuildings)
      .innerJoin(culturalAssets, eq(culturalAssets.id, assetBuildings.assetId))
      .where(eq(assetBuildings.buildingId, id)),
  ]);
  const { searchText: _s, countyId: _c, ...rest } = b;
  const geometry = options.crs === 'gcj02' ? gcjGeometry(b.geometry as BuildingGeometry) : b.geometry;
  return {
    ...rest,
    geometry,
    crs: options.crs ?? 'wgs84',
    village: { id: v.id, nameZh: v.nameZh, namePinyin: v.namePinyin },
    editable: mayEdit(actor, v),
    history,
    photos: ph,
    culture,
  };
}

function gcjGeometry(g: BuildingGeometry): BuildingGeometry {
  if (g.type === 'Point') return { type: 'Point', coordinates: toGcj02(g.coordinates as [number, number]) };
  return { type: 'Polygon', coordinates: g.coordinates.map((ring) => ring.map((p) => toGcj02(p as [number, number]))) };
}

export interface BuildingFilter {
  villageId?: string;
  q?: string;
  type?: BuildingType;
  protectionLevel?: HeritageLevel;
  limit: number;
  offset: number;
}

function buildingWhere(ids: string[], f: Omit<BuildingFilter, 'limit' | 'offset'>): SQL | undefined {
  return and(
    inArray(buildings.villageId, ids.length ? ids : ['00000000-0000-0000-0000-000000000000']),
    f.villageId ? eq(buildings.villageId, f.villageId) : undefined,
    f.type ? eq(buildings.type, f.type) : undefined,
    f.protectionLevel ? eq(buildings.protectionLevel, f.protectionLevel) : undefined,
    f.q ? or(...likePatterns(f.q).map((p) => ilike(buildings.searchText, p))) : undefined,
  );
}

export async function listBuildings(db: Db, actor: Actor | null, f: BuildingFilter, known?: Visibility) {
  const vis = known ?? (await visibleVillages(db, actor));
  const where = buildingWhere(vis.ids, f);
  const [items, [{ total }]] = await Promise.all([
    db.select(buildingSummaryColumns).from(buildings).where(where).orderBy(asc(buildings.name), asc(buildings.id)).limit(f.limit).offset(f.offset),
    db.select({ total: sql<number>`count(*)::int` }).from(buildings).where(where),
  ]);
  return { total, items };
}

/**
 * The facts other modules need about buildings (e.g. interventions' heritage rules), by id; ids that do not
 * exist are absent from the map. Protection levels: national, provincial, county (cultural relics),
 * listed (historic building), none.
 */
export async function getBuildingFacts(db: Db, ids: string[]) {
  const unique = [...new Set(ids)];
  if (unique.length === 0) return new Map<string, BuildingFacts>();
  const rows = await db
    .select({ id: buildings.id, name: buildings.name, villageId: buildings.villageId, type: buildings.type, protectionLevel: buildings.protectionLevel, condition: buildings.condition, lon: buildings.lon, lat: buildings.lat })
    .from(buildings)
    .where(inArray(buildings.id, unique));
  return new Map(rows.map((r) => [r.id, r]));
}
export interface BuildingFacts {
  id: string;
  name: string;
  villageId: string;
  type: BuildingType;
  protectionLevel: HeritageLevel;
  condition: number | null;
  lon: number;
  lat: number;
}

// ---- condition assessments ----

export async function addAssessment(
  db: Db,
  actor: Actor | null,
  buildingId: string,
  input: { grade: number; assessedOn: string; assessor: string; notes?: string },
) {
  const b = await buildingOr404(db, buildingId);
  const who = await authorize(db, actor, 'atlas.edit', { unitId: b.villageId });
  const today = new Date().toISOString().slice(0, 10);
  if (input.assessedOn > today) throw badRequest('body/assessedOn', 'An assessment cannot be dated in the future');
  return db.transaction(async (tx) => {
    const [a] = await tx
      .insert(conditionAssessments)
      .values({ countyId: b.countyId, buildingId, grade: input.grade, assessedOn: input.assessedOn, assessor: input.assessor, notes: input.notes ?? '', recordedBy: who.id })
      .returning();
    // The building's current condition is its latest assessment by date.
    await tx.execute(sql`
      update atlas_buildings set condition = (
        select grade from atlas_condition_assessments where building_id = ${buildingId}
        order by assessed_on desc, created_at desc, id desc limit 1
      ), updated_at = now() where id = ${buildingId}`);
    await recordAudit(tx, who, { action: 'assessment.create', entity: 'atlas_building', entityId: buildingId, details: { grade: a.grade, assessedOn: a.assessedOn, assessor: a.assessor } });
    return a;
  });
}

// ---- the map layer ----

export interface MapQuery {
  bbox: [number, number, number, number];
  zoom: number;
  type?: BuildingType;
  protectionLevel?: HeritageLevel;
  villageId?: string;
}

/** Above this many buildings in view the layer is served as grid clusters, whatever the zoom. */
export const MAP_POINT_LIMIT = 1500;
/** From this zoom on, buildings are served one by one (unless too many are in view). */
export const MAP_DETAIL_ZOOM = 15;

/**
 * Buildings in a bounding box as GeoJSON: one feature per building when zoomed in and few enough,
 * otherwise grid clusters (count, mean position, worst and mean condition), so the payload stays bounded
 * however many buildings the county records.
 */
export async function mapLayer(db: Db, actor: Actor | null, q: MapQuery): Promise<FeatureCollection & { clustered: boolean; total: number }> {
  const vis = await visibleVillages(db, actor);
  const [w, s, e, n] = q.bbox;
  const where = and(
    buildingWhere(vis.ids, q),
    gte(buildings.lon, w),
    lte(buildings.lon, e),
    gte(buildings.lat, s),
    lte(buildings.lat, n),
  );
  if (q.zoom >= MAP_DETAIL_ZOOM) {
    const rows = await db
      .select({
        id: buildings.id,
        name: buildings.name,
        type: buildings.type,
        protectionLevel: buildings.protectionLevel,
        condition: buildings.condition,
        lon: buildings.lon,
        lat: buildings.lat,
      })
      .from(buildings)
      .where(where)
      .limit(MAP_POINT_LIMIT + 1);
    if (rows.length <= MAP_POINT_LIMIT) {
      return {
        type: 'FeatureCollection',
        clustered: false,
        total: rows.length,
        features: rows.map(
          (r): Feature => ({
            type: 'Feature',
            id: r.id,
            geometry: { type: 'Point', coordinates: [round6(r.lon), round6(r.lat)] },
            properties: { id: r.id, name: r.name, type: r.type, protection: r.protectionLevel, condition: r.condition },
          }),
        ),
      };
    }
  }
  if (q.zoom < MAP_CELL_ZOOMS[MAP_CELL_ZOOMS.length - 1] + 1) return summaryLayer(db, vis.ids, q);
  // A cell is a quarter of a map tile at this zoom (about 64 px on screen).
  const cell = 360 / 2 ** Math.min(q.zoom + 2, 24);
  const rows = await db
    .select({
      gx: sql<number>`floor(${buildings.lon} / ${cell})::int`,
      gy: sql<number>`floor(${buildings.lat} / ${cell})::int`,
      n: sql<number>`count(*)::int`,
      lon: sql<number>`avg(${buildings.lon})::float8`,
      lat: sql<number>`avg(${buildings.lat})::float8`,
      worst: sql<number | null>`max(${buildings.condition})::int`,
      mean: sql<number | null>`avg(${buildings.condition})::float8`,
      top: sql<string>`min(case ${buildings.protectionLevel} when 'national' then 0 when 'provincial' then 1 when 'county' then 2 when 'listed' then 3 else 4 end)::int`,
      one: sql<string>`min(${buildings.id}::text)`,
    })
    .from(buildings)
    .where(where)
    .groupBy(sql`1`, sql`2`);
  const levels = ['national', 'provincial', 'county', 'listed', 'none'];
  return {
    type: 'FeatureCollection',
    clustered: true,
    total: rows.reduce((t, r) => t + r.n, 0),
    features: rows.map(
      (r): Feature => ({
        type: 'Feature',
        geometry: { type: 'Point', coordinates: [round6(r.lon), round6(r.lat)] },
        properties: {
          count: r.n,
          ...(r.n === 1 ? { id: r.one } : {}),
          condition: r.worst,
          meanCondition: r.mean === null ? null : Math.round(r.mean * 10) / 10,
          protection: levels[Number(r.top)],
        },
      }),
    ),
  };
}

const round6 = (x: number) => Math.round(x * 1e6) / 1e6;

/**
 * Zoomed out (zoom 12 and below): the grid summaries the triggers keep, so the cost follows the number of
 * cells in view, not the number of buildings. Zooms below 8 use the level-8 grid.
 */
async function summaryLayer(db: Db, ids: string[], q: MapQuery): Promise<FeatureCollection & { clustered: boolean; total: number }> {
  const z = Math.max(MAP_CELL_ZOOMS[0], Math.floor(q.zoom));
  const cell = 360 / 2 ** (z + 2);
  const [w, s, e, n] = q.bbox;
  const c = mapCells;
  const rows = await db
    .select({
      n: sql<number>`sum(${c.n})::int`,
      lon: sql<number>`(sum(${c.sumLon}) / sum(${c.n}))::float8`,
      lat: sql<number>`(sum(${c.sumLat}) / sum(${c.n}))::float8`,
      c0: sql<number>`sum(${c.c0})::int`,
      c1: sql<number>`sum(${c.c1})::int`,
      c2: sql<number>`sum(${c.c2})::int`,
      c3: sql<number>`sum(${c.c3})::int`,
      c4: sql<number>`sum(${c.c4})::int`,
      c5: sql<number>`sum(${c.c5})::int`,
      top: sql<number>`min(case ${c.protectionLevel} when 'national' then 0 when 'provincial' then 1 when 'county' then 2 when 'listed' then 3 else 4 end)::int`,
    })
    .from(c)
    .where(
      and(
        eq(c.z, z),
        gte(c.gx, Math.floor(w / cell)),
        lte(c.gx, Math.floor(e / cell)),
        gte(c.gy, Math.floor(s / cell)),
        lte(c.gy, Math.floor(n / cell)),
        sql`${c.n} > 0`,
        inArray(c.villageId, ids.length ? ids : ['00000000-0000-0000-0000-000000000000']),
        q.villageId ? eq(c.villageId, q.villageId) : undefined,
        q.type ? eq(c.type, q.type) : undefined,
        q.protectionLevel ? eq(c.protectionLevel, q.protectionLevel) : undefined,
      ),
    )
    .groupBy(c.gx, c.gy);
  const levels = ['national', 'provincial', 'county', 'listed', 'none'];
  return {
    type: 'FeatureCollection',
    clustered: true,
    total: rows.reduce((t, r) => t + r.n, 0),
    features: rows
      .filter((r) => r.n > 0)
      .map((r): Feature => {
        const graded = r.c1 + r.c2 + r.c3 + r.c4 + r.c5;
        const worst = r.c5 ? 5 : r.c4 ? 4 : r.c3 ? 3 : r.c2 ? 2 : r.c1 ? 1 : null;
        return {
          type: 'Feature',
          geometry: { type: 'Point', coordinates: [round6(r.lon), round6(r.lat)] },
          properties: {
            count: r.n,
            condition: worst,
            meanCondition: graded ? Math.round(((r.c1 + 2 * r.c2 + 3 * r.c3 + 4 * r.c4 + 5 * r.c5) / graded) * 10) / 10 : null,
            protection: levels[Number(r.top)],
          },
        };
      }),
  };
}

// ---- living culture ----

export interface AssetInput {
  kind: AssetKind;
  name: string;
  description?: string;
  seasons?: string[];
  dates?: string;
  villageIds: string[];
  buildingIds?: string[];
}

export async function createAsset(db: Db, actor: Actor | null, input: AssetInput) {
  const refs = await villageRefs(db);
  for (const [i, id] of input.villageIds.entries()) if (!refs.has(id)) throw badRequest(`body/villageIds/${i}`, 'No such village');
  let who: Actor | undefined;
  for (const id of input.villageIds) who = await authorize(db, actor, 'atlas.edit', { unitId: id });
  const buildingIds = [...new Set(input.buildingIds ?? [])];
  if (buildingIds.length) {
    const found = await db.select({ id: buildings.id, villageId: buildings.villageId }).from(buildings).where(inArray(buildings.id, buildingIds));
    for (const [i, id] of buildingIds.entries()) {
      const b = found.find((f) => f.id === id);
      if (!b) throw badRequest(`body/buildingIds/${i}`, 'No such building');
      if (!input.villageIds.includes(b.villageId)) throw badRequest(`body/buildingIds/${i}`, 'The building is not in one of the given villages');
    }
  }
  const villages = input.villageIds.map((id) => refs.get(id)!);
  return db.transaction(async (tx) => {
    const [a] = await tx
      .insert(culturalAssets)
      .values({
        countyId: villages[0].countyId,
        villageId: villages[0].id,
        kind: input.kind,
        name: input.name,
        namePinyin: displayPinyin(input.name),
        description: input.description ?? '',
        seasons: [...new Set(input.seasons ?? [])],
        dates: input.dates ?? '',
        searchText: searchText([input.name], [input.description ?? '', input.dates ?? '', ...villages.map((v) => v.nameZh)]),
      })
      .returning();
    await tx.insert(assetVillages).values([...new Set(input.villageIds)].map((villageId) => ({ countyId: a.countyId, assetId: a.id, villageId })));
    if (buildingIds.length) await tx.insert(assetBuildings).values(buildingIds.map((buildingId) => ({ countyId: a.countyId, assetId: a.id, buildingId })));
    await recordAudit(tx, who!, { action: 'culture.create', entity: 'atlas_cultural_asset', entityId: a.id, details: { kind: a.kind, villages: input.villageIds } });
    return { ...a, villageIds: input.villageIds, buildingIds };
  });
}

export async function listAssets(db: Db, actor: Actor | null, f: { villageId?: string; kind?: AssetKind; q?: string }, known?: Visibility) {
  const vis = known ?? (await visibleVillages(db, actor));
  const rows = await db
    .selectDistinct({
      id: culturalAssets.id,
      villageId: culturalAssets.villageId,
      kind: culturalAssets.kind,
      name: culturalAssets.name,
      namePinyin: culturalAssets.namePinyin,
      description: culturalAssets.description,
      seasons: culturalAssets.seasons,
      dates: culturalAssets.dates,
    })
    .from(culturalAssets)
    .innerJoin(assetVillages, eq(assetVillages.assetId, culturalAssets.id))
    .where(
      and(
        inArray(assetVillages.villageId, vis.ids.length ? vis.ids : ['00000000-0000-0000-0000-000000000000']),
        f.villageId ? eq(assetVillages.villageId, f.villageId) : undefined,
        f.kind ? eq(culturalAssets.kind, f.kind) : undefined,
        f.q ? or(...likePatterns(f.q).map((p) => ilike(culturalAssets.searchText, p))) : undefined,
      ),
    )
    .orderBy(asc(culturalAssets.kind), asc(culturalAssets.name));
  if (rows.length === 0) return [];
  const [links, blinks] = await Promise.all([
    db.select().from(assetVillages).where(inArray(assetVillages.assetId, rows.map((r) => r.id))),
    db
      .select({ assetId: assetBuildings.assetId, id: buildings.id, name: buildings.name, villageId: buildings.villageId })
      .from(assetBuildings)
      .innerJoin(buildings, eq(buildings.id, assetBuildings.buildingId))
      .where(inArray(assetBuildings.assetId, rows.map((r) => r.id))),
  ]);
  return rows.map((r) => ({
    ...r,
    villages: links
      .filter((l) => l.assetId === r.id && vis.set.has(l.villageId))
      .map((l) => ({ id: l.villageId, nameZh: vis.refs.get(l.villageId)!.nameZh, namePinyin: vis.refs.get(l.villageId)!.namePinyin })),
    buildings: blinks.filter((l) => l.assetId === r.id && vis.set.has(l.villageId)).map(({ id, name }) => ({ id, name })),
  }));
}

// ---- search ----

/** Villages, buildings and living culture whose names or descriptions match, in Chinese or pinyin. */
export async function search(db: Db, actor: Actor | null, q: string, limit = 20) {
  const vis = await visibleVillages(db, actor);
  const [villages, bs, culture] = await Promise.all([
    listVillages(db, actor, { q }, vis),
    listBuildings(db, actor, { q, limit, offset: 0 }, vis),
    listAssets(db, actor, { q }, vis),
  ]);
  return { villages: villages.slice(0, limit).map(({ id, nameZh, namePinyin, township }) => ({ id, nameZh, namePinyin, township })), buildings: bs.items, culture: culture.slice(0, limit) };
}

// ---- photos ----

export type PhotoTarget = { villageId: string } | { buildingId: string } | { assetId: string };

export async function addPhoto(
  db: Db,
  storage: FileStorage,
  actor: Actor | null,
  target: PhotoTarget,
  file: { data: Buffer; declaredType: string; caption?: string },
) {
  let villageId: string;
  let buildingId: string | null = null;
  let assetId: string | null = null;
  if ('buildingId' in target) {
    villageId = (await buildingOr404(db, target.buildingId)).villageId;
    buildingId = target.buildingId;
  } else if ('assetId' in target) {
    const [a] = await db.select().from(culturalAssets).where(eq(culturalAssets.id, target.assetId));
    if (!a) throw notFound('Cultural asset');
    villageId = a.villageId;
    assetId = a.id;
  } else {
    villageId = target.villageId;
    if (!(await villageRefs(db)).has(villageId)) throw notFound('Village');
  }
  const who = await authorize(db, actor, 'atlas.edit', { unitId: villageId });
  const image = await storeImage(storage, 'atlas', file);
  const { storageKey, thumbKey } = image;
  try {
    return await db.transaction(async (tx) => {
      const [p] = await tx
        .insert(photos)
        .values({
          countyId: who.countyId,
          villageId,
          buildingId,
          assetId,
          storageKey,
          thumbKey,
          contentType: image.contentType,
          bytes: image.bytes,
          width: image.width,
          height: image.height,
          caption: file.caption ?? '',
          uploadedBy: who.id,
        })
        .returning(photoColumns);
      await recordAudit(tx, who, { action: 'photo.add', entity: 'atlas_photo', entityId: p.id, details: { villageId, buildingId, assetId, bytes: p.bytes } });
      return p;
    });
  } catch (error) {
    await Promise.all([storage.delete(storageKey), storage.delete(thumbKey)]);
    throw error;
  }
}

export async function getPhoto(db: Db, storage: FileStorage, actor: Actor | null, id: string, size: 'thumb' | 'full') {
  const [p] = await db.select().from(photos).where(eq(photos.id, id));
  if (!p) throw notFound('Photo');
  const vis = await visibleVillages(db, actor);
  if (!vis.set.has(p.villageId)) throw notFound('Photo');
  const data = await storage.get(size === 'thumb' ? p.thumbKey : p.storageKey);
  if (!data) throw notFound('Photo file');
  return { data, contentType: size === 'thumb' ? 'image/webp' : p.contentType, public: vis.published.has(p.villageId) };
}

// ---- demo seed ----

const roundOrNull = (x: number | null) => (x === null ? null : Math.round(x));

/** The atlas part of the demo county: the 78 villages' profiles, published, with altitude from the bundled DEM, and a few records in 杨家堂村. */
export async function seedAtlas(tx: Db): Promise<void> {
  const refs = await villageRefs(tx);
  const dem = songyangDem();
  const values = [...refs.values()].map((v) => ({
    unitId: v.id,
    countyId: v.countyId,
    altitudeM: v.lon !== null && v.lat !== null ? roundOrNull(elevationAt(dem, v.lon, v.lat)) : null,
    listingLevel: 'national' as const,
    listingBatch: v.listingBatch && v.listingBatch > 0 ? v.listingBatch : null,
    published: true,
  }));
  if (values.length) await tx.insert(villageProfiles).values(values).onConflictDoNothing();
  const yjt = [...refs.values()].find((v) => v.nameZh === '杨家堂村');
  if (!yjt || yjt.lon === null || yjt.lat === null) return;
  await tx
    .update(villageProfiles)
    .set({
      registeredPopulation: 510,
      residentPopulation: 160,
      story:
        '杨家堂村坐落在三都乡的山坡上，数十座清代夯土民居依山势层层叠叠，被誉为“金色的布达拉宫”。宋氏后人在此聚居，宗祠、古道与茶园至今仍在使用。',
    })
    .where(eq(villageProfiles.unitId, yjt.id));
  const at = (dx: number, dy: number) => ({ type: 'Point' as const, coordinates: [round6(yjt.lon! + dx), round6(yjt.lat! + dy)] });
  const seeds: (BuildingInput & { grades: [string, number][] })[] = [
    { villageId: yjt.id, name: '宋氏宗祠', type: 'ancestral_hall', era: '清', buildYear: 1790, protectionLevel: 'provincial', structure: '穿斗式木构', materials: '木、夯土、青瓦', currentUse: 'public', ownerType: 'clan', geometry: at(0.0004, 0.0002), notes: '村中心的宗祠，每年祭祖在此举行。', grades: [['2019-05-10', 3], ['2024-04-18', 2]] },
    { villageId: yjt.id, name: '杨家堂夯土民居群', type: 'dwelling', era: '清', buildYear: 1850, protectionLevel: 'county', structure: '夯土墙承重', materials: '黄泥夯土、木、青瓦', currentUse: 'residence', ownerType: 'private', geometry: at(-0.0005, 0.0003), notes: '依山而建的夯土民居群。', grades: [['2021-09-01', 3]] },
    { villageId: yjt.id, name: '村口古井', type: 'well', era: '明', protectionLevel: 'listed', materials: '条石', currentUse: 'public', ownerType: 'collective', geometry: at(0.0009, -0.0006), notes: '', grades: [] },
  ];
  for (const s of seeds) {
    const [b] = await tx.insert(buildings).values(buildingRow(yjt.countyId, yjt, s, 'wgs84')).returning({ id: buildings.id });
    for (const [on, grade] of s.grades) {
      await tx.insert(conditionAssessments).values({ countyId: yjt.countyId, buildingId: b.id, grade, assessedOn: on, assessor: '县文保所（演示）' });
      await tx.update(buildings).set({ condition: grade }).where(eq(buildings.id, b.id));
    }
  }
  const [a] = await tx
    .insert(culturalAssets)
    .values({
      countyId: yjt.countyId,
      villageId: yjt.id,
      kind: 'festival',
      name: '杨家堂祭祖',
      namePinyin: displayPinyin('杨家堂祭祖'),
      description: '宋氏族人在宗祠举行的年度祭祖仪式。',
      seasons: ['winter'],
      dates: '农历正月',
      searchText: searchText(['杨家堂祭祖'], ['宋氏族人在宗祠举行的年度祭祖仪式。', yjt.nameZh]),
    })
    .returning({ id: culturalAssets.id });
  await tx.insert(assetVillages).values({ countyId: yjt.countyId, assetId: a.id, villageId: yjt.id });
  const [hall] = await tx.select({ id: buildings.id }).from(buildings).where(and(eq(buildings.villageId, yjt.id), eq(buildings.name, '宋氏宗祠')));
  await tx.insert(assetBuildings).values({ countyId: yjt.countyId, assetId: a.id, buildingId: hall.id });
  const [tea] = await tx
    .insert(culturalAssets)
    .values({
      countyId: yjt.countyId,
      villageId: yjt.id,
      kind: 'craft',
      name: '松阳银猴茶制作技艺',
      namePinyin: displayPinyin('松阳银猴茶制作技艺'),
      description: '采摘、摊青、杀青、揉捻、烘干，手工制作松阳银猴绿茶。',
      seasons: ['spring'],
      dates: '清明前后',
      searchText: searchText(['松阳银猴茶制作技艺'], ['采摘、摊青、杀青、揉捻、烘干，手工制作松阳银猴绿茶。', yjt.nameZh]),
    })
    .returning({ id: culturalAssets.id });
  await tx.insert(assetVillages).values({ countyId: yjt.countyId, assetId: tea.id, villageId: yjt.id });
}


/** Per village: its heritage buildings, those assessed, and those in good condition (latest grade 4 or 5), for the Indicators. */
export async function buildingConditionByVillage(db: Db, countyId: string) {
  return db
    .select({
      villageId: buildings.villageId,
      buildings: sql<number>`count(*)::int`,
      assessed: sql<number>`count(${buildings.condition})::int`,
      good: sql<number>`(count(*) filter (where ${buildings.condition} >= 4))::int`,
    })
    .from(buildings)
    .where(eq(buildings.countyId, countyId))
    .groupBy(buildings.villageId);
}
