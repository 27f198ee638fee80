// Issue 18 item 5, continued: organisations and inn rooms take a name in English, proposals, support programmes, jobs
// and live sessions a title in English. Each is optional, stored, given back beside the Chinese (names with their
// pinyin), refused with a 400 naming the field when too long, and cleared by an empty string where it can be edited.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { as, signIn, startTestApp, type Session, type TestApp } from '../test/support/app.ts';
import { describeEachDriver } from '../test/support/db.ts';
import { proposalBody } from '../test/support/proposal.ts';

describeEachDriver('names and titles in English', (driver) => {
  let t: TestApp;
  let admin: Session;
  let keeper: Session;
  let producer: Session;
  let resident: Session;
  let villageId: string;
  let orgs: { id: string; name: string; nameEn: string | null; namePinyin: string }[];

  beforeAll(async () => {
    t = await startTestApp(driver, { LOGIN_RATE_LIMIT_PER_MINUTE: '1000' });
    [admin, keeper, producer, resident] = await Promise.all(['admin', 'innkeeper', 'producer', 'resident'].map((u) => signIn(t.app, u)));
    const tree = (await t.app.inject({ url: '/api/v1/county' })).json();
    villageId = tree.townships.flatMap((x: { villages: { id: string; nameZh: string }[] }) => x.villages).find((v: { nameZh: string }) => v.nameZh === '杨家堂村').id;
    orgs = (await t.app.inject({ url: '/api/v1/organizations' })).json();
  });
  afterAll(() => t?.close());

  /** A 400 whose problem names `field` (the body's path to it). */
  function refusedNaming(res: { statusCode: number; json: () => { errors?: { field: string }[] } }, field: string) {
    expect(res.statusCode).toBe(400);
    expect(res.json().errors?.map((e) => e.field)).toContain(`body/${field}`);
  }

  describe('organisations', () => {
    it('the demo cooperative has its English name; the others their pinyin', () => {
      expect(orgs.find((o) => o.name === '杨家堂银猴茶叶专业合作社')).toMatchObject({ nameEn: 'Yangjiatang Silver Monkey Tea Cooperative', namePinyin: expect.stringMatching(/^Yangjiatang/) });
      expect(orgs.find((o) => o.name === '杨家堂老屋民宿')).toMatchObject({ nameEn: null, namePinyin: expect.stringMatching(/^Yangjiatang/) });
    });

    it('an organisation is registered with its English name, which the list and the shops give back', async () => {
      const body = { unitId: villageId, kind: 'cooperative', name: '杨家堂高山蔬菜合作社', nameEn: 'Yangjiatang Highland Vegetables Cooperative' };
      refusedNaming(await as(t.app, admin)({ method: 'POST', url: '/api/v1/organizations', payload: { ...body, nameEn: 'x'.repeat(121) } }), 'nameEn');
      const made = await as(t.app, admin)({ method: 'POST', url: '/api/v1/organizations', payload: body });
      expect(made.statusCode, made.body).toBe(201);
      expect(made.json().nameEn).toBe('Yangjiatang Highland Vegetables Cooperative');
      const listed = (await t.app.inject({ url: `/api/v1/organizations?unitId=${villageId}` })).json().find((o: { id: string }) => o.id === made.json().id);
      expect(listed).toMatchObject({ nameEn: 'Yangjiatang Highland Vegetables Cooperative', namePinyin: expect.any(String) });
      const shop = (await t.app.inject({ url: '/api/v1/market/shops' })).json().find((s: { id: string }) => s.id === made.json().id);
      expect(shop).toMatchObject({ nameEn: 'Yangjiatang Highland Vegetables Cooperative' });
      // Without one, the record has none (an empty field is no English name).
      const plain = await as(t.app, admin)({ method: 'POST', url: '/api/v1/organizations', payload: { ...body, name: '杨家堂竹木合作社', nameEn: '  ' } });
      expect(plain.json().nameEn).toBeNull();
    });
  });

  describe('inn rooms', () => {
    it("a room's English name is added, changed, cleared and refused when too long; the inn's page and the host's calendar carry it", async () => {
      const [inn] = (await as(t.app, keeper)({ url: '/api/v1/inns/mine' })).json();
      expect(inn.namePinyin).toMatch(/^Yangjiatang/);
      const body = { name: '枕溪', nameEn: 'Pillow Stream', type: 'double', capacity: 2, nightlyFen: 30_000 };
      refusedNaming(await as(t.app, keeper)({ method: 'POST', url: `/api/v1/inns/${inn.id}/rooms`, payload: { ...body, nameEn: 'x'.repeat(81) } }), 'nameEn');
      const made = await as(t.app, keeper)({ method: 'POST', url: `/api/v1/inns/${inn.id}/rooms`, payload: body });
      expect(made.statusCode, made.body).toBe(201);
      expect(made.json()).toMatchObject({ name: '枕溪', nameEn: 'Pillow Stream', namePinyin: 'Zhenxi' });
      const room = (await t.app.inject({ url: `/api/v1/inns/${inn.id}` })).json().rooms.find((r: { id: string }) => r.id === made.json().id);
      expect(room).toMatchObject({ nameEn: 'Pillow Stream', namePinyin: 'Zhenxi' });
      // The demo rooms have English names of their own.
      expect((await t.app.inject({ url: `/api/v1/inns/${inn.id}` })).json().rooms.find((r: { name: string }) => r.name === '望山').nameEn).toBe('Mountain View');

      const renamed = await as(t.app, keeper)({ method: 'PATCH', url: `/api/v1/inns/rooms/${room.id}`, payload: { nameEn: 'Stream Pillow' } });
      expect(renamed.json().nameEn).toBe('Stream Pillow');
      refusedNaming(await as(t.app, keeper)({ method: 'PATCH', url: `/api/v1/inns/rooms/${room.id}`, payload: { nameEn: 'y'.repeat(81) } }), 'nameEn');
      expect((await as(t.app, keeper)({ method: 'PATCH', url: `/api/v1/inns/rooms/${room.id}`, payload: { nameEn: '' } })).json().nameEn).toBeNull();

      const from = new Date().toISOString().slice(0, 10);
      const to = new Date(Date.now() + 7 * 86_400_000).toISOString().slice(0, 10);
      const calendar = (await as(t.app, keeper)({ url: `/api/v1/inns/${inn.id}/calendar?from=${from}&to=${to}` })).json();
      expect(calendar.inn).toMatchObject({ name: inn.name, namePinyin: inn.namePinyin });
      expect(calendar.rooms.find((r: { name: string }) => r.name === '听雨')).toMatchObject({ nameEn: 'Rain Room', namePinyin: 'Tingyu' });
    });
  });

  describe('proposals', () => {
    it("a proposal keeps its English title through an edit, lists and search; too long is refused; the demo's funded project has one", async () => {
      refusedNaming(await as(t.app, resident)({ method: 'POST', url: '/api/v1/interventions', payload: proposalBody(villageId, { titleEn: 'z'.repeat(161) }) }), 'titleEn');
      const made = await as(t.app, resident)({ method: 'POST', url: '/api/v1/interventions', payload: proposalBody(villageId, { title: '村口古桥修缮', titleEn: 'Repairing the old bridge at the village gate' }) });
      expect(made.statusCode, made.body).toBe(201);
      const id = made.json().id;
      expect(made.json()).toMatchObject({ title: '村口古桥修缮', titleEn: 'Repairing the old bridge at the village gate' });
      const mine = (await as(t.app, resident)({ url: '/api/v1/interventions?mine=true' })).json();
      expect(mine.find((p: { id: string }) => p.id === id).titleEn).toBe('Repairing the old bridge at the village gate');
      const found = (await as(t.app, resident)({ url: '/api/v1/interventions?q=old%20bridge' })).json();
      expect(found.map((p: { id: string }) => p.id)).toEqual([id]);
      const edited = await as(t.app, resident)({ method: 'PUT', url: `/api/v1/interventions/${id}`, payload: proposalBody(villageId, { title: '村口古桥修缮', titleEn: null }) });
      expect(edited.json().titleEn).toBeNull();
      const projects = (await t.app.inject({ url: '/api/v1/interventions/public' })).json();
      expect(projects.find((p: { title: string }) => p.title === '银猴茶工坊')).toMatchObject({ titleEn: 'Silver Monkey tea workshop', villagePinyin: expect.any(String) });
    });

    it("a round's candidates carry their English title and their village's pinyin", async () => {
      const candidates = (await as(t.app, admin)({ url: '/api/v1/interventions/candidates' })).json();
      expect(candidates.length).toBeGreaterThan(0);
      for (const c of candidates) expect(c.villagePinyin).toMatch(/^[A-Z][a-z']+$/);
      expect(candidates.find((c: { title: string }) => c.title === '黄家大院村史馆')).toMatchObject({ titleEn: 'Huang Family Compound village museum' });
    });
  });

  describe('people', () => {
    it('a programme and a job take an English title, listed and read back; too long is refused', async () => {
      const tree = (await t.app.inject({ url: '/api/v1/county' })).json();
      const programme = { unitId: tree.county.id, kind: 'training', title: '电商直播培训', budgetFen: 100_000, maxAwardFen: 80_000, deadline: '2099-12-31' };
      refusedNaming(await as(t.app, admin)({ method: 'POST', url: '/api/v1/people/programmes', payload: { ...programme, titleEn: 'p'.repeat(161) } }), 'titleEn');
      const made = await as(t.app, admin)({ method: 'POST', url: '/api/v1/people/programmes', payload: { ...programme, titleEn: 'Live-selling course' } });
      expect(made.statusCode, made.body).toBe(201);
      expect(made.json().titleEn).toBe('Live-selling course');
      const listed = (await t.app.inject({ url: '/api/v1/people/programmes' })).json();
      expect(listed.find((p: { id: string }) => p.id === made.json().id).titleEn).toBe('Live-selling course');
      expect(listed.find((p: { title: string }) => p.title === '返乡创业启动资金').titleEn).toBe('Start-up grant for returnees');

      const innOrg = orgs.find((o) => o.name === '杨家堂老屋民宿')!;
      const job = { orgId: innOrg.id, title: '民宿前台（暑期）', payFen: 18_000, payUnit: 'day', positions: 1, closesOn: '2099-08-31' };
      refusedNaming(await as(t.app, keeper)({ method: 'POST', url: '/api/v1/people/jobs', payload: { ...job, titleEn: 'j'.repeat(161) } }), 'titleEn');
      const posted = await as(t.app, keeper)({ method: 'POST', url: '/api/v1/people/jobs', payload: { ...job, titleEn: 'Summer front desk' } });
      expect(posted.statusCode, posted.body).toBe(201);
      expect((await t.app.inject({ url: `/api/v1/people/jobs/${posted.json().id}` })).json().titleEn).toBe('Summer front desk');
      const options = (await as(t.app, keeper)({ url: '/api/v1/people/jobs/posting-options' })).json();
      expect(options.organizations.find((o: { id: string }) => o.id === innOrg.id)).toMatchObject({ nameEn: null, namePinyin: innOrg.namePinyin });
    });
  });

  describe('live sessions', () => {
    it("a session's English title is scheduled with it and listed; too long is refused; the page's products carry their pinyin", async () => {
      const coop = orgs.find((o) => o.name === '杨家堂银猴茶叶专业合作社')!;
      const body = { orgId: coop.id, title: '春茶开采直播', scheduledAt: '2099-04-01T02:00:00Z', productIds: [] };
      refusedNaming(await as(t.app, producer)({ method: 'POST', url: '/api/v1/live/sessions', payload: { ...body, titleEn: 'l'.repeat(121) } }), 'titleEn');
      const made = await as(t.app, producer)({ method: 'POST', url: '/api/v1/live/sessions', payload: { ...body, titleEn: 'Spring tea picking, live' } });
      expect(made.statusCode, made.body).toBe(201);
      const list = (await t.app.inject({ url: '/api/v1/live/sessions' })).json().items;
      expect(list.find((s: { id: string }) => s.id === made.json().id)).toMatchObject({ title: '春茶开采直播', titleEn: 'Spring tea picking, live' });
      const seeded = list.find((s: { title: string }) => s.title.includes('杨家堂茶园直播'));
      expect(seeded.titleEn).toMatch(/^Live from the Yangjiatang tea gardens/);
      const page = (await t.app.inject({ url: `/api/v1/live/sessions/${seeded.id}` })).json();
      expect(page.products.length).toBeGreaterThan(0);
      for (const p of page.products) expect(p.namePinyin).toMatch(/^[A-Z]/);
    });
  });
});
