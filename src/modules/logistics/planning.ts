// Planning a day: a job gathers the day's open requests, the active fleet and the terrain into a routing instance,
// lists what no vehicle can serve (with the reason), solves the rest in a worker thread, re-checks the routes with
// the solver's independent checker, and stores the plan with its stops.
import { and, desc, eq } from 'drizzle-orm';
import type { Db } from '../../db/handle.ts';
import { recordAudit } from '../../server/audit.ts';
import type { JobDefinition, JobQueue } from '../../server/jobs.ts';
import { badRequest, notFound } from '../../server/problems.ts';
import { checkSolution, type SearchParams, type SolveResult } from '../../solvers/routing/index.ts';
import type { Actor } from '../governance/index.ts';
import { operator } from './access.ts';
import { legEnergyWh, toSolverInstance, type PlanInstance } from './instance.ts';
import { depots, planStops, plans, requests, VEHICLE_KINDS, vehicles } from './schema.ts';
import { solveInWorker } from './solver-pool/pool.ts';
import { songyangDem } from '../atlas/index.ts';
import { DEFAULT_TERRAIN, flightPath, groundProfile, legMatrices, straightMetres } from './terrain.ts';

export const PLAN_DAY_JOB = 'logistics.plan-day';
/** Minutes spent handing over a parcel at a drop point. */
const SERVICE_S = 180;

export type UnservedReason = 'too_heavy' | 'out_of_range' | 'window_unreachable';

export interface PlannedTrip {
  departAt: string;
  returnAt: string;
  /** Drones: energy the trip needs and the battery it has. */
  energyWh?: number;
  batteryWh?: number;
  /** Drones: [km from take-off, ground m, flight m] along the trip, at most PROFILE_POINTS samples. */
  profile?: [number, number, number][];
  stops: { requestId: string; arriveAt: string; loadKg: number }[];
}

export interface PlannedRoute {
  vehicleId: string;
  name: string;
  kind: 'van' | 'drone';
  depotId: string;
  distanceKm: number;
  trips: PlannedTrip[];
  /** The drawn line: depot, stops, depot again per trip, as [lon, lat]. */
  path: [number, number][];
}

export interface PlanResult {
  cost: number;
  roadKm: number;
  airKm: number;
  routes: PlannedRoute[];
  unserved: { requestId: string; reason: UnservedReason }[];
  check: { feasible: boolean; violations: string[] };
  solver: { iterations: number; elapsedMs: number };
}

/** Local midnight of a service date in the county's time zone (China Standard Time, no daylight saving). */
export const midnight = (date: string) => new Date(`${date}T00:00:00+08:00`).getTime();
const at = (date: string, seconds: number) => new Date(midnight(date) + seconds * 1000).toISOString();

export async function startPlan(db: Db, jobs: JobQueue, actor: Actor | null, input: { serviceDate: string; timeLimitMs?: number }) {
  const who = await operator(db, actor);
  const open = await db
    .select({ id: requests.id })
    .from(requests)
    .where(and(eq(requests.countyId, who.countyId), eq(requests.serviceDate, input.serviceDate), eq(requests.status, 'open')));
  if (open.length === 0) throw badRequest('body/serviceDate', 'No open delivery requests on that day');
  const active = await db.select({ id: vehicles.id }).from(vehicles).where(and(eq(vehicles.countyId, who.countyId), eq(vehicles.active, true)));
  if (active.length === 0) throw badRequest('body/serviceDate', 'No active vehicle to plan with');
  return db.transaction(async (tx) => {
    const [plan] = await tx.insert(plans).values({ countyId: who.countyId, serviceDate: input.serviceDate, createdBy: who.id }).returning();
    const jobId = await jobs.sendIn(tx, PLAN_DAY_JOB, { planId: plan.id, timeLimitMs: input.timeLimitMs ?? 10_000 }, { countyId: who.countyId, requestedBy: who.id });
    await tx.update(plans).set({ jobId }).where(and(eq(plans.countyId, who.countyId), eq(plans.id, plan.id)));
    await recordAudit(tx, who, { action: 'logistics.plan.start', entity: 'logistics_plan', entityId: plan.id, details: { serviceDate: input.serviceDate, requests: open.length, jobId } });
    return { planId: plan.id, jobId };
  });
}

