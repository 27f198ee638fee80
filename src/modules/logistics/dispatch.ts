// Dispatch: the operator sends a ready plan out; drivers and pilots close its stops (delivered, or failed with a
// reason); the plan completes when every stop is closed. Every change is audited.
import { and, asc, eq, inArray, ne } from 'drizzle-orm';
import type { Db } from '../../db/handle.ts';
import { recordAudit } from '../../server/audit.ts';
import { conflict, notFound } from '../../server/problems.ts';
import type { Actor } from '../governance/index.ts';
import { deliverer, operator } from './access.ts';
import type { PlanResult } from './planning.ts';
import { villagesById } from './requests.ts';
import { planStops, plans, requests } from './schema.ts';

async function planRow(db: Db, countyId: string, id: string) {
  const [plan] = await db.select().from(plans).where(and(eq(plans.countyId, countyId), eq(plans.id, id)));
  if (!plan) throw notFound('Plan');
  return plan;
}

/** The plan with its routes and its stops in order, each with its village and the parcel's weight. */
export async function getPlan(db: Db, actor: Actor | null, id: string) {
  const who = await deliverer(db, actor);
  const plan = await planRow(db, who.countyId, id);
  const [stops, villages] = await Promise.all([
    db
      .select({
        id: planStops.id,
        requestId: planStops.requestId,
        vehicleId: planStops.vehicleId,
        trip: planStops.trip,
        seq: planStops.seq,
        plannedAt: planStops.plannedAt,
        loadKg: planStops.loadKg,
        status: planStops.status,
        reason: planStops.reason,
        closedAt: planStops.closedAt,
        villageId: requests.villageId,
        weightKg: requests.weightKg,
        recipient: requests.recipient,
      })
      .from(planStops)
      .innerJoin(requests, and(eq(requests.countyId, planStops.countyId), eq(requests.id, planStops.requestId)))
      .where(and(eq(planStops.countyId, who.countyId), eq(planStops.planId, id)))
      .orderBy(asc(planStops.vehicleId), asc(planStops.trip), asc(planStops.seq)),
    villagesById(db),
  ]);
  const result = plan.result as Partial<PlanResult> | null;
  const unservedIds = (result?.unserved ?? []).map((u) => u.requestId);
  const unservedRequests = unservedIds.length
    ? await db.select({ id: requests.id, villageId: requests.villageId, weightKg: requests.weightKg }).from(requests).where(and(eq(requests.countyId, who.countyId), inArray(requests.id, unservedIds)))
    : [];
  return {
    id: plan.id,
    serviceDate: plan.serviceDate,
    status: plan.status,
    jobId: plan.jobId,
    error: plan.error,
    createdAt: plan.createdAt,
    solvedAt: plan.solvedAt,
    dispatchedAt: plan.dispatchedAt,
    result,
    stops: stops.map((s) => ({ ...s, villageName: villages.get(s.villageId)?.nameZh ?? '' })),
    unserved: (result?.unserved ?? []).map((u) => {
      const r = unservedRequests.find((x) => x.id === u.requestId);
      return { ...u, villageName: r ? (villages.get(r.villageId)?.nameZh ?? '') : '', weightKg: r?.weightKg ?? 0 };
    }),
  };
}

export async function dispatchPlan(db: Db, actor: Actor | null, id: string) {
  const who = await operator(db, actor);
  return db.transaction(async (tx) => {
    const [row] = await tx
      .update(plans)
      .set({ status: 'dispatched', dispatchedAt: new Date(), dispatchedBy: who.id })
      .where(and(eq(plans.countyId, who.countyId), eq(plans.id, id), eq(plans.status, 'ready')))
      .returning({ id: plans.id, status: plans.status, dispatchedAt: plans.dispatchedAt });
    if (!row) {
      await planRow(tx, who.countyId, id);
      throw conflict('plan_not_ready', 'Only a ready plan can be dispatched');
    }
    await recordAudit(tx, who, { action: 'logistics.plan.dispatch', entity: 'logistics_plan', entityId: id });
    return row;
  });
}

/** A driver or pilot closes a stop of a dispatched plan: delivered, or failed with a reason. */
export async function closeStop(db: Db, actor: Actor | null, planId: string, stopId: string, input: { status: 'delivered' | 'failed'; reason?: string }) {
  const who = await deliverer(db, actor);
  return db.transaction(async (tx) => {
    const plan = await planRow(tx, who.countyId, planId);
    if (plan.status !== 'dispatched') throw conflict('plan_not_dispatched', 'Stops close only on a dispatched plan');
    const [row] = await tx
      .update(planStops)
      .set({ status: input.status, reason: input.reason ?? null, closedAt: new Date(), closedBy: who.id })
      .where(and(eq(planStops.countyId, who.countyId), eq(planStops.planId, planId), eq(planStops.id, stopId), eq(planStops.status, 'pending')))
      .returning({ id: planStops.id, status: planStops.status, reason: planStops.reason, closedAt: planStops.closedAt });
    if (!row) {
      const [stop] = await tx.select({ status: planStops.status }).from(planStops).where(and(eq(planStops.countyId, who.countyId), eq(planStops.planId, planId), eq(planStops.id, stopId)));
      if (!stop) throw notFound('Stop');
      throw conflict('stop_closed', `This stop is already ${stop.status}`);
    }
    await recordAudit(tx, who, { action: `logistics.stop.${input.status}`, entity: 'logistics_plan_stop', entityId: stopId, details: { planId, reason: input.reason ?? null } });
    const [pending] = await tx.select({ id: planStops.id }).from(planStops).where(and(eq(planStops.countyId, who.countyId), eq(planStops.planId, planId), eq(planStops.status, 'pending'))).limit(1);
    if (!pending) {
      await tx.update(plans).set({ status: 'completed' }).where(and(eq(plans.countyId, who.countyId), eq(plans.id, planId), ne(plans.status, 'completed')));
      await recordAudit(tx, who, { action: 'logistics.plan.complete', entity: 'logistics_plan', entityId: planId });
    }
    return row;
  });
}
