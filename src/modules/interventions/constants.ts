// The module's enumerations, with no dependencies: shared by the schema, the service and the web client.
export const INTERVENTION_TYPES = [
  'restoration',
  'reuse_inn',
  'reuse_tea_workshop',
  'reuse_museum',
  'reuse_library',
  'reuse_craft_workshop',
  'reuse_public_space',
  'infra_water',
  'infra_sewage',
  'infra_paths',
  'infra_lighting',
  'infra_broadband',
  'infra_landscape',
] as const;
export type InterventionType = (typeof INTERVENTION_TYPES)[number];

/** The workflow, in order; `rejected` can be reached from each review step. */
export const STATUSES = [
  'draft',
  'submitted',
  'village_approved',
  'township_reviewed',
  'county_approved',
  'funded',
  'in_progress',
  'completed',
  'evaluated',
  'rejected',
] as const;
export type Status = (typeof STATUSES)[number];

export const FUNDING_SOURCES = ['county', 'provincial', 'village', 'private'] as const;
export type FundingSource = (typeof FUNDING_SOURCES)[number];

export const PILLARS = ['jobs', 'returningResidents', 'visitorsPerYear', 'incomeFen', 'culturalValue', 'ecologicalEffect'] as const;
export type Pillar = (typeof PILLARS)[number];
export type Outcomes = Record<Pillar, number>;

/** Protection levels as the heritage rules know them, strictest first. */
export const PROTECTION_LEVELS = ['national', 'provincial', 'county', 'historic', 'traditional', 'none'] as const;
export type ProtectionLevel = (typeof PROTECTION_LEVELS)[number];

/** The workflow steps a proposal takes (a notification names the step that was taken). */
export const ACTIONS = ['submit', 'approve', 'reject', 'fund', 'start', 'complete', 'evaluate'] as const;
export type Action = (typeof ACTIONS)[number];
