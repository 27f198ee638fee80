import { afterAll, beforeAll, expect, it } from 'vitest';
import { as, signIn, startTestApp, type Session, type TestApp } from '../../../test/support/app.ts';
import { describeEachDriver } from '../../../test/support/db.ts';
import { proposalBody } from '../../../test/support/proposal.ts';

type Tree = { county: { id: string }; townships: { id: string; nameZh: string; villages: { id: string; nameZh: string }[] }[] };

/** Parses a Server-Sent Events body into its events. */
const sse = (body: string) =>
  body
    .split('\n\n')
    .filter(Boolean)
    .map((chunk) => {
      const type = /^event: (.*)$/m.exec(chunk)![1];
      return { type, data: JSON.parse(/^data: (.*)$/m.exec(chunk)![1]) };
    });

describeEachDriver('interventions budget rounds', (driver) => {
  let t: TestApp;
  let tree: Tree;
  let resident: Session, village: Session, town: Session, admin: Session;
  const ids: string[] = [];

  beforeAll(async () => {
    t = await startTestApp(driver, { LOGIN_RATE_LIMIT_PER_MINUTE: '1000' });
    tree = (await t.app.inject({ url: '/api/v1/county' })).json();
    [resident, village, town, admin] = await Promise.all(['resident', 'village', 'town', 'admin'].map((u) => signIn(t.app, u)));
    const yjt = tree.townships.flatMap((x) => x.villages).find((x) => x.nameZh === '杨家堂村')!.id;
    // Five approved proposals: costs in ¥10,000s and outcomes chosen so greedy by ratio is not optimal.
    const specs = [
      { title: '茶工坊', cost: 60, jobs: 10, culture: 3 },
      { title: '村史馆', cost: 50, jobs: 2, culture: 9 },
      { title: '古道修复', cost: 40, jobs: 1, culture: 6 },
      { title: '污水管网', cost: 35, jobs: 3, culture: 0 },
      { title: '书屋', cost: 10, jobs: 1, culture: 2 },
    ];
    for (const s of specs) {
      const costFen = s.cost * 1_000_000;
      const body = proposalBody(yjt, {
        title: s.title,
        costFen,
        funding: { county: costFen / 2, provincial: costFen / 2, village: 0, private: 0 },
        outcomes: { jobs: s.jobs, returningResidents: 0, visitorsPerYear: 0, incomeFen: 0, culturalValue: s.culture, ecologicalEffect: 0 },
      });
      const p = await as(t.app, resident)({ method: 'POST', url: '/api/v1/interventions', payload: body });
      const id = p.json().id;
      for (const [who, b] of [
        [resident, { action: 'submit', from: 'draft' }],
        [village, { action: 'approve', from: 'submitted' }],
        [town, { action: 'approve', from: 'village_approved' }],
        [admin, { action: 'approve', from: 'township_reviewed' }],
      ] as const)
        expect((await as(t.app, who)({ method: 'POST', url: `/api/v1/interventions/${id}/transitions`, payload: b })).statusCode).toBe(200);
      ids.push(id);
    }
  });
  afterAll(() => t?.close());

  async function solve(roundId: string) {
    const started = await as(t.app, admin)({ method: 'POST', url: `/api/v1/interventions/rounds/${roundId}/solve`, payload: {} });
    expect(started.statusCode, started.body).toBe(202);
    const stream = await as(t.app, admin)({ url: `/api/v1/interventions/jobs/${started.json().jobId}/events` });
    expect(stream.headers['content-type']).toContain('text/event-stream');
    return sse(stream.body);
  }

  it('solves a round in a worker thread, streams progress, and sets the optimum beside greedy', async () => {
    const created = await as(t.app, admin)({
      method: 'POST',
      url: '/api/v1/interventions/rounds',
      payload: { name: '2026 年第一轮', budgetFen: 100_000_000, capsFen: { provincial: 45_000_000 }, weights: { jobs: 1, culturalValue: 1 }, minPerPillar: { culturalValue: 1 } },
    });
    expect(created.statusCode, created.body).toBe(201);
    const events = await solve(created.json().id);
    expect(events[0].type).toBe('progress');
    const last = events.at(-1)!;
    expect(last.type).toBe('result');
    const r = last.data.result;
    expect(r.status).toBe('optimal');
    expect(r.selection.costFen).toBeLessThanOrEqual(100_000_000);
    expect(r.selection.bySourceFen.provincial).toBeLessThanOrEqual(45_000_000);
    expect(r.selection.objective).toBeGreaterThanOrEqual(r.greedy.objective - 1e-9);
    expect(r.whatIfs.map((w: { factor: number }) => w.factor)).toEqual([0.9, 1.1]);
    expect(r.projects[ids[0]].title).toBe('茶工坊');
    const stored = (await as(t.app, admin)({ url: `/api/v1/interventions/rounds/${created.json().id}` })).json();
    expect(stored).toMatchObject({ status: 'solved', result: { status: 'optimal' } });

    // Apply: the selection is funded, in one step, once.
    const applied = await as(t.app, admin)({ method: 'POST', url: `/api/v1/interventions/rounds/${created.json().id}/apply` });
    expect(applied.json()).toEqual({ funded: r.selection.ids.length });
    for (const id of r.selection.ids) expect((await as(t.app, admin)({ url: `/api/v1/interventions/${id}` })).json().status).toBe('funded');
    expect((await as(t.app, admin)({ method: 'POST', url: `/api/v1/interventions/rounds/${created.json().id}/apply` })).statusCode).toBe(409);
  });

  it('explains an infeasible round by the constraints that conflict', async () => {
    const left = (await as(t.app, admin)({ url: '/api/v1/interventions/candidates' })).json();
    expect(left.length).toBeGreaterThan(0);
    const created = await as(t.app, admin)({
      method: 'POST',
      url: '/api/v1/interventions/rounds',
      payload: { name: '不可能的一轮', budgetFen: 1_000_000, weights: { jobs: 1 }, minPerPillar: { jobs: 1 } },
    });
    const last = (await solve(created.json().id)).at(-1)!;
    expect(last.data.result.status).toBe('infeasible');
    expect(last.data.result.conflict.groups.map((g: { kind: string }) => g.kind).sort()).toEqual(['budget', 'pillar_min']);
  });

  it('refuses rounds from anyone but the county admin, and bad input naming the field', async () => {
    const body = { name: 'x', budgetFen: 1_000_000, weights: { jobs: 1 } };
    expect((await as(t.app, town)({ method: 'POST', url: '/api/v1/interventions/rounds', payload: body })).statusCode).toBe(403);
    const dep = await as(t.app, admin)({ method: 'POST', url: '/api/v1/interventions/rounds', payload: { ...body, dependencies: [{ proposalId: ids[0], needsId: tree.county.id }] } });
    expect(dep.statusCode).toBe(400);
    expect(dep.json().field).toBe('body/dependencies/0/needsId');
    const share = await as(t.app, admin)({ method: 'POST', url: '/api/v1/interventions/rounds', payload: { ...body, townshipShares: [{ townshipId: tree.townships[0].id, min: 1.5 }] } });
    expect(share.json().field).toBe('body/townshipShares/0/min');
    const neg = await as(t.app, admin)({ method: 'POST', url: '/api/v1/interventions/rounds', payload: { ...body, budgetFen: -1 } });
    expect(neg.json().field).toBe('body/budgetFen');
    expect((await as(t.app, town)({ url: `/api/v1/interventions/jobs/${tree.county.id}/events` })).statusCode).toBe(403);
  });
});
