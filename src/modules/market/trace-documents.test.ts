import { createHash } from 'node:crypto';
import { sql } from 'drizzle-orm';
import sharp from 'sharp';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { as, signIn, startTestApp, type Session, type TestApp } from '../../../test/support/app.ts';
import { TEST_PASSWORD } from '../../../test/support/constants.ts';
import { describeEachDriver } from '../../../test/support/db.ts';
import { multipart } from '../../../test/support/multipart.ts';
import { queryRows } from '../../db/handle.ts';
import { storageFor } from '../../server/storage.ts';

/** A small but well-formed PDF: what a test lab's report looks like to the server. */
const pdf = (text: string) =>
  Buffer.from(
    `%PDF-1.4\n1 0 obj << /Type /Catalog /Pages 2 0 R >> endobj\n2 0 obj << /Type /Pages /Kids [3 0 R] /Count 1 >> endobj\n` +
      `3 0 obj << /Type /Page /Parent 2 0 R /MediaBox [0 0 200 100] >> endobj\n% ${text}\ntrailer << /Root 1 0 R >>\n%%EOF\n`,
    'latin1',
  );
const sha256 = (b: Buffer) => createHash('sha256').update(b).digest('hex');

describeEachDriver('market trace documents', (driver) => {
  let t: TestApp;
  let producer: Session;
  let other: Session;
  let batchId: string;
  let otherBatchId: string;

  beforeAll(async () => {
    t = await startTestApp(driver);
    let admin: Session;
    [producer, admin] = await Promise.all([signIn(t.app, 'producer'), signIn(t.app, 'admin')]);
    const [shop] = (await as(t.app, producer)({ method: 'GET', url: '/api/v1/market/my-shops' })).json() as { id: string; unitId: string }[];
    const batches = (await as(t.app, producer)({ method: 'GET', url: `/api/v1/market/shops/${shop.id}/batches` })).json() as { id: string; productId: string }[];
    batchId = batches[0].id;
    const second = await as(t.app, producer)({
      method: 'POST',
      url: '/api/v1/market/batches',
      payload: { productId: batches[0].productId, lot: 'DOC-2026-01', quantity: 10, current: false },
    });
    otherBatchId = second.json().id;
    const org = await as(t.app, admin)({ method: 'POST', url: '/api/v1/organizations', payload: { unitId: shop.unitId, kind: 'family_farm', name: '另一家茶园（测试）' } });
    await as(t.app, admin)({
      method: 'POST',
      url: '/api/v1/users',
      payload: { username: 'producer3', displayName: '另一家', password: TEST_PASSWORD, grants: [{ role: 'producer', orgId: org.json().id }] },
    });
    other = await signIn(t.app, 'producer3');
  });
  afterAll(async () => {
    await t?.close();
  });

  const upload = (s: Session, batch: string, file: { name: string; type: string; data: Buffer }, fields: Record<string, string>) =>
    as(t.app, s)({ method: 'POST', url: `/api/v1/market/batches/${batch}/documents`, ...multipart(fields, file) });
  const trace = async () => (await t.app.inject({ method: 'GET', url: `/api/v1/market/trace/${batchId}` })).json();

  it('keeps a test report in the chain: the event carries its sha256, the public page serves it and checks the file', async () => {
    const report = pdf('pesticide residue: none detected');
    const up = await upload(producer, batchId, { name: 'report.pdf', type: 'application/pdf', data: report }, { title: '农残检测报告' });
    expect(up.statusCode).toBe(201);
    expect(up.json()).toMatchObject({ title: '农残检测报告', contentType: 'application/pdf', bytes: report.length, sha256: sha256(report) });

    const event = await as(t.app, producer)({
      method: 'POST',
      url: `/api/v1/market/batches/${batchId}/events`,
      payload: { kind: 'inspection', occurredAt: '2026-04-10T09:00:00+08:00', operator: '丽水市农产品检测中心', documentId: up.json().id },
    });
    expect(event.statusCode).toBe(201);
    expect(event.json()).toMatchObject({ documentTitle: '农残检测报告', documentUrl: up.json().url, documentSha256: sha256(report) });

    const page = await trace();
    expect(page.verification.valid).toBe(true);
    const shown = page.events.find((e: { seq: number }) => e.seq === event.json().seq);
    expect(shown).toMatchObject({ documentTitle: '农残检测报告', documentVerified: true });
    const file = await t.app.inject({ method: 'GET', url: up.json().url });
    expect(file.statusCode).toBe(200);
    expect(file.headers['content-type']).toBe('application/pdf');
    expect(file.rawPayload.equals(report)).toBe(true);

    // Someone swaps the stored file: the chain still verifies (it was not touched) but the document no longer does.
    const [row] = await queryRows<{ storage_key: string }>(t.db.db, sql`select storage_key from market_trace_documents where id = ${up.json().id}`);
    await storageFor(t.app.config).put(row.storage_key, pdf('pesticide residue: edited'), 'application/pdf');
    const after = await trace();
    expect(after.verification.valid).toBe(true);
    expect(after.events.find((e: { seq: number }) => e.seq === event.json().seq).documentVerified).toBe(false);

    const audit = await queryRows<{ action: string }>(t.db.db, sql`select action from audit_log where entity = 'market_batch' and entity_id = ${batchId} and action like 'trace.%' order by at`);
    expect(audit.map((a) => a.action).slice(-2)).toEqual(['trace.document.add', 'trace.append']);
    // The document's row cannot be edited or removed either, whatever the application does.
    await expect(t.db.db.execute(sql`update market_trace_documents set sha256 = ${sha256(Buffer.from('other'))} where id = ${up.json().id}`)).rejects.toThrow();
    await expect(t.db.db.execute(sql`delete from market_trace_documents where id = ${up.json().id}`)).rejects.toThrow();
  });

  it('takes a certificate as an image too; events without an uploaded document keep their hashes and show no check', async () => {
    const photo = await sharp({ create: { width: 60, height: 80, channels: 3, background: '#ffffff' } }).png().toBuffer();
    const up = await upload(producer, batchId, { name: 'organic.png', type: 'image/png', data: photo }, { title: '有机认证证书' });
    expect(up.statusCode).toBe(201);
    expect(up.json().contentType).toBe('image/png');
    const page = await trace();
    expect(page.verification.valid).toBe(true);
    expect(page.events[0].documentVerified).toBeNull();
  });

  it('refuses a mislabelled file (415), a missing title (400), another producer (403) and a document of another batch (400)', async () => {
    const fake = await upload(producer, batchId, { name: 'x.pdf', type: 'application/pdf', data: Buffer.from('not a pdf at all') }, { title: '报告' });
    expect(fake.statusCode).toBe(415);
    expect(fake.json().field).toBe('file');
    const mislabelled = await upload(producer, batchId, { name: 'x.png', type: 'image/png', data: pdf('x') }, { title: '报告' });
    expect(mislabelled.statusCode).toBe(415);
    const untitled = await upload(producer, batchId, { name: 'r.pdf', type: 'application/pdf', data: pdf('x') }, { title: ' ' });
    expect(untitled.statusCode).toBe(400);
    expect(untitled.json().field).toBe('title');
    const foreign = await upload(other, batchId, { name: 'r.pdf', type: 'application/pdf', data: pdf('x') }, { title: '报告' });
    expect(foreign.statusCode).toBe(403);

    const elsewhere = await upload(producer, otherBatchId, { name: 'r.pdf', type: 'application/pdf', data: pdf('other batch') }, { title: '另一批次的报告' });
    expect(elsewhere.statusCode).toBe(201);
    const before = (await trace()).events.length;
    const wrong = await as(t.app, producer)({
      method: 'POST',
      url: `/api/v1/market/batches/${batchId}/events`,
      payload: { kind: 'certificate', occurredAt: '2026-04-11T09:00:00+08:00', documentId: elsewhere.json().id },
    });
    expect(wrong.statusCode).toBe(400);
    expect(wrong.json().field).toBe('body/documentId');
    expect((await trace()).events.length).toBe(before);
  });
});