/** What the day's solve is given, read from the database as it stands when the job runs. */
async function gather(db: Db, countyId: string, serviceDate: string) {
  const [ds, vs, rs] = await Promise.all([
    db.select().from(depots).where(and(eq(depots.countyId, countyId), eq(depots.active, true))),
    db.select().from(vehicles).where(and(eq(vehicles.countyId, countyId), eq(vehicles.active, true))),
    db.select().from(requests).where(and(eq(requests.countyId, countyId), eq(requests.serviceDate, serviceDate), eq(requests.status, 'open'))),
  ]);
  const usedDepots = ds.filter((d) => vs.some((v) => v.depotId === d.id));
  const fleet = vs.filter((v) => usedDepots.some((d) => d.id === v.depotId));
  return { depots: usedDepots, vehicles: fleet, requests: rs };
}

/** What a plan is computed from: the active depots with vehicles, their vehicles, the day's open requests. */
export type Gathered = Awaited<ReturnType<typeof gather>>;

/**
 * The instance over the requests some vehicle could serve alone (`keep`, their indices); the others, with why.
 * Each depot appears once per kind of vehicle based there: legs from and to a drone's copy of its depot are priced
 * in straight-line metres, everything else in road metres, so a light parcel near a depot goes by air when that is
 * shorter (a drone's leg between two villages stays priced by road: an overestimate the solver may only avoid).
 */
export function buildInstance(g: Gathered): { instance: PlanInstance; keep: number[]; unserved: PlanResult['unserved'] } {
  const bases = g.depots.flatMap((d) => VEHICLE_KINDS.filter((kind) => g.vehicles.some((v) => v.depotId === d.id && v.kind === kind)).map((kind) => ({ depot: d, kind })));
  const m = legMatrices([...bases.map((b) => b.depot), ...g.requests], DEFAULT_TERRAIN);
  const nd = bases.length;
  const byAir = (i: number, j: number) => (i < nd && bases[i].kind === 'drone') || (j < nd && bases[j].kind === 'drone');
  const distance = m.road.map((row, i) => row.map((d, j) => (byAir(i, j) ? m.air[i][j] : d)));
  // Times are road-equivalent metres over a speed; a drone's speed is scaled by the winding factor (see instance.ts).
  const time = m.road.map((row, i) => row.map((d, j) => (byAir(i, j) ? m.air[i][j] * DEFAULT_TERRAIN.windingFactor : d)));
  const full: PlanInstance = {
    depots: bases.map(({ depot: d }) => ({ x: d.lon, y: d.lat, open: d.opensMin * 60, close: d.closesMin * 60 })),
    stops: g.requests.map((r) => ({ x: r.lon, y: r.lat, demand: r.weightKg, service: SERVICE_S, early: r.windowStartMin * 60, late: r.windowEndMin * 60 })),
    vehicleTypes: g.vehicles.map((v) => ({
      name: v.name,
      depot: bases.findIndex((b) => b.depot.id === v.depotId && b.kind === v.kind),
      count: 1,
      capacity: v.capacityKg,
      speed: (v.speedKmh / 3.6) * (v.kind === 'drone' ? DEFAULT_TERRAIN.windingFactor : 1),
      multiTrip: true,
      reloadTime: v.reloadMin * 60,
      ...(v.kind === 'drone' ? { battery: v.batteryWh! } : {}),
    })),
    drones: Object.fromEntries(g.vehicles.flatMap((v, k) => (v.kind === 'drone' ? [[k, { whPerKm: v.whPerKm!, whPerKmKg: v.whPerKmKg!, massKg: v.massKg! }]] : []))),
    distance,
    time,
    air: m.air,
    climb: m.climb,
  };
  // A request is served only if some vehicle could serve it on a trip of its own.
  const unserved: PlanResult['unserved'] = [];
  const keep: number[] = [];
  g.requests.forEach((r, i) => {
    const s = nd + i;
    const stop = full.stops[i];
    const carriers = full.vehicleTypes.map((t, k) => ({ t, k })).filter(({ t }) => (t.capacity ?? Infinity) >= r.weightKg);
    if (carriers.length === 0) return unserved.push({ requestId: r.id, reason: 'too_heavy' });
    let inRange = false;
    for (const { t, k } of carriers) {
      const dep = t.depot ?? 0;
      const drone = full.drones[k];
      if (drone && legEnergyWh(drone, m.air[dep][s], m.climb[dep][s], r.weightKg) + legEnergyWh(drone, m.air[s][dep], m.climb[s][dep], 0) > t.battery!) continue;
      inRange = true;
      const depot = full.depots[dep];
      const arrive = Math.max(depot.open + time[dep][s] / t.speed!, stop.early);
      if (arrive <= stop.late && arrive + stop.service + time[s][dep] / t.speed! <= depot.close) return keep.push(i);
    }
    unserved.push({ requestId: r.id, reason: inRange ? 'window_unreachable' : 'out_of_range' });
  });
  // Bound each vehicle's trips by what it could possibly do: one trip per stop it could serve alone, and no more
  // trips than fit in its depot's day (each at least a reload plus its shortest round trip); vans at most
  // VAN_MAX_TRIPS. Each possible trip is a node the solver walks, so the bound is what keeps the search fast.
  full.vehicleTypes.forEach((t, k) => {
    const dep = t.depot ?? 0;
    const depot = full.depots[dep];
    let servable = 0;
    let shortest = Infinity;
    for (const i of keep) {
      const s = nd + i;
      if (!servedAlone(full, m, k, i)) continue;
      servable++;
      shortest = Math.min(shortest, (time[dep][s] + time[s][dep]) / t.speed! + full.stops[i].service);
    }
    const byDay = Math.floor((depot.close - depot.open) / ((t.reloadTime ?? 0) + Math.max(shortest, 60))) + 1;
    t.maxTrips = Math.max(1, Math.min(servable, byDay, full.drones[k] ? Infinity : VAN_MAX_TRIPS));
  });
  const locs = [...Array(nd).keys(), ...keep.map((i) => nd + i)];
  const sub = (mat: number[][]) => locs.map((a) => locs.map((b) => mat[a][b]));
  return { instance: { ...full, stops: keep.map((i) => full.stops[i]), distance: sub(distance), time: sub(time), air: sub(m.air), climb: sub(m.climb) }, keep, unserved };
}

