import type { Instance } from './model.ts';
import type { Solution } from './solution.ts';

export interface CheckResult {
  feasible: boolean;
  /** Total distance plus fixed costs of the vehicles used. */
  cost: number;
  distance: number;
  violations: string[];
}

const TOLERANCE = 1e-6;

/**
 * Checks a solution against an instance, sharing no code with the solver: every stop served exactly once,
 * vehicle counts, capacity per trip, time windows, route duration and distance, energy per trip.
 * Recomputes the cost from the instance's own coordinates or matrix.
 */
export function checkSolution(instance: Instance, solution: Solution): CheckResult {
  const violations: string[] = [];
  const nDepots = instance.depots.length;
  const nStops = instance.stops.length;
  const served = new Array<number>(nStops).fill(0);
  const used = new Array<number>(instance.vehicleTypes.length).fill(0);
  let distance = 0;
  let fixed = 0;

  const metric = instance.metric;
  const point = (loc: number): { x: number; y: number } => {
    const p = loc < nDepots ? instance.depots[loc] : instance.stops[loc - nDepots];
    return { x: Number(p.x), y: Number(p.y) };
  };
  const legDistance = (a: number, b: number): number => {
    if (a === b) return 0;
    if (metric.kind === 'matrix') return metric.distance[a][b];
    const pa = point(a);
    const pb = point(b);
    if (metric.kind === 'haversine') {
      const toRad = Math.PI / 180;
      const s1 = Math.sin(((pb.y - pa.y) * toRad) / 2);
      const s2 = Math.sin(((pb.x - pa.x) * toRad) / 2);
      const h = s1 * s1 + Math.cos(pa.y * toRad) * Math.cos(pb.y * toRad) * s2 * s2;
      return 2 * 6371008.8 * Math.asin(Math.min(1, Math.sqrt(h)));
    }
    const e = Math.sqrt((pa.x - pb.x) ** 2 + (pa.y - pb.y) ** 2);
    if (metric.rounding === 'nearest') return Math.floor(e + 0.5);
    if (metric.rounding === 'decimal1') return Math.floor(e * 10) / 10;
    return e;
  };
  const legTime = (a: number, b: number, speed: number): number => {
    if (a === b) return 0;
    const base = metric.kind === 'matrix' && metric.time ? metric.time[a][b] : legDistance(a, b);
    return base / speed;
  };

  solution.routes.forEach((route, r) => {
    const name = `route ${r + 1}`;
    const type = instance.vehicleTypes[route.vehicleType];
    if (!type) {
      violations.push(`${name}: unknown vehicle type ${route.vehicleType}`);
      return;
    }
    used[route.vehicleType]++;
    const depotIndex = type.depot ?? 0;
    const depot = instance.depots[depotIndex];
    const speed = type.speed ?? 1;
    const capacity = type.capacity ?? Infinity;
    if (route.trips.length > 1 && !type.multiTrip) violations.push(`${name}: ${route.trips.length} trips, but its vehicle type cannot come back for more`);
    if (type.multiTrip && type.maxTrips !== undefined && route.trips.length > type.maxTrips) violations.push(`${name}: ${route.trips.length} trips, above its maximum ${type.maxTrips}`);
    if (route.trips.length === 0 || route.trips.every((t) => t.length === 0)) violations.push(`${name}: no stop`);

    // visits: the stops of all trips, with a depot stop between trips
    const visits: { loc: number; early: number; late: number; service: number }[] = [];
    let routeDistance = 0;
    route.trips.forEach((trip, k) => {
      if (trip.length === 0) violations.push(`${name}: trip ${k + 1} is empty`);
      if (k > 0) visits.push({ loc: depotIndex, early: depot.open ?? 0, late: depot.close ?? Infinity, service: type.reloadTime ?? 0 });
      let load = 0;
      let prev = depotIndex;
      for (const s of trip) {
        const stop = instance.stops[s];
        if (!Number.isInteger(s) || !stop) {
          violations.push(`${name}: unknown stop ${s}`);
          continue;
        }
        served[s]++;
        load += stop.demand ?? 0;
        routeDistance += legDistance(prev, nDepots + s);
        prev = nDepots + s;
        visits.push({ loc: nDepots + s, early: stop.early ?? 0, late: stop.late ?? Infinity, service: stop.service ?? 0 });
      }
      routeDistance += legDistance(prev, depotIndex);
      if (load > capacity + TOLERANCE) violations.push(`${name}: trip ${k + 1} carries ${load}, above capacity ${capacity}`);
      if (type.energy) {
        let payload = load;
        let energy = 0;
        let from = depotIndex;
        for (const s of [...trip.filter((i) => instance.stops[i]), -1]) {
          const to = s < 0 ? depotIndex : nDepots + s;
          const e = type.energy(from, to, s < 0 ? 0 : payload);
          if (!Number.isFinite(e)) violations.push(`${name}: trip ${k + 1} flies a leg ${from} → ${to} that cannot be flown`);
          else energy += e;
          if (s >= 0) payload -= instance.stops[s].demand ?? 0;
          from = to;
        }
        const battery = type.battery ?? Infinity;
        if (energy > battery + TOLERANCE) violations.push(`${name}: trip ${k + 1} needs energy ${energy}, above battery ${battery}`);
      }
    });
    distance += routeDistance;
    fixed += type.fixedCost ?? 0;
    if (routeDistance > (type.maxDistance ?? Infinity) + TOLERANCE) violations.push(`${name}: distance ${routeDistance} above maximum ${type.maxDistance}`);

    // latest departure that keeps every window, then a forward pass from it: the shortest schedule
    const open = depot.open ?? 0;
    const close = depot.close ?? Infinity;
    let latest = close;
    let next = depotIndex;
    for (let k = visits.length - 1; k >= 0; k--) {
      latest = Math.min(visits[k].late, latest - legTime(visits[k].loc, next, speed) - visits[k].service);
      next = visits[k].loc;
    }
    const latestDeparture = latest - legTime(depotIndex, next, speed);
    const departure = Math.max(open, Number.isFinite(latestDeparture) ? latestDeparture : open);
    let time = departure;
    let at = depotIndex;
    for (const v of visits) {
      time = Math.max(time + legTime(at, v.loc, speed), v.early);
      if (time > v.late + TOLERANCE) violations.push(`${name}: arrives at location ${v.loc} at ${time}, after its window closes at ${v.late}`);
      time += v.service;
      at = v.loc;
    }
    time += legTime(at, depotIndex, speed);
    if (time > close + TOLERANCE) violations.push(`${name}: returns at ${time}, after the depot closes at ${close}`);
    const duration = time - departure;
    if (duration > (type.maxDuration ?? Infinity) + TOLERANCE) violations.push(`${name}: lasts ${duration}, above maximum ${type.maxDuration}`);
  });

  served.forEach((n, s) => {
    if (n === 0) violations.push(`stop ${s} is not served`);
    if (n > 1) violations.push(`stop ${s} is served ${n} times`);
  });
  used.forEach((n, t) => {
    const count = instance.vehicleTypes[t].count ?? Infinity;
    if (n > count) violations.push(`vehicle type ${t}: ${n} vehicles used, only ${count} available`);
  });
  return { feasible: violations.length === 0, cost: distance + fixed, distance, violations };
}
