import { eq } from 'drizzle-orm';
import type { Db } from '../../db/handle.ts';
import { forbidden, notFound, unauthorized } from '../../server/problems.ts';
import { adminUnits, organizations, type Role } from './schema.ts';

export interface Grant {
  id: string;
  role: Role;
  unitId: string | null;
  orgId: string | null;
}

/** The signed-in user as every service sees them. */
export interface Actor {
  id: string;
  username: string;
  displayName: string;
  countyId: string;
  locale: string;
  grants: Grant[];
}

const OFFICIALS: Role[] = ['county_admin', 'town_official', 'village_official'];

/** Which roles may do what. A grant on an admin unit covers every unit and organization below it. */
export const PERMISSIONS = {
  'units.edit': OFFICIALS,
  'users.manage': ['county_admin'],
  'organizations.manage': ['county_admin', 'town_official'],
  'organizations.edit': ['county_admin', 'town_official', 'producer', 'innkeeper', 'artisan', 'logistics_operator'],
  'audit.read': ['county_admin'],
  'atlas.edit': OFFICIALS,
  'atlas.publish': ['county_admin', 'town_official'],
  // interventions: residents propose; each level approves only at its level; the county funds and sets budgets
  'interventions.propose': ['resident', 'village_official', 'town_official', 'county_admin'],
  'interventions.approve_village': ['village_official'],
  'interventions.review_township': ['town_official'],
  'interventions.approve_county': ['county_admin'],
  'interventions.manage': ['county_admin'],
  'interventions.execute': OFFICIALS,
  'interventions.evaluate': ['town_official', 'county_admin'],
  'interventions.moderate': OFFICIALS,
  'market.sell': ['county_admin', 'producer'],
  'payments.refund': ['county_admin'],
  'inns.manage': ['county_admin', 'town_official', 'innkeeper'],
} satisfies Record<string, Role[]>;

export type Permission = keyof typeof PERMISSIONS;
export type Scope = { unitId: string } | { orgId: string };

export function requireActor(actor: Actor | null | undefined): Actor {
  if (!actor) throw unauthorized();
  return actor;
}

async function unitPath(db: Db, unitId: string): Promise<string[] | undefined> {
  const [row] = await db.select({ path: adminUnits.path }).from(adminUnits).where(eq(adminUnits.id, unitId));
  return row?.path;
}

/**
 * The one permission check every route uses: 401 without a session, 404 for a scope that does not exist,
 * 403 unless the actor holds one of the permission's roles on the scope or on an admin unit above it.
 */
export async function authorize(db: Db, actor: Actor | null | undefined, permission: Permission, scope: Scope): Promise<Actor> {
  const who = requireActor(actor);
  const roles: readonly Role[] = PERMISSIONS[permission];
  const grants = who.grants.filter((g) => roles.includes(g.role));
  if (grants.length === 0) throw forbidden();
  let unitId: string;
  if ('orgId' in scope) {
    if (grants.some((g) => g.orgId === scope.orgId)) return who;
    const [org] = await db.select({ unitId: organizations.unitId }).from(organizations).where(eq(organizations.id, scope.orgId));
    if (!org) throw notFound('Organization');
    unitId = org.unitId;
  } else {
    unitId = scope.unitId;
  }
  const path = await unitPath(db, unitId);
  if (!path) throw notFound('Admin unit');
  if (grants.some((g) => g.unitId !== null && path.includes(g.unitId))) return who;
  throw forbidden();
}

/** True when the actor holds one of the roles anywhere; for showing or hiding parts of the interface. */
export const holdsAnyRole = (actor: Actor | null | undefined, roles: readonly Role[]) =>
  !!actor?.grants.some((g) => roles.includes(g.role));
