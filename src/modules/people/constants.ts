// The people module's enumerations, with no dependencies: shared by the schema, the services and the web client.

/** Where a resident stands: living in the village, working away, or come back (a returnee). */
export const RESIDENT_STATUSES = ['living', 'working_away', 'returned'] as const;
export type ResidentStatus = (typeof RESIDENT_STATUSES)[number];

export const PROGRAMME_KINDS = ['startup_grant', 'subsidised_loan', 'training', 'workspace', 'housing'] as const;
export type ProgrammeKind = (typeof PROGRAMME_KINDS)[number];

/** An application's path: the village, then the township, then the county approve; the county disburses. */
export const APPLICATION_STATUSES = ['submitted', 'village_approved', 'township_approved', 'approved', 'disbursed', 'rejected', 'withdrawn'] as const;
export type ApplicationStatus = (typeof APPLICATION_STATUSES)[number];
export const APPLICATION_ACTIONS = ['approve', 'reject', 'disburse', 'withdraw'] as const;
export type ApplicationAction = (typeof APPLICATION_ACTIONS)[number];

/** Recognition of a master of a craft as an inheritor of intangible heritage. */
export const ARTISAN_LEVELS = ['national', 'provincial', 'municipal', 'county', 'none'] as const;
export type ArtisanLevel = (typeof ARTISAN_LEVELS)[number];

export const APPRENTICESHIP_STATUSES = ['applied', 'active', 'declined', 'completed'] as const;
export type ApprenticeshipStatus = (typeof APPRENTICESHIP_STATUSES)[number];

/** The local jobs board: who posts (an inn's, a cooperative's, a workshop's organization, or an intervention project). */
export const JOB_POSTER_KINDS = ['organization', 'project'] as const;
export type JobPosterKind = (typeof JOB_POSTER_KINDS)[number];
export const JOB_PAY_UNITS = ['hour', 'day', 'month', 'piece'] as const;
export type JobPayUnit = (typeof JOB_PAY_UNITS)[number];
export const JOB_STATUSES = ['open', 'closed'] as const;
export type JobStatus = (typeof JOB_STATUSES)[number];
export const JOB_APPLICATION_STATUSES = ['applied', 'accepted', 'declined', 'withdrawn'] as const;
export type JobApplicationStatus = (typeof JOB_APPLICATION_STATUSES)[number];

/** The village notice board (村务公开): what a notice is about — village affairs, Party affairs, finances, a plain notice. */
export const NOTICE_CATEGORIES = ['affairs', 'party', 'finance', 'notice'] as const;
export type NoticeCategory = (typeof NOTICE_CATEGORIES)[number];
export const NOTICE_STATUSES = ['published', 'withdrawn'] as const;
export type NoticeStatus = (typeof NOTICE_STATUSES)[number];

/** The village's published accounts: a period (a month or a quarter) is drafted, then published and locked. */
export const ACCOUNT_PERIOD_STATUSES = ['draft', 'published'] as const;
export type AccountPeriodStatus = (typeof ACCOUNT_PERIOD_STATUSES)[number];
export const ACCOUNT_DIRECTIONS = ['income', 'expense'] as const;
export type AccountDirection = (typeof ACCOUNT_DIRECTIONS)[number];
/** The heads of a village collective's accounts, as its income and spending are published. */
export const ACCOUNT_CATEGORIES = {
  income: ['operations', 'contracting', 'investment', 'subsidy', 'other_income'],
  expense: ['operating_costs', 'management', 'public_welfare', 'construction', 'other_expense'],
} as const satisfies Record<AccountDirection, readonly string[]>;
export const ALL_ACCOUNT_CATEGORIES = [...ACCOUNT_CATEGORIES.income, ...ACCOUNT_CATEGORIES.expense] as const;
export type AccountCategory = (typeof ALL_ACCOUNT_CATEGORIES)[number];
/** "2026-10" (a month) or "2026-Q4" (a quarter). */
export const ACCOUNT_PERIOD_PATTERN = /^(19|20)[0-9]{2}-(0[1-9]|1[0-2]|Q[1-4])$/;

/** A master's workshop open to visitors: an experience with a number of seats, booked until they are taken. */
export const WORKSHOP_STATUSES = ['open', 'cancelled'] as const;
export type WorkshopStatus = (typeof WORKSHOP_STATUSES)[number];
export const WORKSHOP_BOOKING_STATUSES = ['booked', 'cancelled'] as const;
export type WorkshopBookingStatus = (typeof WORKSHOP_BOOKING_STATUSES)[number];
