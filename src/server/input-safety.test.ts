import { sql } from 'drizzle-orm';
import sharp from 'sharp';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { queryRows } from '../db/handle.ts';
import { as, signIn, startTestApp, type Session, type TestApp } from '../../test/support/app.ts';
import { describeEachDriver } from '../../test/support/db.ts';
import { multipart } from '../../test/support/multipart.ts';

describeEachDriver('kernel input rules', (driver) => {
  let t: TestApp;
  let admin: Session;
  const auditCount = async () => (await queryRows<{ n: number }>(t.db.db, sql`select count(*)::int as n from audit_log`))[0].n;
  const problem = (res: { statusCode: number; headers: Record<string, unknown>; json: () => { field?: string; code: string } }) => ({
    status: res.statusCode,
    type: String(res.headers['content-type']).split(';')[0],
    field: res.json().field,
  });

  beforeAll(async () => {
    t = await startTestApp(driver, { LOGIN_RATE_LIMIT_PER_MINUTE: '1000' });
    admin = await signIn(t.app, 'admin');
  });
  afterAll(() => t?.close());

  it('refuses a NUL or an unpaired surrogate in a body, query or path parameter with a 400 naming the field, anonymously too, writing nothing', async () => {
    const before = await auditCount();
    const login = await t.app.inject({ method: 'POST', url: '/api/v1/auth/login', payload: { username: 'admin\u0000', password: 'x' } });
    expect(problem(login)).toEqual({ status: 400, type: 'application/problem+json', field: 'body/username' });
    const search = await t.app.inject({ url: '/api/v1/atlas/search?q=%E6%9D%A8%00' });
    expect(problem(search)).toEqual({ status: 400, type: 'application/problem+json', field: 'query/q' });
    const products = await t.app.inject({ url: '/api/v1/market/products?q=tea%00' });
    expect(problem(products)).toEqual({ status: 400, type: 'application/problem+json', field: 'query/q' });
    const ical = await t.app.inject({ url: '/api/v1/inns/ical/abcdefghijkl%00.ics' });
    expect(problem(ical)).toEqual({ status: 400, type: 'application/problem+json', field: 'params/token' });
    // JSON can carry a lone surrogate as an escape; the database cannot store it.
    const tree = (await t.app.inject({ url: '/api/v1/county' })).json();
    const org = await as(t.app, admin)({
      method: 'POST',
      url: '/api/v1/organizations',
      headers: { 'content-type': 'application/json' },
      payload: `{"unitId":"${tree.townships[0].villages[0].id}","kind":"cooperative","name":"coop \\ud800"}`,
    });
    expect(problem(org)).toEqual({ status: 400, type: 'application/problem+json', field: 'body/name' });
    const nested = await as(t.app, admin)({
      method: 'PATCH',
      url: `/api/v1/units/${tree.county.id}`,
      payload: { description: 'ok', nameZh: '松阳县', namePinyin: 'Songyang' },
    });
    expect(nested.statusCode).toBe(200);
    const key = await as(t.app, admin)({ method: 'PATCH', url: `/api/v1/units/${tree.county.id}`, headers: { 'content-type': 'application/json' }, payload: '{"desc\\u0000":"x"}' });
    expect(problem(key)).toEqual({ status: 400, type: 'application/problem+json', field: 'body/desc\u0000' });
    expect(await auditCount()).toBe(before + 1);
  });

  it('refuses a body nested absurdly deep before any validator recurses into it', async () => {
    const deep = '['.repeat(50_000) + ']'.repeat(50_000);
    const res = await as(t.app, admin)({ method: 'POST', url: '/api/v1/organizations', headers: { 'content-type': 'application/json' }, payload: deep });
    expect(res.statusCode).toBe(400);
    expect(res.headers['content-type']).toContain('application/problem+json');
  });

  it('refuses a PATCH with nothing to change on every PATCH route of the API, before it reaches the database', async () => {
    const doc = (await t.app.inject({ url: '/api/docs/json' })).json() as { paths: Record<string, Record<string, unknown>> };
    const patchPaths = Object.entries(doc.paths).filter(([, ops]) => 'patch' in ops).map(([p]) => p);
    expect(patchPaths).toContain('/api/v1/market/shops/{orgId}');
    const producer = await signIn(t.app, 'producer');
    const shopId = (await as(t.app, producer)({ url: '/api/v1/market/my-shops' })).json()[0].id;
    const before = await auditCount();
    for (const p of patchPaths) {
      const url = p.replace(/\{orgId\}/, shopId).replace(/\{[A-Za-z]+\}/g, '01a22c62-f85f-7000-8000-000000000000');
      for (const who of [admin, producer]) {
        const res = await as(t.app, who)({ method: 'PATCH', url, payload: {} });
        expect(problem(res), `PATCH ${p}`).toEqual({ status: 400, type: 'application/problem+json', field: 'body' });
      }
    }
    expect(await auditCount()).toBe(before);
  });

  it('takes a request without a body where the body is optional, also when it says application/json, and documents it as optional', async () => {
    const doc = (await t.app.inject({ url: '/api/docs/json' })).json();
    expect(doc.paths['/api/v1/interventions/rounds/{id}/solve'].post.requestBody.required).toBe(false);
    expect(doc.paths['/api/v1/organizations'].post.requestBody.required).toBe(true);
    const id = '01a22c62-f85f-7000-8000-000000000000';
    for (const headers of [{}, { 'content-type': 'application/json' }]) {
      const res = await as(t.app, admin)({ method: 'POST', url: `/api/v1/interventions/rounds/${id}/solve`, headers });
      expect(res.statusCode, res.body).toBe(404);
      expect(res.json().detail).toMatch(/round/i);
    }
    const required = await as(t.app, admin)({ method: 'POST', url: '/api/v1/organizations', headers: { 'content-type': 'application/json' } });
    expect(problem(required)).toEqual({ status: 400, type: 'application/problem+json', field: 'body' });
  });

  it("answers Fastify's own refusals as problem+json: an overlong path parameter (414), a path that does not decode (400)", async () => {
    const long = await t.app.inject({ url: `/api/v1/units/${'a'.repeat(5000)}` });
    expect(problem(long)).toEqual({ status: 414, type: 'application/problem+json', field: 'params' });
    const bad = await t.app.inject({ url: '/api/v1/units/%zz' });
    expect(problem(bad)).toEqual({ status: 400, type: 'application/problem+json', field: 'params' });
  });

  it('answers a malformed multipart body with a 400 problem on every route that takes no JSON body, anonymously and as the admin', async () => {
    const doc = (await t.app.inject({ url: '/api/docs/json' })).json() as { paths: Record<string, Record<string, { requestBody?: unknown }>> };
    const uploads = Object.entries(doc.paths).flatMap(([p, ops]) => (ops.post && !ops.post.requestBody ? [p] : []));
    expect(uploads).toContain('/api/v1/interventions/{id}/files');
    const id = (await queryRows<{ id: string }>(t.db.db, sql`select id::text from interventions limit 1`))[0]?.id ?? '01a22c62-f85f-7000-8000-000000000000';
    for (const p of uploads) {
      for (const who of [null, admin]) {
        const res = await as(t.app, who)({
          method: 'POST',
          url: p.replace(/\{[A-Za-z]+\}/g, id),
          headers: { 'content-type': 'multipart/form-data; boundary=x' },
          payload: '--x\r\nContent-Disposition: form-data; name="file"; filename="a.png"\r\n\r\nunterminated',
        });
        expect(res.statusCode, `POST ${p}`).toBeLessThan(500);
        if (res.statusCode >= 400) expect(res.headers['content-type'], `POST ${p}`).toContain('application/problem+json');
      }
    }
  });

  it('reports a row of an imported file whose text the database cannot store, writing nothing', async () => {
    const csv = 'village,name,type,lon,lat\n杨家堂村,老屋\u0000,dwelling,119.54,28.46\n';
    const before = await auditCount();
    const res = await as(t.app, admin)({ method: 'POST', url: '/api/v1/atlas/import/buildings?format=csv', ...multipart({}, { name: 'b.csv', type: 'text/csv', data: Buffer.from(csv) }) });
    expect(res.statusCode).toBeLessThan(500);
    expect(res.json().report).toEqual([expect.objectContaining({ row: 2, field: 'name', code: 'format' })]);
    expect(await auditCount()).toBe(before);
  });

  it('refuses a NUL in an upload caption or file name with a 400 naming it, storing nothing', async () => {
    const tree = (await t.app.inject({ url: '/api/v1/county' })).json();
    const villageId = tree.townships[0].villages[0].id;
    const png = await sharp({ create: { width: 8, height: 8, channels: 3, background: '#3a7' } }).png().toBuffer();
    const before = await auditCount();
    const caption = await as(t.app, admin)({ method: 'POST', url: `/api/v1/atlas/villages/${villageId}/photos`, ...multipart({ caption: 'gate\u0000' }, { name: 'a.png', type: 'image/png', data: png }) });
    expect(problem(caption)).toEqual({ status: 400, type: 'application/problem+json', field: 'caption' });
    const name = await as(t.app, admin)({ method: 'POST', url: `/api/v1/atlas/villages/${villageId}/photos`, ...multipart({}, { name: 'a\u0000.png', type: 'image/png', data: png }) });
    expect(name.statusCode).toBe(400);
    expect(await auditCount()).toBe(before);
    const ok = await as(t.app, admin)({ method: 'POST', url: `/api/v1/atlas/villages/${villageId}/photos`, ...multipart({ caption: '村口' }, { name: 'a.png', type: 'image/png', data: png }) });
    expect(ok.statusCode).toBe(201);
  });
});
