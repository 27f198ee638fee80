// Notifications: one service every module sends through (`notify` inside its own transaction), an in-app centre,
// and delivery by email, Web Push, SMS and WeChat template messages through an outbox the job queue drains.
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { defineModule } from '../../server/module.ts';
import { deliverDue } from './channels.ts';
import { notificationsRoutes } from './routes.ts';
import * as schema from './schema.ts';

export const notificationsModule = defineModule({
  name: 'notifications',
  schema,
  migrations: { folder: path.join(path.dirname(fileURLToPath(import.meta.url)), 'migrations') },
  routes: notificationsRoutes,
  jobs: [
    {
      // Drains the outbox; a failing delivery is retried by the next runs with backoff, never failing the job.
      name: 'notifications.deliver',
      every: () => Number(process.env.NOTIFY_DELIVER_EVERY_SECONDS ?? 5),
      maxAttempts: 1,
      run: async (_data, ctx) => deliverDue(ctx.db),
    },
  ],
});

export { follow, isFollowing, notify, type NotifyInput } from './service.ts';
export { NOTIFICATION_KINDS, type NotificationKind } from './schema.ts';
