// The demo county's logistics: the county express hub and a township depot, three vans, two drones, and about
// twenty parcels for tomorrow at villages near the depots.
import type { Db } from '../../db/handle.ts';
import { getCountyTree } from '../governance/index.ts';
import { depots, requests, vehicles } from './schema.ts';
import { straightMetres } from './terrain.ts';

/** Tomorrow's date in the county (China Standard Time). */
export function tomorrow(now = Date.now()) {
  return new Date(now + 8 * 3600_000 + 86_400_000).toISOString().slice(0, 10);
}

const WEIGHTS = [3, 25, 8, 2, 40, 5, 12, 4, 60, 6, 1.5, 18, 7, 30, 2.5, 9, 45, 3.5, 15, 6.5];
const WINDOWS: [number, number][] = [
  [480, 720],
  [540, 1020],
  [780, 1080],
  [480, 1080],
];

export async function seedLogistics(tx: Db, countyId: string) {
  const tree = await getCountyTree(tx);
  const town = tree.townships.find((t) => t.nameZh === '三都乡') ?? tree.townships[0];
  const [hub, townDepot] = await tx
    .insert(depots)
    .values([
      { countyId, name: '松阳县快递物流中心', kind: 'hub' as const, unitId: countyId, lon: tree.county.lon ?? 119.482, lat: tree.county.lat ?? 28.449 },
      { countyId, name: `${town.nameZh}物流站`, kind: 'township' as const, unitId: town.id, lon: town.lon!, lat: town.lat! },
    ])
    .returning();
  const drone = { kind: 'drone' as const, capacityKg: 10, speedKmh: 54, batteryWh: 1000, whPerKm: 25, whPerKmKg: 3, massKg: 25, reloadMin: 10 };
  await tx.insert(vehicles).values([
    { countyId, depotId: hub.id, name: '浙K·物流01', kind: 'van', capacityKg: 800, speedKmh: 40 },
    { countyId, depotId: hub.id, name: '浙K·物流02', kind: 'van', capacityKg: 800, speedKmh: 40 },
    { countyId, depotId: townDepot.id, name: '浙K·物流03', kind: 'van', capacityKg: 500, speedKmh: 35 },
    { countyId, depotId: hub.id, name: '无人机 1 号', ...drone },
    { countyId, depotId: townDepot.id, name: '无人机 2 号', ...drone },
  ]);
  const villages = tree.townships.flatMap((t) => t.villages).filter((v) => v.lon != null && v.lat != null);
  const near = (d: { lon: number; lat: number }) => [...villages].sort((a, b) => straightMetres(d, { lon: a.lon!, lat: a.lat! }) - straightMetres(d, { lon: b.lon!, lat: b.lat! }));
  const chosen = new Map<string, (typeof villages)[number]>();
  for (const v of near(townDepot).slice(0, 10)) chosen.set(v.id, v);
  for (const v of near(hub)) if (chosen.size < WEIGHTS.length && !chosen.has(v.id)) chosen.set(v.id, v);
  const date = tomorrow();
  await tx.insert(requests).values(
    [...chosen.values()].map((v, i) => ({
      countyId,
      villageId: v.id,
      lon: v.lon!,
      lat: v.lat!,
      serviceDate: date,
      weightKg: WEIGHTS[i],
      windowStartMin: WINDOWS[i % WINDOWS.length][0],
      windowEndMin: WINDOWS[i % WINDOWS.length][1],
      recipient: `${v.nameZh}服务点`,
    })),
  );
}
