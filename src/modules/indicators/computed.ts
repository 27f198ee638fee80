// Indicators Terrace computes from its own records, read only through the other modules' public functions.
import type { Db } from '../../db/handle.ts';
import { buildingConditionByVillage } from '../atlas/index.ts';
import { listOrganizations } from '../governance/index.ts';
import { nightsByVillage } from '../inns/index.ts';
import { fundedByVillage } from '../interventions/index.ts';
import { salesByProducer } from '../market/index.ts';
import type { ComputedKey } from './schema.ts';
import { periodRange } from './units.ts';

/** A village's computed value and the records it was counted from. */
export interface ComputedValue {
  value: number;
  provenance: Record<string, unknown>;
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
  switch (key) {
    case 'market.sales': {
      const [sales, orgs] = await Promise.all([salesByProducer(db, countyId, cst(from), cst(to)), listOrganizations(db, {})]);
      const unitOf = new Map(orgs.map((o) => [o.id, o.unitId]));
      for (const s of sales) {
        const unitId = unitOf.get(s.orgId);
        if (!unitId) continue;
        const prev = out.get(unitId);
        const fen = Number(s.salesFen) + ((prev?.provenance.salesFen as number) ?? 0);
        const orders = s.orders + ((prev?.provenance.records as number) ?? 0);
        out.set(unitId, { value: fen / 100, provenance: { module: 'market', records: orders, salesFen: fen, from, to } });
      }
      zeroFill('market');
      break;
    }
    case 'inns.nights':
      for (const r of await nightsByVillage(db, countyId, from, to)) out.set(r.unitId, { value: r.nights, provenance: { module: 'inns', records: r.bookings, from, to } });
      zeroFill('inns');
      break;
    case 'atlas.good_buildings':
      for (const r of await buildingConditionByVillage(db, countyId)) {
        if (r.assessed > 0) out.set(r.villageId, { value: Math.round((r.good / r.assessed) * 1000) / 10, provenance: { module: 'atlas', records: r.assessed, good: r.good, buildings: r.buildings } });
      }
      break;
    case 'interventions.funded':
      for (const r of await fundedByVillage(db, countyId)) out.set(r.villageId, { value: Number(r.fundedFen) / 100, provenance: { module: 'interventions', records: r.interventions, fundedFen: Number(r.fundedFen) } });
      zeroFill('interventions');
      break;
  }
  for (const id of [...out.keys()]) if (!villageIds.includes(id)) out.delete(id);
  return out;
}
