/**
 * Booking benchmark (not a test), on PostgreSQL:
 *  - holds per second through the inns service (transaction, room lock, exclusion constraint, audit row),
 *    without contention (every hold a different room) and with contention (every hold on the same few rooms
 *    and nights: one wins, the rest are refused), against a baseline of plain one-row insert transactions
 *    made by the same workers in the same run;
 *  - availability search p50/p99 over 1,000 inns × 10 rooms with bookings across 365 days, against a
 *    baseline of primary-key lookups in the same run.
 *
 *   npm run bench:booking [-- --url postgres://postgres@127.0.0.1:5432/postgres --inns 1000 --holds 2000 --searches 400]
 */
import { performance } from 'node:perf_hooks';
import { sql } from 'drizzle-orm';
import pg from 'pg';
import { uuidv7 } from 'uuidv7';
import { openDatabase, queryRows, type Db } from '../src/db/handle.ts';
import { migrateAll, seedDemoCounty } from '../src/start.ts';
import type { Actor } from '../src/modules/governance/permissions.ts';
import { addDays, hotelDate } from '../src/modules/inns/dates.ts';
import { holdBooking, search } from '../src/modules/inns/service.ts';
import { Problem } from '../src/server/problems.ts';
import { withDatabase } from '../test/support/urls.ts';

function arg(name: string, fallback: string): string {
  const i = process.argv.indexOf(`--${name}`);
  return i >= 0 ? process.argv[i + 1] : fallback;
}
const BASE_URL = arg('url', process.env.BENCH_DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/postgres');
const INNS = Number(arg('inns', '1000'));
const ROOMS_PER_INN = 10;
const HOLDS = Number(arg('holds', '2000'));
const SEARCHES = Number(arg('searches', '400'));
const WORKERS = Number(arg('workers', '16'));

const log = (s: string) => process.stdout.write(`${s}\n`);
const pct = (xs: number[], p: number) => {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.min(s.length - 1, Math.floor((p / 100) * s.length))];
};
const ms = (x: number) => `${x.toFixed(2)} ms`;

/** Runs `n` jobs on `workers` concurrent loops; answers jobs per second. */
async function throughput(n: number, workers: number, job: (i: number) => Promise<void>): Promise<{ perSecond: number; seconds: number }> {
  let next = 0;
  const t0 = performance.now();
  await Promise.all(
    Array.from({ length: workers }, async () => {
      for (let i = next++; i < n; i = next++) await job(i);
    }),
  );
  const seconds = (performance.now() - t0) / 1000;
  return { perSecond: n / seconds, seconds };
}

async function populate(db: Db, countyId: string, guestId: string) {
  const villages = await queryRows<{ id: string }>(db, sql`select id from admin_units where level = 'village' order by id`);
  const t0 = performance.now();
  await db.execute(sql`
    insert into organizations (id, county_id, unit_id, kind, name)
    select gen_random_uuid(), ${countyId}, (array(select id from admin_units where level = 'village' order by id))[1 + (g % ${villages.length})], 'inn', 'Bench inn ' || g
    from generate_series(1, ${INNS}) g`);
  await db.execute(sql`
    insert into inns (id, county_id, org_id, unit_id, name)
    select gen_random_uuid(), o.county_id, o.id, o.unit_id, o.name from organizations o where o.name like 'Bench inn %'`);
  await db.execute(sql`
    insert into inn_rooms (id, county_id, inn_id, name, type, capacity, nightly_fen, weekend_fen, ical_token)
    select gen_random_uuid(), i.county_id, i.id, 'Room ' || r, 'double', 1 + (r % 4), 20000 + 1000 * r, 26000 + 1000 * r, md5(random()::text || i.id::text || r)
    from inns i, generate_series(1, ${ROOMS_PER_INN}) r where i.name like 'Bench inn %'`);
  // Stays of 1–3 nights starting every 4th day over the year (about 55% of starts taken), leaving the last 30 days free.
  const today = hotelDate(new Date());
  await db.execute(sql`
    insert into inn_bookings (id, county_id, inn_id, room_id, guest_id, check_in, check_out, guests, status, amount_fen, confirmed_at)
    select gen_random_uuid(), r.county_id, r.inn_id, r.id, ${guestId}, ${today}::date + g, ${today}::date + g + 1 + (abs(hashtext(r.id::text || g)) % 3), 1,
           'confirmed', r.nightly_fen * 2, now()
    from inn_rooms r, generate_series(0, 332, 4) g
    where abs(hashtext(r.id::text || 'x' || g)) % 100 < 55`);
  await db.execute(sql`analyze`);
  const [{ n }] = await queryRows<{ n: number }>(db, sql`select count(*)::int as n from inn_bookings`);
  log(`populated ${INNS} inns × ${ROOMS_PER_INN} rooms, ${n} bookings over 365 days in ${((performance.now() - t0) / 1000).toFixed(1)} s`);
  return today;
}

