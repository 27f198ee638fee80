// The demo county's catalogue and two years of officials' observations; the computed indicators and the index are
// then computed as the recomputation job does, so the dashboard opens with figures.
import type { Db } from '../../db/handle.ts';
import { recomputePeriod } from './recompute.ts';
import { indicatorDefinitions, indicatorDefinitionVersions, indicatorObservations, indicatorTargets, type ComputedKey, type Direction, type Pillar } from './schema.ts';
import { countyUnits, countyVillages } from './units.ts';

type Seeded = { code: string; nameZh: string; nameEn: string; pillar: Pillar; unit: string; direction?: Direction; computedKey?: ComputedKey; range?: [number, number] };

export const DEMO_INDICATORS: Seeded[] = [
  { code: 'econ.income', nameZh: '人均可支配收入', nameEn: 'Disposable income per head', pillar: 'economy', unit: '元', range: [18_000, 42_000] },
  { code: 'econ.collective', nameZh: '村集体经营性收入', nameEn: 'Village collective operating income', pillar: 'economy', unit: '万元', range: [5, 120] },
  { code: 'econ.market_sales', nameZh: '山货集市销售额', nameEn: 'Market sales', pillar: 'economy', unit: '元', computedKey: 'market.sales' },
  { code: 'econ.inn_nights', nameZh: '民宿入住间夜', nameEn: 'Inn nights booked', pillar: 'economy', unit: '间夜', computedKey: 'inns.nights' },
  { code: 'culture.events', nameZh: '民俗文化活动', nameEn: 'Folk cultural events', pillar: 'culture', unit: '次', range: [1, 24] },
  { code: 'culture.artisans', nameZh: '传统技艺传承人', nameEn: 'Traditional craft bearers', pillar: 'culture', unit: '人', range: [0, 12] },
  { code: 'culture.good_buildings', nameZh: '历史建筑完好率', nameEn: 'Heritage buildings in good condition', pillar: 'culture', unit: '%', computedKey: 'atlas.good_buildings' },
  { code: 'eco.forest', nameZh: '森林覆盖率', nameEn: 'Forest cover', pillar: 'ecology', unit: '%', range: [60, 92] },
  { code: 'eco.sewage', nameZh: '生活污水处理率', nameEn: 'Household sewage treated', pillar: 'ecology', unit: '%', range: [40, 100] },
  { code: 'eco.renewal_funds', nameZh: '微改造资金到位', nameEn: 'Gentle renewal funds granted', pillar: 'ecology', unit: '元', computedKey: 'interventions.funded' },
  { code: 'people.residents', nameZh: '常住人口', nameEn: 'Resident population', pillar: 'people', unit: '人', range: [120, 1600] },
  { code: 'people.returnees', nameZh: '返乡创业人员', nameEn: 'Returnees starting businesses', pillar: 'people', unit: '人', range: [0, 30] },
  { code: 'people.elderly', nameZh: '65岁以上人口占比', nameEn: 'Share of residents aged 65+', pillar: 'people', unit: '%', direction: 'lower', range: [18, 48] },
  // Computed by Terrace from the other modules (after the entered ones, so the demo's entered figures stay as they were).
  { code: 'econ.live_revenue', nameZh: '直播带货销售额', nameEn: 'Live-sale revenue', pillar: 'economy', unit: '元', computedKey: 'live.revenue' },
  { code: 'culture.restored', nameZh: '修缮完成的历史建筑', nameEn: 'Heritage buildings restored', pillar: 'culture', unit: '座', computedKey: 'interventions.restored' },
  { code: 'culture.apprenticeships', nameZh: '在传技艺师徒', nameEn: 'Apprenticeships under way', pillar: 'culture', unit: '对', computedKey: 'people.apprenticeships' },
  { code: 'eco.drone_deliveries', nameZh: '无人机投递', nameEn: 'Parcels delivered by drone', pillar: 'ecology', unit: '件', computedKey: 'logistics.drone_deliveries' },
  { code: 'eco.road_km_avoided', nameZh: '无人机减少的山路里程', nameEn: 'Mountain road spared by drones', pillar: 'ecology', unit: 'km', computedKey: 'logistics.road_km_avoided' },
  { code: 'people.returned', nameZh: '登记在册的返乡人员', nameEn: 'Returnees on the village register', pillar: 'people', unit: '人', computedKey: 'people.returnees' },
];

