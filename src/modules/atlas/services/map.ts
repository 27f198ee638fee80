import { and, eq, gte, inArray, lte, sql } from 'drizzle-orm';
import type { Db } from '../../../db/handle.ts';
import { type Actor } from '../../governance/index.ts';
import { atlasBuildings as buildings, atlasMapCells as mapCells, HERITAGE_LEVELS, MAP_CELL_ZOOMS, type BuildingType, type HeritageLevel } from '../schema.ts';
import { buildingWhere } from './buildings.ts';
import { visibleVillages } from './villages.ts';

// ---- the map layer ----

export interface MapQuery {
  bbox: [number, number, number, number];
  zoom: number;
  type?: BuildingType;
  protectionLevel?: HeritageLevel;
  villageId?: string;
}

/** A point of the map layer (GeoJSON): a building, or a cluster of buildings with its count and conditions. */
interface MapFeature {
  type: 'Feature';
  id?: string;
  geometry: { type: 'Point'; coordinates: number[] };
  properties:
    | { id: string; name: string; type: BuildingType; protection: HeritageLevel; condition: number | null }
    | { count: number; id?: string; condition: number | null; meanCondition: number | null; protection: HeritageLevel };
}
export interface MapLayer {
  type: 'FeatureCollection';
  features: MapFeature[];
  clustered: boolean;
  total: number;
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
export async function mapLayer(db: Db, actor: Actor | null, q: MapQuery): Promise<MapLayer> {
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
          (r): MapFeature => ({
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
  return {
    type: 'FeatureCollection',
    clustered: true,
    total: rows.reduce((t, r) => t + r.n, 0),
    features: rows.map(
      (r): MapFeature => ({
        type: 'Feature',
        geometry: { type: 'Point', coordinates: [round6(r.lon), round6(r.lat)] },
        properties: {
          count: r.n,
          ...(r.n === 1 ? { id: r.one } : {}),
          condition: r.worst,
          meanCondition: r.mean === null ? null : Math.round(r.mean * 10) / 10,
          protection: HERITAGE_LEVELS[Number(r.top)],
        },
      }),
    ),
  };
}

export const round6 = (x: number) => Math.round(x * 1e6) / 1e6;

/**
 * Zoomed out (zoom 12 and below): the grid summaries the triggers keep, so the cost follows the number of
 * cells in view, not the number of buildings. Zooms below 8 use the level-8 grid.
 */
async function summaryLayer(db: Db, ids: string[], q: MapQuery): Promise<MapLayer> {
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
  return {
    type: 'FeatureCollection',
    clustered: true,
    total: rows.reduce((t, r) => t + r.n, 0),
    features: rows
      .filter((r) => r.n > 0)
      .map((r): MapFeature => {
        const graded = r.c1 + r.c2 + r.c3 + r.c4 + r.c5;
        const worst = r.c5 ? 5 : r.c4 ? 4 : r.c3 ? 3 : r.c2 ? 2 : r.c1 ? 1 : null;
        return {
          type: 'Feature',
          geometry: { type: 'Point', coordinates: [round6(r.lon), round6(r.lat)] },
          properties: {
            count: r.n,
            condition: worst,
            meanCondition: graded ? Math.round(((r.c1 + 2 * r.c2 + 3 * r.c3 + 4 * r.c4 + 5 * r.c5) / graded) * 10) / 10 : null,
            protection: HERITAGE_LEVELS[Number(r.top)],
          },
        };
      }),
  };
}
