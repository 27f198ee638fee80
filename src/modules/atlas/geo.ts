// Geometry in TypeScript (PGlite has no PostGIS): validation, GCJ-02 conversion, centroid and extent.
import gcoord from 'gcoord';
import type { Point, Polygon } from 'geojson';

export type Crs = 'wgs84' | 'gcj02';
export type Position = [number, number];
export type BuildingGeometry = Point | Polygon;

/** A geometry problem, with the path inside the geometry where it is (e.g. `coordinates/0/3`). */
export class GeometryError extends Error {
  constructor(
    readonly where: string,
    message: string,
  ) {
    super(message);
  }
}

function checkPosition(p: unknown, where: string): Position {
  if (!Array.isArray(p) || p.length < 2 || typeof p[0] !== 'number' || typeof p[1] !== 'number' || !Number.isFinite(p[0]) || !Number.isFinite(p[1]))
    throw new GeometryError(where, 'A position is [longitude, latitude] in numbers');
  const [lon, lat] = p as number[];
  if (lon < -180 || lon > 180) throw new GeometryError(where, `Longitude ${lon} is out of range (−180 to 180)`);
  if (lat < -90 || lat > 90) throw new GeometryError(where, `Latitude ${lat} is out of range (−90 to 90)`);
  return [lon, lat];
}

const cross = (o: Position, a: Position, b: Position) => (a[0] - o[0]) * (b[1] - o[1]) - (a[1] - o[1]) * (b[0] - o[0]);
const onSegment = (p: Position, q: Position, r: Position) =>
  Math.min(p[0], r[0]) <= q[0] && q[0] <= Math.max(p[0], r[0]) && Math.min(p[1], r[1]) <= q[1] && q[1] <= Math.max(p[1], r[1]);

/** Whether segments ab and cd share any point. */
export function segmentsIntersect(a: Position, b: Position, c: Position, d: Position): boolean {
  const d1 = cross(c, d, a);
  const d2 = cross(c, d, b);
  const d3 = cross(a, b, c);
  const d4 = cross(a, b, d);
  if (((d1 > 0 && d2 < 0) || (d1 < 0 && d2 > 0)) && ((d3 > 0 && d4 < 0) || (d3 < 0 && d4 > 0))) return true;
  if (d1 === 0 && onSegment(c, a, d)) return true;
  if (d2 === 0 && onSegment(c, b, d)) return true;
  if (d3 === 0 && onSegment(a, c, b)) return true;
  if (d4 === 0 && onSegment(a, d, b)) return true;
  return false;
}

/** Index pair of the first two non-adjacent edges of a closed ring that touch or cross, or null. */
export function ringSelfIntersection(ring: Position[]): [number, number] | null {
  const n = ring.length - 1; // edges; the last position repeats the first
  for (let i = 0; i < n; i++) {
    for (let j = i + 1; j < n; j++) {
      if (j === i + 1 || (i === 0 && j === n - 1)) continue; // neighbours share a vertex
      if (segmentsIntersect(ring[i], ring[i + 1], ring[j], ring[j + 1])) return [i, j];
    }
  }
  return null;
}

function ringArea(ring: Position[]): number {
  let s = 0;
  for (let i = 0; i < ring.length - 1; i++) s += ring[i][0] * ring[i + 1][1] - ring[i + 1][0] * ring[i][1];
  return s / 2;
}

/** Checks a building footprint or point and returns it as clean WGS-84 GeoJSON (converted from GCJ-02 if asked). */
export function validateGeometry(input: unknown, crs: Crs = 'wgs84'): BuildingGeometry {
  const g = input as { type?: unknown; coordinates?: unknown };
  if (!g || typeof g !== 'object') throw new GeometryError('', 'A geometry is a GeoJSON Point or Polygon');
  const convert = (p: Position): Position => {
    if (crs === 'wgs84') return p;
    const [lon, lat] = gcoord.transform(p, gcoord.GCJ02, gcoord.WGS84) as Position;
    return [Math.round(lon * 1e7) / 1e7, Math.round(lat * 1e7) / 1e7];
  };
  if (g.type === 'Point') {
    return { type: 'Point', coordinates: convert(checkPosition(g.coordinates, 'coordinates')) };
  }
  if (g.type === 'Polygon') {
    if (!Array.isArray(g.coordinates) || g.coordinates.length !== 1)
      throw new GeometryError('coordinates', 'A footprint is a Polygon with one outer ring and no holes');
    const raw = g.coordinates[0];
    if (!Array.isArray(raw) || raw.length > 2000) throw new GeometryError('coordinates/0', 'A ring is a list of at most 2,000 positions');
    const ring = raw.map((p, i) => checkPosition(p, `coordinates/0/${i}`));
    if (ring.length < 4) throw new GeometryError('coordinates/0', 'A ring needs at least 4 positions (3 corners and the first again)');
    const [f, l] = [ring[0], ring[ring.length - 1]];
    if (f[0] !== l[0] || f[1] !== l[1]) throw new GeometryError('coordinates/0', 'A ring must end where it starts');
    const hit = ringSelfIntersection(ring);
    if (hit) throw new GeometryError('coordinates/0', `The polygon intersects itself (edges ${hit[0] + 1} and ${hit[1] + 1} cross)`);
    if (ringArea(ring) === 0) throw new GeometryError('coordinates/0', 'The polygon has no area');
    return { type: 'Polygon', coordinates: [ring.map(convert)] };
  }
  throw new GeometryError('type', `Geometry type must be Point or Polygon, not ${String(g.type)}`);
}

/** The representative point (a polygon's area centroid) and the extent of a valid geometry. */
export function placement(g: BuildingGeometry) {
  if (g.type === 'Point') {
    const [lon, lat] = g.coordinates;
    return { lon, lat, minLon: lon, minLat: lat, maxLon: lon, maxLat: lat };
  }
  const ring = g.coordinates[0] as Position[];
  let a = 0;
  let cx = 0;
  let cy = 0;
  // Relative to the first corner: products of large absolute coordinates would cancel out the precision.
  const [ox, oy] = ring[0];
  for (let i = 0; i < ring.length - 1; i++) {
    const [x0, y0] = [ring[i][0] - ox, ring[i][1] - oy];
    const [x1, y1] = [ring[i + 1][0] - ox, ring[i + 1][1] - oy];
    const f = x0 * y1 - x1 * y0;
    a += f;
    cx += (x0 + x1) * f;
    cy += (y0 + y1) * f;
  }
  a /= 2;
  const lons = ring.map((p) => p[0]);
  const lats = ring.map((p) => p[1]);
  return {
    lon: ox + cx / (6 * a),
    lat: oy + cy / (6 * a),
    minLon: Math.min(...lons),
    minLat: Math.min(...lats),
    maxLon: Math.max(...lons),
    maxLat: Math.max(...lats),
  };
}

/** WGS-84 to GCJ-02, for clients that ask for coordinates the way Chinese map apps show them. */
export function toGcj02(p: Position): Position {
  return gcoord.transform(p, gcoord.WGS84, gcoord.GCJ02) as Position;
}
