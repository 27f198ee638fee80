// Around a plan: re-planning after cancellations (what has left stays), the county's no-fly zones, the what-if
// comparison (a job), and the delivery status a Market buyer sees on their order.
import { and, desc, eq, inArray, ne } from 'drizzle-orm';
import type { Db } from '../../db/handle.ts';
import { recordAudit } from '../../server/audit.ts';
import type { JobDefinition, JobQueue } from '../../server/jobs.ts';
import { badRequest, conflict, notFound, refusedTransition } from '../../server/problems.ts';
import type { Actor } from '../governance/index.ts';
import { orderParties } from '../market/index.ts';
import { protectedBuildingExtents } from '../atlas/index.ts';
import { deliverer, operator } from './access.ts';
import { DEFAULT_SETTINGS, type PlanSettings } from './build.ts';
import { heritageZone, ringProblem } from './nofly.ts';
import { computePlan, gather, midnight, planFigures, startPlan, type KeptStop, type PlanResult } from './planning.ts';
import { noFlyZones, planStops, plans, requests } from './schema.ts';

// ------------------------------------------------------------------ re-planning

/**
 * Plans the day again from a ready or dispatched plan, after cancellations or new requests. A trip has left when
 * one of its stops is closed or picked up, or its first stop's planned time has come: such trips are kept as they
 * are (with their stops' statuses and proofs), their vehicles free again only after they are back; everything else
 * still open is planned anew. The old plan is superseded.
 */
export async function replanPlan(db: Db, jobs: JobQueue, actor: Actor | null, planId: string, input: { timeLimitMs?: number; threads?: number; now?: Date } = {}) {
  const who = await operator(db, actor);
  const [plan] = await db.select().from(plans).where(and(eq(plans.countyId, who.countyId), eq(plans.id, planId)));
  if (!plan) throw notFound('Plan');
  if (plan.status !== 'ready' && plan.status !== 'dispatched') throw refusedTransition('Only a ready or dispatched plan can be planned again', plan.status);
  const now = (input.now ?? new Date()).getTime();
  const stops = await db.select().from(planStops).where(and(eq(planStops.countyId, who.countyId), eq(planStops.planId, planId)));
  const trips = new Map<string, typeof stops>();
  for (const s of stops) trips.set(`${s.vehicleId}/${s.trip}`, [...(trips.get(`${s.vehicleId}/${s.trip}`) ?? []), s]);
  const result = plan.result as PlanResult | null;
  const returnOf = (requestId: string, fallback: number) => {
    for (const r of result?.routes ?? []) for (const t of r.trips) if (t.stops.some((x) => x.requestId === requestId)) return Date.parse(t.returnAt);
    return fallback + 30 * 60_000;
  };
  const keep: KeptStop[] = [];
  const availableFrom: Record<string, number> = {};
  for (const trip of trips.values()) {
    const first = Math.min(...trip.map((s) => s.plannedAt.getTime()));
    const left = trip.some((s) => s.status !== 'pending') || first <= now;
    if (!left) continue;
    const last = Math.max(...trip.map((s) => s.plannedAt.getTime()));
    const back = returnOf(trip[0].requestId, last);
    const seconds = Math.ceil((back - midnight(plan.serviceDate)) / 1000);
    availableFrom[trip[0].vehicleId] = Math.max(availableFrom[trip[0].vehicleId] ?? 0, seconds + 15 * 60);
    for (const s of trip)
      keep.push({
        requestId: s.requestId,
        vehicleId: s.vehicleId,
        trip: s.trip,
        seq: s.seq,
        plannedAt: s.plannedAt.toISOString(),
        loadKg: s.loadKg,
        status: s.status,
        reason: s.reason,
        proofKind: s.proofKind,
        proofKey: s.proofKey,
        proofCode: s.proofCode,
        closedAt: s.closedAt?.toISOString() ?? null,
        keptFrom: s.keptFrom ?? planId,
      });
  }
  return startPlan(db, jobs, actor, { serviceDate: plan.serviceDate, timeLimitMs: input.timeLimitMs, threads: input.threads, settings: (plan.inputs as { settings?: PlanSettings } | null)?.settings }, { from: planId, keep, availableFrom });
}

// ------------------------------------------------------------------ no-fly zones

