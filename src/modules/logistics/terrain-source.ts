// Which elevation model a county plans on: the bundled one (the Atlas's 30″ grid) or a file its operators uploaded.
// Uploading checks the file covers every depot and village of the county, stores the original through the file
// storage, keeps the part around the county in the database and makes it the one in use; going back to the bundled
// model retires it. Both are audited.
import { and, desc, eq } from 'drizzle-orm';
import type { Db } from '../../db/handle.ts';
import { recordAudit } from '../../server/audit.ts';
import { badRequest, refusedTransition } from '../../server/problems.ts';
import { newKey, type FileStorage } from '../../server/storage.ts';
import type { Actor } from '../governance/index.ts';
import { songyangDem, type Grid } from '../atlas/index.ts';
import { operator } from './access.ts';
import { clipGrid, packGrid, readTerrainFile, uncovered, unpackGrid } from './dem-file.ts';
import { villagesById } from './requests.ts';
import { depots, terrainFiles } from './schema.ts';

/** Where the bundled model comes from (see src/modules/atlas/seed-data/README.md). */
export const BUNDLED_TERRAIN = {
  name: 'songyang_dem_30arcsec.asc',
  arcSeconds: 30,
  provenance: 'SRTM3 (NASA/USGS, public domain), averaged to 30″ (10 × 10 cells) in the zhejiangDEM collection (floroChen/zhejiangDEM), cropped to Songyang',
};

async function countyPoints(db: Db, countyId: string) {
  const [ds, villages] = await Promise.all([db.select({ name: depots.name, lon: depots.lon, lat: depots.lat }).from(depots).where(and(eq(depots.countyId, countyId), eq(depots.active, true))), villagesById(db)]);
  return [...ds, ...[...villages.values()].filter((v) => v.lon != null && v.lat != null).map((v) => ({ name: v.nameZh, lon: v.lon!, lat: v.lat! }))];
}

/** Reads, checks and stores an uploaded elevation file, and makes it the county's terrain. */
export async function uploadTerrain(db: Db, storage: FileStorage, actor: Actor | null, file: { data: Buffer; filename: string }) {
  const who = await operator(db, actor);
  const read = await readTerrainFile(file.filename, file.data);
  const points = await countyPoints(db, who.countyId);
  const missing = uncovered(read.grid, points);
  if (missing.length > 0)
    throw badRequest('file', `“${file.filename}” does not cover ${missing.length} of the county's ${points.length} depots and villages (${missing.slice(0, 5).map((p) => p.name).join('、')}${missing.length > 5 ? '…' : ''}): upload a file that covers the whole county`);
  const kept = clipGrid(read.grid, points);
  let low = Infinity;
  let high = -Infinity;
  for (const v of kept.values) if (v !== kept.nodata) ((low = Math.min(low, v)), (high = Math.max(high, v)));
  const g = read.grid;
  const key = newKey('logistics-terrain', read.format === 'hgt' ? '.hgt' : '.tif');
  await storage.put(key, file.data, read.format === 'hgt' ? 'application/octet-stream' : 'image/tiff');
  try {
    return await db.transaction(async (tx) => {
      await tx.update(terrainFiles).set({ active: false, retiredAt: new Date() }).where(and(eq(terrainFiles.countyId, who.countyId), eq(terrainFiles.active, true)));
      const [row] = await tx
        .insert(terrainFiles)
        .values({
          countyId: who.countyId,
          fileName: file.filename,
          format: read.format,
          storageKey: key,
          bytes: file.data.length,
          arcSeconds: read.arcSeconds,
          minLon: g.xll,
          minLat: g.yll,
          maxLon: g.xll + g.ncols * g.cell,
          maxLat: g.yll + g.nrows * g.cell,
          minElevationM: low,
          maxElevationM: high,
          ncols: kept.ncols,
          nrows: kept.nrows,
          xll: kept.xll,
          yll: kept.yll,
          cell: kept.cell,
          grid: packGrid(kept),
          covered: points.length,
          uploadedBy: who.id,
        })
        .returning({ id: terrainFiles.id });
      await recordAudit(tx, who, { action: 'logistics.terrain.upload', entity: 'logistics_terrain_file', entityId: row.id, details: { fileName: file.filename, format: read.format, arcSeconds: read.arcSeconds, bytes: file.data.length, covered: points.length } });
      return describeTerrain(tx, who.countyId);
    });
  } catch (error) {
    await storage.delete(key).catch(() => {});
    throw error;
  }
}

