// Planning a day: a job gathers the day's open requests, the active fleet and the terrain into a routing instance,
// lists what no vehicle can serve (with the reason), solves the rest in a worker thread, re-checks the routes with
// the solver's independent checker, and stores the plan with its stops.
import { and, asc, desc, eq, inArray } from 'drizzle-orm';
import type { Db } from '../../db/handle.ts';
import { recordAudit } from '../../server/audit.ts';
import type { JobDefinition, JobQueue } from '../../server/jobs.ts';
import { badRequest, notFound, refusedTransition } from '../../server/problems.ts';
import { checkSolution, type SolveResult } from '../../solvers/routing/index.ts';
import type { Actor } from '../governance/index.ts';
import { operator } from './access.ts';
import { buildInstance, DEFAULT_SETTINGS, searchParams, type Gathered, type PlanSettings, type UnservedReason } from './build.ts';
export { buildInstance, searchParams, type Gathered } from './build.ts';
import { legEnergyWh, toSolverInstance, type PlanInstance } from './instance.ts';
import { asResult, renumber, repairSolution, subInstance } from './repair.ts';
import { terrainCheck } from './terrainCheck.ts';
import type { SolveAnswer } from './solver-pool/worker.ts';
import { heritageZone, type Zone } from './nofly.ts';
import { roadEngineFromEnv, roadMatrix, type RoadMatrix } from './roads.ts';
import { depots, noFlyZones, planStops, plans, requests, vehicles } from './schema.ts';
import { solveInWorker } from './solver-pool/pool.ts';
import { protectedBuildingExtents, songyangDem, type Grid } from '../atlas/index.ts';
import { countyTerrain } from './terrain-source.ts';
import { flightPath, groundProfile, straightMetres } from './terrain.ts';

export const PLAN_DAY_JOB = 'logistics.plan-day';
export type { UnservedReason } from './build.ts';

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
  /** Drones: road km a van would have driven for the same trips. */
  roadKmAvoided: number;
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
  /** Drone legs checked, violations left (none in a stored plan), and legs the check rejected and the plan avoided. */
  terrainCheck: { legs: number; violations: string[]; rejected?: number };
  droneLegs: { total: number; blocked: number };
  figures: ReturnType<typeof planFigures>;
  /** Where van distances came from: 'osrm', 'valhalla', or the terrain estimate. */
  roads: string;
  /** The elevation model planned on: `bundled`, or the uploaded file's name. */
  terrain?: string;
  settings: PlanSettings;
  /** threads: how many the search used (absent on plans made before it was recorded). */
  solver: { iterations: number; elapsedMs: number; threads?: number };
}

/** Local midnight of a service date in the county's time zone (China Standard Time, no daylight saving). */
export const midnight = (date: string) => new Date(`${date}T00:00:00+08:00`).getTime();
const at = (date: string, seconds: number) => new Date(midnight(date) + seconds * 1000).toISOString();

export async function startPlan(db: Db, jobs: JobQueue, actor: Actor | null, input: { serviceDate: string; timeLimitMs?: number; threads?: number; settings?: Partial<PlanSettings> }, replan?: { from: string; keep: KeptStop[]; availableFrom: Record<string, number> }) {
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
    const job = { planId: plan.id, timeLimitMs: input.timeLimitMs ?? 10_000, threads: input.threads, settings: input.settings, keep: replan?.keep, availableFrom: replan?.availableFrom };
    const jobId = await jobs.sendIn(tx, PLAN_DAY_JOB, job, { countyId: who.countyId, requestedBy: who.id });
    await tx.update(plans).set({ jobId }).where(and(eq(plans.countyId, who.countyId), eq(plans.id, plan.id)));
    if (replan) {
      const [old] = await tx.update(plans).set({ status: 'superseded' }).where(and(eq(plans.countyId, who.countyId), eq(plans.id, replan.from), inArray(plans.status, ['ready', 'dispatched']))).returning({ id: plans.id });
      if (!old) {
        const [now] = await tx.select({ status: plans.status }).from(plans).where(and(eq(plans.countyId, who.countyId), eq(plans.id, replan.from)));
        if (!now) throw notFound('Plan');
        throw refusedTransition('Only a ready or dispatched plan can be planned again', now.status);
      }
      await recordAudit(tx, who, { action: 'logistics.plan.supersede', entity: 'logistics_plan', entityId: replan.from, details: { by: plan.id, kept: replan.keep.length } });
    }
    await recordAudit(tx, who, { action: 'logistics.plan.start', entity: 'logistics_plan', entityId: plan.id, details: { serviceDate: input.serviceDate, requests: open.length, jobId, threads: input.threads ?? null, settings: input.settings ?? null, replanOf: replan?.from ?? null } });
    return { planId: plan.id, jobId };
  });
}

