// Interventions: gentle-intervention proposals checked against heritage rules, the approval chain, residents' votes
// and comments, execution, and budget rounds solved as a MILP.
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { defineModule } from '../../server/module.ts';
import { closePortfolioPool } from './portfolio/pool.ts';
import { INTERVENTIONS_PERMISSIONS } from './permissions.ts';
import { solveRoundJob } from './rounds.ts';
import { interventionsRoutes } from './routes.ts';
import * as schema from './schema.ts';
import { seedInterventions } from './seed.ts';

export const interventionsModule = defineModule({
  name: 'interventions',
  schema,
  migrations: { folder: path.join(path.dirname(fileURLToPath(import.meta.url)), 'migrations') },
  routes: interventionsRoutes,
  seed: (tx, ctx) => seedInterventions(tx, ctx.countyId!),
  permissions: INTERVENTIONS_PERMISSIONS,
  jobs: [solveRoundJob],
  close: closePortfolioPool,
});

export { activeProjects, fundedByVillage } from './service.ts';
export { restoredByVillage } from './services/indicators.ts';
