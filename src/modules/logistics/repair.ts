// A day that cannot fit all its requests: the solver's best routes (which then break a window, a load, a battery or
// the depot's hours) are cut back to what each vehicle can really do, the stops cut are put back wherever they still
// fit, and what is left over is listed with the reason it could not be served. Nothing here is the solver's code: it
// reads the instance as the routing checker does (forward pass from the depot's opening, trips in order).
import type { SolveResult, VehicleRoute } from '../../solvers/routing/index.ts';
import { toSolverInstance, type PlanInstance } from './instance.ts';

const TOLERANCE = 1e-6;

/** What stops a vehicle's trips: a stop reached after its window closes, or the vehicle is full (load, battery, hours). */
export type Failure = 'window' | 'full';

type Energy = ((from: number, to: number, payload: number) => number) | undefined;

/** The energy function of every vehicle of the instance (undefined for vans). */
export function energies(p: PlanInstance): Energy[] {
  return toSolverInstance(p).vehicleTypes.map((t) => t.energy);
}

/** Whether vehicle k can drive these (non-empty) trips: null, or what breaks first. */
export function routeFailure(p: PlanInstance, energy: Energy, k: number, trips: number[][]): Failure | null {
  const t = p.vehicleTypes[k];
  const nd = p.depots.length;
  const home = t.depot ?? 0;
  const depot = p.depots[home];
  const speed = t.speed ?? 1;
  if (trips.length > 1 && !t.multiTrip) return 'full';
  if (t.maxTrips !== undefined && trips.length > t.maxTrips) return 'full';
  let clock = depot.open;
  let at = home;
  for (let n = 0; n < trips.length; n++) {
    const trip = trips[n];
    let load = 0;
    for (const s of trip) load += p.stops[s].demand;
    if (load > (t.capacity ?? Infinity) + TOLERANCE) return 'full';
    if (energy) {
      let payload = load;
      let used = 0;
      let from = home;
      for (const loc of [...trip.map((s) => nd + s), home]) {
        used += energy(from, loc, loc === home ? 0 : payload);
        if (loc !== home) payload -= p.stops[loc - nd].demand;
        from = loc;
      }
      if (!(used <= (t.battery ?? Infinity) + TOLERANCE)) return 'full';
    }
    if (n > 0) {
      clock = Math.max(clock + p.time[at][home] / speed, depot.open);
      if (clock > depot.close + TOLERANCE) return 'full';
      clock += t.reloadTime ?? 0;
      at = home;
    }
    for (const s of trip) {
      const stop = p.stops[s];
      clock = Math.max(clock + p.time[at][nd + s] / speed, stop.early);
      if (clock > stop.late + TOLERANCE) return 'window';
      clock += stop.service;
      at = nd + s;
    }
  }
  clock += p.time[at][home] / speed;
  return clock > depot.close + TOLERANCE ? 'full' : null;
}

/** Distance of a vehicle's trips, as the solver prices it. */
function routeDistance(p: PlanInstance, k: number, trips: number[][]): number {
  const nd = p.depots.length;
  const home = p.vehicleTypes[k].depot ?? 0;
  let d = 0;
  for (const trip of trips) {
    let at = home;
    for (const s of trip) {
      d += p.distance[at][nd + s];
      at = nd + s;
    }
    d += p.distance[at][home];
  }
  return d;
}

export interface Repaired {
  routes: VehicleRoute[];
  /** Stops (instance indices) no vehicle could take, with what stopped the last vehicle tried. */
  dropped: { stop: number; failure: Failure }[];
  distance: number;
}

/**
 * Feasible routes from a solution that breaks some rule: each route keeps, trip by trip and in order, the stops it
 * can still take; then every stop cut (or missing) is inserted where it adds the least distance and breaks nothing,
 * on any vehicle, in an existing trip or as a trip of its own; what fits nowhere is dropped.
 */
