// The realtime contract over real WebSockets: numbered events, resume after a disconnect (in order, once, from
// the log, on any instance), presence per client that survives a reconnect, and — on PostgreSQL — two instances
// selling a flash offer of 50 to 1,000 concurrent buyers while every viewer on both sees it sell out.
import http from 'node:http';
import { eq, sql } from 'drizzle-orm';
import type { FastifyInstance } from 'fastify';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { uuidv7 } from 'uuidv7';
import { WebSocket } from 'ws';
import { buildApp } from '../../app.ts';
import { openDatabase, queryRows, type DbHandle } from '../../db/handle.ts';
import { loadConfig } from '../../server/config.ts';
import { as, signIn, startTestApp, type Session, type TestApp } from '../../../test/support/app.ts';
import { describeEachDriver, freshDatabase, type TestDatabase } from '../../../test/support/db.ts';
import { users, type Actor } from '../governance/index.ts';
import { claimOffer } from './flash.ts';
import { liveFlashClaims } from './schema.ts';

interface Frame {
  type: string;
  seq?: number;
  data?: unknown;
}

/** A viewer's socket: every frame it received, in order. */
class Viewer {
  frames: Frame[] = [];
  closed = false;
  ws: WebSocket;
  constructor(base: string, sessionId: string, query: Record<string, string | number> = {}) {
    const qs = new URLSearchParams(Object.entries(query).map(([k, v]) => [k, String(v)])).toString();
    this.ws = new WebSocket(`${base.replace('http', 'ws')}/api/v1/live/sessions/${sessionId}/ws${qs ? `?${qs}` : ''}`);
    this.ws.on('message', (data) => this.frames.push(JSON.parse(String(data)) as Frame));
    this.ws.on('close', () => (this.closed = true));
    this.ws.on('error', () => {});
  }
  of(type: string) {
    return this.frames.filter((f) => f.type === type);
  }
  /** The sequence number of the last numbered event received. */
  get last() {
    return Math.max(0, ...this.frames.filter((f) => f.seq !== undefined).map((f) => f.seq!));
  }
  async until(check: () => boolean, ms = 20_000) {
    const end = Date.now() + ms;
    while (!check()) {
      if (Date.now() > end) throw new Error(`timed out; frames: ${JSON.stringify(this.frames.slice(-5))}`);
      await new Promise((r) => setTimeout(r, 20));
    }
  }
  ready() {
    return this.until(() => this.of('ready').length > 0);
  }
  close() {
    this.ws.close();
    return this.until(() => this.closed);
  }
}

const numbered = (v: Viewer) => v.frames.filter((f) => f.seq !== undefined && f.type !== 'ready' && f.type !== 'reset');