/** Back to the bundled model: the uploaded file in use is retired (kept in the storage and listed in the audit). */
export async function useBundledTerrain(db: Db, actor: Actor | null) {
  const who = await operator(db, actor);
  return db.transaction(async (tx) => {
    const retired = await tx
      .update(terrainFiles)
      .set({ active: false, retiredAt: new Date() })
      .where(and(eq(terrainFiles.countyId, who.countyId), eq(terrainFiles.active, true)))
      .returning({ id: terrainFiles.id, fileName: terrainFiles.fileName });
    if (retired.length === 0) throw refusedTransition('The county already plans on the bundled elevation model', 'bundled');
    await recordAudit(tx, who, { action: 'logistics.terrain.bundled', entity: 'logistics_terrain_file', entityId: retired[0].id, details: { fileName: retired[0].fileName } });
    return describeTerrain(tx, who.countyId);
  });
}

async function describeTerrain(db: Db, countyId: string) {
  const [row] = await db
    .select({
      id: terrainFiles.id,
      fileName: terrainFiles.fileName,
      format: terrainFiles.format,
      bytes: terrainFiles.bytes,
      arcSeconds: terrainFiles.arcSeconds,
      minLon: terrainFiles.minLon,
      minLat: terrainFiles.minLat,
      maxLon: terrainFiles.maxLon,
      maxLat: terrainFiles.maxLat,
      minElevationM: terrainFiles.minElevationM,
      maxElevationM: terrainFiles.maxElevationM,
      covered: terrainFiles.covered,
      uploadedAt: terrainFiles.createdAt,
    })
    .from(terrainFiles)
    .where(and(eq(terrainFiles.countyId, countyId), eq(terrainFiles.active, true)))
    .orderBy(desc(terrainFiles.createdAt))
    .limit(1);
  return { source: row ? ('uploaded' as const) : ('bundled' as const), bundled: BUNDLED_TERRAIN, uploaded: row ?? null };
}

/** The terrain the county plans on, for its operators. */
export async function terrainInUse(db: Db, actor: Actor | null) {
  const who = await operator(db, actor);
  return describeTerrain(db, who.countyId);
}

const grids = new Map<string, Grid>();

/** The grid a county's plans use and its label (the uploaded file's name, or `bundled`). */
export async function countyTerrain(db: Db, countyId: string): Promise<{ grid: Grid; label: string; id: string | null }> {
  const [row] = await db
    .select({ id: terrainFiles.id, fileName: terrainFiles.fileName, ncols: terrainFiles.ncols, nrows: terrainFiles.nrows, xll: terrainFiles.xll, yll: terrainFiles.yll, cell: terrainFiles.cell })
    .from(terrainFiles)
    .where(and(eq(terrainFiles.countyId, countyId), eq(terrainFiles.active, true)))
    .orderBy(desc(terrainFiles.createdAt))
    .limit(1);
  if (!row) return { grid: songyangDem(), label: 'bundled', id: null };
  let grid = grids.get(row.id);
  if (!grid) {
    const [packed] = await db.select({ grid: terrainFiles.grid }).from(terrainFiles).where(and(eq(terrainFiles.countyId, countyId), eq(terrainFiles.id, row.id)));
    grid = unpackGrid(row, packed.grid);
    if (grids.size > 8) grids.clear();
    grids.set(row.id, grid);
  }
  return { grid, label: row.fileName, id: row.id };
}