export function repairSolution(p: PlanInstance, routes: VehicleRoute[]): Repaired {
  const energy = energies(p);
  const cut = new Map<number, Failure>();
  const plan: number[][][] = p.vehicleTypes.map(() => []);
  const seen = new Set<number>();
  for (const route of routes) {
    const k = route.vehicleType;
    const kept: number[][] = plan[k];
    for (const trip of route.trips) {
      const cur: number[] = [];
      kept.push(cur);
      for (const s of trip) {
        if (seen.has(s)) continue;
        seen.add(s);
        cur.push(s);
        const failure = routeFailure(p, energy[k], k, kept.filter((x) => x.length > 0));
        if (failure) {
          cur.pop();
          cut.set(s, failure);
        }
      }
      if (cur.length === 0) kept.pop();
    }
  }
  p.stops.forEach((_, s) => {
    if (!seen.has(s)) cut.set(s, 'full');
  });
  const prio = (s: number) => p.stops[s].priority ?? 0;
  /** The cheapest place for stop s in vehicle k's trips (given), or null; `full` is told when a place failed on load, battery or hours. */
  const place = (s: number, k: number, trips: number[][], full?: () => void) => {
    const t = p.vehicleTypes[k];
    if ((t.capacity ?? Infinity) < p.stops[s].demand) return null;
    let best: { trips: number[][]; delta: number } | null = null;
    const before = routeDistance(p, k, trips);
    const candidates: number[][][] = [];
    trips.forEach((trip, n) => {
      for (let i = 0; i <= trip.length; i++) candidates.push(trips.map((x, m) => (m === n ? [...x.slice(0, i), s, ...x.slice(i)] : x)));
    });
    if (trips.length === 0 || t.multiTrip) for (let n = 0; n <= trips.length; n++) candidates.push([...trips.slice(0, n), [s], ...trips.slice(n)]);
    for (const c of candidates) {
      const delta = routeDistance(p, k, c) - before;
      if (best && delta >= best.delta) continue;
      const f = routeFailure(p, energy[k], k, c);
      if (f === null) best = { trips: c, delta };
      else if (f === 'full') full?.();
    }
    return best;
  };
  /** Stop s put where it adds the least distance on any vehicle; false when it fits nowhere. */
  const insert = (s: number, full?: () => void) => {
    let best: { k: number; trips: number[][]; delta: number } | null = null;
    for (let k = 0; k < p.vehicleTypes.length; k++) {
      const b = place(s, k, plan[k], full);
      if (b && (!best || b.delta < best.delta)) best = { k, ...b };
    }
    if (best) plan[best.k] = best.trips;
    return best !== null;
  };
  const dropped: Repaired['dropped'] = [];
  // Higher priority first; then the earliest closing window: they have the fewest places left to go.
  for (const s of [...cut.keys()].sort((a, b) => prio(b) - prio(a) || p.stops[a].late - p.stops[b].late || a - b)) {
    // The reason: its window, when that is all that stopped every place tried; otherwise the day is full.
    let onlyWindows = true;
    if (!insert(s, () => (onlyWindows = false))) dropped.push({ stop: s, failure: onlyWindows && cut.get(s) === 'window' ? 'window' : 'full' });
  }
  // Priority decides what is left over. A request left out takes a vehicle whose lower-priority stops make room for
  // it: those stops leave the vehicle, it is put in, and they are put back wherever they still fit (on any vehicle),
  // higher priority first; those that fit nowhere are left over in its place. Of all vehicles, the one leaving over
  // the fewest (then the lowest priorities, then the least distance) is taken. So a request is left over for a full
  // day only when no vehicle could carry it beside the stops of its own or higher priority it already carries.
  const byPriority = (a: number, b: number) => prio(b) - prio(a) || p.stops[a].late - p.stops[b].late || a - b;
  const total = () => plan.reduce((d, trips, k) => d + routeDistance(p, k, trips), 0);
  dropped.sort((a, b) => byPriority(a.stop, b.stop));
  for (let i = 0; i < dropped.length; i++) {
    const s = dropped[i].stop;
    const before = plan.map((trips) => trips.map((x) => [...x]));
    let best: { plan: number[][][]; out: number[]; score: number } | null = null;
    for (let k = 0; k < p.vehicleTypes.length; k++) {
      const low = before[k].flat().filter((x) => prio(x) < prio(s));
      if (low.length === 0) continue;
      const b = place(s, k, before[k].map((trip) => trip.filter((x) => prio(x) >= prio(s))).filter((trip) => trip.length > 0));
      if (!b) continue;
      plan.splice(0, plan.length, ...before.map((trips, m) => (m === k ? b.trips : trips.map((x) => [...x]))));
      const out = low.sort(byPriority).filter((x) => !insert(x));
      const score = out.length * 1e12 + out.reduce((sum, x) => sum + prio(x), 0) * 1e10 + total();
      if (!best || score < best.score) best = { plan: plan.map((trips) => trips.map((x) => [...x])), out, score };
    }
    plan.splice(0, plan.length, ...(best ? best.plan : before));
    if (!best) continue;
    dropped.splice(i, 1, ...best.out.map((x) => ({ stop: x, failure: 'full' as const })));
    dropped.sort((a, b) => byPriority(a.stop, b.stop));
    i = -1; // the list changed: start again from its highest priority
  }
  dropped.sort((a, b) => a.stop - b.stop);
  const out: VehicleRoute[] = plan.flatMap((trips, k) => (trips.length > 0 ? [{ vehicleType: k, trips }] : []));
  return { routes: out, dropped, distance: out.reduce((d, r) => d + routeDistance(p, r.vehicleType, r.trips), 0) };
}

/** The instance over some of its stops (indices in order), depots unchanged. */
export function subInstance(p: PlanInstance, stops: number[]): PlanInstance {
  const nd = p.depots.length;
  const locs = [...Array(nd).keys(), ...stops.map((i) => nd + i)];
  const sub = (m: number[][]) => locs.map((a) => locs.map((b) => m[a][b]));
  return {
    ...p,
    stops: stops.map((i) => p.stops[i]),
    pickupAt: locs.map((l) => p.pickupAt[l]),
    distance: sub(p.distance),
    time: sub(p.time),
    road: sub(p.road),
    air: sub(p.air),
    climb: sub(p.climb),
    blocked: sub(p.blocked),
  };
}

/** Routes over an instance's stops renumbered to a sub-instance's (`stops` as given to subInstance). */
export function renumber(routes: VehicleRoute[], stops: number[]): VehicleRoute[] {
  const to = new Map(stops.map((s, i) => [s, i]));
  return routes.map((r) => ({ vehicleType: r.vehicleType, trips: r.trips.map((t) => t.map((s) => to.get(s)!)) }));
}

/** A repaired solution in the solver's result form (it is feasible by construction; the checker confirms it). */
export function asResult(routes: VehicleRoute[], distance: number, from: Pick<SolveResult, 'iterations' | 'elapsedMs'>): SolveResult {
  return { routes, cost: distance, distance, feasible: true, violations: [], iterations: from.iterations, elapsedMs: from.elapsedMs };
}