/** What the day's solve is given, read from the database as it stands when the job runs. */
export async function gather(db: Db, countyId: string, serviceDate: string, settings: PlanSettings = DEFAULT_SETTINGS): Promise<Gathered & { terrain: string; depots: (typeof depots.$inferSelect)[]; vehicles: (typeof vehicles.$inferSelect)[]; requests: (typeof requests.$inferSelect)[] }> {
  const [ds, vs, rs, drawn, heritage, terrain] = await Promise.all([
    db.select().from(depots).where(and(eq(depots.countyId, countyId), eq(depots.active, true))),
    db.select().from(vehicles).where(and(eq(vehicles.countyId, countyId), eq(vehicles.active, true))),
    db.select().from(requests).where(and(eq(requests.countyId, countyId), eq(requests.serviceDate, serviceDate), eq(requests.status, 'open'))).orderBy(asc(requests.createdAt), asc(requests.id)),
    db.select().from(noFlyZones).where(and(eq(noFlyZones.countyId, countyId), eq(noFlyZones.active, true))),
    protectedBuildingExtents(db, countyId),
    countyTerrain(db, countyId),
  ]);
  const usedDepots = ds.filter((d) => vs.some((v) => v.depotId === d.id));
  const fleet = vs.filter((v) => usedDepots.some((d) => d.id === v.depotId));
  const zones: Zone[] = [...heritage.map((b) => heritageZone(b, settings.heritageBufferM)), ...drawn.map((z) => ({ id: z.id, name: z.name, kind: 'county' as const, ring: z.ring }))];
  return { depots: usedDepots, vehicles: fleet, requests: rs, zones, settings, grid: terrain.grid, terrain: terrain.label };
}

/** The road engine's matrix over the vehicles' depots then the requests, or null (estimate) when none is configured or it fails. */
export async function roadsFor(g: Gathered): Promise<{ roads: RoadMatrix | null; source: string }> {
  const engine = roadEngineFromEnv();
  if (!engine) return { roads: null, source: 'estimate' };
  const points = [...g.vehicles.map((v) => g.depots.find((d) => d.id === v.depotId)!), ...g.requests];
  try {
    return { roads: await roadMatrix(engine, points), source: engine.kind };
  } catch (error) {
    return { roads: null, source: `estimate (${engine.kind} failed: ${error instanceof Error ? error.message.slice(0, 120) : 'error'})` };
  }
}

const PROFILE_POINTS = 80;

/** The ground and the drone's height along a trip's legs, thinned to at most PROFILE_POINTS samples. */
function tripProfile(points: { x: number; y: number }[], s: PlanSettings, grid: Grid): [number, number, number][] {
  const out: [number, number, number][] = [];
  let km = 0;
  for (let i = 1; i < points.length; i++) {
    const a = { lon: points[i - 1].x, lat: points[i - 1].y };
    const b = { lon: points[i].x, lat: points[i].y };
    const ground = groundProfile(grid, a, b, s.sampleM);
    const flight = flightPath(ground, s);
    const legKm = straightMetres(a, b) / 1000;
    // Take-off and landing: the path starts and ends on the ground.
    ground.forEach((g, j) => out.push([km + (legKm * j) / Math.max(1, ground.length - 1), g, j === 0 || j === ground.length - 1 ? g : flight[j]]));
    km += legKm;
  }
  const step = Math.max(1, Math.ceil(out.length / PROFILE_POINTS));
  const round = (v: number) => Math.round(v * 100) / 100;
  return out.filter((_, i) => i % step === 0 || i === out.length - 1).map(([d, g, f]) => [round(d), Math.round(g), Math.round(f)]);
}

