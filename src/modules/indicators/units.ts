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
