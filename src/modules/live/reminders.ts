// Reminders: a viewer asks to be told when a session starts; they are told a little before its scheduled time (a
// recurring job) and when the host goes live, once each, through the notifications module.
import { and, eq, gt, lte, sql } from 'drizzle-orm';
import type { Db } from '../../db/handle.ts';
import { recordAudit } from '../../server/audit.ts';
import { notFound, refusedTransition } from '../../server/problems.ts';
import { requireActor, type Actor } from '../governance/index.ts';
import { follow, isFollowing, notify } from '../notifications/index.ts';
import { liveSessions } from './schema.ts';

/** The notifications topic of one session's reminders. */
export const sessionTopic = (sessionId: string) => `live.session:${sessionId}`;

/** How long before its scheduled start a session's followers are reminded (LIVE_REMIND_MINUTES, default 15). */
export const remindMinutes = () => Number(process.env.LIVE_REMIND_MINUTES ?? 15);

/** The start as people in the county read it (China keeps one time zone). */
const clock = (d: Date) => new Intl.DateTimeFormat('en-GB', { timeZone: 'Asia/Shanghai', hour: '2-digit', minute: '2-digit', hour12: false }).format(d);

async function session(db: Db, sessionId: string) {
  const [row] = await db.select().from(liveSessions).where(eq(liveSessions.id, sessionId));
  if (!row) throw notFound('Session');
  return row;
}

export async function getReminder(db: Db, actor: Actor | null, sessionId: string) {
  const who = requireActor(actor);
  const s = await session(db, sessionId);
  return { reminded: s.countyId === who.countyId && (await isFollowing(db, who, sessionTopic(sessionId))) };
}

/** Turns the signed-in user's reminder for a session on or off; an ended session takes none. */
export async function setReminder(db: Db, actor: Actor | null, sessionId: string, on: boolean) {
  const who = requireActor(actor);
  const s = await session(db, sessionId);
  if (s.countyId !== who.countyId) throw notFound('Session');
  if (on && s.status === 'ended') throw refusedTransition('The session has ended', s.status);
  return db.transaction(async (tx) => {
    const reminded = await follow(tx, who, sessionTopic(sessionId), on);
    await recordAudit(tx, who, { action: on ? 'live.reminder.on' : 'live.reminder.off', entity: 'live_session', entityId: sessionId });
    return { reminded };
  });
}

/** Tells a session's followers it starts soon or is live (each follower once per `when`); answers how many were told. */
export async function tellFollowers(tx: Db, s: { countyId: string; id: string; title: string; scheduledAt: Date }, when: 'soon' | 'now') {
  const told = await notify(tx, {
    countyId: s.countyId,
    followersOf: [sessionTopic(s.id)],
    kind: 'live.starting',
    params: { title: s.title, when, time: clock(s.scheduledAt) },
    link: `/live/${s.id}`,
    onceKey: `live.starting:${s.id}:${when}`,
  });
  return told.length;
}

/** The recurring job: scheduled sessions starting within `remindMinutes()` remind their followers (once). */
export async function remindStartingSoon(db: Db, now = new Date()) {
  const soon = await db
    .select()
    .from(liveSessions)
    .where(and(eq(liveSessions.status, 'scheduled'), gt(liveSessions.scheduledAt, now), lte(liveSessions.scheduledAt, sql`${now.toISOString()}::timestamptz + make_interval(mins => ${remindMinutes()})`)));
  let told = 0;
  for (const s of soon) {
    told += await db.transaction(async (tx) => {
      const n = await tellFollowers(tx, s, 'soon');
      if (n) await recordAudit(tx, { id: null, countyId: s.countyId }, { action: 'live.reminder.sent', entity: 'live_session', entityId: s.id, details: { told: n } });
      return n;
    });
  }
  return told;
}
