// Issue 18 item 5: products, inns and Atlas buildings take a name in English as someone entered it; the API carries it
// beside the Chinese and the pinyin, searches find it, and the buildings' export and import carry it.
import { afterAll, beforeAll, expect, it } from 'vitest';
import { as, signIn, startTestApp, type Session, type TestApp } from '../test/support/app.ts';
import { describeEachDriver } from '../test/support/db.ts';
import { multipart } from '../test/support/multipart.ts';

describeEachDriver('names in English', (driver) => {
  let t: TestApp;
  let producer: Session;
  let keeper: Session;
  let village: Session;
  let villageId: string;

  beforeAll(async () => {
    t = await startTestApp(driver, { LOGIN_RATE_LIMIT_PER_MINUTE: '1000' });
    [producer, keeper, village] = await Promise.all([signIn(t.app, 'producer'), signIn(t.app, 'innkeeper'), signIn(t.app, 'village')]);
    const tree = (await t.app.inject({ url: '/api/v1/county' })).json();
    villageId = tree.townships.flatMap((x: { villages: { id: string; nameZh: string }[] }) => x.villages).find((v: { nameZh: string }) => v.nameZh === '杨家堂村').id;
  });
  afterAll(() => t?.close());

  it('a product keeps the English name its producer entered; the catalogue carries and searches it; clearing it leaves the pinyin', async () => {
    const shop = (await t.app.inject({ url: '/api/v1/market/products' })).json().items.find((p: { producer: string }) => p.producer === '杨家堂银猴茶叶专业合作社');
    const body = { orgId: shop.orgId, kind: 'tea', name: '高山云雾茶', nameEn: 'Mountain Mist Tea', variants: [{ label: '罐装 100 克', weightG: 100, priceFen: 8800, stock: 5 }] };
    const tooLong = await as(t.app, producer)({ method: 'POST', url: '/api/v1/market/products', payload: { ...body, nameEn: 'x'.repeat(81) } });
    expect(tooLong.statusCode).toBe(400);
    expect(tooLong.body).toContain('nameEn');
    const made = await as(t.app, producer)({ method: 'POST', url: '/api/v1/market/products', payload: body });
    expect(made.statusCode).toBe(201);
    const id = made.json().id;
    expect((await t.app.inject({ url: `/api/v1/market/products/${id}` })).json()).toMatchObject({ name: '高山云雾茶', nameEn: 'Mountain Mist Tea', namePinyin: 'Gaoshanyunwucha' });
    const found = (await t.app.inject({ url: '/api/v1/market/products?q=mountain%20mist' })).json().items;
    expect(found.map((p: { id: string; nameEn: string }) => [p.id, p.nameEn])).toEqual([[id, 'Mountain Mist Tea']]);

    const renamed = await as(t.app, producer)({ method: 'PATCH', url: `/api/v1/market/products/${id}`, payload: { nameEn: 'Cloud Mist Tea' } });
    expect(renamed.json().nameEn).toBe('Cloud Mist Tea');
    expect((await as(t.app, producer)({ method: 'PATCH', url: `/api/v1/market/products/${id}`, payload: { nameEn: '' } })).statusCode).toBe(200);
    expect((await t.app.inject({ url: `/api/v1/market/products/${id}` })).json()).toMatchObject({ nameEn: null, namePinyin: 'Gaoshanyunwucha' });
  });

  it("an inn's English name shows in the list, on its page and in search results", async () => {
    const [inn] = (await t.app.inject({ url: `/api/v1/inns?unitId=${villageId}` })).json();
    expect(inn.nameEn).toBeNull();
    const saved = await as(t.app, keeper)({ method: 'PATCH', url: `/api/v1/inns/${inn.id}`, payload: { nameEn: 'Old House Inn' } });
    expect(saved.statusCode, saved.body).toBe(200);
    expect(saved.json().nameEn).toBe('Old House Inn');
    expect((await t.app.inject({ url: `/api/v1/inns?unitId=${villageId}` })).json()[0].nameEn).toBe('Old House Inn');
    expect((await t.app.inject({ url: `/api/v1/inns/${inn.id}` })).json()).toMatchObject({ name: inn.name, nameEn: 'Old House Inn' });
    const d = new Date(Date.now() + 200 * 86_400_000).toISOString().slice(0, 10);
    const d2 = new Date(Date.now() + 201 * 86_400_000).toISOString().slice(0, 10);
    const results = (await t.app.inject({ url: `/api/v1/inns/search?unitId=${villageId}&checkIn=${d}&checkOut=${d2}&guests=1` })).json();
    expect(results.inns.find((i: { id: string }) => i.id === inn.id)).toMatchObject({ nameEn: 'Old House Inn', namePinyin: expect.any(String) });
    // Someone else's inn is not theirs to rename.
    expect((await as(t.app, producer)({ method: 'PATCH', url: `/api/v1/inns/${inn.id}`, payload: { nameEn: 'Mine' } })).statusCode).toBe(403);
  });

  it("a building's English name is entered, edited, exported and imported back (an older file without the column keeps it)", async () => {
    const made = await as(t.app, village)({
      method: 'POST',
      url: '/api/v1/atlas/buildings',
      payload: { villageId, name: '东山书屋', nameEn: 'East Hill Study', type: 'school', geometry: { type: 'Point', coordinates: [119.48, 28.45] } },
    });
    expect(made.statusCode).toBe(201);
    const id = made.json().id;
    expect((await t.app.inject({ url: `/api/v1/atlas/buildings/${id}` })).json()).toMatchObject({ name: '东山书屋', nameEn: 'East Hill Study' });
    const listed = (await t.app.inject({ url: `/api/v1/atlas/buildings?villageId=${villageId}&limit=200` })).json().items.find((b: { id: string }) => b.id === id);
    expect(listed.nameEn).toBe('East Hill Study');

    const csv = (await as(t.app, village)({ method: 'GET', url: `/api/v1/atlas/export/buildings?format=csv&villageId=${villageId}` })).body;
    const [header, ...lines] = csv.replace(/^\uFEFF/, '').trim().split('\r\n');
    expect(header.split(',').slice(0, 4)).toEqual(['id', 'village', 'name', 'name_en']);
    const line = lines.find((l) => l.startsWith(id))!;
    expect(line).toContain(',东山书屋,East Hill Study,');
    const upload = (name: string, text: string) =>
      as(t.app, village)({ method: 'POST', url: '/api/v1/atlas/import/buildings', ...multipart({}, { name, type: 'text/csv', data: Buffer.from(text) }) });
    const renamed = await upload('b.csv', `${header}\r\n${line.replace('East Hill Study', 'East Hill Reading Room')}\r\n`);
    expect(renamed.json()).toMatchObject({ created: 0, updated: 1 });
    expect((await t.app.inject({ url: `/api/v1/atlas/buildings/${id}` })).json().nameEn).toBe('East Hill Reading Room');

    const cols = header.split(',');
    const at = cols.indexOf('name_en');
    const drop = (s: string) => s.split(',').filter((_, i) => i !== at).join(',');
    const older = await upload('old.csv', `${drop(header)}\r\n${drop(line.replace('East Hill Study', 'East Hill Reading Room'))}\r\n`);
    expect(older.json()).toMatchObject({ created: 0, updated: 0, unchanged: 1 });
    expect((await t.app.inject({ url: `/api/v1/atlas/buildings/${id}` })).json().nameEn).toBe('East Hill Reading Room');
  });
});
