// Sending (`notify`, inside the caller's transaction), the in-app centre, and each user's channels and addresses.
import { and, desc, eq, inArray, isNull, lt, sql } from 'drizzle-orm';
import { uuidv7 } from 'uuidv7';
import type { Db } from '../../db/handle.ts';
import { recordAudit } from '../../server/audit.ts';
import { notFound } from '../../server/problems.ts';
import { orgMemberIds, type Actor } from '../governance/index.ts';
import {
  CHANNELS,
  DELIVERY_CHANNELS,
  NOTIFICATION_KINDS,
  notificationContacts,
  notificationDeliveries,
  notificationFollows,
  notificationPreferences,
  notifications,
  pushSubscriptions,
  type Channel,
  type DeliveryChannel,
  type NotificationKind,
} from './schema.ts';

/** Channels a user has until they choose: the centre, and the phone's browser if they subscribed it. */
export const DEFAULT_CHANNELS: readonly Channel[] = ['in_app', 'push'];

export interface NotifyInput {
  countyId: string;
  /** The users to tell, or every member of an organization (its role holders). */
  userIds?: string[];
  orgId?: string;
  /** And everyone who follows one of these topics (see `follow`). */
  followersOf?: string[];
  /** Users already told under this key are not told again (for senders that may repeat, like recurring jobs). */
  onceKey?: string;
  kind: NotificationKind;
  params?: Record<string, string | number>;
  /** Where the notification leads in the app (a path like `/market/orders`). */
  link?: string | null;
}

/**
 * Tells users about something, inside the caller's transaction: the in-app rows, and one outbox row per further
 * channel each user chose (the `notifications.deliver` job sends them and retries). Nothing here talks to the
 * network, so a channel that is down can never roll back the change that caused the notification; and the rows are
 * written in a savepoint, so a notification that cannot be recorded is dropped (with a warning naming only its kind
 * and the database's error code) while the change itself commits.
 */
export async function notify(tx: Db, input: NotifyInput): Promise<string[]> {
  try {
    return await tx.transaction((sp) => record(sp, input));
  } catch (error) {
    process.emitWarning(`notifications: a ${String(input.kind)} notification was not recorded (${errorCode(error)})`);
    return [];
  }
}

/** The database's error code (drizzle wraps the driver's error), never its message: that carries the parameters. */
const errorCode = (error: unknown): string => {
  const e = error as { code?: string; cause?: { code?: string }; name?: string };
  return e.cause?.code ?? e.code ?? e.name ?? 'error';
};

async function record(tx: Db, input: NotifyInput): Promise<string[]> {
  const recipients = new Set(input.userIds ?? []);
  if (input.orgId) for (const id of await orgMemberIds(tx, input.countyId, input.orgId)) recipients.add(id);
  if (input.followersOf?.length) for (const id of await followerIds(tx, input.countyId, input.followersOf)) recipients.add(id);
  if (!recipients.size) return [];
  const userIds = [...recipients];
  const prefs = await tx
    .select({ userId: notificationPreferences.userId, channels: notificationPreferences.channels })
    .from(notificationPreferences)
    .where(and(eq(notificationPreferences.countyId, input.countyId), eq(notificationPreferences.kind, input.kind), inArray(notificationPreferences.userId, userIds)));
  const chosen = new Map(prefs.map((p) => [p.userId, p.channels]));
  const values = userIds.map((userId) => ({ id: uuidv7(), countyId: input.countyId, userId, kind: input.kind, params: input.params ?? {}, link: input.link ?? null, onceKey: input.onceKey ?? null }));
  // Those already told under the once-key are left out (the unique key decides, even when two senders race).
  const rows = await tx.insert(notifications).values(values).onConflictDoNothing().returning({ id: notifications.id, userId: notifications.userId });
  const deliveries = rows.flatMap((n) =>
    (chosen.get(n.userId) ?? DEFAULT_CHANNELS)
      .filter((c): c is DeliveryChannel => (DELIVERY_CHANNELS as readonly string[]).includes(c))
      .map((channel) => ({ countyId: input.countyId, notificationId: n.id, channel })),
  );
  if (deliveries.length) await tx.insert(notificationDeliveries).values(deliveries);
  return rows.map((r) => r.id);
}

