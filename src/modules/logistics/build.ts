// From what the day's plan is computed of (depots, vehicles, requests, no-fly zones, settings, optionally a road
// engine's matrix) to the routing instance, with the requests no vehicle can serve listed with their reason.
import type { SearchParams } from '../../solvers/routing/index.ts';
import type { Grid } from '../atlas/index.ts';
import { legEnergyWh, type PlanInstance } from './instance.ts';
import { blockingZone, type Zone } from './nofly.ts';
import { subInstance } from './repair.ts';
import type { RoadMatrix } from './roads.ts';
import type { depots, requests, vehicles } from './schema.ts';
import { DEFAULT_TERRAIN, legMatrices, type TerrainSettings } from './terrain.ts';

/** Terrain and rules a plan is computed with (stored with its inputs; the what-if changes them). */
export interface PlanSettings extends TerrainSettings {
  /** Metres around a protected building's extent that drones keep out of. */
  heritageBufferM: number;
}
export const DEFAULT_SETTINGS: PlanSettings = { ...DEFAULT_TERRAIN, heritageBufferM: 100 };

/** Seconds spent handing over or collecting a parcel. */
export const SERVICE_S = 180;
/** With a road engine, vans drive at its times: the time matrix holds its seconds × this speed (m/s), vans run at it. */
export const ROAD_REFERENCE_SPEED = 40 / 3.6;

/**
 * Why a request is left out of a plan: heavier than every vehicle; beyond every carrier's battery (drones only can
 * carry it); only drones can carry it and a no-fly zone or the ceiling blocks their way; no vehicle reaches it within
 * its window; or the day is full (the fleet cannot fit it with the others: capacity, battery or the depot's hours).
 */
export const UNSERVED_REASONS = ['too_heavy', 'out_of_range', 'no_fly', 'window_unreachable', 'fleet_full'] as const;
export type UnservedReason = (typeof UNSERVED_REASONS)[number];

type Depot = Pick<typeof depots.$inferSelect, 'id' | 'name' | 'lon' | 'lat' | 'opensMin' | 'closesMin'>;
type Vehicle = Pick<typeof vehicles.$inferSelect, 'id' | 'name' | 'kind' | 'depotId' | 'capacityKg' | 'speedKmh' | 'batteryWh' | 'whPerKm' | 'whPerKmKg' | 'massKg' | 'reloadMin'>;
type Request = Pick<typeof requests.$inferSelect, 'id' | 'lon' | 'lat' | 'weightKg' | 'windowStartMin' | 'windowEndMin'> & { kind?: 'delivery' | 'pickup'; priority?: number };

/** What a plan is computed from. */
export interface Gathered {
  depots: Depot[];
  vehicles: Vehicle[];
  requests: Request[];
  zones?: Zone[];
  settings?: PlanSettings;
  /** Road matrix over [vehicles' depots in vehicle order, then requests], from a road engine. */
  roads?: RoadMatrix | null;
  /** The elevation model to plan on (the county's uploaded file); the bundled one when absent. */
  grid?: Grid;
  /** Its label: `bundled`, or the uploaded file's name. */
  terrain?: string;
  /** Seconds after local midnight from which a vehicle is free (re-planning: after the trip that has left). */
  availableFrom?: Record<string, number>;
}

export interface Built {
  instance: PlanInstance;
  /** Indices (into g.requests) of the requests in the instance, in its stop order. */
  keep: number[];
  unserved: { requestId: string; reason: UnservedReason }[];
  /** Drone legs considered and those the terrain (no-fly zones, ceiling) forbids. */
  droneLegs: { total: number; blocked: number };
}

/**
 * The instance over the requests some vehicle could serve alone. Every vehicle has its own copy of its depot (so it
 * can start later when re-planning); legs from and to a drone's copy are priced in straight-line metres, everything
 * else by road, so a light parcel near a depot goes by air when that is shorter (a drone's leg between two villages
 * stays priced by road: an overestimate the solver may only avoid).
 */
