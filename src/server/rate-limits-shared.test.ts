import type { FastifyInstance } from 'fastify';
import { sql } from 'drizzle-orm';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { buildApp } from '../app.ts';
import { queryRows } from '../db/handle.ts';
import { loadConfig } from './config.ts';
import { as, signIn } from '../../test/support/app.ts';
import { describeEachDriver, freshDatabase, type TestDatabase } from '../../test/support/db.ts';

/** Limits count in fixed one-minute windows: a run that straddles a window's end would start counting afresh. */
async function awayFromWindowEnd() {
  const left = 60_000 - (Date.now() % 60_000);
  if (left < 10_000) await new Promise((r) => setTimeout(r, left + 200));
}

describeEachDriver('rate limits shared by instances on one database', (driver) => {
  let db: TestDatabase;
  const apps: FastifyInstance[] = [];
  const instance = async (env: Record<string, string>) => {
    const config = loadConfig({ LOG_LEVEL: 'silent', WEB_DIST: '/nonexistent', TRUST_PROXY: 'true', ...env });
    const app = await buildApp(config, db, { runJobs: false });
    await app.ready();
    apps.push(app);
    return app;
  };
  const auditCount = async () => (await queryRows<{ n: number }>(db.db, sql`select count(*)::int as n from audit_log`))[0].n;

  beforeAll(async () => {
    db = await freshDatabase(driver);
  });
  afterAll(async () => {
    for (const app of apps) await app.close();
    await db?.dispose();
  });

  it('counts writes per address and per user across two instances with RATE_LIMIT_STORE=database, not per instance with memory', async () => {
    const env = { RATE_LIMIT_STORE: 'database', LOGIN_RATE_LIMIT_PER_MINUTE: '1000', WRITE_RATE_LIMIT_PER_ADDRESS_PER_MINUTE: '4', WRITE_RATE_LIMIT_PER_USER_PER_MINUTE: '3' };
    const a = await instance(env);
    const b = await instance(env);
    await awayFromWindowEnd();
    const login = (app: FastifyInstance, address: string) =>
      app.inject({ method: 'POST', url: '/api/v1/auth/login', payload: { username: 'nobody', password: 'wrong-password' }, headers: { 'x-forwarded-for': address } });
    // Per address: the six attempts alternate between the instances, and the fifth is refused wherever it lands.
    const answers: number[] = [];
    for (let i = 0; i < 6; i++) answers.push((await login(i % 2 ? b : a, '203.0.113.50')).statusCode);
    expect(answers).toEqual([401, 401, 401, 401, 429, 429]);
    const refused = await login(b, '203.0.113.50');
    expect(refused.headers['content-type']).toContain('application/problem+json');
    expect(refused.json()).toMatchObject({ code: 'rate_limited', detail: expect.stringContaining('from one address') });
    expect(Number(refused.headers['retry-after'])).toBeGreaterThan(0);

    // Per user: a producer signed in on A edits the shop through both instances from different addresses.
    const producer = await signIn(a, 'producer');
    const shopId = (await as(a, producer)({ url: '/api/v1/market/my-shops' })).json()[0].id;
    const edit = (app: FastifyInstance, i: number) =>
      as(app, producer)({ method: 'PATCH', url: `/api/v1/market/shops/${shopId}`, payload: { intro: `intro ${i}` }, headers: { 'x-forwarded-for': `198.51.100.${i}` } });
    const edits: number[] = [];
    for (let i = 0; i < 3; i++) edits.push((await edit(i % 2 ? b : a, i + 1)).statusCode);
    const before = await auditCount();
    const fourth = await edit(b, 9);
    expect(edits).toEqual([200, 200, 200]);
    expect(fourth.statusCode).toBe(429);
    expect(fourth.json().detail).toContain('by one user');
    expect(await auditCount()).toBe(before);

    // The same burst against two instances that count in memory: each sees only its own half.
    const memory = { ...env, RATE_LIMIT_STORE: 'memory' };
    const c = await instance(memory);
    const d = await instance(memory);
    const split: number[] = [];
    for (let i = 0; i < 6; i++) split.push((await login(i % 2 ? d : c, '203.0.113.60')).statusCode);
    expect(split).toEqual([401, 401, 401, 401, 401, 401]);
  });

  it('counts the sign-in limit across instances too, under one atomic count when requests arrive at once', async () => {
    const env = { RATE_LIMIT_STORE: 'database', LOGIN_RATE_LIMIT_PER_MINUTE: '5', WRITE_RATE_LIMIT_PER_ADDRESS_PER_MINUTE: '0', WRITE_RATE_LIMIT_PER_USER_PER_MINUTE: '0' };
    const a = await instance(env);
    const b = await instance(env);
    await awayFromWindowEnd();
    const answers = await Promise.all(
      Array.from({ length: 12 }, (_, i) =>
        (i % 2 ? b : a).inject({ method: 'POST', url: '/api/v1/auth/login', payload: { username: 'nobody', password: 'wrong-password' }, headers: { 'x-forwarded-for': '192.0.2.77' } }),
      ),
    );
    const codes = answers.map((r) => r.statusCode);
    expect(codes.filter((c) => c === 401)).toHaveLength(5);
    expect(codes.filter((c) => c === 429)).toHaveLength(7);
    // Another route keeps its own count: registration from the same address is not refused by the logins.
    const register = await b.inject({
      method: 'POST',
      url: '/api/v1/auth/register',
      payload: { username: 'shared_limit_buyer', password: 'a-long-password', displayName: 'Buyer' },
      headers: { 'x-forwarded-for': '192.0.2.77' },
    });
    expect(register.statusCode).toBe(201);
  });
});