/** Most trips a van makes in a day (a van rarely goes back to its depot more than twice). */
const VAN_MAX_TRIPS = 3;

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

/** Vehicle k can carry stop i alone: within capacity and, for a drone, within its battery out and back. */
function servedAlone(p: PlanInstance, m: { air: number[][]; climb: number[][] }, k: number, i: number): boolean {
  const t = p.vehicleTypes[k];
  const stop = p.stops[i];
  if ((t.capacity ?? Infinity) < stop.demand) return false;
  const drone = p.drones[k];
  if (!drone) return true;
  const dep = t.depot ?? 0;
  const s = p.depots.length + i;
  return legEnergyWh(drone, m.air[dep][s], m.climb[dep][s], stop.demand) + legEnergyWh(drone, m.air[s][dep], m.climb[s][dep], 0) <= t.battery!;
}

const PROFILE_POINTS = 80;

/** The ground and the drone's height along a trip's legs, thinned to at most PROFILE_POINTS samples. */
function tripProfile(points: { x: number; y: number }[]): [number, number, number][] {
  const grid = songyangDem();
  const out: [number, number, number][] = [];
  let km = 0;
  for (let i = 1; i < points.length; i++) {
    const a = { lon: points[i - 1].x, lat: points[i - 1].y };
    const b = { lon: points[i].x, lat: points[i].y };
    const ground = groundProfile(grid, a, b, DEFAULT_TERRAIN.sampleM);
    const flight = flightPath(ground, DEFAULT_TERRAIN);
    const legKm = straightMetres(a, b) / 1000;
    // Take-off and landing: the path starts and ends on the ground.
    ground.forEach((g, j) => out.push([km + (legKm * j) / Math.max(1, ground.length - 1), g, j === 0 || j === ground.length - 1 ? g : flight[j]]));
    km += legKm;
  }
  const step = Math.max(1, Math.ceil(out.length / PROFILE_POINTS));
  const round = (v: number) => Math.round(v * 100) / 100;
  return out.filter((_, i) => i % step === 0 || i === out.length - 1).map(([d, g, f]) => [round(d), Math.round(g), Math.round(f)]);
}

