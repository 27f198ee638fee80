// Sessions: a producer schedules a session with products from their shop, goes live, ends it; the public sees
// live and upcoming sessions and each session's page.
import { randomBytes, timingSafeEqual } from 'node:crypto';
import { and, asc, desc, eq, inArray, isNull, sql } from 'drizzle-orm';
import type { Db } from '../../db/handle.ts';
import { recordAudit } from '../../server/audit.ts';
import { storeImage } from '../../server/images.ts';
import type { FileStorage } from '../../server/storage.ts';
import { badRequest, conflict, notFound, refusedTransition, transition } from '../../server/problems.ts';
import { authorize, requireActor, type Actor } from '../governance/index.ts';
import { getProduct } from '../market/index.ts';
import { closeOffersTx } from './flash.ts';
import { countViewers, currentSeq, publishLiveEvent } from './realtime.ts';
import { tellFollowers } from './reminders.ts';
import { liveFlashOffers, liveMessages, livePins, liveSessionProducts, liveSessions, type SessionStatus } from './schema.ts';

export const iso = (d: Date | string | null) => (d == null ? null : new Date(d).toISOString());

/** How a session reaches the video ingest; absent when no ingest runs (the page shows its waiting state). */
export interface VideoSettings {
  /** Where a live session's stream plays now; null while none arrives (`streamingSince`: an external server's word). */
  hlsUrl(session: { id: string; streamingSince: Date | null }): string | null;
  /** The recorded HLS of an ended session, when the ingest recorded one. */
  replayUrl(sessionId: string): string | null;
  rtmpUrl(sessionId: string): string | null;
  /** The embedded ingest only: publishes a generated test pattern (and tone) as the session's stream, for a demo without a camera. */
  startDemoStream?(sessionId: string, streamKey: string): void;
}

export const newStreamKey = () => randomBytes(18).toString('base64url');

export interface ScheduleInput {
  orgId: string;
  title: string;
  titleEn?: string | null;
  coverUrl?: string | null;
  scheduledAt: string;
  productIds: string[];
}

/** Products of the session's producer, checked through the market's public functions. */
async function checkedProducts(db: Db, orgId: string, productIds: string[]) {
  if (new Set(productIds).size !== productIds.length) throw badRequest('productIds', 'A product is listed twice');
  for (const [i, productId] of productIds.entries()) {
    const product = await getProduct(db, productId).catch(() => null);
    if (!product || product.orgId !== orgId) throw badRequest(`productIds/${i}`, 'Not a product of this producer');
  }
}

export async function scheduleSession(db: Db, actor: Actor | null, input: ScheduleInput) {
  const who = await authorize(db, actor, 'live.host', { orgId: input.orgId });
  await checkedProducts(db, input.orgId, input.productIds);
  return db.transaction(async (tx) => {
    const [row] = await tx
      .insert(liveSessions)
      .values({
        countyId: who.countyId,
        orgId: input.orgId,
        title: input.title,
        titleEn: input.titleEn || null,
        coverUrl: input.coverUrl ?? null,
        scheduledAt: new Date(input.scheduledAt),
        streamKey: newStreamKey(),
        createdBy: who.id,
      })
      .returning();
    if (input.productIds.length) {
      await tx.insert(liveSessionProducts).values(input.productIds.map((productId, position) => ({ countyId: who.countyId, sessionId: row.id, productId, position })));
    }
    await recordAudit(tx, who, { action: 'live.session.schedule', entity: 'live_session', entityId: row.id, details: { title: input.title, productIds: input.productIds } });
    return { id: row.id };
  });
}

async function sessionRow(db: Db, sessionId: string) {
  const [row] = await db.select().from(liveSessions).where(eq(liveSessions.id, sessionId));
  if (!row) throw notFound('Session');
  return row;
}

/** The session, checked that the actor hosts it (producer of its organization, or the county admin). */
export async function hostedSession(db: Db, actor: Actor | null, sessionId: string) {
  const row = await sessionRow(db, sessionId);
  const who = await authorize(db, actor, 'live.host', { orgId: row.orgId });
  return { who, session: row };
}

const MOVES: Record<'start' | 'end', { from: SessionStatus[]; to: SessionStatus }> = {
  start: { from: ['scheduled'], to: 'live' },
  end: { from: ['scheduled', 'live'], to: 'ended' },
};

