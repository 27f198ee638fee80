// Governance: admin units (county > township > village), organizations, users, role grants, sessions and the
// permission check every module uses. This file is the module's manifest and its only public surface.
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { defineModule } from '../../server/module.ts';
import { loadSession } from './auth.service.ts';
import { GOVERNANCE_PERMISSIONS } from './permissions.ts';
import { governanceRoutes } from './routes.ts';
import * as schema from './schema.ts';
import { seedGovernance } from './seed.ts';

export const governanceModule = defineModule({
  name: 'governance',
  schema,
  // Its history predates per-module bookkeeping tables: it keeps drizzle's default one.
  migrations: { folder: path.join(path.dirname(fileURLToPath(import.meta.url)), 'migrations'), table: '__drizzle_migrations' },
  routes: governanceRoutes,
  seed: seedGovernance,
  permissions: GOVERNANCE_PERMISSIONS,
  sessions: { load: loadSession },
});

export { adminUnits, organizations, users, ROLES, ORG_KINDS, UNIT_LEVELS } from './schema.ts';
export type { Role, OrgKind, UnitLevel } from './schema.ts';
export { authorize, requireActor, holdsAnyRole, holdsPermissionAnywhere, OFFICIAL_ROLES } from './permissions.ts';
export type { Actor, Grant, Permission, Scope } from './permissions.ts';
export {
  getCountyTree,
  getUnit,
  grantVillageResidency,
  listOrganizations,
  orgMemberIds,
  orgsOfUser,
  revokeVillageResidency,
  unitRoleHolderIds,
  unitsByName,
  userIdsByUsername,
  usersByIds,
  villageIdsWithin,
  villagesByIds,
} from './service.ts';
export type { AdminUnit, PublicUnit, UserCard, VillageWithTownship } from './service.ts';
export { DEMO_ACCOUNTS, pinyinName, readVillagesCsv } from './seed.ts';
export { issueSetupToken, previewSetup, setUpCounty, setupNeeded, SETUP_TOKEN_HOURS } from './setup.service.ts';
export type { SetupInput, SetupPreview, SetupResult } from './setup.service.ts';
