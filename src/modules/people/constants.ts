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
