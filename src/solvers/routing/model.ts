import { InfeasibleInstanceError, InvalidInstanceError } from './errors.ts';

/**
 * The public problem description. Locations are numbered depots first, then stops:
 * location `l < depots.length` is depot `l`, location `depots.length + i` is stop `i`.
 * Coordinates are plane x/y, or longitude/latitude in degrees for the haversine metric.
 */
export interface Depot {
  x?: number;
  y?: number;
  /** Earliest departure (default 0). */
  open?: number;
  /** Latest return (default unbounded). */
  close?: number;
  label?: string;
}

export interface Stop {
  x?: number;
  y?: number;
  /** Load delivered here (default 0). */
  demand?: number;
  /** Time spent at the stop (default 0). */
  service?: number;
  /** Earliest start of service (default 0). */
  early?: number;
  /** Latest start of service (default unbounded). */
  late?: number;
  /** Number printed for this stop in solution files (default its index + 1). */
  label?: number;
}

/**
 * Energy a vehicle spends flying from location `from` to location `to` while still carrying `payload`
 * (the demand of the stops left on this trip, `to` included). Infinity means the leg cannot be flown.
 */
export type EnergyFunction = (from: number, to: number, payload: number) => number;

export interface VehicleType {
  name?: string;
  /** Index of the home depot (default 0). */
  depot?: number;
  /** Number of vehicles (default unbounded). */
  count?: number;
  capacity?: number;
  fixedCost?: number;
  /** Travel time is the time matrix (or distance) divided by speed (default 1). */
  speed?: number;
  maxDuration?: number;
  maxDistance?: number;
  /** Energy available per trip; requires `energy`. */
  battery?: number;
  energy?: EnergyFunction;
  /** The vehicle may come back to its depot to reload or swap its battery, then leave again. */
  multiTrip?: boolean;
  /** Time spent at the depot between two trips. */
  reloadTime?: number;
  /**
   * Most trips a multi-trip vehicle makes (default: one per stop, at most 201). Each extra trip is a reload node in
   * every route the search walks, so a tight bound makes the search much faster on mixed and multi-depot fleets.
   */
  maxTrips?: number;
}

export type Metric =
  /** `nearest` is TSPLIB nint (CVRPLIB), `decimal1` truncates to one decimal (Solomon, DIMACS). */
  | { kind: 'euclidean'; rounding?: 'none' | 'nearest' | 'decimal1' }
  /** Great-circle distance in metres between lon/lat coordinates. */
  | { kind: 'haversine' }
  | { kind: 'matrix'; distance: ArrayLike<ArrayLike<number>>; time?: ArrayLike<ArrayLike<number>> };

export interface Instance {
  name?: string;
  depots: Depot[];
  stops: Stop[];
  vehicleTypes: VehicleType[];
  metric: Metric;
}

/** A vehicle type with every default filled in, as the solver uses it. */
export interface TypeData {
  index: number;
  name: string;
  depot: number;
  count: number;
  capacity: number;
  fixedCost: number;
  maxDuration: number;
  maxDistance: number;
  battery: number;
  energy: EnergyFunction | null;
  multiTrip: boolean;
  reloadTime: number;
  /** Reload nodes of a multi-trip type: at most this many trips after the first. */
  reloads: number;
  /** Index of the travel-time matrix this type uses (one per distinct speed). */
  profile: number;
}

/**
 * The solver's internal form. Nodes are depots, then customers, then "reload" nodes: copies of a
 * multi-trip type's depot that, placed inside one of its routes, end a trip and start the next.
 */
/** A node-by-node matrix, row-major. */
export type Matrix = Float64Array | Float32Array;

export interface Problem {
  instance: Instance;
  nDepots: number;
  nCustomers: number;
  nNodes: number;
  firstCustomer: number;
  firstReload: number;
  /** Distances between nodes; single precision when every distance is exactly representable (half the cache). */
  dist: Matrix;
  /** Travel-time matrices, one per profile. */
  times: Float64Array[];
  demand: Float64Array;
  service: Float64Array;
  early: Float64Array;
  late: Float64Array;
  /** Public location index of every node. */
  location: Int32Array;
  /** For reload nodes, the type they belong to; -1 otherwise. */
  reloadType: Int32Array;
  /** Polar angle around the first depot, for route sectors; 0 when there are no coordinates. */
  angle: Float64Array;
  hasCoordinates: boolean;
  types: TypeData[];
  /** Route slots: the vehicle type of each route the search may use. */
  slotType: Int32Array;
  /** Only capacity, time and distance matter and all routes share depot and travel times: O(1) move evaluation. */
  fast: boolean;
  hasTime: boolean;
  symmetric: boolean;
  totalDemand: number;
  maxDemand: number;
  maxDistance: number;
}

