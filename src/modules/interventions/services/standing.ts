import { type Db } from '../../../db/handle.ts';
import { type Actor } from '../../governance/index.ts';
import { getCountyTree } from '../../governance/index.ts';
import { Intervention, OFFICIAL_ROLES, PUBLIC_STATUSES } from './common.ts';

// ---- where an actor stands ----

export interface Place {
  villageId: string;
  townshipId: string;
  countyId: string;
  villageName: string;
  townshipName: string;
  villagePinyin: string;
  townshipPinyin: string;
  villageLon: number | null;
  villageLat: number | null;
}

/** Every village of the county with its township, through the governance service. */
export async function villagePlaces(db: Db): Promise<Map<string, Place>> {
  const tree = await getCountyTree(db);
  const map = new Map<string, Place>();
  for (const t of tree.townships)
    for (const v of t.villages) map.set(v.id, { villageId: v.id, townshipId: t.id, countyId: tree.county.id, villageName: v.nameZh, townshipName: t.nameZh, villagePinyin: v.namePinyin, townshipPinyin: t.namePinyin, villageLon: v.lon, villageLat: v.lat });
  return map;
}

export const covers = (actor: Actor, place: { villageId: string; townshipId: string; countyId: string }, roles: string[]) =>
  actor.grants.some((g) => roles.includes(g.role) && (g.unitId === place.villageId || g.unitId === place.townshipId || g.unitId === place.countyId));

export const isResidentOf = (actor: Actor | null, villageId: string) => !!actor?.grants.some((g) => g.role === 'resident' && g.unitId === villageId);

/** Officials of the proposal's village or above, residents of the village, and the proposer see a non-public proposal. */
export function canSee(actor: Actor | null, p: Intervention) {
  if (actor?.id === p.proposerId) return true;
  if (p.status === 'draft') return false;
  if (PUBLIC_STATUSES.includes(p.status)) return true;
  if (!actor) return false;
  return isResidentOf(actor, p.villageId) || covers(actor, p, OFFICIAL_ROLES);
}
