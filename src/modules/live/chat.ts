// Chat and likes: stored, announced to every instance's viewers, rate-limited per user, moderated by the host.
import { and, count, eq, gt, isNull, sql } from 'drizzle-orm';
import type { Db } from '../../db/handle.ts';
import { recordAudit } from '../../server/audit.ts';
import { conflict, notFound, Problem, refusedTransition } from '../../server/problems.ts';
import { requireActor, type Actor } from '../governance/index.ts';
import { publishLiveEvent } from './realtime.ts';
import { hostedSession, iso } from './sessions.ts';
import { liveMessages, liveMutes, liveSessions } from './schema.ts';

/** At most this many messages (or likes) per user in the window, across instances (counted in the database). */
export const chatLimits = () => ({
  messages: Number(process.env.LIVE_CHAT_MAX_MESSAGES ?? 5),
  windowSeconds: Number(process.env.LIVE_CHAT_WINDOW_SECONDS ?? 10),
});

const tooFast = () => new Problem(429, 'rate_limited', 'Too many messages; wait a few seconds');

async function openSession(db: Db, sessionId: string) {
  const [s] = await db.select({ countyId: liveSessions.countyId, status: liveSessions.status }).from(liveSessions).where(eq(liveSessions.id, sessionId));
  if (!s) throw notFound('Session');
  if (s.status === 'ended') throw refusedTransition('The session has ended', 'ended');
  return s;
}

export async function postMessage(db: Db, actor: Actor | null, sessionId: string, body: string) {
  const who = requireActor(actor);
  const session = await openSession(db, sessionId);
  const limits = chatLimits();
  return db.transaction(async (tx) => {
    // Serialises one user's sends so that the count below cannot be raced by the same user's parallel requests.
    await tx.execute(sql`select pg_advisory_xact_lock(hashtext(${`live-chat:${who.id}`}))`);
    const [recent] = await tx
      .select({ n: count() })
      .from(liveMessages)
      .where(
        and(
          eq(liveMessages.countyId, session.countyId),
          eq(liveMessages.userId, who.id),
          gt(liveMessages.createdAt, sql`now() - make_interval(secs => ${limits.windowSeconds})`),
        ),
      );
    if (recent.n >= limits.messages) throw tooFast();
    const [muted] = await tx
      .select({ userId: liveMutes.userId })
      .from(liveMutes)
      .where(and(eq(liveMutes.countyId, session.countyId), eq(liveMutes.sessionId, sessionId), eq(liveMutes.userId, who.id)));
    if (muted) throw new Problem(403, 'muted', 'The host has muted you in this session');
    const [m] = await tx
      .insert(liveMessages)
      .values({ countyId: session.countyId, sessionId, userId: who.id, authorName: who.displayName, body })
      .returning();
    const message = { id: m.id, authorName: m.authorName, body: m.body, createdAt: iso(m.createdAt)! };
    await recordAudit(tx, who, { action: 'live.chat.post', entity: 'live_message', entityId: m.id, details: { sessionId } });
    await publishLiveEvent(tx, { sessionId, type: 'chat', data: message });
    return message;
  });
}

/** The host hides a message from everyone (it stays stored, marked deleted, with who deleted it). */
export async function deleteMessage(db: Db, actor: Actor | null, messageId: string) {
  const [m] = await db.select().from(liveMessages).where(eq(liveMessages.id, messageId));
  if (!m) throw notFound('Message');
  const { who } = await hostedSession(db, actor, m.sessionId);
  await db.transaction(async (tx) => {
    const [hidden] = await tx
      .update(liveMessages)
      .set({ deletedAt: new Date(), deletedBy: who.id })
      .where(and(eq(liveMessages.countyId, m.countyId), eq(liveMessages.id, messageId), isNull(liveMessages.deletedAt)))
      .returning({ id: liveMessages.id });
    if (!hidden) return;
    await recordAudit(tx, who, { action: 'live.chat.delete', entity: 'live_message', entityId: messageId, details: { sessionId: m.sessionId, authorId: m.userId } });
    await publishLiveEvent(tx, { sessionId: m.sessionId, type: 'chat_deleted', data: { id: messageId } });
  });
}

/** The host silences the author of a message for the rest of the session (and hides that message). */
export async function muteAuthor(db: Db, actor: Actor | null, messageId: string) {
  const [m] = await db.select().from(liveMessages).where(eq(liveMessages.id, messageId));
  if (!m) throw notFound('Message');
  const { who } = await hostedSession(db, actor, m.sessionId);
  if (m.userId === who.id) throw conflict('cannot_mute_self', 'The host cannot mute themselves');
  await db.transaction(async (tx) => {
    const [added] = await tx
      .insert(liveMutes)
      .values({ countyId: m.countyId, sessionId: m.sessionId, userId: m.userId, mutedBy: who.id })
      .onConflictDoNothing()
      .returning({ userId: liveMutes.userId });
    if (added) await recordAudit(tx, who, { action: 'live.chat.mute', entity: 'live_session', entityId: m.sessionId, details: { userId: m.userId, messageId } });
  });
  await deleteMessage(db, actor, messageId);
  return { muted: true };
}

export async function like(db: Db, actor: Actor | null, sessionId: string) {
  const who = requireActor(actor);
  const session = await openSession(db, sessionId);
  return db.transaction(async (tx) => {
    const [row] = await tx
      .update(liveSessions)
      .set({ likes: sql`${liveSessions.likes} + 1` })
      .where(and(eq(liveSessions.countyId, session.countyId), eq(liveSessions.id, sessionId)))
      .returning({ likes: liveSessions.likes });
    await recordAudit(tx, who, { action: 'live.like', entity: 'live_session', entityId: sessionId });
    await publishLiveEvent(tx, { sessionId, type: 'likes', data: { likes: row.likes } });
    return { likes: row.likes };
  });
}