/** The demo's two years: last year and this one. */
export const demoPeriods = (now = new Date()) => [now.getUTCFullYear() - 1, now.getUTCFullYear()];

/** A repeatable spread in [0, 1) from two small integers (the demo must look the same on every seed). */
const spread = (a: number, b: number) => {
  const x = Math.sin(a * 12.9898 + b * 78.233) * 43_758.5453;
  return x - Math.floor(x);
};

export async function seedIndicators(tx: Db, countyId: string): Promise<void> {
  const defs = await tx
    .insert(indicatorDefinitions)
    .values(
      DEMO_INDICATORS.map(({ range: _range, computedKey, ...d }) => ({
        ...d,
        countyId,
        source: computedKey ? ('computed' as const) : ('manual' as const),
        computedKey: computedKey ?? null,
        // Shares and per-head income roll up as a mean; counts and money as a total.
        aggregation: d.unit === '%' || d.code === 'econ.income' ? ('mean' as const) : ('sum' as const),
      })),
    )
    .returning();
  await tx.insert(indicatorDefinitionVersions).values(
    defs.map((d) => ({ countyId, definitionId: d.id, version: 1, nameZh: d.nameZh, nameEn: d.nameEn, pillar: d.pillar, unit: d.unit, direction: d.direction, aggregation: d.aggregation })),
  );
  const villages = await countyVillages(tx, countyId);
  const [before, now] = demoPeriods();
  const rows = [];
  for (const [i, d] of DEMO_INDICATORS.entries()) {
    if (!d.range) continue;
    const def = defs.find((x) => x.code === d.code)!;
    const [lo, hi] = d.range;
    for (const [j, v] of villages.entries()) {
      const base = lo + (hi - lo) * spread(i + 1, j + 1);
      // This year moves a few percent from last year, mostly the right way.
      const drift = (spread(j + 1, i + 31) - 0.35) * 0.12 * (d.direction === 'lower' ? -1 : 1);
      const clamp = (x: number) => Math.min(d.unit === '%' ? 100 : hi * 1.2, Math.max(0, x));
      const digits = d.unit === '%' || d.unit === '万元' ? 10 : 1;
      const round = (x: number) => Math.round(x * digits) / digits;
      for (const [period, value] of [
        [before, round(clamp(base))],
        [now, round(clamp(base * (1 + drift)))],
      ]) {
        rows.push({ countyId, indicatorId: def.id, unitId: v.id, period, value, source: 'manual' as const, provenance: { seed: true } });
      }
    }
  }
  for (let k = 0; k < rows.length; k += 500) await tx.insert(indicatorObservations).values(rows.slice(k, k + 500));
  // This year's targets for returnees, cascaded: the county's, split over its townships, the first township's over
  // its villages (a little above last year's figures, so some are behind).
  const units = await countyUnits(tx, countyId);
  const returnees = defs.find((d) => d.code === 'people.returnees')!;
  // The township whose official the demo signs in as (三都乡), or else the first: its villages get their share.
  const split = units.townships.find((t) => t.nameZh === '三都乡') ?? units.townships[0];
  const lastYear = new Map(rows.filter((r) => r.indicatorId === returnees.id && r.period === before).map((r) => [r.unitId, r.value]));
  const goal = (ids: string[]) => Math.ceil(ids.reduce((s, id) => s + (lastYear.get(id) ?? 0), 0) * 1.1);
  const targets = [
    { unitId: units.county.id, value: goal(villages.map((v) => v.id)) },
    ...units.townships.map((t) => ({ unitId: t.id, value: goal(units.villagesUnder(t.id).map((v) => v.id)) })),
    ...(split ? units.villagesUnder(split.id).map((v) => ({ unitId: v.id, value: goal([v.id]) })) : []),
  ];
  await tx.insert(indicatorTargets).values(targets.map((t) => ({ countyId, indicatorId: returnees.id, period: now, ...t })));
  for (const period of [before, now]) await recomputePeriod(tx, { id: null, countyId }, period, null, async () => {});
}
