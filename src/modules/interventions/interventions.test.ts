import { sql } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { as, signIn, startTestApp, type Session, type TestApp } from '../../../test/support/app.ts';
import { describeEachDriver } from '../../../test/support/db.ts';
import { queryRows } from '../../db/handle.ts';
import { checkHeritageRules, DEFAULT_RULE_PARAMS } from './rules.ts';
import { proposalBody } from '../../../test/support/proposal.ts';

type Tree = { county: { id: string }; townships: { id: string; nameZh: string; villages: { id: string; nameZh: string }[] }[] };


describe('heritage rules', () => {
  const base = { buildings: [{ name: '黄家大院', protectionLevel: 'county' as const, heightM: 8, volumeM3: 1000 }], conservationPlanUrl: 'plan.pdf' };
  const changes = { demolishesProtectedElements: false, heightChangeM: 0, volumeChangePct: 0, materials: ['timber'] };
  it('passes a gentle change and explains each check', () => {
    const r = checkHeritageRules({ ...base, changes }, DEFAULT_RULE_PARAMS);
    expect(r.passed).toBe(true);
    expect(r.strictestLevel).toBe('county');
    expect(r.results.map((x) => x.code)).toEqual(['no_demolition', 'conservation_plan', 'height', 'volume', 'materials']);
  });
  it('refuses demolition of protected elements, a missing plan, excess height and volume, and foreign materials', () => {
    const r = checkHeritageRules(
      { ...base, conservationPlanUrl: '', changes: { demolishesProtectedElements: true, heightChangeM: 1, volumeChangePct: 12, materials: ['timber', 'glass_curtain_wall'] } },
      DEFAULT_RULE_PARAMS,
    );
    expect(r.passed).toBe(false);
    expect(r.results.filter((x) => !x.passed).map((x) => x.code)).toEqual(['no_demolition', 'conservation_plan', 'height', 'volume', 'materials']);
    expect(r.results.find((x) => x.code === 'height')!.message).toBe('The height change (1 m) exceeds the 0.5 m allowed for level county.');
  });
  it('takes the strictest level among several buildings, and an unprotected site needs no plan', () => {
    const two = { ...base, buildings: [...base.buildings, { name: '祠堂', protectionLevel: 'provincial' as const, heightM: 9, volumeM3: 900 }] };
    expect(checkHeritageRules({ ...two, changes: { ...changes, volumeChangePct: 8 } }, DEFAULT_RULE_PARAMS).results.find((x) => x.code === 'volume')!.passed).toBe(false);
    const path = checkHeritageRules({ buildings: [], conservationPlanUrl: null, changes: { ...changes, heightChangeM: 3 } }, DEFAULT_RULE_PARAMS);
    expect(path.passed).toBe(true);
    expect(path.results.some((x) => x.code === 'conservation_plan')).toBe(false);
  });
});