/** kg of CO2 per van km (a light diesel van) and per drone kWh (China's grid average). */
export const CO2_KG_PER_VAN_KM = 0.25;
export const CO2_KG_PER_DRONE_KWH = 0.58;

/** Routes with their times, loads (pickups added on board) and energy, as the operator and the drivers read them. */
export function describeRoutes(g: Gathered, p: PlanInstance, keep: number[], solution: SolveResult, serviceDate: string): PlannedRoute[] {
  const nd = p.depots.length;
  const s = g.settings ?? DEFAULT_SETTINGS;
  return solution.routes.map((route) => {
    const k = route.vehicleType;
    const v = g.vehicles[k];
    const t = p.vehicleTypes[k];
    const dep = t.depot ?? 0;
    const depot = p.depots[dep];
    const drone = p.drones[k];
    const travel = (a: number, b: number) => p.time[a][b] / t.speed!;
    const pickup = (st: number) => g.requests[keep[st]].kind === 'pickup';
    let clock = depot.open;
    let metres = 0;
    let roadAvoided = 0;
    const path: [number, number][] = [];
    const trips = route.trips.map((trip) => {
      const locsOf = trip.map((st) => nd + st);
      // Leave as late as the first window allows: service starts at the same times, with no wait on the road.
      const depart = Math.max(clock, p.stops[trip[0]].early - travel(dep, locsOf[0]));
      let now = depart;
      let prev = dep;
      let load = trip.reduce((sum, st) => sum + (pickup(st) ? 0 : p.stops[st].demand), 0);
      let wh = 0;
      const leg = (a: number, b: number) => {
        metres += drone ? p.air[a][b] : p.distance[a][b];
        if (drone) {
          wh += legEnergyWh(drone, p.air[a][b], p.climb[a][b], load);
          roadAvoided += p.road[a][b];
        }
      };
      path.push([depot.x, depot.y]);
      const stops = trip.map((st, i) => {
        const loc = locsOf[i];
        now = Math.max(now + travel(prev, loc), p.stops[st].early);
        leg(prev, loc);
        const stop = { requestId: g.requests[keep[st]].id, arriveAt: at(serviceDate, now), loadKg: load };
        load += pickup(st) ? p.stops[st].demand : -p.stops[st].demand;
        now += p.stops[st].service;
        prev = loc;
        path.push([p.stops[st].x, p.stops[st].y]);
        return stop;
      });
      now += travel(prev, dep);
      leg(prev, dep);
      path.push([depot.x, depot.y]);
      const out: PlannedTrip = { departAt: at(serviceDate, depart), returnAt: at(serviceDate, now), stops };
      if (drone) Object.assign(out, { energyWh: Math.round(wh * 10) / 10, batteryWh: t.battery, profile: tripProfile([dep, ...locsOf, dep].map((l) => (l < nd ? p.depots[l] : p.stops[l - nd])), s, g.grid ?? songyangDem()) });
      clock = now + (t.reloadTime ?? 0);
      return out;
    });
    return { vehicleId: v.id, name: v.name, kind: v.kind, depotId: v.depotId, distanceKm: Math.round(metres / 100) / 10, roadKmAvoided: Math.round(roadAvoided / 100) / 10, trips, path };
  });
}

/** Figures a plan is compared by (the what-if puts two side by side). */
export function planFigures(routes: PlannedRoute[], serviceDate: string) {
  const arrivals = routes.flatMap((r) => r.trips.flatMap((t) => t.stops.map((x) => (Date.parse(x.arriveAt) - midnight(serviceDate)) / 60_000)));
  const roadKm = routes.filter((r) => r.kind === 'van').reduce((a, r) => a + r.distanceKm, 0);
  const droneKwh = routes.flatMap((r) => r.trips).reduce((a, t) => a + (t.energyWh ?? 0), 0) / 1000;
  return {
    served: arrivals.length,
    roadKm: Math.round(roadKm * 10) / 10,
    airKm: Math.round(routes.filter((r) => r.kind === 'drone').reduce((a, r) => a + r.distanceKm, 0) * 10) / 10,
    mountainRoadKmAvoided: Math.round(routes.reduce((a, r) => a + r.roadKmAvoided, 0) * 10) / 10,
    meanDeliveryMin: arrivals.length ? Math.round(arrivals.reduce((a, x) => a + x, 0) / arrivals.length) : 0,
    co2Kg: Math.round((roadKm * CO2_KG_PER_VAN_KM + droneKwh * CO2_KG_PER_DRONE_KWH) * 10) / 10,
  };
}