/** The county's drawn zones and the Atlas's protected buildings as zones (with the default buffer). */
export async function listZones(db: Db, actor: Actor | null) {
  const who = await deliverer(db, actor);
  const [drawn, heritage] = await Promise.all([
    db.select().from(noFlyZones).where(eq(noFlyZones.countyId, who.countyId)).orderBy(desc(noFlyZones.createdAt)),
    protectedBuildingExtents(db, who.countyId),
  ]);
  return {
    bufferM: DEFAULT_SETTINGS.heritageBufferM,
    drawn: drawn.map((z) => ({ id: z.id, name: z.name, ring: z.ring, active: z.active, createdAt: z.createdAt })),
    heritage: heritage.map((b) => ({ ...heritageZone(b, DEFAULT_SETTINGS.heritageBufferM), kind: 'heritage' as const, protectionLevel: b.protectionLevel })),
  };
}

export async function createZone(db: Db, actor: Actor | null, input: { name: string; ring: [number, number][] }) {
  const who = await operator(db, actor);
  const problem = ringProblem(input.ring);
  if (problem) throw badRequest('body/ring', problem);
  return db.transaction(async (tx) => {
    const [row] = await tx.insert(noFlyZones).values({ countyId: who.countyId, name: input.name, ring: input.ring, createdBy: who.id }).returning();
    await recordAudit(tx, who, { action: 'logistics.zone.create', entity: 'logistics_no_fly_zone', entityId: row.id, details: { name: row.name, corners: input.ring.length } });
    return { id: row.id, name: row.name, ring: row.ring, active: row.active, createdAt: row.createdAt };
  });
}

export async function updateZone(db: Db, actor: Actor | null, id: string, patch: { name?: string; active?: boolean }) {
  const who = await operator(db, actor);
  return db.transaction(async (tx) => {
    const [row] = await tx.update(noFlyZones).set(patch).where(and(eq(noFlyZones.countyId, who.countyId), eq(noFlyZones.id, id))).returning();
    if (!row) throw notFound('No-fly zone');
    await recordAudit(tx, who, { action: patch.active === false ? 'logistics.zone.retire' : 'logistics.zone.update', entity: 'logistics_no_fly_zone', entityId: id, details: patch });
    return { id: row.id, name: row.name, ring: row.ring, active: row.active, createdAt: row.createdAt };
  });
}

// ------------------------------------------------------------------ what-if

export const WHAT_IF_JOB = 'logistics.what-if';

export interface WhatIfChange {
  /** Another drone like the first of the fleet (or with these figures), at a depot. */
  addDrone?: { depotId: string; batteryWh?: number; capacityKg?: number };
  /** A depot at another place. */
  moveDepot?: { depotId: string; lon: number; lat: number };
  /** Every drone's battery (Wh). */
  batteryWh?: number;
  /** The altitude ceiling above ground (m). */
  ceilingM?: number;
}

export async function startWhatIf(db: Db, jobs: JobQueue, actor: Actor | null, planId: string, change: WhatIfChange, timeLimitMs = 5_000) {
  const who = await operator(db, actor);
  const [plan] = await db.select({ id: plans.id, status: plans.status }).from(plans).where(and(eq(plans.countyId, who.countyId), eq(plans.id, planId)));
  if (!plan) throw notFound('Plan');
  if (!['ready', 'dispatched', 'completed'].includes(plan.status)) throw conflict('plan_not_ready', 'Compare with a plan that has been computed');
  if (Object.keys(change).length === 0) throw badRequest('body', 'Say what to change');
  return { jobId: await jobs.send(WHAT_IF_JOB, { planId, change, timeLimitMs }, { countyId: who.countyId, requestedBy: who.id }) };
}

