import { OFFICIAL_ROLES } from '../governance/index.ts';

/** Officials read the dashboards and enter observations on their units; the county sets the catalogue and targets. */
export const INDICATORS_PERMISSIONS = {
  'indicators.read': OFFICIAL_ROLES,
  'indicators.observe': OFFICIAL_ROLES,
  'indicators.manage': ['county_admin'],
} satisfies Record<string, readonly string[]>;