/** Goes live or ends the session; only from the states the move allows (a conditional UPDATE). */
export async function moveSession(db: Db, actor: Actor | null, sessionId: string, move: 'start' | 'end') {
  const { who, session } = await hostedSession(db, actor, sessionId);
  const { from, to } = MOVES[move];
  return db.transaction(async (tx) => {
    const now = new Date();
    const moved = await transition(
      () =>
        tx
          .update(liveSessions)
          .set(move === 'start' ? { status: to, startedAt: now } : { status: to, endedAt: now })
          .where(and(eq(liveSessions.countyId, session.countyId), eq(liveSessions.id, sessionId), inArray(liveSessions.status, from)))
          .returning(),
      async () => (await tx.select({ status: liveSessions.status }).from(liveSessions).where(and(eq(liveSessions.countyId, session.countyId), eq(liveSessions.id, sessionId))))[0]?.status,
      (current) => ({ detail: `A session that is ${current} cannot ${move}` }),
      'Session',
    );
    if (to === 'ended') {
      await tx
        .update(livePins)
        .set({ unpinnedAt: now })
        .where(and(eq(livePins.countyId, session.countyId), eq(livePins.sessionId, sessionId), isNull(livePins.unpinnedAt)));
      await closeOffersTx(tx, session.countyId, eq(liveFlashOffers.sessionId, sessionId));
    }
    await recordAudit(tx, who, { action: `live.session.${move}`, entity: 'live_session', entityId: sessionId, details: { from: session.status, to } });
    await publishLiveEvent(tx, { sessionId, type: 'status', data: { status: to } });
    if (to === 'live') await tellFollowers(tx, moved, 'now');
    return { id: sessionId, status: to };
  });
}

const summaryColumns = {
  id: liveSessions.id,
  orgId: liveSessions.orgId,
  title: liveSessions.title,
  titleEn: liveSessions.titleEn,
  coverUrl: liveSessions.coverUrl,
  scheduledAt: liveSessions.scheduledAt,
  status: liveSessions.status,
  likes: liveSessions.likes,
  coverFile: liveSessions.coverFile,
};
type SummaryRow = { id: string; orgId: string; title: string; titleEn: string | null; coverUrl: string | null; coverFile: string | null; scheduledAt: Date; status: SessionStatus; likes: number };
/** A session as lists show it; an uploaded cover wins over a cover URL. */
const summary = (r: SummaryRow) => ({
  id: r.id,
  orgId: r.orgId,
  title: r.title,
  titleEn: r.titleEn,
  coverUrl: r.coverFile ? `/api/v1/live/sessions/${r.id}/cover` : r.coverUrl,
  scheduledAt: iso(r.scheduledAt)!,
  status: r.status,
  likes: r.likes,
});

/** Live sessions first, then upcoming ones by time, then the last few ended. */
export async function listSessions(db: Db) {
  const open = await db
    .select(summaryColumns)
    .from(liveSessions)
    .where(inArray(liveSessions.status, ['live', 'scheduled']))
    .orderBy(sql`case ${liveSessions.status} when 'live' then 0 else 1 end`, asc(liveSessions.scheduledAt))
    .limit(100);
  const past = await db.select(summaryColumns).from(liveSessions).where(eq(liveSessions.status, 'ended')).orderBy(desc(liveSessions.endedAt)).limit(20);
  return { items: [...open, ...past].map(summary) };
}

/** The sessions of the organizations the actor hosts for. */
export async function mySessions(db: Db, actor: Actor | null) {
  const who = requireActor(actor);
  const isAdmin = who.grants.some((g) => g.role === 'county_admin');
  const orgIds = who.grants.filter((g) => g.role === 'producer' && g.orgId).map((g) => g.orgId!);
  if (!isAdmin && !orgIds.length) return { items: [] };
  const rows = await db
    .select(summaryColumns)
    .from(liveSessions)
    .where(and(eq(liveSessions.countyId, who.countyId), isAdmin ? undefined : inArray(liveSessions.orgId, orgIds)))
    .orderBy(desc(liveSessions.scheduledAt))
    .limit(200);
  return { items: rows.map(summary) };
}

async function sessionProducts(db: Db, countyId: string, sessionId: string) {
  const links = await db
    .select({ productId: liveSessionProducts.productId })
    .from(liveSessionProducts)
    .where(and(eq(liveSessionProducts.countyId, countyId), eq(liveSessionProducts.sessionId, sessionId)))
    .orderBy(asc(liveSessionProducts.position));
  const products = [];
  for (const { productId } of links) {
    const p = await getProduct(db, productId).catch(() => null);
    if (!p) continue;
    products.push({
      id: p.id,
      name: p.name,
      nameEn: p.nameEn,
      namePinyin: p.namePinyin,
      photoUrl: p.photos[0] ? `/api/v1/market/photos/${p.photos[0].id}?size=thumb` : p.photoUrl,
      variants: p.variants.map((v) => ({ id: v.id, label: v.label, priceFen: v.priceFen, stock: v.stock })),
    });
  }
  return products;
}

export const CHAT_HISTORY = 50;

