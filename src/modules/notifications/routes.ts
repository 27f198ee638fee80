import type { FastifyPluginAsync } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { SESSION } from '../../server/openapi.ts';
import { requireActor } from '../governance/index.ts';
import { vapidKeysFor } from './channels.ts';
import { CHANNELS, NOTIFICATION_KINDS } from './schema.ts';
import * as svc from './service.ts';

const tags = ['notifications'];
const noNul = (s: string) => !s.includes('\u0000');
const notification = z.object({
  id: z.uuid(),
  kind: z.enum(NOTIFICATION_KINDS),
  params: z.record(z.string(), z.union([z.string(), z.number()])),
  link: z.string().nullable(),
  read: z.boolean(),
  createdAt: z.string(),
});
const contacts = z.object({ email: z.string().nullable(), phone: z.string().nullable(), wechatOpenId: z.string().nullable() });
const preferences = z.object({
  kinds: z.array(z.object({ kind: z.enum(NOTIFICATION_KINDS), channels: z.array(z.enum(CHANNELS)) })),
  contacts,
  pushSubscriptions: z.number().int(),
});
const httpsUrl = z
  .url()
  .max(2000)
  .refine((u) => u.startsWith('https://'), 'An https URL');
const b64url = (max: number) => z.string().min(8).max(max).regex(/^[A-Za-z0-9_-]+=*$/, 'Base64url');

export const notificationsRoutes: FastifyPluginAsync = async (base) => {
  const app = base.withTypeProvider<ZodTypeProvider>();

  app.get(
    '/notifications',
    {
      schema: { security: SESSION,
        tags,
        summary: 'The signed-in user’s notifications, newest first',
        operationId: 'listNotifications',
        querystring: z.strictObject({ before: z.uuid().optional(), limit: z.coerce.number().int().min(1).max(100).default(30), unread: z.enum(['true', 'false']).optional() }),
        response: { 200: z.object({ items: z.array(notification), unread: z.number().int() }) },
      },
    },
    async (req) => {
      const who = requireActor(req.actor);
      const [items, unread] = await Promise.all([
        svc.listMine(app.db, who, { before: req.query.before, limit: req.query.limit, unreadOnly: req.query.unread === 'true' }),
        svc.unreadCount(app.db, who),
      ]);
      return { items, unread };
    },
  );

  app.get(
    '/notifications/unread-count',
    { schema: { security: SESSION, tags, summary: 'How many notifications the signed-in user has not read (the bell)', operationId: 'countUnreadNotifications', response: { 200: z.object({ unread: z.number().int() }) } } },
    async (req) => ({ unread: await svc.unreadCount(app.db, requireActor(req.actor)) }),
  );

  app.post(
    '/notifications/:id/read',
    { schema: { security: SESSION, tags, summary: 'Mark one notification read', operationId: 'markNotificationRead', params: z.strictObject({ id: z.uuid() }), response: { 200: z.object({ marked: z.number().int() }) } } },
    async (req) => svc.markRead(app.db, requireActor(req.actor), req.params.id),
  );

  app.post(
    '/notifications/read-all',
    { schema: { security: SESSION, tags, summary: 'Mark every notification read', operationId: 'markAllNotificationsRead', response: { 200: z.object({ marked: z.number().int() }) } } },
    async (req) => svc.markRead(app.db, requireActor(req.actor)),
  );

  app.get(
    '/notifications/preferences',
    { schema: { security: SESSION, tags, summary: 'The channels the signed-in user chose for each kind, and their addresses', operationId: 'getNotificationPreferences', response: { 200: preferences } } },
    async (req) => svc.getPreferences(app.db, requireActor(req.actor)),
  );

  app.put(
    '/notifications/preferences',
    {
      schema: { security: SESSION,
        tags,
        summary: 'Choose channels per kind, and the addresses to reach the user',
        operationId: 'setNotificationPreferences',
        body: z.strictObject({
          kinds: z
            .array(z.strictObject({ kind: z.enum(NOTIFICATION_KINDS), channels: z.array(z.enum(CHANNELS)).max(CHANNELS.length) }))
            .max(NOTIFICATION_KINDS.length)
            .optional(),
          contacts: z
            .strictObject({
              email: z.email().max(254).nullable().optional(),
              phone: z
                .string()
                .regex(/^\+?[0-9]{6,15}$/, 'A phone number')
                .nullable()
                .optional(),
              wechatOpenId: z.string().trim().min(1).max(128).refine(noNul, 'No NUL characters').nullable().optional(),
            })
            .optional(),
        }),
        response: { 200: preferences },
      },
    },
    async (req) => svc.setPreferences(app.db, requireActor(req.actor), req.body),
  );

  app.get(
    '/notifications/push/key',
    { schema: { security: SESSION, tags, summary: 'The VAPID public key a browser subscribes with', operationId: 'getPushKey', response: { 200: z.object({ publicKey: z.string() }) } } },
    async (req) => ({ publicKey: (await vapidKeysFor(app.db, requireActor(req.actor).countyId)).publicKey }),
  );

  app.post(
    '/notifications/push/subscriptions',
    {
      schema: { security: SESSION,
        tags,
        summary: 'Subscribe this browser to Web Push',
        operationId: 'subscribePush',
        body: z.strictObject({ endpoint: httpsUrl, expirationTime: z.number().nullable().optional(), keys: z.strictObject({ p256dh: b64url(200), auth: b64url(64) }) }),
        response: { 200: z.object({ subscribed: z.boolean() }) },
      },
    },
    async (req) => svc.subscribePush(app.db, requireActor(req.actor), req.body),
  );

  app.post(
    '/notifications/push/unsubscribe',
    {
      schema: { security: SESSION,
        tags,
        summary: 'Stop Web Push to this browser',
        operationId: 'unsubscribePush',
        body: z.strictObject({ endpoint: httpsUrl }),
        response: { 200: z.object({ subscribed: z.boolean() }) },
      },
    },
    async (req) => svc.unsubscribePush(app.db, requireActor(req.actor), req.body.endpoint),
  );
};