describeEachDriver('live realtime over WebSockets', (driver) => {
  let t: TestApp;
  let base: string;
  let producer: Session;
  let buyer: Session;
  let sessionId: string;
  let productIds: string[];

  beforeAll(async () => {
    // Read by the hub from the process's environment when it starts.
    vi.stubEnv('LIVE_PRESENCE_MS', '200');
    vi.stubEnv('LIVE_PRESENCE_GRACE_SECONDS', '3');
    t = await startTestApp(driver);
    base = await t.app.listen({ port: 0, host: '127.0.0.1' });
    [producer, buyer] = await Promise.all([signIn(t.app, 'producer'), signIn(t.app, 'buyer')]);
    const s = (await t.app.inject({ method: 'GET', url: '/api/v1/live/sessions' })).json().items[0];
    sessionId = s.id;
    expect((await as(t.app, producer)({ method: 'POST', url: `/api/v1/live/sessions/${sessionId}/start` })).statusCode).toBe(200);
    productIds = (await t.app.inject({ method: 'GET', url: `/api/v1/live/sessions/${sessionId}` })).json().products.map((p: { id: string }) => p.id);
  });
  afterAll(async () => {
    vi.unstubAllEnvs();
    await t?.close();
  });

  const chat = (body: string) => as(t.app, buyer)({ method: 'POST', url: `/api/v1/live/sessions/${sessionId}/messages`, payload: { body } });

  it('numbers every event; a viewer that disconnects gets what it missed in order, once, then the new ones', async () => {
    const page = (await t.app.inject({ method: 'GET', url: `/api/v1/live/sessions/${sessionId}` })).json();
    const v = new Viewer(base, sessionId, { after: page.seq, client: 'viewer-resume-1' });
    await v.ready();
    expect((await chat('第一条')).statusCode).toBe(201);
    await v.until(() => v.of('chat').length === 1);
    expect(v.of('chat')[0]).toMatchObject({ seq: page.seq + 1, data: { body: '第一条' } });
    await v.close();

    // While it is away: a chat, a pin, a like, another chat.
    expect((await chat('你不在时说的')).statusCode).toBe(201);
    expect((await as(t.app, producer)({ method: 'PUT', url: `/api/v1/live/sessions/${sessionId}/pin`, payload: { productId: productIds[0] } })).statusCode).toBe(200);
    expect((await as(t.app, buyer)({ method: 'POST', url: `/api/v1/live/sessions/${sessionId}/likes` })).statusCode).toBe(200);
    expect((await chat('还有这条')).statusCode).toBe(201);

    const back = new Viewer(base, sessionId, { after: v.last, client: 'viewer-resume-1' });
    await back.ready();
    expect(numbered(back).map((f) => [f.seq, f.type])).toEqual([
      [v.last + 1, 'chat'],
      [v.last + 2, 'pin'],
      [v.last + 3, 'likes'],
      [v.last + 4, 'chat'],
    ]);
    expect(numbered(back)[1].data).toEqual({ productId: productIds[0] });
    expect((numbered(back)[3].data as { body: string }).body).toBe('还有这条');
    expect(back.of('ready')[0].seq).toBe(v.last + 4);
    // New events follow without a repeat.
    expect((await chat('回来了')).statusCode).toBe(201);
    await back.until(() => back.of('chat').length === 3);
    const seqs = numbered(back).map((f) => f.seq!);
    expect(seqs).toEqual([...new Set(seqs)].sort((a, b) => a - b));
    expect(seqs.at(-1)).toBe(v.last + 5);
    await back.close();
  });

  it('tells a viewer whose missed events are no longer kept to read the page again (reset), and refuses a bad number', async () => {
    const v = new Viewer(base, sessionId, { after: 999_999 });
    await v.ready();
    expect(v.of('reset')).toHaveLength(1);
    await v.close();
    const upgradeStatus = (path: string) =>
      new Promise<number>((resolve, reject) => {
        const req = http.get(`${base}${path}`, { headers: { connection: 'Upgrade', upgrade: 'websocket', 'sec-websocket-version': '13', 'sec-websocket-key': 'dGhlIHNhbXBsZSBub25jZQ==' } });
        req.on('response', (res) => resolve(res.statusCode!));
        req.on('upgrade', (res, socket) => {
          socket.destroy();
          resolve(res.statusCode!);
        });
        req.on('error', reject);
      });
    expect(await upgradeStatus(`/api/v1/live/sessions/${sessionId}/ws?after=-1`)).toBe(400);
    expect(await upgradeStatus(`/api/v1/live/sessions/${uuidv7()}/ws`)).toBe(404);
    expect(await upgradeStatus(`/api/v1/live/sessions/${sessionId}/ws?after=0`)).toBe(101);
    const plain = await fetch(`${base}/api/v1/live/sessions/${sessionId}/ws`);
    expect(plain.status).toBe(426);
    const unknown = new Viewer(base, uuidv7());
    await unknown.until(() => unknown.closed);
    expect(unknown.frames).toEqual([]);
  });

  it('counts viewers per client: a second tab of the same client and a quick reconnect do not count twice or drop out', async () => {
    // The earlier tests' viewers are past the grace period first.
    await new Promise((r) => setTimeout(r, 3500));
    const viewers = async () => (await t.app.inject({ method: 'GET', url: `/api/v1/live/sessions/${sessionId}` })).json().viewers as number;
    const a = new Viewer(base, sessionId, { client: 'presence-client-a' });
    const a2 = new Viewer(base, sessionId, { client: 'presence-client-a' });
    const b = new Viewer(base, sessionId, { client: 'presence-client-b' });
    await Promise.all([a.ready(), a2.ready(), b.ready()]);
    // The presence frames tell every viewer the count.
    await b.until(() => (b.of('viewers').at(-1)?.data as { viewers: number } | undefined)?.viewers === 2);
    await a.until(() => (a.of('viewers').at(-1)?.data as { viewers: number } | undefined)?.viewers === 2);
    const from = a.frames.length;
    await a2.close();
    await b.close();
    const again = new Viewer(base, sessionId, { client: 'presence-client-b' });
    await again.ready();
    await new Promise((r) => setTimeout(r, 600));
    expect(await viewers()).toBe(2);
    // Nothing changed for the viewer who stayed: no drop while the other tab and client were away.
    expect(a.frames.slice(from).filter((f) => f.type === 'viewers')).toEqual([]);
    // Gone for longer than the grace period: no longer counted.
    await again.close();
    await a.until(() => (a.of('viewers').at(-1)?.data as { viewers: number }).viewers === 1, 10_000);
    await a.close();
  });

  it('pins a product for viewers, only a product of the session, only by the host; unpins', async () => {
    const pin = (who: Session, productId: unknown) => as(t.app, who)({ method: 'PUT', url: `/api/v1/live/sessions/${sessionId}/pin`, payload: { productId } });
    expect((await pin(buyer, productIds[1])).statusCode).toBe(403);
    const wrong = await pin(producer, uuidv7());
    expect(wrong.statusCode).toBe(400);
    expect(wrong.json().errors[0].field).toBe('productId');
    expect((await pin(producer, 'x')).statusCode).toBe(400);
    expect((await pin(producer, productIds[1])).json()).toEqual({ pinnedProductId: productIds[1] });
    expect((await t.app.inject({ method: 'GET', url: `/api/v1/live/sessions/${sessionId}` })).json().pinnedProductId).toBe(productIds[1]);
    expect((await pin(producer, null)).json()).toEqual({ pinnedProductId: null });
    expect((await t.app.inject({ method: 'GET', url: `/api/v1/live/sessions/${sessionId}` })).json().pinnedProductId).toBeNull();
  });
});



