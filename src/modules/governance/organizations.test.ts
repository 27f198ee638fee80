import { sql } from 'drizzle-orm';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { as, signIn, startTestApp, type Session, type TestApp } from '../../../test/support/app.ts';
import { TEST_PASSWORD } from '../../../test/support/constants.ts';
import { describeEachDriver } from '../../../test/support/db.ts';
import { queryRows } from '../../db/handle.ts';

describeEachDriver('organizations and their members', (driver) => {
  let t: TestApp;
  let admin: Session;
  let producer: Session;
  let buyer: Session;
  let coop: { id: string; unitId: string; members: number };

  beforeAll(async () => {
    t = await startTestApp(driver);
    [admin, producer, buyer] = await Promise.all([signIn(t.app, 'admin'), signIn(t.app, 'producer'), signIn(t.app, 'buyer')]);
    coop = (await as(t.app, producer)({ method: 'GET', url: '/api/v1/market/my-shops' })).json()[0];
  });
  afterAll(async () => {
    await t?.close();
  });

  it('registers a cooperative in a village, audited; it lists with its member count, which grows with each grant', async () => {
    const created = await as(t.app, admin)({ method: 'POST', url: '/api/v1/organizations', payload: { unitId: coop.unitId, kind: 'cooperative', name: '竹溪手作合作社', description: '竹编与木作' } });
    expect(created.statusCode).toBe(201);
    const id = created.json().id as string;
    const count = async () =>
      ((await as(t.app, admin)({ method: 'GET', url: `/api/v1/organizations?kind=cooperative` })).json() as { id: string; members: number }[]).find((o) => o.id === id)?.members;
    expect(await count()).toBe(0);
    for (const [i, role] of (['producer', 'artisan'] as const).entries()) {
      const user = await as(t.app, admin)({
        method: 'POST',
        url: '/api/v1/users',
        payload: { username: `zhuxi${i}`, displayName: `竹溪成员${i}`, password: TEST_PASSWORD, grants: [{ role, orgId: id }] },
      });
      expect(user.statusCode).toBe(201);
    }
    expect(await count()).toBe(2);
    const members = await as(t.app, admin)({ method: 'GET', url: `/api/v1/organizations/${id}/members` });
    expect(members.json().map((m: { displayName: string; role: string }) => [m.displayName, m.role])).toEqual([
      ['竹溪成员0', 'producer'],
      ['竹溪成员1', 'artisan'],
    ]);
    const [audit] = await queryRows<{ n: number }>(t.db.db, sql`select count(*)::int as n from audit_log where action = 'organization.create' and entity_id = ${id}`);
    expect(audit.n).toBe(1);
  });

  it('shows an organization\'s members to its own members and its managers only', async () => {
    const own = await as(t.app, producer)({ method: 'GET', url: `/api/v1/organizations/${coop.id}/members` });
    expect(own.statusCode).toBe(200);
    expect(own.json().some((m: { username: string; role: string }) => m.username === 'producer' && m.role === 'producer')).toBe(true);
    expect((await as(t.app, buyer)({ method: 'GET', url: `/api/v1/organizations/${coop.id}/members` })).statusCode).toBe(403);
    expect((await as(t.app, null)({ method: 'GET', url: `/api/v1/organizations/${coop.id}/members` })).statusCode).toBe(401);
    const missing = await as(t.app, admin)({ method: 'GET', url: '/api/v1/organizations/00000000-0000-7000-8000-000000000000/members' });
    expect(missing.statusCode).toBe(404);
    const bad = await as(t.app, admin)({ method: 'GET', url: '/api/v1/organizations/not-a-uuid/members' });
    expect(bad.statusCode).toBe(400);
    expect(bad.headers['content-type']).toContain('application/problem+json');
  });
});
