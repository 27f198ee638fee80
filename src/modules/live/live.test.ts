import { eq, sql } from 'drizzle-orm';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { uuidv7 } from 'uuidv7';
import { openDatabase, queryRows, type DbHandle } from '../../db/handle.ts';
import { as, signIn, startTestApp, type Session, type TestApp } from '../../../test/support/app.ts';
import { describeEachDriver } from '../../../test/support/db.ts';
import { users, type Actor } from '../governance/index.ts';
import { claimOffer, releaseExpiredClaims } from './flash.ts';
import { createLiveHub, type LiveEvent } from './realtime.ts';
import { liveFlashClaims, liveFlashOffers } from './schema.ts';

/** Resolves with the first event of `type` the hub hands to a viewer of the session. */
function nextEvent(hub: ReturnType<typeof createLiveHub>, sessionId: string, type: string) {
  return new Promise<LiveEvent>((resolve) => {
    const off = hub.subscribe(sessionId, (e) => {
      if (e.type !== type) return;
      off();
      resolve(e);
    });
  });
}

describeEachDriver('live sessions, chat and flash offers', (driver) => {
  let t: TestApp;
  let producer: Session;
  let buyer: Session;
  let admin: Session;
  let orgId: string;
  let productId: string;
  let variant: { id: string; priceFen: number };
  let sessionId: string;

  beforeAll(async () => {
    t = await startTestApp(driver, { LIVE_RELEASE_SECONDS: '0' });
    [producer, buyer, admin] = await Promise.all([signIn(t.app, 'producer'), signIn(t.app, 'buyer'), signIn(t.app, 'admin')]);
    const products = (await t.app.inject({ method: 'GET', url: '/api/v1/market/products' })).json().items;
    orgId = products[0].orgId;
    productId = products[0].id;
    variant = (await t.app.inject({ method: 'GET', url: `/api/v1/market/products/${productId}` })).json().variants[0];
  });
  afterAll(async () => {
    await t?.close();
  });

  it('lists the seeded upcoming session with its products and no video yet', async () => {
    const list = (await t.app.inject({ method: 'GET', url: '/api/v1/live/sessions' })).json();
    const seeded = list.items.find((s: { title: string }) => s.title.includes('杨家堂茶园直播'));
    expect(seeded).toMatchObject({ status: 'scheduled', orgId });
    const page = (await t.app.inject({ method: 'GET', url: `/api/v1/live/sessions/${seeded.id}` })).json();
    expect(page.products.length).toBeGreaterThan(0);
    expect(page.hlsUrl).toBeNull();
    expect(page).not.toHaveProperty('streamKey');
  });

  it('describes every route in the OpenAPI document, with its answer', async () => {
    const doc = (await t.app.inject({ method: 'GET', url: '/api/docs/json' })).json();
    const claim = doc.paths['/api/v1/live/offers/{id}/claims'].post;
    expect(claim.operationId).toBe('claimFlashOffer');
    expect(Object.keys(claim.responses)).toContain('201');
    const live = Object.entries(doc.paths as Record<string, Record<string, { operationId?: string }>>).filter(([p]) => p.startsWith('/api/v1/live/'));
    expect(live.length).toBeGreaterThanOrEqual(12);
    for (const [, ops] of live) for (const op of Object.values(ops)) expect(op.operationId).toBeTruthy();
  });

  it('lets the producer schedule with their own products only, and refuses others', async () => {
    const body = { orgId, title: '春茶开采直播', scheduledAt: '2026-12-01T02:00:00Z', productIds: [productId] };
    const refused = await as(t.app, buyer)({ method: 'POST', url: '/api/v1/live/sessions', payload: body });
    expect(refused.statusCode).toBe(403);
    const foreign = await as(t.app, producer)({ method: 'POST', url: '/api/v1/live/sessions', payload: { ...body, productIds: [uuidv7()] } });
    expect(foreign.statusCode).toBe(400);
    expect(foreign.json().errors[0].field).toBe('productIds/0');
    const blank = await as(t.app, producer)({ method: 'POST', url: '/api/v1/live/sessions', payload: { ...body, title: '  ' } });
    expect(blank.statusCode).toBe(400);
    expect(blank.headers['content-type']).toContain('application/problem+json');
    expect(blank.json().errors[0].field).toContain('title');
    const created = await as(t.app, producer)({ method: 'POST', url: '/api/v1/live/sessions', payload: body });
    expect(created.statusCode).toBe(201);
    sessionId = created.json().id;
    const host = (await as(t.app, producer)({ method: 'GET', url: `/api/v1/live/sessions/${sessionId}/host` })).json();
    expect(host.streamKey.length).toBeGreaterThan(20);
    expect((await as(t.app, buyer)({ method: 'GET', url: `/api/v1/live/sessions/${sessionId}/host` })).statusCode).toBe(403);
    const mine = (await as(t.app, producer)({ method: 'GET', url: '/api/v1/live/mine' })).json();
    expect(mine.items.map((s: { id: string }) => s.id)).toContain(sessionId);
  });

  it('goes live once, announcing it, and audits the move', async () => {
    const hub = createLiveHub(t.db);
    await hub.start();
    try {
      const announced = nextEvent(hub, sessionId, 'status');
      const live = await as(t.app, producer)({ method: 'POST', url: `/api/v1/live/sessions/${sessionId}/start` });
      expect(live.json()).toEqual({ id: sessionId, status: 'live' });
      expect((await announced).data).toEqual({ status: 'live' });
      const again = await as(t.app, producer)({ method: 'POST', url: `/api/v1/live/sessions/${sessionId}/start` });
      expect(again.statusCode).toBe(409);
      const audit = await queryRows<{ n: number }>(t.app.db, sql`select count(*)::int as n from audit_log where action = 'live.session.start' and entity_id = ${sessionId}`);
      expect(audit[0].n).toBe(1);
    } finally {
      await hub.stop();
    }
  });

  it("answers an external media server's publish callback: only the live session's key (SRS JSON, nginx-rtmp form)", async () => {
    const { streamKey } = (await as(t.app, producer)({ method: 'GET', url: `/api/v1/live/sessions/${sessionId}/host` })).json();
    const srs = (param: string) => t.app.inject({ method: 'POST', url: '/api/v1/live/ingest/on-publish', payload: { action: 'on_publish', app: 'live', stream: sessionId, param } });
    const ok = await srs(`?key=${streamKey}`);
    expect(ok.statusCode).toBe(200);
    expect(ok.json()).toEqual({ code: 0 });
    expect((await srs('?key=wrong')).statusCode).toBe(403);
    const nginx = (key: string) =>
      t.app.inject({ method: 'POST', url: '/api/v1/live/ingest/on-publish', headers: { 'content-type': 'application/x-www-form-urlencoded' }, payload: `call=publish&app=live&name=${sessionId}&key=${encodeURIComponent(key)}` });
    expect((await nginx(streamKey)).statusCode).toBe(200);
    expect((await nginx(`${streamKey}x`)).statusCode).toBe(403);
  });

  it('delivers chat to viewers on another instance through LISTEN/NOTIFY, and the host deletes it for everyone', async () => {
    // Another instance: its own connection to the same database (PGlite: the same in-process database).
    const other: DbHandle = driver === 'postgres' ? await openDatabase({ databaseUrl: t.db.url! }) : t.db;
    const hub = createLiveHub(other);
    await hub.start();
    try {
      const seen = nextEvent(hub, sessionId, 'chat');
      const sent = await as(t.app, buyer)({ method: 'POST', url: `/api/v1/live/sessions/${sessionId}/messages`, payload: { body: '<b>好茶</b> 请问明前几号采的？' } });
      expect(sent.statusCode).toBe(201);
      expect((await seen).data).toMatchObject({ id: sent.json().id, body: '<b>好茶</b> 请问明前几号采的？', authorName: '城市买家（演示）' });

      expect((await as(t.app, buyer)({ method: 'DELETE', url: `/api/v1/live/messages/${sent.json().id}` })).statusCode).toBe(403);
      const deleted = nextEvent(hub, sessionId, 'chat_deleted');
      expect((await as(t.app, producer)({ method: 'DELETE', url: `/api/v1/live/messages/${sent.json().id}` })).statusCode).toBe(204);
      expect((await deleted).data).toEqual({ id: sent.json().id });
      const page = (await t.app.inject({ method: 'GET', url: `/api/v1/live/sessions/${sessionId}` })).json();
      expect(page.messages.map((m: { id: string }) => m.id)).not.toContain(sent.json().id);
    } finally {
      await hub.stop();
      if (other !== t.db) await other.close();
    }
  });

  it('refuses empty, overlong and NUL messages naming the field, and more than 5 messages in 10 s from one user', async () => {
    const send = (body: unknown, s = admin) => as(t.app, s)({ method: 'POST', url: `/api/v1/live/sessions/${sessionId}/messages`, payload: { body } });
    for (const bad of ['', 'x'.repeat(201), 'a\u0000b']) {
      const r = await send(bad);
      expect(r.statusCode).toBe(400);
      expect(r.json().errors[0].field).toContain('body');
    }
    const results = [];
    for (let i = 0; i < 6; i++) results.push((await send(`第 ${i + 1} 条`)).statusCode);
    expect(results).toEqual([201, 201, 201, 201, 201, 429]);
    expect((await as(t.app, null)({ method: 'POST', url: `/api/v1/live/sessions/${sessionId}/messages`, payload: { body: 'hi' } })).statusCode).toBe(401);
  });

  it("lets the host mute a message's author: their message goes, their next ones are refused, others still talk", async () => {
    const sent = await as(t.app, buyer)({ method: 'POST', url: `/api/v1/live/sessions/${sessionId}/messages`, payload: { body: '广告：加微信' } });
    expect((await as(t.app, buyer)({ method: 'POST', url: `/api/v1/live/messages/${sent.json().id}/mute` })).statusCode).toBe(403);
    expect((await as(t.app, producer)({ method: 'POST', url: `/api/v1/live/messages/${sent.json().id}/mute` })).json()).toEqual({ muted: true });
    const page = (await t.app.inject({ method: 'GET', url: `/api/v1/live/sessions/${sessionId}` })).json();
    expect(page.messages.map((m: { id: string }) => m.id)).not.toContain(sent.json().id);
    const refused = await as(t.app, buyer)({ method: 'POST', url: `/api/v1/live/sessions/${sessionId}/messages`, payload: { body: '再发一次' } });
    expect(refused.statusCode).toBe(403);
    expect(refused.json().code).toBe('muted');
    expect((await as(t.app, producer)({ method: 'POST', url: `/api/v1/live/sessions/${sessionId}/messages`, payload: { body: '欢迎大家' } })).statusCode).toBe(201);
  });

  it('counts likes', async () => {
    const first = await as(t.app, buyer)({ method: 'POST', url: `/api/v1/live/sessions/${sessionId}/likes` });
    const second = await as(t.app, buyer)({ method: 'POST', url: `/api/v1/live/sessions/${sessionId}/likes` });
    expect(second.json().likes).toBe(first.json().likes + 1);
  });

  it('sells a flash offer of 5 to exactly 5 of 60 concurrent buyers, one each, and releases unpaid claims', async () => {
    const refused = await as(t.app, producer)({ method: 'POST', url: `/api/v1/live/sessions/${sessionId}/offers`, payload: { productId, variantId: variant.id, priceFen: variant.priceFen + 1, quota: 5 } });
    expect(refused.statusCode).toBe(400);
    expect(refused.json().errors[0].field).toBe('priceFen');
    const created = await as(t.app, producer)({ method: 'POST', url: `/api/v1/live/sessions/${sessionId}/offers`, payload: { productId, variantId: variant.id, priceFen: 100, quota: 5 } });
    expect(created.statusCode).toBe(201);
    const offerId = created.json().id as string;

    const countyId = (await t.app.db.select({ countyId: users.countyId }).from(users).where(eq(users.username, 'buyer')))[0].countyId;
    const buyers: Actor[] = Array.from({ length: 60 }, (_, i) => ({ id: uuidv7(), username: `flash${i}`, displayName: `抢购者 ${i}`, countyId, locale: 'zh-CN', grants: [] }));
    await t.app.db.insert(users).values(buyers.map((b) => ({ id: b.id, countyId, username: b.username, displayName: b.displayName, passwordHash: 'x' })));
    // Each buyer presses twice at once: 120 concurrent claims.
    const outcomes = await Promise.allSettled(buyers.flatMap((b) => [claimOffer(t.app.db, b, offerId), claimOffer(t.app.db, b, offerId)]));
    const won = outcomes.filter((o) => o.status === 'fulfilled').map((o) => (o as PromiseFulfilledResult<{ claimId: string }>).value.claimId);
    const reasons = outcomes.filter((o) => o.status === 'rejected').map((o) => (o as PromiseRejectedResult).reason.code);
    expect(new Set(reasons)).toEqual(new Set(reasons.filter((c) => c === 'sold_out' || c === 'already_claimed')));
    expect(new Set(won).size).toBe(5);
    const claims = await t.app.db.select().from(liveFlashClaims).where(eq(liveFlashClaims.offerId, offerId));
    expect(claims).toHaveLength(5);
    expect(new Set(claims.map((c) => c.buyerId)).size).toBe(5);
    const [offer] = await t.app.db.select().from(liveFlashOffers).where(eq(liveFlashOffers.id, offerId));
    expect(offer.remaining).toBe(0);

    // The buyer account claims after the unpaid ones are released, orders it to an address and pays in the sandbox.
    expect((await as(t.app, buyer)({ method: 'POST', url: `/api/v1/live/offers/${offerId}/claims` })).json().code).toBe('sold_out');
    expect(await releaseExpiredClaims(t.app.db, new Date(Date.now() + 3600_000))).toBe(5);
    const claim = await as(t.app, buyer)({ method: 'POST', url: `/api/v1/live/offers/${offerId}/claims` });
    expect(claim.statusCode).toBe(201);
    expect(claim.json().status).toBe('held');
    const address = { name: '李四', phone: '13800000000', province: '上海', city: '上海', detail: '南京路 1 号' };
    const ordered = await as(t.app, buyer)({ method: 'POST', url: `/api/v1/live/claims/${claim.json().claimId}/order`, payload: { address } });
    expect(ordered.statusCode).toBe(200);
    expect(ordered.json().redirectUrl).toContain(`/market/pay/${ordered.json().paymentId}`);
    const paid = await as(t.app, buyer)({ method: 'POST', url: `/api/v1/payments/${ordered.json().paymentId}/sandbox`, payload: { outcome: 'succeeded' } });
    expect(paid.statusCode).toBe(200);
    const mine = (await as(t.app, buyer)({ method: 'GET', url: `/api/v1/live/claims/${claim.json().claimId}` })).json();
    expect(mine).toMatchObject({ status: 'paid', amountFen: 100, orderId: ordered.json().orderId });
    expect((await as(t.app, buyer)({ method: 'POST', url: `/api/v1/live/offers/${offerId}/claims` })).json().code).toBe('already_claimed');
    // A paid claim is not released.
    expect(await releaseExpiredClaims(t.app.db, new Date(Date.now() + 3600_000))).toBe(0);
    const [after] = await t.app.db.select().from(liveFlashOffers).where(eq(liveFlashOffers.id, offerId));
    expect(after.remaining).toBe(4);
  }, 120_000);

  it('ends the session, closing its offers and its chat', async () => {
    expect((await as(t.app, producer)({ method: 'POST', url: `/api/v1/live/sessions/${sessionId}/end` })).json().status).toBe('ended');
    const page = (await t.app.inject({ method: 'GET', url: `/api/v1/live/sessions/${sessionId}` })).json();
    expect(page.offers).toEqual([]);
    expect((await as(t.app, buyer)({ method: 'POST', url: `/api/v1/live/sessions/${sessionId}/messages`, payload: { body: '还在吗' } })).statusCode).toBe(409);
  });
});
