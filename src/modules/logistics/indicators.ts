// What logistics tells the Indicators module: parcels drones delivered per village, and the mountain road they spared.
import { PROVENANCE_IDS } from '../../db/aggregates.ts';
import { and, eq, gte, inArray, lt } from 'drizzle-orm';
import type { Db } from '../../db/handle.ts';
import type { PlanResult } from './planning.ts';
import { plans, planStops, requests, vehicles } from './schema.ts';

export interface DroneVillageFigures {
  villageId: string;
  deliveries: number;
  /** Road km the drones' trips spared, shared equally over the stops of each drone's day. */
  roadKmAvoided: number;
  /** The delivered stops counted (the first PROVENANCE_IDS). */
  ids: string[];
}

/** Stops delivered by drone on dispatched or completed plans whose service day falls in [from, to). */
export async function droneDeliveriesByVillage(db: Db, countyId: string, from: string, to: string): Promise<DroneVillageFigures[]> {
  const rows = await db
    .select({ stopId: planStops.id, planId: planStops.planId, vehicleId: planStops.vehicleId, villageId: requests.villageId, result: plans.result })
    .from(planStops)
    .innerJoin(plans, and(eq(plans.countyId, planStops.countyId), eq(plans.id, planStops.planId)))
    .innerJoin(vehicles, and(eq(vehicles.countyId, planStops.countyId), eq(vehicles.id, planStops.vehicleId)))
    .innerJoin(requests, and(eq(requests.countyId, planStops.countyId), eq(requests.id, planStops.requestId)))
    .where(
      and(
        eq(planStops.countyId, countyId),
        eq(planStops.status, 'delivered'),
        eq(vehicles.kind, 'drone'),
        inArray(plans.status, ['dispatched', 'completed']),
        gte(plans.serviceDate, from),
        lt(plans.serviceDate, to),
      ),
    );
  // Each drone's road km avoided that day, per stop of its route.
  const perStop = new Map<string, number>();
  for (const r of rows) {
    const key = `${r.planId}:${r.vehicleId}`;
    if (perStop.has(key)) continue;
    const route = (r.result as PlanResult | null)?.routes.find((x) => x.vehicleId === r.vehicleId);
    const stops = route?.trips.reduce((n, t) => n + t.stops.length, 0) ?? 0;
    perStop.set(key, route && stops ? (route.roadKmAvoided ?? 0) / stops : 0);
  }
  const byVillage = new Map<string, DroneVillageFigures>();
  for (const r of rows) {
    const v = byVillage.get(r.villageId) ?? { villageId: r.villageId, deliveries: 0, roadKmAvoided: 0, ids: [] };
    v.deliveries++;
    v.roadKmAvoided += perStop.get(`${r.planId}:${r.vehicleId}`) ?? 0;
    if (v.ids.length < PROVENANCE_IDS) v.ids.push(r.stopId);
    byVillage.set(r.villageId, v);
  }
  return [...byVillage.values()].map((v) => ({ ...v, roadKmAvoided: Math.round(v.roadKmAvoided * 10) / 10 }));
}
