// Elevation files a county uploads to plan on instead of the bundled model: SRTM `.hgt` tiles (1 or 3 arc-second,
// told apart by their size) and GeoTIFF rasters in geographic WGS 84 (EPSG:4326), read with the `geotiff` package.
// Every refusal is a 4xx problem naming the `file` field with what is wrong and what is accepted.
import { fromArrayBuffer, type GeoTIFFImage } from 'geotiff';
import { elevationAt, type Grid } from '../atlas/index.ts';
import { Problem } from '../../server/problems.ts';

/** Largest file accepted (a 1 arc-second .hgt is 25 934 402 bytes). */
export const TERRAIN_MAX_BYTES = 32 * 1024 * 1024;
/** Largest raster read (cells), so a small compressed GeoTIFF cannot unpack into gigabytes. */
export const TERRAIN_MAX_CELLS = 30_000_000;
/** The grid kept for planning has at most this many cells a side (finer files keep the highest cell of each block). */
export const TERRAIN_KEEP_SIDE = 1200;

const HGT_SIZES: Record<number, { n: number; arcSeconds: number }> = {
  [1201 * 1201 * 2]: { n: 1201, arcSeconds: 3 },
  [3601 * 3601 * 2]: { n: 3601, arcSeconds: 1 },
};
const HGT_VOID = -32768;

export const terrainTooLarge = () =>
  new Problem(413, 'terrain_too_large', `The elevation file is larger than the limit of ${TERRAIN_MAX_BYTES / 1048576} MB`, { field: 'file' });

const refuse = (code: string, detail: string, status = 400) => new Problem(status, code, detail, { field: 'file' });

export interface ReadTerrain {
  format: 'hgt' | 'geotiff';
  /** Cell size of the file as read, in arc-seconds. */
  arcSeconds: number;
  grid: Grid;
}

/** Reads an uploaded elevation file by its name's extension; a 4xx Problem on `file` when it cannot be used. */
export async function readTerrainFile(name: string, data: Buffer): Promise<ReadTerrain> {
  if (data.length > TERRAIN_MAX_BYTES) throw terrainTooLarge();
  const lower = name.toLowerCase();
  if (lower.endsWith('.hgt')) return readHgt(name, data);
  if (lower.endsWith('.tif') || lower.endsWith('.tiff')) return readGeoTiff(data);
  throw refuse('terrain_format', `“${name}” is not an elevation file this planner reads: upload an SRTM .hgt tile or a GeoTIFF (.tif, .tiff) in EPSG:4326`, 415);
}

/** An SRTM tile: named after its south-west corner (N28E119.hgt), big-endian 16-bit metres, rows north to south. */
export function readHgt(name: string, data: Buffer): ReadTerrain {
  const m = /^([NS])(\d{2})([EW])(\d{3})\.hgt$/i.exec(name.split(/[\\/]/).pop() ?? '');
  if (!m) throw refuse('terrain_name', `An SRTM .hgt tile is named after its south-west corner, e.g. N28E119.hgt; “${name}” is not`);
  const size = HGT_SIZES[data.length];
  if (!size)
    throw refuse('terrain_corrupt', `“${name}” has ${data.length} bytes: an SRTM .hgt tile has ${1201 * 1201 * 2} (3 arc-second) or ${3601 * 3601 * 2} (1 arc-second); the file is cut short or not an .hgt`);
  const lat = Number(m[2]) * (m[1].toUpperCase() === 'S' ? -1 : 1);
  const lon = Number(m[4]) * (m[3].toUpperCase() === 'W' ? -1 : 1);
  const { n, arcSeconds } = size;
  const cell = 1 / (n - 1);
  const values = new Float64Array(n * n);
  for (let i = 0; i < n * n; i++) values[i] = data.readInt16BE(i * 2);
  // Samples sit on the tile's grid lines (the first at its north-west corner): as cells, they are centred there.
  return { format: 'hgt', arcSeconds, grid: { ncols: n, nrows: n, xll: lon - cell / 2, yll: lat - cell / 2, cell, nodata: HGT_VOID, values } };
}

