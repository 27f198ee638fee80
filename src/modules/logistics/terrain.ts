// Distances over the county's terrain: vans by road (straight line × a winding factor, plus the climb along it),
// drones in a straight line at a height between a clearance and the altitude ceiling above the ground.
import { elevationAt, songyangDem, type Grid } from '../atlas/index.ts';

export interface Point {
  lon: number;
  lat: number;
}

export interface TerrainSettings {
  /** Road length per metre of straight line, for the county's winding mountain roads. */
  windingFactor: number;
  /** Extra road metres per metre climbed (switchbacks). */
  roadMetresPerClimbMetre: number;
  /** Drones fly at least this high above the ground… */
  clearanceM: number;
  /** …and no higher than this (120 m for light drones under China's rules). */
  ceilingM: number;
  /** Distance between elevation samples along a line. */
  sampleM: number;
}

export const DEFAULT_TERRAIN: TerrainSettings = { windingFactor: 1.6, roadMetresPerClimbMetre: 8, clearanceM: 30, ceilingM: 120, sampleM: 150 };

const EARTH_RADIUS_M = 6371008.8;

/** Great-circle distance in metres. */
export function straightMetres(a: Point, b: Point): number {
  const rad = Math.PI / 180;
  const h = Math.sin(((b.lat - a.lat) * rad) / 2) ** 2 + Math.cos(a.lat * rad) * Math.cos(b.lat * rad) * Math.sin(((b.lon - a.lon) * rad) / 2) ** 2;
  return 2 * EARTH_RADIUS_M * Math.asin(Math.min(1, Math.sqrt(h)));
}

/** Ground elevations along the straight line from a to b, every `sampleM` metres (both ends included). */
export function groundProfile(grid: Grid, a: Point, b: Point, sampleM: number): number[] {
  const n = Math.max(1, Math.ceil(straightMetres(a, b) / sampleM));
  const out: number[] = [];
  let last = elevationAt(grid, a.lon, a.lat) ?? 0;
  for (let i = 0; i <= n; i++) {
    const f = i / n;
    const e = elevationAt(grid, a.lon + (b.lon - a.lon) * f, a.lat + (b.lat - a.lat) * f);
    last = e ?? last; // outside the grid: carry the last known height
    out.push(last);
  }
  return out;
}

/** Metres climbed walking a profile (descents give nothing back). */
export function ascent(profile: number[]): number {
  let up = 0;
  for (let i = 1; i < profile.length; i++) up += Math.max(0, profile[i] - profile[i - 1]);
  return up;
}

/**
 * A drone's height above sea level at each sample from take-off at a to landing at b, flying as level as its
 * corridor (clearance to ceiling above the ground) allows: it climbs only when the ground comes closer than the
 * clearance and descends only when the ceiling forces it, which gives the least total ascent for that corridor.
 */
export function flightPath(profile: number[], s: Pick<TerrainSettings, 'clearanceM' | 'ceilingM'>): number[] {
  let alt = profile[0];
  return profile.map((g) => (alt = Math.min(Math.max(alt, g + s.clearanceM), g + s.ceilingM)));
}

/** Metres a drone climbs on a leg (the landing at the end is a descent). */
export function flightAscent(profile: number[], s: Pick<TerrainSettings, 'clearanceM' | 'ceilingM'>): number {
  return ascent([profile[0], ...flightPath(profile, s)]);
}

export interface LegMatrices {
  /** Straight-line metres. */
  air: number[][];
  /** Road metres for vans. */
  road: number[][];
  /** Metres a drone climbs on the leg. */
  climb: number[][];
}

/** The three matrices between every pair of points, on the bundled elevation model of the county. */
export function legMatrices(points: Point[], s: TerrainSettings = DEFAULT_TERRAIN, grid?: Grid): LegMatrices {
  grid ??= songyangDem();
  const n = points.length;
  const air = points.map(() => new Array<number>(n).fill(0));
  const road = points.map(() => new Array<number>(n).fill(0));
  const climb = points.map(() => new Array<number>(n).fill(0));
  for (let i = 0; i < n; i++)
    for (let j = 0; j < n; j++) {
      if (i === j) continue;
      const profile = groundProfile(grid, points[i], points[j], s.sampleM);
      const d = straightMetres(points[i], points[j]);
      air[i][j] = d;
      road[i][j] = d * s.windingFactor + ascent(profile) * s.roadMetresPerClimbMetre;
      climb[i][j] = flightAscent(profile, s);
    }
  return { air, road, climb };
}