/** Where a plan's time goes: the instance (terrain profiles, no-fly tests), the solver, repair and both checks. */
export type PlanPhase = 'instance' | 'solve' | 'checks';

export type SolveFn = (instance: PlanInstance, options: { timeLimitMs: number; seed?: number; params?: ReturnType<typeof searchParams>; threads?: number }, onProgress: (p: { bestCost: number }) => void) => Promise<SolveAnswer>;

/**
 * A plan computed from what was gathered: road matrix (engine or estimate), instance, solve, the routing checker and
 * the independent terrain check. Either the result, or why there is none (never a plan that fails a check).
 */
export async function computePlan(g: Gathered, serviceDate: string, options: { timeLimitMs: number; threads?: number; onBest?: (cost: number) => void; solver?: SolveFn; onPhase?: (phase: PlanPhase, ms: number) => void }): Promise<{ ok: true; result: PlanResult } | { ok: false; error: string; unserved: PlanResult['unserved'] }> {
  let lap = performance.now();
  /** Wall time since the last phase ended, told to the caller (the benchmark splits plan time by it). */
  const phase = (name: PlanPhase) => {
    const now = performance.now();
    options.onPhase?.(name, now - lap);
    lap = now;
  };
  const { roads, source } = g.roads === undefined ? await roadsFor(g) : { roads: g.roads, source: g.roads ? 'given' : 'estimate' };
  const withRoads = { ...g, roads };
  const built = buildInstance(withRoads);
  phase('instance');
  const { droneLegs } = built;
  let { instance, keep } = built;
  const unserved = [...built.unserved];
  const solver = options.solver ?? solveInWorker;
  const run = async (p: PlanInstance, timeLimitMs: number): Promise<SolveAnswer> => {
    if (p.stops.length === 0) return { ok: true, result: { routes: [], cost: 0, distance: 0, feasible: true, violations: [], iterations: 0, elapsedMs: 0 } };
    phase('checks');
    try {
      return await solver(p, { timeLimitMs, seed: 1, params: searchParams(p.stops.length), threads: options.threads }, (x) => options.onBest?.(x.bestCost));
    } finally {
      phase('solve');
    }
  };
  let answer: SolveAnswer;
  try {
    answer = await run(instance, options.timeLimitMs);
  } catch (error) {
    return { ok: false, error: `The solver stopped unexpectedly (${error instanceof Error ? error.name : 'error'})`, unserved };
  }
  if (!answer.ok) return { ok: false, error: answer.reasons.slice(0, 5).join('; '), unserved };
  let solution = answer.result;
  /** Threads of the main search (the plan records them even when repair rebuilds the result). */
  const threads = answer.result.threads ?? 1;
  let check = checkSolution(toSolverInstance(instance), solution);
  /** Cuts the routes back to what the instance allows and lists the requests left over (see repair.ts). */
  const settle = (routes: SolveResult['routes']) => {
    const fixed = repairSolution(instance, routes);
    for (const d of fixed.dropped) unserved.push({ requestId: g.requests[keep[d.stop]].id, reason: d.failure === 'window' ? 'window_unreachable' : 'fleet_full' });
    const served = fixed.routes.flatMap((r) => r.trips.flat()).sort((a, b) => a - b);
    const from = solution;
    instance = subInstance(instance, served);
    keep = served.map((i) => keep[i]);
    solution = asResult(renumber(fixed.routes, served), fixed.distance, from);
  };
  if (!solution.feasible || !check.feasible) {
    // The day does not fit: serve what can be served, list the rest with its reason.
    settle(solution.routes);
    // A second search over what fits, with a third of the budget, kept when it is feasible and cheaper.
    try {
      const again = await run(instance, Math.max(200, Math.round(options.timeLimitMs / 3)));
      if (again.ok && again.result.feasible && again.result.cost < solution.cost && checkSolution(toSolverInstance(instance), again.result).feasible) solution = again.result;
    } catch {
      // The repaired routes stand.
    }
    check = checkSolution(toSolverInstance(instance), solution);
    if (!check.feasible) return { ok: false, error: check.violations.slice(0, 5).join('; '), unserved };
  }
  let routes = describeRoutes(withRoads, instance, keep, solution, serviceDate);
  let terrain = terrainCheck(routes, withRoads);
  let rejectedLegs = 0;
  // A leg the finer terrain check rejects (the ground between the planner's samples) is closed to drones, and the
  // routes settled again around it: its stops go to another vehicle, or are listed.
  for (let round = 0; terrain.violations.length > 0 && terrain.rejected.length > 0 && round < 5; round++) {
    rejectedLegs += terrain.rejected.length;
    const nd = instance.depots.length;
    const stopOf = new Map(keep.map((r, i) => [g.requests[r].id, nd + i]));
    const blocked = instance.blocked.map((row) => [...row]);
    for (const leg of terrain.rejected) {
      const k = g.vehicles.findIndex((v) => v.id === leg.vehicleId);
      blocked[leg.from === null ? k : stopOf.get(leg.from)!][leg.to === null ? k : stopOf.get(leg.to)!] = 1;
    }
    instance = { ...instance, blocked };
    settle(solution.routes);
    check = checkSolution(toSolverInstance(instance), solution);
    if (!check.feasible) return { ok: false, error: check.violations.slice(0, 5).join('; '), unserved };
    routes = describeRoutes(withRoads, instance, keep, solution, serviceDate);
    terrain = terrainCheck(routes, withRoads);
  }
  phase('checks');
  if (terrain.violations.length > 0) return { ok: false, error: `terrain check: ${terrain.violations.slice(0, 5).join('; ')}`, unserved };
  const figures = planFigures(routes, serviceDate);
  return {
    ok: true,
    result: {
      cost: Math.round(solution.cost),
      roadKm: figures.roadKm,
      airKm: figures.airKm,
      figures,
      routes,
      unserved,
      check: { feasible: check.feasible, violations: check.violations },
      terrainCheck: { legs: terrain.legs, violations: terrain.violations, rejected: rejectedLegs },
      droneLegs,
      roads: source,
      terrain: g.terrain ?? 'bundled',
      settings: g.settings ?? DEFAULT_SETTINGS,
      solver: { iterations: solution.iterations, elapsedMs: solution.elapsedMs, threads },
    },
  };
}

