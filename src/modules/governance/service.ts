import { and, asc, desc, eq, ilike, inArray, or, sql } from 'drizzle-orm';
import { alias } from 'drizzle-orm/pg-core';
import type { Db } from '../../db/handle.ts';
import { badRequest, conflict, notFound, Problem } from '../../server/problems.ts';
import { changedFields, recordAudit } from '../../server/audit.ts';
import { auditLog } from '../../db/schema.ts';
import { displayPinyin } from '../../db/search-text.ts';
import { hashPassword } from './passwords.ts';
import { authorize, requireActor, type Actor } from './permissions.ts';
import {
  adminUnits,
  organizations,
  roleGrants,
  sessions,
  users,
  type OrgKind,
  type Role,
  type UnitLevel,
} from './schema.ts';

export type AdminUnit = typeof adminUnits.$inferSelect;

const pick = (o: Record<string, unknown>, keys: string[]) => Object.fromEntries(keys.map((k) => [k, o[k]]));

const publicUnit = (u: AdminUnit) => ({
  id: u.id,
  parentId: u.parentId,
  level: u.level,
  nameZh: u.nameZh,
  namePinyin: u.namePinyin,
  description: u.description,
  lon: u.lon,
  lat: u.lat,
  listingBatch: u.listingBatch,
});
export type PublicUnit = ReturnType<typeof publicUnit>;

/** The county with its townships and, inside each, its villages; ordered by pinyin. */
export async function getCountyTree(db: Db) {
  const rows = await db.select().from(adminUnits).orderBy(asc(adminUnits.namePinyin), asc(adminUnits.nameZh));
  const county = rows.find((u) => u.level === 'county');
  if (!county) throw notFound('County');
  const townships = rows
    .filter((u) => u.level === 'township')
    .map((t) => ({ ...publicUnit(t), villages: rows.filter((v) => v.parentId === t.id).map(publicUnit) }));
  return { county: publicUnit(county), townships };
}

/** A village with its township, as another module shows it beside its own records. */
export interface VillageWithTownship {
  id: string;
  countyId: string;
  nameZh: string;
  namePinyin: string;
  description: string;
  lon: number | null;
  lat: number | null;
  listingBatch: number | null;
  township: { id: string; nameZh: string; namePinyin: string };
}

/**
 * The villages with these ids (others are absent), each with its township, in one query: for a page of results,
 * without loading the whole county tree.
 */
export async function villagesByIds(db: Db, ids: readonly string[]): Promise<Map<string, VillageWithTownship>> {
  const unique = [...new Set(ids)];
  if (unique.length === 0) return new Map();
  const township = alias(adminUnits, 'township');
  const rows = await db
    .select({ v: adminUnits, t: { id: township.id, nameZh: township.nameZh, namePinyin: township.namePinyin } })
    .from(adminUnits)
    .innerJoin(township, eq(township.id, adminUnits.parentId))
    .where(and(eq(adminUnits.level, 'village'), sql`${adminUnits.id} = any(${uuidArray(unique)}::uuid[])`));
  return new Map(
    rows.map(({ v, t }) => [
      v.id,
      { id: v.id, countyId: v.countyId!, nameZh: v.nameZh, namePinyin: v.namePinyin, description: v.description, lon: v.lon, lat: v.lat, listingBatch: v.listingBatch, township: t },
    ]),
  );
}

/** The ids of the villages in or under these units (a county, township or village itself). */
export async function villageIdsWithin(db: Db, unitIds: readonly string[]): Promise<string[]> {
  if (unitIds.length === 0) return [];
  const rows = await db
    .select({ id: adminUnits.id })
    .from(adminUnits)
    .where(and(eq(adminUnits.level, 'village'), sql`${adminUnits.path} && ${uuidArray(unitIds)}::uuid[]`));
  return rows.map((r) => r.id);
}

/** One bound parameter holding a uuid[] literal (drizzle would spread a JS array into many parameters). */
const uuidArray = (ids: readonly string[]) => `{${ids.filter((id) => /^[0-9a-f-]{36}$/i.test(id)).join(',')}}`;

export async function getUnit(db: Db, id: string) {
  const [unit] = await db.select().from(adminUnits).where(eq(adminUnits.id, id));
  if (!unit) throw notFound('Admin unit');
  return publicUnit(unit);
}