export function buildInstance(g: Gathered): Built {
  const s = g.settings ?? DEFAULT_SETTINGS;
  const zones = g.zones ?? [];
  const nd = g.vehicles.length;
  const depotOf = (v: Vehicle) => g.depots.find((d) => d.id === v.depotId)!;
  const points = [...g.vehicles.map(depotOf), ...g.requests];
  const m = legMatrices(points, s, g.grid);
  const drone = (i: number) => i < nd && g.vehicles[i].kind === 'drone';
  const byAir = (i: number, j: number) => drone(i) || drone(j);
  const roadM = (i: number, j: number) => g.roads?.distance[i]?.[j] ?? m.road[i][j];
  const roadT = (i: number, j: number) => {
    const sec = g.roads?.duration[i]?.[j];
    return sec == null ? m.road[i][j] : sec * ROAD_REFERENCE_SPEED;
  };
  const distance = points.map((_, i) => points.map((_, j) => (i === j ? 0 : byAir(i, j) ? m.air[i][j] : roadM(i, j))));
  // Times are road-equivalent metres over a speed; a drone's speed is scaled by the winding factor (see instance.ts).
  const time = points.map((_, i) => points.map((_, j) => (i === j ? 0 : byAir(i, j) ? m.air[i][j] * s.windingFactor : roadT(i, j))));
  // A drone leg is blocked when it enters a no-fly zone, or when the ceiling is below the clearance (no corridor).
  const noCorridor = s.clearanceM > s.ceilingM;
  const hasDrones = g.vehicles.some((v) => v.kind === 'drone');
  let total = 0;
  let blockedCount = 0;
  const blocked = points.map((a, i) =>
    points.map((b, j) => {
      if (!hasDrones || i === j || (i < nd && !drone(i)) || (j < nd && !drone(j))) return 0;
      total++;
      const no = noCorridor || blockingZone(a, b, zones) !== null ? 1 : 0;
      blockedCount += no;
      return no;
    }),
  );
  const full: PlanInstance = {
    depots: g.vehicles.map((v) => {
      const d = depotOf(v);
      return { x: d.lon, y: d.lat, open: Math.max(d.opensMin * 60, g.availableFrom?.[v.id] ?? 0), close: d.closesMin * 60 };
    }),
    stops: g.requests.map((r) => ({ x: r.lon, y: r.lat, demand: r.weightKg, service: SERVICE_S, early: r.windowStartMin * 60, late: r.windowEndMin * 60, priority: r.priority ?? 0 })),
    vehicleTypes: g.vehicles.map((v, k) => ({
      name: v.name,
      depot: k,
      count: 1,
      capacity: v.capacityKg,
      speed: v.kind === 'drone' ? (v.speedKmh / 3.6) * s.windingFactor : g.roads ? ROAD_REFERENCE_SPEED : v.speedKmh / 3.6,
      multiTrip: true,
      reloadTime: v.reloadMin * 60,
      ...(v.kind === 'drone' ? { battery: v.batteryWh! } : {}),
    })),
    drones: Object.fromEntries(g.vehicles.flatMap((v, k) => (v.kind === 'drone' ? [[k, { whPerKm: v.whPerKm!, whPerKmKg: v.whPerKmKg!, massKg: v.massKg! }]] : []))),
    distance,
    time,
    road: points.map((_, i) => points.map((_, j) => (i === j ? 0 : roadM(i, j)))),
    air: m.air,
    climb: m.climb,
    blocked,
    pickupAt: points.map((_, i) => (i >= nd && g.requests[i - nd].kind === 'pickup' ? 1 : 0)),
  };
  // A request is served only if some vehicle could serve it on a trip of its own.
  const unserved: Built['unserved'] = [];
  const keep: number[] = [];
  g.requests.forEach((r, i) => {
    const stop = full.stops[i];
    const carriers = full.vehicleTypes.map((t, k) => k).filter((k) => (full.vehicleTypes[k].capacity ?? Infinity) >= r.weightKg);
    if (carriers.length === 0) return unserved.push({ requestId: r.id, reason: 'too_heavy' });
    let inRange = false;
    let flyable = false;
    for (const k of carriers) {
      if (!flyable && (!full.drones[k] || !(full.blocked[k][nd + i] || full.blocked[nd + i][k]))) flyable = true;
      if (!servedAlone(full, k, i)) continue;
      inRange = true;
      const t = full.vehicleTypes[k];
      const depot = full.depots[k];
      const st = nd + i;
      const arrive = Math.max(depot.open + time[k][st] / t.speed!, stop.early);
      if (arrive <= stop.late && arrive + stop.service + time[st][k] / t.speed! <= depot.close) return keep.push(i);
    }
    unserved.push({ requestId: r.id, reason: inRange ? 'window_unreachable' : flyable ? 'out_of_range' : 'no_fly' });
  });
  // Bound each vehicle's trips by what it could possibly do: one trip per stop it could serve alone, and no more
  // trips than fit in its depot's day (each at least a reload plus its shortest round trip); vans at most
  // VAN_MAX_TRIPS. Each possible trip is a node the solver walks, so the bound is what keeps the search fast.
  full.vehicleTypes.forEach((t, k) => {
    const depot = full.depots[k];
    let servable = 0;
    let shortest = Infinity;
    for (const i of keep) {
      const st = nd + i;
      if (!servedAlone(full, k, i)) continue;
      servable++;
      shortest = Math.min(shortest, (time[k][st] + time[st][k]) / t.speed! + full.stops[i].service);
    }
    const byDay = Math.floor(Math.max(0, depot.close - depot.open) / ((t.reloadTime ?? 0) + Math.max(shortest, 60))) + 1;
    t.maxTrips = Math.max(1, Math.min(servable, byDay, full.drones[k] ? Infinity : VAN_MAX_TRIPS));
  });
  return {
    instance: subInstance(full, keep),
    keep,
    unserved,
    droneLegs: { total, blocked: blockedCount },
  };
}

/** Most trips a van makes in a day (a van rarely goes back to its depot more than twice). */
const VAN_MAX_TRIPS = 3;

/** Vehicle k can carry stop i alone: within capacity and, for a drone, flyable out and back within its battery. */
function servedAlone(p: PlanInstance, k: number, i: number): boolean {
  const t = p.vehicleTypes[k];
  const stop = p.stops[i];
  if ((t.capacity ?? Infinity) < stop.demand) return false;
  const drone = p.drones[k];
  if (!drone) return true;
  const s = p.depots.length + i;
  if (p.blocked[k][s] || p.blocked[s][k]) return false;
  // A delivery flies out loaded and back empty; a pickup the other way round.
  const [out, back] = p.pickupAt[s] ? [0, stop.demand] : [stop.demand, 0];
  return legEnergyWh(drone, p.air[k][s], p.climb[k][s], out) + legEnergyWh(drone, p.air[s][k], p.climb[s][k], back) <= t.battery!;
}

/**
 * Search parameters for a day's instance. Mixed fleets with drones, several depots and multi-trip vehicles are priced
 * by walking each candidate route, so HGS's default population (100 locally searched tours before the first
 * iteration) took longer than the whole budget beyond about 40 stops; a smaller population and neighbourhood make the
 * search iterate, and improve, within the operator's minute.
 */
export function searchParams(stops: number): Partial<SearchParams> {
  if (stops <= 30) return {};
  if (stops <= 120) return { granularity: 10, populationSize: 8, generationSize: 16 };
  return { granularity: 8, populationSize: 3, generationSize: 6 };
}
