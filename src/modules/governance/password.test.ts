import { sql } from 'drizzle-orm';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { queryRows } from '../../db/handle.ts';
import { as, signIn, startTestApp, type TestApp } from '../../../test/support/app.ts';
import { TEST_PASSWORD } from '../../../test/support/constants.ts';
import { describeEachDriver } from '../../../test/support/db.ts';

describeEachDriver('passwords: change and one-time reset', (driver) => {
  let t: TestApp;
  const login = (username: string, password: string) => t.app.inject({ method: 'POST', url: '/api/v1/auth/login', payload: { username, password } });
  const audit = async (action: string) =>
    (await queryRows<{ n: number }>(t.db.db, sql`select count(*)::int as n from audit_log where action = ${action}`))[0].n;

  beforeAll(async () => {
    t = await startTestApp(driver, { LOGIN_RATE_LIMIT_PER_MINUTE: '1000' });
  });
  afterAll(() => t?.close());

  it('a user changes their password with the current one; their other sessions end, this one stays, and it is audited', async () => {
    const here = await signIn(t.app, 'resident');
    const elsewhere = await signIn(t.app, 'resident');
    const wrong = await as(t.app, here)({ method: 'POST', url: '/api/v1/auth/password', payload: { currentPassword: 'not it', newPassword: 'a new long password' } });
    expect(wrong.statusCode).toBe(400);
    expect(wrong.json()).toMatchObject({ code: 'wrong_current_password', field: 'body/currentPassword' });
    const short = await as(t.app, here)({ method: 'POST', url: '/api/v1/auth/password', payload: { currentPassword: TEST_PASSWORD, newPassword: 'short' } });
    expect(short.json().errors[0]).toMatchObject({ field: 'body/newPassword', code: 'too_small', params: { minimum: 8, origin: 'string' } });

    const ok = await as(t.app, here)({ method: 'POST', url: '/api/v1/auth/password', payload: { currentPassword: TEST_PASSWORD, newPassword: 'a new long password' } });
    expect(ok.statusCode).toBe(204);
    expect((await as(t.app, here)({ url: '/api/v1/me' })).statusCode).toBe(200);
    expect((await as(t.app, elsewhere)({ url: '/api/v1/me' })).statusCode).toBe(401);
    expect((await login('resident', TEST_PASSWORD)).statusCode).toBe(401);
    expect((await login('resident', 'a new long password')).statusCode).toBe(200);
    expect(await audit('user.password_change')).toBe(1);
    const [row] = await queryRows<{ h: string }>(t.db.db, sql`select password_hash as h from users where username = 'resident'`);
    expect(row.h).toMatch(/^\$argon2id\$/);
  });

  it('an administrator makes a one-time link: stored hashed, it sets a password once, ends sessions, and is refused again', async () => {
    const admin = await signIn(t.app, 'admin');
    const buyer = await signIn(t.app, 'buyer');
    const refused = await as(t.app, buyer)({ method: 'POST', url: `/api/v1/users/${admin.userId}/password-reset` });
    expect(refused.statusCode).toBe(403);

    const made = await as(t.app, admin)({ method: 'POST', url: `/api/v1/users/${buyer.userId}/password-reset` });
    expect(made.statusCode).toBe(201);
    const token = new URL(made.json().path, 'http://x').searchParams.get('token')!;
    expect(Date.parse(made.json().expiresAt)).toBeGreaterThan(Date.now());
    const stored = await queryRows<{ token_hash: string }>(t.db.db, sql`select token_hash from password_resets`);
    expect(stored.map((r) => r.token_hash)).not.toContain(token);

    const reset = await t.app.inject({ method: 'POST', url: '/api/v1/auth/password-reset', payload: { token, newPassword: 'reset by link 123' } });
    expect(reset.statusCode).toBe(204);
    expect((await as(t.app, buyer)({ url: '/api/v1/me' })).statusCode).toBe(401);
    expect((await login('buyer', 'reset by link 123')).statusCode).toBe(200);
    const again = await t.app.inject({ method: 'POST', url: '/api/v1/auth/password-reset', payload: { token, newPassword: 'another one 456' } });
    expect(again.statusCode).toBe(400);
    expect(again.json()).toMatchObject({ code: 'reset_link_invalid' });
    expect(await audit('user.password_reset_link')).toBe(1);
    expect(await audit('user.password_reset')).toBe(1);
  });

  it('an expired link is refused', async () => {
    const admin = await signIn(t.app, 'admin');
    const producer = await signIn(t.app, 'producer');
    const made = await as(t.app, admin)({ method: 'POST', url: `/api/v1/users/${producer.userId}/password-reset` });
    const token = new URL(made.json().path, 'http://x').searchParams.get('token')!;
    await t.db.db.execute(sql`update password_resets set expires_at = now() - interval '1 minute' where used_at is null`);
    const res = await t.app.inject({ method: 'POST', url: '/api/v1/auth/password-reset', payload: { token, newPassword: 'too late 12345' } });
    expect(res.json()).toMatchObject({ code: 'reset_link_invalid' });
  });
});