export async function updateUnit(
  db: Db,
  actor: Actor | null,
  id: string,
  patch: { nameZh?: string; namePinyin?: string; description?: string },
) {
  const who = await authorize(db, actor, 'units.edit', { unitId: id });
  return db.transaction(async (tx) => {
    const [before] = await tx.select().from(adminUnits).where(eq(adminUnits.id, id)).for('update');
    const [after] = await tx
      .update(adminUnits)
      .set({ ...patch, updatedAt: new Date() })
      .where(eq(adminUnits.id, id))
      .returning();
    const { before: was, after: now } = changedFields(before, after);
    const changed = Object.keys(patch).filter((k) => k in now);
    await recordAudit(tx, who, { action: 'unit.update', entity: 'admin_unit', entityId: id, details: { name: after.nameZh, before: pick(was, changed), after: pick(now, changed) } });
    return publicUnit(after);
  });
}

// ---- organizations ----

export async function listOrganizations(db: Db, filter: { unitId?: string; kind?: OrgKind }) {
  const where = and(
    filter.unitId ? eq(organizations.unitId, filter.unitId) : undefined,
    filter.kind ? eq(organizations.kind, filter.kind) : undefined,
  );
  return db
    .select({
      id: organizations.id,
      unitId: organizations.unitId,
      unitName: adminUnits.nameZh,
      kind: organizations.kind,
      name: organizations.name,
      nameEn: organizations.nameEn,
      description: organizations.description,
      /** People holding a role on the organization (a cooperative's member households, an inn's hosts). */
      members: sql<number>`(select count(distinct ${roleGrants.userId})::int from ${roleGrants} where ${roleGrants.orgId} = ${organizations.id})`,
    })
    .from(organizations)
    .innerJoin(adminUnits, eq(adminUnits.id, organizations.unitId))
    .where(where)
    .orderBy(asc(organizations.name))
    .then((rows) => rows.map((r) => ({ ...r, namePinyin: displayPinyin(r.name) })));
}

/**
 * The people of an organization and their roles on it: for those who manage organizations in its village (up to
 * the county admin) and for its own members; anyone else gets 403.
 */
export async function organizationMembers(db: Db, actor: Actor | null, orgId: string) {
  const [org] = await db.select({ id: organizations.id, unitId: organizations.unitId }).from(organizations).where(eq(organizations.id, orgId));
  if (!org) throw notFound('Organization');
  const who = requireActor(actor);
  if (!who.grants.some((g) => g.orgId === orgId)) await authorize(db, who, 'organizations.manage', { unitId: org.unitId });
  const rows = await db
    .select({ id: users.id, username: users.username, displayName: users.displayName, role: roleGrants.role })
    .from(roleGrants)
    .innerJoin(users, eq(users.id, roleGrants.userId))
    .where(and(eq(roleGrants.orgId, orgId), eq(users.disabled, false)))
    .orderBy(asc(users.displayName), asc(roleGrants.role));
  return rows;
}

export async function createOrganization(
  db: Db,
  actor: Actor | null,
  input: { unitId: string; kind: OrgKind; name: string; nameEn?: string | null; description?: string },
) {
  const who = await authorize(db, actor, 'organizations.manage', { unitId: input.unitId });
  return db.transaction(async (tx) => {
    const [org] = await tx
      .insert(organizations)
      .values({ countyId: who.countyId, unitId: input.unitId, kind: input.kind, name: input.name, nameEn: input.nameEn || null, description: input.description ?? '' })
      .returning();
    await recordAudit(tx, who, { action: 'organization.create', entity: 'organization', entityId: org.id, details: { kind: org.kind } });
    return org;
  });
}

// ---- users and grants ----

const UNIT_ROLE_LEVEL: Partial<Record<Role, UnitLevel[]>> = {
  county_admin: ['county'],
  town_official: ['township'],
  village_official: ['village'],
  resident: ['village'],
  logistics_operator: ['county', 'township'],
};
const ORG_ROLES: Role[] = ['producer', 'innkeeper', 'artisan', 'logistics_operator'];

export interface GrantInput {
  role: Role;
  unitId?: string;
  orgId?: string;
}

