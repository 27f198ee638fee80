// The people module's tables: the village's resident register (returnees flagged), the county's support programmes
// and residents' applications with their approval trail, and artisans with their apprentices and training sessions.
// Every key is county-keyed (county_id first) so the tables distribute by county.
import { sql } from 'drizzle-orm';
import { bigint, boolean, check, date, foreignKey, index, integer, pgTable, primaryKey, text, timestamp, uniqueIndex, uuid } from 'drizzle-orm/pg-core';
import { uuidv7 } from 'uuidv7';
import { createdAt, inList, photoFileColumns } from '../../db/columns.ts';
import { adminUnits, organizations, users } from '../governance/index.ts';
import {
  ACCOUNT_DIRECTIONS,
  ACCOUNT_PERIOD_STATUSES,
  ALL_ACCOUNT_CATEGORIES,
  NOTICE_CATEGORIES,
  NOTICE_STATUSES,
  WORKSHOP_BOOKING_STATUSES,
  WORKSHOP_STATUSES,
  type AccountCategory,
  type AccountDirection,
  type AccountPeriodStatus,
  type NoticeCategory,
  type NoticeStatus,
  type WorkshopBookingStatus,
  type WorkshopStatus,
  APPLICATION_STATUSES,
  APPRENTICESHIP_STATUSES,
  ARTISAN_LEVELS,
  JOB_APPLICATION_STATUSES,
  JOB_PAY_UNITS,
  JOB_POSTER_KINDS,
  JOB_STATUSES,
  PROGRAMME_KINDS,
  RESIDENT_STATUSES,
  type ApplicationStatus,
  type ApprenticeshipStatus,
  type ArtisanLevel,
  type JobApplicationStatus,
  type JobPayUnit,
  type JobPosterKind,
  type JobStatus,
  type ProgrammeKind,
  type ResidentStatus,
} from './constants.ts';

export * from './constants.ts';

const fen = (name: string) => bigint(name, { mode: 'number' });
const rowId = () =>
  uuid('id')
    .notNull()
    .$defaultFn(() => uuidv7());
const county = () =>
  uuid('county_id')
    .notNull()
    .references(() => adminUnits.id);
const updatedAt = () => timestamp('updated_at', { withTimezone: true }).notNull().defaultNow();

/** One person of a village's register. Personal data: only the person and the officials of the village and above read it. */
export const residents = pgTable(
  'people_residents',
  {
    countyId: county(),
    id: rowId(),
    villageId: uuid('village_id')
      .notNull()
      .references(() => adminUnits.id),
    /** The village's township, kept so an official's scope is one comparison. */
    townshipId: uuid('township_id')
      .notNull()
      .references(() => adminUnits.id),
    /** The person's account, once enrolled: they then read their own record and apply. */
    userId: uuid('user_id').references(() => users.id),
    fullName: text('full_name').notNull(),
    household: text('household').notNull().default(''),
    birthYear: integer('birth_year').notNull(),
    phone: text('phone').notNull().default(''),
    status: text('status').$type<ResidentStatus>().notNull(),
    /** Since when the status holds (the day they came back, for a returnee). */
    statusSince: date('status_since'),
    /** Where a returnee came back from (a city, a trade). */
    returnedFrom: text('returned_from'),
    occupation: text('occupation').notNull().default(''),
    skills: text('skills').array().notNull().default(sql`'{}'::text[]`),
    /** A one-time enrolment code the official hands to the person (only its SHA-256 is kept), and until when it works. */
    inviteHash: text('invite_hash'),
    inviteExpiresAt: timestamp('invite_expires_at', { withTimezone: true }),
    /** When the person consented to being registered (required). */
    consentAt: timestamp('consent_at', { withTimezone: true }).notNull(),
    createdAt: createdAt(),
    updatedAt: updatedAt(),
  },
  (t) => [
    primaryKey({ columns: [t.countyId, t.id] }),
    check('people_residents_status_check', inList('status', RESIDENT_STATUSES)),
    check('people_residents_returned_check', sql`(${t.status} = 'returned') = (${t.returnedFrom} is not null)`),
    check('people_residents_birth_year_check', sql`${t.birthYear} between 1900 and 2100`),
    uniqueIndex('people_residents_user_unique').on(t.countyId, t.userId),
    uniqueIndex('people_residents_invite_unique').on(t.countyId, t.inviteHash),
    index('people_residents_village_idx').on(t.countyId, t.villageId, t.status),
  ],
);

