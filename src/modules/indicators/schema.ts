// The indicators module's tables: indicator definitions, observations per admin unit and period, targets, the pillar
// weights of the composite index and the index itself. Every key is county-keyed (Citus distribution by county_id).
import { sql } from 'drizzle-orm';
import { check, doublePrecision, foreignKey, index, integer, jsonb, pgTable, primaryKey, text, timestamp, unique, uuid, type AnyPgColumn } from 'drizzle-orm/pg-core';
import { uuidv7 } from 'uuidv7';
import { adminUnits, users } from '../governance/index.ts';
import { createdAt, inList } from '../../db/columns.ts';

export const PILLARS = ['economy', 'culture', 'ecology', 'people'] as const;
export type Pillar = (typeof PILLARS)[number];
export const DIRECTIONS = ['higher', 'lower'] as const;
export type Direction = (typeof DIRECTIONS)[number];
export const SOURCES = ['manual', 'computed'] as const;
export type Source = (typeof SOURCES)[number];
/** How a township's or the county's value rolls up from its villages': a total, or a mean (shares, per-head figures). */
export const AGGREGATIONS = ['sum', 'mean'] as const;
export type Aggregation = (typeof AGGREGATIONS)[number];
/** What Terrace computes from its own modules' records (see computed.ts). */
export const COMPUTED_KEYS = [
  'market.sales',
  'live.revenue',
  'inns.nights',
  'atlas.good_buildings',
  'interventions.funded',
  'interventions.restored',
  'people.apprenticeships',
  'people.returnees',
  'logistics.drone_deliveries',
  'logistics.road_km_avoided',
] as const;
export type ComputedKey = (typeof COMPUTED_KEYS)[number];

const countyId = () =>
  uuid('county_id')
    .notNull()
    .references(() => adminUnits.id);
const uuidKey = () => uuid('id').notNull().$defaultFn(() => uuidv7());
const tz = (name: string) => timestamp(name, { withTimezone: true });

export const indicatorDefinitions = pgTable(
  'indicator_definitions',
  {
    countyId: countyId(),
    id: uuidKey(),
    code: text('code').notNull(),
    nameZh: text('name_zh').notNull(),
    nameEn: text('name_en').notNull(),
    pillar: text('pillar').$type<Pillar>().notNull(),
    unit: text('unit').notNull().default(''),
    direction: text('direction').$type<Direction>().notNull().default('higher'),
    source: text('source').$type<Source>().notNull().default('manual'),
    computedKey: text('computed_key').$type<ComputedKey>(),
    /** Its weight inside its pillar (relative to the pillar's other indicators). */
    weight: doublePrecision('weight').notNull().default(1),
    aggregation: text('aggregation').$type<Aggregation>().notNull().default('sum'),
    /** The current version of the definition (1 when created; each change adds one, see indicator_definition_versions). */
    version: integer('version').notNull().default(1),
    createdAt: createdAt(),
    updatedAt: tz('updated_at').notNull().defaultNow(),
  },
  (t) => [
    primaryKey({ columns: [t.countyId, t.id] }),
    unique('indicator_definitions_code_unique').on(t.countyId, t.code),
    check('indicator_definitions_pillar_check', inList('pillar', PILLARS)),
    check('indicator_definitions_direction_check', inList('direction', DIRECTIONS)),
    check('indicator_definitions_source_check', inList('source', SOURCES)),
    check('indicator_definitions_computed_check', sql`(${t.source} = 'computed') = (${t.computedKey} is not null)`),
    check('indicator_definitions_weight_check', sql`${t.weight} > 0 and ${t.weight} <= 100`),
    check('indicator_definitions_aggregation_check', inList('aggregation', AGGREGATIONS)),
    check('indicator_definitions_version_check', sql`${t.version} >= 1`),
  ],
);

/** Every version a definition has had: what it meant when an observation was recorded under it. */
export const indicatorDefinitionVersions = pgTable(
  'indicator_definition_versions',
  {
    countyId: countyId(),
    definitionId: uuid('definition_id').notNull(),
    version: integer('version').notNull(),
    nameZh: text('name_zh').notNull(),
    nameEn: text('name_en').notNull(),
    pillar: text('pillar').$type<Pillar>().notNull(),
    unit: text('unit').notNull(),
    direction: text('direction').$type<Direction>().notNull(),
    aggregation: text('aggregation').$type<Aggregation>().notNull(),
    /** Why it changed, in the official's words (empty for the first version). */
    note: text('note').notNull().default(''),
    changedBy: uuid('changed_by').references(() => users.id),
    changedAt: tz('changed_at').notNull().defaultNow(),
  },
  (t) => [
    primaryKey({ columns: [t.countyId, t.definitionId, t.version] }),
    foreignKey({ columns: [t.countyId, t.definitionId], foreignColumns: [indicatorDefinitions.countyId, indicatorDefinitions.id], name: 'indicator_definition_versions_definition_fk' }),
  ],
);