/** Distance between two locations of the public model, with the metric's rounding. */
export function locationDistance(instance: Instance, a: number, b: number): number {
  const m = instance.metric;
  if (m.kind === 'matrix') return m.distance[a][b];
  const pa = locationPoint(instance, a);
  const pb = locationPoint(instance, b);
  if (m.kind === 'haversine') return haversineMetres(pa.x, pa.y, pb.x, pb.y);
  const d = Math.hypot(pa.x - pb.x, pa.y - pb.y);
  if (m.rounding === 'nearest') return Math.floor(d + 0.5);
  if (m.rounding === 'decimal1') return Math.floor(10 * d) / 10;
  return d;
}

function locationPoint(instance: Instance, l: number): { x: number; y: number } {
  const p = l < instance.depots.length ? instance.depots[l] : instance.stops[l - instance.depots.length];
  return { x: p.x ?? NaN, y: p.y ?? NaN };
}

const EARTH_RADIUS_M = 6371008.8;

function haversineMetres(lon1: number, lat1: number, lon2: number, lat2: number): number {
  const rad = Math.PI / 180;
  const dLat = (lat2 - lat1) * rad;
  const dLon = (lon2 - lon1) * rad;
  const h = Math.sin(dLat / 2) ** 2 + Math.cos(lat1 * rad) * Math.cos(lat2 * rad) * Math.sin(dLon / 2) ** 2;
  return 2 * EARTH_RADIUS_M * Math.asin(Math.min(1, Math.sqrt(h)));
}

function validate(instance: Instance): void {
  const problems: string[] = [];
  const nLoc = instance.depots.length + instance.stops.length;
  if (instance.depots.length === 0) problems.push('no depot');
  if (instance.vehicleTypes.length === 0) problems.push('no vehicle type');
  const m = instance.metric;
  if (m.kind === 'matrix') {
    for (const [name, mat] of [['distance', m.distance], ['time', m.time]] as const) {
      if (!mat) continue;
      if (mat.length !== nLoc) problems.push(`${name} matrix has ${mat.length} rows, expected ${nLoc}`);
      for (let i = 0; i < mat.length; i++) {
        if (mat[i].length !== nLoc) problems.push(`${name} matrix row ${i} has ${mat[i].length} entries, expected ${nLoc}`);
        for (let j = 0; j < mat[i].length; j++) {
          const v = mat[i][j];
          if (!(v >= 0)) problems.push(`${name} matrix entry [${i}][${j}] is ${v}`);
        }
      }
    }
  } else {
    const all = [...instance.depots.map((d, i) => ({ p: d, what: `depot ${i}` })), ...instance.stops.map((s, i) => ({ p: s, what: `stop ${i}` }))];
    for (const { p, what } of all) {
      if (!Number.isFinite(p.x) || !Number.isFinite(p.y)) problems.push(`${what} has no coordinates`);
    }
  }
  instance.stops.forEach((s, i) => {
    if ((s.demand ?? 0) < 0 || Number.isNaN(s.demand)) problems.push(`stop ${i} has demand ${s.demand}`);
    if ((s.service ?? 0) < 0 || Number.isNaN(s.service)) problems.push(`stop ${i} has service time ${s.service}`);
    if ((s.early ?? 0) > (s.late ?? Infinity)) problems.push(`stop ${i} has a time window [${s.early}, ${s.late}] that closes before it opens`);
  });
  instance.depots.forEach((d, i) => {
    if ((d.open ?? 0) > (d.close ?? Infinity)) problems.push(`depot ${i} closes (${d.close}) before it opens (${d.open})`);
  });
  instance.vehicleTypes.forEach((t, k) => {
    const depot = t.depot ?? 0;
    if (!Number.isInteger(depot) || depot < 0 || depot >= instance.depots.length) problems.push(`vehicle type ${k} has depot ${depot}, which does not exist`);
    if (t.speed !== undefined && !(t.speed > 0)) problems.push(`vehicle type ${k} has speed ${t.speed}`);
    if (t.count !== undefined && !(t.count >= 0)) problems.push(`vehicle type ${k} has count ${t.count}`);
    if (t.battery !== undefined && !t.energy) problems.push(`vehicle type ${k} has a battery but no energy function`);
    if (t.maxTrips !== undefined && !(Number.isInteger(t.maxTrips) && t.maxTrips >= 1)) problems.push(`vehicle type ${k} has maxTrips ${t.maxTrips}`);
  });
  if (problems.length > 0) throw new InvalidInstanceError(problems);
}

