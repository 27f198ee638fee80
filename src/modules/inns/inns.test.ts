import fc from 'fast-check';
import { eq, sql } from 'drizzle-orm';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { queryRows } from '../../db/handle.ts';
import { as, signIn, startTestApp, type Session, type TestApp } from '../../../test/support/app.ts';
import { describeEachDriver } from '../../../test/support/db.ts';
import { addDays, hotelDate, nightsOf } from './dates.ts';
import { parseCalendar, writeCalendar } from './ical.ts';
import { nightPrice, refundFor } from './pricing.ts';
import { bookings } from './schema.ts';
import { confirmPaidBooking, expireHolds, innsClock } from './service.ts';

const realNow = innsClock.now;
const at = (iso: string) => {
  innsClock.now = () => new Date(iso);
};

describe('hotel dates and prices (pure)', () => {
  it('takes the date in Asia/Shanghai: 23:59 and 00:01 around midnight, month and year ends', () => {
    expect(hotelDate(new Date('2026-01-31T15:59:00Z'))).toBe('2026-01-31');
    expect(hotelDate(new Date('2026-01-31T16:01:00Z'))).toBe('2026-02-01');
    expect(hotelDate(new Date('2026-12-31T16:00:00Z'))).toBe('2027-01-01');
    expect(hotelDate(new Date('2028-02-28T16:30:00Z'))).toBe('2028-02-29');
    expect(addDays('2027-02-28', 1)).toBe('2027-03-01');
    expect(addDays('2028-02-28', 1)).toBe('2028-02-29');
    expect(nightsOf('2026-12-30', '2027-01-02')).toEqual(['2026-12-30', '2026-12-31', '2027-01-01']);
  });

  it('prices weekend nights (Friday, Saturday) and seasons, the latest-starting season winning', () => {
    const room = { nightlyFen: 30_000, weekendFen: 40_000 };
    expect(nightPrice(room, [], '2026-12-03')).toBe(30_000); // Thursday
    expect(nightPrice(room, [], '2026-12-04')).toBe(40_000); // Friday
    expect(nightPrice(room, [], '2026-12-05')).toBe(40_000); // Saturday
    expect(nightPrice(room, [], '2026-12-06')).toBe(30_000); // Sunday
    const seasons = [
      { startDate: '2026-12-01', endDate: '2027-01-01', nightlyFen: 35_000, weekendFen: null },
      { startDate: '2026-12-24', endDate: '2026-12-26', nightlyFen: 50_000, weekendFen: 60_000 },
    ];
    expect(nightPrice(room, seasons, '2026-12-05')).toBe(35_000);
    expect(nightPrice(room, seasons, '2026-12-25')).toBe(60_000); // Friday in the Christmas season
    expect(nightPrice(room, seasons, '2026-12-31')).toBe(35_000);
    expect(nightPrice(room, seasons, '2027-01-01')).toBe(40_000); // season ended (exclusive), Friday
  });

  it('refunds by the inn policy: full from 7 days, half from 2 days, nothing after', () => {
    const policy = { fullRefundDays: 7, partialRefundDays: 2, partialRefundPercent: 50 };
    expect(refundFor(policy, 10_001, '2026-12-01', '2026-12-08')).toBe(10_001);
    expect(refundFor(policy, 10_001, '2026-12-02', '2026-12-08')).toBe(5_000);
    expect(refundFor(policy, 10_001, '2026-12-06', '2026-12-08')).toBe(5_000);
    expect(refundFor(policy, 10_001, '2026-12-07', '2026-12-08')).toBe(0);
  });

  it('writes RFC 5545 text (CRLF, folded lines, escaped text, all-day dates) that it reads back', () => {
    const ics = writeCalendar('杨家堂老屋民宿 · 望山, 二楼; 朝南', [{ uid: 'a@terrace', start: '2026-12-31', end: '2027-01-02', summary: 'Booked' }], new Date('2026-11-29T00:00:00Z'));
    expect(ics.startsWith('BEGIN:VCALENDAR\r\nVERSION:2.0\r\n')).toBe(true);
    expect(ics).toContain('DTSTART;VALUE=DATE:20261231\r\n');
    expect(ics).toContain('DTEND;VALUE=DATE:20270102\r\n');
    expect(ics).toContain('DTSTAMP:20261129T000000Z');
    expect(ics).toContain('\\, 二楼\\; 朝南');
    for (const line of ics.split('\r\n')) expect(Buffer.byteLength(line)).toBeLessThanOrEqual(75);
    expect(parseCalendar(ics).events).toEqual([{ uid: 'a@terrace', start: '2026-12-31', end: '2027-01-02', summary: 'Booked' }]);
    // Date-times in UTC land on the Shanghai date; a missing DTEND means one night.
    const other = 'BEGIN:VCALENDAR\nBEGIN:VEVENT\nUID:x\nDTSTART:20270131T170000Z\nDTEND:20270202T030000Z\nEND:VEVENT\nBEGIN:VEVENT\nDTSTART;VALUE=DATE:20270301\nEND:VEVENT\nBEGIN:VEVENT\nDTSTART:nonsense\nEND:VEVENT\nEND:VCALENDAR\n';
    expect(parseCalendar(other)).toEqual({
      events: [
        { uid: 'x', start: '2027-02-01', end: '2027-02-02', summary: '' },
        { uid: '2027-03-01/2027-03-02', start: '2027-03-01', end: '2027-03-02', summary: '' },
      ],
      skipped: 1,
    });
  });
});

