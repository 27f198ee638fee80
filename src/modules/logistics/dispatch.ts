// Dispatch: the operator sends a ready plan out; drivers and pilots close its stops (delivered, or failed with a
// reason); the plan completes when every stop is closed. Every change is audited.
import { and, asc, eq, inArray, ne } from 'drizzle-orm';
import type { FileStorage } from '../../server/storage.ts';
import { storeImage } from '../../server/images.ts';
import type { Db } from '../../db/handle.ts';
import { recordAudit } from '../../server/audit.ts';
import { badRequest, notFound, refusedTransition } from '../../server/problems.ts';
import type { Actor } from '../governance/index.ts';
import { orderParties } from '../market/index.ts';
import { notify } from '../notifications/index.ts';
import { deliverer, operator } from './access.ts';
import type { PlanResult } from './planning.ts';
import { villagesById } from './requests.ts';
import { planStops, plans, requests, type StopStatus } from './schema.ts';

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
        kind: requests.kind,
        proofKind: planStops.proofKind,
        keptFrom: planStops.keptFrom,
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
    ? await db.select({ id: requests.id, villageId: requests.villageId, weightKg: requests.weightKg, priority: requests.priority }).from(requests).where(and(eq(requests.countyId, who.countyId), inArray(requests.id, unservedIds)))
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
      return { ...u, villageName: r ? (villages.get(r.villageId)?.nameZh ?? '') : '', weightKg: r?.weightKg ?? 0, priority: r?.priority ?? 0 };
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
    if (!row) throw refusedTransition('Only a ready plan can be dispatched', (await planRow(tx, who.countyId, id)).status);
    await recordAudit(tx, who, { action: 'logistics.plan.dispatch', entity: 'logistics_plan', entityId: id });
    return row;
  });
}

/** What the parcel label's QR code holds: the request it belongs to. */
export const parcelCode = (requestId: string) => `TERRACE:PARCEL:${requestId}`;

export type CloseInput =
  | { status: 'picked_up' }
  | { status: 'delivered'; qr?: string }
  | { status: 'failed'; reason: string };

/**
 * A driver or pilot moves a stop of a dispatched plan on: picked up (a pickup collected), delivered (with its proof:
 * the scanned label's QR code, which must be this parcel's, or a photo), or failed with a reason.
 */
export async function closeStop(db: Db, actor: Actor | null, planId: string, stopId: string, input: CloseInput, photo?: { key: string }) {
  const who = await deliverer(db, actor);
  const qr = input.status === 'delivered' ? input.qr : undefined;
  return db.transaction(async (tx) => {
    const plan = await planRow(tx, who.countyId, planId);
    if (plan.status !== 'dispatched') throw refusedTransition(`Stops close only on a dispatched plan; this plan is ${plan.status}`, plan.status);
    const [stop] = await tx.select({ status: planStops.status, requestId: planStops.requestId }).from(planStops).where(and(eq(planStops.countyId, who.countyId), eq(planStops.planId, planId), eq(planStops.id, stopId)));
    if (!stop) throw notFound('Stop');
    if (qr !== undefined && qr.trim() !== parcelCode(stop.requestId)) throw badRequest('body/qr', 'This QR code is not the label of this stop’s parcel');
    const from: StopStatus[] = input.status === 'picked_up' ? ['pending'] : ['pending', 'picked_up'];
    const proof = photo ? { proofKind: 'photo' as const, proofKey: photo.key } : qr !== undefined ? { proofKind: 'qr' as const, proofCode: qr.trim() } : {};
    const closing = input.status !== 'picked_up';
    const [row] = await tx
      .update(planStops)
      .set({ status: input.status, reason: input.status === 'failed' ? input.reason : null, ...(closing ? { closedAt: new Date(), closedBy: who.id } : {}), ...proof })
      .where(and(eq(planStops.countyId, who.countyId), eq(planStops.planId, planId), eq(planStops.id, stopId), inArray(planStops.status, from)))
      .returning({ id: planStops.id, status: planStops.status, reason: planStops.reason, closedAt: planStops.closedAt, proofKind: planStops.proofKind });
    if (!row) throw refusedTransition(`This stop is already ${stop.status}`, stop.status);
    await recordAudit(tx, who, { action: `logistics.stop.${input.status}`, entity: 'logistics_plan_stop', entityId: stopId, details: { planId, reason: input.status === 'failed' ? input.reason : null, proof: proof.proofKind ?? null } });
    if (input.status === 'delivered') await tellBuyer(tx, who.countyId, stop.requestId);
    const [open] = await tx.select({ id: planStops.id }).from(planStops).where(and(eq(planStops.countyId, who.countyId), eq(planStops.planId, planId), inArray(planStops.status, ['pending', 'picked_up']))).limit(1);
    if (!open) {
      await tx.update(plans).set({ status: 'completed' }).where(and(eq(plans.countyId, who.countyId), eq(plans.id, planId), ne(plans.status, 'completed')));
      await recordAudit(tx, who, { action: 'logistics.plan.complete', entity: 'logistics_plan', entityId: planId });
    }
    return row;
  });
}

/** The buyer of the Market order a delivered stop carried is told (in the same transaction; the outbox sends). */
async function tellBuyer(tx: Db, countyId: string, requestId: string) {
  const [req] = await tx.select({ orderId: requests.marketOrderId }).from(requests).where(and(eq(requests.countyId, countyId), eq(requests.id, requestId)));
  const order = req?.orderId ? await orderParties(tx, req.orderId) : null;
  if (!order || order.countyId !== countyId) return;
  await notify(tx, { countyId, userIds: [order.buyerId], kind: 'delivery.made', params: { orderNo: req!.orderId!.slice(-8) }, link: `/market/orders/${req!.orderId}`, onceKey: `delivery.made:${req!.orderId}` });
}

/** Delivered with a photo as proof: the image is stored first, then the stop closes (a refused close removes it). */
export async function deliverWithPhoto(db: Db, storage: FileStorage, actor: Actor | null, planId: string, stopId: string, file: { data: Buffer; declaredType: string }) {
  await deliverer(db, actor);
  const image = await storeImage(storage, 'logistics-proof', file);
  try {
    // The 480 px WebP is the proof kept; the original is not needed.
    const row = await closeStop(db, actor, planId, stopId, { status: 'delivered' }, { key: image.thumbKey });
    await storage.delete(image.storageKey).catch(() => {});
    return row;
  } catch (error) {
    await storage.delete(image.storageKey).catch(() => {});
    await storage.delete(image.thumbKey).catch(() => {});
    throw error;
  }
}

/** The proof photo of a stop, for its county's operators. */
export async function proofPhoto(db: Db, storage: FileStorage, actor: Actor | null, planId: string, stopId: string) {
  const who = await deliverer(db, actor);
  const [stop] = await db.select({ key: planStops.proofKey, kind: planStops.proofKind }).from(planStops).where(and(eq(planStops.countyId, who.countyId), eq(planStops.planId, planId), eq(planStops.id, stopId)));
  if (!stop || stop.kind !== 'photo' || !stop.key) throw notFound('Photo');
  return storage.get(stop.key);
}