/** Checks that a role is granted on the kind of scope it makes sense on, e.g. a village official on a village. */
async function checkGrantScope(db: Db, grant: GrantInput, field: string) {
  if (!!grant.unitId === !!grant.orgId) throw badRequest(field, 'Give exactly one of unitId or orgId');
  if (grant.unitId) {
    const levels = UNIT_ROLE_LEVEL[grant.role];
    if (!levels) throw badRequest(`${field}/role`, `The role ${grant.role} is granted on an organization, not an admin unit`);
    const [unit] = await db.select({ level: adminUnits.level }).from(adminUnits).where(eq(adminUnits.id, grant.unitId));
    if (!unit) throw badRequest(`${field}/unitId`, 'No such admin unit');
    if (!levels.includes(unit.level)) throw badRequest(`${field}/unitId`, `The role ${grant.role} is granted on a ${levels.join(' or ')}, not a ${unit.level}`);
  } else {
    if (!ORG_ROLES.includes(grant.role)) throw badRequest(`${field}/role`, `The role ${grant.role} is granted on an admin unit, not an organization`);
    const [org] = await db.select({ id: organizations.id }).from(organizations).where(eq(organizations.id, grant.orgId!));
    if (!org) throw badRequest(`${field}/orgId`, 'No such organization');
  }
}

export async function listUsers(db: Db, actor: Actor | null, filter: { q?: string; limit: number; offset: number }) {
  const who = await authorize(db, actor, 'users.manage', { unitId: actor?.countyId ?? '' });
  const where = and(
    eq(users.countyId, who.countyId),
    filter.q ? or(ilike(users.username, `%${filter.q}%`), ilike(users.displayName, `%${filter.q}%`)) : undefined,
  );
  const rows = await db
    .select({
      id: users.id,
      username: users.username,
      displayName: users.displayName,
      disabled: users.disabled,
      lockedUntil: users.lockedUntil,
      createdAt: users.createdAt,
    })
    .from(users)
    .where(where)
    .orderBy(asc(users.username))
    .limit(filter.limit)
    .offset(filter.offset);
  const [{ total }] = await db.select({ total: sql<number>`count(*)::int` }).from(users).where(where);
  const grants = rows.length
    ? await db
        .select({
          id: roleGrants.id,
          userId: roleGrants.userId,
          role: roleGrants.role,
          unitId: roleGrants.unitId,
          unitName: adminUnits.nameZh,
          orgId: roleGrants.orgId,
          orgName: organizations.name,
        })
        .from(roleGrants)
        .leftJoin(adminUnits, eq(adminUnits.id, roleGrants.unitId))
        .leftJoin(organizations, eq(organizations.id, roleGrants.orgId))
        .where(inArray(roleGrants.userId, rows.map((r) => r.id)))
    : [];
  return {
    total,
    items: rows.map((u) => ({ ...u, grants: grants.filter((g) => g.userId === u.id).map(({ userId: _u, ...g }) => g) })),
  };
}

export async function createUser(
  db: Db,
  actor: Actor | null,
  input: { username: string; displayName: string; password: string; grants: GrantInput[] },
) {
  const who = await authorize(db, actor, 'users.manage', { unitId: actor?.countyId ?? '' });
  for (const [i, g] of input.grants.entries()) await checkGrantScope(db, g, `body/grants/${i}`);
  const passwordHash = await hashPassword(input.password);
  return db.transaction(async (tx) => {
    const [taken] = await tx.select({ id: users.id }).from(users).where(sql`lower(${users.username}) = lower(${input.username})`);
    if (taken) throw conflict('username_taken', 'This username is taken', { field: 'body/username' });
    const [user] = await tx
      .insert(users)
      .values({ countyId: who.countyId, username: input.username, displayName: input.displayName, passwordHash })
      .returning({ id: users.id, username: users.username, displayName: users.displayName });
    for (const g of input.grants) {
      await tx.insert(roleGrants).values({ countyId: who.countyId, userId: user.id, role: g.role, unitId: g.unitId, orgId: g.orgId });
    }
    await recordAudit(tx, who, {
      action: 'user.create',
      entity: 'user',
      entityId: user.id,
      details: { grants: input.grants.map((g) => ({ role: g.role, unitId: g.unitId, orgId: g.orgId })) },
    });
    return user;
  });
}

async function userInCounty(db: Db, who: Actor, userId: string) {
  const [user] = await db.select().from(users).where(and(eq(users.id, userId), eq(users.countyId, who.countyId)));
  if (!user) throw notFound('User');
  return user;
}