// GeoKey values (GeoTIFF 1.0): model type 1 projected, 2 geographic; raster type 1 pixel is area, 2 pixel is point.
const MODEL_PROJECTED = 1;
const MODEL_GEOGRAPHIC = 2;
const PIXEL_IS_POINT = 2;
const WGS84 = 4326;

/** A single-band GeoTIFF in geographic WGS 84 (EPSG:4326) with square, unrotated pixels. */
export async function readGeoTiff(data: Buffer): Promise<ReadTerrain> {
  const magic = data.subarray(0, 4).toString('latin1');
  if (!['II*\0', 'MM\0*', 'II+\0', 'MM\0+'].includes(magic)) throw refuse('terrain_corrupt', 'The file is not a TIFF: its first bytes are not a TIFF header');
  let image: GeoTIFFImage;
  try {
    const tiff = await fromArrayBuffer(data.buffer.slice(data.byteOffset, data.byteOffset + data.byteLength) as ArrayBuffer);
    image = await tiff.getImage(0);
  } catch {
    throw refuse('terrain_corrupt', 'The GeoTIFF cannot be read: its structure is damaged or cut short');
  }
  const keys = image.getGeoKeys();
  if (!keys || (keys.GTModelTypeGeoKey === undefined && keys.GeographicTypeGeoKey === undefined && keys.ProjectedCSTypeGeoKey === undefined))
    throw refuse('terrain_no_georeference', 'The TIFF has no georeferencing (GeoTIFF keys): this planner needs a GeoTIFF in EPSG:4326 (WGS 84 longitude/latitude)');
  const projected = keys.ProjectedCSTypeGeoKey !== undefined || keys.GTModelTypeGeoKey === MODEL_PROJECTED;
  if (projected || keys.GeographicTypeGeoKey !== WGS84 || (keys.GTModelTypeGeoKey !== undefined && keys.GTModelTypeGeoKey !== MODEL_GEOGRAPHIC)) {
    const what = keys.ProjectedCSTypeGeoKey !== undefined ? `EPSG:${keys.ProjectedCSTypeGeoKey}` : keys.GeographicTypeGeoKey !== undefined ? `EPSG:${keys.GeographicTypeGeoKey}` : 'a projected system';
    throw refuse('terrain_projection', `The GeoTIFF is in ${what}; only EPSG:4326 (geographic WGS 84, longitude/latitude in degrees) is accepted: reproject it first (e.g. gdalwarp -t_srs EPSG:4326)`);
  }
  const width = image.getWidth();
  const height = image.getHeight();
  if (width * height > TERRAIN_MAX_CELLS)
    throw refuse('terrain_too_large', `The raster has ${width} × ${height} cells; at most ${TERRAIN_MAX_CELLS.toLocaleString('en')} are read: cut it to the county first`, 413);
  let origin: number[];
  let resolution: number[];
  try {
    origin = image.getOrigin();
    resolution = image.getResolution();
  } catch {
    throw refuse('terrain_no_georeference', 'The GeoTIFF has no tie point and pixel scale (or has a rotated transformation): this planner reads north-up rasters only');
  }
  const [rx, ry] = resolution;
  if (!(rx > 0) || !(ry < 0) || Math.abs(rx + ry) > rx * 1e-6)
    throw refuse('terrain_pixels', `The GeoTIFF's pixels are ${rx} × ${-ry} degrees: this planner reads north-up rasters with square pixels only`);
  if (image.getSamplesPerPixel() < 1) throw refuse('terrain_corrupt', 'The GeoTIFF has no band');
  let raster: ArrayLike<number>;
  try {
    raster = (await image.readRasters({ samples: [0], interleave: true })) as unknown as ArrayLike<number>;
  } catch {
    throw refuse('terrain_corrupt', 'The GeoTIFF’s pixels cannot be read: the file is damaged or cut short');
  }
  if (raster.length !== width * height) throw refuse('terrain_corrupt', 'The GeoTIFF’s pixels are fewer than its size says');
  const nodata = image.getGDALNoData();
  const values = new Float64Array(width * height);
  for (let i = 0; i < values.length; i++) values[i] = Number.isFinite(raster[i]) && raster[i] !== nodata ? raster[i] : HGT_VOID;
  // The origin is the top-left corner of the first pixel, or its centre when pixels are points.
  const point = keys.GTRasterTypeGeoKey === PIXEL_IS_POINT;
  const left = origin[0] - (point ? rx / 2 : 0);
  const top = origin[1] - (point ? ry / 2 : 0);
  return { format: 'geotiff', arcSeconds: Math.round(rx * 3600 * 1000) / 1000, grid: { ncols: width, nrows: height, xll: left, yll: top + ry * height, cell: rx, nodata: HGT_VOID, values } };
}

