// Indicators Terrace computes from its own records, read only through the other modules' public functions.
import { PROVENANCE_IDS } from '../../db/aggregates.ts';
import type { Db } from '../../db/handle.ts';
import { buildingConditionByVillage } from '../atlas/index.ts';
import { listOrganizations } from '../governance/index.ts';
import { nightsByVillage } from '../inns/index.ts';
import { fundedByVillage, restoredByVillage } from '../interventions/index.ts';
import { liveRevenueByProducer } from '../live/index.ts';
import { droneDeliveriesByVillage } from '../logistics/index.ts';
import { salesByProducer } from '../market/index.ts';
import { apprenticeshipsByVillage, returneesByVillage } from '../people/index.ts';
import type { ComputedKey } from './schema.ts';
import { periodRange } from './units.ts';

/**
 * A village's computed value and where it came from: the module, how many records were counted, their ids (the first
 * 200, in id order) and the period read; `computedAt` is stored beside it by the recompute.
 */
export interface ComputedValue {
  value: number;
  provenance: { module: string; records: number; ids?: string[]; from?: string; to?: string; [detail: string]: unknown };
}

/** Year boundaries in China Standard Time, where the county keeps its books. */
const cst = (day: string) => new Date(`${day}T00:00:00+08:00`);

/**
 * The value of a computed indicator for each village in a year. Villages with nothing to count get 0 (no sales is a
 * fact), except the share of buildings in good condition, which is missing where the Atlas has assessed no building.
 */
export async function computeIndicator(db: Db, countyId: string, key: ComputedKey, period: number, villageIds: readonly string[]): Promise<Map<string, ComputedValue>> {
  const { from, to } = periodRange(period);
  const out = new Map<string, ComputedValue>();
  const zeroFill = (module: string) => {
    for (const v of villageIds) if (!out.has(v)) out.set(v, { value: 0, provenance: { module, records: 0 } });
  };
  const span = { from, to };
  // Sums per organization (producers, inns' owners) land on the organization's unit.
  const byOrgUnit = async (module: string, rows: { orgId: string; fen: number; records: number; ids: string[] }[], fenKey: string) => {
    const unitOf = new Map((await listOrganizations(db, {})).map((o) => [o.id, o.unitId]));
    for (const r of rows) {
      const unitId = unitOf.get(r.orgId);
      if (!unitId) continue;
      const prev = out.get(unitId)?.provenance;
      const fen = Number(r.fen) + ((prev?.[fenKey] as number) ?? 0);
      out.set(unitId, { value: fen / 100, provenance: { module, records: r.records + (prev?.records ?? 0), ids: [...(prev?.ids ?? []), ...r.ids].slice(0, PROVENANCE_IDS), [fenKey]: fen, ...span } });
    }
  };
  switch (key) {
    case 'market.sales':
      await byOrgUnit('market', (await salesByProducer(db, countyId, cst(from), cst(to))).map((s) => ({ orgId: s.orgId, fen: s.salesFen, records: s.orders, ids: s.ids })), 'salesFen');
      zeroFill('market');
      break;
    case 'live.revenue':
      await byOrgUnit('live', (await liveRevenueByProducer(db, countyId, cst(from), cst(to))).map((s) => ({ orgId: s.orgId, fen: s.revenueFen, records: s.claims, ids: s.ids })), 'revenueFen');
      zeroFill('live');
      break;
    case 'inns.nights':
      for (const r of await nightsByVillage(db, countyId, from, to)) out.set(r.unitId, { value: r.nights, provenance: { module: 'inns', records: r.bookings, ids: r.ids, ...span } });
      zeroFill('inns');
      break;
    case 'atlas.good_buildings':
      // The Atlas keeps each building's latest grade, not its history: the value is the state when recomputed.
      for (const r of await buildingConditionByVillage(db, countyId)) {
        if (r.assessed > 0) out.set(r.villageId, { value: Math.round((r.good / r.assessed) * 1000) / 10, provenance: { module: 'atlas', records: r.assessed, ids: r.ids ?? [], good: r.good, buildings: r.buildings } });
      }
      break;
    case 'interventions.funded':
      for (const r of await fundedByVillage(db, countyId)) out.set(r.villageId, { value: Number(r.fundedFen) / 100, provenance: { module: 'interventions', records: r.interventions, ids: r.ids, fundedFen: Number(r.fundedFen) } });
      zeroFill('interventions');
      break;
    case 'interventions.restored':
      for (const r of await restoredByVillage(db, countyId, cst(from), cst(to))) out.set(r.villageId, { value: r.buildings, provenance: { module: 'interventions', records: r.interventions, ids: r.ids, ...span } });
      zeroFill('interventions');
      break;
    case 'people.apprenticeships':
      for (const r of await apprenticeshipsByVillage(db, countyId, cst(from), cst(to))) out.set(r.villageId, { value: r.apprenticeships, provenance: { module: 'people', records: r.apprenticeships, ids: r.ids, ...span } });
      zeroFill('people');
      break;
    case 'people.returnees':
      // Residents who had come back by the end of the year, as the village's register says now.
      for (const r of await returneesByVillage(db, countyId, to)) out.set(r.villageId, { value: r.returnees, provenance: { module: 'people', records: r.returnees, ids: r.ids, to } });
      zeroFill('people');
      break;
    case 'logistics.drone_deliveries':
    case 'logistics.road_km_avoided':
      for (const r of await droneDeliveriesByVillage(db, countyId, from, to))
        out.set(r.villageId, {
          value: key === 'logistics.drone_deliveries' ? r.deliveries : r.roadKmAvoided,
          provenance: { module: 'logistics', records: r.deliveries, ids: r.ids, roadKmAvoided: r.roadKmAvoided, ...span },
        });
      zeroFill('logistics');
      break;
  }
  for (const id of [...out.keys()]) if (!villageIds.includes(id)) out.delete(id);
  return out;
}