export async function updateUser(
  db: Db,
  actor: Actor | null,
  userId: string,
  patch: { displayName?: string; disabled?: boolean; password?: string; unlock?: boolean },
) {
  const who = await authorize(db, actor, 'users.manage', { unitId: actor?.countyId ?? '' });
  const previous = await userInCounty(db, who, userId);
  if (patch.disabled && userId === who.id) throw conflict('cannot_disable_self', 'You cannot disable your own account');
  const passwordHash = patch.password ? await hashPassword(patch.password) : undefined;
  return db.transaction(async (tx) => {
    const [user] = await tx
      .update(users)
      .set({
        displayName: patch.displayName,
        disabled: patch.disabled,
        passwordHash,
        ...(patch.unlock ? { lockedUntil: null, failedLogins: 0 } : {}),
      })
      .where(eq(users.id, userId))
      .returning({ id: users.id, username: users.username, displayName: users.displayName, disabled: users.disabled });
    // A disabled account or a reset password ends the sessions that were open.
    if (patch.disabled || passwordHash) await tx.delete(sessions).where(eq(sessions.userId, userId));
    await recordAudit(tx, who, {
      action: 'user.update',
      entity: 'user',
      entityId: userId,
      details: {
        username: user.username,
        ...changedFields({ displayName: previous.displayName, disabled: previous.disabled }, { displayName: user.displayName, disabled: user.disabled }),
        passwordReset: passwordHash ? true : undefined,
        unlocked: patch.unlock,
      },
    });
    return user;
  });
}

export async function addGrant(db: Db, actor: Actor | null, userId: string, grant: GrantInput) {
  const who = await authorize(db, actor, 'users.manage', { unitId: actor?.countyId ?? '' });
  await userInCounty(db, who, userId);
  await checkGrantScope(db, grant, 'body');
  return db.transaction(async (tx) => {
    const [row] = await tx
      .insert(roleGrants)
      .values({ countyId: who.countyId, userId, role: grant.role, unitId: grant.unitId, orgId: grant.orgId })
      .onConflictDoNothing()
      .returning();
    if (!row) throw conflict('grant_exists', 'The user already holds this role there');
    await recordAudit(tx, who, { action: 'grant.add', entity: 'role_grant', entityId: row.id, details: { userId, role: row.role, unitId: row.unitId, orgId: row.orgId } });
    return row;
  });
}

export async function removeGrant(db: Db, actor: Actor | null, grantId: string) {
  const who = await authorize(db, actor, 'users.manage', { unitId: actor?.countyId ?? '' });
  return db.transaction(async (tx) => {
    const [row] = await tx
      .delete(roleGrants)
      .where(and(eq(roleGrants.id, grantId), eq(roleGrants.countyId, who.countyId)))
      .returning();
    if (!row) throw notFound('Grant');
    if (row.userId === who.id && row.role === 'county_admin') {
      throw new Problem(409, 'cannot_remove_own_admin', 'You cannot remove your own county administration role');
    }
    await recordAudit(tx, who, { action: 'grant.remove', entity: 'role_grant', entityId: row.id, details: { userId: row.userId, role: row.role, unitId: row.unitId, orgId: row.orgId } });
  });
}

export interface AuditFilter {
  /** A username (exact) or the start of one. */
  who?: string;
  /** A record type (`atlas_building`) or an action (`building.update`) or an action's prefix (`building.`). */
  entity?: string;
  action?: string;
  entityId?: string;
  /** An admin unit: its own changes and those of the units under it. */
  unitId?: string;
  from?: Date;
  to?: Date;
  limit: number;
  offset: number;
}

/**
 * The county's audit log, newest first, filtered on the server, with the names the page needs to write a sentence:
 * the actor's, the unit's, and those of the users and units the details refer to.
 */
