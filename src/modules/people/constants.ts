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
