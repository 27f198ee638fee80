// Logistics: depots, a fleet of vans and drones, delivery requests to villages, day plans solved over the county's
// terrain by the routing solver (as jobs, in a worker thread), dispatch and delivery.
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { defineModule } from '../../server/module.ts';
import { LOGISTICS_PERMISSIONS } from './access.ts';
import { planDayJob } from './planning.ts';
import { importMarketOrdersJob } from './intake.ts';
import { whatIfJob } from './operations.ts';
import { logisticsRoutes } from './routes.ts';
import * as schema from './schema.ts';
import { seedLogistics } from './seed.ts';
import { closeRoutingPool } from './solver-pool/pool.ts';

export const logisticsModule = defineModule({
  name: 'logistics',
  schema,
  migrations: { folder: path.join(path.dirname(fileURLToPath(import.meta.url)), 'migrations') },
  routes: logisticsRoutes,
  seed: (tx, ctx) => seedLogistics(tx, ctx.countyId!),
  permissions: LOGISTICS_PERMISSIONS,
  jobs: [planDayJob, whatIfJob, importMarketOrdersJob],
  close: closeRoutingPool,
});

/** For Market's order page: where a paid order's parcel is on its way to the county hub. */
export { orderDelivery, DELIVERY_STATES } from './operations.ts';
export { droneDeliveriesByVillage } from './indicators.ts';