/** A support programme the county or a township offers, with its rules, budget and deadline. */
export const programmes = pgTable(
  'people_programmes',
  {
    countyId: county(),
    id: rowId(),
    /** The county or township that offers it; residents of the villages under it may apply. */
    unitId: uuid('unit_id')
      .notNull()
      .references(() => adminUnits.id),
    kind: text('kind').$type<ProgrammeKind>().notNull(),
    title: text('title').notNull(),
    /** The title in English as entered (English readers see it; else the Chinese title). */
    titleEn: text('title_en'),
    description: text('description').notNull().default(''),
    criteria: text('criteria').notNull().default(''),
    /** Only returnees may apply. */
    returneesOnly: boolean('returnees_only').notNull().default(false),
    /** The documents an applicant attaches (an ID card, a business plan, a lease), by name. */
    documents: text('documents').array().notNull().default(sql`'{}'::text[]`),
    budgetFen: fen('budget_fen').notNull(),
    /** The most one applicant may receive. */
    maxAwardFen: fen('max_award_fen').notNull(),
    disbursedFen: fen('disbursed_fen').notNull().default(0),
    /** The last day to apply (Asia/Shanghai). */
    deadline: date('deadline').notNull(),
    createdBy: uuid('created_by').references(() => users.id),
    createdAt: createdAt(),
  },
  (t) => [
    primaryKey({ columns: [t.countyId, t.id] }),
    check('people_programmes_kind_check', inList('kind', PROGRAMME_KINDS)),
    check('people_programmes_money_check', sql`${t.budgetFen} >= 0 and ${t.maxAwardFen} >= 0 and ${t.maxAwardFen} <= ${t.budgetFen}`),
    // The budget is never overspent: disbursing is a conditional update that this check backs.
    check('people_programmes_disbursed_check', sql`${t.disbursedFen} >= 0 and ${t.disbursedFen} <= ${t.budgetFen}`),
  ],
);

/** A resident's application to a programme and where it stands in the approval chain. */
export const applications = pgTable(
  'people_applications',
  {
    countyId: county(),
    id: rowId(),
    programmeId: uuid('programme_id').notNull(),
    residentId: uuid('resident_id').notNull(),
    villageId: uuid('village_id')
      .notNull()
      .references(() => adminUnits.id),
    amountFen: fen('amount_fen').notNull(),
    plan: text('plan').notNull(),
    /** The applicant's shop or inn, as the Market or the Inns know it (an id, resolved through their services). */
    businessLink: text('business_link'),
    status: text('status').$type<ApplicationStatus>().notNull().default('submitted'),
    reason: text('reason'),
    disbursedFen: fen('disbursed_fen').notNull().default(0),
    createdAt: createdAt(),
    updatedAt: updatedAt(),
  },
  (t) => [
    primaryKey({ columns: [t.countyId, t.id] }),
    foreignKey({ name: 'people_applications_programme_fk', columns: [t.countyId, t.programmeId], foreignColumns: [programmes.countyId, programmes.id] }),
    foreignKey({ name: 'people_applications_resident_fk', columns: [t.countyId, t.residentId], foreignColumns: [residents.countyId, residents.id] }),
    check('people_applications_status_check', inList('status', APPLICATION_STATUSES)),
    check('people_applications_amount_check', sql`${t.amountFen} > 0 and ${t.disbursedFen} >= 0 and ${t.disbursedFen} <= ${t.amountFen}`),
    check('people_applications_reason_check', sql`(${t.status} = 'rejected') <= (${t.reason} is not null)`),
    uniqueIndex('people_applications_once').on(t.countyId, t.programmeId, t.residentId),
    index('people_applications_village_idx').on(t.countyId, t.villageId, t.status),
  ],
);

