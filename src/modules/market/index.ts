// Market: producers' shops, catalogue, cart and checkout with stock reservations, orders, batch trace with QR codes.
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { defineModule } from '../../server/module.ts';
import { marketRoutes } from './routes.ts';
import * as schema from './schema.ts';
import { seedMarketDemo } from './seed.ts';
import { sweepExpiredReservations } from './service.ts';

export const marketModule = defineModule({
  name: 'market',
  schema,
  migrations: { folder: path.join(path.dirname(fileURLToPath(import.meta.url)), 'migrations') },
  routes: marketRoutes,
  seed: (tx) => seedMarketDemo(tx),
  permissions: { 'market.sell': ['county_admin', 'producer'] },
  jobs: [
    {
      // Releases stock held by unpaid orders whose reservation expired (each release audited).
      name: 'market.release-expired-reservations',
      every: () => Number(process.env.MARKET_SWEEP_SECONDS ?? 30),
      maxAttempts: 1,
      run: async (_data, ctx) => ({ released: await sweepExpiredReservations(ctx.db) }),
    },
  ],
});

export { salesByProducer } from './service.ts';
export { getProduct, listProducts, payOrder } from './service.ts';
export { expireUnpaidOrder, orderSetAsideUnit, whenOrderPaid } from './service.ts';
export type { ShippingAddress } from './schema.ts';
export { address as shippingAddressInput } from './routes.ts';
export { returnStock, setAsideStock } from './stock.ts';
export { orderParties, paidOrdersForPickup } from './logistics-seam.ts';
export { shopOrgIds } from './services/ventures.ts';
