import { sql } from 'drizzle-orm';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { queryRows } from '../../db/handle.ts';
import { as, signIn, startTestApp, type TestApp } from '../../../test/support/app.ts';
import { describeEachDriver } from '../../../test/support/db.ts';

describeEachDriver("a user's own language", (driver) => {
  let t: TestApp;
  const audits = async () => (await queryRows<{ n: number }>(t.db.db, sql`select count(*)::int as n from audit_log where action = 'user.locale'`))[0].n;
  beforeAll(async () => {
    t = await startTestApp(driver);
  });
  afterAll(() => t?.close());

  it('is set by the user, read back on /me and audited once per change', async () => {
    const resident = await signIn(t.app, 'resident');
    const call = as(t.app, resident);
    expect((await call({ url: '/api/v1/me' })).json().locale).toBe('zh-CN');
    const set = await call({ method: 'PATCH', url: '/api/v1/me', payload: { locale: 'en' } });
    expect(set.statusCode).toBe(200);
    expect(set.json()).toEqual({ locale: 'en' });
    expect((await call({ url: '/api/v1/me' })).json().locale).toBe('en');
    expect(await audits()).toBe(1);
    // The same language again changes nothing and writes no second audit row.
    expect((await call({ method: 'PATCH', url: '/api/v1/me', payload: { locale: 'en' } })).statusCode).toBe(200);
    expect(await audits()).toBe(1);
    // It is the account's: a new session reads it too.
    expect((await as(t.app, await signIn(t.app, 'resident'))({ url: '/api/v1/me' })).json().locale).toBe('en');
  });

  it('refuses a language it does not write in, another field, a visitor and a write without the CSRF token', async () => {
    const buyer = await signIn(t.app, 'buyer');
    const bad = await as(t.app, buyer)({ method: 'PATCH', url: '/api/v1/me', payload: { locale: 'fr' } });
    expect(bad.statusCode).toBe(400);
    expect(bad.headers['content-type']).toContain('application/problem+json');
    expect(bad.json().errors[0].field).toBe('body/locale');
    const extra = await as(t.app, buyer)({ method: 'PATCH', url: '/api/v1/me', payload: { locale: 'en', displayName: 'x' } });
    expect(extra.statusCode).toBe(400);
    expect((await t.app.inject({ method: 'PATCH', url: '/api/v1/me', payload: { locale: 'en' } })).statusCode).toBe(401);
    const noCsrf = await t.app.inject({ method: 'PATCH', url: '/api/v1/me', payload: { locale: 'en' }, headers: { cookie: buyer.cookie } });
    expect(noCsrf.statusCode).toBe(403);
    expect((await as(t.app, buyer)({ url: '/api/v1/me' })).json().locale).toBe('zh-CN');
  });
});
