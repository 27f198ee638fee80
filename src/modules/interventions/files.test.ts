import { multipart } from '../../../test/support/multipart.ts';
import sharp from 'sharp';
import { sql } from 'drizzle-orm';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { as, signIn, startTestApp, type Session, type TestApp } from '../../../test/support/app.ts';
import { describeEachDriver } from '../../../test/support/db.ts';
import { queryRows } from '../../db/handle.ts';
import { proposalBody } from '../../../test/support/proposal.ts';

type Tree = { townships: { villages: { id: string; nameZh: string }[] }[] };

const png = () => sharp({ create: { width: 40, height: 30, channels: 3, background: '#2f6b3a' } }).png().toBuffer();

describeEachDriver('intervention files and evaluation', (driver) => {
  let t: TestApp;
  let resident: Session, village: Session, town: Session, admin: Session;
  let yjt: string;

  beforeAll(async () => {
    t = await startTestApp(driver, { LOGIN_RATE_LIMIT_PER_MINUTE: '1000' });
    const tree: Tree = (await t.app.inject({ url: '/api/v1/county' })).json();
    yjt = tree.townships.flatMap((x) => x.villages).find((x) => x.nameZh === '杨家堂村')!.id;
    [resident, village, town, admin] = await Promise.all(['resident', 'village', 'town', 'admin'].map((u) => signIn(t.app, u)));
  });
  afterAll(() => t?.close());

  const propose = async () => {
    const res = await as(t.app, resident)({ method: 'POST', url: '/api/v1/interventions', payload: proposalBody(yjt) });
    expect(res.statusCode, res.body).toBe(201);
    return res.json().id as string;
  };
  const upload = (who: Session, id: string, fields: Record<string, string>, file: { name: string; type: string; data: Buffer }) =>
    as(t.app, who)({ method: 'POST', url: `/api/v1/interventions/${id}/files`, ...multipart(fields, file) });
  const step = (who: Session, id: string, body: Record<string, unknown>) => as(t.app, who)({ method: 'POST', url: `/api/v1/interventions/${id}/transitions`, payload: body });

  it('takes the proposer’s photo and PDF drawing on a draft, shows and serves them, audited', async () => {
    const id = await propose();
    const res = await upload(resident, id, { kind: 'photo', phase: 'proposal', caption: '老屋现状' }, { name: 'a.png', type: 'image/png', data: await png() });
    expect(res.statusCode, res.body).toBe(201);
    expect(res.json()).toMatchObject({ kind: 'photo', phase: 'proposal', caption: '老屋现状', contentType: 'image/png', width: 40, height: 30, hasThumb: true });
    const pdf = Buffer.from('%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n');
    const drawing = await upload(resident, id, { kind: 'drawing', phase: 'proposal' }, { name: 'plan.pdf', type: 'application/pdf', data: pdf });
    expect(drawing.statusCode, drawing.body).toBe(201);
    expect(drawing.json()).toMatchObject({ contentType: 'application/pdf', hasThumb: false });
    const shown = (await as(t.app, resident)({ url: `/api/v1/interventions/${id}` })).json();
    expect(shown.files.map((f: { caption: string }) => f.caption)).toEqual(['老屋现状', '']);
    const thumb = await as(t.app, resident)({ url: `/api/v1/interventions/files/${res.json().id}?size=thumb` });
    expect(thumb.statusCode).toBe(200);
    expect(thumb.headers['content-type']).toBe('image/webp');
    expect((await as(t.app, resident)({ url: `/api/v1/interventions/files/${drawing.json().id}` })).headers['content-type']).toBe('application/pdf');
    // A draft is its proposer's alone.
    expect((await as(t.app, village)({ url: `/api/v1/interventions/files/${res.json().id}` })).statusCode).toBe(404);
    const audit = await queryRows<{ n: number }>(t.db.db, sql`select count(*)::int as n from audit_log where action = 'intervention.file.add' and entity_id = ${id}`);
    expect(audit[0].n).toBe(2);
  });

  it('refuses a mislabelled file with 415, an oversized one with 413, and the wrong role or stage with 403/409', async () => {
    const id = await propose();
    const mislabelled = await upload(resident, id, { kind: 'photo', phase: 'proposal' }, { name: 'a.jpg', type: 'image/jpeg', data: await png() });
    expect(mislabelled.statusCode).toBe(415);
    expect(mislabelled.json()).toMatchObject({ code: 'photo_mislabelled', field: 'file' });
    const notImage = await upload(resident, id, { kind: 'photo', phase: 'proposal' }, { name: 'a.png', type: 'image/png', data: Buffer.from('<html>hi</html>') });
    expect(notImage.statusCode).toBe(415);
    const big = Buffer.concat([await png(), Buffer.alloc(11 * 1024 * 1024)]);
    const oversized = await upload(resident, id, { kind: 'photo', phase: 'proposal' }, { name: 'big.png', type: 'image/png', data: big });
    expect(oversized.statusCode).toBe(413);
    expect(oversized.json().field).toBe('file');
    const wrongRole = await upload(admin, id, { kind: 'photo', phase: 'proposal' }, { name: 'a.png', type: 'image/png', data: await png() });
    expect([403, 404]).toContain(wrongRole.statusCode);
    const badPhase = await upload(resident, id, { kind: 'photo', phase: 'sometime' }, { name: 'a.png', type: 'image/png', data: await png() });
    expect(badPhase.statusCode).toBe(400);
    expect(badPhase.json().field).toBe('phase');
    // Once submitted, the proposer no longer attaches; residents never attach progress photos.
    expect((await step(resident, id, { action: 'submit', from: 'draft' })).statusCode).toBe(200);
    expect((await upload(resident, id, { kind: 'photo', phase: 'proposal' }, { name: 'a.png', type: 'image/png', data: await png() })).statusCode).toBe(409);
    const residentProgress = await upload(resident, id, { kind: 'photo', phase: 'progress' }, { name: 'a.png', type: 'image/png', data: await png() });
    expect(residentProgress.statusCode).toBe(403);
    const noCsrf = await t.app.inject({ method: 'POST', url: `/api/v1/interventions/${id}/files`, ...multipart({}, { name: 'a.png', type: 'image/png', data: await png() }), headers: { ...multipart({}, { name: 'a.png', type: 'image/png', data: await png() }).headers, cookie: resident.cookie } });
    expect(noCsrf.statusCode).toBe(403);
    const n = await queryRows<{ n: number }>(t.db.db, sql`select count(*)::int as n from intervention_files where intervention_id = ${id}`);
    expect(n[0].n).toBe(0);
  });

  it('takes progress and before/after photos from the officials during execution, shown on the public page; evaluation names a bad field', async () => {
    const id = await propose();
    for (const [who, body] of [
      [resident, { action: 'submit', from: 'draft' }],
      [village, { action: 'approve', from: 'submitted' }],
      [town, { action: 'approve', from: 'village_approved' }],
      [admin, { action: 'approve', from: 'township_reviewed' }],
      [admin, { action: 'fund', from: 'county_approved' }],
      [village, { action: 'start', from: 'funded' }],
    ] as const)
      expect((await step(who, id, body)).statusCode).toBe(200);
    for (const phase of ['progress', 'before', 'after'])
      expect((await upload(village, id, { kind: 'photo', phase }, { name: 'a.png', type: 'image/png', data: await png() })).statusCode).toBe(201);
    expect((await upload(resident, id, { kind: 'photo', phase: 'after' }, { name: 'a.png', type: 'image/png', data: await png() })).statusCode).toBe(403);
    expect((await step(village, id, { action: 'complete', from: 'in_progress' })).statusCode).toBe(200);
    const pub = (await t.app.inject({ url: '/api/v1/interventions/public' })).json();
    const shown = pub.find((x: { id: string }) => x.id === id);
    expect(shown.files.map((f: { phase: string }) => f.phase)).toEqual(['progress', 'before', 'after']);
    expect((await t.app.inject({ url: `/api/v1/interventions/files/${shown.files[2].id}?size=thumb` })).statusCode).toBe(200);

    const actual = { ...proposalBody('').outcomes, jobs: 6 };
    const bad = await step(town, id, { action: 'evaluate', from: 'completed', actualOutcomes: { ...actual, jobs: -1 }, evaluation: '达到预期' });
    expect(bad.statusCode).toBe(400);
    expect(bad.json().field).toBe('body/actualOutcomes/jobs');
    const missing = await step(town, id, { action: 'evaluate', from: 'completed', actualOutcomes: { ...actual, culturalValue: undefined }, evaluation: '达到预期' });
    expect(missing.statusCode).toBe(400);
    expect(missing.json().field).toBe('body/actualOutcomes/culturalValue');
    const ok = await step(town, id, { action: 'evaluate', from: 'completed', actualOutcomes: actual, evaluation: '超出预期' });
    expect(ok.statusCode, ok.body).toBe(200);
    expect(ok.json()).toMatchObject({ status: 'evaluated', actualOutcomes: { jobs: 6 }, outcomes: { jobs: 4 } });
  });
});