function typeData(t: VehicleType, index: number, profile: number): TypeData {
  return {
    index,
    name: t.name ?? `type ${index}`,
    depot: t.depot ?? 0,
    count: t.count ?? Infinity,
    capacity: t.capacity ?? Infinity,
    fixedCost: t.fixedCost ?? 0,
    maxDuration: t.maxDuration ?? Infinity,
    maxDistance: t.maxDistance ?? Infinity,
    battery: t.energy ? (t.battery ?? Infinity) : Infinity,
    energy: t.energy ?? null,
    multiTrip: (t.multiTrip ?? false) && (t.maxTrips ?? 2) > 1,
    reloadTime: t.reloadTime ?? 0,
    reloads: 0,
    profile,
  };
}

/** Energy of flying out to stop `loc` with its demand and back empty, or Infinity. */
function outAndBackEnergy(t: TypeData, depotLoc: number, loc: number, demand: number): number {
  if (!t.energy) return 0;
  return t.energy(depotLoc, loc, demand) + t.energy(loc, depotLoc, 0);
}

/** Why vehicle type `t` cannot serve stop `i` on its own, or null when it can. */
function soloRouteObstacle(p: Problem, t: TypeData, node: number): string | null {
  if (p.demand[node] > t.capacity) return `demand ${p.demand[node]} exceeds capacity ${t.capacity}`;
  const depot = t.depot;
  const there = p.dist[depot * p.nNodes + node] + p.dist[node * p.nNodes + depot];
  if (there > t.maxDistance) return `round trip of ${there} exceeds max distance ${t.maxDistance}`;
  const time = p.times[t.profile];
  const arrive = Math.max(p.early[depot] + time[depot * p.nNodes + node], p.early[node]);
  if (arrive > p.late[node]) return `earliest arrival ${arrive} is after the window closes at ${p.late[node]}`;
  const back = arrive + p.service[node] + time[node * p.nNodes + depot];
  if (back > p.late[depot]) return `cannot be back at the depot (${back}) before it closes (${p.late[depot]})`;
  // departing late enough removes any wait, so the round trip's shortest duration is travel plus service
  const shortest = time[depot * p.nNodes + node] + p.service[node] + time[node * p.nNodes + depot];
  if (shortest > t.maxDuration) return `round trip takes ${shortest}, more than max duration ${t.maxDuration}`;
  if (t.energy) {
    const e = outAndBackEnergy(t, p.location[depot], p.location[node], p.demand[node]);
    if (!Number.isFinite(e)) return 'a leg of the round trip cannot be flown';
    if (e > t.battery) return `round trip needs energy ${e}, more than battery ${t.battery}`;
  }
  return null;
}