export async function listAudit(db: Db, actor: Actor | null, filter: AuditFilter) {
  const who = await authorize(db, actor, 'audit.read', { unitId: actor?.countyId ?? '' });
  const where = and(
    eq(auditLog.countyId, who.countyId),
    filter.entity ? eq(auditLog.entity, filter.entity) : undefined,
    filter.entityId ? eq(auditLog.entityId, filter.entityId) : undefined,
    filter.action
      ? filter.action.endsWith('.')
        ? sql`starts_with(${auditLog.action}, ${filter.action})`
        : eq(auditLog.action, filter.action)
      : undefined,
    filter.who
      ? inArray(
          auditLog.actorId,
          db
            .select({ id: users.id })
            .from(users)
            .where(and(eq(users.countyId, who.countyId), or(eq(users.username, filter.who), sql`starts_with(lower(${users.username}), lower(${filter.who}))`))),
        )
      : undefined,
    filter.unitId
      ? inArray(auditLog.unitId, db.select({ id: adminUnits.id }).from(adminUnits).where(sql`${filter.unitId}::uuid = ANY(${adminUnits.path})`))
      : undefined,
    filter.from ? sql`${auditLog.at} >= ${filter.from.toISOString()}::timestamptz` : undefined,
    filter.to ? sql`${auditLog.at} < ${filter.to.toISOString()}::timestamptz` : undefined,
  );
  const [rows, [{ total }]] = await Promise.all([
    db
      .select({
        id: auditLog.id,
        at: auditLog.at,
        action: auditLog.action,
        entity: auditLog.entity,
        entityId: auditLog.entityId,
        unitId: auditLog.unitId,
        details: auditLog.details,
        actor: users.username,
        actorName: users.displayName,
      })
      .from(auditLog)
      .leftJoin(users, eq(users.id, auditLog.actorId))
      .where(where)
      .orderBy(desc(auditLog.at), desc(auditLog.id))
      .limit(filter.limit)
      .offset(filter.offset),
    db.select({ total: sql<number>`count(*)::int` }).from(auditLog).where(where),
  ]);
  return { items: rows, total, names: await auditNames(db, who.countyId, rows) };
}

/** The display names of the units and users an audit page refers to (by id), so a sentence reads "杨家堂村", not an id. */
async function auditNames(db: Db, countyId: string, rows: { unitId: string | null; entity: string; entityId: string | null; details: Record<string, unknown> }[]) {
  const uuid = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
  const unitIds = new Set<string>();
  const userIds = new Set<string>();
  for (const r of rows) {
    if (r.unitId) unitIds.add(r.unitId);
    if (r.entity === 'user' && r.entityId && uuid.test(r.entityId)) userIds.add(r.entityId);
    for (const key of ['userId', 'authorId']) {
      const v = r.details[key];
      if (typeof v === 'string' && uuid.test(v)) userIds.add(v);
    }
  }
  const [units, people] = await Promise.all([
    unitIds.size
      ? db
          .select({ id: adminUnits.id, nameZh: adminUnits.nameZh, namePinyin: adminUnits.namePinyin, level: adminUnits.level })
          .from(adminUnits)
          .where(and(inArray(adminUnits.id, [...unitIds]), or(eq(adminUnits.countyId, countyId), eq(adminUnits.id, countyId))))
      : [],
    userIds.size
      ? db.select({ id: users.id, username: users.username, displayName: users.displayName }).from(users).where(and(inArray(users.id, [...userIds]), eq(users.countyId, countyId)))
      : [],
  ]);
  return {
    units: Object.fromEntries(units.map((u) => [u.id, { nameZh: u.nameZh, namePinyin: u.namePinyin, level: u.level }])),
    users: Object.fromEntries(people.map((u) => [u.id, { username: u.username, displayName: u.displayName }])),
  };
}

// ---- village membership, granted by the module that verifies it ----

/**
 * Makes a user a verified resident of a village: the `resident` role on it (what lets them vote and propose there).
 * For a module that has verified the person (people's enrolment); the caller has checked its own permission and passes
 * its transaction, so the grant, its audit row and the caller's change commit together. Idempotent: an existing grant
 * stays (returns false).
 */
export async function grantVillageResidency(tx: Db, by: Actor, userId: string, villageId: string, via: string): Promise<boolean> {
  const [unit] = await tx.select({ level: adminUnits.level, countyId: adminUnits.countyId }).from(adminUnits).where(eq(adminUnits.id, villageId));
  if (!unit || unit.level !== 'village' || unit.countyId !== by.countyId) throw badRequest('body/villageId', 'Residency is granted on a village of your county');
  const [row] = await tx.insert(roleGrants).values({ countyId: by.countyId, userId, role: 'resident', unitId: villageId }).onConflictDoNothing().returning();
  if (!row) return false;
  await recordAudit(tx, by, { action: 'grant.add', entity: 'role_grant', entityId: row.id, details: { userId, role: 'resident', unitId: villageId, via } });
  return true;
}

/** Withdraws the `resident` role on a village (the person was unlinked from the village's register). */
export async function revokeVillageResidency(tx: Db, by: Actor, userId: string, villageId: string, via: string): Promise<boolean> {
  const [row] = await tx
    .delete(roleGrants)
    .where(and(eq(roleGrants.countyId, by.countyId), eq(roleGrants.userId, userId), eq(roleGrants.role, 'resident'), eq(roleGrants.unitId, villageId)))
    .returning();
  if (!row) return false;
  await recordAudit(tx, by, { action: 'grant.remove', entity: 'role_grant', entityId: row.id, details: { userId, role: 'resident', unitId: villageId, via } });
  return true;
}

