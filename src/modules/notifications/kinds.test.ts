// The kinds other modules send as things happen: a delivered parcel (logistics), a vote about to close
// (interventions), a live session starting (live). Each is asserted as its user finds it in their centre.
import { randomUUID } from 'node:crypto';
import { sql } from 'drizzle-orm';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { as, signIn, startTestApp, type Session, type TestApp } from '../../../test/support/app.ts';
import { describeEachDriver } from '../../../test/support/db.ts';
import { proposalBody } from '../../../test/support/proposal.ts';
import { queryRows } from '../../db/handle.ts';
import { notify } from './index.ts';
import { render } from './messages.ts';

process.env.NOTIFY_DELIVER_EVERY_SECONDS = '0';
const ADDRESS = { name: '王小明', phone: '13800001234', province: '上海市', city: '上海市', detail: '徐汇区漕溪北路 88 号' };
type Item = { id: string; kind: string; params: Record<string, string | number>; link: string | null; read: boolean };

describeEachDriver('notification kinds sent by other modules', (driver) => {
  let t: TestApp;
  let buyer: Session, producer: Session, op: Session, resident: Session, village: Session, town: Session, admin: Session;
  let neighbour: Session, voter: Session, outsider: Session;

  beforeAll(async () => {
    t = await startTestApp(driver, { LOGIN_RATE_LIMIT_PER_MINUTE: '1000', LIVE_RELEASE_SECONDS: '0', LIVE_REMIND_EVERY_SECONDS: '0' });
    [buyer, producer, op, resident, village, town, admin] = await Promise.all(['buyer', 'producer', 'logistics', 'resident', 'village', 'town', 'admin'].map((u) => signIn(t.app, u)));
    const tree = (await t.app.inject({ url: '/api/v1/county' })).json() as { townships: { villages: { id: string; nameZh: string }[] }[] };
    const v = (name: string) => tree.townships.flatMap((x) => x.villages).find((x) => x.nameZh === name)!.id;
    for (const [username, unit] of [
      ['neighbour', v('杨家堂村')],
      ['voter', v('杨家堂村')],
      ['outsider', v('陈家铺村')],
    ] as const) {
      const res = await as(t.app, admin)({ method: 'POST', url: '/api/v1/users', payload: { username, displayName: username, password: 'a-long-password', grants: [{ role: 'resident', unitId: unit }] } });
      expect(res.statusCode, res.body).toBe(201);
    }
    [neighbour, voter, outsider] = await Promise.all(['neighbour', 'voter', 'outsider'].map((u) => signIn(t.app, u, 'a-long-password')));
  });
  afterAll(() => t?.close());

  const get = (s: Session | null, url: string) => as(t.app, s)({ url: `/api/v1${url}` });
  const send = (s: Session | null, method: 'POST' | 'PUT', url: string, payload?: object) => as(t.app, s)({ method, url: `/api/v1${url}`, ...(payload && { payload }) });
  const centre = async (s: Session, kind: string) => ((await get(s, '/notifications')).json().items as Item[]).filter((n) => n.kind === kind);
  /** The sentence the centre shows, in the reader's language. */
  /** Runs live's recurring reminder job once through the job queue; answers how many it told. */
  const remindStartingSoon = async () => {
    const id = await t.app.jobs.send('live.remind-starting', {});
    await t.app.jobs.drain();
    const run = await t.app.jobs.get(id);
    expect(run?.status).toBe('succeeded');
    return (run!.result as { told: number }).told;
  };
  const shown = (n: Item, locale = 'zh-CN') => render(n.kind as never, n.params, locale).body;

  it('delivery made: the buyer is told when logistics marks the stop of their order delivered, once', async () => {
    const day = '2027-04-06';
    const products = (await get(null, '/market/products')).json().items as { id: string; name: string }[];
    const [variant] = (await get(null, `/market/products/${products.find((p) => p.name === '松阳银猴 特级 明前')!.id}`)).json().variants;
    const ordered = await as(t.app, buyer)({ method: 'POST', url: '/api/v1/market/orders', payload: { items: [{ variantId: variant.id, qty: 1 }], address: ADDRESS }, headers: { 'idempotency-key': randomUUID() } });
    expect(ordered.statusCode, ordered.body).toBe(201);
    const orderId = ordered.json().id as string;
    const pay = await send(buyer, 'POST', `/market/orders/${orderId}/pay`);
    expect((await send(buyer, 'POST', `/payments/${pay.json().paymentId}/sandbox`, { outcome: 'succeeded' })).statusCode).toBe(200);
    expect((await send(op, 'POST', '/logistics/requests/from-market', { serviceDate: day })).statusCode).toBe(200);
    const pickup = ((await get(op, `/logistics/requests?date=${day}`)).json() as { id: string; marketOrderId: string }[]).find((r) => r.marketOrderId === orderId)!;
    const started = await send(op, 'POST', '/logistics/plans', { serviceDate: day, timeLimitMs: 1000 });
    expect(started.statusCode, started.body).toBe(202);
    let plan: { id: string; status: string; stops: { id: string; requestId: string }[] } | undefined;
    for (let tries = 0; tries < 300; tries++) {
      await t.app.jobs.drain();
      plan = (await get(op, `/logistics/plans/${started.json().planId}`)).json();
      if (!['queued', 'solving'].includes(plan!.status)) break;
      await new Promise((resolve) => setTimeout(resolve, 200));
    }
    expect(plan!.status).toBe('ready');
    expect((await send(op, 'POST', `/logistics/plans/${plan!.id}/dispatch`)).statusCode).toBe(200);
    const stop = plan!.stops.find((s) => s.requestId === pickup.id)!;
    // Picked up is no delivery: nothing yet.
    expect((await send(op, 'POST', `/logistics/plans/${plan!.id}/stops/${stop.id}`, { status: 'picked_up' })).statusCode).toBe(200);
    expect(await centre(buyer, 'delivery.made')).toHaveLength(0);
    const done = await send(op, 'POST', `/logistics/plans/${plan!.id}/stops/${stop.id}`, { status: 'delivered' });
    expect(done.statusCode, done.body).toBe(200);
    const told = await centre(buyer, 'delivery.made');
    expect(told).toHaveLength(1);
    expect(told[0]).toMatchObject({ read: false, link: `/market/orders/${orderId}`, params: { orderNo: orderId.slice(-8) } });
    expect(shown(told[0])).toBe(`订单 ${orderId.slice(-8)} 的包裹已送达。`);
    expect(shown(told[0], 'en')).toBe(`The parcel of order ${orderId.slice(-8)} was delivered.`);
    // Nobody else hears of the buyer's parcel; the operator's change and its audit went through as before.
    expect(await centre(producer, 'delivery.made')).toHaveLength(0);
    expect(await centre(op, 'delivery.made')).toHaveLength(0);
    expect((await get(buyer, `/logistics/orders/${orderId}/delivery`)).json().state).toBe('delivered');
    // The buyer's default channels put a push in the outbox (sent by the job, not by the operator's request).
    const [outbox] = await queryRows<{ n: number }>(
      t.db.db,
      sql`select count(*)::int as n from notification_deliveries d join notifications n on n.id = d.notification_id and n.county_id = d.county_id where n.id = ${told[0].id} and d.channel = 'push' and d.status = 'pending'`,
    );
    expect(outbox.n).toBe(1);
  });

  it('vote closing: residents of the village who have not voted are told once the proposal goes to the county', async () => {
    const created = await send(resident, 'POST', '/interventions', proposalBody((await get(resident, '/county')).json().townships.flatMap((x: { villages: { id: string; nameZh: string }[] }) => x.villages).find((x: { nameZh: string }) => x.nameZh === '杨家堂村').id, { title: '杨家堂古道修复' }));
    expect(created.statusCode, created.body).toBe(201);
    const id = created.json().id as string;
    const step = (who: Session, body: object) => send(who, 'POST', `/interventions/${id}/transitions`, body);
    expect((await step(resident, { action: 'submit', from: 'draft' })).statusCode).toBe(200);
    expect((await send(voter, 'PUT', `/interventions/${id}/vote`, { stance: 'support' })).statusCode).toBe(200);
    expect((await step(village, { action: 'approve', from: 'submitted' })).statusCode).toBe(200);
    // Not yet: the township has not reviewed it.
    expect(await centre(neighbour, 'vote.closing')).toHaveLength(0);
    expect((await step(town, { action: 'approve', from: 'village_approved' })).json().status).toBe('township_reviewed');

    const told = await centre(neighbour, 'vote.closing');
    expect(told).toHaveLength(1);
    expect(told[0]).toMatchObject({ link: `/interventions/p/${id}`, params: { title: '杨家堂古道修复' } });
    expect(shown(told[0])).toBe('提案“杨家堂古道修复”已交县里审批，县里作出决定后投票即截止。您还没有投票。');
    // The proposer has not voted either, and is told too; whoever voted, and residents of another village, are not.
    expect(await centre(resident, 'vote.closing')).toHaveLength(1);
    expect(await centre(voter, 'vote.closing')).toHaveLength(0);
    expect(await centre(outsider, 'vote.closing')).toHaveLength(0);
    expect(await centre(village, 'vote.closing')).toHaveLength(0);
    // The neighbour votes in time; the county decides, and voting is closed.
    expect((await send(neighbour, 'PUT', `/interventions/${id}/vote`, { stance: 'support' })).statusCode).toBe(200);
    expect((await step(admin, { action: 'approve', from: 'township_reviewed' })).json().status).toBe('county_approved');
    expect((await send(neighbour, 'PUT', `/interventions/${id}/vote`, { stance: 'oppose' })).statusCode).toBe(409);
    expect(await centre(neighbour, 'vote.closing')).toHaveLength(1);
  });

  it('live session starting: followers are reminded before it starts (once, however often the job runs) and told when it goes live', async () => {
    const products = (await get(null, '/market/products')).json().items as { id: string; orgId: string }[];
    const inTen = new Date(Date.now() + 10 * 60_000);
    const later = new Date(Date.now() + 3 * 3600_000);
    const schedule = async (title: string, at: Date) => {
      const res = await send(producer, 'POST', '/live/sessions', { orgId: products[0].orgId, title, scheduledAt: at.toISOString(), productIds: [products[0].id] });
      expect(res.statusCode, res.body).toBe(201);
      return res.json().id as string;
    };
    const soon = await schedule('春茶开采直播', inTen);
    const evening = await schedule('晚间品茶直播', later);
    expect((await get(buyer, `/live/sessions/${soon}/reminder`)).json()).toEqual({ reminded: false });
    expect((await send(buyer, 'PUT', `/live/sessions/${soon}/reminder`, { on: true })).json()).toEqual({ reminded: true });
    expect((await send(buyer, 'PUT', `/live/sessions/${soon}/reminder`, { on: true })).json()).toEqual({ reminded: true });
    expect((await get(buyer, `/live/sessions/${soon}/reminder`)).json()).toEqual({ reminded: true });
    expect((await send(buyer, 'PUT', `/live/sessions/${evening}/reminder`, { on: true })).statusCode).toBe(200);
    expect((await send(neighbour, 'PUT', `/live/sessions/${evening}/reminder`, { on: true })).statusCode).toBe(200);
    expect((await send(neighbour, 'PUT', `/live/sessions/${evening}/reminder`, { on: false })).json()).toEqual({ reminded: false });

    // The recurring job, run three times: the buyer is reminded of the session starting in ten minutes, once.
    await remindStartingSoon();
    await remindStartingSoon();
    expect(await remindStartingSoon()).toBe(0);
    let told = await centre(buyer, 'live.starting');
    expect(told).toHaveLength(1);
    const time = new Intl.DateTimeFormat('en-GB', { timeZone: 'Asia/Shanghai', hour: '2-digit', minute: '2-digit', hour12: false }).format(inTen);
    expect(told[0]).toMatchObject({ link: `/live/${soon}`, params: { title: '春茶开采直播', when: 'soon', time } });
    expect(shown(told[0])).toBe(`直播“春茶开采直播”将于 ${time} 开始。`);
    expect(shown(told[0], 'en')).toBe(`The live session “春茶开采直播” starts at ${time}.`);
    // Someone who asks after the reminder went out is reminded by the next run; nobody is told twice.
    expect((await send(voter, 'PUT', `/live/sessions/${soon}/reminder`, { on: true })).statusCode).toBe(200);
    expect(await remindStartingSoon()).toBe(1);
    expect(await centre(voter, 'live.starting')).toHaveLength(1);
    const [audit] = await queryRows<{ n: number }>(t.db.db, sql`select count(*)::int as n from audit_log where action = 'live.reminder.sent' and entity_id = ${soon}`);
    expect(audit.n).toBe(2);

    // The host goes live: followers are told it is live now.
    expect((await send(producer, 'POST', `/live/sessions/${soon}/start`)).json().status).toBe('live');
    told = await centre(buyer, 'live.starting');
    expect(told).toHaveLength(2);
    expect(shown(told[0])).toBe('直播“春茶开采直播”正在直播，快来观看。');
    expect(shown(told[0], 'en')).toBe('The live session “春茶开采直播” is live now: come and watch.');
    // The evening session is not due yet; the neighbour turned their reminder off; the host follows nothing.
    expect((await centre(buyer, 'live.starting')).every((n) => n.link === `/live/${soon}`)).toBe(true);
    expect(await centre(neighbour, 'live.starting')).toHaveLength(0);
    expect(await centre(producer, 'live.starting')).toHaveLength(0);
  });

  it('refuses a reminder for an ended or unknown session, or without signing in, with problem+json', async () => {
    const products = (await get(null, '/market/products')).json().items as { id: string; orgId: string }[];
    const res = await send(producer, 'POST', '/live/sessions', { orgId: products[0].orgId, title: '已结束的直播', scheduledAt: new Date(Date.now() + 3600_000).toISOString(), productIds: [] });
    const id = res.json().id as string;
    expect((await send(producer, 'POST', `/live/sessions/${id}/end`)).statusCode).toBe(200);
    const ended = await send(buyer, 'PUT', `/live/sessions/${id}/reminder`, { on: true });
    expect(ended.statusCode).toBe(409);
    expect(ended.json()).toMatchObject({ code: 'invalid_transition', current: 'ended' });
    expect((await send(buyer, 'PUT', `/live/sessions/${randomUUID()}/reminder`, { on: true })).statusCode).toBe(404);
    const bad = await send(buyer, 'PUT', `/live/sessions/${id}/reminder`, { on: 'yes' });
    expect(bad.statusCode).toBe(400);
    expect(bad.headers['content-type']).toContain('application/problem+json');
    expect(bad.body).toContain('on');
    expect((await send(null, 'PUT', `/live/sessions/${id}/reminder`, { on: true })).statusCode).toBe(401);
  });

  it('lists every kind on the preferences page, the new ones included', async () => {
    const kinds = ((await get(buyer, '/notifications/preferences')).json().kinds as { kind: string }[]).map((k) => k.kind);
    expect(kinds).toEqual(expect.arrayContaining(['delivery.made', 'vote.closing', 'live.starting']));
    const set = await send(buyer, 'PUT', '/notifications/preferences', { kinds: [{ kind: 'live.starting', channels: ['email'] }] });
    expect(set.statusCode, set.body).toBe(200);
    expect(set.json().kinds.find((k: { kind: string }) => k.kind === 'live.starting').channels).toEqual(['in_app', 'email']);
  });

  it('a notification that cannot be recorded never undoes the change that sent it', async () => {
    const [{ county_id: countyId }] = await queryRows<{ county_id: string }>(t.db.db, sql`select county_id from users where id = ${buyer.userId}`);
    const before = (await centre(buyer, 'order.shipped')).length;
    const warnings: string[] = [];
    const onWarning = (w: Error) => warnings.push(w.message);
    process.on('warning', onWarning);
    const result = await t.db.db.transaction(async (tx) => {
      // The database refuses this kind (its check constraint): that notification is dropped, the transaction goes on.
      const refused = await notify(tx, { countyId, userIds: [buyer.userId], kind: 'no.such.kind' as never, params: { orderNo: 'x' } });
      const kept = await notify(tx, { countyId, userIds: [buyer.userId], kind: 'order.shipped', params: { orderNo: 'ABCD1234', trackingNo: 'SF123' } });
      return { refused, kept };
    });
    await new Promise((resolve) => setImmediate(resolve));
    process.off('warning', onWarning);
    expect(result.refused).toEqual([]);
    expect(result.kept).toHaveLength(1);
    expect((await centre(buyer, 'order.shipped')).length).toBe(before + 1);
    expect(warnings).toEqual(['notifications: a no.such.kind notification was not recorded (23514)']);
  });
});