/** Compiles and checks an instance; throws InvalidInstanceError or InfeasibleInstanceError. */
export function buildProblem(instance: Instance): Problem {
  validate(instance);
  const nDepots = instance.depots.length;
  const nCustomers = instance.stops.length;
  const speeds: number[] = [];
  const types = instance.vehicleTypes.map((t, k) => {
    const speed = t.speed ?? 1;
    let profile = speeds.indexOf(speed);
    if (profile < 0) profile = speeds.push(speed) - 1;
    return typeData(t, k, profile);
  });
  const hasMultiTrip = types.some((t) => t.multiTrip);
  const reloadsPerType = Math.max(1, Math.min(nCustomers, 200));
  for (const t of types) t.reloads = t.multiTrip ? Math.max(1, Math.min(reloadsPerType, (instance.vehicleTypes[t.index].maxTrips ?? Infinity) - 1)) : 0;
  const nReloads = types.reduce((s, t) => s + t.reloads, 0);
  const nNodes = nDepots + nCustomers + nReloads;
  const firstCustomer = nDepots;
  const firstReload = nDepots + nCustomers;

  const location = new Int32Array(nNodes);
  const reloadType = new Int32Array(nNodes).fill(-1);
  for (let v = 0; v < firstReload; v++) location[v] = v;
  let next = firstReload;
  for (const t of types) {
    if (!t.multiTrip) continue;
    for (let k = 0; k < t.reloads; k++, next++) {
      location[next] = t.depot;
      reloadType[next] = t.index;
    }
  }

  const demand = new Float64Array(nNodes);
  const service = new Float64Array(nNodes);
  const early = new Float64Array(nNodes);
  const late = new Float64Array(nNodes).fill(Infinity);
  let hasTime = types.some((t) => t.maxDuration < Infinity);
  for (let d = 0; d < nDepots; d++) {
    early[d] = instance.depots[d].open ?? 0;
    late[d] = instance.depots[d].close ?? Infinity;
    if (late[d] < Infinity) hasTime = true;
  }
  instance.stops.forEach((s, i) => {
    const v = firstCustomer + i;
    demand[v] = s.demand ?? 0;
    service[v] = s.service ?? 0;
    early[v] = s.early ?? 0;
    late[v] = s.late ?? Infinity;
    if (late[v] < Infinity || early[v] > 0) hasTime = true;
  });
  for (let v = firstReload; v < nNodes; v++) {
    const t = types[reloadType[v]];
    service[v] = t.reloadTime;
    early[v] = early[t.depot];
    late[v] = late[t.depot];
    if (t.reloadTime > 0) hasTime = true;
  }

  const nLoc = nDepots + nCustomers;
  const locDist = new Float64Array(nLoc * nLoc);
  for (let a = 0; a < nLoc; a++) for (let b = 0; b < nLoc; b++) locDist[a * nLoc + b] = a === b ? 0 : locationDistance(instance, a, b);
  const metric = instance.metric;
  const locTime = metric.kind === 'matrix' && metric.time ? new Float64Array(nLoc * nLoc) : locDist;
  if (metric.kind === 'matrix' && metric.time) {
    for (let a = 0; a < nLoc; a++) for (let b = 0; b < nLoc; b++) locTime[a * nLoc + b] = a === b ? 0 : metric.time[a][b];
  }
  const dist = new Float64Array(nNodes * nNodes);
  const times = speeds.map(() => new Float64Array(nNodes * nNodes));
  let symmetric = true;
  let maxDistance = 0;
  for (let a = 0; a < nNodes; a++) {
    for (let b = 0; b < nNodes; b++) {
      const la = location[a];
      const lb = location[b];
      const d = locDist[la * nLoc + lb];
      dist[a * nNodes + b] = d;
      if (d > maxDistance) maxDistance = d;
      if (d !== locDist[lb * nLoc + la]) symmetric = false;
      for (let s = 0; s < speeds.length; s++) times[s][a * nNodes + b] = locTime[la * nLoc + lb] / speeds[s];
    }
  }
  if (locTime !== locDist) {
    for (let a = 0; a < nLoc && symmetric; a++) for (let b = 0; b < nLoc; b++) if (locTime[a * nLoc + b] !== locTime[b * nLoc + a]) symmetric = false;
  }

  const compact = Float32Array.from(dist);
  const exact = compact.every((d, k) => d === dist[k]);

  const hasCoordinates = metric.kind !== 'matrix' || (instance.depots.every((d) => Number.isFinite(d.x) && Number.isFinite(d.y)) && instance.stops.every((s) => Number.isFinite(s.x) && Number.isFinite(s.y)));
  const angle = new Float64Array(nNodes);
  if (hasCoordinates) {
    const d0 = instance.depots[0];
    for (let v = firstCustomer; v < firstReload; v++) {
      const s = instance.stops[v - firstCustomer];
      angle[v] = Math.atan2((s.y ?? 0) - (d0.y ?? 0), (s.x ?? 0) - (d0.x ?? 0));
    }
  }

  let totalDemand = 0;
  let maxDemand = 0;
  for (let v = firstCustomer; v < firstReload; v++) {
    totalDemand += demand[v];
    maxDemand = Math.max(maxDemand, demand[v]);
  }

  const fast = nDepots === 1 && speeds.length === 1 && types.every((t) => !t.energy && !t.multiTrip);
  const problem: Problem = {
    instance,
    nDepots,
    nCustomers,
    nNodes,
    firstCustomer,
    firstReload,
    dist: exact ? compact : dist,
    times,
    demand,
    service,
    early,
    late,
    location,
    reloadType,
    angle,
    hasCoordinates,
    types,
    slotType: new Int32Array(0),
    fast,
    hasTime,
    symmetric,
    totalDemand,
    maxDemand,
    maxDistance,
  };
  problem.slotType = routeSlots(problem, hasMultiTrip);
  checkFeasibility(problem);
  return problem;
}

