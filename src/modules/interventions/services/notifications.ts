import { and, desc, eq, gt, or, sql } from 'drizzle-orm';
import { type Db } from '../../../db/handle.ts';
import { requireActor, type Actor } from '../../governance/index.ts';
import { interventionNotificationReads, interventionNotifications, interventions } from '../schema.ts';

// ---- notifications ----

function notificationFilter(who: Actor) {
  const byRole = who.grants.filter((g) => g.unitId).map((g) => and(eq(interventionNotifications.role, g.role), eq(interventionNotifications.unitId, g.unitId!)));
  return and(eq(interventionNotifications.countyId, who.countyId), or(eq(interventionNotifications.userId, who.id), ...byRole));
}

export async function listNotifications(db: Db, actor: Actor | null) {
  const who = requireActor(actor);
  const [read] = await db.select().from(interventionNotificationReads).where(and(eq(interventionNotificationReads.countyId, who.countyId), eq(interventionNotificationReads.userId, who.id)));
  const rows = await db
    .select({ id: interventionNotifications.id, interventionId: interventionNotifications.interventionId, title: interventions.title, titleEn: interventions.titleEn, kind: interventionNotifications.kind, status: interventionNotifications.status, at: interventionNotifications.createdAt })
    .from(interventionNotifications)
    .innerJoin(interventions, eq(interventions.id, interventionNotifications.interventionId))
    .where(notificationFilter(who))
    .orderBy(desc(interventionNotifications.createdAt), desc(interventionNotifications.id))
    .limit(50);
  const readUntil = read?.readUntil ?? new Date(0);
  return { unread: rows.filter((r) => r.at > readUntil).length, items: rows.map((r) => ({ ...r, unread: r.at > readUntil })) };
}

export async function markNotificationsRead(db: Db, actor: Actor | null) {
  const who = requireActor(actor);
  const now = new Date();
  await db.insert(interventionNotificationReads).values({ countyId: who.countyId, userId: who.id, readUntil: now }).onConflictDoUpdate({ target: [interventionNotificationReads.countyId, interventionNotificationReads.userId], set: { readUntil: now } });
}

export async function unreadCount(db: Db, actor: Actor | null) {
  const who = requireActor(actor);
  const [read] = await db.select().from(interventionNotificationReads).where(and(eq(interventionNotificationReads.countyId, who.countyId), eq(interventionNotificationReads.userId, who.id)));
  const [{ n }] = await db
    .select({ n: sql<number>`count(*)::int` })
    .from(interventionNotifications)
    .where(and(notificationFilter(who), read ? gt(interventionNotifications.createdAt, read.readUntil) : undefined));
  return n;
}
