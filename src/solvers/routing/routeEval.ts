import type { Problem, TypeData } from './model.ts';
import { FORBIDDEN_LEG, type Penalties } from './penalties.ts';

/** A token cost that sends reload nodes back to routes that can use them, keeping the others cheap to price. */
const STRAY_RELOAD = 1e-3;

/** Everything the search needs to know about one route. */
export interface RouteStats {
  distance: number;
  customers: number;
  trips: number;
  loadExcess: number;
  duration: number;
  timeWarp: number;
  durationExcess: number;
  distanceExcess: number;
  energyExcess: number;
  forbiddenLegs: number;
  /** Reload nodes in a route that cannot use them (another type or depot). */
  strayReloads: number;
}

export function emptyStats(): RouteStats {
  return { distance: 0, customers: 0, trips: 0, loadExcess: 0, duration: 0, timeWarp: 0, durationExcess: 0, distanceExcess: 0, energyExcess: 0, forbiddenLegs: 0, strayReloads: 0 };
}

export function penalisedCost(type: TypeData, s: RouteStats, pen: Penalties): number {
  const stray = STRAY_RELOAD * s.strayReloads;
  if (s.customers === 0) return stray;
  return (
    stray +
    s.distance +
    type.fixedCost +
    pen.capacity * s.loadExcess +
    pen.time * (s.timeWarp + s.durationExcess + s.distanceExcess) +
    pen.energy * s.energyExcess +
    FORBIDDEN_LEG * s.forbiddenLegs
  );
}

export function isFeasible(s: RouteStats): boolean {
  return s.loadExcess <= 1e-9 && s.timeWarp <= 1e-9 && s.durationExcess <= 1e-9 && s.distanceExcess <= 1e-9 && s.energyExcess <= 1e-9 && s.forbiddenLegs === 0;
}

/**
 * Evaluates a route exactly by walking it. Reload nodes split the route into trips when they sit between two
 * customers of a multi-trip vehicle at its depot; anywhere else they are not visited at all.
 */
export class RouteEvaluator {
  private readonly visit: Int32Array;
  private readonly tripStart: Int32Array;

  constructor(private readonly p: Problem) {
    this.visit = new Int32Array(p.nNodes + 2);
    this.tripStart = new Int32Array(p.nNodes + 2);
  }

  /**
   * Fills `out` for the route of type `type` serving nodes[from .. from+count) between its depot visits.
   *
   * With penalties and a `limit`, stops early and returns false as soon as the route's penalised cost is sure to
   * exceed the limit: distance, time warp, load and energy excess and forbidden legs only grow along the walk, so
   * their running sum (with the fixed cost) is a lower bound of the final cost. `out` is then incomplete. A local
   * search refuses most of the routes it prices, and learns that from a part of the walk.
   */
  evaluate(type: TypeData, nodes: ArrayLike<number>, from: number, count: number, out: RouteStats, pen: Penalties | null = null, limit = Infinity): boolean {
    const p = this.p;
    const N = p.nNodes;
    const depot = type.depot;
    // keep customers, and the reloads that separate two non-empty trips
    const visit = this.visit;
    let n = 0;
    let customersInTrip = 0;
    let customers = 0;
    let stray = 0;
    for (let k = from; k < from + count; k++) {
      const v = nodes[k];
      if (v < p.firstReload) {
        visit[n++] = v;
        customersInTrip++;
        customers++;
      } else if (!type.multiTrip || p.location[v] !== depot) {
        stray++;
      } else if (customersInTrip > 0) {
        visit[n++] = v;
        customersInTrip = 0;
      }
    }
    out.strayReloads = stray;
    if (n > 0 && visit[n - 1] >= p.firstReload) n--;
    out.customers = customers;
    out.trips = 0;
    out.loadExcess = 0;
    out.energyExcess = 0;
    out.forbiddenLegs = 0;
    if (customers === 0) {
      out.distance = 0;
      out.duration = 0;
      out.timeWarp = 0;
      out.durationExcess = 0;
      out.distanceExcess = 0;
      return true;
    }
    // what the walk may still add is not negative: stop once the sum so far is above the limit (with a margin
    // for rounding, so that no route the full sum would accept is refused)
    const bounded = pen !== null && limit !== Infinity;
    const room = bounded ? limit - type.fixedCost - STRAY_RELOAD * stray + 1e-7 * (1 + Math.abs(limit)) : Infinity;
    const penTime = bounded ? pen.time : 0;
    let excess = 0;
    const dist = p.dist;
    const time = p.times[type.profile];
    // time-warp segment walk (Vidal et al. 2013): duration, time warp, earliest and latest start
    let sDur = 0;
    let sTw = 0;
    let sE = p.early[depot];
    let sL = p.late[depot];
    let last = depot;
    let distance = 0;
    let load = 0;
    let trips = 0;
    const tripStart = this.tripStart;
    tripStart[0] = 0;
    for (let k = 0; k <= n; k++) {
      const v = k < n ? visit[k] : depot;
      const isEnd = k === n || v >= p.firstReload;
      distance += dist[last * N + v];
      const t = time[last * N + v];
      const delta = sDur - sTw + t;
      const vE = p.early[v];
      const vL = p.late[v];
      const wait = Math.max(vE - delta - sL, 0);
      const warp = Math.max(sE + delta - vL, 0);
      const svc = k === n ? 0 : v >= p.firstReload ? type.reloadTime : p.service[v];
      sDur = sDur + svc + t + wait;
      sTw = sTw + warp;
      sE = Math.max(vE - delta, sE) - wait;
      sL = Math.min(vL - delta, sL) + warp;
      last = v;
      if (isEnd) {
        if (load > type.capacity) out.loadExcess += load - type.capacity;
        if (type.energy) this.tripEnergy(type, visit, tripStart[trips], k, load, out);
        trips++;
        tripStart[trips] = k + 1;
        load = 0;
        if (bounded) excess = pen.capacity * out.loadExcess + pen.energy * out.energyExcess + FORBIDDEN_LEG * out.forbiddenLegs;
      } else {
        load += p.demand[v];
      }
      if (distance + penTime * sTw + excess > room) return false;
    }
    out.distance = distance;
    out.trips = trips;
    out.duration = sDur;
    out.timeWarp = sTw;
    out.durationExcess = Math.max(0, sDur - type.maxDuration);
    out.distanceExcess = Math.max(0, distance - type.maxDistance);
    return true;
  }

  /** Energy of the trip visit[from .. to), which carries `load` out of the depot. */
  private tripEnergy(type: TypeData, visit: Int32Array, from: number, to: number, load: number, out: RouteStats): void {
    const p = this.p;
    const energy = type.energy!;
    const home = p.location[type.depot];
    let payload = load;
    let prev = home;
    let used = 0;
    for (let k = from; k <= to; k++) {
      const here = k < to ? p.location[visit[k]] : home;
      const e = energy(prev, here, k < to ? payload : 0);
      if (Number.isFinite(e)) used += e;
      else out.forbiddenLegs++;
      if (k < to) payload -= p.demand[visit[k]];
      prev = here;
    }
    if (used > type.battery) out.energyExcess += used - type.battery;
  }
}