export const whatIfJob: JobDefinition<{ planId: string; change: WhatIfChange; timeLimitMs: number }> = {
  name: WHAT_IF_JOB,
  maxAttempts: 1,
  leaseSeconds: 180,
  async run({ planId, change, timeLimitMs }, ctx) {
    const countyId = ctx.countyId!;
    const [plan] = await ctx.db.select().from(plans).where(and(eq(plans.countyId, countyId), eq(plans.id, planId)));
    if (!plan) throw new Error('plan not found');
    const current = plan.result as PlanResult;
    const baseSettings = { ...DEFAULT_SETTINGS, ...(plan.inputs as { settings?: PlanSettings } | null)?.settings };
    const settings: PlanSettings = { ...baseSettings, ...(change.ceilingM !== undefined ? { ceilingM: change.ceilingM } : {}) };
    const g = await gather(ctx.db, countyId, plan.serviceDate, settings);
    if (change.moveDepot) {
      const d = g.depots.find((x) => x.id === change.moveDepot!.depotId);
      if (!d) throw new Error('depot not in the plan');
      Object.assign(d, { lon: change.moveDepot.lon, lat: change.moveDepot.lat });
    }
    if (change.batteryWh !== undefined) for (const v of g.vehicles) if (v.kind === 'drone') v.batteryWh = change.batteryWh;
    if (change.addDrone) {
      const like = g.vehicles.find((v) => v.kind === 'drone') ?? { capacityKg: 5, speedKmh: 54, batteryWh: 800, whPerKm: 25, whPerKmKg: 3, massKg: 20, reloadMin: 10 };
      if (!g.depots.some((d) => d.id === change.addDrone!.depotId)) throw new Error('depot not in the plan');
      g.vehicles.push({ ...(like as (typeof g.vehicles)[number]), id: '00000000-0000-7000-8000-000000000000', name: 'what-if drone', kind: 'drone', depotId: change.addDrone.depotId, batteryWh: change.addDrone.batteryWh ?? like.batteryWh, capacityKg: change.addDrone.capacityKg ?? like.capacityKg });
    }
    await ctx.progress({ phase: 'solving', fraction: 0 });
    let best: number | undefined;
    const started = Date.now();
    const ticker = setInterval(() => void ctx.progress({ phase: 'solving', fraction: Math.min(1, (Date.now() - started) / timeLimitMs), bestCost: best }).catch(() => {}), 500);
    let variant: Awaited<ReturnType<typeof computePlan>>;
    try {
      variant = await computePlan(g, plan.serviceDate, { timeLimitMs, onBest: (c) => (best = c) });
    } finally {
      clearInterval(ticker);
    }
    const side = (r: PlanResult) => ({ cost: r.cost, unserved: r.unserved.length, ...(r.figures ?? planFigures(r.routes, plan.serviceDate)) });
    return {
      planId,
      change,
      current: side(current),
      variant: variant.ok ? side(variant.result) : null,
      variantError: variant.ok ? null : variant.error,
    };
  },
};

// ------------------------------------------------------------------ the buyer's view

export const DELIVERY_STATES = ['not_planned', 'planned', 'picked_up', 'delivered', 'failed'] as const;

/**
 * Where a Market order's parcel is on its way from the producer to the county hub: for its buyer (or an operator of
 * the county); 404 for anyone else, as for an order they cannot see.
 */
export async function orderDelivery(db: Db, actor: Actor | null, orderId: string) {
  const parties = await orderParties(db, orderId);
  if (!parties || !actor) throw notFound('Order');
  if (parties.buyerId !== actor.id) {
    try {
      const who = await deliverer(db, actor);
      if (who.countyId !== parties.countyId) throw notFound('Order');
    } catch {
      throw notFound('Order');
    }
  }
  const [req] = await db.select({ id: requests.id, status: requests.status, serviceDate: requests.serviceDate }).from(requests).where(and(eq(requests.countyId, parties.countyId), eq(requests.marketOrderId, orderId)));
  if (!req || req.status === 'cancelled') return { state: 'not_planned' as const, serviceDate: req?.serviceDate ?? null, plannedAt: null, closedAt: null, proof: null };
  const [stop] = await db
    .select({ status: planStops.status, plannedAt: planStops.plannedAt, closedAt: planStops.closedAt, proofKind: planStops.proofKind })
    .from(planStops)
    .innerJoin(plans, and(eq(plans.countyId, planStops.countyId), eq(plans.id, planStops.planId)))
    .where(and(eq(planStops.countyId, parties.countyId), eq(planStops.requestId, req.id), inArray(plans.status, ['ready', 'dispatched', 'completed']), ne(plans.status, 'superseded')))
    .orderBy(desc(plans.createdAt))
    .limit(1);
  if (!stop) return { state: 'not_planned' as const, serviceDate: req.serviceDate, plannedAt: null, closedAt: null, proof: null };
  const state = stop.status === 'pending' ? ('planned' as const) : stop.status;
  return { state, serviceDate: req.serviceDate, plannedAt: stop.plannedAt, closedAt: stop.closedAt, proof: stop.proofKind };
}
