// Who may do what in logistics: the county's logistics operators (and its administrators) plan and dispatch;
// drivers and pilots, who hold the same role here, close stops.
import type { Db } from '../../db/handle.ts';
import { authorize, type Actor } from '../governance/index.ts';

export const LOGISTICS_PERMISSIONS = {
  'logistics.manage': ['county_admin', 'logistics_operator'],
  'logistics.deliver': ['county_admin', 'logistics_operator'],
} as const;

/** The operator acting on their county's logistics (403 otherwise). */
export const operator = (db: Db, actor: Actor | null | undefined) => authorize(db, actor, 'logistics.manage', { unitId: actor?.countyId ?? '' });

/** A driver or pilot closing stops in their county. */
export const deliverer = (db: Db, actor: Actor | null | undefined) => authorize(db, actor, 'logistics.deliver', { unitId: actor?.countyId ?? '' });
