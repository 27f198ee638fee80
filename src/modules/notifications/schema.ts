// The notifications module's tables: what each user was told (the in-app centre), how it goes out on each channel
// (the outbox a recurring job drains, with retries), each user's channel choices and addresses, and Web Push.
import { sql } from 'drizzle-orm';
import { check, foreignKey, index, integer, jsonb, pgTable, primaryKey, text, timestamp, uniqueIndex, uuid, type AnyPgColumn } from 'drizzle-orm/pg-core';
import { adminUnits, users } from '../governance/index.ts';
import { createdAt, inList, tenantId } from '../../db/columns.ts';

/** Every kind a module may send; each has a sentence in the web's i18n (notifications namespace, `kind.<kind>`). */
export const NOTIFICATION_KINDS = [
  'order.new',
  'order.shipped',
  'order.refunded',
  'delivery.made',
  'booking.made',
  'booking.cancelled',
  'proposal.step',
  'vote.closing',
  'live.starting',
] as const;
export type NotificationKind = (typeof NOTIFICATION_KINDS)[number];

/** `in_app` is the centre itself (always on); the rest are delivered by the outbox. */
export const CHANNELS = ['in_app', 'email', 'push', 'sms', 'wechat'] as const;
export type Channel = (typeof CHANNELS)[number];
export const DELIVERY_CHANNELS = ['email', 'push', 'sms', 'wechat'] as const;
export type DeliveryChannel = (typeof DELIVERY_CHANNELS)[number];

export const DELIVERY_STATUSES = ['pending', 'sent', 'failed', 'skipped'] as const;
export type DeliveryStatus = (typeof DELIVERY_STATUSES)[number];

const pk = (t: { countyId: AnyPgColumn; id: AnyPgColumn }) => primaryKey({ columns: [t.id, t.countyId] });
const county = () =>
  uuid('county_id')
    .notNull()
    .references(() => adminUnits.id);
const user = () =>
  uuid('user_id')
    .notNull()
    .references(() => users.id, { onDelete: 'cascade' });

/** One thing one user was told: a kind and its parameters (rendered in the reader's language), and where it leads. */
export const notifications = pgTable(
  'notifications',
  {
    id: tenantId(),
    countyId: county(),
    userId: user(),
    kind: text('kind').$type<NotificationKind>().notNull(),
    params: jsonb('params').$type<Record<string, string | number>>().notNull().default(sql`'{}'::jsonb`),
    link: text('link'),
    /** Set by a sender that may say the same thing twice (a recurring job): a user is told once per key. */
    onceKey: text('once_key'),
    readAt: timestamp('read_at', { withTimezone: true }),
    createdAt: createdAt(),
  },
  (t) => [
    pk(t),
    check('notifications_kind_check', inList('kind', NOTIFICATION_KINDS)),
    index('notifications_user_idx').on(t.countyId, t.userId, t.createdAt),
    uniqueIndex('notifications_once_unique').on(t.countyId, t.userId, t.onceKey),
  ],
);

/** The outbox: one row per notification and channel the user chose, sent by the `notifications.deliver` job. */
export const notificationDeliveries = pgTable(
  'notification_deliveries',
  {
    id: tenantId(),
    countyId: county(),
    notificationId: uuid('notification_id').notNull(),
    channel: text('channel').$type<DeliveryChannel>().notNull(),
    status: text('status').$type<DeliveryStatus>().notNull().default('pending'),
    attempts: integer('attempts').notNull().default(0),
    nextAttemptAt: timestamp('next_attempt_at', { withTimezone: true }).notNull().defaultNow(),
    /** Why the last attempt failed (adapter message only: never an address or a key). */
    lastError: text('last_error'),
    sentAt: timestamp('sent_at', { withTimezone: true }),
    createdAt: createdAt(),
  },
  (t) => [
    pk(t),
    foreignKey({ columns: [t.notificationId, t.countyId], foreignColumns: [notifications.id, notifications.countyId] }).onDelete('cascade'),
    check('notification_deliveries_channel_check', inList('channel', DELIVERY_CHANNELS)),
    check('notification_deliveries_status_check', inList('status', DELIVERY_STATUSES)),
    index('notification_deliveries_due_idx').on(t.status, t.nextAttemptAt),
  ],
);

/** A user's channels for one kind (no row: the default, in-app and Web Push). */
export const notificationPreferences = pgTable(
  'notification_preferences',
  {
    id: tenantId(),
    countyId: county(),
    userId: user(),
    kind: text('kind').$type<NotificationKind>().notNull(),
    channels: text('channels').array().$type<Channel[]>().notNull(),
    updatedAt: timestamp('updated_at', { withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [pk(t), uniqueIndex('notification_preferences_unique').on(t.countyId, t.userId, t.kind), check('notification_preferences_kind_check', inList('kind', NOTIFICATION_KINDS))],
);

/**
 * What a user asked to be told about without being a party to it: a topic named by its module, like
 * `live.session:<id>` (tell me when this live session starts). Modules name the topics; this table only keeps them.
 */
export const notificationFollows = pgTable(
  'notification_follows',
  {
    id: tenantId(),
    countyId: county(),
    userId: user(),
    topic: text('topic').notNull(),
    createdAt: createdAt(),
  },
  (t) => [pk(t), uniqueIndex('notification_follows_unique').on(t.countyId, t.topic, t.userId), index('notification_follows_user_idx').on(t.countyId, t.userId)],
);

/** Where a user may be reached outside the app (users carry no address of their own). */
export const notificationContacts = pgTable(
  'notification_contacts',
  {
    id: tenantId(),
    countyId: county(),
    userId: user(),
    email: text('email'),
    phone: text('phone'),
    wechatOpenId: text('wechat_open_id'),
    updatedAt: timestamp('updated_at', { withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [pk(t), uniqueIndex('notification_contacts_user_unique').on(t.countyId, t.userId)],
);

/** A browser's Web Push subscription (its endpoint and the keys RFC 8291 encrypts to). */
export const pushSubscriptions = pgTable(
  'push_subscriptions',
  {
    id: tenantId(),
    countyId: county(),
    userId: user(),
    endpoint: text('endpoint').notNull(),
    p256dh: text('p256dh').notNull(),
    auth: text('auth').notNull(),
    createdAt: createdAt(),
  },
  (t) => [pk(t), uniqueIndex('push_subscriptions_endpoint_unique').on(t.countyId, t.endpoint), index('push_subscriptions_user_idx').on(t.countyId, t.userId)],
);

/** The county's VAPID key pair, generated once on first use unless VAPID_PUBLIC_KEY/VAPID_PRIVATE_KEY are set. */
export const vapidKeys = pgTable(
  'notification_vapid_keys',
  {
    countyId: county().primaryKey(),
    publicKey: text('public_key').notNull(),
    privateKey: text('private_key').notNull(),
    createdAt: createdAt(),
  },
);
