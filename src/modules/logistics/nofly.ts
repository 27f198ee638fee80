// No-fly zones: polygons drones must not cross — the Atlas's protected heritage buildings with a buffer around
// them, and zones the county draws. A straight drone leg that enters a zone "cannot be flown" (the solver gets
// Infinity for its energy), so the van takes that parcel or the drone flies around through another stop.
import type { Point } from './terrain.ts';

export interface Zone {
  id: string;
  name: string;
  kind: 'heritage' | 'county';
  /** Closed or open ring of [lon, lat]; the last edge joins the last vertex to the first. */
  ring: [number, number][];
}

const M_PER_DEG_LAT = 111_320;

/** A protected building's extent (its bbox) grown by `bufferM` metres on every side, as a rectangle. */
export function heritageZone(b: { id: string; name: string; minLon: number; minLat: number; maxLon: number; maxLat: number }, bufferM: number): Zone {
  const dLat = bufferM / M_PER_DEG_LAT;
  const dLon = bufferM / (M_PER_DEG_LAT * Math.cos(((b.minLat + b.maxLat) / 2) * (Math.PI / 180)));
  const [w, s, e, n] = [b.minLon - dLon, b.minLat - dLat, b.maxLon + dLon, b.maxLat + dLat];
  return { id: b.id, name: b.name, kind: 'heritage', ring: [[w, s], [e, s], [e, n], [w, n]] };
}

/** Local metres around a reference latitude (flat at the scale of a county). */
function projector(lat0: number) {
  const kx = M_PER_DEG_LAT * Math.cos(lat0 * (Math.PI / 180));
  return (lon: number, lat: number): [number, number] => [lon * kx, lat * M_PER_DEG_LAT];
}

function inside(x: number, y: number, poly: [number, number][]): boolean {
  let c = false;
  for (let i = 0, j = poly.length - 1; i < poly.length; j = i++) {
    const [xi, yi] = poly[i];
    const [xj, yj] = poly[j];
    if (yi > y !== yj > y && x < ((xj - xi) * (y - yi)) / (yj - yi) + xi) c = !c;
  }
  return c;
}

function cross(ax: number, ay: number, bx: number, by: number, cx: number, cy: number) {
  return (bx - ax) * (cy - ay) - (by - ay) * (cx - ax);
}

/** Segments p1p2 and p3p4 meet (touching counts). */
function segmentsMeet(p1: [number, number], p2: [number, number], p3: [number, number], p4: [number, number]): boolean {
  const d1 = cross(p3[0], p3[1], p4[0], p4[1], p1[0], p1[1]);
  const d2 = cross(p3[0], p3[1], p4[0], p4[1], p2[0], p2[1]);
  const d3 = cross(p1[0], p1[1], p2[0], p2[1], p3[0], p3[1]);
  const d4 = cross(p1[0], p1[1], p2[0], p2[1], p4[0], p4[1]);
  if (((d1 > 0 && d2 < 0) || (d1 < 0 && d2 > 0)) && ((d3 > 0 && d4 < 0) || (d3 < 0 && d4 > 0))) return true;
  const on = (a: [number, number], b: [number, number], c: [number, number], d: number) =>
    d === 0 && Math.min(a[0], b[0]) <= c[0] && c[0] <= Math.max(a[0], b[0]) && Math.min(a[1], b[1]) <= c[1] && c[1] <= Math.max(a[1], b[1]);
  return on(p3, p4, p1, d1) || on(p3, p4, p2, d2) || on(p1, p2, p3, d3) || on(p1, p2, p4, d4);
}

/** The straight leg a → b enters the zone: an end lies inside it, or the leg crosses one of its edges. */
export function legEntersZone(a: Point, b: Point, zone: Zone): boolean {
  const ring = zone.ring;
  if (ring.length < 3) return false;
  // Cheap bounding-box rejection first.
  const lons = ring.map((p) => p[0]);
  const lats = ring.map((p) => p[1]);
  if (Math.max(a.lon, b.lon) < Math.min(...lons) || Math.min(a.lon, b.lon) > Math.max(...lons)) return false;
  if (Math.max(a.lat, b.lat) < Math.min(...lats) || Math.min(a.lat, b.lat) > Math.max(...lats)) return false;
  const proj = projector((a.lat + b.lat) / 2);
  const poly = ring.map(([lon, lat]) => proj(lon, lat));
  const pa = proj(a.lon, a.lat);
  const pb = proj(b.lon, b.lat);
  if (inside(pa[0], pa[1], poly) || inside(pb[0], pb[1], poly)) return true;
  for (let i = 0, j = poly.length - 1; i < poly.length; j = i++) if (segmentsMeet(pa, pb, poly[j], poly[i])) return true;
  return false;
}

/** The first zone the leg enters, or null. */
export function blockingZone(a: Point, b: Point, zones: Zone[]): Zone | null {
  for (const z of zones) if (legEntersZone(a, b, z)) return z;
  return null;
}

/** A drawn ring is usable: at least three distinct vertices, coordinates on the globe, not self-crossing. */
export function ringProblem(ring: [number, number][]): string | null {
  const open = ring.length > 1 && ring[0][0] === ring[ring.length - 1][0] && ring[0][1] === ring[ring.length - 1][1] ? ring.slice(0, -1) : ring;
  if (open.length < 3) return 'A zone needs at least three corners';
  if (open.some(([lon, lat]) => !(lon >= -180 && lon <= 180 && lat >= -90 && lat <= 90))) return 'A corner lies outside longitude −180…180 or latitude −90…90';
  const n = open.length;
  for (let i = 0; i < n; i++)
    for (let j = i + 2; j < n; j++) {
      if (i === 0 && j === n - 1) continue;
      if (segmentsMeet(open[i], open[(i + 1) % n], open[j], open[(j + 1) % n])) return 'The zone’s edges cross each other';
    }
  return null;
}