async function main() {
  const name = `terrace_bench_booking_${process.pid}`;
  const admin = new pg.Client({ connectionString: BASE_URL });
  await admin.connect();
  await admin.query(`drop database if exists "${name}" with (force)`);
  await admin.query(`create database "${name}"`);
  const handle = await openDatabase({ databaseUrl: withDatabase(BASE_URL, name), poolSize: WORKERS + 2 });
  try {
    const [{ version }] = await queryRows<{ version: string }>(handle.db, sql`select version()`);
    log(`PostgreSQL: ${version.split(',')[0]}; ${WORKERS} concurrent workers; Node ${process.version}`);
    await migrateAll(handle);
    await seedDemoCounty(handle.db, { password: 'bench-password' });
    const db = handle.db;
    const [buyer] = await queryRows<{ id: string; county_id: string; display_name: string }>(
      db,
      sql`select id, county_id, display_name from users where username = 'buyer'`,
    );
    const actor: Actor = { id: buyer.id, username: 'buyer', displayName: buyer.display_name, countyId: buyer.county_id, locale: 'zh-CN', grants: [] };
    const today = await populate(db, buyer.county_id, buyer.id);
    const roomIds = (await queryRows<{ id: string }>(db, sql`select r.id from inn_rooms r join inns i on i.id = r.inn_id where i.name like 'Bench inn %' order by r.id`)).map((r) => r.id);
    const free = addDays(today, 340);

    // Baseline: the same workers, one-row insert transactions into a table without the constraint.
    await db.execute(sql`create table bench_plain (id uuid primary key, room_id uuid not null, check_in date not null, check_out date not null, status text not null)`);
    const plain = await throughput(HOLDS, WORKERS, async (i) => {
      await db.transaction(async (tx) => {
        await tx.execute(sql`insert into bench_plain values (${uuidv7()}, ${roomIds[i % roomIds.length]}, ${free}, ${addDays(free, 1)}, 'held')`);
      });
    });
    log(`baseline: plain one-row insert transactions        ${plain.perSecond.toFixed(0).padStart(7)} /s`);

    // No contention: every hold is a different room (one night in the free month).
    let refusedFree = 0;
    const noContention = await throughput(HOLDS, WORKERS, async (i) => {
      try {
        await holdBooking(db, actor, { roomId: roomIds[i % roomIds.length], checkIn: addDays(free, Math.floor(i / roomIds.length) * 2), checkOut: addDays(free, Math.floor(i / roomIds.length) * 2 + 1), guests: 1 });
      } catch (error) {
        if (error instanceof Problem && error.status === 409) refusedFree++;
        else throw error;
      }
    });
    log(`holds, no contention (distinct rooms)             ${noContention.perSecond.toFixed(0).padStart(7)} /s  = ${(noContention.perSecond / plain.perSecond).toFixed(2)} × baseline  (${refusedFree} refused)`);

    // Contention: every attempt overlaps the others on the same 4 rooms; exactly one per room may win.
    const hot = roomIds.slice(0, 4);
    let won = 0;
    let refused = 0;
    const contention = await throughput(HOLDS, WORKERS, async (i) => {
      try {
        await holdBooking(db, actor, { roomId: hot[i % hot.length], checkIn: addDays(free, 20 + (i % 3)), checkOut: addDays(free, 23 + (i % 3)), guests: 1 });
        won++;
      } catch (error) {
        if (error instanceof Problem && error.status === 409) refused++;
        else throw error;
      }
    });
    log(`attempts, contention (4 rooms, overlapping nights) ${contention.perSecond.toFixed(0).padStart(7)} /s  = ${(contention.perSecond / plain.perSecond).toFixed(2)} × baseline  (${won} won, ${refused} got 409)`);
    if (won !== hot.length) throw new Error(`expected exactly ${hot.length} winners, got ${won}`);

    // Availability search: a random village, 1–3 nights somewhere in the year, 2 guests.
    const villages = (await queryRows<{ id: string }>(db, sql`select distinct unit_id as id from inns`)).map((r) => r.id);
    const innIds = (await queryRows<{ id: string }>(db, sql`select id from inns`)).map((r) => r.id);
    let seed = 7;
    const rand = (n: number) => {
      seed = (seed * 1_103_515_245 + 12_345) % 2 ** 31;
      return seed % n;
    };
    const lookups: number[] = [];
    for (let i = 0; i < SEARCHES; i++) {
      const t0 = performance.now();
      await queryRows(db, sql`select * from inns where id = ${innIds[rand(innIds.length)]}`);
      lookups.push(performance.now() - t0);
    }
    const times: number[] = [];
    let found = 0;
    for (let i = 0; i < SEARCHES; i++) {
      const checkIn = addDays(today, 1 + rand(330));
      const t0 = performance.now();
      const result = await search(db, { unitId: villages[rand(villages.length)], checkIn, checkOut: addDays(checkIn, 1 + rand(3)), guests: 2 });
      times.push(performance.now() - t0);
      found += result.inns.reduce((s, x) => s + x.rooms.length, 0);
    }
    const countyWide: number[] = [];
    for (let i = 0; i < Math.min(100, SEARCHES); i++) {
      const checkIn = addDays(today, 1 + rand(330));
      const t0 = performance.now();
      await search(db, { checkIn, checkOut: addDays(checkIn, 2), guests: 2, limit: 500 });
      countyWide.push(performance.now() - t0);
    }
    log(`baseline: primary-key lookup                      p50 ${ms(pct(lookups, 50))}  p99 ${ms(pct(lookups, 99))}`);
    log(
      `search, one village (~${Math.round((INNS * ROOMS_PER_INN) / villages.length)} rooms)        p50 ${ms(pct(times, 50))}  p99 ${ms(pct(times, 99))}  = ${(pct(times, 50) / pct(lookups, 50)).toFixed(1)} × / ${(pct(times, 99) / pct(lookups, 99)).toFixed(1)} × baseline  (${(found / SEARCHES).toFixed(0)} free rooms on average)`,
    );
    log(`search, whole county (first 500 free rooms)       p50 ${ms(pct(countyWide, 50))}  p99 ${ms(pct(countyWide, 99))}`);
  } finally {
    await handle.close();
    await admin.query(`drop database if exists "${name}" with (force)`);
    await admin.end();
  }
}

await main();
