import { and, asc, eq, inArray, sql, type SQL } from 'drizzle-orm';
import type { Db } from '../../../db/handle.ts';
import { notFound } from '../../../server/problems.ts';
import { changedFields, recordAudit } from '../../../server/audit.ts';
import { authorize, type Actor } from '../../governance/index.ts';
import { placement, toGcj02, validateGeometry, type BuildingGeometry, type Crs } from '../geo.ts';
import { atlasAssetBuildings as assetBuildings, atlasBuildings as buildings, atlasConditionAssessments as conditionAssessments, atlasCulturalAssets as culturalAssets, atlasPhotos as photos, type BuildingType, type HeritageLevel } from '../schema.ts';
import { displayPinyin, textMatches, searchText } from '../../../db/search-text.ts';
import { type Sight, VillageRef, geometryProblem, mayEdit, sightOf, villageFor, visibleVillages } from './villages.ts';

// ---- buildings ----

export const buildingSummaryColumns = {
  id: buildings.id,
  villageId: buildings.villageId,
  name: buildings.name,
  namePinyin: buildings.namePinyin,
  nameEn: buildings.nameEn,
  type: buildings.type,
  era: buildings.era,
  buildYear: buildings.buildYear,
  protectionLevel: buildings.protectionLevel,
  currentUse: buildings.currentUse,
  condition: buildings.condition,
  lon: buildings.lon,
  lat: buildings.lat,
};

export const photoColumns = {
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
  nameEn?: string | null;
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
    nameEn: input.nameEn || null,
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
    searchText: searchText([input.name], [input.nameEn ?? '', v.nameZh, v.namePinyin, input.era ?? '', input.notes ?? '']),
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

export async function buildingOr404(db: Db, id: string) {
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
    const { geometry: _g, ...plain } = fields;
    const diff = changedFields(before as Record<string, unknown>, plain);
    await recordAudit(tx, who, { action: 'building.update', entity: 'atlas_building', entityId: id, unitId: before.villageId, details: { name: b.name, fields: Object.keys(fields), ...diff } });
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

/** Buildings matching the filter in the villages seen: a list of ids, or a condition (a `Sight`'s) on the village id. */
export function buildingWhere(seen: string[] | SQL, f: Omit<BuildingFilter, 'limit' | 'offset'>): SQL | undefined {
  return and(
    Array.isArray(seen) ? inArray(buildings.villageId, seen.length ? seen : ['00000000-0000-0000-0000-000000000000']) : seen,
    f.villageId ? eq(buildings.villageId, f.villageId) : undefined,
    f.type ? eq(buildings.type, f.type) : undefined,
    f.protectionLevel ? eq(buildings.protectionLevel, f.protectionLevel) : undefined,
    f.q ? textMatches(buildings.searchText, f.q) : undefined,
  );
}

export async function listBuildings(db: Db, actor: Actor | null, f: BuildingFilter, known?: Sight, withTotal = true) {
  const sight = known ?? (await sightOf(db, actor));
  const where = buildingWhere(sight.sees(buildings.villageId), f);
  const [items, counted] = await Promise.all([
    db.select(buildingSummaryColumns).from(buildings).where(where).orderBy(asc(buildings.name), asc(buildings.id)).limit(f.limit).offset(f.offset),
    // The combined search shows a first page only: it skips counting every match.
    withTotal ? db.select({ total: sql<number>`count(*)::int` }).from(buildings).where(where) : [{ total: -1 }],
  ]);
  return { total: counted[0].total, items };
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