/** The named points the grid does not cover (no value there). */
export function uncovered<T extends { lon: number; lat: number }>(grid: Grid, points: T[]): T[] {
  return points.filter((p) => elevationAt(grid, p.lon, p.lat) === null);
}

/**
 * The part of a grid around some points (a margin of `marginDeg` on each side), coarsened to at most TERRAIN_KEEP_SIDE
 * cells a side by keeping the highest value of each block (a drone must clear the highest ground under it).
 */
export function clipGrid(g: Grid, points: { lon: number; lat: number }[], marginDeg = 0.03): Grid {
  const minLon = Math.min(...points.map((p) => p.lon)) - marginDeg;
  const maxLon = Math.max(...points.map((p) => p.lon)) + marginDeg;
  const minLat = Math.min(...points.map((p) => p.lat)) - marginDeg;
  const maxLat = Math.max(...points.map((p) => p.lat)) + marginDeg;
  const top = g.yll + g.nrows * g.cell;
  const c0 = Math.max(0, Math.floor((minLon - g.xll) / g.cell));
  const c1 = Math.min(g.ncols, Math.ceil((maxLon - g.xll) / g.cell));
  const r0 = Math.max(0, Math.floor((top - maxLat) / g.cell));
  const r1 = Math.min(g.nrows, Math.ceil((top - minLat) / g.cell));
  const f = Math.max(1, Math.ceil(Math.max(c1 - c0, r1 - r0) / TERRAIN_KEEP_SIDE));
  const ncols = Math.ceil((c1 - c0) / f);
  const nrows = Math.ceil((r1 - r0) / f);
  const values = new Float64Array(ncols * nrows);
  for (let r = 0; r < nrows; r++)
    for (let c = 0; c < ncols; c++) {
      let high = -Infinity;
      for (let y = r0 + r * f; y < Math.min(r1, r0 + (r + 1) * f); y++)
        for (let x = c0 + c * f; x < Math.min(c1, c0 + (c + 1) * f); x++) {
          const v = g.values[y * g.ncols + x];
          if (v !== g.nodata && !Number.isNaN(v)) high = Math.max(high, v);
        }
      values[r * ncols + c] = high === -Infinity ? g.nodata : high;
    }
  const cell = g.cell * f;
  return { ncols, nrows, xll: g.xll + c0 * g.cell, yll: top - r0 * g.cell - nrows * cell, cell, nodata: g.nodata, values };
}

/** A grid as big-endian 16-bit metres in base64 (what the database keeps) and back. */
export function packGrid(g: Grid): string {
  const buf = Buffer.alloc(g.values.length * 2);
  g.values.forEach((v, i) => buf.writeInt16BE(v === g.nodata ? HGT_VOID : Math.max(-32767, Math.min(32767, Math.round(v))), i * 2));
  return buf.toString('base64');
}
export function unpackGrid(header: Omit<Grid, 'values' | 'nodata'>, packed: string): Grid {
  const buf = Buffer.from(packed, 'base64');
  const values = new Float64Array(buf.length / 2);
  for (let i = 0; i < values.length; i++) values[i] = buf.readInt16BE(i * 2);
  return { ...header, nodata: HGT_VOID, values };
}
