// The kernel's own tables. Modules own theirs (src/modules/<m>/schema.ts, listed by their manifests).
import { sql } from 'drizzle-orm';
import { check, index, integer, jsonb, pgTable, primaryKey, text, timestamp, uniqueIndex, uuid } from 'drizzle-orm/pg-core';
import { id, inList } from './columns.ts';

/**
 * The audit trail. It records ids as they were and holds no foreign keys: a trail keeps what happened rather than
 * referring to live rows (users and units are never deleted), and a key on the county would make every audited
 * change in the county share-lock that one row — a contention point for the busiest writes, such as checkout.
 */
export const auditLog = pgTable(
  'audit_log',
  {
    id: id(),
    countyId: uuid('county_id'),
    actorId: uuid('actor_id'),
    action: text('action').notNull(),
    entity: text('entity').notNull(),
    entityId: text('entity_id'),
    /** The admin unit (village, township) the change belongs to, when it has one: the audit page filters by it. */
    unitId: uuid('unit_id'),
    details: jsonb('details').$type<Record<string, unknown>>().notNull().default({}),
    at: timestamp('at', { withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [
    index('audit_log_entity_idx').on(t.entity, t.entityId),
    index('audit_log_at_idx').on(t.at),
    index('audit_log_county_at_idx').on(t.countyId, t.at),
  ],
);

export const JOB_STATUSES = ['queued', 'running', 'succeeded', 'failed'] as const;
export type JobStatus = (typeof JOB_STATUSES)[number];

/**
 * Every background job's run: what to do, who asked, its progress and result, readable by any instance. Claimed with
 * a lease (`locked_until`), so a run whose process died is taken over by another instance when the lease lapses.
 */
export const jobRuns = pgTable(
  'job_runs',
  {
    id: id(),
    name: text('name').notNull(),
    countyId: uuid('county_id'),
    requestedBy: uuid('requested_by'),
    /** Recurring jobs and other "only one at a time" work: at most one queued or running run per key. */
    singletonKey: text('singleton_key'),
    data: jsonb('data').$type<unknown>().notNull().default({}),
    status: text('status').$type<JobStatus>().notNull().default('queued'),
    progress: jsonb('progress').$type<unknown>(),
    result: jsonb('result').$type<unknown>(),
    error: text('error'),
    attempts: integer('attempts').notNull().default(0),
    maxAttempts: integer('max_attempts').notNull().default(3),
    runAfter: timestamp('run_after', { withTimezone: true }).notNull().defaultNow(),
    lockedUntil: timestamp('locked_until', { withTimezone: true }),
    lockedBy: text('locked_by'),
    createdAt: timestamp('created_at', { withTimezone: true }).notNull().defaultNow(),
    updatedAt: timestamp('updated_at', { withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [
    check('job_runs_status_check', inList('status', JOB_STATUSES)),
    index('job_runs_due_idx').on(t.status, t.runAfter),
    uniqueIndex('job_runs_singleton_unique').on(t.singletonKey).where(sql`status in ('queued', 'running')`),
  ],
);

/**
 * Rate limits counted across instances (WRITE_RATE_LIMIT_STORE=database): one row per key (an address, a user, a
 * sign-in route's address) and fixed window, incremented by one atomic upsert; windows that have passed are deleted.
 */
export const rateLimitHits = pgTable(
  'rate_limit_hits',
  {
    key: text('key').notNull(),
    windowStart: timestamp('window_start', { withTimezone: true }).notNull(),
    hits: integer('hits').notNull(),
  },
  (t) => [primaryKey({ columns: [t.key, t.windowStart] }), index('rate_limit_hits_window_idx').on(t.windowStart)],
);