/** Every step an application took, in order: the trail the applicant and the reviewers read. */
export const applicationSteps = pgTable(
  'people_application_steps',
  {
    countyId: county(),
    id: rowId(),
    applicationId: uuid('application_id').notNull(),
    fromStatus: text('from_status').$type<ApplicationStatus>().notNull(),
    toStatus: text('to_status').$type<ApplicationStatus>().notNull(),
    actorId: uuid('actor_id').references(() => users.id),
    note: text('note').notNull().default(''),
    at: timestamp('at', { withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [
    primaryKey({ columns: [t.countyId, t.id] }),
    foreignKey({ name: 'people_application_steps_application_fk', columns: [t.countyId, t.applicationId], foreignColumns: [applications.countyId, applications.id] }),
    check('people_application_steps_to_check', inList('to_status', APPLICATION_STATUSES)),
    // A step is taken once: a second approval racing the first fails here too.
    uniqueIndex('people_application_steps_once').on(t.countyId, t.applicationId, t.fromStatus, t.toStatus),
  ],
);

/** A master of a craft (a resident), with their recognition and workshop, who may take apprentices. */
export const artisans = pgTable(
  'people_artisans',
  {
    countyId: county(),
    id: rowId(),
    residentId: uuid('resident_id').notNull(),
    /** The name the master is publicly known by (recognised inheritors are public figures). */
    publicName: text('public_name').notNull(),
    craft: text('craft').notNull(),
    /** The craft as the Atlas documents it (its living culture of kind `craft`), when the county has recorded it there. */
    craftAssetId: uuid('craft_asset_id'),
    level: text('level').$type<ArtisanLevel>().notNull().default('none'),
    /** Their workshop, as governance registers organizations. */
    orgId: uuid('org_id').references(() => organizations.id),
    bio: text('bio').notNull().default(''),
    /** How many apprentices they take at once; 0 when they take none. */
    places: integer('places').notNull().default(0),
    createdAt: createdAt(),
  },
  (t) => [
    primaryKey({ columns: [t.countyId, t.id] }),
    foreignKey({ name: 'people_artisans_resident_fk', columns: [t.countyId, t.residentId], foreignColumns: [residents.countyId, residents.id] }),
    check('people_artisans_level_check', inList('level', ARTISAN_LEVELS)),
    check('people_artisans_places_check', sql`${t.places} between 0 and 50`),
    uniqueIndex('people_artisans_once').on(t.countyId, t.residentId, t.craft),
  ],
);

export const apprenticeships = pgTable(
  'people_apprenticeships',
  {
    countyId: county(),
    id: rowId(),
    artisanId: uuid('artisan_id').notNull(),
    residentId: uuid('resident_id').notNull(),
    status: text('status').$type<ApprenticeshipStatus>().notNull().default('applied'),
    motivation: text('motivation').notNull().default(''),
    createdAt: createdAt(),
    updatedAt: updatedAt(),
  },
  (t) => [
    primaryKey({ columns: [t.countyId, t.id] }),
    foreignKey({ name: 'people_apprenticeships_artisan_fk', columns: [t.countyId, t.artisanId], foreignColumns: [artisans.countyId, artisans.id] }),
    foreignKey({ name: 'people_apprenticeships_resident_fk', columns: [t.countyId, t.residentId], foreignColumns: [residents.countyId, residents.id] }),
    check('people_apprenticeships_status_check', inList('status', APPRENTICESHIP_STATUSES)),
    uniqueIndex('people_apprenticeships_once').on(t.countyId, t.artisanId, t.residentId),
  ],
);

/** A training session a master held with an apprentice. */
export const trainingSessions = pgTable(
  'people_training_sessions',
  {
    countyId: county(),
    id: rowId(),
    apprenticeshipId: uuid('apprenticeship_id').notNull(),
    heldOn: date('held_on').notNull(),
    minutes: integer('minutes').notNull(),
    skills: text('skills').notNull().default(''),
    note: text('note').notNull().default(''),
    loggedBy: uuid('logged_by').references(() => users.id),
    createdAt: createdAt(),
  },
  (t) => [
    primaryKey({ columns: [t.countyId, t.id] }),
    foreignKey({ name: 'people_training_sessions_apprenticeship_fk', columns: [t.countyId, t.apprenticeshipId], foreignColumns: [apprenticeships.countyId, apprenticeships.id] }),
    check('people_training_sessions_minutes_check', sql`${t.minutes} between 1 and 1440`),
    index('people_training_sessions_idx').on(t.countyId, t.apprenticeshipId, t.heldOn),
  ],
);

/** A job on the local board, posted by an organization (inn, cooperative, workshop) or for an intervention project. */
export const jobs = pgTable(
  'people_jobs',
  {
    countyId: county(),
    id: rowId(),
    posterKind: text('poster_kind').$type<JobPosterKind>().notNull(),
    orgId: uuid('org_id').references(() => organizations.id),
    /** The intervention project (its id, as the interventions module knows it) and its title when posted. */
    projectId: uuid('project_id'),
    posterName: text('poster_name').notNull(),
    /** Where the work is: the organization's unit, or the project's village. */
    unitId: uuid('unit_id')
      .notNull()
      .references(() => adminUnits.id),
    title: text('title').notNull(),
    /** The job's title in English as entered (English readers see it; else the Chinese title). */
    titleEn: text('title_en'),
    description: text('description').notNull().default(''),
    payFen: fen('pay_fen').notNull(),
    payUnit: text('pay_unit').$type<JobPayUnit>().notNull(),
    positions: integer('positions').notNull().default(1),
    /** The last day to apply (Asia/Shanghai). */
    closesOn: date('closes_on').notNull(),
    status: text('status').$type<JobStatus>().notNull().default('open'),
    createdBy: uuid('created_by').references(() => users.id),
    createdAt: createdAt(),
    updatedAt: updatedAt(),
  },
  (t) => [
    primaryKey({ columns: [t.countyId, t.id] }),
    check('people_jobs_poster_check', sql`(${t.posterKind} = 'organization' and ${t.orgId} is not null) or (${t.posterKind} = 'project' and ${t.projectId} is not null)`),
    check('people_jobs_poster_kind_check', inList('poster_kind', JOB_POSTER_KINDS)),
    check('people_jobs_pay_unit_check', inList('pay_unit', JOB_PAY_UNITS)),
    check('people_jobs_status_check', inList('status', JOB_STATUSES)),
    check('people_jobs_numbers_check', sql`${t.payFen} >= 0 and ${t.positions} between 1 and 500`),
    index('people_jobs_open_idx').on(t.countyId, t.status, t.closesOn),
  ],
);

/** A resident's application to a job; the poster accepts or declines it. */
export const jobApplications = pgTable(
  'people_job_applications',
  {
    countyId: county(),
    id: rowId(),
    jobId: uuid('job_id').notNull(),
    residentId: uuid('resident_id').notNull(),
    /** How the poster may reach them, as the applicant chose to give it. */
    contact: text('contact').notNull(),
    note: text('note').notNull().default(''),
    status: text('status').$type<JobApplicationStatus>().notNull().default('applied'),
    createdAt: createdAt(),
    updatedAt: updatedAt(),
  },
  (t) => [
    primaryKey({ columns: [t.countyId, t.id] }),
    foreignKey({ name: 'people_job_applications_job_fk', columns: [t.countyId, t.jobId], foreignColumns: [jobs.countyId, jobs.id] }),
    foreignKey({ name: 'people_job_applications_resident_fk', columns: [t.countyId, t.residentId], foreignColumns: [residents.countyId, residents.id] }),
    check('people_job_applications_status_check', inList('status', JOB_APPLICATION_STATUSES)),
    uniqueIndex('people_job_applications_once').on(t.countyId, t.jobId, t.residentId),
  ],
);

// ---- the village notice board and its published accounts (村务公开) ----

/** A notice the village's officials post on its board; withdrawn, it leaves the board but stays on record. */
export const notices = pgTable(
  'people_notices',
  {
    countyId: county(),
    id: rowId(),
    villageId: uuid('village_id')
      .notNull()
      .references(() => adminUnits.id),
    category: text('category').$type<NoticeCategory>().notNull(),
    title: text('title').notNull(),
    body: text('body').notNull(),
    pinned: boolean('pinned').notNull().default(false),
    status: text('status').$type<NoticeStatus>().notNull().default('published'),
    postedBy: uuid('posted_by').references(() => users.id),
    postedAt: timestamp('posted_at', { withTimezone: true }).notNull().defaultNow(),
    withdrawnAt: timestamp('withdrawn_at', { withTimezone: true }),
    withdrawnReason: text('withdrawn_reason'),
  },
  (t) => [
    primaryKey({ columns: [t.countyId, t.id] }),
    check('people_notices_category_check', inList('category', NOTICE_CATEGORIES)),
    check('people_notices_status_check', inList('status', NOTICE_STATUSES)),
    check('people_notices_withdrawn_check', sql`(${t.status} = 'withdrawn') = (${t.withdrawnAt} is not null and ${t.withdrawnReason} is not null)`),
    index('people_notices_board_idx').on(t.countyId, t.villageId, t.status, t.postedAt),
  ],
);

/** One period (a month or a quarter) of a village's accounts: drafted by its officials, then published and locked. */
export const accountPeriods = pgTable(
  'people_account_periods',
  {
    countyId: county(),
    id: rowId(),
    villageId: uuid('village_id')
      .notNull()
      .references(() => adminUnits.id),
    /** "2026-10" or "2026-Q4". */
    period: text('period').notNull(),
    note: text('note').notNull().default(''),
    status: text('status').$type<AccountPeriodStatus>().notNull().default('draft'),
    createdBy: uuid('created_by').references(() => users.id),
    createdAt: createdAt(),
    publishedBy: uuid('published_by').references(() => users.id),
    publishedAt: timestamp('published_at', { withTimezone: true }),
  },
  (t) => [
    primaryKey({ columns: [t.countyId, t.id] }),
    check('people_account_periods_status_check', inList('status', ACCOUNT_PERIOD_STATUSES)),
    check('people_account_periods_published_check', sql`(${t.status} = 'published') = (${t.publishedAt} is not null)`),
    uniqueIndex('people_account_periods_once').on(t.countyId, t.villageId, t.period),
  ],
);

/** One line of a period's accounts: income or spending, under a head, for an item, in integer fen. */
export const accountEntries = pgTable(
  'people_account_entries',
  {
    countyId: county(),
    id: rowId(),
    periodId: uuid('period_id').notNull(),
    direction: text('direction').$type<AccountDirection>().notNull(),
    category: text('category').$type<AccountCategory>().notNull(),
    item: text('item').notNull(),
    amountFen: fen('amount_fen').notNull(),
    occurredOn: date('occurred_on').notNull(),
    createdBy: uuid('created_by').references(() => users.id),
    createdAt: createdAt(),
  },
  (t) => [
    primaryKey({ columns: [t.countyId, t.id] }),
    foreignKey({ name: 'people_account_entries_period_fk', columns: [t.countyId, t.periodId], foreignColumns: [accountPeriods.countyId, accountPeriods.id] }),
    check('people_account_entries_direction_check', inList('direction', ACCOUNT_DIRECTIONS)),
    check('people_account_entries_category_check', inList('category', ALL_ACCOUNT_CATEGORIES)),
    check('people_account_entries_amount_check', sql`${t.amountFen} > 0`),
    index('people_account_entries_period_idx').on(t.countyId, t.periodId, t.occurredOn),
  ],
);

// ---- enrolment by phone: a one-time code sent by SMS to a number on the register ----

/** A signed-in person's pending proof that a phone number is theirs (only hashes are kept), one per account. */
export const phoneChallenges = pgTable(
  'people_phone_challenges',
  {
    countyId: county(),
    id: rowId(),
    userId: uuid('user_id')
      .notNull()
      .references(() => users.id, { onDelete: 'cascade' }),
    phoneHash: text('phone_hash').notNull(),
    codeHash: text('code_hash').notNull(),
    attempts: integer('attempts').notNull().default(0),
    expiresAt: timestamp('expires_at', { withTimezone: true }).notNull(),
    createdAt: createdAt(),
  },
  (t) => [primaryKey({ columns: [t.countyId, t.id] }), uniqueIndex('people_phone_challenges_user_unique').on(t.countyId, t.userId), check('people_phone_challenges_attempts_check', sql`${t.attempts} between 0 and 5`)],
);

// ---- apprenticeship details: photos of sessions, skill milestones, workshops visitors book ----

/** A photo of a training session; the files live in the storage under `people/`. */
export const sessionPhotos = pgTable(
  'people_session_photos',
  {
    countyId: county(),
    id: rowId(),
    sessionId: uuid('session_id').notNull(),
    ...photoFileColumns(),
    uploadedBy: uuid('uploaded_by').references(() => users.id, { onDelete: 'set null' }),
    createdAt: createdAt(),
  },
  (t) => [
    primaryKey({ columns: [t.countyId, t.id] }),
    foreignKey({ name: 'people_session_photos_session_fk', columns: [t.countyId, t.sessionId], foreignColumns: [trainingSessions.countyId, trainingSessions.id] }).onDelete('cascade'),
    check('people_session_photos_type_check', inList('content_type', ['image/jpeg', 'image/png', 'image/webp'])),
    index('people_session_photos_session_idx').on(t.countyId, t.sessionId),
  ],
);

/** A skill an apprentice has mastered, as the master attests it (once per skill). */
export const milestones = pgTable(
  'people_milestones',
  {
    countyId: county(),
    id: rowId(),
    apprenticeshipId: uuid('apprenticeship_id').notNull(),
    skill: text('skill').notNull(),
    reachedOn: date('reached_on').notNull(),
    note: text('note').notNull().default(''),
    recordedBy: uuid('recorded_by').references(() => users.id),
    createdAt: createdAt(),
  },
  (t) => [
    primaryKey({ columns: [t.countyId, t.id] }),
    foreignKey({ name: 'people_milestones_apprenticeship_fk', columns: [t.countyId, t.apprenticeshipId], foreignColumns: [apprenticeships.countyId, apprenticeships.id] }),
    uniqueIndex('people_milestones_once').on(t.countyId, t.apprenticeshipId, t.skill),
  ],
);

/** A workshop session a master opens to visitors: a bookable experience with a number of seats. */
export const workshops = pgTable(
  'people_workshops',
  {
    countyId: county(),
    id: rowId(),
    artisanId: uuid('artisan_id').notNull(),
    title: text('title').notNull(),
    description: text('description').notNull().default(''),
    startsAt: timestamp('starts_at', { withTimezone: true }).notNull(),
    minutes: integer('minutes').notNull(),
    seats: integer('seats').notNull(),
    /** Seats taken: a booking is a conditional increment that the check below backs, so no workshop is overbooked. */
    booked: integer('booked').notNull().default(0),
    /** Paid to the master at the workshop; 0 when free. */
    priceFen: fen('price_fen').notNull().default(0),
    status: text('status').$type<WorkshopStatus>().notNull().default('open'),
    createdBy: uuid('created_by').references(() => users.id),
    createdAt: createdAt(),
  },
  (t) => [
    primaryKey({ columns: [t.countyId, t.id] }),
    foreignKey({ name: 'people_workshops_artisan_fk', columns: [t.countyId, t.artisanId], foreignColumns: [artisans.countyId, artisans.id] }),
    check('people_workshops_status_check', inList('status', WORKSHOP_STATUSES)),
    check('people_workshops_numbers_check', sql`${t.minutes} between 15 and 1440 and ${t.seats} between 1 and 200 and ${t.booked} between 0 and ${t.seats} and ${t.priceFen} >= 0`),
    index('people_workshops_when_idx').on(t.countyId, t.status, t.startsAt),
  ],
);

/** A visitor's seats at a workshop. */
export const workshopBookings = pgTable(
  'people_workshop_bookings',
  {
    countyId: county(),
    id: rowId(),
    workshopId: uuid('workshop_id').notNull(),
    userId: uuid('user_id')
      .notNull()
      .references(() => users.id),
    seats: integer('seats').notNull(),
    /** The name the master calls the visitor by. */
    name: text('name').notNull(),
    status: text('status').$type<WorkshopBookingStatus>().notNull().default('booked'),
    createdAt: createdAt(),
    updatedAt: updatedAt(),
  },
  (t) => [
    primaryKey({ columns: [t.countyId, t.id] }),
    foreignKey({ name: 'people_workshop_bookings_workshop_fk', columns: [t.countyId, t.workshopId], foreignColumns: [workshops.countyId, workshops.id] }),
    check('people_workshop_bookings_status_check', inList('status', WORKSHOP_BOOKING_STATUSES)),
    check('people_workshop_bookings_seats_check', sql`${t.seats} between 1 and 20`),
    // One live booking per visitor and workshop (a cancelled one may be booked again).
    uniqueIndex('people_workshop_bookings_once').on(t.countyId, t.workshopId, t.userId).where(sql`status = 'booked'`),
  ],
);

/** A document an applicant attached to their application (an image or a PDF), under one of the programme's names. */
export const applicationDocuments = pgTable(
  'people_application_documents',
  {
    countyId: county(),
    id: rowId(),
    applicationId: uuid('application_id').notNull(),
    name: text('name').notNull(),
    storageKey: text('storage_key').notNull(),
    thumbKey: text('thumb_key'),
    contentType: text('content_type').notNull(),
    bytes: integer('bytes').notNull(),
    uploadedBy: uuid('uploaded_by').references(() => users.id, { onDelete: 'set null' }),
    createdAt: createdAt(),
  },
  (t) => [
    primaryKey({ columns: [t.countyId, t.id] }),
    foreignKey({ name: 'people_application_documents_application_fk', columns: [t.countyId, t.applicationId], foreignColumns: [applications.countyId, applications.id] }),
    check('people_application_documents_type_check', inList('content_type', ['image/jpeg', 'image/png', 'image/webp', 'application/pdf'])),
    index('people_application_documents_idx').on(t.countyId, t.applicationId),
  ],
);
