import { OFFICIAL_ROLES } from '../governance/index.ts';

/** Residents propose; each level approves only at its level; the county funds and sets budgets. */
export const INTERVENTIONS_PERMISSIONS = {
  'interventions.propose': ['resident', 'village_official', 'town_official', 'county_admin'],
  'interventions.approve_village': ['village_official'],
  'interventions.review_township': ['town_official'],
  'interventions.approve_county': ['county_admin'],
  'interventions.manage': ['county_admin'],
  'interventions.execute': OFFICIAL_ROLES,
  'interventions.evaluate': ['town_official', 'county_admin'],
  'interventions.moderate': OFFICIAL_ROLES,
} satisfies Record<string, readonly string[]>;
