// Live: producers' live-stream sales — scheduled sessions, chat and likes in real time across instances,
// flash offers with a quota the database enforces, paid through the payments module.
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { defineModule } from '../../server/module.ts';
import { closeEndedOffers, releaseExpiredClaims } from './flash.ts';
import { remindStartingSoon } from './reminders.ts';
import { liveRoutes } from './routes.ts';
import * as schema from './schema.ts';
import { seedDemoSession } from './seed.ts';
import { externalVideo } from './video.ts';

export const liveModule = defineModule({
  name: 'live',
  schema,
  migrations: { folder: path.join(path.dirname(fileURLToPath(import.meta.url)), 'migrations') },
  routes: liveRoutes,
  seed: (tx, ctx) => seedDemoSession(tx, ctx.countyId!),
  permissions: { 'live.host': ['county_admin', 'producer'] },
  // An external media server's HLS (LIVE_HLS_URL) is fetched and played by the page from its own origin.
  mediaOrigins: () => externalVideo()?.origins ?? [],
  jobs: [
    {
      // Unpaid flash-offer claims past their time return to the quota (each release audited and announced);
      // offers whose duration is over close and give their unhanded units back to the market's stock.
      name: 'live.release-expired-claims',
      every: () => Number(process.env.LIVE_RELEASE_SECONDS ?? 30),
      maxAttempts: 1,
      run: async (_data, ctx) => ({ released: await releaseExpiredClaims(ctx.db), closed: await closeEndedOffers(ctx.db) }),
    },
    {
      // Followers of a session starting within LIVE_REMIND_MINUTES are reminded, once each (a re-run tells nobody twice).
      name: 'live.remind-starting',
      every: () => Number(process.env.LIVE_REMIND_EVERY_SECONDS ?? 60),
      maxAttempts: 1,
      run: async (_data, ctx) => ({ told: await remindStartingSoon(ctx.db) }),
    },
  ],
});
export { liveRevenueByProducer } from './indicators.ts';
