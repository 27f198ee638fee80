import { sql } from 'drizzle-orm';
import {
  boolean,
  check,
  doublePrecision,
  index,
  integer,
  jsonb,
  pgTable,
  text,
  timestamp,
  uniqueIndex,
  uuid,
  type AnyPgColumn,
} from 'drizzle-orm/pg-core';
import { uuidv7 } from 'uuidv7';
import { createdAt, id, inList } from '../../db/columns.ts';

export const UNIT_LEVELS = ['county', 'township', 'village'] as const;
export type UnitLevel = (typeof UNIT_LEVELS)[number];

export const ORG_KINDS = ['cooperative', 'company', 'inn', 'workshop', 'logistics_operator', 'family_farm'] as const;
export type OrgKind = (typeof ORG_KINDS)[number];

export const ROLES = [
  'county_admin',
  'town_official',
  'village_official',
  'resident',
  'producer',
  'innkeeper',
  'artisan',
  'logistics_operator',
] as const;
export type Role = (typeof ROLES)[number];


/** County > township > village. `path` lists the ids from the county down to this unit, for inheritance checks. */
export const adminUnits = pgTable(
  'admin_units',
  {
    id: id(),
    countyId: uuid('county_id').references((): AnyPgColumn => adminUnits.id),
    parentId: uuid('parent_id').references((): AnyPgColumn => adminUnits.id),
    level: text('level').$type<UnitLevel>().notNull(),
    path: uuid('path').array().notNull(),
    nameZh: text('name_zh').notNull(),
    namePinyin: text('name_pinyin').notNull().default(''),
    description: text('description').notNull().default(''),
    lon: doublePrecision('lon'),
    lat: doublePrecision('lat'),
    listingBatch: integer('listing_batch'),
    createdAt: createdAt(),
    updatedAt: timestamp('updated_at', { withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [
    check('admin_units_level_check', inList('level', UNIT_LEVELS)),
    check('admin_units_lon_check', sql`${t.lon} is null or (${t.lon} between -180 and 180)`),
    check('admin_units_lat_check', sql`${t.lat} is null or (${t.lat} between -90 and 90)`),
    check('admin_units_parent_check', sql`(${t.level} = 'county') = (${t.parentId} is null)`),
    index('admin_units_parent_idx').on(t.parentId),
    uniqueIndex('admin_units_name_unique').on(t.parentId, t.nameZh),
  ],
);

export const organizations = pgTable(
  'organizations',
  {
    id: id(),
    countyId: uuid('county_id')
      .notNull()
      .references(() => adminUnits.id),
    unitId: uuid('unit_id')
      .notNull()
      .references(() => adminUnits.id),
    kind: text('kind').$type<OrgKind>().notNull(),
    name: text('name').notNull(),
    /** The name in English as entered (English readers see it; else the pinyin). */
    nameEn: text('name_en'),
    description: text('description').notNull().default(''),
    createdAt: createdAt(),
  },
  (t) => [check('organizations_kind_check', inList('kind', ORG_KINDS)), index('organizations_unit_idx').on(t.unitId)],
);

export const users = pgTable(
  'users',
  {
    id: id(),
    countyId: uuid('county_id')
      .notNull()
      .references(() => adminUnits.id),
    username: text('username').notNull(),
    displayName: text('display_name').notNull(),
    passwordHash: text('password_hash').notNull(),
    locale: text('locale').notNull().default('zh-CN'),
    disabled: boolean('disabled').notNull().default(false),
    failedLogins: integer('failed_logins').notNull().default(0),
    lockedUntil: timestamp('locked_until', { withTimezone: true }),
    createdAt: createdAt(),
  },
  (t) => [uniqueIndex('users_username_unique').on(sql`lower(${t.username})`)],
);

/** A role held on an admin unit (inherited by the units below it) or on an organization, or on nothing (buyer). */
export const roleGrants = pgTable(
  'role_grants',
  {
    id: id(),
    countyId: uuid('county_id')
      .notNull()
      .references(() => adminUnits.id),
    userId: uuid('user_id')
      .notNull()
      .references(() => users.id, { onDelete: 'cascade' }),
    role: text('role').$type<Role>().notNull(),
    unitId: uuid('unit_id').references(() => adminUnits.id),
    orgId: uuid('org_id').references(() => organizations.id),
    createdAt: createdAt(),
  },
  (t) => [
    check('role_grants_role_check', inList('role', ROLES)),
    check('role_grants_scope_check', sql`(${t.unitId} is null) <> (${t.orgId} is null)`),
    index('role_grants_user_idx').on(t.userId),
    uniqueIndex('role_grants_unique').on(
      t.userId,
      t.role,
      sql`coalesce(${t.unitId}, ${t.orgId})`,
    ),
  ],
);

export const sessions = pgTable(
  'sessions',
  {
    /** sha256 of the cookie token: a stolen table does not yield usable cookies. */
    tokenHash: text('token_hash').primaryKey(),
    userId: uuid('user_id')
      .notNull()
      .references(() => users.id, { onDelete: 'cascade' }),
    csrfToken: text('csrf_token').notNull(),
    expiresAt: timestamp('expires_at', { withTimezone: true }).notNull(),
    createdAt: createdAt(),
  },
  (t) => [index('sessions_user_idx').on(t.userId)],
);

/** A one-time link an administrator made to reset a user's password: only its sha256 is kept; it expires and works once. */
export const passwordResets = pgTable(
  'password_resets',
  {
    tokenHash: text('token_hash').primaryKey(),
    userId: uuid('user_id')
      .notNull()
      .references(() => users.id, { onDelete: 'cascade' }),
    createdBy: uuid('created_by')
      .notNull()
      .references(() => users.id, { onDelete: 'cascade' }),
    expiresAt: timestamp('expires_at', { withTimezone: true }).notNull(),
    usedAt: timestamp('used_at', { withTimezone: true }),
    createdAt: createdAt(),
  },
  (t) => [index('password_resets_user_idx').on(t.userId)],
);

/**
 * One-time codes that let whoever reads the server's console set up the county (first start without the demo):
 * only their sha256 is kept; they expire, and setting up the county spends them all.
 */
export const setupTokens = pgTable('setup_tokens', {
  tokenHash: text('token_hash').primaryKey(),
  expiresAt: timestamp('expires_at', { withTimezone: true }).notNull(),
  createdAt: createdAt(),
});