/** Routes with their times, loads and energy, as the operator and the drivers read them. */
export function describeRoutes(g: Gathered, p: PlanInstance, keep: number[], solution: SolveResult, serviceDate: string): PlannedRoute[] {
  const nd = p.depots.length;
  const solverInstance = toSolverInstance(p);
  return solution.routes.map((route) => {
    const k = route.vehicleType;
    const v = g.vehicles[k];
    const t = p.vehicleTypes[k];
    const dep = t.depot ?? 0;
    const depot = p.depots[dep];
    const energy = solverInstance.vehicleTypes[k].energy;
    const travel = (a: number, b: number) => p.time[a][b] / t.speed!;
    let clock = depot.open;
    let metres = 0;
    const path: [number, number][] = [];
    const trips = route.trips.map((trip) => {
      const locsOf = trip.map((s) => nd + s);
      // Leave as late as the first window allows: service starts at the same times, with no wait on the road.
      const depart = Math.max(clock, p.stops[trip[0]].early - travel(dep, locsOf[0]));
      let now = depart;
      let prev = dep;
      let load = trip.reduce((sum, s) => sum + p.stops[s].demand, 0);
      let wh = 0;
      path.push([depot.x, depot.y]);
      const stops = trip.map((s, i) => {
        const loc = locsOf[i];
        now = Math.max(now + travel(prev, loc), p.stops[s].early);
        metres += v.kind === 'drone' ? p.air[prev][loc] : p.distance[prev][loc];
        if (energy) wh += energy(prev, loc, load);
        const stop = { requestId: g.requests[keep[s]].id, arriveAt: at(serviceDate, now), loadKg: load };
        load -= p.stops[s].demand;
        now += p.stops[s].service;
        prev = loc;
        path.push([p.stops[s].x, p.stops[s].y]);
        return stop;
      });
      now += travel(prev, dep);
      metres += v.kind === 'drone' ? p.air[prev][dep] : p.distance[prev][dep];
      if (energy) wh += energy(prev, dep, 0);
      path.push([depot.x, depot.y]);
      const out: PlannedTrip = { departAt: at(serviceDate, depart), returnAt: at(serviceDate, now), stops };
      if (energy) Object.assign(out, { energyWh: Math.round(wh * 10) / 10, batteryWh: t.battery, profile: tripProfile([dep, ...locsOf, dep].map((l) => (l < nd ? p.depots[l] : p.stops[l - nd]))) });
      clock = now + (t.reloadTime ?? 0);
      return out;
    });
    return { vehicleId: v.id, name: v.name, kind: v.kind, depotId: v.depotId, distanceKm: Math.round(metres / 100) / 10, trips, path };
  });
}