/** Who follows any of the topics (each user once). */
export async function followerIds(db: Db, countyId: string, topics: string[]): Promise<string[]> {
  const rows = await db
    .selectDistinct({ userId: notificationFollows.userId })
    .from(notificationFollows)
    .where(and(eq(notificationFollows.countyId, countyId), inArray(notificationFollows.topic, topics)));
  return rows.map((r) => r.userId);
}

/**
 * Starts or stops following a topic (inside the caller's transaction, which has checked the topic's record and
 * audits the change); answers whether the user now follows it. Following twice is following once.
 */
export async function follow(tx: Db, who: { id: string; countyId: string }, topic: string, on: boolean): Promise<boolean> {
  if (on) await tx.insert(notificationFollows).values({ countyId: who.countyId, userId: who.id, topic }).onConflictDoNothing();
  else await tx.delete(notificationFollows).where(and(eq(notificationFollows.countyId, who.countyId), eq(notificationFollows.userId, who.id), eq(notificationFollows.topic, topic)));
  return on;
}

export async function isFollowing(db: Db, who: { id: string; countyId: string }, topic: string): Promise<boolean> {
  const [row] = await db
    .select({ id: notificationFollows.id })
    .from(notificationFollows)
    .where(and(eq(notificationFollows.countyId, who.countyId), eq(notificationFollows.userId, who.id), eq(notificationFollows.topic, topic)));
  return !!row;
}

export interface NotificationView {
  id: string;
  kind: NotificationKind;
  params: Record<string, string | number>;
  link: string | null;
  read: boolean;
  createdAt: string;
}

export async function listMine(db: Db, who: Actor, options: { before?: string; limit: number; unreadOnly?: boolean }) {
  const rows = await db
    .select()
    .from(notifications)
    .where(
      and(
        eq(notifications.countyId, who.countyId),
        eq(notifications.userId, who.id),
        options.before ? lt(notifications.id, options.before) : undefined,
        options.unreadOnly ? isNull(notifications.readAt) : undefined,
      ),
    )
    .orderBy(desc(notifications.id))
    .limit(options.limit);
  return rows.map(
    (r): NotificationView => ({ id: r.id, kind: r.kind, params: r.params, link: r.link, read: r.readAt !== null, createdAt: r.createdAt.toISOString() }),
  );
}

export async function unreadCount(db: Db, who: Actor): Promise<number> {
  const [row] = await db
    .select({ n: sql<number>`count(*)::int` })
    .from(notifications)
    .where(and(eq(notifications.countyId, who.countyId), eq(notifications.userId, who.id), isNull(notifications.readAt)));
  return Number(row?.n ?? 0);
}

/** Marks one notification (or all, without an id) read; another user's notification is not found. */
export async function markRead(db: Db, who: Actor, id?: string): Promise<{ marked: number }> {
  return db.transaction(async (tx) => {
    if (id) {
      const [row] = await tx.select({ id: notifications.id }).from(notifications).where(and(eq(notifications.countyId, who.countyId), eq(notifications.id, id), eq(notifications.userId, who.id)));
      if (!row) throw notFound('Notification');
    }
    const marked = await tx
      .update(notifications)
      .set({ readAt: new Date() })
      .where(and(eq(notifications.countyId, who.countyId), eq(notifications.userId, who.id), isNull(notifications.readAt), id ? eq(notifications.id, id) : undefined))
      .returning({ id: notifications.id });
    await recordAudit(tx, who, { action: 'notifications.read', entity: 'notification', entityId: id ?? null, details: { count: marked.length } });
    return { marked: marked.length };
  });
}

export interface Preferences {
  kinds: { kind: NotificationKind; channels: Channel[] }[];
  contacts: { email: string | null; phone: string | null; wechatOpenId: string | null };
  pushSubscriptions: number;
}

