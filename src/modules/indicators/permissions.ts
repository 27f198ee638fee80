import { OFFICIAL_ROLES } from '../governance/index.ts';

/** Officials read the dashboards and enter observations on their units; the county sets the catalogue and targets. */
export const INDICATORS_PERMISSIONS = {
  'indicators.read': OFFICIAL_ROLES,
  'indicators.observe': OFFICIAL_ROLES,
  'indicators.manage': ['county_admin'],
  /** Splitting a unit's targets over the units under it: the county over its townships, a township over its villages. */
  'indicators.plan': ['county_admin', 'town_official'],
} satisfies Record<string, readonly string[]>;
