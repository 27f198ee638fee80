import { afterAll, beforeAll, expect, it } from 'vitest';
import { as, signIn, startTestApp, type Session, type TestApp } from '../../../test/support/app.ts';
import { describeEachDriver } from '../../../test/support/db.ts';

interface AuditPage {
  items: { action: string; entity: string; entityId: string | null; unitId: string | null; actor: string | null; details: Record<string, unknown> }[];
  total: number;
  names: { units: Record<string, { nameZh: string }>; users: Record<string, { username: string }> };
}

describeEachDriver('audit log', (driver) => {
  let t: TestApp;
  let admin: Session;
  let tree: { townships: { id: string; nameZh: string; villages: { id: string; nameZh: string }[] }[] };
  const village = (name: string) => tree.townships.flatMap((x) => x.villages).find((v) => v.nameZh === name)!;
  const township = (name: string) => tree.townships.find((x) => x.nameZh === name)!;
  const audit = async (query: string) => {
    const res = await as(t.app, admin)({ method: 'GET', url: `/api/v1/audit?${query}` });
    expect(res.statusCode, res.body).toBe(200);
    return res.json() as AuditPage;
  };

  beforeAll(async () => {
    t = await startTestApp(driver);
    tree = (await t.app.inject({ url: '/api/v1/county' })).json();
    admin = await signIn(t.app, 'admin');
    const official = await signIn(t.app, 'village');
    // One change in 杨家堂村 (三都乡) by its official, one elsewhere by the county administrator.
    expect((await as(t.app, official)({ method: 'PATCH', url: `/api/v1/units/${village('杨家堂村').id}`, payload: { description: '新的介绍' } })).statusCode).toBe(200);
    const elsewhere = tree.townships.find((x) => x.nameZh !== '三都乡')!.villages[0];
    expect((await as(t.app, admin)({ method: 'PATCH', url: `/api/v1/units/${elsewhere.id}`, payload: { description: '另一个村' } })).statusCode).toBe(200);
  });
  afterAll(() => t?.close());

  it('filters by who, on the server, and counts what matched', async () => {
    const page = await audit('who=village&entity=admin_unit');
    expect(page.total).toBe(1);
    expect(page.items).toHaveLength(1);
    expect(page.items[0]).toMatchObject({ action: 'unit.update', actor: 'village', entityId: village('杨家堂村').id });
  });

  it('filters by unit, including the villages under a township, and names the unit', async () => {
    const inTownship = await audit(`unitId=${township('三都乡').id}&action=unit.update`);
    expect(inTownship.items.map((r) => r.entityId)).toEqual([village('杨家堂村').id]);
    expect(inTownship.names.units[village('杨家堂村').id].nameZh).toBe('杨家堂村');
    const inVillage = await audit(`unitId=${village('杨家堂村').id}&action=unit.`);
    expect(inVillage.total).toBe(1);
  });

  it('records what a change was before and after', async () => {
    const [row] = (await audit(`entity=admin_unit&entityId=${village('杨家堂村').id}`)).items;
    expect(row.details).toMatchObject({ name: '杨家堂村', after: { description: '新的介绍' } });
    expect((row.details.before as { description: string }).description).not.toBe('新的介绍');
  });

  it('filters by a date range (the end exclusive) and pages through the rest', async () => {
    const tomorrow = new Date(Date.now() + 86_400_000).toISOString();
    expect((await audit(`from=${encodeURIComponent(tomorrow)}`)).total).toBe(0);
    const today = await audit(`to=${encodeURIComponent(tomorrow)}&limit=2`);
    expect(today.items).toHaveLength(2);
    expect(today.total).toBeGreaterThan(2);
    const next = await audit(`to=${encodeURIComponent(tomorrow)}&limit=2&offset=2`);
    expect(next.items.map((r) => r.entityId)).not.toEqual(today.items.map((r) => r.entityId));
  });

  it('refuses a bad filter naming the field, and readers without the right', async () => {
    const bad = await as(t.app, admin)({ method: 'GET', url: '/api/v1/audit?from=yesterday' });
    expect(bad.statusCode).toBe(400);
    expect(bad.body).toContain('from');
    const official = await signIn(t.app, 'village');
    expect((await as(t.app, official)({ method: 'GET', url: '/api/v1/audit' })).statusCode).toBe(403);
  });
});
