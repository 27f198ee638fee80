import { multipart } from '../../../test/support/multipart.ts';
import sharp from 'sharp';
import { sql } from 'drizzle-orm';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { queryRows } from '../../db/handle.ts';
import { as, signIn, startTestApp, type Session, type TestApp } from '../../../test/support/app.ts';
import { describeEachDriver } from '../../../test/support/db.ts';
import { addDays, hotelDate } from './dates.ts';

const jpeg = () => sharp({ create: { width: 800, height: 600, channels: 3, background: '#b08d57' } }).jpeg().toBuffer();
const png = () => sharp({ create: { width: 40, height: 30, channels: 3, background: '#2f6b3a' } }).png().toBuffer();

describeEachDriver('inns host tools', (driver) => {
  let t: TestApp;
  let keeper: Session;
  let admin: Session;
  let innId: string;
  let villageId: string;
  let rooms: { id: string; name: string; nightlyFen: number }[];
  const api = (s: Session | null) => as(t.app, s);
  const upload = (s: Session, id: string, file: { name: string; type: string; data: Buffer }, fields: Record<string, string> = {}) =>
    api(s)({ method: 'POST', url: `/api/v1/inns/${id}/photos`, ...multipart(fields, file) });

  beforeAll(async () => {
    t = await startTestApp(driver, { LOGIN_RATE_LIMIT_PER_MINUTE: '1000' });
    [keeper, admin] = await Promise.all([signIn(t.app, 'innkeeper'), signIn(t.app, 'admin')]);
    const tree = (await t.app.inject({ url: '/api/v1/county' })).json();
    villageId = tree.townships.flatMap((x: { villages: { id: string; nameZh: string }[] }) => x.villages).find((v: { nameZh: string }) => v.nameZh === '杨家堂村').id;
    innId = (await t.app.inject({ url: `/api/v1/inns?unitId=${villageId}` })).json()[0].id;
    rooms = (await t.app.inject({ url: `/api/v1/inns/${innId}` })).json().rooms;
  });
  afterAll(() => t?.close());

  it('takes a photo of the inn and of a room from its innkeeper, audited, and shows it on the inn page and in search', async () => {
    const res = await upload(keeper, innId, { name: 'house.jpg', type: 'image/jpeg', data: await jpeg() }, { caption: '修缮后的正屋' });
    expect(res.statusCode).toBe(201);
    expect(res.json()).toMatchObject({ innId, roomId: null, caption: '修缮后的正屋', width: 800, height: 600 });
    const full = await t.app.inject({ url: `/api/v1/inns/photos/${res.json().id}` });
    expect(full.statusCode).toBe(200);
    expect(full.headers['content-type']).toBe('image/jpeg');
    const thumb = await t.app.inject({ url: `/api/v1/inns/photos/${res.json().id}?size=thumb` });
    expect(thumb.headers['content-type']).toBe('image/webp');
    expect((await sharp(thumb.rawPayload).metadata()).width).toBe(480);
    const roomPhoto = await upload(keeper, innId, { name: 'room.png', type: 'image/png', data: await png() }, { roomId: rooms[0].id });
    expect(roomPhoto.statusCode).toBe(201);
    expect(roomPhoto.json().roomId).toBe(rooms[0].id);
    const inn = (await t.app.inject({ url: `/api/v1/inns/${innId}` })).json();
    expect(inn.gallery.map((p: { id: string }) => p.id)).toEqual([res.json().id, roomPhoto.json().id]);
    const day = addDays(hotelDate(new Date()), 40);
    const search = (await t.app.inject({ url: `/api/v1/inns/search?unitId=${villageId}&checkIn=${day}&checkOut=${addDays(day, 1)}&guests=1` })).json();
    expect(search.inns[0].photoId).toBe(res.json().id);
    expect((await t.app.inject({ url: `/api/v1/inns?unitId=${villageId}` })).json()[0].photoId).toBe(res.json().id);
    const audit = await queryRows<{ n: number }>(t.db.db, sql`select count(*)::int as n from audit_log where action = 'inn.photo_add' and entity_id = ${res.json().id}`);
    expect(audit[0].n).toBe(1);
    // A room of another inn is refused, naming the field.
    const other = await upload(keeper, innId, { name: 'a.png', type: 'image/png', data: await png() }, { roomId: '0190a000-0000-7000-8000-00000000beef' });
    expect(other.statusCode).toBe(400);
    expect(other.json().field).toBe('roomId');
    // The innkeeper removes it again.
    expect((await api(keeper)({ method: 'DELETE', url: `/api/v1/inns/photos/${roomPhoto.json().id}` })).statusCode).toBe(204);
    expect((await t.app.inject({ url: `/api/v1/inns/photos/${roomPhoto.json().id}` })).statusCode).toBe(404);
  });

  it('refuses a mislabelled file (415), an oversized one (413), a stranger (401) and another inn\'s innkeeper (403)', async () => {
    const mislabelled = await upload(keeper, innId, { name: 'a.jpg', type: 'image/jpeg', data: await png() });
    expect(mislabelled.statusCode).toBe(415);
    expect(mislabelled.json()).toMatchObject({ code: 'photo_mislabelled', field: 'file' });
    const notImage = await upload(keeper, innId, { name: 'a.png', type: 'image/png', data: Buffer.from('not an image at all') });
    expect(notImage.statusCode).toBe(415);
    const big = Buffer.concat([await jpeg(), Buffer.alloc(10 * 1024 * 1024 + 1)]);
    const oversized = await upload(keeper, innId, { name: 'big.jpg', type: 'image/jpeg', data: big });
    expect(oversized.statusCode).toBe(413);
    expect(oversized.json().field).toBe('file');
    const anon = await t.app.inject({ method: 'POST', url: `/api/v1/inns/${innId}/photos`, ...multipart({}, { name: 'a.png', type: 'image/png', data: await png() }) });
    expect([401, 403]).toContain(anon.statusCode);
    // Another inn, opened by the county for a new inn organization: our innkeeper may not add to it.
    const org = await api(admin)({ method: 'POST', url: '/api/v1/organizations', payload: { unitId: villageId, kind: 'inn', name: '杨家堂云居' } });
    const opened = await api(admin)({ method: 'POST', url: '/api/v1/inns', payload: { orgId: org.json().id } });
    expect(opened.statusCode).toBe(201);
    const forbidden = await upload(keeper, opened.json().id, { name: 'a.png', type: 'image/png', data: await png() });
    expect(forbidden.statusCode).toBe(403);
    const n = await queryRows<{ n: number }>(t.db.db, sql`select count(*)::int as n from inn_photos where inn_id = ${opened.json().id}`);
    expect(n[0].n).toBe(0);
  });

  it('edits a room, naming the field of bad input, and removes a seasonal rate', async () => {
    const room = rooms[1];
    const ok = await api(keeper)({ method: 'PATCH', url: `/api/v1/inns/rooms/${room.id}`, payload: { name: `${room.name}·新`, type: 'suite', capacity: 3, beds: '一张大床', nightlyFen: 45_600, weekendFen: null } });
    expect(ok.statusCode).toBe(200);
    expect(ok.json()).toMatchObject({ name: `${room.name}·新`, type: 'suite', capacity: 3, beds: '一张大床', nightlyFen: 45_600, weekendFen: null });
    const cases: [Record<string, unknown>, string][] = [
      [{ capacity: 0 }, 'capacity'],
      [{ nightlyFen: -5 }, 'nightlyFen'],
      [{ type: 'castle' }, 'type'],
      [{ name: '' }, 'name'],
      [{ name: rooms[2].name }, 'body/name'],
    ];
    for (const [payload, field] of cases) {
      const bad = await api(keeper)({ method: 'PATCH', url: `/api/v1/inns/rooms/${room.id}`, payload });
      expect(bad.statusCode, JSON.stringify(payload)).toBeGreaterThanOrEqual(400);
      expect(bad.statusCode).toBeLessThan(500);
      expect(bad.json().field, JSON.stringify(payload)).toContain(field);
    }
    const day = addDays(hotelDate(new Date()), 90);
    const rate = await api(keeper)({ method: 'POST', url: `/api/v1/inns/rooms/${room.id}/rates`, payload: { name: '国庆', startDate: day, endDate: addDays(day, 3), nightlyFen: 99_900 } });
    expect(rate.statusCode).toBe(201);
    const quote = () => t.app.inject({ url: `/api/v1/inns/rooms/${room.id}/quote?checkIn=${day}&checkOut=${addDays(day, 1)}` }).then((r) => r.json().totalFen);
    expect(await quote()).toBe(99_900);
    const buyer = await signIn(t.app, 'buyer');
    expect((await api(buyer)({ method: 'DELETE', url: `/api/v1/inns/rates/${rate.json().id}` })).statusCode).toBe(403);
    expect((await api(keeper)({ method: 'DELETE', url: `/api/v1/inns/rates/${rate.json().id}` })).statusCode).toBe(204);
    expect(await quote()).not.toBe(99_900);
    expect((await api(keeper)({ url: `/api/v1/inns/rooms/${room.id}/rates` })).json().map((r: { id: string }) => r.id)).not.toContain(rate.json().id);
    expect((await api(keeper)({ method: 'DELETE', url: `/api/v1/inns/rates/${rate.json().id}` })).statusCode).toBe(404);
  });
});
