// The independent terrain check every plan passes before it is stored (besides the routing solver's checker): each
// drone leg is walked again on the elevation model, at its own finer step and with its own point-in-zone test, and
// each drone trip's payload and energy recomputed from the parcels actually on board (deliveries leave, pickups
// board). It shares no code with the planner's zone test or matrices, so a fault in either shows as a violation.
import { elevationAt, songyangDem, type Grid } from '../atlas/index.ts';
import { DEFAULT_SETTINGS, type Gathered } from './build.ts';
import { legEnergyWh } from './instance.ts';
import type { PlannedRoute } from './planning.ts';
import { flightPath, groundProfile, straightMetres, type Point } from './terrain.ts';

/** Metres between the check's samples along a leg, and the tolerance on heights (the model's interpolation). */
const STEP_M = 25;
const HEIGHT_TOLERANCE_M = 5;

/** Ray casting on raw lon/lat (no projection: a zone is small enough). */
function pointInRing(lon: number, lat: number, ring: [number, number][]): boolean {
  let inside = false;
  for (let i = 0; i < ring.length; i++) {
    const [x1, y1] = ring[i];
    const [x2, y2] = ring[(i + 1) % ring.length];
    if (y1 > lat !== y2 > lat) {
      const x = x1 + ((lat - y1) / (y2 - y1)) * (x2 - x1);
      if (lon < x) inside = !inside;
    }
  }
  return inside;
}

export interface TerrainVerdict {
  /** Drone legs checked. */
  legs: number;
  violations: string[];
  /** The legs that break a terrain rule (a no-fly zone, the ceiling, the ground), by request id; null is the depot. */
  rejected: { vehicleId: string; from: string | null; to: string | null }[];
}

/** Checks every drone leg and trip of the routes against the zones, the ceiling, the payload and the battery. */
export function terrainCheck(routes: PlannedRoute[], g: Gathered, grid: Grid = g.grid ?? songyangDem()): TerrainVerdict {
  const s = g.settings ?? DEFAULT_SETTINGS;
  const zones = g.zones ?? [];
  const requests = new Map(g.requests.map((r) => [r.id, r]));
  const violations: string[] = [];
  const rejected: TerrainVerdict['rejected'] = [];
  let legs = 0;
  for (const route of routes) {
    if (route.kind !== 'drone') continue;
    const v = g.vehicles.find((x) => x.id === route.vehicleId);
    const depot = v && g.depots.find((d) => d.id === v.depotId);
    if (!v || !depot) {
      violations.push(`${route.name}: unknown drone or depot`);
      continue;
    }
    route.trips.forEach((trip, t) => {
      const parcels = trip.stops.map((x) => requests.get(x.requestId));
      if (parcels.some((p) => !p)) return violations.push(`${route.name} trip ${t + 1}: a stop that is not a request of the day`);
      const ps = parcels as NonNullable<(typeof parcels)[number]>[];
      let load = ps.reduce((a, p) => a + (p.kind === 'pickup' ? 0 : p.weightKg), 0);
      const points: Point[] = [depot, ...ps, depot];
      let energy = 0;
      for (let i = 1; i < points.length; i++) {
        legs++;
        const a = points[i - 1];
        const b = points[i];
        const name = `${route.name} trip ${t + 1} leg ${i}`;
        if (load > v.capacityKg + 1e-9) violations.push(`${name}: carries ${load} kg, above its payload ${v.capacityKg} kg`);
        const before = violations.length;
        const metres = straightMetres(a, b);
        const n = Math.max(1, Math.ceil(metres / STEP_M));
        // No-fly zones, sampled along the leg.
        for (const z of zones) {
          for (let k = 0; k <= n; k++) {
            const f = k / n;
            if (pointInRing(a.lon + (b.lon - a.lon) * f, a.lat + (b.lat - a.lat) * f, z.ring)) {
              violations.push(`${name}: flies through no-fly zone ${z.name}`);
              break;
            }
          }
        }
        // Heights: the flight the planner prescribes, between its samples, against the ground at the check's step.
        if (s.clearanceM > s.ceilingM) violations.push(`${name}: no height between the clearance ${s.clearanceM} m and the ceiling ${s.ceilingM} m`);
        const planned = flightPath(groundProfile(grid, a, b, s.sampleM), s);
        let climb = 0;
        let prevAlt = elevationAt(grid, a.lon, a.lat) ?? planned[0];
        for (let k = 1; k < n; k++) {
          const f = k / n;
          const ground = elevationAt(grid, a.lon + (b.lon - a.lon) * f, a.lat + (b.lat - a.lat) * f);
          const x = f * (planned.length - 1);
          const lo = Math.floor(x);
          const alt = planned[lo] + (planned[Math.min(lo + 1, planned.length - 1)] - planned[lo]) * (x - lo);
          climb += Math.max(0, alt - prevAlt);
          prevAlt = alt;
          if (ground == null) continue;
          if (alt - ground > s.ceilingM + HEIGHT_TOLERANCE_M) {
            violations.push(`${name}: ${Math.round(alt - ground)} m above the ground, over the ${s.ceilingM} m ceiling`);
            break;
          }
          if (alt < ground) {
            violations.push(`${name}: below the ground`);
            break;
          }
        }
        if (violations.length > before) rejected.push({ vehicleId: v.id, from: i === 1 ? null : ps[i - 2].id, to: i === points.length - 1 ? null : ps[i - 1].id });
        energy += legEnergyWh({ whPerKm: v.whPerKm!, whPerKmKg: v.whPerKmKg!, massKg: v.massKg! }, metres, climb, load);
        const p = ps[i - 1];
        if (p) load += p.kind === 'pickup' ? p.weightKg : -p.weightKg;
      }
      // The check's climb follows its finer samples, so allow the model's interpolation a small margin.
      if (energy > v.batteryWh! * 1.02) violations.push(`${route.name} trip ${t + 1}: needs ${Math.round(energy)} Wh, above its battery ${v.batteryWh} Wh`);
    });
  }
  return { legs, violations, rejected };
}
