// Indicators: is each village thriving — economy, culture, ecology, people — observations, computed indicators, a
// composite index per village with its ranking and trend, dashboards and an XLSX export.
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { defineModule } from '../../server/module.ts';
import { INDICATORS_PERMISSIONS } from './permissions.ts';
import { recomputeJob } from './recompute.ts';
import { indicatorsRoutes } from './routes.ts';
import * as schema from './schema.ts';
import { seedIndicators } from './seed.ts';

export const indicatorsModule = defineModule({
  name: 'indicators',
  schema,
  migrations: { folder: path.join(path.dirname(fileURLToPath(import.meta.url)), 'migrations') },
  routes: indicatorsRoutes,
  seed: (tx, ctx) => seedIndicators(tx, ctx.countyId!),
  permissions: INDICATORS_PERMISSIONS,
  jobs: [recomputeJob],
});
