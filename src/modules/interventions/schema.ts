// The interventions module's tables: proposals for "gentle" interventions, their review trail, residents'
// votes and comments, notifications, execution (milestones, spend) and the county's budget rounds.
import { sql } from 'drizzle-orm';
import { bigint, boolean, check, date, doublePrecision, foreignKey, index, integer, jsonb, pgTable, primaryKey, text, timestamp, uniqueIndex, uuid, type AnyPgColumn } from 'drizzle-orm/pg-core';
import { uuidv7 } from 'uuidv7';
import { adminUnits, users } from '../governance/index.ts';
import { INTERVENTION_TYPES, STATUSES, type Action, type InterventionType, type Outcomes, type ProtectionLevel, type Status } from './constants.ts';
import type { RuleReport } from './rules.ts';
import type { RoundParams, RoundResult } from './rounds.ts';
import { createdAt, inList, tenantId } from '../../db/columns.ts';

export { ACTIONS, FUNDING_SOURCES, INTERVENTION_TYPES, PILLARS, PROTECTION_LEVELS, STATUSES } from './constants.ts';
export type { FundingSource, InterventionType, Outcomes, Pillar, ProtectionLevel, Status } from './constants.ts';
/** The facts of a target building the heritage rules need, as entered with the proposal (or read from the Atlas). */
export interface BuildingSnapshot {
  buildingId?: string | null;
  name: string;
  protectionLevel: ProtectionLevel;
  heightM: number;
  volumeM3: number;
}

/** What the proposal changes physically. */
export interface PhysicalChanges {
  demolishesProtectedElements: boolean;
  heightChangeM: number;
  volumeChangePct: number;
  materials: string[];
}

export interface Media {
  kind: 'drawing' | 'photo' | 'document';
  url: string;
  caption?: string;
  phase?: 'before' | 'after' | 'during';
}

const fen = (name: string) => bigint(name, { mode: 'number' });
const countyId = () =>
  uuid('county_id')
    .notNull()
    .references(() => adminUnits.id);
/** Tenant tables are keyed by (id, county_id) (the county last: a lookup by id alone keeps its index); see src/db/global-tables.ts. */
const pk = (t: { countyId: AnyPgColumn; id: AnyPgColumn }) => primaryKey({ columns: [t.id, t.countyId] });
/** A child row's key to its proposal, within the county; deleting the proposal deletes it. */
const ofIntervention = (t: { countyId: AnyPgColumn; interventionId: AnyPgColumn }) =>
  foreignKey({ columns: [t.countyId, t.interventionId], foreignColumns: [interventions.countyId, interventions.id] }).onDelete('cascade');

