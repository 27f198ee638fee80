// An entrepreneur's profile: the shop or inn a resident runs, through the organizations they hold a role in.
import type { Db } from '../../db/handle.ts';
import { orgsOfUser } from '../governance/index.ts';
import { innsOfOrgs } from '../inns/index.ts';
import { shopOrgIds } from '../market/index.ts';

export interface Venture {
  kind: 'shop' | 'inn';
  name: string;
  /** Where it is in the app. */
  path: string;
}

/** The shops and inns of the organizations the resident's account holds a role in (none before they enrol). */
export async function venturesOf(db: Db, countyId: string, userId: string | null): Promise<Venture[]> {
  if (!userId) return [];
  const orgs = await orgsOfUser(db, countyId, userId);
  const ids = orgs.map((o) => o.id);
  const [shops, innRows] = await Promise.all([shopOrgIds(db, countyId, ids), innsOfOrgs(db, countyId, ids)]);
  const name = new Map(orgs.map((o) => [o.id, o.name]));
  return [
    ...shops.map((orgId) => ({ kind: 'shop' as const, name: name.get(orgId) ?? '', path: `/market/shops/${orgId}` })),
    ...innRows.map((i) => ({ kind: 'inn' as const, name: i.name, path: `/inns/${i.id}` })),
  ];
}
