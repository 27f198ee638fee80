import { sql } from 'drizzle-orm';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { as, signIn, startTestApp, type Session, type TestApp } from '../../../test/support/app.ts';
import { describeEachDriver } from '../../../test/support/db.ts';
import { queryRows } from '../../db/handle.ts';

type Job = { id: string; title: string; posterName: string; posterKind: string; open: boolean; canManage?: boolean; canApply?: boolean; myApplication?: { status: string } | null };

describeEachDriver('people: the local jobs board', (driver) => {
  let t: TestApp;
  let resident: Session, village: Session, innkeeper: Session, producer: Session, buyer: Session;
  let innId: string;
  const count = async (q: ReturnType<typeof sql>) => (await queryRows<{ n: number }>(t.db.db, q))[0].n;
  const post = (who: Session, over: Record<string, unknown> = {}) =>
    as(t.app, who)({ method: 'POST', url: '/api/v1/people/jobs', payload: { orgId: innId, title: '民宿前台（暑期）', payFen: 18_000, payUnit: 'day', positions: 1, closesOn: '2099-08-31', ...over } });

  beforeAll(async () => {
    t = await startTestApp(driver, { LOGIN_RATE_LIMIT_PER_MINUTE: '1000' });
    [resident, village, innkeeper, producer, buyer] = await Promise.all(['resident', 'village', 'innkeeper', 'producer', 'buyer'].map((u) => signIn(t.app, u)));
    innId = (await queryRows<{ id: string }>(t.db.db, sql`select id from organizations where name = '杨家堂老屋民宿'`))[0].id;
  });
  afterAll(() => t?.close());

  it('the board lists the seeded jobs publicly', async () => {
    const res = await t.app.inject({ url: '/api/v1/people/jobs' });
    expect(res.statusCode).toBe(200);
    const titles = (res.json() as Job[]).map((j) => `${j.posterName} ${j.title}`);
    expect(titles).toContain('杨家堂老屋民宿 民宿客房保洁（周末）');
    expect(titles).toContain('杨家堂银猴茶叶专业合作社 春茶采摘工');
  });

  it('an inn posts a job; people of other organizations and buyers may not post for it', async () => {
    const options = (await as(t.app, innkeeper)({ url: '/api/v1/people/jobs/posting-options' })).json();
    expect(options.organizations.map((o: { name: string }) => o.name)).toEqual(['杨家堂老屋民宿']);
    for (const who of [producer, buyer, resident]) expect((await post(who)).statusCode).toBe(403);
    expect((await t.app.inject({ method: 'POST', url: '/api/v1/people/jobs', payload: { orgId: innId, title: '民宿前台', payFen: 1, payUnit: 'day', positions: 1, closesOn: '2099-08-31' } })).statusCode).toBe(401);
    const res = await post(innkeeper);
    expect(res.statusCode, res.body).toBe(201);
    expect(res.json()).toMatchObject({ posterKind: 'organization', posterName: '杨家堂老屋民宿', unitName: '杨家堂村', open: true });
    expect(await count(sql`select count(*)::int as n from audit_log where action = 'people.job.post' and entity_id = ${res.json().id}`)).toBe(1);
  });

  it('refuses bad input naming the field, and writes nothing', async () => {
    const before = await count(sql`select count(*)::int as n from people_jobs`);
    const cases: [Record<string, unknown>, string][] = [
      [{ payFen: -1 }, 'body/payFen'],
      [{ payUnit: 'week' }, 'body/payUnit'],
      [{ positions: 0 }, 'body/positions'],
      [{ title: 'a\u0000b' }, 'body/title'],
      [{ closesOn: '2020-01-01' }, 'body/closesOn'],
      [{ orgId: null }, 'body/orgId'],
      [{ projectId: '01900000-0000-7000-8000-000000000000', orgId: null }, 'body/projectId'],
    ];
    for (const [over, field] of cases) {
      const res = await post(innkeeper, over);
      expect(res.statusCode, field).toBe(400);
      expect(res.headers['content-type']).toContain('application/problem+json');
      expect(res.json().field).toBe(field);
    }
    expect(await count(sql`select count(*)::int as n from people_jobs`)).toBe(before);
  });

  it('a registered resident applies; the inn sees the application and accepts it; the resident sees the decision', async () => {
    const job = (await post(innkeeper, { title: '茶园向导' })).json() as Job;
    // Someone not on a village's register cannot apply.
    expect((await as(t.app, buyer)({ method: 'POST', url: `/api/v1/people/jobs/${job.id}/applications`, payload: {} })).statusCode).toBe(403);
    const view = (await as(t.app, resident)({ url: `/api/v1/people/jobs/${job.id}` })).json() as Job;
    expect(view).toMatchObject({ canApply: true, canManage: false, myApplication: null });
    const applied = await as(t.app, resident)({ method: 'POST', url: `/api/v1/people/jobs/${job.id}/applications`, payload: { note: '会讲英语，熟悉茶园。' } });
    expect(applied.statusCode, applied.body).toBe(201);
    expect((await as(t.app, resident)({ method: 'POST', url: `/api/v1/people/jobs/${job.id}/applications`, payload: {} })).json().code).toBe('already_applied');

    // The poster sees the applicant and the contact they gave (their phone on the register); others do not.
    for (const who of [resident, producer, buyer]) expect((await as(t.app, who)({ url: `/api/v1/people/jobs/${job.id}/applications` })).statusCode).toBe(403);
    const list = await as(t.app, innkeeper)({ url: `/api/v1/people/jobs/${job.id}/applications` });
    expect(list.json()).toMatchObject([{ name: '宋晓明', contact: '13805781203', note: '会讲英语，熟悉茶园。', status: 'applied' }]);
    expect(await count(sql`select count(*)::int as n from audit_log where action = 'people.job.applications.view' and entity_id = ${job.id}`)).toBe(1);
    // The public pages never name the applicant.
    for (const url of ['/api/v1/people/jobs', `/api/v1/people/jobs/${job.id}`]) {
      const body = (await t.app.inject({ url })).body;
      expect(body).not.toContain('宋晓明');
      expect(body).not.toContain('13805781203');
    }

    const id = list.json()[0].id as string;
    expect((await as(t.app, resident)({ method: 'POST', url: `/api/v1/people/job-applications/${id}/decisions`, payload: { action: 'accept' } })).statusCode).toBe(403);
    const accepted = await as(t.app, innkeeper)({ method: 'POST', url: `/api/v1/people/job-applications/${id}/decisions`, payload: { action: 'accept' } });
    expect(accepted.json()).toMatchObject({ status: 'accepted' });
    expect((await as(t.app, innkeeper)({ method: 'POST', url: `/api/v1/people/job-applications/${id}/decisions`, payload: { action: 'accept' } })).json()).toMatchObject({ code: 'invalid_transition', current: 'accepted' });
    const me = (await as(t.app, resident)({ url: '/api/v1/people/me' })).json();
    expect(me.jobApplications).toContainEqual(expect.objectContaining({ title: '茶园向导', posterName: '杨家堂老屋民宿', status: 'accepted' }));
    expect(await count(sql`select count(*)::int as n from audit_log where action in ('people.job.apply', 'people.job.accept') and details->>'jobId' = ${job.id}`)).toBe(2);
    // The audit rows name records, never the applicant's data.
    expect(JSON.stringify(await queryRows(t.db.db, sql`select details from audit_log where action like 'people.job%'`))).not.toContain('13805781203');

    // Closed: no more applications.
    expect((await as(t.app, innkeeper)({ method: 'POST', url: `/api/v1/people/jobs/${job.id}/close` })).json()).toMatchObject({ status: 'closed', open: false });
    const late = await as(t.app, resident)({ method: 'POST', url: `/api/v1/people/jobs/${job.id}/applications`, payload: {} });
    expect(late.json().code).toBe('job_closed');
  });

  it('the officials of a project’s village post for a funded intervention project', async () => {
    const options = (await as(t.app, village)({ url: '/api/v1/people/jobs/posting-options' })).json();
    const project = options.projects[0] as { id: string; title: string } | undefined;
    expect(project, 'a funded or running project in 杨家堂村').toBeDefined();
    const res = await as(t.app, village)({ method: 'POST', url: '/api/v1/people/jobs', payload: { projectId: project!.id, title: '老屋修缮小工', payFen: 22_000, payUnit: 'day', positions: 4, closesOn: '2099-03-31' } });
    expect(res.statusCode, res.body).toBe(201);
    expect(res.json()).toMatchObject({ posterKind: 'project', posterName: project!.title, unitName: '杨家堂村' });
    expect((await as(t.app, innkeeper)({ method: 'POST', url: '/api/v1/people/jobs', payload: { projectId: project!.id, title: '老屋修缮小工', payFen: 1, payUnit: 'day', positions: 1, closesOn: '2099-03-31' } })).statusCode).toBe(403);
  });
});
