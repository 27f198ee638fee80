import { sql } from 'drizzle-orm';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { as, signIn, startTestApp, type Session, type TestApp } from '../../../test/support/app.ts';
import { describeEachDriver } from '../../../test/support/db.ts';
import { queryRows } from '../../db/handle.ts';

type Tree = { county: { id: string }; townships: { id: string; nameZh: string; villages: { id: string; nameZh: string }[] }[] };
type Programme = { id: string; title: string; disbursedFen: number; budgetFen: number };
type Application = { id: string; status: string; steps: { from: string; to: string; note: string }[]; disbursedFen: number };

describeEachDriver('people: programmes and the approval chain', (driver) => {
  let t: TestApp;
  let tree: Tree;
  let resident: Session, village: Session, town: Session, admin: Session, buyer: Session, neighbour: Session, official2: Session;
  const v = (name: string) => tree.townships.flatMap((x) => x.villages).find((x) => x.nameZh === name)!;
  const sandu = () => tree.townships.find((x) => x.nameZh === '三都乡')!.id;
  const count = async (q: ReturnType<typeof sql>) => (await queryRows<{ n: number }>(t.db.db, q))[0].n;
  const grant = async () => ((await t.app.inject({ url: '/api/v1/people/programmes' })).json() as Programme[]).find((p) => p.title === '返乡创业启动资金')!;
  const decide = (who: Session, id: string, payload: Record<string, unknown>) => as(t.app, who)({ method: 'POST', url: `/api/v1/people/applications/${id}/decisions`, payload });
  const programme = (who: Session, over: Record<string, unknown> = {}) =>
    as(t.app, who)({
      method: 'POST',
      url: '/api/v1/people/programmes',
      payload: { unitId: tree.county.id, kind: 'training', title: '电商直播培训', budgetFen: 100_000, maxAwardFen: 80_000, deadline: '2099-12-31', ...over },
    });

  beforeAll(async () => {
    t = await startTestApp(driver, { LOGIN_RATE_LIMIT_PER_MINUTE: '1000' });
    tree = (await t.app.inject({ url: '/api/v1/county' })).json();
    [resident, village, town, admin, buyer] = await Promise.all(['resident', 'village', 'town', 'admin', 'buyer'].map((u) => signIn(t.app, u)));
    // A second resident of 杨家堂村 (living there, not a returnee), enrolled by the village, and another village's official.
    const n = await as(t.app, admin)({ method: 'POST', url: '/api/v1/users', payload: { username: 'neighbour', displayName: 'neighbour', password: 'a-long-password', grants: [{ role: 'resident', unitId: v('杨家堂村').id }] } });
    const o = await as(t.app, admin)({ method: 'POST', url: '/api/v1/users', payload: { username: 'official2', displayName: 'o2', password: 'a-long-password', grants: [{ role: 'village_official', unitId: v('陈家铺村').id }] } });
    expect([n.statusCode, o.statusCode]).toEqual([201, 201]);
    const enrol = await as(t.app, village)({
      method: 'POST',
      url: '/api/v1/people/residents',
      payload: { villageId: v('杨家堂村').id, fullName: '宋阿婆', birthYear: 1950, status: 'living', userId: n.json().id, consent: true },
    });
    expect(enrol.statusCode).toBe(201);
    [neighbour, official2] = await Promise.all([signIn(t.app, 'neighbour', 'a-long-password'), signIn(t.app, 'official2', 'a-long-password')]);
  });
  afterAll(() => t?.close());

  it('the county and townships set programmes; villages and others may not; bad input names the field', async () => {
    expect((await programme(admin)).statusCode).toBe(201);
    expect((await programme(town, { unitId: sandu(), title: '三都乡民宿管家培训' })).statusCode).toBe(201);
    expect((await programme(town)).statusCode).toBe(403); // the county is above the township
    expect((await programme(village, { unitId: sandu() })).statusCode).toBe(403);
    expect((await programme(buyer)).statusCode).toBe(403);
    for (const [over, field] of [
      [{ maxAwardFen: 200_000 }, 'body/maxAwardFen'],
      [{ deadline: '2099-02-30' }, 'body/deadline'],
      [{ budgetFen: 1.5 }, 'body/budgetFen'],
      [{ kind: 'lottery' }, 'body/kind'],
      [{ unitId: v('杨家堂村').id }, 'body/unitId'],
    ] as const) {
      const res = await programme(admin, over);
      expect(res.statusCode, field).toBe(400);
      expect(res.json().field).toBe(field);
    }
  });

  it('a returnee applies; the village, the township and the county approve in turn; the county disburses; every step audited', async () => {
    const p = await grant();
    const applied = await as(t.app, resident)({ method: 'POST', url: `/api/v1/people/programmes/${p.id}/applications`, payload: { amountFen: 2_000_000, plan: '开一家卖松阳山货的网店，带动邻居的茶叶和番薯干。' } });
    expect(applied.statusCode).toBe(201);
    const a = applied.json() as Application;
    expect(a.status).toBe('submitted');
    expect((await as(t.app, resident)({ method: 'POST', url: `/api/v1/people/programmes/${p.id}/applications`, payload: { amountFen: 1, plan: '再申请一次试试看看。' } })).json().code).toBe('already_applied');

    // Each level acts only at its own level.
    expect((await decide(admin, a.id, { action: 'approve', from: 'submitted' })).statusCode).toBe(403);
    expect((await decide(town, a.id, { action: 'approve', from: 'submitted' })).statusCode).toBe(403);
    expect((await decide(official2, a.id, { action: 'approve', from: 'submitted' })).statusCode).toBe(403);
    expect((await decide(resident, a.id, { action: 'approve', from: 'submitted' })).statusCode).toBe(403);
    const first = await decide(village, a.id, { action: 'approve', from: 'submitted', note: '计划可行' });
    expect(first.statusCode).toBe(200);
    expect(first.json().status).toBe('village_approved');
    // The same step again, or a step from a status it is not in: refused with one code.
    const again = await decide(village, a.id, { action: 'approve', from: 'submitted' });
    expect(again.statusCode).toBe(409);
    expect(again.json()).toMatchObject({ code: 'invalid_transition', field: 'body/from', status: 409, current: 'village_approved' });
    expect((await decide(admin, a.id, { action: 'disburse', from: 'village_approved' })).json().code).toBe('invalid_transition');
    expect((await decide(village, a.id, { action: 'approve', from: 'village_approved' })).statusCode).toBe(403);
    expect((await decide(town, a.id, { action: 'approve', from: 'village_approved' })).json().status).toBe('township_approved');
    expect((await decide(admin, a.id, { action: 'approve', from: 'township_approved' })).json().status).toBe('approved');

    const tooMuch = await decide(admin, a.id, { action: 'disburse', from: 'approved', amountFen: 2_000_001 });
    expect(tooMuch.statusCode).toBe(400);
    expect(tooMuch.json().field).toBe('body/amountFen');
    const paid = await decide(admin, a.id, { action: 'disburse', from: 'approved', amountFen: 1_500_000 });
    expect(paid.json()).toMatchObject({ status: 'disbursed', disbursedFen: 1_500_000 });
    expect((await grant()).disbursedFen).toBe(p.disbursedFen + 1_500_000);
    const late = await decide(admin, a.id, { action: 'reject', from: 'approved', reason: '太晚了' });
    expect(late.json()).toMatchObject({ code: 'invalid_transition', status: 409, current: 'disbursed' });

    // The applicant sees where it stands, step by step.
    const mine = (await as(t.app, resident)({ url: '/api/v1/people/me' })).json().applications as Application[];
    const seen = mine.find((x) => x.id === a.id)!;
    expect(seen.status).toBe('disbursed');
    expect(seen.steps.map((s) => s.to)).toEqual(['village_approved', 'township_approved', 'approved', 'disbursed']);
    expect(seen.steps[0].note).toBe('计划可行');
    expect(await count(sql`select count(*)::int as n from audit_log where entity_id = ${a.id} and action like 'people.application.%'`)).toBe(5);
  });

  it('refuses the ineligible, the outsider and the late; a rejection needs a reason', async () => {
    const p = await grant();
    const notReturnee = await as(t.app, neighbour)({ method: 'POST', url: `/api/v1/people/programmes/${p.id}/applications`, payload: { amountFen: 100, plan: '我也想申请一点启动资金。' } });
    expect(notReturnee.statusCode).toBe(409);
    expect(notReturnee.json().code).toBe('not_eligible');
    expect((await as(t.app, buyer)({ method: 'POST', url: `/api/v1/people/programmes/${p.id}/applications`, payload: { amountFen: 100, plan: '城里人也想申请一下。' } })).statusCode).toBe(403);
    const tooBig = await as(t.app, resident)({ method: 'POST', url: `/api/v1/people/programmes/${p.id}/applications`, payload: { amountFen: 0, plan: '太少了的申请金额。' } });
    expect(tooBig.json().field).toBe('body/amountFen');

    const old = (await programme(admin, { title: '往年的培训', deadline: '2020-01-01' })).json() as Programme;
    expect((await as(t.app, neighbour)({ method: 'POST', url: `/api/v1/people/programmes/${old.id}/applications`, payload: { amountFen: 100, plan: '报名参加去年的那期培训班。' } })).json().code).toBe('programme_closed');

    const course = (await programme(town, { unitId: sandu(), title: '竹编入门' })).json() as Programme;
    const a = (await as(t.app, neighbour)({ method: 'POST', url: `/api/v1/people/programmes/${course.id}/applications`, payload: { amountFen: 50_000, plan: '想学竹编给孙子编玩具。' } })).json() as Application;
    const noReason = await decide(village, a.id, { action: 'reject', from: 'submitted' });
    expect(noReason.statusCode).toBe(400);
    expect(noReason.json().field).toBe('body/reason');
    // Another village's official neither sees nor decides it.
    expect((await as(t.app, official2)({ url: `/api/v1/people/applications/${a.id}` })).statusCode).toBe(403);
    expect(((await as(t.app, official2)({ url: '/api/v1/people/applications' })).json() as Application[]).some((x) => x.id === a.id)).toBe(false);
    expect(((await as(t.app, village)({ url: '/api/v1/people/applications?status=submitted' })).json() as Application[]).some((x) => x.id === a.id)).toBe(true);
    const rejected = await decide(village, a.id, { action: 'reject', from: 'submitted', reason: '名额已满，请报下一期' });
    expect(rejected.json()).toMatchObject({ status: 'rejected', reason: '名额已满，请报下一期' });
    expect((await as(t.app, neighbour)({ url: `/api/v1/people/applications/${a.id}` })).json().reason).toBe('名额已满，请报下一期');
  });

  it('never disburses beyond the budget, and leaves the refused application as it was', async () => {
    const p = (await programme(admin, { title: '小额创业补贴' })).json() as Programme; // ¥1000, ¥800 each at most
    const ids: string[] = [];
    for (const who of [resident, neighbour]) {
      const a = (await as(t.app, who)({ method: 'POST', url: `/api/v1/people/programmes/${p.id}/applications`, payload: { amountFen: 60_000, plan: '开个小卖部卖本地山货。' } })).json() as Application;
      for (const [by, from] of [
        [village, 'submitted'],
        [town, 'village_approved'],
        [admin, 'township_approved'],
      ] as const)
        expect((await decide(by, a.id, { action: 'approve', from })).statusCode).toBe(200);
      ids.push(a.id);
    }
    expect((await decide(admin, ids[0], { action: 'disburse', from: 'approved' })).statusCode).toBe(200);
    const over = await decide(admin, ids[1], { action: 'disburse', from: 'approved' });
    expect(over.statusCode).toBe(409);
    expect(over.json().code).toBe('over_budget');
    expect((await as(t.app, admin)({ url: `/api/v1/people/applications/${ids[1]}` })).json().status).toBe('approved');
    expect(((await t.app.inject({ url: `/api/v1/people/programmes/${p.id}` })).json() as Programme).disbursedFen).toBe(60_000);
  });
  it('the applicant withdraws while it is under review; nobody else may, and a withdrawn application moves no further', async () => {
    const course = (await programme(town, { unitId: sandu(), title: '茶艺入门' })).json() as Programme;
    const a = (await as(t.app, neighbour)({ method: 'POST', url: `/api/v1/people/programmes/${course.id}/applications`, payload: { amountFen: 10_000, plan: '想学茶艺，在村口开个茶摊。' } })).json() as Application;
    expect((await decide(village, a.id, { action: 'withdraw', from: 'submitted' })).statusCode).toBe(403);
    const gone = await decide(neighbour, a.id, { action: 'withdraw', from: 'submitted' });
    expect(gone.json().status).toBe('withdrawn');
    const late = await decide(village, a.id, { action: 'approve', from: 'submitted' });
    expect(late.json()).toMatchObject({ code: 'invalid_transition', status: 409, current: 'withdrawn' });
  });

  it('documents every people route in the OpenAPI description, with its operation id and answer', async () => {
    const res = await t.app.inject({ url: '/api/docs/json' });
    expect(res.statusCode).toBe(200);
    const paths = res.json().paths as Record<string, Record<string, { operationId?: string; summary?: string; responses?: Record<string, unknown> }>>;
    const ops = Object.entries(paths)
      .filter(([p]) => p.startsWith('/api/v1/people/'))
      .flatMap(([, methods]) => Object.values(methods));
    expect(ops.length).toBeGreaterThanOrEqual(19);
    for (const op of ops) {
      expect(op.operationId).toBeTruthy();
      expect(op.summary).toBeTruthy();
      expect(Object.keys(op.responses ?? {}).some((c) => c.startsWith('2'))).toBe(true);
    }
    expect(ops.map((o) => o.operationId)).toContain('decideApplication');
  });
});