export async function recentMessages(db: Db, countyId: string, sessionId: string) {
  const rows = await db
    .select({ id: liveMessages.id, authorName: liveMessages.authorName, body: liveMessages.body, createdAt: liveMessages.createdAt })
    .from(liveMessages)
    .where(and(eq(liveMessages.countyId, countyId), eq(liveMessages.sessionId, sessionId), isNull(liveMessages.deletedAt)))
    .orderBy(desc(liveMessages.createdAt), desc(liveMessages.id))
    .limit(CHAT_HISTORY);
  return rows.reverse().map((m) => ({ ...m, createdAt: iso(m.createdAt)! }));
}

export async function openOffers(db: Db, countyId: string, sessionId: string) {
  const rows = await db
    .select()
    .from(liveFlashOffers)
    .where(
      and(
        eq(liveFlashOffers.countyId, countyId),
        eq(liveFlashOffers.sessionId, sessionId),
        eq(liveFlashOffers.status, 'open'),
        sql`(${liveFlashOffers.endsAt} is null or ${liveFlashOffers.endsAt} > now())`,
      ),
    )
    .orderBy(desc(liveFlashOffers.createdAt));
  return rows.map(offerView);
}

export const offerView = (o: typeof liveFlashOffers.$inferSelect) => ({
  id: o.id,
  productId: o.productId,
  variantId: o.variantId,
  label: o.label,
  priceFen: o.priceFen,
  regularPriceFen: o.regularPriceFen,
  quota: o.quota,
  remaining: o.remaining,
  status: o.status,
  endsAt: iso(o.endsAt),
});

/** The pins of a session in time order; the open one (no `unpinnedAt`) is what the host presents now. */
async function sessionPins(db: Db, countyId: string, sessionId: string) {
  return db
    .select({ productId: livePins.productId, pinnedAt: livePins.pinnedAt, unpinnedAt: livePins.unpinnedAt })
    .from(livePins)
    .where(and(eq(livePins.countyId, countyId), eq(livePins.sessionId, sessionId)))
    .orderBy(asc(livePins.pinnedAt));
}

/** The public session page: products, the pinned one, open flash offers, the recent chat, where to play the video
 * (live, or the replay with a chapter at each pin), viewers, and the sequence number the page is current to. */
export async function getSession(db: Db, sessionId: string, video: VideoSettings) {
  // Read first: events after this number are sent to the page's socket (applying one twice changes nothing).
  const seq = await currentSeq(db, sessionId);
  const s = await sessionRow(db, sessionId);
  const products = await sessionProducts(db, s.countyId, s.id);
  const pins = await sessionPins(db, s.countyId, s.id);
  const replayUrl = s.status === 'ended' ? video.replayUrl(s.id) : null;
  const names = new Map(products.map((p) => [p.id, p.name]));
  return {
    ...summary(s),
    startedAt: iso(s.startedAt),
    endedAt: iso(s.endedAt),
    hlsUrl: s.status === 'live' ? video.hlsUrl(s) : null,
    replayUrl,
    chapters:
      replayUrl && s.recordedFrom
        ? pins.map((p) => ({ productId: p.productId, name: names.get(p.productId) ?? '', at: Math.max(0, Math.round((p.pinnedAt.getTime() - s.recordedFrom!.getTime()) / 100) / 10) }))
        : [],
    pinnedProductId: s.status === 'ended' ? null : (pins.find((p) => !p.unpinnedAt)?.productId ?? null),
    products,
    offers: await openOffers(db, s.countyId, s.id),
    messages: await recentMessages(db, s.countyId, s.id),
    viewers: await countViewers(db, s.id),
    seq,
  };
}

/** The host presents a product of the session (or none): viewers see it at once; the replay gets a chapter mark. */
export async function pinProduct(db: Db, actor: Actor | null, sessionId: string, productId: string | null) {
  const { who, session } = await hostedSession(db, actor, sessionId);
  if (session.status === 'ended') throw refusedTransition('The session has ended', 'ended');
  if (productId) {
    const [link] = await db
      .select()
      .from(liveSessionProducts)
      .where(and(eq(liveSessionProducts.countyId, session.countyId), eq(liveSessionProducts.sessionId, sessionId), eq(liveSessionProducts.productId, productId)));
    if (!link) throw badRequest('productId', 'Not a product of this session');
  }
  return db.transaction(async (tx) => {
    // Serialises the host's pins of one session (the partial unique index would refuse a second open pin).
    await tx.execute(sql`select pg_advisory_xact_lock(hashtext(${`live-pin:${sessionId}`}))`);
    const [open] = await tx
      .update(livePins)
      .set({ unpinnedAt: new Date() })
      .where(and(eq(livePins.countyId, session.countyId), eq(livePins.sessionId, sessionId), isNull(livePins.unpinnedAt)))
      .returning({ productId: livePins.productId });
    if (productId) await tx.insert(livePins).values({ countyId: session.countyId, sessionId, productId, pinnedBy: who.id });
    await recordAudit(tx, who, { action: productId ? 'live.product.pin' : 'live.product.unpin', entity: 'live_session', entityId: sessionId, details: { productId: productId ?? open?.productId ?? null } });
    await publishLiveEvent(tx, { sessionId, type: 'pin', data: { productId } });
    return { pinnedProductId: productId };
  });
}

