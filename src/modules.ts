// The one list of the platform's modules, in dependency order: migrations, seeds and routes run in this order.
// Adding a module is a folder with its index.ts and one line here (and one in src/web/modules.tsx).
import { atlasModule } from './modules/atlas/index.ts';
import { governanceModule } from './modules/governance/index.ts';
import { indicatorsModule } from './modules/indicators/index.ts';
import { innsModule } from './modules/inns/index.ts';
import { interventionsModule } from './modules/interventions/index.ts';
import { logisticsModule } from './modules/logistics/index.ts';
import { liveModule } from './modules/live/index.ts';
import { marketModule } from './modules/market/index.ts';
import { paymentsModule } from './modules/payments/index.ts';
import { peopleModule } from './modules/people/index.ts';
import { notificationsModule } from './modules/notifications/index.ts';
import type { ModuleManifest } from './server/module.ts';

export const MODULES: readonly ModuleManifest[] = [
  governanceModule,
  atlasModule,
  marketModule,
  // After the market: its tables were created by the market's migrations before it became a module.
  paymentsModule,
  interventionsModule,
  innsModule,
  logisticsModule,
  peopleModule,
  liveModule,
  // After every module it computes indicators from, so that the demo's first computation sees their seeds.
  indicatorsModule,
  notificationsModule,
];