export const interventions = pgTable(
  'interventions',
  {
    id: tenantId(),
    countyId: countyId(),
    townshipId: uuid('township_id')
      .notNull()
      .references(() => adminUnits.id),
    villageId: uuid('village_id')
      .notNull()
      .references(() => adminUnits.id),
    proposerId: uuid('proposer_id')
      .notNull()
      .references(() => users.id),
    title: text('title').notNull(),
    /** The title in English as entered (English readers see it; else the Chinese title). */
    titleEn: text('title_en'),
    type: text('type').$type<InterventionType>().notNull(),
    description: text('description').notNull().default(''),
    site: text('site').notNull().default(''),
    /** Where in its village (WGS-84), for the Atlas map of the village; optional. */
    lon: doublePrecision('lon'),
    lat: doublePrecision('lat'),
    /** Title in Chinese, pinyin and initials, then site and description, lower-cased: what search matches. */
    searchText: text('search_text').notNull().default(''),
    buildingIds: uuid('building_ids').array().notNull().default(sql`'{}'::uuid[]`),
    buildings: jsonb('buildings').$type<BuildingSnapshot[]>().notNull().default([]),
    changes: jsonb('changes').$type<PhysicalChanges>().notNull(),
    conservationPlanUrl: text('conservation_plan_url'),
    media: jsonb('media').$type<Media[]>().notNull().default([]),
    costFen: fen('cost_fen').notNull(),
    fundCountyFen: fen('fund_county_fen').notNull().default(0),
    fundProvincialFen: fen('fund_provincial_fen').notNull().default(0),
    fundVillageFen: fen('fund_village_fen').notNull().default(0),
    fundPrivateFen: fen('fund_private_fen').notNull().default(0),
    durationMonths: integer('duration_months').notNull(),
    outcomes: jsonb('outcomes').$type<Outcomes>().notNull(),
    risks: text('risks').notNull().default(''),
    status: text('status').$type<Status>().notNull().default('draft'),
    /** The heritage-rule report as it stood when the proposal was submitted. */
    ruleReport: jsonb('rule_report').$type<RuleReport>(),
    rejectionReason: text('rejection_reason'),
    rejectedAt: text('rejected_at_status').$type<Status>(),
    /** Set when the review ends (county approval or a rejection): review notes become public then. */
    reviewFinishedAt: timestamp('review_finished_at', { withTimezone: true }),
    fundedFen: fen('funded_fen').notNull().default(0),
    spentFen: fen('spent_fen').notNull().default(0),
    startedAt: timestamp('started_at', { withTimezone: true }),
    completedAt: timestamp('completed_at', { withTimezone: true }),
    actualOutcomes: jsonb('actual_outcomes').$type<Outcomes>(),
    evaluation: text('evaluation'),
    version: integer('version').notNull().default(1),
    createdAt: createdAt(),
    updatedAt: timestamp('updated_at', { withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [
    pk(t),
    check('interventions_status_check', inList('status', STATUSES)),
    check('interventions_type_check', inList('type', INTERVENTION_TYPES)),
    check('interventions_cost_check', sql`${t.costFen} > 0`),
    check(
      'interventions_funding_check',
      sql`${t.fundCountyFen} >= 0 and ${t.fundProvincialFen} >= 0 and ${t.fundVillageFen} >= 0 and ${t.fundPrivateFen} >= 0 and ${t.fundCountyFen} + ${t.fundProvincialFen} + ${t.fundVillageFen} + ${t.fundPrivateFen} = ${t.costFen}`,
    ),
    check('interventions_duration_check', sql`${t.durationMonths} between 1 and 120`),
    check('interventions_money_check', sql`${t.fundedFen} >= 0 and ${t.spentFen} >= 0`),
    check('interventions_rejection_check', sql`(${t.status} = 'rejected') = (${t.rejectionReason} is not null)`),
    index('interventions_village_idx').on(t.villageId, t.status),
    index('interventions_status_idx').on(t.countyId, t.status),
    index('interventions_search_idx').using('gin', sql`${t.searchText} gin_trgm_ops`),
  ],
);

/** Every state change, in order: the timeline. Notes are the reviewers' words. */
export const interventionTransitions = pgTable(
  'intervention_transitions',
  {
    id: tenantId(),
    countyId: countyId(),
    interventionId: uuid('intervention_id').notNull(),
    fromStatus: text('from_status').$type<Status>().notNull(),
    toStatus: text('to_status').$type<Status>().notNull(),
    actorId: uuid('actor_id').references(() => users.id, { onDelete: 'set null' }),
    note: text('note').notNull().default(''),
    at: timestamp('at', { withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [
    pk(t),
    ofIntervention(t),
    check('intervention_transitions_to_check', inList('to_status', STATUSES)),
    index('intervention_transitions_idx').on(t.interventionId, t.at),
    // The same step can be taken only once per proposal: a second approval racing the first fails here too.
    uniqueIndex('intervention_transitions_once').on(t.interventionId, t.fromStatus, t.toStatus, t.countyId),
  ],
);

export const interventionVotes = pgTable(
  'intervention_votes',
  {
    id: tenantId(),
    countyId: countyId(),
    interventionId: uuid('intervention_id').notNull(),
    userId: uuid('user_id')
      .notNull()
      .references(() => users.id, { onDelete: 'cascade' }),
    villageId: uuid('village_id')
      .notNull()
      .references(() => adminUnits.id),
    stance: text('stance').$type<'support' | 'oppose'>().notNull(),
    createdAt: createdAt(),
    updatedAt: timestamp('updated_at', { withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [
    pk(t),
    ofIntervention(t),
    check('intervention_votes_stance_check', inList('stance', ['support', 'oppose'])),
    uniqueIndex('intervention_votes_one_each').on(t.interventionId, t.userId, t.countyId),
  ],
);

export const interventionComments = pgTable(
  'intervention_comments',
  {
    id: tenantId(),
    countyId: countyId(),
    interventionId: uuid('intervention_id').notNull(),
    parentId: uuid('parent_id'),
    authorId: uuid('author_id')
      .notNull()
      .references(() => users.id, { onDelete: 'cascade' }),
    /** The author's display name as it was when they wrote (the module does not read the users table). */
    authorName: text('author_name').notNull().default(''),
    body: text('body').notNull(),
    hidden: boolean('hidden').notNull().default(false),
    moderationReason: text('moderation_reason'),
    moderatedBy: uuid('moderated_by').references(() => users.id, { onDelete: 'set null' }),
    createdAt: createdAt(),
  },
  (t) => [
    pk(t),
    ofIntervention(t),
    foreignKey({ columns: [t.countyId, t.parentId], foreignColumns: [t.countyId, t.id] }).onDelete('cascade'),
    check('intervention_comments_body_check', sql`length(${t.body}) between 1 and 4000`),
    check('intervention_comments_hidden_check', sql`not ${t.hidden} or ${t.moderationReason} is not null`),
    index('intervention_comments_idx').on(t.interventionId, t.createdAt),
  ],
);

/**
 * In-app notifications, addressed to a user or to whoever holds a role on an admin unit or above it
 * (e.g. "the village officials of 杨家堂村"), so this module does not read the grants table.
 */
export const interventionNotifications = pgTable(
  'intervention_notifications',
  {
    id: tenantId(),
    countyId: countyId(),
    interventionId: uuid('intervention_id').notNull(),
    userId: uuid('user_id').references(() => users.id, { onDelete: 'cascade' }),
    role: text('role'),
    unitId: uuid('unit_id').references(() => adminUnits.id),
    kind: text('kind').$type<Action>().notNull(),
    status: text('status').$type<Status>().notNull(),
    createdAt: createdAt(),
  },
  (t) => [
    pk(t),
    ofIntervention(t),
    check('intervention_notifications_to_check', sql`(${t.userId} is not null) <> (${t.role} is not null and ${t.unitId} is not null)`),
    index('intervention_notifications_user_idx').on(t.userId, t.createdAt),
    index('intervention_notifications_role_idx').on(t.role, t.unitId, t.createdAt),
  ],
);

/** What a user has read of a county's notifications: one row per user and county, everything up to `read_until` is read. */
export const interventionNotificationReads = pgTable(
  'intervention_notification_reads',
  {
    countyId: countyId(),
    userId: uuid('user_id')
      .notNull()
      .references(() => users.id, { onDelete: 'cascade' }),
    readUntil: timestamp('read_until', { withTimezone: true }).notNull(),
  },
  (t) => [primaryKey({ columns: [t.userId, t.countyId] })],
);

export const interventionMilestones = pgTable(
  'intervention_milestones',
  {
    id: tenantId(),
    countyId: countyId(),
    interventionId: uuid('intervention_id').notNull(),
    title: text('title').notNull(),
    dueOn: date('due_on').notNull(),
    doneOn: date('done_on'),
    createdAt: createdAt(),
  },
  (t) => [pk(t), ofIntervention(t), index('intervention_milestones_idx').on(t.interventionId, t.dueOn)],
);

export const interventionSpend = pgTable(
  'intervention_spend',
  {
    id: tenantId(),
    countyId: countyId(),
    interventionId: uuid('intervention_id').notNull(),
    amountFen: fen('amount_fen').notNull(),
    note: text('note').notNull().default(''),
    spentOn: date('spent_on').notNull(),
    overBudgetOverride: boolean('over_budget_override').notNull().default(false),
    recordedBy: uuid('recorded_by').references(() => users.id, { onDelete: 'set null' }),
    createdAt: createdAt(),
  },
  (t) => [pk(t), ofIntervention(t), check('intervention_spend_amount_check', sql`${t.amountFen} > 0`), index('intervention_spend_idx').on(t.interventionId, t.spentOn)],
);

/** The county's heritage-rule parameters (one row per county; defaults apply until the admin saves some). */
export const interventionRuleSettings = pgTable('intervention_rule_settings', {
  countyId: uuid('county_id')
    .primaryKey()
    .references(() => adminUnits.id),
  params: jsonb('params').$type<unknown>().notNull(),
  updatedBy: uuid('updated_by').references(() => users.id, { onDelete: 'set null' }),
  updatedAt: timestamp('updated_at', { withTimezone: true }).notNull().defaultNow(),
});

export const budgetRounds = pgTable(
  'intervention_budget_rounds',
  {
    id: tenantId(),
    countyId: countyId(),
    name: text('name').notNull(),
    budgetFen: fen('budget_fen').notNull(),
    params: jsonb('params').$type<RoundParams>().notNull(),
    status: text('status').$type<'open' | 'solved' | 'applied'>().notNull().default('open'),
    result: jsonb('result').$type<RoundResult>(),
    createdBy: uuid('created_by').references(() => users.id, { onDelete: 'set null' }),
    createdAt: createdAt(),
    solvedAt: timestamp('solved_at', { withTimezone: true }),
  },
  (t) => [pk(t), check('intervention_budget_rounds_budget_check', sql`${t.budgetFen} > 0`), check('intervention_budget_rounds_status_check', inList('status', ['open', 'solved', 'applied']))],
);

export const FILE_KINDS = ['drawing', 'photo'] as const;
export type FileKind = (typeof FILE_KINDS)[number];
/** When a file was attached: with the proposal (its proposer, while a draft), during the works, or before/after at completion. */
export const FILE_PHASES = ['proposal', 'progress', 'before', 'after'] as const;
export type FilePhase = (typeof FILE_PHASES)[number];

/** Uploaded drawings and photos of a proposal (images with a thumbnail; drawings may also be PDF, without one). */
export const interventionFiles = pgTable(
  'intervention_files',
  {
    id: tenantId(),
    countyId: countyId(),
    interventionId: uuid('intervention_id').notNull(),
    kind: text('kind').$type<FileKind>().notNull(),
    phase: text('phase').$type<FilePhase>().notNull(),
    storageKey: text('storage_key').notNull(),
    thumbKey: text('thumb_key'),
    contentType: text('content_type').notNull(),
    bytes: integer('bytes').notNull(),
    width: integer('width'),
    height: integer('height'),
    caption: text('caption').notNull().default(''),
    uploadedBy: uuid('uploaded_by').references(() => users.id, { onDelete: 'set null' }),
    createdAt: createdAt(),
  },
  (t) => [
    pk(t),
    ofIntervention(t),
    check('intervention_files_kind_check', inList('kind', FILE_KINDS)),
    check('intervention_files_phase_check', inList('phase', FILE_PHASES)),
    check('intervention_files_bytes_check', sql`${t.bytes} > 0`),
    check('intervention_files_caption_check', sql`length(${t.caption}) <= 200`),
    index('intervention_files_idx').on(t.interventionId, t.createdAt),
  ],
);
