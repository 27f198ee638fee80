import { sql } from 'drizzle-orm';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { as, signIn, startTestApp, type Session, type TestApp } from '../../../test/support/app.ts';
import { describeEachDriver } from '../../../test/support/db.ts';
import { queryRows } from '../../db/handle.ts';

type Master = { id: string; villageId: string; publicName: string; craft: string; places: number; apprentices: { name: string; status: string }[] };
type Craft = { craft: string; apprentices: number; masters: Master[] };

describeEachDriver('people: artisans and apprenticeships', (driver) => {
  let t: TestApp;
  let resident: Session, village: Session, admin: Session, buyer: Session;
  const crafts = async () => (await t.app.inject({ url: '/api/v1/people/crafts' })).json() as Craft[];
  const master = async (name: string) => (await crafts()).flatMap((c) => c.masters).find((m) => m.publicName === name)!;

  beforeAll(async () => {
    t = await startTestApp(driver, { LOGIN_RATE_LIMIT_PER_MINUTE: '1000' });
    [resident, village, admin, buyer] = await Promise.all(['resident', 'village', 'admin', 'buyer'].map((u) => signIn(t.app, u)));
  });
  afterAll(() => t?.close());

  it('the public page lists masters and their apprentices per craft, apprentices masked', async () => {
    const list = await crafts();
    const bamboo = list.find((c) => c.craft === '竹编')!;
    expect(bamboo.masters.map((m) => m.publicName)).toEqual(['宋建国']);
    expect(bamboo.masters[0]).toMatchObject({ level: 'county', places: 3 });
    expect(bamboo.masters[0].apprentices).toEqual([{ name: '宋*军', status: 'active' }]);
    const tea = list.find((c) => c.craft === '松阳银猴茶制作技艺')!;
    expect(tea.apprentices).toBe(1);
    // The demo's tea master is linked to the craft as the Atlas documents it (found through the Atlas's own API).
    const documented = (await t.app.inject({ url: '/api/v1/atlas/culture?kind=craft' })).json() as { id: string; name: string; villageId: string }[];
    const craft = documented.find((c) => c.name === '松阳银猴茶制作技艺')!;
    expect(craft).toBeDefined();
    expect((tea.masters[0] as Master & { atlasCraft: unknown }).atlasCraft).toEqual({ id: craft.id, name: '松阳银猴茶制作技艺', path: `/atlas/villages/${craft.villageId}` });
    expect((bamboo.masters[0] as Master & { atlasCraft: unknown }).atlasCraft).toBeNull();
  });

  it('a resident asks a master; the village official accepts for the master and logs a session; the workshop shows the hours', async () => {
    const m = await master('宋建国');
    const asked = await as(t.app, resident)({ method: 'POST', url: `/api/v1/people/artisans/${m.id}/apprenticeships`, payload: { motivation: '想学编茶篓，放在网店里卖。' } });
    expect(asked.statusCode).toBe(201);
    const id = asked.json().id as string;
    expect(asked.json().status).toBe('applied');
    expect((await as(t.app, resident)({ method: 'POST', url: `/api/v1/people/artisans/${m.id}/apprenticeships`, payload: {} })).json().code).toBe('already_applied');
    expect((await as(t.app, buyer)({ method: 'POST', url: `/api/v1/people/artisans/${m.id}/apprenticeships`, payload: {} })).statusCode).toBe(403);

    // A session before acceptance is refused; the apprentice cannot accept themselves.
    expect((await as(t.app, village)({ method: 'POST', url: `/api/v1/people/apprenticeships/${id}/sessions`, payload: { heldOn: '2026-11-20', minutes: 120 } })).json()).toMatchObject({ code: 'invalid_transition', current: 'applied' });
    expect((await as(t.app, resident)({ method: 'POST', url: `/api/v1/people/apprenticeships/${id}/decisions`, payload: { action: 'accept' } })).statusCode).toBe(403);
    expect((await as(t.app, village)({ method: 'POST', url: `/api/v1/people/apprenticeships/${id}/decisions`, payload: { action: 'accept' } })).json().status).toBe('active');
    const declined = await as(t.app, village)({ method: 'POST', url: `/api/v1/people/apprenticeships/${id}/decisions`, payload: { action: 'decline' } });
    expect(declined.statusCode).toBe(409);
    expect(declined.json()).toMatchObject({ code: 'invalid_transition', status: 409, current: 'active' });

    const bad = await as(t.app, village)({ method: 'POST', url: `/api/v1/people/apprenticeships/${id}/sessions`, payload: { heldOn: '2026-11-20', minutes: 0 } });
    expect(bad.statusCode).toBe(400);
    expect(bad.json().field).toBe('body/minutes');
    const logged = await as(t.app, village)({ method: 'POST', url: `/api/v1/people/apprenticeships/${id}/sessions`, payload: { heldOn: '2026-11-20', minutes: 150, skills: '劈篾' } });
    expect(logged.statusCode).toBe(201);

    const shop = (await as(t.app, village)({ url: `/api/v1/people/artisans/${m.id}/workshop` })).json();
    const pupil = shop.apprentices.find((a: { id: string }) => a.id === id);
    expect(pupil).toMatchObject({ name: '宋晓明', status: 'active', minutes: 150 });
    expect(pupil.sessions[0]).toMatchObject({ heldOn: '2026-11-20', skills: '劈篾' });
    for (const who of [buyer, resident]) expect((await as(t.app, who)({ url: `/api/v1/people/artisans/${m.id}/workshop` })).statusCode).toBe(403);
    expect((await master('宋建国')).apprentices.map((a) => a.name)).toEqual(['宋*军', '宋*明']);
    const audit = await queryRows<{ action: string }>(t.db.db, sql`select action from audit_log where entity_id = ${id} order by id`);
    expect(audit.map((a) => a.action)).toEqual(['people.apprenticeship.apply', 'people.apprenticeship.accept']);

    const mine = (await as(t.app, resident)({ url: '/api/v1/people/me' })).json();
    expect(mine.apprenticeships).toEqual([{ id, artisanId: m.id, master: '宋建国', craft: '竹编', status: 'active' }]);
  });

  it('a master takes no more apprentices than their places', async () => {
    const tea = await master('宋春华'); // two places, one taken
    const res = await as(t.app, village)({
      method: 'POST',
      url: '/api/v1/people/residents',
      payload: { villageId: tea.villageId, fullName: '宋小花', birthYear: 2003, status: 'living', consent: true },
    });
    const first = await as(t.app, resident)({ method: 'POST', url: `/api/v1/people/artisans/${tea.id}/apprenticeships`, payload: {} });
    expect((await as(t.app, village)({ method: 'POST', url: `/api/v1/people/apprenticeships/${first.json().id}/decisions`, payload: { action: 'accept' } })).statusCode).toBe(200);
    // A third would exceed the places: the official links the newcomer's account, and she asks too.
    const other = await as(t.app, admin)({ method: 'POST', url: '/api/v1/users', payload: { username: 'xiaohua', displayName: 'xh', password: 'a-long-password', grants: [{ role: 'resident', unitId: tea.villageId }] } });
    await as(t.app, village)({ method: 'PUT', url: `/api/v1/people/residents/${res.json().id}`, payload: { fullName: '宋小花', birthYear: 2003, status: 'living', userId: other.json().id } });
    const xiaohua = await signIn(t.app, 'xiaohua', 'a-long-password');
    const third = await as(t.app, xiaohua)({ method: 'POST', url: `/api/v1/people/artisans/${tea.id}/apprenticeships`, payload: {} });
    expect(third.statusCode).toBe(201);
    const full = await as(t.app, village)({ method: 'POST', url: `/api/v1/people/apprenticeships/${third.json().id}/decisions`, payload: { action: 'accept' } });
    expect(full.statusCode).toBe(409);
    expect(full.json().code).toBe('no_places');
  });

  it('only officials of the village record a master', async () => {
    const me = (await as(t.app, resident)({ url: '/api/v1/people/me' })).json().resident;
    const body = { residentId: me.id, publicName: '宋晓明', craft: '山货摄影', level: 'none', places: 1 };
    expect((await as(t.app, buyer)({ method: 'POST', url: '/api/v1/people/artisans', payload: body })).statusCode).toBe(403);
    expect((await as(t.app, resident)({ method: 'POST', url: '/api/v1/people/artisans', payload: body })).statusCode).toBe(403);
    expect((await as(t.app, village)({ method: 'POST', url: '/api/v1/people/artisans', payload: { ...body, level: 'world' } })).json().field).toBe('body/level');
    expect((await as(t.app, village)({ method: 'POST', url: '/api/v1/people/artisans', payload: body })).statusCode).toBe(201);
    expect((await as(t.app, village)({ method: 'POST', url: '/api/v1/people/artisans', payload: body })).json().code).toBe('already_registered');
    // A master linked to the craft as the Atlas documents it: the public page links to it; a festival is not a craft.
    const [craft] = await queryRows<{ id: string; village_id: string }>(t.db.db, sql`select id, village_id from atlas_cultural_assets where name = '松阳银猴茶制作技艺'`);
    const [festival] = await queryRows<{ id: string }>(t.db.db, sql`select id from atlas_cultural_assets where kind <> 'craft' limit 1`);
    const teaBody = { ...body, publicName: '宋晓明', craft: '银猴茶制作', craftAssetId: craft.id };
    const notCraft = await as(t.app, village)({ method: 'POST', url: '/api/v1/people/artisans', payload: { ...teaBody, craftAssetId: festival.id } });
    expect(notCraft.statusCode).toBe(400);
    expect(notCraft.json().field).toBe('body/craftAssetId');
    const linked = await as(t.app, village)({ method: 'POST', url: '/api/v1/people/artisans', payload: teaBody });
    expect(linked.statusCode, linked.body).toBe(201);
    expect(linked.json().craftAssetId).toBe(craft.id);
    const listed = ((await as(t.app, null)({ url: '/api/v1/people/crafts' })).json() as { craft: string; masters: { id: string; atlasCraft: unknown }[] }[])
      .flatMap((c) => c.masters)
      .find((m) => m.id === linked.json().id)!;
    expect(listed.atlasCraft).toEqual({ id: craft.id, name: '松阳银猴茶制作技艺', path: `/atlas/villages/${craft.village_id}` });
    // The master (their own account) now runs their workshop.
    const mine = (await as(t.app, resident)({ url: '/api/v1/people/me' })).json().masterOf;
    expect((await as(t.app, resident)({ url: `/api/v1/people/artisans/${mine[0].id}/workshop` })).statusCode).toBe(200);
  });
});
