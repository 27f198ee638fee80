import { sql } from 'drizzle-orm';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { as, signIn, startTestApp, type Session, type TestApp } from '../../../test/support/app.ts';
import { describeEachDriver } from '../../../test/support/db.ts';
import { queryRows } from '../../db/handle.ts';

type Tree = { county: { id: string }; townships: { id: string; nameZh: string; villages: { id: string; nameZh: string }[] }[] };
type Period = { id: string; period: string; status: string; incomeFen: number; expenseFen: number; balanceFen: number };

describeEachDriver('people: the village notice board and published accounts', (driver) => {
  let t: TestApp;
  let tree: Tree;
  let resident: Session, village: Session, town: Session, admin: Session, buyer: Session, otherOfficial: Session;
  const v = (name: string) => tree.townships.flatMap((x) => x.villages).find((x) => x.nameZh === name)!.id;
  const audit = async (entityId: string) => (await queryRows<{ action: string; details: Record<string, unknown> }>(t.db.db, sql`select action, details from audit_log where entity_id = ${entityId} order by at, id`));

  beforeAll(async () => {
    t = await startTestApp(driver, { LOGIN_RATE_LIMIT_PER_MINUTE: '1000' });
    tree = (await t.app.inject({ url: '/api/v1/county' })).json();
    [resident, village, town, admin, buyer] = await Promise.all(['resident', 'village', 'town', 'admin', 'buyer'].map((u) => signIn(t.app, u)));
    const made = await as(t.app, admin)({ method: 'POST', url: '/api/v1/users', payload: { username: 'official2', displayName: 'official2', password: 'a-long-password', grants: [{ role: 'village_official', unitId: v('陈家铺村') }] } });
    expect(made.statusCode).toBe(201);
    otherOfficial = await signIn(t.app, 'official2', 'a-long-password');
  });
  afterAll(() => t?.close());

  it('anyone reads the board, pinned first; only the village’s officials and those above post, and each post is audited', async () => {
    const yjt = v('杨家堂村');
    const board = (await t.app.inject({ url: `/api/v1/people/villages/${yjt}/notices` })).json();
    expect(board).toMatchObject({ villageName: '杨家堂村', canManage: false });
    expect(board.notices[0]).toMatchObject({ title: '关于村道硬化工程招标结果的公示', pinned: true, category: 'affairs' });

    const body = { category: 'notice', title: '冬季防火提醒', body: '山林防火期，请勿在山上烧田埂、上坟烧纸。' };
    for (const who of [resident, buyer, otherOfficial]) expect((await as(t.app, who)({ method: 'POST', url: `/api/v1/people/villages/${yjt}/notices`, payload: body })).statusCode).toBe(403);
    expect((await as(t.app, null)({ method: 'POST', url: `/api/v1/people/villages/${yjt}/notices`, payload: body })).statusCode).toBe(401);
    for (const who of [village, town]) {
      const res = await as(t.app, who)({ method: 'POST', url: `/api/v1/people/villages/${yjt}/notices`, payload: { ...body, title: `${body.title}（${who === village ? '村' : '乡'}）` } });
      expect(res.statusCode, res.body).toBe(201);
      expect((await audit(res.json().id)).map((a) => a.action)).toEqual(['people.notice.post']);
    }
    const list = (await as(t.app, resident)({ url: `/api/v1/people/villages/${yjt}/notices` })).json();
    expect(list.notices.map((n: { title: string }) => n.title).slice(0, 3)).toEqual(['关于村道硬化工程招标结果的公示', '冬季防火提醒（乡）', '冬季防火提醒（村）']);
    // Not a village: a township has no board.
    expect((await t.app.inject({ url: `/api/v1/people/villages/${tree.townships[0].id}/notices` })).json().field).toBe('params/id');
  });

  it('a withdrawn notice leaves the public board but not the record; withdrawing twice is a refused transition', async () => {
    const yjt = v('杨家堂村');
    const posted = (await as(t.app, village)({ method: 'POST', url: `/api/v1/people/villages/${yjt}/notices`, payload: { category: 'party', title: '党员大会通知（有误）', body: '时间写错了。' } })).json();
    expect((await as(t.app, village)({ method: 'POST', url: `/api/v1/people/notices/${posted.id}/withdraw`, payload: {} })).json().field).toBe('body/reason');
    expect((await as(t.app, otherOfficial)({ method: 'POST', url: `/api/v1/people/notices/${posted.id}/withdraw`, payload: { reason: '时间有误' } })).statusCode).toBe(403);
    const done = await as(t.app, village)({ method: 'POST', url: `/api/v1/people/notices/${posted.id}/withdraw`, payload: { reason: '时间有误，另行通知' } });
    expect(done.json()).toMatchObject({ status: 'withdrawn', withdrawnReason: '时间有误，另行通知' });
    const again = await as(t.app, village)({ method: 'POST', url: `/api/v1/people/notices/${posted.id}/withdraw`, payload: { reason: '时间有误' } });
    expect(again.statusCode).toBe(409);
    expect(again.json()).toMatchObject({ code: 'invalid_transition', current: 'withdrawn' });
    expect((await t.app.inject({ url: `/api/v1/people/villages/${yjt}/notices` })).body).not.toContain('党员大会通知');
    const kept = (await as(t.app, village)({ url: `/api/v1/people/villages/${yjt}/notices` })).json();
    expect(kept.canManage).toBe(true);
    expect(kept.notices.find((n: { id: string }) => n.id === posted.id)).toMatchObject({ status: 'withdrawn' });
    expect((await audit(posted.id)).map((a) => a.action)).toEqual(['people.notice.post', 'people.notice.withdraw']);
  });

  it('published accounts are public with totals by head; drafts only for the village’s officials', async () => {
    const yjt = v('杨家堂村');
    const pub = (await t.app.inject({ url: `/api/v1/people/villages/${yjt}/accounts` })).json();
    expect(pub.periods.map((p: Period) => p.period)).toEqual(['2026-Q3']);
    expect(pub.periods[0]).toMatchObject({ incomeFen: 18_450_000, expenseFen: 10_680_000, balanceFen: 7_770_000, status: 'published' });
    const q3 = (await t.app.inject({ url: `/api/v1/people/accounts/${pub.periods[0].id}` })).json();
    expect(q3.income).toEqual([
      { category: 'operations', amountFen: 1_650_000 },
      { category: 'contracting', amountFen: 4_800_000 },
      { category: 'subsidy', amountFen: 12_000_000 },
    ]);
    expect(q3.entries).toHaveLength(6);
    expect(q3.entries.find((e: { item: string }) => e.item === '村道硬化工程预付款')).toMatchObject({ direction: 'expense', category: 'construction', amountFen: 9_780_000 });

    const mine = (await as(t.app, village)({ url: `/api/v1/people/villages/${yjt}/accounts` })).json();
    expect(mine.periods.map((p: Period) => [p.period, p.status])).toEqual([
      ['2026-Q3', 'published'],
      ['2026-10', 'draft'],
    ]);
    const draft = mine.periods.find((p: Period) => p.status === 'draft');
    for (const who of [null, resident, otherOfficial]) expect((await as(t.app, who)({ url: `/api/v1/people/accounts/${draft.id}` })).statusCode).toBe(404);
    expect((await as(t.app, town)({ url: `/api/v1/people/accounts/${draft.id}` })).json()).toMatchObject({ status: 'draft', canManage: true, incomeFen: 2_000_000 });
  });

  it('an official drafts a month, adds and removes lines, publishes it; it is then locked, and every change is audited', async () => {
    const yjt = v('杨家堂村');
    const bad = await as(t.app, village)({ method: 'POST', url: `/api/v1/people/villages/${yjt}/accounts`, payload: { period: '2026-13' } });
    expect(bad.json().field).toBe('body/period');
    expect((await as(t.app, resident)({ method: 'POST', url: `/api/v1/people/villages/${yjt}/accounts`, payload: { period: '2026-11' } })).statusCode).toBe(403);
    const opened = await as(t.app, village)({ method: 'POST', url: `/api/v1/people/villages/${yjt}/accounts`, payload: { period: '2026-11', note: '十一月' } });
    expect(opened.statusCode).toBe(201);
    const id = opened.json().id as string;
    expect((await as(t.app, village)({ method: 'POST', url: `/api/v1/people/villages/${yjt}/accounts`, payload: { period: '2026-11' } })).json()).toMatchObject({ code: 'period_exists', field: 'body/period' });

    const line = (over: Record<string, unknown>) => as(t.app, village)({ method: 'POST', url: `/api/v1/people/accounts/${id}/entries`, payload: { direction: 'income', category: 'subsidy', item: '防火宣传补助', amountFen: 150_000, occurredOn: '2026-11-03', ...over } });
    for (const [over, field] of [
      [{ amountFen: 0 }, 'body/amountFen'],
      [{ amountFen: 12.5 }, 'body/amountFen'],
      [{ category: 'management' }, 'body/category'],
      [{ direction: 'gift' }, 'body/direction'],
      [{ item: 'x\u0000y' }, 'body/item'],
      [{ occurredOn: '2026-11-31' }, 'body/occurredOn'],
    ] as const) {
      const res = await line(over);
      expect(res.statusCode, field).toBe(400);
      expect(res.json().field).toBe(field);
    }
    expect((await line({})).statusCode).toBe(201);
    const wrong = (await line({ direction: 'expense', category: 'management', item: '误录', amountFen: 99 })).json();
    expect((await as(t.app, otherOfficial)({ method: 'DELETE', url: `/api/v1/people/account-entries/${wrong.id}` })).statusCode).toBe(403);
    expect((await as(t.app, village)({ method: 'DELETE', url: `/api/v1/people/account-entries/${wrong.id}` })).statusCode).toBe(204);
    expect((await line({ direction: 'expense', category: 'public_welfare', item: '灭火器购置', amountFen: 48_000 })).statusCode).toBe(201);

    expect((await as(t.app, otherOfficial)({ method: 'POST', url: `/api/v1/people/accounts/${id}/publish` })).statusCode).toBe(403);
    const published = await as(t.app, village)({ method: 'POST', url: `/api/v1/people/accounts/${id}/publish` });
    expect(published.statusCode).toBe(200);
    expect(published.json()).toMatchObject({ status: 'published', incomeFen: 150_000, expenseFen: 48_000, balanceFen: 102_000 });
    expect((await t.app.inject({ url: `/api/v1/people/accounts/${id}` })).json().entries.map((e: { item: string }) => e.item)).toEqual(['防火宣传补助', '灭火器购置']);

    // Locked: no new line, no removal, no second publication.
    const late = await line({ item: '补录' });
    expect(late.statusCode).toBe(409);
    expect(late.json()).toMatchObject({ code: 'invalid_transition', current: 'published' });
    const entryId = (await t.app.inject({ url: `/api/v1/people/accounts/${id}` })).json().entries[0].id;
    expect((await as(t.app, village)({ method: 'DELETE', url: `/api/v1/people/account-entries/${entryId}` })).json().code).toBe('invalid_transition');
    expect((await as(t.app, village)({ method: 'POST', url: `/api/v1/people/accounts/${id}/publish` })).json()).toMatchObject({ code: 'invalid_transition', current: 'published' });

    const trail = await audit(id);
    expect(trail.map((a) => a.action)).toEqual(['people.accounts.open', 'people.accounts.entry_add', 'people.accounts.entry_add', 'people.accounts.entry_remove', 'people.accounts.entry_add', 'people.accounts.publish']);
    expect(trail[3].details).toMatchObject({ item: '误录', amountFen: 99 });
    expect(trail[5].details).toMatchObject({ from: 'draft', to: 'published', incomeFen: 150_000, expenseFen: 48_000 });
  });

  it('a line added while the month is being published lands before the publication or is refused, never after it', async () => {
    const yjt = v('杨家堂村');
    const id = (await as(t.app, village)({ method: 'POST', url: `/api/v1/people/villages/${yjt}/accounts`, payload: { period: '2026-12' } })).json().id as string;
    const adds = Array.from({ length: 6 }, (_, i) =>
      as(t.app, village)({ method: 'POST', url: `/api/v1/people/accounts/${id}/entries`, payload: { direction: 'income', category: 'other_income', item: `捐款 ${i}`, amountFen: 1000, occurredOn: '2026-12-01' } }),
    );
    const [published, ...added] = await Promise.all([as(t.app, town)({ method: 'POST', url: `/api/v1/people/accounts/${id}/publish` }), ...adds]);
    expect(published.statusCode).toBe(200);
    const accepted = added.filter((r) => r.statusCode === 201).length;
    expect(added.every((r) => r.statusCode === 201 || r.json().code === 'invalid_transition')).toBe(true);
    // What was published is what the village reads, and what the audit row of the publication says.
    const now = (await t.app.inject({ url: `/api/v1/people/accounts/${id}` })).json();
    expect(now.entries).toHaveLength(accepted);
    const publication = (await audit(id)).find((a) => a.action === 'people.accounts.publish')!;
    expect(publication.details.incomeFen).toBe(accepted * 1000);
  });
});
