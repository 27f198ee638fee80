import { OFFICIAL_ROLES } from '../governance/index.ts';

export const ATLAS_PERMISSIONS = {
  'atlas.edit': OFFICIAL_ROLES,
  'atlas.publish': ['county_admin', 'town_official'],
} satisfies Record<string, readonly string[]>;
