import { sql } from 'drizzle-orm';
import sharp from 'sharp';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { as, signIn, startTestApp, type Session, type TestApp } from '../../../test/support/app.ts';
import { describeEachDriver } from '../../../test/support/db.ts';
import { multipart } from '../../../test/support/multipart.ts';
import { queryRows } from '../../db/handle.ts';

type Master = { id: string; publicName: string };
type Progress = { id: string; minutes: number; sessions: { id: string; skills: string; photos: { id: string; caption: string }[] }[]; milestones: { skill: string; reachedOn: string }[] };
type Workshop = { id: string; title: string; seats: number; seatsLeft: number; priceFen: number; master: string; craft: string };

const jpeg = () => sharp({ create: { width: 800, height: 600, channels: 3, background: '#b08d57' } }).jpeg().toBuffer();
const inAWeek = () => new Date(Date.now() + 7 * 86_400_000).toISOString();

describeEachDriver('people: session photos, skill milestones, workshops visitors book', (driver) => {
  let t: TestApp;
  let resident: Session, village: Session, buyer: Session;
  let bamboo: Master;
  let shipId: string;
  let sessionId: string;
  const audit = async (entityId: string) => (await queryRows<{ action: string }>(t.db.db, sql`select action from audit_log where entity_id = ${entityId} order by at, id`)).map((a) => a.action);

  beforeAll(async () => {
    t = await startTestApp(driver, { LOGIN_RATE_LIMIT_PER_MINUTE: '1000' });
    [resident, village, buyer] = await Promise.all(['resident', 'village', 'buyer'].map((u) => signIn(t.app, u)));
    const crafts = (await t.app.inject({ url: '/api/v1/people/crafts' })).json() as { masters: Master[] }[];
    bamboo = crafts.flatMap((c) => c.masters).find((m) => m.publicName === '宋建国')!;
    // The demo resident becomes 宋建国's apprentice, and has a first session.
    shipId = (await as(t.app, resident)({ method: 'POST', url: `/api/v1/people/artisans/${bamboo.id}/apprenticeships`, payload: {} })).json().id;
    expect((await as(t.app, village)({ method: 'POST', url: `/api/v1/people/apprenticeships/${shipId}/decisions`, payload: { action: 'accept' } })).statusCode).toBe(200);
    sessionId = (await as(t.app, village)({ method: 'POST', url: `/api/v1/people/apprenticeships/${shipId}/sessions`, payload: { heldOn: '2026-11-20', minutes: 120, skills: '劈篾' } })).json().id;
  });
  afterAll(() => t?.close());

  it('the master’s side adds a photo to a session; the apprentice sees it, nobody else', async () => {
    const upload = (who: Session | null, file: { name: string; type: string; data: Buffer }, caption = '') => {
      const body = multipart(caption ? { caption } : {}, file);
      return as(t.app, who)({ method: 'POST', url: `/api/v1/people/training-sessions/${sessionId}/photos`, payload: body.payload, headers: body.headers });
    };
    const photo = { name: 'session.jpg', type: 'image/jpeg', data: await jpeg() };
    expect((await upload(resident, photo)).statusCode).toBe(403); // the apprentice does not run the workshop
    expect((await upload(buyer, photo)).statusCode).toBe(403);
    const notImage = await upload(village, { name: 'x.jpg', type: 'image/jpeg', data: Buffer.from('not a photo') });
    expect(notImage.statusCode).toBe(415);
    expect(notImage.json().field).toBe('file');
    const added = await upload(village, photo, '师傅示范劈篾');
    expect(added.statusCode, added.body).toBe(201);
    const photoId = added.json().id as string;

    const shop = (await as(t.app, village)({ url: `/api/v1/people/artisans/${bamboo.id}/workshop` })).json();
    const mine = shop.apprentices.find((a: { id: string }) => a.id === shipId);
    expect(mine.sessions[0].photos).toEqual([{ id: photoId, caption: '师傅示范劈篾' }]);
    const progress = (await as(t.app, resident)({ url: `/api/v1/people/apprenticeships/${shipId}` })).json() as Progress;
    expect(progress.sessions[0]).toMatchObject({ skills: '劈篾', photos: [{ id: photoId, caption: '师傅示范劈篾' }] });
    const thumb = await as(t.app, resident)({ url: `/api/v1/people/session-photos/${photoId}?size=thumb` });
    expect(thumb.statusCode).toBe(200);
    expect(thumb.headers['content-type']).toBe('image/webp');
    expect((await sharp(thumb.rawPayload).metadata()).width).toBeGreaterThan(0);
    for (const [who, code] of [
      [buyer, 403],
      [null, 401],
    ] as const) {
      expect((await as(t.app, who)({ url: `/api/v1/people/session-photos/${photoId}` })).statusCode).toBe(code);
      expect((await as(t.app, who)({ url: `/api/v1/people/apprenticeships/${shipId}` })).statusCode).toBe(code);
    }

    expect((await as(t.app, resident)({ method: 'DELETE', url: `/api/v1/people/session-photos/${photoId}` })).statusCode).toBe(403);
    expect((await as(t.app, village)({ method: 'DELETE', url: `/api/v1/people/session-photos/${photoId}` })).statusCode).toBe(204);
    expect((await as(t.app, resident)({ url: `/api/v1/people/session-photos/${photoId}` })).statusCode).toBe(404);
    expect(await audit(sessionId)).toEqual(['people.session.log', 'people.session.photo_add', 'people.session.photo_remove']);
  });

  it('the master records the skills the apprentice has mastered, each once', async () => {
    const record = (who: Session, id: string, body: Record<string, unknown>) => as(t.app, who)({ method: 'POST', url: `/api/v1/people/apprenticeships/${id}/milestones`, payload: body });
    expect((await record(resident, shipId, { skill: '劈篾', reachedOn: '2026-11-20' })).statusCode).toBe(403);
    expect((await record(village, shipId, { skill: '', reachedOn: '2026-11-20' })).json().field).toBe('body/skill');
    expect((await record(village, shipId, { skill: '劈篾', reachedOn: '20 Nov' })).json().field).toBe('body/reachedOn');
    const first = await record(village, shipId, { skill: '劈篾', reachedOn: '2026-11-20', note: '篾片厚薄均匀' });
    expect(first.statusCode).toBe(201);
    expect((await record(village, shipId, { skill: '劈篾', reachedOn: '2026-11-21' })).json()).toMatchObject({ code: 'milestone_exists', field: 'body/skill' });
    expect((await record(village, shipId, { skill: '起底', reachedOn: '2026-11-27' })).statusCode).toBe(201);
    const progress = (await as(t.app, resident)({ url: `/api/v1/people/apprenticeships/${shipId}` })).json() as Progress;
    expect(progress.milestones.map((m) => m.skill)).toEqual(['劈篾', '起底']);
    expect(await audit(first.json().id)).toEqual(['people.milestone.record']);

    // Someone who only asked is not yet an apprentice: no milestone.
    const tea = ((await t.app.inject({ url: '/api/v1/people/crafts' })).json() as { masters: Master[] }[]).flatMap((c) => c.masters).find((m) => m.publicName === '宋春华')!;
    const asked = (await as(t.app, resident)({ method: 'POST', url: `/api/v1/people/artisans/${tea.id}/apprenticeships`, payload: {} })).json().id as string;
    const refused = await record(village, asked, { skill: '杀青', reachedOn: '2026-11-20' });
    expect(refused.statusCode).toBe(409);
    expect(refused.json()).toMatchObject({ code: 'invalid_transition', current: 'applied' });
  });

  it('a master opens a workshop; visitors book its seats and no more, however many book at once', async () => {
    const open = (who: Session, body: Record<string, unknown>) => as(t.app, who)({ method: 'POST', url: `/api/v1/people/artisans/${bamboo.id}/workshops`, payload: body });
    const body = { title: '竹编茶杯垫体验', description: '一个半小时，编一只自己的杯垫带回家。', startsAt: inAWeek(), minutes: 90, seats: 3, priceFen: 8000 };
    expect((await open(resident, body)).statusCode).toBe(403);
    expect((await open(village, { ...body, startsAt: '2020-01-01T09:00:00+08:00' })).json().field).toBe('body/startsAt');
    expect((await open(village, { ...body, seats: 0 })).json().field).toBe('body/seats');
    const opened = await open(village, body);
    expect(opened.statusCode).toBe(201);
    const id = opened.json().id as string;
    const listed = ((await t.app.inject({ url: '/api/v1/people/workshops' })).json() as Workshop[]).find((w) => w.id === id)!;
    expect(listed).toMatchObject({ master: '宋建国', craft: '竹编', seats: 3, seatsLeft: 3, priceFen: 8000 });

    // Eight visitors try for the three seats at once.
    const visitors = await Promise.all(
      Array.from({ length: 8 }, async (_, i) => {
        const username = `visitor${i}`;
        expect((await t.app.inject({ method: 'POST', url: '/api/v1/auth/register', payload: { username, password: 'a-long-password', displayName: username } })).statusCode).toBe(201);
        return signIn(t.app, username, 'a-long-password');
      }),
    );
    const tries = await Promise.all(visitors.map((v, i) => as(t.app, v)({ method: 'POST', url: `/api/v1/people/workshops/${id}/bookings`, payload: { seats: 1, name: `游客${i}` } })));
    expect(tries.filter((r) => r.statusCode === 201)).toHaveLength(3);
    expect(tries.filter((r) => r.statusCode === 409).map((r) => r.json().code)).toEqual(Array(5).fill('workshop_full'));
    const [counts] = await queryRows<{ booked: number; rows: number }>(t.db.db, sql`select w.booked, (select count(*)::int from people_workshop_bookings b where b.workshop_id = w.id and b.status = 'booked') as rows from people_workshops w where w.id = ${id}`);
    expect(counts).toEqual({ booked: 3, rows: 3 });

    // One cancels: a seat is free again, for one seat and not two.
    const lucky = tries.findIndex((r) => r.statusCode === 201);
    const unlucky = tries.findIndex((r) => r.statusCode === 409);
    const bookingId = tries[lucky].json().id as string;
    expect((await as(t.app, visitors[unlucky])({ method: 'POST', url: `/api/v1/people/workshop-bookings/${bookingId}/cancel` })).statusCode).toBe(403);
    const cancelled = await as(t.app, visitors[lucky])({ method: 'POST', url: `/api/v1/people/workshop-bookings/${bookingId}/cancel` });
    expect(cancelled.json()).toMatchObject({ status: 'cancelled', workshop: { seatsLeft: 1 } });
    expect((await as(t.app, visitors[lucky])({ method: 'POST', url: `/api/v1/people/workshop-bookings/${bookingId}/cancel` })).json()).toMatchObject({ code: 'invalid_transition', current: 'cancelled' });
    const two = await as(t.app, visitors[unlucky])({ method: 'POST', url: `/api/v1/people/workshops/${id}/bookings`, payload: { seats: 2, name: '两位' } });
    expect(two.json()).toMatchObject({ code: 'workshop_full', field: 'body/seats', seatsLeft: 1 });
    const one = await as(t.app, visitors[unlucky])({ method: 'POST', url: `/api/v1/people/workshops/${id}/bookings`, payload: { seats: 1, name: '补上的游客' } });
    expect(one.statusCode).toBe(201);
    // Full now, for everyone.
    expect((await as(t.app, buyer)({ method: 'POST', url: `/api/v1/people/workshops/${id}/bookings`, payload: { seats: 1, name: '买家' } })).json().code).toBe('workshop_full');
    expect((await as(t.app, visitors[unlucky])({ method: 'POST', url: `/api/v1/people/workshops/${id}/bookings`, payload: { seats: 1, name: '补上的游客' } })).json().code).toBe('workshop_full');

    const mine = (await as(t.app, visitors[unlucky])({ url: '/api/v1/people/workshop-bookings' })).json();
    expect(mine).toHaveLength(1);
    expect(mine[0]).toMatchObject({ seats: 1, status: 'booked', workshop: { title: '竹编茶杯垫体验', seatsLeft: 0 } });
    const roster = (await as(t.app, village)({ url: `/api/v1/people/artisans/${bamboo.id}/workshops` })).json();
    expect(roster[0].bookings.map((b: { name: string }) => b.name)).toContain('补上的游客');
    expect(roster[0].bookings).toHaveLength(3);
    expect((await as(t.app, buyer)({ url: `/api/v1/people/artisans/${bamboo.id}/workshops` })).statusCode).toBe(403);
    expect(await audit(bookingId)).toEqual(['people.workshop.book', 'people.workshop.booking_cancel']);
  });

  it('a visitor may book the same workshop only once at a time', async () => {
    const opened = await as(t.app, village)({ method: 'POST', url: `/api/v1/people/artisans/${bamboo.id}/workshops`, payload: { title: '竹编灯罩', startsAt: inAWeek(), minutes: 120, seats: 10, priceFen: 0 } });
    const id = opened.json().id as string;
    const first = await as(t.app, buyer)({ method: 'POST', url: `/api/v1/people/workshops/${id}/bookings`, payload: { seats: 2, name: '买家一家' } });
    expect(first.statusCode).toBe(201);
    const second = await as(t.app, buyer)({ method: 'POST', url: `/api/v1/people/workshops/${id}/bookings`, payload: { seats: 1, name: '买家' } });
    expect(second.json().code).toBe('already_booked');
    const left = ((await t.app.inject({ url: '/api/v1/people/workshops' })).json() as Workshop[]).find((w) => w.id === id)!;
    expect(left.seatsLeft).toBe(8);

    // The master cancels the workshop: it leaves the list, and the visitor's booking is cancelled with it.
    expect((await as(t.app, buyer)({ method: 'POST', url: `/api/v1/people/workshops/${id}/cancel` })).statusCode).toBe(403);
    const cancelled = await as(t.app, village)({ method: 'POST', url: `/api/v1/people/workshops/${id}/cancel` });
    expect(cancelled.json()).toMatchObject({ status: 'cancelled' });
    expect(((await t.app.inject({ url: '/api/v1/people/workshops' })).json() as Workshop[]).some((w) => w.id === id)).toBe(false);
    const mine = (await as(t.app, buyer)({ url: '/api/v1/people/workshop-bookings' })).json() as { workshopId: string; status: string }[];
    expect(mine.find((b) => b.workshopId === id)!.status).toBe('cancelled');
    expect((await as(t.app, buyer)({ method: 'POST', url: `/api/v1/people/workshops/${id}/bookings`, payload: { seats: 1, name: '买家' } })).json().code).toBe('workshop_closed');
    expect((await as(t.app, village)({ method: 'POST', url: `/api/v1/people/workshops/${id}/cancel` })).json()).toMatchObject({ code: 'invalid_transition', current: 'cancelled' });
    expect(await audit(id)).toEqual(['people.workshop.open', 'people.workshop.cancel']);
  });
});