/** The job: gather, solve in a worker, check, store the routes and stops, audited as the operator who asked. */
export const planDayJob: JobDefinition<{ planId: string; timeLimitMs: number }> = {
  name: PLAN_DAY_JOB,
  maxAttempts: 2,
  leaseSeconds: 180,
  async run({ planId, timeLimitMs }, ctx) {
    const who = { id: ctx.requestedBy, countyId: ctx.countyId! };
    const [plan] = await ctx.db.select().from(plans).where(and(eq(plans.countyId, who.countyId), eq(plans.id, planId)));
    if (!plan) throw new Error('plan not found');
    if (plan.status !== 'solving') return { planId, status: plan.status };
    await ctx.progress({ phase: 'terrain', fraction: 0 });
    const g = await gather(ctx.db, who.countyId, plan.serviceDate);
    const { instance, keep, unserved } = buildInstance(g);
    const inputs = {
      depots: g.depots.map((d) => ({ id: d.id, name: d.name, lon: d.lon, lat: d.lat })),
      vehicles: g.vehicles.map((v) => ({ id: v.id, name: v.name, kind: v.kind, capacityKg: v.capacityKg, batteryWh: v.batteryWh })),
      requests: g.requests.map((r) => ({ id: r.id, weightKg: r.weightKg, windowStartMin: r.windowStartMin, windowEndMin: r.windowEndMin })),
      terrain: DEFAULT_TERRAIN,
    };
    const fail = async (error: string) => {
      await ctx.db.transaction(async (tx) => {
        await tx.update(plans).set({ status: 'failed', inputs, error, solvedAt: new Date(), result: { unserved } }).where(and(eq(plans.countyId, who.countyId), eq(plans.id, planId)));
        await recordAudit(tx, who, { action: 'logistics.plan.fail', entity: 'logistics_plan', entityId: planId, details: { error, jobId: ctx.jobId } });
      });
      return { planId, status: 'failed', error };
    };
    let answer: Awaited<ReturnType<typeof solveInWorker>> = { ok: true, result: { routes: [], cost: 0, distance: 0, feasible: true, violations: [], iterations: 0, elapsedMs: 0 } };
    if (instance.stops.length > 0) {
      const started = Date.now();
      let best: number | undefined;
      // Stored for every instance to read, twice a second, whether or not the best cost moved.
      const ticker = setInterval(() => {
        void ctx.progress({ phase: 'solving', fraction: Math.min(1, (Date.now() - started) / timeLimitMs), bestCost: best }).catch(() => {});
      }, 500);
      try {
        answer = await solveInWorker(instance, { timeLimitMs, seed: 1, params: searchParams(instance.stops.length) }, (p) => (best = p.bestCost));
      } catch (error) {
        // A plan never stays "solving" for ever: the operator sees it failed and can plan again.
        return fail(`The solver stopped unexpectedly (${error instanceof Error ? error.name : 'error'})`);
      } finally {
        clearInterval(ticker);
      }
    }
    if (!answer.ok) return fail(answer.reasons.slice(0, 5).join('; '));
    const solution = answer.result;
    const check = checkSolution(toSolverInstance(instance), solution);
    if (!solution.feasible || !check.feasible) return fail([...solution.violations, ...check.violations].slice(0, 5).join('; ') || 'no feasible plan');
    const routes = describeRoutes(g, instance, keep, solution, plan.serviceDate);
    const air = routes.filter((r) => r.kind === 'drone').reduce((s, r) => s + r.distanceKm, 0);
    const road = routes.filter((r) => r.kind === 'van').reduce((s, r) => s + r.distanceKm, 0);
    const result: PlanResult = {
      cost: Math.round(solution.cost),
      roadKm: Math.round(road * 10) / 10,
      airKm: Math.round(air * 10) / 10,
      routes,
      unserved,
      check: { feasible: check.feasible, violations: check.violations },
      solver: { iterations: solution.iterations, elapsedMs: solution.elapsedMs },
    };
    await ctx.db.transaction(async (tx) => {
      const [claimed] = await tx
        .update(plans)
        .set({ status: 'ready', inputs, result, solvedAt: new Date() })
        .where(and(eq(plans.countyId, who.countyId), eq(plans.id, planId), eq(plans.status, 'solving')))
        .returning({ id: plans.id });
      if (!claimed) return;
      const rows = routes.flatMap((r) => r.trips.flatMap((trip, t) => trip.stops.map((s, i) => ({ countyId: who.countyId, planId, requestId: s.requestId, vehicleId: r.vehicleId, trip: t, seq: i, plannedAt: new Date(s.arriveAt), loadKg: s.loadKg }))));
      if (rows.length) await tx.insert(planStops).values(rows);
      await recordAudit(tx, who, { action: 'logistics.plan.solve', entity: 'logistics_plan', entityId: planId, details: { served: rows.length, unserved: unserved.length, cost: result.cost, jobId: ctx.jobId } });
    });
    return { planId, status: 'ready', served: routes.reduce((s, r) => s + r.trips.reduce((a, t) => a + t.stops.length, 0), 0), unserved: unserved.length };
  },
};

export async function listPlans(db: Db, actor: Actor | null, q: { date?: string }) {
  const who = await operator(db, actor);
  const where = q.date ? and(eq(plans.countyId, who.countyId), eq(plans.serviceDate, q.date)) : eq(plans.countyId, who.countyId);
  return db
    .select({ id: plans.id, serviceDate: plans.serviceDate, status: plans.status, jobId: plans.jobId, createdAt: plans.createdAt, solvedAt: plans.solvedAt, dispatchedAt: plans.dispatchedAt })
    .from(plans)
    .where(where)
    .orderBy(desc(plans.createdAt));
}

/** The plan's job run, for an operator of its county (404 otherwise). */
export async function planRun(db: Db, jobs: JobQueue, actor: Actor | null, jobId: string) {
  const who = await operator(db, actor);
  const run = await jobs.get(jobId);
  if (!run || run.name !== PLAN_DAY_JOB || run.countyId !== who.countyId) throw notFound('Job');
  return run;
}