describe.skipIf(!process.env.TEST_DATABASE_URL)('two instances on one PostgreSQL database', () => {
  let db: TestDatabase;
  let otherHandle: DbHandle;
  let a: FastifyInstance;
  let b: FastifyInstance;
  const bases: string[] = [];

  beforeAll(async () => {
    db = await freshDatabase('postgres', 20);
    otherHandle = await openDatabase({ databaseUrl: db.url!, poolSize: 20 });
    const config = loadConfig({ LOG_LEVEL: 'silent', WEB_DIST: '/nonexistent', WRITE_RATE_LIMIT_PER_USER_PER_MINUTE: '0', WRITE_RATE_LIMIT_PER_ADDRESS_PER_MINUTE: '0', LIVE_PRESENCE_MS: '500' });
    a = await buildApp(config, db, { runJobs: false });
    b = await buildApp(config, otherHandle, { runJobs: false });
    for (const app of [a, b]) bases.push(await app.listen({ port: 0, host: '127.0.0.1' }));
  }, 60_000);
  afterAll(async () => {
    await a?.close();
    await b?.close();
    await otherHandle?.close();
    await db?.dispose();
  });

  it('sells a flash offer of 50 to exactly 50 of 1,000 concurrent buyers; every viewer on both instances sees it sell out; a viewer away for seconds resumes on the other instance', async () => {
    const producer = await signIn(a, 'producer');
    const sessionId = (await a.inject({ method: 'GET', url: '/api/v1/live/sessions' })).json().items[0].id as string;
    expect((await as(a, producer)({ method: 'POST', url: `/api/v1/live/sessions/${sessionId}/start` })).statusCode).toBe(200);
    const product = (await a.inject({ method: 'GET', url: `/api/v1/live/sessions/${sessionId}` })).json().products[0];
    const variantId = product.variants[0].id as string;
    await a.db.execute(sql`update market_variants set stock = 80 where id = ${variantId}`);

    // 40 viewers, half on each instance.
    const viewers = Array.from({ length: 40 }, (_, i) => new Viewer(bases[i % 2], sessionId, { client: `split-viewer-${i}` }));
    await Promise.all(viewers.map((v) => v.ready()));

    const created = await as(a, producer)({ method: 'POST', url: `/api/v1/live/sessions/${sessionId}/offers`, payload: { productId: product.id, variantId, priceFen: 100, quota: 50 } });
    expect(created.statusCode).toBe(201);
    const offerId = created.json().id as string;
    // The quota came out of the market's stock.
    expect((await queryRows<{ stock: number }>(a.db, sql`select stock from market_variants where id = ${variantId}`))[0].stock).toBe(30);

    const countyId = (await a.db.select({ countyId: users.countyId }).from(users).where(eq(users.username, 'buyer')))[0].countyId;
    const buyers: Actor[] = Array.from({ length: 1000 }, (_, i) => ({ id: uuidv7(), username: `crowd${i}`, displayName: `买家 ${i}`, countyId, locale: 'zh-CN', grants: [] }));
    await a.db.insert(users).values(buyers.map((u) => ({ id: u.id, countyId, username: u.username, displayName: u.displayName, passwordHash: 'x' })));

    // One viewer on instance b steps away while the sale runs.
    const away = viewers[1];
    await away.close();
    const awayLast = away.last;

    // Every buyer presses once on each instance at the same moment: 2,000 concurrent claims from 1,000 buyers.
    const outcomes = await Promise.allSettled(buyers.flatMap((u) => [claimOffer(a.db, u, offerId), claimOffer(b.db, u, offerId)]));
    const refused = outcomes.filter((o) => o.status === 'rejected').map((o) => (o as PromiseRejectedResult).reason.code as string);
    expect(new Set(refused)).toEqual(new Set(['sold_out', 'already_claimed']));
    const claims = await a.db.select().from(liveFlashClaims).where(eq(liveFlashClaims.offerId, offerId));
    expect(claims).toHaveLength(50);
    expect(new Set(claims.map((c) => c.buyerId)).size).toBe(50);

    // Every viewer still connected, on either instance, received the sold-out event, once.
    const present = viewers.filter((v) => v !== away);
    await Promise.all(present.map((v) => v.until(() => v.of('sold_out').length > 0)));
    for (const v of present) {
      expect(v.of('sold_out')).toEqual([expect.objectContaining({ data: { offerId } })]);
      const offers = v.of('offer').map((f) => (f.data as { remaining: number }).remaining);
      expect(offers.at(-1)).toBe(0);
    }

    // Back after a few seconds, on the other instance: what it missed, in order, once.
    await new Promise((r) => setTimeout(r, 2000));
    const back = new Viewer(bases[0], sessionId, { after: awayLast, client: 'split-viewer-1' });
    await back.ready();
    const replayed = numbered(back);
    const reference = numbered(viewers[0]).filter((f) => f.seq! > awayLast);
    expect(replayed.map((f) => f.seq)).toEqual(reference.map((f) => f.seq));
    expect(replayed.map((f) => f.seq)).toEqual(Array.from({ length: replayed.length }, (_, i) => awayLast + 1 + i));
    expect(replayed.filter((f) => f.type === 'sold_out')).toHaveLength(1);
    expect(replayed.map((f) => f.type)).toEqual(reference.map((f) => f.type));
    expect(replayed.filter((f) => f.type === 'offer').length).toBeGreaterThanOrEqual(50);
    await Promise.all([...present, back].map((v) => v.close()));
  }, 180_000);
});