describeEachDriver('interventions', (driver) => {
  let t: TestApp;
  let tree: Tree;
  let resident: Session, village: Session, town: Session, admin: Session, village2: Session;
  const v = (name: string) => tree.townships.flatMap((x) => x.villages).find((x) => x.nameZh === name)!;
  const yjt = () => v('杨家堂村').id;
  const count = async (q: ReturnType<typeof sql>) => (await queryRows<{ n: number }>(t.db.db, q))[0].n;

  beforeAll(async () => {
    t = await startTestApp(driver, { LOGIN_RATE_LIMIT_PER_MINUTE: '1000' });
    tree = (await t.app.inject({ url: '/api/v1/county' })).json();
    [resident, village, town, admin] = await Promise.all(['resident', 'village', 'town', 'admin'].map((u) => signIn(t.app, u)));
    // A second official of 杨家堂村 and a resident of another village.
    for (const [username, role, unit] of [
      ['village2', 'village_official', yjt()],
      ['outsider', 'resident', v('陈家铺村').id],
      ['neighbour', 'resident', yjt()],
    ] as const) {
      const res = await as(t.app, admin)({ method: 'POST', url: '/api/v1/users', payload: { username, displayName: username, password: 'a-long-password', grants: [{ role, unitId: unit }] } });
      expect(res.statusCode).toBe(201);
    }
    village2 = await signIn(t.app, 'village2', 'a-long-password');
  });
  afterAll(() => t?.close());

  async function propose(who: Session = resident, over: Record<string, unknown> = {}) {
    const res = await as(t.app, who)({ method: 'POST', url: '/api/v1/interventions', payload: proposalBody(yjt(), over) });
    expect(res.statusCode, res.body).toBe(201);
    return res.json() as { id: string; status: string; rules: { passed: boolean; results: { code: string; passed: boolean }[] } };
  }
  const step = (who: Session, id: string, body: Record<string, unknown>) => as(t.app, who)({ method: 'POST', url: `/api/v1/interventions/${id}/transitions`, payload: body });
  async function approved(over: Record<string, unknown> = {}) {
    const p = await propose(resident, over);
    for (const [who, body] of [
      [resident, { action: 'submit', from: 'draft' }],
      [village, { action: 'approve', from: 'submitted', note: '村民代表会议通过' }],
      [town, { action: 'approve', from: 'village_approved' }],
      [admin, { action: 'approve', from: 'township_reviewed' }],
    ] as const) {
      const res = await step(who, p.id, body);
      expect(res.statusCode, res.body).toBe(200);
    }
    return p.id;
  }

  it('shows the heritage-rule feedback on a draft and refuses to submit it until the rules pass', async () => {
    const p = await propose(resident, { conservationPlanUrl: null, changes: { demolishesProtectedElements: true, heightChangeM: 2, volumeChangePct: 0, materials: ['timber', 'steel'] } });
    expect(p.status).toBe('draft');
    expect(p.rules.passed).toBe(false);
    expect(p.rules.results.filter((r) => !r.passed).map((r) => r.code)).toEqual(['no_demolition', 'conservation_plan', 'height', 'materials']);
    const refused = await step(resident, p.id, { action: 'submit', from: 'draft' });
    expect(refused.statusCode).toBe(422);
    expect(refused.json()).toMatchObject({ code: 'heritage_rules_failed', report: { passed: false } });

    const fixed = await as(t.app, resident)({ method: 'PUT', url: `/api/v1/interventions/${p.id}`, payload: proposalBody(yjt()) });
    expect(fixed.statusCode).toBe(200);
    expect(fixed.json().rules.passed).toBe(true);
    const ok = await step(resident, p.id, { action: 'submit', from: 'draft' });
    expect(ok.statusCode).toBe(200);
    expect(ok.json().status).toBe('submitted');
    // The draft can no longer be edited.
    const late = await as(t.app, resident)({ method: 'PUT', url: `/api/v1/interventions/${p.id}`, payload: proposalBody(yjt()) });
    expect(late.statusCode).toBe(409);
  });

  it('follows the chain village → township → county; only the right role at the right level acts, every step audited', async () => {
    const p = await propose();
    expect((await step(resident, p.id, { action: 'submit', from: 'draft' })).statusCode).toBe(200);
    // A township official cannot take the village's step; a resident cannot approve at all.
    expect((await step(town, p.id, { action: 'approve', from: 'submitted' })).statusCode).toBe(403);
    expect((await step(resident, p.id, { action: 'approve', from: 'submitted' })).statusCode).toBe(403);
    expect((await step(admin, p.id, { action: 'approve', from: 'submitted' })).statusCode).toBe(403);
    expect((await step(village, p.id, { action: 'approve', from: 'submitted' })).json().status).toBe('village_approved');
    expect((await step(town, p.id, { action: 'approve', from: 'village_approved' })).json().status).toBe('township_reviewed');
    const final = await step(admin, p.id, { action: 'approve', from: 'township_reviewed', note: '列入年度计划' });
    expect(final.json()).toMatchObject({ status: 'county_approved', actions: ['fund'] });
    expect(final.json().timeline.map((x: { to: string }) => x.to)).toEqual(['submitted', 'village_approved', 'township_reviewed', 'county_approved']);
    const audits = await queryRows<{ action: string }>(t.db.db, sql`select action from audit_log where entity = 'intervention' and entity_id = ${p.id} order by at, id`);
    expect(audits.map((a) => a.action)).toEqual(['intervention.create', 'intervention.submit', 'intervention.approve', 'intervention.approve', 'intervention.approve']);
  });

  it('finds proposals by title in Chinese, pinyin or initials, and by site or description; public projects too', async () => {
    const titles = async (s: Session | null, url: string) => {
      const res = await as(t.app, s)({ url });
      expect(res.statusCode, res.body).toBe(200);
      return (res.json() as { title: string }[]).map((p) => p.title);
    };
    for (const q of ['宗祠', 'zongci', 'zong ci', 'ZongCi', 'sszc', '小青瓦']) expect(await titles(admin, `/api/v1/interventions?q=${encodeURIComponent(q)}`), q).toContain('宋氏宗祠屋面修缮');
    expect(await titles(admin, `/api/v1/interventions?q=${encodeURIComponent('宗祠')}`)).not.toContain('雨污分流管网');
    for (const q of ['银猴', 'yinhou', 'yhcgf']) expect(await titles(null, `/api/v1/interventions/public?q=${q}`), q).toEqual(['银猴茶工坊']);
    expect(await titles(null, '/api/v1/interventions/public?q=zzzz')).toEqual([]);
    // A draft is found only by its proposer, as the list shows it.
    expect(await titles(admin, `/api/v1/interventions?q=${encodeURIComponent('民宿')}`)).not.toContain('夯土老屋改民宿（草稿）');
    expect(await titles(resident, `/api/v1/interventions?q=${encodeURIComponent('民宿')}`)).toContain('夯土老屋改民宿（草稿）');
    // Characters a LIKE pattern would treat as wildcards are matched as themselves.
    expect(await titles(admin, '/api/v1/interventions?q=%25')).toEqual([]);
    const long = await as(t.app, null)({ url: `/api/v1/interventions/public?q=${'x'.repeat(65)}` });
    expect(long.statusCode).toBe(400);
    expect(long.json()).toMatchObject({ field: expect.stringMatching(/q/) });
  });

  it('answers an invalid transition with 409 and the reason, and changes nothing', async () => {
    const p = await propose();
    // A draft is the proposer's alone: officials do not see it yet.
    expect((await step(village, p.id, { action: 'approve', from: 'draft' })).statusCode).toBe(404);
    const own = await step(resident, p.id, { action: 'start', from: 'draft' });
    expect(own.statusCode).toBe(409);
    expect(own.json()).toMatchObject({ code: 'invalid_transition', status: 409, current: 'draft' });
    expect((await step(resident, p.id, { action: 'submit', from: 'draft' })).statusCode).toBe(200);
    const early = await step(village, p.id, { action: 'approve', from: 'draft' });
    expect(early.statusCode).toBe(409);
    expect(early.json()).toMatchObject({ code: 'invalid_transition', status: 409, current: 'submitted' });
    expect(early.json().detail).toContain('Cannot approve a proposal that is a draft');
    const stale = await step(resident, p.id, { action: 'submit', from: 'draft' });
    expect(stale.statusCode).toBe(409);
    expect(stale.json().detail).toMatch(/now submitted/);
    expect((await step(admin, p.id, { action: 'fund', from: 'submitted' })).statusCode).toBe(409);
    expect(await count(sql`select count(*)::int as n from intervention_transitions where intervention_id = ${p.id}`)).toBe(1);
  });

  it('makes exactly one transition when two officials approve at the same moment', async () => {
    for (let round = 0; round < 3; round++) {
      const p = await propose();
      await step(resident, p.id, { action: 'submit', from: 'draft' });
      const results = await Promise.all([village, village2, village, village2].map((who) => step(who, p.id, { action: 'approve', from: 'submitted' })));
      expect(results.map((r) => r.statusCode).sort()).toEqual([200, 409, 409, 409]);
      expect(await count(sql`select count(*)::int as n from intervention_transitions where intervention_id = ${p.id} and to_status = 'village_approved'`)).toBe(1);
      expect(await count(sql`select count(*)::int as n from audit_log where entity_id = ${p.id} and action = 'intervention.approve'`)).toBe(1);
      expect(await count(sql`select version as n from interventions where id = ${p.id}`)).toBe(3);
    }
  });

  it('rejects with a reason at any level; notes are published once the review is finished', async () => {
    const p = await propose();
    await step(resident, p.id, { action: 'submit', from: 'draft' });
    await step(village, p.id, { action: 'approve', from: 'submitted', note: '需补充邻里意见' });
    // While the review runs, the resident does not see the reviewers' notes; officials do.
    expect((await as(t.app, resident)({ url: `/api/v1/interventions/${p.id}` })).json().timeline[1].note).toBe('');
    expect((await as(t.app, town)({ url: `/api/v1/interventions/${p.id}` })).json().timeline[1].note).toBe('需补充邻里意见');
    const noReason = await step(town, p.id, { action: 'reject', from: 'village_approved' });
    expect(noReason.statusCode).toBe(400);
    expect(noReason.json().field).toBe('body/reason');
    const rejected = await step(town, p.id, { action: 'reject', from: 'village_approved', reason: '与古道景观冲突' });
    expect(rejected.json()).toMatchObject({ status: 'rejected', rejectedAt: 'village_approved', rejectionReason: '与古道景观冲突' });
    const seen = (await as(t.app, resident)({ url: `/api/v1/interventions/${p.id}` })).json();
    expect(seen).toMatchObject({ status: 'rejected', rejectionReason: '与古道景观冲突' });
    expect(seen.timeline.map((x: { note: string }) => x.note)).toEqual(['', '需补充邻里意见', '与古道景观冲突']);
    expect((await step(admin, p.id, { action: 'approve', from: 'township_reviewed' })).statusCode).toBe(409);
  });

  it('lets each resident of the village vote once, change the vote until the decision; others are refused', async () => {
    const p = await propose();
    const vote = (who: Session, stance: string) => as(t.app, who)({ method: 'PUT', url: `/api/v1/interventions/${p.id}/vote`, payload: { stance } });
    expect((await vote(resident, 'support')).statusCode).toBe(409); // a draft is not open for votes
    await step(resident, p.id, { action: 'submit', from: 'draft' });
    expect((await vote(resident, 'support')).json()).toMatchObject({ votes: { support: 1, oppose: 0 } });
    expect((await vote(resident, 'oppose')).json()).toMatchObject({ votes: { support: 0, oppose: 1 }, myVote: 'oppose' });
    const neighbour = await signIn(t.app, 'neighbour', 'a-long-password');
    expect((await vote(neighbour, 'support')).json().votes).toEqual({ support: 1, oppose: 1 });
    const outsider = await signIn(t.app, 'outsider', 'a-long-password');
    const foreign = await vote(outsider, 'support');
    expect(foreign.statusCode).toBe(404); // a proposal under review is visible only in its village
    await step(village, p.id, { action: 'approve', from: 'submitted' });
    const approvedId = await approved();
    const foreignPublic = await as(t.app, outsider)({ method: 'PUT', url: `/api/v1/interventions/${approvedId}/vote`, payload: { stance: 'support' } });
    expect(foreignPublic.statusCode).toBe(403);
    expect((await as(t.app, resident)({ method: 'PUT', url: `/api/v1/interventions/${approvedId}/vote`, payload: { stance: 'support' } })).json().code).toBe('voting_closed');
    expect(await count(sql`select count(*)::int as n from intervention_votes where intervention_id = ${p.id}`)).toBe(2);
    // The approvers see the summary.
    expect((await as(t.app, town)({ url: `/api/v1/interventions/${p.id}` })).json().votes).toEqual({ support: 1, oppose: 1 });
  });

  it('keeps comment threads, and officials hide a comment with a reason', async () => {
    const p = await propose();
    await step(resident, p.id, { action: 'submit', from: 'draft' });
    const c = await as(t.app, resident)({ method: 'POST', url: `/api/v1/interventions/${p.id}/comments`, payload: { body: '支持，老屋再不修就塌了' } });
    expect(c.statusCode).toBe(201);
    const reply = await as(t.app, village)({ method: 'POST', url: `/api/v1/interventions/${p.id}/comments`, payload: { body: '会议上讨论', parentId: c.json().id } });
    expect(reply.statusCode).toBe(201);
    const spam = await as(t.app, resident)({ method: 'POST', url: `/api/v1/interventions/${p.id}/comments`, payload: { body: '广告：低价装修' } });
    expect((await as(t.app, resident)({ method: 'PATCH', url: `/api/v1/interventions/comments/${spam.json().id}`, payload: { hidden: true, reason: '广告' } })).statusCode).toBe(403);
    expect((await as(t.app, village)({ method: 'PATCH', url: `/api/v1/interventions/comments/${spam.json().id}`, payload: { hidden: true } })).statusCode).toBe(400);
    expect((await as(t.app, village)({ method: 'PATCH', url: `/api/v1/interventions/comments/${spam.json().id}`, payload: { hidden: true, reason: '广告' } })).statusCode).toBe(204);
    const neighbour = await signIn(t.app, 'neighbour', 'a-long-password');
    const list = (await as(t.app, neighbour)({ url: `/api/v1/interventions/${p.id}/comments` })).json();
    expect(list.items.map((x: { body: string; hidden: boolean; parentId: string | null }) => [x.body, x.hidden, !!x.parentId])).toEqual([
      ['支持，老屋再不修就塌了', false, false],
      ['会议上讨论', false, true],
      ['', true, false],
    ]);
    expect(list.items[2].moderationReason).toBe('广告');
  });

  it('notifies the next level and the proposer (the bell)', async () => {
    const before = (await as(t.app, town)({ url: '/api/v1/interventions/notifications/unread' })).json().unread;
    const p = await propose();
    await step(resident, p.id, { action: 'submit', from: 'draft' });
    await step(village, p.id, { action: 'approve', from: 'submitted' });
    expect((await as(t.app, town)({ url: '/api/v1/interventions/notifications/unread' })).json().unread).toBe(before + 1);
    const mine = (await as(t.app, resident)({ url: '/api/v1/interventions/notifications' })).json();
    expect(mine.items[0]).toMatchObject({ interventionId: p.id, kind: 'approve', status: 'village_approved', unread: true });
    expect((await as(t.app, town)({ method: 'POST', url: '/api/v1/interventions/notifications/read' })).statusCode).toBe(204);
    expect((await as(t.app, town)({ url: '/api/v1/interventions/notifications/unread' })).json().unread).toBe(0);
  });

  it('funds, starts and records spend; beyond the funded amount needs the county admin’s explicit override', async () => {
    const id = await approved();
    expect((await step(admin, id, { action: 'fund', from: 'county_approved', fundedFen: 100_000_000 })).json()).toMatchObject({ status: 'funded', fundedFen: 100_000_000 });
    const ms = await as(t.app, village)({ method: 'POST', url: `/api/v1/interventions/${id}/milestones`, payload: { title: '屋面修缮', dueOn: '2020-01-31' } });
    expect(ms.statusCode).toBe(201);
    expect((await step(village, id, { action: 'start', from: 'funded' })).json().status).toBe('in_progress');
    const spend = (who: Session, amountFen: number, override?: boolean) =>
      as(t.app, who)({ method: 'POST', url: `/api/v1/interventions/${id}/spend`, payload: { amountFen, spentOn: '2026-03-01', note: '木料', override } });
    expect((await spend(village, 60_000_000)).statusCode).toBe(201);
    const over = await spend(village, 50_000_000);
    expect(over.statusCode).toBe(409);
    expect(over.json()).toMatchObject({ code: 'over_funded_amount', field: 'body/amountFen', spentFen: 60_000_000, fundedFen: 100_000_000 });
    expect((await spend(village, 50_000_000, true)).statusCode).toBe(403);
    expect((await spend(admin, 50_000_000, true)).statusCode).toBe(201);
    const bad = await spend(village, -5);
    expect(bad.statusCode).toBe(400);
    expect(bad.json().field).toBe('body/amountFen');
    const dash = (await as(t.app, town)({ url: '/api/v1/interventions/dashboard' })).json();
    const row = dash.projects.find((x: { id: string }) => x.id === id);
    expect(row).toMatchObject({ spentFen: 110_000_000, fundedFen: 100_000_000 });
    expect(row.delays).toEqual(expect.arrayContaining(['milestone_overdue', 'over_funded_amount']));
    expect((await as(t.app, resident)({ url: '/api/v1/interventions/dashboard' })).statusCode).toBe(403);
    // Approved projects are public, with their timeline and spend.
    const pub = (await t.app.inject({ url: '/api/v1/interventions/public' })).json();
    const shown = pub.find((x: { id: string }) => x.id === id);
    expect(shown).toMatchObject({ status: 'in_progress', spentFen: 110_000_000, villageName: '杨家堂村' });
    expect(shown.timeline.map((x: { to: string }) => x.to)).toEqual(['submitted', 'village_approved', 'township_reviewed', 'county_approved', 'funded', 'in_progress']);
    expect(shown.timeline[1].note).toBe('村民代表会议通过');
    expect(pub.every((x: { status: string }) => ['county_approved', 'funded', 'in_progress', 'completed', 'evaluated'].includes(x.status))).toBe(true);
    expect((await step(village, id, { action: 'complete', from: 'in_progress', media: [{ kind: 'photo', url: '/after.jpg', phase: 'after' }] })).json().status).toBe('completed');
    const evaluated = await step(town, id, { action: 'evaluate', from: 'completed', actualOutcomes: proposalBody('').outcomes, evaluation: '达到预期' });
    expect(evaluated.json()).toMatchObject({ status: 'evaluated', evaluation: '达到预期' });
  });

  it('reads a target building’s protection level from the Atlas and refuses unknown buildings', async () => {
    const [hall] = await queryRows<{ id: string }>(t.db.db, sql`select id from atlas_buildings where name = '宋氏宗祠'`);
    const body = proposalBody(yjt(), {
      conservationPlanUrl: null,
      buildings: [{ buildingId: hall.id, name: '宗祠', protectionLevel: 'none', heightM: 9, volumeM3: 1500 }],
    });
    const res = await as(t.app, resident)({ method: 'POST', url: '/api/v1/interventions', payload: body });
    expect(res.statusCode, res.body).toBe(201);
    expect(res.json().buildings[0]).toMatchObject({ buildingId: hall.id, name: '宋氏宗祠', protectionLevel: 'provincial', heightM: 9 });
    expect(res.json().rules.results.find((r: { code: string }) => r.code === 'conservation_plan').passed).toBe(false);
    const unknown = await as(t.app, resident)({
      method: 'POST',
      url: '/api/v1/interventions',
      payload: proposalBody(yjt(), { buildings: [{ buildingId: tree.county.id, name: 'x', protectionLevel: 'none', heightM: 1, volumeM3: 1 }] }),
    });
    expect(unknown.statusCode).toBe(400);
    expect(unknown.json().field).toBe('body/buildings/0/buildingId');
  });

  it('refuses bad input with 400 naming the field, and nothing is written', async () => {
    const before = await count(sql`select count(*)::int as n from interventions`);
    const post = (payload: Record<string, unknown>) => as(t.app, resident)({ method: 'POST', url: '/api/v1/interventions', payload });
    const sum = await post(proposalBody(yjt(), { funding: { county: 1, provincial: 0, village: 0, private: 0 } }));
    expect(sum.statusCode).toBe(400);
    expect(sum.json().field).toBe('body/funding');
    const township = await as(t.app, admin)({ method: 'POST', url: '/api/v1/interventions', payload: proposalBody(tree.townships[0].id) });
    expect(township.statusCode).toBe(400);
    expect(township.json().field).toBe('body/villageId');
    expect((await post({ ...proposalBody(yjt()), isApproved: true })).json().field).toBe('body/isApproved');
    expect((await post(proposalBody(yjt(), { costFen: 12.5 }))).json().field).toBe('body/costFen');
    expect((await post(proposalBody(yjt(), { type: 'skyscraper' }))).json().field).toBe('body/type');
    expect((await post(proposalBody(v('陈家铺村').id))).statusCode).toBe(403);
    expect((await t.app.inject({ method: 'POST', url: '/api/v1/interventions', payload: proposalBody(yjt()) })).statusCode).toBe(401);
    expect((await as(t.app, resident)({ url: '/api/v1/interventions/not-a-uuid' })).json().field).toBe('params/id');
    expect(await count(sql`select count(*)::int as n from interventions`)).toBe(before);
  });

  it('lets the county admin set the rule parameters, which the next check uses', async () => {
    const rules = (await t.app.inject({ url: '/api/v1/interventions/rules' })).json();
    const stricter = { ...rules, compatibleMaterials: ['timber'] };
    expect((await as(t.app, village)({ method: 'PUT', url: '/api/v1/interventions/rules', payload: stricter })).statusCode).toBe(403);
    expect((await as(t.app, admin)({ method: 'PUT', url: '/api/v1/interventions/rules', payload: stricter })).statusCode).toBe(200);
    const p = await propose();
    expect(p.rules.results.find((r) => r.code === 'materials')!.passed).toBe(false);
    expect((await as(t.app, admin)({ method: 'PUT', url: '/api/v1/interventions/rules', payload: rules })).statusCode).toBe(200);
  });
});
