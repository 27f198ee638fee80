import { sql } from 'drizzle-orm';
import sharp from 'sharp';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { as, signIn, startTestApp, type Session, type TestApp } from '../../../test/support/app.ts';
import { describeEachDriver } from '../../../test/support/db.ts';
import { multipart } from '../../../test/support/multipart.ts';
import { queryRows } from '../../db/handle.ts';

type Programme = { id: string; title: string; documents: string[] };
const pdf = Buffer.from('%PDF-1.4\n1 0 obj << /Type /Catalog >> endobj\ntrailer << /Root 1 0 R >>\n%%EOF\n');

describeEachDriver('people: the documents a programme asks for', (driver) => {
  let t: TestApp;
  let resident: Session, village: Session, admin: Session, buyer: Session, official2: Session;
  let applicationId: string;
  const attach = (who: Session | null, id: string, name: string, file: { name: string; type: string; data: Buffer }) => {
    const body = multipart(name ? { name } : {}, file);
    return as(t.app, who)({ method: 'POST', url: `/api/v1/people/applications/${id}/documents`, payload: body.payload, headers: body.headers });
  };

  beforeAll(async () => {
    t = await startTestApp(driver, { LOGIN_RATE_LIMIT_PER_MINUTE: '1000' });
    [resident, village, admin, buyer] = await Promise.all(['resident', 'village', 'admin', 'buyer'].map((u) => signIn(t.app, u)));
    const tree = (await t.app.inject({ url: '/api/v1/county' })).json() as { townships: { villages: { id: string; nameZh: string }[] }[] };
    const other = tree.townships.flatMap((x) => x.villages).find((x) => x.nameZh === '陈家铺村')!.id;
    expect((await as(t.app, admin)({ method: 'POST', url: '/api/v1/users', payload: { username: 'official2', displayName: 'o2', password: 'a-long-password', grants: [{ role: 'village_official', unitId: other }] } })).statusCode).toBe(201);
    official2 = await signIn(t.app, 'official2', 'a-long-password');
  });
  afterAll(() => t?.close());

  it('the county names the documents a programme asks for; applicants see them', async () => {
    const made = await as(t.app, admin)({
      method: 'POST',
      url: '/api/v1/people/programmes',
      payload: { unitId: (await t.app.inject({ url: '/api/v1/county' })).json().county.id, kind: 'workspace', title: '老屋创客空间', budgetFen: 1_000_000, maxAwardFen: 100_000, deadline: '2099-12-31', documents: ['身份证', '租赁意向书'] },
    });
    expect(made.statusCode).toBe(201);
    expect(made.json().documents).toEqual(['身份证', '租赁意向书']);
    const bad = await as(t.app, admin)({ method: 'POST', url: '/api/v1/people/programmes', payload: { unitId: made.json().unitId, kind: 'workspace', title: '空名', budgetFen: 10, maxAwardFen: 10, deadline: '2099-12-31', documents: [''] } });
    expect(bad.json().field).toBe('body/documents/0');
    const grant = ((await t.app.inject({ url: '/api/v1/people/programmes' })).json() as Programme[]).find((p) => p.title === '返乡创业启动资金')!;
    expect(grant.documents).toEqual(['身份证', '创业计划书']);
    const applied = await as(t.app, resident)({ method: 'POST', url: `/api/v1/people/programmes/${grant.id}/applications`, payload: { amountFen: 2_000_000, plan: '开一家卖松阳山货的网店，带动邻居的茶叶和番薯干。' } });
    expect(applied.statusCode).toBe(201);
    expect(applied.json()).toMatchObject({ requiredDocuments: ['身份证', '创业计划书'], documents: [] });
    applicationId = applied.json().id;
  });

  it('the applicant attaches each as a PDF or an image; the reviewers in scope read them, nobody else', async () => {
    const plan = { name: 'plan.pdf', type: 'application/pdf', data: pdf };
    const idCard = { name: 'id.jpg', type: 'image/jpeg', data: await sharp({ create: { width: 320, height: 200, channels: 3, background: '#ddd' } }).jpeg().toBuffer() };
    expect((await attach(village, applicationId, '创业计划书', plan)).statusCode).toBe(403);
    expect((await attach(buyer, applicationId, '创业计划书', plan)).statusCode).toBe(403);
    expect((await attach(null, applicationId, '创业计划书', plan)).statusCode).toBe(401);
    expect((await attach(resident, applicationId, '营业执照', plan)).json().field).toBe('name');
    expect((await attach(resident, applicationId, '', plan)).json().field).toBe('name');
    const mislabelled = await attach(resident, applicationId, '创业计划书', { ...plan, type: 'image/png' });
    expect(mislabelled.statusCode).toBe(415);
    expect(mislabelled.json().field).toBe('file');
    const added = await attach(resident, applicationId, '创业计划书', plan);
    expect(added.statusCode, added.body).toBe(201);
    expect(added.json()).toMatchObject({ name: '创业计划书', contentType: 'application/pdf' });
    expect((await attach(resident, applicationId, '身份证', idCard)).statusCode).toBe(201);

    const seen = (await as(t.app, village)({ url: `/api/v1/people/applications/${applicationId}` })).json();
    expect(seen.documents.map((d: { name: string }) => d.name)).toEqual(['创业计划书', '身份证']);
    const docId = seen.documents[0].id as string;
    for (const who of [resident, village, admin]) {
      const res = await as(t.app, who)({ url: `/api/v1/people/application-documents/${docId}` });
      expect(res.statusCode).toBe(200);
      expect(res.headers['content-type']).toBe('application/pdf');
      expect(res.rawPayload.equals(pdf)).toBe(true);
    }
    for (const [who, code] of [
      [official2, 403],
      [buyer, 403],
      [null, 401],
    ] as const) expect((await as(t.app, who)({ url: `/api/v1/people/application-documents/${docId}` })).statusCode).toBe(code);
    const audit = await queryRows<{ details: Record<string, unknown> }>(t.db.db, sql`select details from audit_log where action = 'people.application.document_add' and entity_id = ${applicationId}`);
    expect(audit.map((a) => a.details.name)).toEqual(['创业计划书', '身份证']);
  });

  it('no document is attached once the application is decided', async () => {
    const rejected = await as(t.app, village)({ method: 'POST', url: `/api/v1/people/applications/${applicationId}/decisions`, payload: { action: 'reject', from: 'submitted', reason: '计划还需细化' } });
    expect(rejected.statusCode).toBe(200);
    const late = await attach(resident, applicationId, '身份证', { name: 'plan.pdf', type: 'application/pdf', data: pdf });
    expect(late.statusCode).toBe(409);
    expect(late.json()).toMatchObject({ code: 'invalid_transition', current: 'rejected' });
  });
});
