import { randomBytes } from 'node:crypto';
import { sql } from 'drizzle-orm';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { queryRows } from '../db/handle.ts';
import { as, signIn, startTestApp, type Session, type TestApp } from '../../test/support/app.ts';
import { describeEachDriver } from '../../test/support/db.ts';
import { LogCapture } from '../../test/support/log-capture.ts';

describeEachDriver('logs hold no secret and no personal data', (driver) => {
  let t: TestApp;
  const log = new LogCapture();
  const tag = randomBytes(4).toString('hex');
  /** Every secret or personal value the burst below sends or receives; none may appear in the log. */
  const secrets = new Set<string>();
  const keep = (...values: string[]) => values.forEach((v) => secrets.add(v));

  beforeAll(async () => {
    t = await startTestApp(driver, { LOG_LEVEL: 'info', LOGIN_RATE_LIMIT_PER_MINUTE: '1000' }, { logStream: log });
    // A database that fails some writes the way a real one can (a constraint, a lost connection): after the
    // statement has been sent with its parameters.
    for (const statement of [
      `create function terrace_test_refuse() returns trigger language plpgsql as $$ begin raise exception 'refused by the test'; end $$`,
      `create trigger terrace_test_refuse_users before update on users for each row when (new.display_name like 'FAIL%') execute function terrace_test_refuse()`,
      `create trigger terrace_test_refuse_orders before insert on market_orders for each row when ((new.address->>'name') like 'FAIL%') execute function terrace_test_refuse()`,
    ]) {
      await t.db.db.execute(sql.raw(statement));
    }
  });
  afterAll(() => t?.close());

  it('runs a burst of logins, registrations, password changes, orders and failing writes, and logs none of their secrets', async () => {
    const sessions: Session[] = [];
    const remember = (s: Session) => {
      sessions.push(s);
      keep(s.cookie.split('=')[1], s.csrfToken);
      return s;
    };

    // Registrations and logins, right and wrong.
    for (let i = 0; i < 3; i++) {
      const username = `buyer_${tag}_${i}`;
      const password = `pw-${tag}-register-${i}`;
      keep(username, password);
      const res = await t.app.inject({ method: 'POST', url: '/api/v1/auth/register', payload: { username, password, displayName: `Buyer ${tag} ${i}` } });
      expect(res.statusCode).toBe(201);
      const wrong = `pw-${tag}-wrong-${i}`;
      keep(wrong);
      expect((await t.app.inject({ method: 'POST', url: '/api/v1/auth/login', payload: { username, password: wrong } })).statusCode).toBe(401);
      remember(await signIn(t.app, username, password));
    }
    const admin = remember(await signIn(t.app, 'admin'));

    // An administrator creates a user and changes their password; one change fails in the database.
    const username = `clerk_${tag}`;
    const firstPassword = `pw-${tag}-first`;
    const newPassword = `pw-${tag}-changed`;
    const failedPassword = `pw-${tag}-failed`;
    keep(username, firstPassword, newPassword, failedPassword);
    const created = await as(t.app, admin)({ method: 'POST', url: '/api/v1/users', payload: { username, displayName: 'Clerk', password: firstPassword } });
    expect(created.statusCode).toBe(201);
    const id = created.json().id;
    expect((await as(t.app, admin)({ method: 'PATCH', url: `/api/v1/users/${id}`, payload: { password: newPassword } })).statusCode).toBe(200);
    const failed = await as(t.app, admin)({ method: 'PATCH', url: `/api/v1/users/${id}`, payload: { password: failedPassword, displayName: `FAIL ${tag}` } });
    expect(failed.statusCode).toBe(500);
    remember(await signIn(t.app, username, newPassword));
    const hashes = await queryRows<{ password_hash: string }>(t.db.db, sql`select password_hash from users where username like ${`%${tag}%`}`);
    keep(...hashes.map((h) => h.password_hash));

    // A buyer orders tea to a named address with a phone number; a second order fails in the database.
    const buyer = sessions[0];
    const [variant] = await queryRows<{ id: string }>(t.db.db, sql`select v.id from market_variants v join market_products p on p.id = v.product_id where v.active and p.active and v.stock > 5 limit 1`);
    const phone = `139${String(Date.now()).slice(-8)}`;
    const name = `收件人${tag}`;
    const street = `梯田路${tag}号`;
    keep(phone, name, street);
    for (const who of [name, `FAIL${name}`]) {
      const key = `order-${tag}-${who.length}`;
      keep(key);
      const res = await as(t.app, buyer)({
        method: 'POST',
        url: '/api/v1/market/orders',
        headers: { 'idempotency-key': key },
        payload: { items: [{ variantId: variant.id, qty: 1 }], address: { name: who, phone, province: '浙江省', city: '丽水市', detail: street } },
      });
      expect(res.statusCode).toBe(who === name ? 201 : 500);
    }

    // A search for a person's phone number, and a room's secret calendar link.
    expect((await as(t.app, admin)({ url: `/api/v1/users?q=${phone}` })).statusCode).toBe(200);
    const [room] = await queryRows<{ id: string }>(t.db.db, sql`select id from inn_rooms limit 1`);
    const innkeeper = remember(await signIn(t.app, 'innkeeper'));
    const { token } = (await as(t.app, innkeeper)({ url: `/api/v1/inns/rooms/${room.id}/ical-token` })).json();
    keep(token);
    expect((await t.app.inject({ url: `/api/v1/inns/ical/${token}.ics` })).statusCode).toBe(200);
    // A sign-out: the session token is sent once more.
    expect((await as(t.app, sessions[1])({ method: 'POST', url: '/api/v1/auth/logout' })).statusCode).toBe(204);

    await new Promise((r) => setImmediate(r));
    const lines = log.lines();
    // The burst was logged (so the scan below reads something): request lines, and both failures with their kind.
    expect(lines.filter((l) => l.msg === 'incoming request').length).toBeGreaterThan(20);
    const failures = lines.filter((l) => l.msg === 'unhandled error');
    expect(failures).toHaveLength(2);
    for (const f of failures) expect(f.err).toMatchObject({ code: 'P0001', stack: expect.stringContaining(' at ') });
    expect(lines.some((l) => (l.req as { path?: string })?.path === `/api/v1/users/${id}`)).toBe(true);
    expect(lines.some((l) => (l.req as { path?: string })?.path === '/api/v1/inns/ical/:token')).toBe(true);

    const found = [...secrets].filter((s) => log.text.includes(s));
    expect(found).toEqual([]);
    expect(log.text).not.toContain('$argon2');
    expect(log.text).not.toMatch(/refused by the test|Failed query|params:/);
  });
});
