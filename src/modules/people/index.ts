// People: the village's register of residents and returnees, the county's support programmes with their approval
// chain, and artisans passing their craft on to apprentices.
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { defineModule } from '../../server/module.ts';
import { OFFICIAL_ROLES } from '../governance/index.ts';
import { sendEnrolCodeJob } from './phone-enrol.ts';
import { peopleRoutes } from './routes.ts';
import * as schema from './schema.ts';
import { seedPeople } from './seed.ts';

export const peopleModule = defineModule({
  name: 'people',
  schema,
  migrations: { folder: path.join(path.dirname(fileURLToPath(import.meta.url)), 'migrations') },
  routes: peopleRoutes,
  seed: (tx, ctx) => seedPeople(tx, ctx.countyId!),
  jobs: [sendEnrolCodeJob],
  permissions: {
    // Personal data: the officials of the person's village and above (inherited downward), and the person.
    'people.residents.read': OFFICIAL_ROLES,
    'people.residents.manage': OFFICIAL_ROLES,
    // Exporting rows of personal data (with a stated purpose, audited): the county admin only.
    'people.residents.export_rows': ['county_admin'],
    'people.programmes.manage': ['county_admin', 'town_official'],
    // Each level approves only at its own level.
    'people.applications.approve_village': ['village_official'],
    'people.applications.approve_township': ['town_official'],
    'people.applications.approve_county': ['county_admin'],
    // The jobs board: an organization's people (an inn's hosts, a cooperative's producers, a workshop's artisans) post
    // for it, and officials for the organizations under them; the officials of a project's village post for the project.
    'people.jobs.post': ['innkeeper', 'producer', 'artisan', ...OFFICIAL_ROLES],
    'people.jobs.manage_project': OFFICIAL_ROLES,
    // The village notice board and its published accounts: the officials of the village and above keep them.
    'people.affairs.manage': OFFICIAL_ROLES,
  },
});
export { apprenticeshipsByVillage, returneesByVillage } from './indicators.ts';