// ---- small reads for other modules (they reach governance's data only through these) ----

/** The users holding any role on an organization of the county (to tell its members something). */
export async function orgMemberIds(db: Db, countyId: string, orgId: string): Promise<string[]> {
  const rows = await db
    .selectDistinct({ userId: roleGrants.userId })
    .from(roleGrants)
    .where(and(eq(roleGrants.countyId, countyId), eq(roleGrants.orgId, orgId)));
  return rows.map((r) => r.userId);
}

/** The users holding a role on one unit itself (not inherited from above), e.g. a village's residents. */
export async function unitRoleHolderIds(db: Db, countyId: string, unitId: string, role: Role): Promise<string[]> {
  const rows = await db
    .selectDistinct({ userId: roleGrants.userId })
    .from(roleGrants)
    .where(and(eq(roleGrants.countyId, countyId), eq(roleGrants.unitId, unitId), eq(roleGrants.role, role)));
  return rows.map((r) => r.userId);
}

/** What another module may show of a user: the name they go by and the language they read. */
export interface UserCard {
  id: string;
  displayName: string;
  locale: string;
}

/** Users by id, for names and languages beside another module's rows (missing ids are left out). */
export async function usersByIds(db: Db, ids: readonly string[]): Promise<Map<string, UserCard>> {
  const unique = [...new Set(ids)];
  if (!unique.length) return new Map();
  const rows = await db
    .select({ id: users.id, displayName: users.displayName, locale: users.locale })
    .from(users)
    .where(sql`${users.id} = any(${uuidArray(unique)}::uuid[])`);
  return new Map(rows.map((r) => [r.id, r]));
}

/** Seeding only: the ids of accounts by username. */
export async function userIdsByUsername(db: Db, usernames: readonly string[]): Promise<Map<string, string>> {
  if (!usernames.length) return new Map();
  const rows = await db.select({ id: users.id, username: users.username }).from(users).where(inArray(users.username, [...usernames]));
  return new Map(rows.map((r) => [r.username, r.id]));
}

/** Seeding only: a county's units by their Chinese name, with their parent. */
export async function unitsByName(db: Db, countyId: string, names: readonly string[]): Promise<Map<string, { id: string; parentId: string | null; level: UnitLevel }>> {
  if (!names.length) return new Map();
  const rows = await db
    .select({ id: adminUnits.id, nameZh: adminUnits.nameZh, parentId: adminUnits.parentId, level: adminUnits.level })
    .from(adminUnits)
    .where(and(eq(adminUnits.countyId, countyId), inArray(adminUnits.nameZh, [...names])));
  return new Map(rows.map((r) => [r.nameZh, { id: r.id, parentId: r.parentId, level: r.level }]));
}

/** The organizations a user holds a role in (a producer's cooperative, an innkeeper's inn), for their profile. */
export async function orgsOfUser(db: Db, countyId: string, userId: string): Promise<{ id: string; name: string; kind: OrgKind }[]> {
  return db
    .selectDistinct({ id: organizations.id, name: organizations.name, kind: organizations.kind })
    .from(roleGrants)
    .innerJoin(organizations, eq(organizations.id, roleGrants.orgId))
    .where(and(eq(roleGrants.countyId, countyId), eq(roleGrants.userId, userId)))
    .orderBy(asc(organizations.name));
}

export const LOCALES = ['zh-CN', 'en'] as const;
export type Locale = (typeof LOCALES)[number];

/**
 * The signed-in user's own language, which the platform uses for what it sends them (emails, pushes): the page's
 * language switch sets it, so a user who reads in English is written to in English. Audited when it changes.
 */
export async function setOwnLocale(db: Db, actor: Actor | null, locale: Locale): Promise<{ locale: Locale }> {
  const who = requireActor(actor);
  return db.transaction(async (tx) => {
    const [before] = await tx.select({ locale: users.locale }).from(users).where(eq(users.id, who.id)).for('update');
    if (before && before.locale !== locale) {
      await tx.update(users).set({ locale }).where(eq(users.id, who.id));
      await recordAudit(tx, who, { action: 'user.locale', entity: 'user', entityId: who.id, details: { from: before.locale, to: locale } });
    }
    return { locale };
  });
}
