// Inns: inns in restored houses, rooms and rates, search, holds and paid bookings that never double-book.
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { defineModule } from '../../server/module.ts';
import { listOrganizations } from '../governance/index.ts';
import { innsRoutes } from './routes.ts';
import * as schema from './schema.ts';
import { DEMO_INNS, seedDemoInn } from './seed.ts';
import { expireHolds } from './service.ts';

export const innsModule = defineModule({
  name: 'inns',
  schema,
  migrations: { folder: path.join(path.dirname(fileURLToPath(import.meta.url)), 'migrations') },
  routes: innsRoutes,
  async seed(tx, ctx) {
    for (const org of await listOrganizations(tx, { kind: 'inn' })) {
      const demo = DEMO_INNS[org.name];
      if (demo) await seedDemoInn(tx, org.name, demo, { countyId: ctx.countyId!, orgId: org.id, unitId: org.unitId });
    }
  },
  permissions: { 'inns.manage': ['county_admin', 'town_official', 'innkeeper'] },
  jobs: [
    {
      // A hold past its time already occupies nothing; this makes its expiry visible (and audited).
      name: 'inns.expire-holds',
      every: () => 60,
      maxAttempts: 1,
      run: async (_data, ctx) => ({ expired: await expireHolds(ctx.db) }),
    },
  ],
});

export { nightsByVillage } from './service.ts';
export { innsOfOrgs } from './services/ventures.ts';
