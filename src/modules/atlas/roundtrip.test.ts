import { sql } from 'drizzle-orm';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { queryRows } from '../../db/handle.ts';
import { as, signIn, startTestApp, type Session, type TestApp } from '../../../test/support/app.ts';
import { describeEachDriver } from '../../../test/support/db.ts';
import { multipart } from '../../../test/support/multipart.ts';
import { parseCsv } from './transfer.ts';

describeEachDriver('atlas export → import round trip', (driver) => {
  let t: TestApp;
  let admin: Session;
  const count = async () => (await queryRows<{ n: number }>(t.db.db, sql`select count(*)::int as n from atlas_buildings`))[0].n;
  const exportFile = async (format: string) => (await as(t.app, admin)({ method: 'GET', url: `/api/v1/atlas/export/buildings?format=${format}` })).rawPayload;
  const importFile = (name: string, data: Buffer, qs = '') =>
    as(t.app, admin)({ method: 'POST', url: `/api/v1/atlas/import/buildings?${qs}`, ...multipart({}, { name, type: 'application/octet-stream', data }) });

  beforeAll(async () => {
    t = await startTestApp(driver);
    admin = await signIn(t.app, 'admin');
  });
  afterAll(() => t?.close());

  it('re-importing an export (format by file name) changes nothing and adds nothing, in every format', async () => {
    const before = await count();
    expect(before).toBeGreaterThan(0);
    for (const format of ['csv', 'xlsx', 'geojson']) {
      const res = await importFile(`buildings.${format}`, await exportFile(format));
      expect(res.statusCode, res.body).toBe(200);
      expect(res.json()).toMatchObject({ format, created: 0, updated: 0, unchanged: before });
      expect(await count()).toBe(before);
    }
  });

  it('a dry run previews new, updated and unchanged rows; the real run updates by the key', async () => {
    const before = await count();
    const rows = parseCsv((await exportFile('csv')).toString('utf8'));
    const [header, first, ...rest] = rows;
    const name = header.indexOf('name');
    first[name] = `${first[name]}（修缮后）`;
    const added = [...first];
    added[header.indexOf('id')] = '';
    added[name] = '新登记的老屋';
    const csv = [header, first, ...rest, added].map((r) => r.map((c) => (/[",\n]/.test(c) ? `"${c.replaceAll('"', '""')}"` : c)).join(',')).join('\n');
    const preview = await importFile('edited.csv', Buffer.from(csv), 'dryRun=true');
    expect(preview.json()).toMatchObject({ dryRun: true, created: 1, updated: 1, unchanged: before - 1 });
    expect(await count()).toBe(before);
    const run = await importFile('edited.csv', Buffer.from(csv));
    expect(run.json()).toMatchObject({ dryRun: false, created: 1, updated: 1, unchanged: before - 1 });
    expect(await count()).toBe(before + 1);
    const id = first[header.indexOf('id')];
    expect((await t.app.inject({ url: `/api/v1/atlas/buildings/${id}` })).json().name).toBe(first[name]);
  });

  it('exports the condition history, and offers a template per format', async () => {
    const [b] = await queryRows<{ id: string }>(t.db.db, sql`select id from atlas_buildings limit 1`);
    expect((await as(t.app, admin)({ method: 'POST', url: `/api/v1/atlas/buildings/${b.id}/assessments`, payload: { grade: 2, assessedOn: '2025-04-01', assessor: '县文保所' } })).statusCode).toBe(201);
    const fc = JSON.parse((await exportFile('geojson')).toString('utf8'));
    const feature = fc.features.find((f: { id: string }) => f.id === b.id);
    expect(feature.properties.condition_history).toContainEqual(expect.objectContaining({ grade: 2, assessedOn: '2025-04-01', assessor: '县文保所' }));
    expect((await exportFile('csv')).toString('utf8')).toContain('县文保所');
    for (const format of ['csv', 'xlsx', 'geojson']) {
      const template = await t.app.inject({ url: `/api/v1/atlas/import/template?format=${format}` });
      expect(template.statusCode).toBe(200);
      const checked = await importFile(`template.${format}`, template.rawPayload, 'dryRun=true');
      expect(checked.json(), checked.body).toMatchObject({ created: 1, updated: 0 });
    }
  });

  it('refuses a file whose name says no format, and a key given twice', async () => {
    const bad = await importFile('buildings.txt', Buffer.from('x'));
    expect(bad.statusCode).toBe(400);
    expect(bad.json().field ?? bad.body).toContain('file');
    const rows = parseCsv((await exportFile('csv')).toString('utf8'));
    const twice = [rows[0], rows[1], rows[1]].map((r) => r.map((c) => (/[",\n]/.test(c) ? `"${c.replaceAll('"', '""')}"` : c)).join(',')).join('\n');
    const res = await importFile('twice.csv', Buffer.from(twice));
    expect(res.statusCode).toBe(422);
    expect(res.json().report).toEqual([expect.objectContaining({ row: 3, field: 'id', code: 'duplicate_id' })]);
  });
});
