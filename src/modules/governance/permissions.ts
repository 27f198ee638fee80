import { eq } from 'drizzle-orm';
import type { Db } from '../../db/handle.ts';
import type { Actor } from '../../server/actor.ts';
import { rolesWith } from '../../server/permissions.ts';
import { forbidden, notFound, unauthorized } from '../../server/problems.ts';
import { adminUnits, organizations, type Role } from './schema.ts';

export type { Actor, Grant } from '../../server/actor.ts';

const OFFICIALS: Role[] = ['county_admin', 'town_official', 'village_official'];

export const OFFICIAL_ROLES: readonly Role[] = OFFICIALS;

/** Governance's own permissions; every other module registers its own through its manifest. */
export const GOVERNANCE_PERMISSIONS = {
  'units.edit': OFFICIALS,
  'users.manage': ['county_admin'],
  'organizations.manage': ['county_admin', 'town_official'],
  'organizations.edit': ['county_admin', 'town_official', 'producer', 'innkeeper', 'artisan', 'logistics_operator'],
  'audit.read': ['county_admin'],
} satisfies Record<string, Role[]>;

/** A permission's name, as some module's manifest registered it (e.g. `market.sell`). */
export type Permission = string;
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
  const roles = rolesWith(permission);
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

/** True when the actor holds a role that carries the permission anywhere; for showing or hiding parts of the interface. */
export const holdsPermissionAnywhere = (actor: Actor | null | undefined, permission: Permission) => holdsAnyRole(actor, rolesWith(permission));

/** True when the actor holds one of the roles anywhere; for showing or hiding parts of the interface. */
export const holdsAnyRole = (actor: Actor | null | undefined, roles: readonly string[]) =>
  !!actor?.grants.some((g) => roles.includes(g.role));