/** The job: gather, compute, store the routes and stops, audited as the operator who asked. */
export const planDayJob: JobDefinition<{ planId: string; timeLimitMs: number; threads?: number; settings?: Partial<PlanSettings>; keep?: KeptStop[]; availableFrom?: Record<string, number> }> = {
  name: PLAN_DAY_JOB,
  maxAttempts: 2,
  leaseSeconds: 180,
  async run({ planId, timeLimitMs, threads, settings, keep: kept = [], availableFrom }, ctx) {
    const who = { id: ctx.requestedBy, countyId: ctx.countyId! };
    const [plan] = await ctx.db.select().from(plans).where(and(eq(plans.countyId, who.countyId), eq(plans.id, planId)));
    if (!plan) throw new Error('plan not found');
    if (plan.status !== 'solving') return { planId, status: plan.status };
    await ctx.progress({ phase: 'terrain', fraction: 0 });
    const all = await gather(ctx.db, who.countyId, plan.serviceDate, { ...DEFAULT_SETTINGS, ...settings });
    // Re-planning: what has already left stays as it is; the rest is planned again around it.
    const keptIds = new Set(kept.map((k) => k.requestId));
    const g = { ...all, requests: all.requests.filter((r) => !keptIds.has(r.id)), availableFrom };
    const inputs = {
      depots: g.depots.map((d) => ({ id: d.id, name: d.name, lon: d.lon, lat: d.lat })),
      vehicles: g.vehicles.map((v) => ({ id: v.id, name: v.name, kind: v.kind, capacityKg: v.capacityKg, batteryWh: v.batteryWh })),
      requests: g.requests.map((r) => ({ id: r.id, kind: r.kind, weightKg: r.weightKg, windowStartMin: r.windowStartMin, windowEndMin: r.windowEndMin })),
      zones: (all.zones ?? []).map((z) => ({ id: z.id, kind: z.kind, name: z.name })),
      settings: g.settings,
      terrain: all.terrain,
      kept: kept.map((k) => k.requestId),
      availableFrom: availableFrom ?? {},
    };
    const started = Date.now();
    let best: number | undefined;
    // Stored for every instance to read, twice a second, whether or not the best cost moved.
    const ticker = setInterval(() => {
      void ctx.progress({ phase: 'solving', fraction: Math.min(1, (Date.now() - started) / timeLimitMs), bestCost: best }).catch(() => {});
    }, 500);
    let computed: Awaited<ReturnType<typeof computePlan>>;
    try {
      computed = await computePlan(g, plan.serviceDate, { timeLimitMs, threads, onBest: (c) => (best = c) });
    } finally {
      clearInterval(ticker);
    }
    if (!computed.ok) {
      const { error, unserved } = computed;
      return ctx.finish(async (tx) => {
        await tx.update(plans).set({ status: 'failed', inputs, error, solvedAt: new Date(), result: { unserved } }).where(and(eq(plans.countyId, who.countyId), eq(plans.id, planId)));
        await recordAudit(tx, who, { action: 'logistics.plan.fail', entity: 'logistics_plan', entityId: planId, details: { error, jobId: ctx.jobId } });
        return { planId, status: 'failed', error };
      });
    }
    const result = computed.result;
    // The plan, its stops, its audit row and the run's success commit together (see JobContext.finish).
    return ctx.finish(async (tx) => {
      const [claimed] = await tx
        .update(plans)
        .set({ status: 'ready', inputs, result, solvedAt: new Date() })
        .where(and(eq(plans.countyId, who.countyId), eq(plans.id, planId), eq(plans.status, 'solving')))
        .returning({ id: plans.id });
      if (!claimed) return { planId, status: 'unchanged' };
      // New trips follow the trips a vehicle kept from the earlier plan.
      const after = (vehicleId: string) => Math.max(-1, ...kept.filter((k) => k.vehicleId === vehicleId).map((k) => k.trip)) + 1;
      const rows = result.routes.flatMap((r) => r.trips.flatMap((trip, t) => trip.stops.map((x, i) => ({ countyId: who.countyId, planId, requestId: x.requestId, vehicleId: r.vehicleId, trip: after(r.vehicleId) + t, seq: i, plannedAt: new Date(x.arriveAt), loadKg: x.loadKg }))));
      const keptRows = kept.map((k) => ({ ...k, countyId: who.countyId, planId, plannedAt: new Date(k.plannedAt), closedAt: k.closedAt ? new Date(k.closedAt) : null }));
      if (rows.length + keptRows.length) await tx.insert(planStops).values([...keptRows, ...rows]);
      await recordAudit(tx, who, { action: 'logistics.plan.solve', entity: 'logistics_plan', entityId: planId, details: { served: rows.length, kept: keptRows.length, unserved: result.unserved.length, cost: result.cost, jobId: ctx.jobId } });
      return { planId, status: 'ready', served: result.figures.served, kept: kept.length, unserved: result.unserved.length };
    });
  },
};

/** A stop of an earlier plan whose trip had left, carried into the re-plan as it was. */
export interface KeptStop {
  requestId: string;
  vehicleId: string;
  trip: number;
  seq: number;
  plannedAt: string;
  loadKg: number;
  status: 'pending' | 'picked_up' | 'delivered' | 'failed';
  reason: string | null;
  proofKind: 'photo' | 'qr' | null;
  proofKey: string | null;
  proofCode: string | null;
  closedAt: string | null;
  keptFrom: string;
}

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
  if (!run || (run.name !== PLAN_DAY_JOB && run.name !== 'logistics.what-if') || run.countyId !== who.countyId) throw notFound('Job');
  return run;
}