/**
 * How many routes of each type the search may use: the fleet when it is bounded; otherwise enough for
 * capacity (HGS-CVRP's 1.3 × demand / capacity + 3) and, with time constraints, for a greedy solution.
 */
function routeSlots(p: Problem, hasMultiTrip: boolean): Int32Array {
  const slots: number[] = [];
  for (const t of p.types) {
    let n: number;
    if (Number.isFinite(t.count)) n = Math.min(t.count, p.nCustomers);
    else if (!Number.isFinite(t.capacity) || hasMultiTrip || t.energy) n = p.nCustomers;
    else {
      n = Math.ceil((1.3 * p.totalDemand) / t.capacity) + 3;
      if (p.hasTime || t.maxDistance < Infinity) n = Math.max(n, Math.ceil(1.2 * greedyRouteCount(p, t)) + 3);
      n = Math.min(p.nCustomers, n);
    }
    for (let k = 0; k < n; k++) slots.push(t.index);
  }
  return Int32Array.from(slots);
}

/** Routes used by a nearest-neighbour construction that keeps capacity, windows, duration and distance. */
function greedyRouteCount(p: Problem, t: TypeData): number {
  const N = p.nNodes;
  const time = p.times[t.profile];
  const depot = t.depot;
  const left = new Set<number>();
  for (let v = p.firstCustomer; v < p.firstReload; v++) left.add(v);
  let routes = 0;
  while (left.size > 0) {
    routes++;
    let at = depot;
    let clock = p.early[depot];
    let load = 0;
    let distance = 0;
    for (;;) {
      let best = -1;
      let bestArrival = Infinity;
      for (const v of left) {
        if (load + p.demand[v] > t.capacity) continue;
        const arrival = Math.max(clock + time[at * N + v], p.early[v]);
        if (arrival > p.late[v]) continue;
        const back = arrival + p.service[v] + time[v * N + depot];
        if (back > p.late[depot] || back - p.early[depot] > t.maxDuration) continue;
        if (distance + p.dist[at * N + v] + p.dist[v * N + depot] > t.maxDistance) continue;
        if (arrival < bestArrival) {
          best = v;
          bestArrival = arrival;
        }
      }
      if (best < 0) break;
      left.delete(best);
      load += p.demand[best];
      distance += p.dist[at * N + best];
      clock = bestArrival + p.service[best];
      at = best;
    }
    if (at === depot) return routes - 1 + left.size; // what is left cannot be served alone by this type
  }
  return routes;
}

/** Finds what makes the instance impossible before any search: a stop no vehicle can serve, or too small a fleet. */
function checkFeasibility(p: Problem): void {
  const reasons: string[] = [];
  if (p.nCustomers > 0 && p.slotType.length === 0) reasons.push('there are stops but no vehicles (every vehicle type has count 0)');
  for (let v = p.firstCustomer; v < p.firstReload; v++) {
    const obstacles: string[] = [];
    for (const t of p.types) {
      if (t.count === 0) continue;
      const o = soloRouteObstacle(p, t, v);
      if (o === null) {
        obstacles.length = 0;
        break;
      }
      obstacles.push(`${t.name}: ${o}`);
    }
    if (obstacles.length > 0) {
      const i = v - p.firstCustomer;
      reasons.push(`stop ${i} (label ${p.instance.stops[i].label ?? i + 1}) cannot be served by any vehicle — ${obstacles.join(', ')}`);
    }
  }
  const bounded = p.types.every((t) => Number.isFinite(t.count) && !t.multiTrip);
  if (bounded) {
    const fleetCapacity = p.types.reduce((s, t) => s + t.count * t.capacity, 0);
    if (p.totalDemand > fleetCapacity) reasons.push(`total demand ${p.totalDemand} exceeds the whole fleet's capacity ${fleetCapacity}`);
  }
  if (reasons.length > 0) throw new InfeasibleInstanceError(reasons);
}
