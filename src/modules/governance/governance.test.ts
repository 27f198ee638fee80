import fc from 'fast-check';
import { sql, type SQL } from 'drizzle-orm';
import { queryRows } from '../../db/handle.ts';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { seedDemo } from '../../db/seed.ts';
import { governanceModule } from './index.ts';
import { as, signIn, startTestApp, type TestApp } from '../../../test/support/app.ts';
import { describeEachDriver } from '../../../test/support/db.ts';
import { TEST_PASSWORD } from '../../../test/support/constants.ts';

describeEachDriver('governance', (driver) => {
  let t: TestApp;
  let tree: { county: { id: string }; townships: { id: string; nameZh: string; villages: { id: string; nameZh: string }[] }[] };
  const village = (name: string) => tree.townships.flatMap((x) => x.villages).find((v) => v.nameZh === name)!;
  const township = (name: string) => tree.townships.find((x) => x.nameZh === name)!;
  const count = async (query: SQL) => (await queryRows<{ n: number }>(t.db.db, query))[0].n;
  const auditCount = () => count(sql`select count(*)::int as n from audit_log`);

  beforeAll(async () => {
    t = await startTestApp(driver, { LOGIN_RATE_LIMIT_PER_MINUTE: '1000' });
    tree = (await t.app.inject({ url: '/api/v1/county' })).json();
  });
  afterAll(() => t?.close());

  it('lists the seeded county: 78 villages in their townships, public', async () => {
    const villages = tree.townships.flatMap((x) => x.villages);
    expect(villages).toHaveLength(78);
    expect(township('三都乡').villages.map((v) => v.nameZh)).toContain('杨家堂村');
    expect(village('杨家堂村')).toMatchObject({ namePinyin: 'Yangjiatang', listingBatch: 2 });
  });

  it('signs in with a session cookie that is HttpOnly and SameSite=Lax, and /me tells who and what roles', async () => {
    const res = await t.app.inject({ method: 'POST', url: '/api/v1/auth/login', payload: { username: 'village', password: TEST_PASSWORD } });
    expect(res.statusCode).toBe(200);
    const cookie = res.cookies.find((c) => c.name === 'terrace_session')!;
    expect(cookie.httpOnly).toBe(true);
    expect(cookie.sameSite).toBe('Lax');
    expect(cookie.secure).toBeFalsy();
    const me = await t.app.inject({ url: '/api/v1/me', headers: { cookie: `terrace_session=${cookie.value}` } });
    expect(me.json()).toMatchObject({ username: 'village', grants: [{ role: 'village_official', unitId: village('杨家堂村').id }] });
    expect(me.json().csrfToken).toBe(res.json().csrfToken);
    expect(me.json()).not.toHaveProperty('passwordHash');
  });

  it('answers a wrong password with 401 problem+json, and /me without a session with 401', async () => {
    const res = await t.app.inject({ method: 'POST', url: '/api/v1/auth/login', payload: { username: 'buyer', password: 'wrong-password' } });
    expect(res.statusCode).toBe(401);
    expect(res.headers['content-type']).toContain('application/problem+json');
    expect(res.json()).toMatchObject({ status: 401, code: 'invalid_credentials' });
    expect((await t.app.inject({ url: '/api/v1/me' })).statusCode).toBe(401);
  });

  it('locks an account after repeated failures, even for the right password, answering exactly like a wrong password, until an admin unlocks it', async () => {
    const admin = await signIn(t.app, 'admin');
    const created = await as(t.app, admin)({
      method: 'POST',
      url: '/api/v1/users',
      payload: { username: 'locky', displayName: 'Locky', password: 'locky-pass-1' },
    });
    expect(created.statusCode).toBe(201);
    const attempt = (username: string, password: string) => t.app.inject({ method: 'POST', url: '/api/v1/auth/login', payload: { username, password } });
    const answer = (res: { statusCode: number; body: string }) => {
      const { requestId, instance, ...body } = JSON.parse(res.body);
      return { status: res.statusCode, body };
    };
    const unknownUser = answer(await attempt('nobody-here', 'nope-nope'));
    expect(unknownUser.status).toBe(401);
    for (let i = 0; i < 5; i++) expect(answer(await attempt('locky', 'nope-nope'))).toEqual(unknownUser);
    // Locked now: the right password gets the same answer as an unknown user.
    expect(answer(await attempt('locky', 'locky-pass-1'))).toEqual(unknownUser);
    const [row] = await queryRows<{ locked: boolean }>(t.db.db, sql`select locked_until > now() as locked from users where username = 'locky'`);
    expect(row.locked).toBe(true);
    const actions = await queryRows<{ action: string }>(t.db.db, sql`select action from audit_log where entity_id = ${created.json().id} order by id`);
    expect(actions.map((a) => a.action)).toEqual(['user.create', 'user.login_failed', 'user.login_failed', 'user.login_failed', 'user.login_failed', 'user.locked_out']);
    const list = await as(t.app, admin)({ url: '/api/v1/users?q=locky' });
    expect(list.json().items[0].lockedUntil).toBeTruthy();
    const unlock = await as(t.app, admin)({ method: 'PATCH', url: `/api/v1/users/${created.json().id}`, payload: { unlock: true } });
    expect(unlock.statusCode).toBe(200);
    expect((await attempt('locky', 'locky-pass-1')).statusCode).toBe(200);
  });

  it('checks no more passwords than the policy allows when twenty wrong ones arrive at once, and a lock that expired counts afresh', async () => {
    const admin = await signIn(t.app, 'admin');
    const created = await as(t.app, admin)({ method: 'POST', url: '/api/v1/users', payload: { username: 'racer', displayName: 'Racer', password: 'racer-pass-1' } });
    const id = created.json().id;
    const attempts = await Promise.all(
      Array.from({ length: 20 }, () => t.app.inject({ method: 'POST', url: '/api/v1/auth/login', payload: { username: 'racer', password: 'wrong-guess' } })),
    );
    expect(attempts.map((r) => r.statusCode)).toEqual(Array(20).fill(401));
    expect(new Set(attempts.map((r) => r.json().detail)).size).toBe(1);
    const checked = await count(sql`select count(*)::int as n from audit_log where entity_id = ${id} and action in ('user.login_failed', 'user.locked_out')`);
    expect(checked).toBe(5);
    expect(await count(sql`select count(*)::int as n from audit_log where entity_id = ${id} and action = 'user.locked_out'`)).toBe(1);
    const right = () => t.app.inject({ method: 'POST', url: '/api/v1/auth/login', payload: { username: 'racer', password: 'racer-pass-1' } });
    expect((await right()).statusCode).toBe(401);
    // The lockout passes: the next attempt starts a fresh count, and the right password signs in.
    await t.db.db.execute(sql`update users set locked_until = now() - interval '1 second' where id = ${id}`);
    expect((await right()).statusCode).toBe(200);
    const [after] = await queryRows<{ failed_logins: number; locked_until: unknown }>(t.db.db, sql`select failed_logins, locked_until from users where id = ${id}`);
    expect(after).toEqual({ failed_logins: 0, locked_until: null });
  });

  it('registers a buyer who is signed in with no roles; a taken username is a 409 naming the field', async () => {
    const res = await t.app.inject({
      method: 'POST',
      url: '/api/v1/auth/register',
      payload: { username: 'city_buyer', password: 'a-long-password', displayName: '上海买家' },
    });
    expect(res.statusCode).toBe(201);
    expect(res.json()).toMatchObject({ username: 'city_buyer', displayName: '上海买家', grants: [] });
    expect(res.cookies.some((c) => c.name === 'terrace_session')).toBe(true);
    const again = await t.app.inject({
      method: 'POST',
      url: '/api/v1/auth/register',
      payload: { username: 'CITY_BUYER', password: 'a-long-password', displayName: 'x' },
    });
    expect(again.statusCode).toBe(409);
    expect(again.json().field).toBe('body/username');
  });

  it('rejects malformed JSON, unknown fields and wrong types with 400 problem+json naming the field', async () => {
    const malformed = await t.app.inject({ method: 'POST', url: '/api/v1/auth/login', headers: { 'content-type': 'application/json' }, payload: '{"username": "a",' });
    expect(malformed.statusCode).toBe(400);
    expect(malformed.headers['content-type']).toContain('application/problem+json');
    expect(malformed.json().field).toBe('body');

    const unknown = await t.app.inject({ method: 'POST', url: '/api/v1/auth/login', payload: { username: 'a', password: 'b', isAdmin: true } });
    expect(unknown.statusCode).toBe(400);
    expect(unknown.json().field).toBe('body/isAdmin');

    const wrongType = await t.app.inject({ method: 'POST', url: '/api/v1/auth/register', payload: { username: 42, password: 'a-long-password', displayName: 'x' } });
    expect(wrongType.statusCode).toBe(400);
    expect(wrongType.json().field).toBe('body/username');

    const badId = await t.app.inject({ url: '/api/v1/units/not-a-uuid' });
    expect(badId.statusCode).toBe(400);
    expect(badId.json().field).toBe('params/id');
  });

  it('requires a session to edit (401) and the right scope (403): a village official edits only their village', async () => {
    const target = village('杨家堂村');
    const other = village('陈家铺村');
    const anonymous = await t.app.inject({ method: 'PATCH', url: `/api/v1/units/${target.id}`, payload: { description: 'x' } });
    expect(anonymous.statusCode).toBe(401);

    const official = await signIn(t.app, 'village');
    const own = await as(t.app, official)({ method: 'PATCH', url: `/api/v1/units/${target.id}`, payload: { description: '黄家大院所在的村' } });
    expect(own.statusCode).toBe(200);
    expect(own.json().description).toBe('黄家大院所在的村');
    const before = await auditCount();
    const foreign = await as(t.app, official)({ method: 'PATCH', url: `/api/v1/units/${other.id}`, payload: { description: 'not mine' } });
    expect(foreign.statusCode).toBe(403);
    expect((await t.app.inject({ url: `/api/v1/units/${other.id}` })).json().description).toBe('');
    expect(await auditCount()).toBe(before);
  });

  it('lets a township official edit the villages below their township (inheritance) and nothing else', async () => {
    const town = await signIn(t.app, 'town');
    const inside = village('周山头村');
    const ok = await as(t.app, town)({ method: 'PATCH', url: `/api/v1/units/${inside.id}`, payload: { namePinyin: 'Zhoushantou' } });
    expect(ok.statusCode).toBe(200);
    const outside = village('陈家铺村');
    expect((await as(t.app, town)({ method: 'PATCH', url: `/api/v1/units/${outside.id}`, payload: { namePinyin: 'x' } })).statusCode).toBe(403);
    expect((await as(t.app, town)({ method: 'GET', url: '/api/v1/users' })).statusCode).toBe(403);
  });

  it('stores strings that look like SQL or HTML verbatim', async () => {
    const admin = await signIn(t.app, 'admin');
    const nasty = `'); DROP TABLE users; -- <script>alert("x")</script> <img src=x onerror=alert(1)>`;
    const res = await as(t.app, admin)({ method: 'PATCH', url: `/api/v1/units/${village('陈家铺村').id}`, payload: { description: nasty } });
    expect(res.statusCode).toBe(200);
    expect((await t.app.inject({ url: `/api/v1/units/${village('陈家铺村').id}` })).json().description).toBe(nasty);
    expect((await t.app.inject({ method: 'POST', url: '/api/v1/auth/login', payload: { username: 'buyer', password: TEST_PASSWORD } })).statusCode).toBe(200);
  });

  it('writes an audit row with each change, in the same transaction', async () => {
    const admin = await signIn(t.app, 'admin');
    const target = village('杨家堂村');
    await as(t.app, admin)({ method: 'PATCH', url: `/api/v1/units/${target.id}`, payload: { nameZh: '杨家堂村' } });
    const audit = await as(t.app, admin)({ method: 'GET', url: `/api/v1/audit?entity=admin_unit&entityId=${target.id}` });
    expect(audit.statusCode).toBe(200);
    expect(audit.json().items[0]).toMatchObject({ action: 'unit.update', actor: 'admin' });
    // A change refused half-way (the second grant is a duplicate) leaves neither rows nor audit.
    const before = await auditCount();
    const users = () => count(sql`select count(*)::int as n from users`);
    const usersBefore = await users();
    const dup = await as(t.app, admin)({
      method: 'POST',
      url: '/api/v1/users',
      payload: {
        username: 'twice',
        displayName: 'Twice',
        password: 'twice-pass-1',
        grants: [
          { role: 'resident', unitId: target.id },
          { role: 'resident', unitId: target.id },
        ],
      },
    });
    expect(dup.statusCode).toBe(409);
    expect(await users()).toBe(usersBefore);
    expect(await auditCount()).toBe(before);
  });

  it('lets the county admin create users with grants, change grants and disable accounts', async () => {
    const admin = await signIn(t.app, 'admin');
    const call = as(t.app, admin);
    const target = village('杨家堂村');
    const bad = await call({ method: 'POST', url: '/api/v1/users', payload: { username: 'x_official', displayName: 'X', password: 'x-pass-123', grants: [{ role: 'village_official', unitId: township('三都乡').id }] } });
    expect(bad.statusCode).toBe(400);
    expect(bad.json().field).toBe('body/grants/0/unitId');

    const created = await call({ method: 'POST', url: '/api/v1/users', payload: { username: 'new_official', displayName: '新村干部', password: 'x-pass-123', grants: [{ role: 'village_official', unitId: target.id }] } });
    expect(created.statusCode).toBe(201);
    const newcomer = await signIn(t.app, 'new_official', 'x-pass-123');
    expect((await as(t.app, newcomer)({ method: 'PATCH', url: `/api/v1/units/${target.id}`, payload: { namePinyin: 'Yangjiatang' } })).statusCode).toBe(200);

    const listed = await call({ method: 'GET', url: '/api/v1/users?q=new_official' });
    const grant = listed.json().items[0].grants[0];
    expect(grant).toMatchObject({ role: 'village_official', unitName: '杨家堂村' });
    expect((await call({ method: 'DELETE', url: `/api/v1/grants/${grant.id}` })).statusCode).toBe(204);
    expect((await as(t.app, newcomer)({ method: 'PATCH', url: `/api/v1/units/${target.id}`, payload: { namePinyin: 'Yangjiatang' } })).statusCode).toBe(403);

    expect((await call({ method: 'PATCH', url: `/api/v1/users/${created.json().id}`, payload: { disabled: true } })).statusCode).toBe(200);
    expect((await as(t.app, newcomer)({ method: 'GET', url: '/api/v1/me' })).statusCode).toBe(401);
    expect((await t.app.inject({ method: 'POST', url: '/api/v1/auth/login', payload: { username: 'new_official', password: 'x-pass-123' } })).statusCode).toBe(401);

    const resident = await signIn(t.app, 'resident');
    expect((await as(t.app, resident)({ method: 'POST', url: '/api/v1/users', payload: { username: 'sneaky', displayName: 'S', password: 'sneaky-pass' } })).statusCode).toBe(403);
  });

  it('refuses cookie-authenticated writes without the CSRF token or from another origin', async () => {
    const admin = await signIn(t.app, 'admin');
    const target = village('杨家堂村');
    const noToken = await t.app.inject({ method: 'PATCH', url: `/api/v1/units/${target.id}`, headers: { cookie: admin.cookie }, payload: { description: 'csrf' } });
    expect(noToken.statusCode).toBe(403);
    expect(noToken.json().code).toBe('csrf');
    const crossSite = await as(t.app, admin)({ method: 'PATCH', url: `/api/v1/units/${target.id}`, headers: { origin: 'https://evil.example' }, payload: { description: 'csrf' } });
    expect(crossSite.statusCode).toBe(403);
    const form = await t.app.inject({ method: 'POST', url: '/api/v1/auth/login', headers: { 'content-type': 'application/x-www-form-urlencoded' }, payload: 'username=admin&password=x' });
    expect(form.statusCode).toBe(415);
  });

  it('logs out: the cookie stops working', async () => {
    const s = await signIn(t.app, 'producer');
    expect((await as(t.app, s)({ method: 'POST', url: '/api/v1/auth/logout' })).statusCode).toBe(204);
    expect((await as(t.app, s)({ method: 'GET', url: '/api/v1/me' })).statusCode).toBe(401);
  });

  it('serves health, readiness, request ids and the OpenAPI document', async () => {
    expect((await t.app.inject({ url: '/healthz' })).json()).toEqual({ status: 'ok' });
    expect((await t.app.inject({ url: '/readyz' })).json()).toEqual({ status: 'ready', driver });
    const res = await t.app.inject({ url: '/api/v1/county', headers: { 'x-request-id': 'abc-123' } });
    expect(res.headers['x-request-id']).toBe('abc-123');
    const doc = (await t.app.inject({ url: '/api/docs/json' })).json();
    expect(doc.openapi).toMatch(/^3\./);
    expect(Object.keys(doc.paths)).toEqual(expect.arrayContaining(['/api/v1/auth/login', '/api/v1/me', '/api/v1/users', '/api/v1/units/{id}']));
  });

  it('never seeds a database that has data', async () => {
    const totals = async () => [await count(sql`select count(*)::int as n from admin_units`), await count(sql`select count(*)::int as n from users`)];
    const before = await totals();
    const again = await seedDemo(t.db.db, [governanceModule], { password: 'whatever-123' });
    expect(again.seeded).toBe(false);
    expect(await totals()).toEqual(before);
  });

  it('answers any client mistake with a 4xx, never a 500', async () => {
    const admin = await signIn(t.app, 'admin');
    const call = as(t.app, admin);
    const targets = [
      { method: 'POST' as const, url: '/api/v1/users' },
      { method: 'PATCH' as const, url: `/api/v1/units/${village('杨家堂村').id}` },
      { method: 'POST' as const, url: `/api/v1/users/${admin.userId}/grants` },
      { method: 'POST' as const, url: '/api/v1/organizations' },
      { method: 'POST' as const, url: '/api/v1/auth/register' },
    ];
    await fc.assert(
      fc.asyncProperty(fc.constantFrom(...targets), fc.jsonValue(), async (target, body) => {
        const res = await call({ ...target, payload: JSON.stringify(body), headers: { 'content-type': 'application/json' } });
        expect(res.statusCode, res.body).toBeGreaterThanOrEqual(400);
        expect(res.statusCode, res.body).toBeLessThan(500);
      }),
      { numRuns: 60, seed: 20261129 },
    );
  });
});

describeEachDriver('login rate limit', (driver) => {
  let t: TestApp;
  beforeAll(async () => {
    t = await startTestApp(driver, { LOGIN_RATE_LIMIT_PER_MINUTE: '3' });
  });
  afterAll(() => t?.close());

  it('answers 429 after too many login attempts from one address in a minute', async () => {
    const answers: { status: number; code: string; type: string }[] = [];
    for (let i = 0; i < 5; i++) {
      const res = await t.app.inject({ method: 'POST', url: '/api/v1/auth/login', payload: { username: `nobody${i}`, password: 'x' } });
      answers.push({ status: res.statusCode, code: res.json().code, type: String(res.headers['content-type']) });
    }
    expect(answers.map((a) => a.status)).toEqual([401, 401, 401, 429, 429]);
    expect(answers[4].code).toBe('rate_limited');
    expect(answers[4].type).toContain('application/problem+json');
  });
});