export async function getPreferences(db: Db, who: Actor): Promise<Preferences> {
  const prefs = await db.select().from(notificationPreferences).where(and(eq(notificationPreferences.countyId, who.countyId), eq(notificationPreferences.userId, who.id)));
  const [contact] = await db.select().from(notificationContacts).where(and(eq(notificationContacts.countyId, who.countyId), eq(notificationContacts.userId, who.id)));
  const [subs] = await db
    .select({ n: sql<number>`count(*)::int` })
    .from(pushSubscriptions)
    .where(and(eq(pushSubscriptions.countyId, who.countyId), eq(pushSubscriptions.userId, who.id)));
  const byKind = new Map(prefs.map((p) => [p.kind, p.channels]));
  return {
    kinds: NOTIFICATION_KINDS.map((kind) => ({ kind, channels: [...(byKind.get(kind) ?? DEFAULT_CHANNELS)] })),
    contacts: { email: contact?.email ?? null, phone: contact?.phone ?? null, wechatOpenId: contact?.wechatOpenId ?? null },
    pushSubscriptions: Number(subs?.n ?? 0),
  };
}

export async function setPreferences(
  db: Db,
  who: Actor,
  input: { kinds?: { kind: NotificationKind; channels: Channel[] }[]; contacts?: Partial<Preferences['contacts']> },
): Promise<Preferences> {
  await db.transaction(async (tx) => {
    for (const { kind, channels } of input.kinds ?? []) {
      // The centre is always on: it is where every notification can be found again.
      const set = [...new Set<Channel>(['in_app', ...channels])].filter((c) => (CHANNELS as readonly string[]).includes(c));
      await tx
        .insert(notificationPreferences)
        .values({ countyId: who.countyId, userId: who.id, kind, channels: set })
        .onConflictDoUpdate({ target: [notificationPreferences.countyId, notificationPreferences.userId, notificationPreferences.kind], set: { channels: set, updatedAt: new Date() } });
    }
    if (input.contacts) {
      const c = input.contacts;
      const values = { ...(c.email !== undefined && { email: c.email }), ...(c.phone !== undefined && { phone: c.phone }), ...(c.wechatOpenId !== undefined && { wechatOpenId: c.wechatOpenId }) };
      await tx
        .insert(notificationContacts)
        .values({ countyId: who.countyId, userId: who.id, ...values })
        .onConflictDoUpdate({ target: [notificationContacts.countyId, notificationContacts.userId], set: { ...values, updatedAt: new Date() } });
    }
    // The audit says what changed, not the addresses themselves.
    await recordAudit(tx, who, {
      action: 'notifications.preferences',
      entity: 'user',
      entityId: who.id,
      details: { kinds: (input.kinds ?? []).map((k) => k.kind), contacts: Object.keys(input.contacts ?? {}) },
    });
  });
  return getPreferences(db, who);
}

export async function subscribePush(db: Db, who: Actor, sub: { endpoint: string; keys: { p256dh: string; auth: string } }) {
  await db.transaction(async (tx) => {
    await tx
      .insert(pushSubscriptions)
      .values({ countyId: who.countyId, userId: who.id, endpoint: sub.endpoint, p256dh: sub.keys.p256dh, auth: sub.keys.auth })
      .onConflictDoUpdate({ target: [pushSubscriptions.countyId, pushSubscriptions.endpoint], set: { userId: who.id, p256dh: sub.keys.p256dh, auth: sub.keys.auth } });
    await recordAudit(tx, who, { action: 'notifications.push-subscribed', entity: 'user', entityId: who.id });
  });
  return { subscribed: true };
}

export async function unsubscribePush(db: Db, who: Actor, endpoint: string) {
  return db.transaction(async (tx) => {
    const gone = await tx
      .delete(pushSubscriptions)
      .where(and(eq(pushSubscriptions.countyId, who.countyId), eq(pushSubscriptions.userId, who.id), eq(pushSubscriptions.endpoint, endpoint)))
      .returning({ id: pushSubscriptions.id });
    await recordAudit(tx, who, { action: 'notifications.push-unsubscribed', entity: 'user', entityId: who.id, details: { removed: gone.length } });
    return { subscribed: false };
  });
}