/** The host's view adds the stream key and the ingest address. */
export async function getHostView(db: Db, actor: Actor | null, sessionId: string, video: VideoSettings) {
  const { session } = await hostedSession(db, actor, sessionId);
  return { ...(await getSession(db, sessionId, video)), streamKey: session.streamKey, rtmpUrl: video.rtmpUrl(session.id), demoStream: !!video.startDemoStream };
}

/** The host starts a demo stream (a generated test pattern through the embedded ingest): real video with no camera. */
export async function startDemoStream(db: Db, actor: Actor | null, sessionId: string, video: VideoSettings) {
  const { who, session } = await hostedSession(db, actor, sessionId);
  if (session.status !== 'live') throw refusedTransition('Go live first: only a live session takes a stream', session.status);
  if (!video.startDemoStream) throw conflict('no_ingest', 'No embedded ingest runs on this server (set LIVE_RTMP_PORT)');
  await db.transaction((tx) => recordAudit(tx, who, { action: 'live.stream.demo', entity: 'live_session', entityId: sessionId }));
  video.startDemoStream(sessionId, session.streamKey);
  return { started: true as const };
}

/** The ingest's question: may this key publish this session's stream? Only a live session's own key may. */
export async function streamKeyAllows(db: Db, sessionId: string, key: string, options: { whenLive: boolean } = { whenLive: true }) {
  const [row] = await db.select({ key: liveSessions.streamKey, status: liveSessions.status }).from(liveSessions).where(eq(liveSessions.id, sessionId));
  if (!row || (options.whenLive && row.status !== 'live')) return false;
  const [expected, given] = [Buffer.from(row.key), Buffer.from(key)];
  return expected.length === given.length && timingSafeEqual(expected, given);
}

/**
 * An external media server says a session's stream began (an allowed publish) or ended: the page plays the server's
 * HLS meanwhile. The first publish is the replay's time zero. Audited and announced to the viewers.
 */
export async function noteExternalStream(db: Db, sessionId: string, streaming: boolean) {
  await db.transaction(async (tx) => {
    const [row] = await tx
      .update(liveSessions)
      .set(streaming ? { streamingSince: new Date(), recordedFrom: sql`coalesce(${liveSessions.recordedFrom}, now())` } : { streamingSince: null })
      .where(eq(liveSessions.id, sessionId))
      .returning({ countyId: liveSessions.countyId });
    if (!row) return;
    await recordAudit(tx, { id: null, countyId: row.countyId }, { action: streaming ? 'live.stream.start' : 'live.stream.stop', entity: 'live_session', entityId: sessionId });
    await publishLiveEvent(tx, { sessionId, type: 'video', data: { available: streaming } });
  });
}

/** The host uploads a cover image for the session (checked and stored by the kernel); the previous one is removed. */
export async function setCover(db: Db, storage: FileStorage, actor: Actor | null, sessionId: string, file: { data: Buffer; declaredType: string }) {
  const { who, session } = await hostedSession(db, actor, sessionId);
  if (session.status === 'ended') throw refusedTransition('The session has ended', 'ended');
  const image = await storeImage(storage, 'live', file);
  await storage.delete(image.thumbKey);
  try {
    await db.transaction(async (tx) => {
      await tx
        .update(liveSessions)
        .set({ coverFile: image.storageKey })
        .where(and(eq(liveSessions.countyId, session.countyId), eq(liveSessions.id, sessionId)));
      await recordAudit(tx, who, { action: 'live.session.cover', entity: 'live_session', entityId: sessionId, details: { bytes: image.bytes, width: image.width, height: image.height } });
    });
  } catch (error) {
    await storage.delete(image.storageKey);
    throw error;
  }
  if (session.coverFile) await storage.delete(session.coverFile);
  return { coverUrl: `/api/v1/live/sessions/${sessionId}/cover` };
}

export async function getCover(db: Db, storage: FileStorage, sessionId: string) {
  const s = await sessionRow(db, sessionId);
  const data = s.coverFile ? await storage.get(s.coverFile) : null;
  if (!data) throw notFound('Cover');
  const type = data[0] === 0xff ? 'image/jpeg' : data[0] === 0x89 ? 'image/png' : 'image/webp';
  return { data, type };
}
