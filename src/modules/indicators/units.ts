import type { Db } from '../../db/handle.ts';
import { notFound } from '../../server/problems.ts';
import { getCountyTree } from '../governance/index.ts';

export interface Village {
  id: string;
  nameZh: string;
  namePinyin: string;
  townshipId: string;
  townshipZh: string;
  townshipPinyin: string;
  lon: number | null;
  lat: number | null;
}

/** The villages of a county, with their township, through governance's public tree. */
export async function countyVillages(db: Db, countyId: string): Promise<Village[]> {
  const tree = await getCountyTree(db);
  if (tree.county.id !== countyId) throw notFound('County');
  return tree.townships.flatMap((t) =>
    t.villages.map((v) => ({ id: v.id, nameZh: v.nameZh, namePinyin: v.namePinyin, townshipId: t.id, townshipZh: t.nameZh, townshipPinyin: t.namePinyin, lon: v.lon, lat: v.lat })),
  );
}

/** Years as the periods of the catalogue: a period is the calendar year [Y-01-01, Y+1-01-01). */
export const periodRange = (year: number) => ({ from: `${year}-01-01`, to: `${year + 1}-01-01` });

export type UnitLevel = 'county' | 'township' | 'village';

/** Any admin unit of the county the indicators speak of: the county, a township or a village. */
export interface Unit {
  id: string;
  level: UnitLevel;
  nameZh: string;
  namePinyin: string;
  parentId: string | null;
}

/** The county, its townships and its villages, with who is under whom. */
export async function countyUnits(db: Db, countyId: string) {
  const tree = await getCountyTree(db);
  if (tree.county.id !== countyId) throw notFound('County');
  const county: Unit = { id: tree.county.id, level: 'county', nameZh: tree.county.nameZh, namePinyin: tree.county.namePinyin, parentId: null };
  const townships: Unit[] = tree.townships.map((t) => ({ id: t.id, level: 'township', nameZh: t.nameZh, namePinyin: t.namePinyin, parentId: county.id }));
  const villages: Unit[] = tree.townships.flatMap((t) => t.villages.map((v) => ({ id: v.id, level: 'village' as const, nameZh: v.nameZh, namePinyin: v.namePinyin, parentId: t.id })));
  const all = [county, ...townships, ...villages];
  const byId = new Map(all.map((u) => [u.id, u]));
  /** The villages at or under a unit. */
  const villagesUnder = (unitId: string) => {
    const u = byId.get(unitId);
    if (!u) return [];
    if (u.level === 'village') return [u];
    if (u.level === 'township') return villages.filter((v) => v.parentId === u.id);
    return villages;
  };
  const children = (unitId: string) => all.filter((u) => u.parentId === unitId);
  return { county, townships, villages, all, byId, villagesUnder, children };
}
export type CountyUnits = Awaited<ReturnType<typeof countyUnits>>;