interface RoomInfo {
  id: string;
  name: string;
  capacity: number;
  nightlyFen: number;
}

describeEachDriver('inns', (driver) => {
  let t: TestApp;
  let buyer: Session;
  let keeper: Session;
  let innId: string;
  let villageId: string;
  let roomsByName: Record<string, RoomInfo>;
  const api = (s: Session | null) => as(t.app, s);
  /** Far enough ahead that the real "today" never interferes; each test uses its own weeks. */
  const base = addDays(hotelDate(new Date()), 60);
  const d = (n: number) => addDays(base, n);
  /** Pays a held booking as the guest does: the payment page of the Market's sandbox provider, then its "pay" button. */
  const pay = async (s: Session, bookingId: string) => {
    const started = await api(s)({ method: 'POST', url: `/api/v1/inns/bookings/${bookingId}/pay` });
    if (started.statusCode !== 200) return started;
    return api(s)({ method: 'POST', url: `/api/v1/payments/${started.json().paymentId}/sandbox`, payload: { outcome: 'succeeded' } });
  };
  const hold = (s: Session, roomId: string, checkIn: string, checkOut: string, guests = 1) =>
    api(s)({ method: 'POST', url: '/api/v1/inns/bookings', payload: { roomId, checkIn, checkOut, guests } });

  beforeAll(async () => {
    t = await startTestApp(driver, { LOGIN_RATE_LIMIT_PER_MINUTE: '1000' });
    [buyer, keeper] = await Promise.all([signIn(t.app, 'buyer'), signIn(t.app, 'innkeeper')]);
    const tree = (await t.app.inject({ url: '/api/v1/county' })).json();
    villageId = tree.townships.flatMap((x: { villages: { id: string; nameZh: string }[] }) => x.villages).find((v: { nameZh: string }) => v.nameZh === '杨家堂村').id;
    const list = (await t.app.inject({ url: `/api/v1/inns?unitId=${villageId}` })).json();
    innId = list[0].id;
    const inn = (await t.app.inject({ url: `/api/v1/inns/${innId}` })).json();
    roomsByName = Object.fromEntries(inn.rooms.map((r: RoomInfo) => [r.name, r]));
  });
  afterEach(() => {
    innsClock.now = realNow;
  });
  afterAll(() => t?.close());

  it('shows the seeded inn in its village with its story, policy and four rooms', async () => {
    const list = (await t.app.inject({ url: `/api/v1/inns?unitId=${villageId}` })).json();
    expect(list).toHaveLength(1);
    expect(list[0]).toMatchObject({ name: '杨家堂老屋民宿', roomCount: 4, fromFen: 19_800 });
    const inn = (await t.app.inject({ url: `/api/v1/inns/${innId}` })).json();
    expect(inn.storyBefore).toContain('夯土');
    expect(inn).toMatchObject({ fullRefundDays: 7, partialRefundDays: 2, partialRefundPercent: 50 });
    expect(inn.rooms.map((r: RoomInfo) => r.name).sort()).toEqual(['听雨', '晒秋', '望山', '茶间'].sort());
    expect(inn.rooms[0]).not.toHaveProperty('icalToken');
    // Linked to its house in the Atlas, whose record comes through the Atlas service.
    expect(inn.buildings).toEqual([expect.objectContaining({ name: '杨家堂夯土民居群', era: '清', buildYear: 1850 })]);
    const bad = await api(keeper)({ method: 'PATCH', url: `/api/v1/inns/${innId}`, payload: { buildingIds: ['0190a000-0000-7000-8000-00000000beef'] } });
    expect(bad.statusCode).toBe(400);
    expect(bad.json().field).toBe('body/buildingIds/0');
    const same = await api(keeper)({ method: 'PATCH', url: `/api/v1/inns/${innId}`, payload: { buildingIds: [inn.buildings[0].id], houseRules: inn.houseRules } });
    expect(same.statusCode).toBe(200);
  });

  it('finds inns by name in Chinese, pinyin or initials, and by story, across the county; a renamed inn by its new name', async () => {
    const names = async (url: string) => {
      const res = await api(null)({ url });
      expect(res.statusCode, res.body).toBe(200);
      const body = res.json() as { name: string }[] | { inns: { name: string }[] };
      return (Array.isArray(body) ? body : body.inns).map((i) => i.name).sort();
    };
    for (const q of ['崖居', 'yaju', 'ya ju', 'cjpyjms']) expect(await names(`/api/v1/inns?q=${encodeURIComponent(q)}`), q).toEqual(['陈家铺崖居民宿']);
    expect(await names(`/api/v1/inns?q=${encodeURIComponent('民宿')}`)).toEqual(['杨家堂老屋民宿', '陈家铺崖居民宿']);
    expect(await names('/api/v1/inns?q=zzzz')).toEqual([]);
    // Free rooms for the dates, anywhere in the county, in the inns the query names.
    expect(await names(`/api/v1/inns/search?q=laowu&checkIn=${d(40)}&checkOut=${d(41)}&guests=1`)).toEqual(['杨家堂老屋民宿']);
    expect((await api(null)({ url: `/api/v1/inns?q=${'x'.repeat(65)}` })).statusCode).toBe(400);
    const renamed = await api(keeper)({ method: 'PATCH', url: `/api/v1/inns/${innId}`, payload: { name: '杨家堂听雨民宿' } });
    expect(renamed.statusCode, renamed.body).toBe(200);
    expect(await names('/api/v1/inns?q=tingyu')).toEqual(['杨家堂听雨民宿']);
    expect(await names('/api/v1/inns?q=laowu')).toEqual([]);
    await api(keeper)({ method: 'PATCH', url: `/api/v1/inns/${innId}`, payload: { name: '杨家堂老屋民宿' } });
  });

  it('searches a village for dates and guests, holds, pays, and shows it to the guest and in the host calendar', async () => {
    const search = await t.app.inject({ url: `/api/v1/inns/search?unitId=${villageId}&checkIn=${d(0)}&checkOut=${d(2)}&guests=3` });
    expect(search.statusCode).toBe(200);
    expect(search.json().inns[0].rooms.map((r: RoomInfo) => r.name)).toEqual(['晒秋']);
    const room = roomsByName['晒秋'];
    const held = await hold(buyer, room.id, d(0), d(2), 3);
    expect(held.statusCode).toBe(201);
    expect(held.json()).toMatchObject({ status: 'held', checkIn: d(0), checkOut: d(2) });
    const quote = (await t.app.inject({ url: `/api/v1/inns/rooms/${room.id}/quote?checkIn=${d(0)}&checkOut=${d(2)}` })).json();
    expect(held.json().amountFen).toBe(quote.totalFen);
    // Held nights are gone from the search already.
    const again = (await t.app.inject({ url: `/api/v1/inns/search?unitId=${villageId}&checkIn=${d(1)}&checkOut=${d(3)}&guests=3` })).json();
    expect(again.inns).toEqual([]);
    const started = await api(buyer)({ method: 'POST', url: `/api/v1/inns/bookings/${held.json().id}/pay` });
    expect(started.statusCode).toBe(200);
    expect(started.json().redirectUrl).toContain(started.json().paymentId);
    const payment = (await api(buyer)({ url: `/api/v1/payments/${started.json().paymentId}` })).json();
    expect(payment).toMatchObject({ purpose: 'booking', referenceId: held.json().id, amountFen: held.json().amountFen, status: 'pending' });
    const paid = await api(buyer)({ method: 'POST', url: `/api/v1/payments/${started.json().paymentId}/sandbox`, payload: { outcome: 'succeeded' } });
    expect(paid.statusCode).toBe(200);
    const mine = (await api(buyer)({ url: '/api/v1/inns/bookings/mine' })).json();
    expect(mine.find((b: { id: string }) => b.id === held.json().id)).toMatchObject({ status: 'confirmed', innName: '杨家堂老屋民宿', roomName: '晒秋' });
    const cal = await api(keeper)({ url: `/api/v1/inns/${innId}/calendar?from=${d(-1)}&to=${d(5)}` });
    expect(cal.statusCode).toBe(200);
    expect(cal.json().bookings.find((b: { id: string }) => b.id === held.json().id)).toMatchObject({ status: 'confirmed', guestName: '城市买家（演示）', roomId: room.id });
    // Strangers may not read the host calendar.
    expect((await api(buyer)({ url: `/api/v1/inns/${innId}/calendar?from=${d(-1)}&to=${d(5)}` })).statusCode).toBe(403);
    expect((await t.app.inject({ url: `/api/v1/inns/${innId}/calendar?from=${d(-1)}&to=${d(5)}` })).statusCode).toBe(401);
    // The room's availability shows the two nights taken, and the check-out night free (half-open).
    const avail = (await t.app.inject({ url: `/api/v1/inns/rooms/${room.id}/availability?from=${d(-1)}&to=${d(3)}` })).json();
    expect(avail.nights.map((n: { available: boolean }) => n.available)).toEqual([true, false, false, true]);
  });

  it('refuses overlapping stays with 409 and accepts back-to-back stays (half-open ranges)', async () => {
    const room = roomsByName['望山'];
    expect((await hold(buyer, room.id, d(10), d(13))).statusCode).toBe(201);
    const overlap = await hold(buyer, room.id, d(12), d(14));
    expect(overlap.statusCode).toBe(409);
    expect(overlap.headers['content-type']).toContain('application/problem+json');
    expect(overlap.json().code).toBe('room_unavailable');
    expect((await hold(buyer, room.id, d(13), d(15))).statusCode).toBe(201);
    expect((await hold(buyer, room.id, d(8), d(10))).statusCode).toBe(201);
    expect((await hold(buyer, room.id, d(9), d(16))).statusCode).toBe(409);
  });

  it('enforces the invariant in the database itself, even for a raw insert', async () => {
    const room = roomsByName['望山'];
    const [{ county_id: countyId }] = await queryRows<{ county_id: string }>(t.db.db, sql`select county_id from inns where id = ${innId}`);
    const row = (checkIn: string, checkOut: string, status: string) =>
      sql`insert into inn_bookings (id, county_id, inn_id, room_id, check_in, check_out, status, block_source)
          values (gen_random_uuid(), ${countyId}, ${innId}, ${room.id}, ${checkIn}, ${checkOut}, ${status}, 'closure')`;
    await t.db.db.execute(row(d(40), d(42), 'blocked'));
    await expect(t.db.db.execute(row(d(41), d(43), 'blocked'))).rejects.toMatchObject({ cause: { code: '23P01' } });
    await t.db.db.execute(row(d(42), d(43), 'blocked'));
  });

  it('holds the invariant under concurrent raw inserts too, without the service and its room lock', async () => {
    const room = roomsByName['望山'];
    const [{ county_id: countyId }] = await queryRows<{ county_id: string }>(t.db.db, sql`select county_id from inns where id = ${innId}`);
    const outcomes = await Promise.allSettled(
      Array.from({ length: 40 }, (_, i) =>
        t.db.db.transaction(async (tx) => {
          await tx.execute(sql`insert into inn_bookings (id, county_id, inn_id, room_id, check_in, check_out, status, block_source)
            values (gen_random_uuid(), ${countyId}, ${innId}, ${room.id}, ${d(80 + (i % 4))}, ${d(84 + (i % 4))}, 'blocked', 'closure')`);
        }),
      ),
    );
    const codes = outcomes.map((o) => (o.status === 'fulfilled' ? 'ok' : ((o.reason as { cause?: { code?: string } }).cause?.code ?? 'other')));
    expect(codes.filter((c) => c === 'ok')).toHaveLength(1);
    // Losers see the exclusion violation (or, between waiting writers on PostgreSQL, a detected deadlock): never a second row.
    expect(codes.every((c) => c === 'ok' || c === '23P01' || c === '40P01')).toBe(true);
  });

  it('500 concurrent overlapping bookings of one room: exactly one wins, the other 499 get 409', async () => {
    const room = roomsByName['听雨'];
    const results = await Promise.all(
      Array.from({ length: 500 }, (_, i) => hold(buyer, room.id, d(20 + (i % 3)), d(23 + (i % 3)))),
    );
    const codes = results.map((r) => r.statusCode);
    expect(codes.filter((c) => c === 201)).toHaveLength(1);
    expect(codes.filter((c) => c === 409)).toHaveLength(499);
    const [{ n }] = await queryRows<{ n: number }>(t.db.db, sql`select count(*)::int as n from inn_bookings where room_id = ${room.id} and status = 'held'`);
    expect(n).toBe(1);
  }, 120_000);

  it('lets a hold expire: the nights free up at once, and the sweeper marks it expired', async () => {
    const room = roomsByName['茶间'];
    const first = await hold(buyer, room.id, d(30), d(31));
    expect(first.statusCode).toBe(201);
    expect((await hold(keeper, room.id, d(30), d(31))).statusCode).toBe(409);
    at(new Date(Date.now() + 16 * 60_000).toISOString());
    const search = (await t.app.inject({ url: `/api/v1/inns/search?unitId=${villageId}&checkIn=${d(30)}&checkOut=${d(31)}&guests=1` })).json();
    expect(search.inns[0].rooms.map((r: RoomInfo) => r.name)).toContain('茶间');
    expect((await api(buyer)({ method: 'POST', url: `/api/v1/inns/bookings/${first.json().id}/pay` })).json().code).toBe('hold_expired');
    const second = await hold(keeper, room.id, d(30), d(31));
    expect(second.statusCode).toBe(201);
    const [firstRow] = await t.db.db.select().from(bookings).where(eq(bookings.id, first.json().id));
    expect(firstRow.status).toBe('expired');
    innsClock.now = realNow;
    // A payment arriving for the lost hold does not double-book: the booking stays expired and a refund is due.
    const late = await t.db.db.transaction((tx) => confirmPaidBooking(tx, first.json().id, '0190a000-0000-7000-8000-000000000001'));
    expect(late).toEqual({ confirmed: false, refundDue: true });
  });

  it('books around midnight in Asia/Shanghai and across month and year ends', async () => {
    const room = roomsByName['望山'];
    // 23:59 on 31 January in Songyang (15:59 UTC): tonight is still 31 January.
    at('2027-01-31T15:59:00Z');
    const tonight = await hold(buyer, room.id, '2027-01-31', '2027-02-01');
    expect(tonight.statusCode).toBe(201);
    expect(tonight.json()).toMatchObject({ checkIn: '2027-01-31', checkOut: '2027-02-01' });
    // Two minutes later it is 1 February there: 31 January is the past.
    at('2027-01-31T16:01:00Z');
    const late = await hold(buyer, room.id, '2027-01-31', '2027-02-02');
    expect(late.statusCode).toBe(400);
    expect(late.json().field).toBe('checkIn');
    // The night of 1 February follows on without overlap; 28 February → 1 March is one night.
    expect((await hold(buyer, room.id, '2027-02-01', '2027-02-02')).statusCode).toBe(201);
    expect((await hold(buyer, room.id, '2027-02-28', '2027-03-01')).json().amountFen).toBeGreaterThan(0);
    expect((await hold(buyer, room.id, '2027-02-27', '2027-03-01')).statusCode).toBe(409);
    expect((await hold(buyer, room.id, '2027-12-31', '2028-01-02')).json()).toMatchObject({ checkIn: '2027-12-31', checkOut: '2028-01-02' });
    expect((await hold(buyer, room.id, '2027-02-29', '2027-03-02')).statusCode).toBe(400);
    const stored = await queryRows<{ check_in: string; check_out: string }>(
      t.db.db,
      sql`select to_char(check_in, 'YYYY-MM-DD') as check_in, to_char(check_out, 'YYYY-MM-DD') as check_out from inn_bookings where id = ${tonight.json().id}`,
    );
    expect(stored).toEqual([{ check_in: '2027-01-31', check_out: '2027-02-01' }]);
  });

  it('cancels with the refund the policy gives; a review only after a completed stay', async () => {
    const room = roomsByName['听雨'];
    const book = async (checkIn: string, checkOut: string) => {
      const h = await hold(buyer, room.id, checkIn, checkOut);
      expect(h.statusCode).toBe(201);
      expect((await pay(buyer, h.json().id)).statusCode).toBe(200);
      return h.json() as { id: string; amountFen: number };
    };
    at('2027-03-01T02:00:00Z');
    const far = await book('2027-03-20', '2027-03-22');
    const near = await book('2027-03-04', '2027-03-05');
    const cancelFar = await api(buyer)({ method: 'POST', url: `/api/v1/inns/bookings/${far.id}/cancel` });
    expect(cancelFar.json()).toMatchObject({ refundFen: far.amountFen, refundIssued: true, booking: { status: 'cancelled' } });
    const farPayment = (await api(buyer)({ url: `/api/v1/payments/${cancelFar.json().paymentId}` })).json();
    expect(farPayment).toMatchObject({ status: 'refunded', refundedFen: far.amountFen });
    // The refund the policy gives is sent by its job; the guest follows it in their bookings.
    await t.app.jobs.drain();
    const mine = (await api(buyer)({ url: '/api/v1/inns/bookings/mine' })).json() as { id: string; refunds: { amountFen: number; status: string }[] }[];
    expect(mine.find((b) => b.id === far.id)!.refunds).toMatchObject([{ amountFen: far.amountFen, reason: 'booking cancelled', status: 'succeeded' }]);
    const cancelNear = await api(buyer)({ method: 'POST', url: `/api/v1/inns/bookings/${near.id}/cancel` });
    expect(cancelNear.json()).toMatchObject({ refundFen: Math.floor(near.amountFen / 2), refundIssued: true });
    // The guest cannot refund themselves the rest through the payment API; the inn can.
    const nearPayment = cancelNear.json().paymentId;
    const self = await api(buyer)({ method: 'POST', url: `/api/v1/payments/${nearPayment}/refunds`, payload: { amountFen: 100, reason: 'more please' } });
    expect(self.statusCode).toBe(403);
    expect((await api(buyer)({ method: 'POST', url: `/api/v1/inns/bookings/${near.id}/cancel` })).statusCode).toBe(409);
    // The cancelled nights are free again.
    expect((await hold(keeper, room.id, '2027-03-20', '2027-03-22')).statusCode).toBe(201);

    const stay = await book('2027-03-10', '2027-03-12');
    const review = () => api(buyer)({ method: 'POST', url: `/api/v1/inns/bookings/${stay.id}/review`, payload: { rating: 5, body: '老屋很安静' } });
    expect((await review()).json().code).toBe('stay_not_completed');
    expect((await api(keeper)({ method: 'POST', url: `/api/v1/inns/bookings/${stay.id}/check-in` })).json().code).toBe('not_today');
    at('2027-03-10T07:00:00Z');
    expect((await api(buyer)({ method: 'POST', url: `/api/v1/inns/bookings/${stay.id}/check-in` })).statusCode).toBe(403);
    expect((await api(keeper)({ method: 'POST', url: `/api/v1/inns/bookings/${stay.id}/check-in` })).json().status).toBe('checked_in');
    at('2027-03-12T03:00:00Z');
    expect((await api(keeper)({ method: 'POST', url: `/api/v1/inns/bookings/${stay.id}/check-out` })).json().status).toBe('completed');
    expect((await review()).statusCode).toBe(201);
    expect((await review()).json().code).toBe('already_reviewed');
    const inn = (await t.app.inject({ url: `/api/v1/inns/${innId}` })).json();
    expect(inn.reviews[0]).toMatchObject({ rating: 5, body: '老屋很安静' });
    // Revenue: the completed stay, plus what the policy kept of the near cancellation.
    const stats = (await api(keeper)({ url: `/api/v1/inns/${innId}/stats?year=2027` })).json();
    const march = stats.months.find((m: { month: string }) => m.month === '2027-03');
    expect(march.revenueFen).toBe(stay.amountFen + near.amountFen - Math.floor(near.amountFen / 2));
    expect(march.soldNights).toBeGreaterThanOrEqual(2);
  });

  it('closes a room, exports its calendar as .ics, and imports an external calendar to block dates', async () => {
    const room = roomsByName['茶间'];
    const closure = await api(keeper)({ method: 'POST', url: `/api/v1/inns/rooms/${room.id}/closures`, payload: { checkIn: d(50), checkOut: d(52), note: '修屋顶' } });
    expect(closure.statusCode).toBe(201);
    expect((await hold(buyer, room.id, d(51), d(53))).statusCode).toBe(409);
    expect((await api(buyer)({ method: 'POST', url: `/api/v1/inns/rooms/${room.id}/closures`, payload: { checkIn: d(60), checkOut: d(61) } })).statusCode).toBe(403);
    const booked = await hold(buyer, room.id, d(55), d(57));
    expect(booked.statusCode).toBe(201);
    const { token } = (await api(keeper)({ url: `/api/v1/inns/rooms/${room.id}/ical-token` })).json();
    const ics = await t.app.inject({ url: `/api/v1/inns/ical/${token}.ics` });
    expect(ics.statusCode).toBe(200);
    expect(ics.headers['content-type']).toContain('text/calendar');
    const events = parseCalendar(ics.body).events;
    expect(events).toEqual(
      expect.arrayContaining([
        expect.objectContaining({ start: d(50), end: d(52), summary: 'Closed' }),
        expect.objectContaining({ start: d(55), end: d(57), summary: 'Booked' }),
      ]),
    );
    const external = writeCalendar('Ctrip', [
      { uid: 'ctrip-1', start: d(60), end: d(62), summary: 'Ctrip guest' },
      { uid: 'ctrip-2', start: d(56), end: d(58), summary: 'Overlaps ours' },
    ]);
    const imported = await api(keeper)({ method: 'POST', url: `/api/v1/inns/rooms/${room.id}/ical-import`, payload: { ics: external } });
    expect(imported.json()).toMatchObject({ imported: 1, conflicts: [{ uid: 'ctrip-2' }] });
    expect((await hold(buyer, room.id, d(61), d(62))).statusCode).toBe(409);
    // A new import replaces the old one.
    await api(keeper)({ method: 'POST', url: `/api/v1/inns/rooms/${room.id}/ical-import`, payload: { ics: writeCalendar('Ctrip', []) } });
    expect((await hold(buyer, room.id, d(61), d(62))).statusCode).toBe(201);
    expect((await api(keeper)({ method: 'POST', url: `/api/v1/inns/rooms/${room.id}/ical-import`, payload: { ics: 'hello' } })).statusCode).toBe(400);
    expect((await t.app.inject({ url: '/api/v1/inns/ical/not-a-real-token-000.ics' })).statusCode).toBe(404);
  });

  it('lets the innkeeper add rooms and seasonal rates; refuses bad input with the field named', async () => {
    const created = await api(keeper)({
      method: 'POST',
      url: `/api/v1/inns/${innId}/rooms`,
      payload: { name: '枕溪', type: 'double', capacity: 2, nightlyFen: 30_000, weekendFen: 36_000 },
    });
    expect(created.statusCode).toBe(201);
    const rate = await api(keeper)({
      method: 'POST',
      url: `/api/v1/inns/rooms/${created.json().id}/rates`,
      payload: { name: '国庆', startDate: '2027-10-01', endDate: '2027-10-08', nightlyFen: 58_800 },
    });
    expect(rate.statusCode).toBe(201);
    const avail = (await t.app.inject({ url: `/api/v1/inns/rooms/${created.json().id}/availability?from=2027-09-30&to=2027-10-02` })).json();
    expect(avail.nights.map((n: { fen: number }) => n.fen)).toEqual([30_000, 58_800]);
    const dup = await api(keeper)({ method: 'POST', url: `/api/v1/inns/${innId}/rooms`, payload: { name: '枕溪', type: 'double', capacity: 2, nightlyFen: 1 } });
    expect(dup.json().code).toBe('room_name_taken');
    const bad = await api(keeper)({ method: 'POST', url: `/api/v1/inns/${innId}/rooms`, payload: { name: 'x', type: 'palace', capacity: 2, nightlyFen: 1 } });
    expect(bad.statusCode).toBe(400);
    expect(bad.json().errors[0].field).toContain('type');
    expect((await api(buyer)({ method: 'POST', url: `/api/v1/inns/${innId}/rooms`, payload: { name: 'y', type: 'double', capacity: 2, nightlyFen: 1 } })).statusCode).toBe(403);
    const badDate = await hold(buyer, created.json().id, '2027-02-30', '2027-03-02');
    expect(badDate.statusCode).toBe(400);
    const tooMany = await hold(buyer, created.json().id, d(70), d(71), 3);
    expect(tooMany.json().field).toBe('body/guests');
    expect((await t.app.inject({ method: 'POST', url: '/api/v1/inns/bookings', payload: { roomId: created.json().id, checkIn: d(70), checkOut: d(71), guests: 1 } })).statusCode).toBe(401);
    const mine = (await api(keeper)({ url: '/api/v1/inns/mine' })).json();
    expect(mine.map((i: { id: string }) => i.id)).toEqual([innId]);
  });

  it('opens an inn for an organization of kind inn in its village; one inn per organization', async () => {
    const admin = await signIn(t.app, 'admin');
    const org = await api(admin)({ method: 'POST', url: '/api/v1/organizations', payload: { unitId: villageId, kind: 'inn', name: '杨家堂山居' } });
    expect(org.statusCode).toBe(201);
    const opened = await api(admin)({ method: 'POST', url: '/api/v1/inns', payload: { orgId: org.json().id, storyAfter: '新修的山居', fullRefundDays: 3, partialRefundDays: 1, partialRefundPercent: 30 } });
    expect(opened.statusCode).toBe(201);
    expect(opened.json()).toMatchObject({ name: '杨家堂山居', unitId: villageId, fullRefundDays: 3 });
    expect((await api(admin)({ method: 'POST', url: '/api/v1/inns', payload: { orgId: org.json().id } })).json().code).toBe('inn_exists');
    const coop = (await t.app.inject({ url: `/api/v1/organizations?unitId=${villageId}&kind=cooperative` })).json()[0];
    expect((await api(admin)({ method: 'POST', url: '/api/v1/inns', payload: { orgId: coop.id } })).json().field).toBe('body/orgId');
    // The innkeeper of another inn may not open or edit this one.
    expect((await api(keeper)({ method: 'PATCH', url: `/api/v1/inns/${opened.json().id}`, payload: { houseRules: 'x' } })).statusCode).toBe(403);
    const policy = await api(admin)({ method: 'PATCH', url: `/api/v1/inns/${opened.json().id}`, payload: { partialRefundDays: 5 } });
    expect(policy.json().field).toBe('body/partialRefundDays');
    const list = (await t.app.inject({ url: `/api/v1/inns?unitId=${villageId}` })).json();
    expect(list.map((i: { name: string }) => i.name)).toContain('杨家堂山居');
  });

  it('counts occupancy per month over the open room-nights, closures excluded', async () => {
    const room = roomsByName['晒秋'];
    at('2028-05-01T02:00:00Z');
    const h = await hold(buyer, room.id, '2028-05-10', '2028-05-13', 2);
    expect((await pay(buyer, h.json().id)).statusCode).toBe(200);
    await api(keeper)({ method: 'POST', url: `/api/v1/inns/rooms/${room.id}/closures`, payload: { checkIn: '2028-05-20', checkOut: '2028-05-22' } });
    const stats = (await api(keeper)({ url: `/api/v1/inns/${innId}/stats?year=2028` })).json();
    const may = stats.months.find((m: { month: string }) => m.month === '2028-05');
    const rooms = stats.rooms as number;
    expect(may.soldNights).toBe(3);
    expect(may.openNights).toBe(rooms * 31 - 2);
    expect(may.occupancy).toBeCloseTo(3 / (rooms * 31 - 2));
    expect(may.revenueFen).toBe(h.json().amountFen);
  });

  it('agrees with a simple model over random book / cancel / expire / pay sequences (fast-check)', async () => {
    const room = roomsByName['望山'];
    const start = addDays(base, 200);
    type Model = { id: string; from: number; to: number; status: 'held' | 'confirmed' | 'cancelled' | 'expired' }[];
    const command = fc.oneof(
      fc.record({ kind: fc.constant('book' as const), from: fc.integer({ min: 0, max: 9 }), len: fc.integer({ min: 1, max: 4 }) }),
      fc.record({ kind: fc.constantFrom('cancel' as const, 'expire' as const, 'pay' as const), pick: fc.nat() }),
    );
    await fc.assert(
      fc.asyncProperty(fc.array(command, { minLength: 1, maxLength: 14 }), async (commands) => {
        await t.db.db.delete(bookings).where(eq(bookings.roomId, room.id));
        const model: Model = [];
        const live = (b: Model[number]) => b.status === 'held' || b.status === 'confirmed';
        for (const c of commands) {
          if (c.kind === 'book') {
            const free = !model.some((b) => live(b) && b.from < c.from + c.len && c.from < b.to);
            const res = await hold(buyer, room.id, addDays(start, c.from), addDays(start, c.from + c.len));
            expect(res.statusCode).toBe(free ? 201 : 409);
            if (free) model.push({ id: res.json().id, from: c.from, to: c.from + c.len, status: 'held' });
            continue;
          }
          if (model.length === 0) continue;
          const b = model[c.pick % model.length];
          if (c.kind === 'cancel') {
            const res = await api(buyer)({ method: 'POST', url: `/api/v1/inns/bookings/${b.id}/cancel` });
            expect(res.statusCode).toBe(live(b) ? 200 : 409);
            if (live(b)) b.status = 'cancelled';
          } else if (c.kind === 'expire') {
            await t.db.db.update(bookings).set({ holdExpiresAt: new Date(Date.now() - 1000) }).where(eq(bookings.id, b.id));
            await expireHolds(t.db.db);
            if (b.status === 'held') b.status = 'expired';
          } else {
            const res = await pay(buyer, b.id);
            expect(res.statusCode).toBe(b.status === 'held' ? 200 : 409);
            if (b.status === 'held') b.status = 'confirmed';
          }
        }
        const rows = await t.db.db.select({ id: bookings.id, status: bookings.status }).from(bookings).where(eq(bookings.roomId, room.id));
        expect(Object.fromEntries(rows.map((r) => [r.id, r.status]))).toEqual(Object.fromEntries(model.map((b) => [b.id, b.status])));
      }),
      { numRuns: driver === 'pglite' ? 25 : 40 },
    );
  }, 180_000);
});