/** A value of an indicator for a village and year: what observations and targets both are. */
const unitYearValue = () => ({
  countyId: countyId(),
  id: uuidKey(),
  indicatorId: uuid('indicator_id').notNull(),
  unitId: uuid('unit_id')
    .notNull()
    .references(() => adminUnits.id),
  /** The year. */
  period: integer('period').notNull(),
  value: doublePrecision('value').notNull(),
});

/** Keys and checks of such a table: one value per indicator, village and year, of an indicator of the same county. */
const unitYearKeys = (name: string, t: { countyId: AnyPgColumn; id: AnyPgColumn; indicatorId: AnyPgColumn; unitId: AnyPgColumn; period: AnyPgColumn }) => [
  primaryKey({ columns: [t.countyId, t.id] }),
  unique(`${name}_unique`).on(t.countyId, t.indicatorId, t.unitId, t.period),
  foreignKey({ columns: [t.countyId, t.indicatorId], foreignColumns: [indicatorDefinitions.countyId, indicatorDefinitions.id], name: `${name}_definition_fk` }),
  check(`${name}_period_check`, sql`${t.period} between 2000 and 2100`),
];

export const indicatorObservations = pgTable(
  'indicator_observations',
  {
    ...unitYearValue(),
    source: text('source').$type<Source>().notNull(),
    /** Where the value came from: the official who entered it, or the records a job counted. */
    provenance: jsonb('provenance').$type<Record<string, unknown>>().notNull().default({}),
    recordedBy: uuid('recorded_by').references(() => users.id),
    recordedAt: tz('recorded_at').notNull().defaultNow(),
    /** The version of the definition the value was recorded under. */
    definitionVersion: integer('definition_version').notNull().default(1),
  },
  (t) => [
    ...unitYearKeys('indicator_observations', t),
    check('indicator_observations_source_check', inList('source', SOURCES)),
    index('indicator_observations_period_idx').on(t.countyId, t.period),
  ],
);

export const indicatorTargets = pgTable(
  'indicator_targets',
  {
    ...unitYearValue(),
    setBy: uuid('set_by').references(() => users.id),
    updatedAt: tz('updated_at').notNull().defaultNow(),
  },
  (t) => unitYearKeys('indicator_targets', t),
);

/** How much each pillar counts in the composite index (relative weights; absent pillars count 1). */
export const indicatorPillarWeights = pgTable(
  'indicator_pillar_weights',
  {
    countyId: countyId(),
    pillar: text('pillar').$type<Pillar>().notNull(),
    weight: doublePrecision('weight').notNull(),
    updatedAt: tz('updated_at').notNull().defaultNow(),
  },
  (t) => [
    primaryKey({ columns: [t.countyId, t.pillar] }),
    check('indicator_pillar_weights_pillar_check', inList('pillar', PILLARS)),
    check('indicator_pillar_weights_weight_check', sql`${t.weight} >= 0 and ${t.weight} <= 100`),
  ],
);

/** The composite index of a village in a period, as the last recomputation left it. */
export const indicatorScores = pgTable(
  'indicator_scores',
  {
    countyId: countyId(),
    unitId: uuid('unit_id')
      .notNull()
      .references(() => adminUnits.id),
    period: integer('period').notNull(),
    /** 0–100. */
    score: doublePrecision('score').notNull(),
    rank: integer('rank').notNull(),
    /** Each pillar's sub-score (0–100), absent where the village has no data in it. */
    pillars: jsonb('pillars').$type<Partial<Record<Pillar, number>>>().notNull(),
    computedAt: tz('computed_at').notNull().defaultNow(),
    jobId: uuid('job_id'),
    /** The index by each method, whichever ranks: expert weights and entropy-weight TOPSIS side by side. */
    weightedScore: doublePrecision('weighted_score'),
    entropyScore: doublePrecision('entropy_score'),
  },
  (t) => [
    primaryKey({ columns: [t.countyId, t.period, t.unitId] }),
    check('indicator_scores_score_check', sql`${t.score} >= 0 and ${t.score} <= 100`),
    check('indicator_scores_rank_check', sql`${t.rank} >= 1`),
  ],
);

/** How the county combines its indicators: expert weights by pillar, or entropy-weight TOPSIS (docs/indicators.md). */
export const INDEX_METHODS = ['weighted', 'entropy_topsis'] as const;
export type IndexMethod = (typeof INDEX_METHODS)[number];

export const indicatorSettings = pgTable(
  'indicator_settings',
  {
    countyId: countyId().primaryKey(),
    method: text('method').$type<IndexMethod>().notNull().default('weighted'),
    updatedAt: tz('updated_at').notNull().defaultNow(),
  },
  (t) => [check('indicator_settings_method_check', inList('method', INDEX_METHODS))],
);
