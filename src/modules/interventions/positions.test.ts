// Issue 18 item 12: a proposal may carry a point in its village, refused when it is not in the village; officials and
// the proposer see it in their list, and once approved everyone sees it on the public list (the Atlas map reads both).
import { afterAll, beforeAll, expect, it } from 'vitest';
import { as, signIn, startTestApp, type Session, type TestApp } from '../../../test/support/app.ts';
import { describeEachDriver } from '../../../test/support/db.ts';
import { proposalBody } from '../../../test/support/proposal.ts';

describeEachDriver('proposals with a position', (driver) => {
  let t: TestApp;
  let resident: Session;
  let village: Session;
  let town: Session;
  let admin: Session;
  let yjt: { id: string; lon: number; lat: number };

  beforeAll(async () => {
    t = await startTestApp(driver, { LOGIN_RATE_LIMIT_PER_MINUTE: '1000' });
    [resident, village, town, admin] = await Promise.all(['resident', 'village', 'town', 'admin'].map((u) => signIn(t.app, u)));
    const tree = (await t.app.inject({ url: '/api/v1/county' })).json();
    yjt = tree.townships.flatMap((x: { villages: { nameZh: string }[] }) => x.villages).find((x: { nameZh: string }) => x.nameZh === '杨家堂村');
  });
  afterAll(() => t?.close());

  const propose = (over: Record<string, unknown>) => as(t.app, resident)({ method: 'POST', url: '/api/v1/interventions', payload: proposalBody(yjt.id, over) });
  const step = (who: Session, id: string, body: Record<string, unknown>) => as(t.app, who)({ method: 'POST', url: `/api/v1/interventions/${id}/transitions`, payload: body });

  it('refuses half a position and a point outside the village, naming the field', async () => {
    const half = await propose({ lon: yjt.lon });
    expect(half.statusCode).toBe(400);
    expect(half.body).toContain('body/lat');
    const far = await propose({ lon: yjt.lon + 0.2, lat: yjt.lat });
    expect(far.statusCode).toBe(400);
    expect(far.json()).toMatchObject({ field: 'body/lon' });
    expect(far.json().detail).toMatch(/km from the village/);
  });

  it('keeps the point through editing, lists it for the village, and shows it publicly once approved', async () => {
    const at = { lon: yjt.lon + 0.001, lat: yjt.lat - 0.001 };
    const made = await propose(at);
    expect(made.statusCode).toBe(201);
    const id = made.json().id;
    expect(made.json()).toMatchObject(at);
    const moved = { lon: yjt.lon + 0.002, lat: yjt.lat };
    const edited = await as(t.app, resident)({ method: 'PUT', url: `/api/v1/interventions/${id}`, payload: proposalBody(yjt.id, moved) });
    expect(edited.json()).toMatchObject(moved);
    expect((await step(resident, id, { action: 'submit', from: 'draft' })).statusCode).toBe(200);
    const listed = (await as(t.app, village)({ method: 'GET', url: `/api/v1/interventions?villageId=${yjt.id}` })).json();
    expect(listed.find((p: { id: string }) => p.id === id)).toMatchObject(moved);
    expect((await t.app.inject({ url: '/api/v1/interventions/public' })).json().some((p: { id: string }) => p.id === id)).toBe(false);
    for (const [who, body] of [
      [village, { action: 'approve', from: 'submitted' }],
      [town, { action: 'approve', from: 'village_approved' }],
      [admin, { action: 'approve', from: 'township_reviewed' }],
    ] as const)
      expect((await step(who, id, body)).statusCode).toBe(200);
    expect((await t.app.inject({ url: '/api/v1/interventions/public' })).json().find((p: { id: string }) => p.id === id)).toMatchObject({ villageId: yjt.id, ...moved });
    // Without a position a proposal has none (null), and stays off the map.
    const plain = await propose({});
    expect(plain.json()).toMatchObject({ lon: null, lat: null });
  });
});
