// A database created before the schema was keyed by county (the migrations up to a9ae8df, with rows of every kind
// written in that schema) upgrades in place: the county keys' migrations fill county_id from each row's parent and
// leave nothing behind.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { sql } from 'drizzle-orm';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { MODULES } from '../modules.ts';
import { migrationSets } from '../server/module.ts';
import { describeEachDriver, emptyDatabase, type TestDatabase } from '../../test/support/db.ts';
import { distributionProblems } from './distribution.ts';
import { migrateDatabase, queryRows, type DbHandle } from './handle.ts';

type Journal = { entries: { tag: string; when: number }[] };
const journalOf = (folder: string) => path.join(folder, 'meta', '_journal.json');

/**
 * The modules' migration folders as they were before the county keys: every journal cut before the first
 * `*_county_keys` migration (by time, so modules added since are left out too).
 */
function foldersBeforeCountyKeys(dir: string) {
  const sets = migrationSets(MODULES);
  const journals = sets.map((set) => JSON.parse(fs.readFileSync(journalOf(set.folder), 'utf8')) as Journal);
  const cutoff = Math.min(...journals.flatMap((j) => j.entries.filter((e) => e.tag.endsWith('_county_keys')).map((e) => e.when)));
  return sets.map((set, i) => {
    const folder = path.join(dir, set.name);
    fs.cpSync(set.folder, folder, { recursive: true });
    fs.writeFileSync(journalOf(folder), JSON.stringify({ ...journals[i], entries: journals[i].entries.filter((e) => e.when < cutoff) }));
    return { ...set, folder };
  });
}

const u = (n: number) => `00000000-0000-7000-8000-${String(n).padStart(12, '0')}`;
const [C1, T1, V1, C2] = [u(1), u(2), u(3), u(4)];
const [U1, U2, ORG, INN_ORG] = [u(10), u(11), u(12), u(13)];
const [PRODUCT, VARIANT, GARDEN, BATCH, DOC, ORDER_HERE, ORDER_FAR, PAYMENT] = [u(20), u(21), u(22), u(23), u(24), u(25), u(26), u(27)];
const [BUILDING, ASSET, INTERVENTION, COMMENT, INN, ROOM, BOOKING] = [u(30), u(31), u(40), u(41), u(50), u(51), u(52)];
const POINT = `{"type":"Point","coordinates":[119.5,28.5]}`;

/** Rows of every kind, in the schema as it was: a second county's buyer has an order with the first county's producer. */
const OLD_ROWS = `
insert into admin_units (id, county_id, parent_id, level, path, name_zh) values
  ('${C1}', null, null, 'county', array['${C1}']::uuid[], '一县'),
  ('${T1}', '${C1}', '${C1}', 'township', array['${C1}', '${T1}']::uuid[], '一镇'),
  ('${V1}', '${C1}', '${T1}', 'village', array['${C1}', '${T1}', '${V1}']::uuid[], '一村'),
  ('${C2}', null, null, 'county', array['${C2}']::uuid[], '二县');
insert into users (id, county_id, username, display_name, password_hash) values
  ('${U1}', '${C1}', 'u1', '甲', 'x'), ('${U2}', '${C2}', 'u2', '乙', 'x');
insert into organizations (id, county_id, unit_id, kind, name) values
  ('${ORG}', '${C1}', '${V1}', 'cooperative', '合作社'), ('${INN_ORG}', '${C1}', '${V1}', 'inn', '民宿');
insert into market_shops (org_id, county_id) values ('${ORG}', '${C1}');
insert into market_gardens (id, county_id, org_id, village_id, name) values ('${GARDEN}', '${C1}', '${ORG}', '${V1}', '茶园');
insert into market_products (id, county_id, org_id, kind, name, gtin) values ('${PRODUCT}', '${C1}', '${ORG}', 'tea', '银猴', '06901234567892');
insert into market_variants (id, product_id, label, price_fen, stock) values ('${VARIANT}', '${PRODUCT}', '250g', 10000, 5);
insert into market_product_photos (id, county_id, product_id, storage_key, thumb_key, content_type, bytes, width, height)
  values ('${u(28)}', '${C1}', '${PRODUCT}', 'k', 't', 'image/png', 1, 1, 1);
insert into market_batches (id, county_id, org_id, product_id, garden_id, lot, quantity) values ('${BATCH}', '${C1}', '${ORG}', '${PRODUCT}', '${GARDEN}', 'L1', 10);
insert into market_trace_documents (id, county_id, batch_id, title, storage_key, content_type, bytes, sha256)
  values ('${DOC}', '${C1}', '${BATCH}', '检测', 'k', 'application/pdf', 1, '${'0'.repeat(64)}');
insert into market_trace_events (id, batch_id, seq, kind, occurred_at, document_id, prev_hash, hash)
  values ('${u(29)}', '${BATCH}', 1, 'inspection', now(), '${DOC}', '${'0'.repeat(64)}', '${'1'.repeat(64)}');
insert into market_orders (id, county_id, buyer_id, org_id, idempotency_key, status, subtotal_fen, shipping_fen, total_fen, address, reserved_until) values
  ('${ORDER_HERE}', '${C1}', '${U1}', '${ORG}', 'k1', 'pending', 10000, 0, 10000, '{}', now() + interval '1 hour'),
  ('${ORDER_FAR}', '${C2}', '${U2}', '${ORG}', 'k2', 'paid', 10000, 0, 10000, '{}', now());
insert into market_order_items (id, order_id, variant_id, batch_id, product_name, variant_label, qty, unit_price_fen, line_fen) values
  ('${u(60)}', '${ORDER_HERE}', '${VARIANT}', '${BATCH}', '银猴', '250g', 1, 10000, 10000),
  ('${u(61)}', '${ORDER_FAR}', '${VARIANT}', '${BATCH}', '银猴', '250g', 1, 10000, 10000);
insert into market_reservations (id, order_id, variant_id, qty, status, expires_at) values
  ('${u(62)}', '${ORDER_HERE}', '${VARIANT}', 1, 'held', now() + interval '1 hour'), ('${u(63)}', '${ORDER_FAR}', '${VARIANT}', 1, 'sold', now());
insert into payments (id, county_id, purpose, reference_id, payer_id, amount_fen, refunded_fen, description, provider, provider_reference, status)
  values ('${PAYMENT}', '${C2}', 'order', '${ORDER_FAR}', '${U2}', 10000, 100, '银猴', 'sandbox', 'sbx_1', 'paid');
update market_orders set payment_id = '${PAYMENT}' where id = '${ORDER_FAR}';
insert into payment_callbacks (id, payment_id, provider, nonce, outcome, applied) values ('${u(64)}', '${PAYMENT}', 'sandbox', 'n1', 'succeeded', true);
insert into payment_refunds (id, payment_id, amount_fen, reason) values ('${u(65)}', '${PAYMENT}', 100, '少寄');
insert into payment_sandbox_outcomes (payment_id, provider_reference, outcome, transaction_reference, nonce) values ('${PAYMENT}', 'sbx_1', 'succeeded', 't1', 'n1');
insert into atlas_village_profiles (unit_id, county_id) values ('${V1}', '${C1}');
insert into atlas_buildings (id, county_id, village_id, name, type, geometry, lon, lat, min_lon, min_lat, max_lon, max_lat)
  values ('${BUILDING}', '${C1}', '${V1}', '祠堂', 'ancestral_hall', '${POINT}', 119.5, 28.5, 119.5, 28.5, 119.5, 28.5);
insert into atlas_condition_assessments (id, county_id, building_id, grade, assessed_on, assessor) values ('${u(32)}', '${C1}', '${BUILDING}', 3, '2026-01-01', '张');
insert into atlas_cultural_assets (id, county_id, village_id, kind, name) values ('${ASSET}', '${C1}', '${V1}', 'festival', '祭祖');
insert into atlas_asset_villages (asset_id, village_id) values ('${ASSET}', '${V1}');
insert into atlas_asset_buildings (asset_id, building_id) values ('${ASSET}', '${BUILDING}');
insert into atlas_photos (id, county_id, village_id, building_id, storage_key, thumb_key, content_type, bytes, width, height)
  values ('${u(33)}', '${C1}', '${V1}', '${BUILDING}', 'k', 't', 'image/png', 1, 1, 1);
insert into interventions (id, county_id, township_id, village_id, proposer_id, title, type, changes, cost_fen, fund_county_fen, duration_months, outcomes, status)
  values ('${INTERVENTION}', '${C1}', '${T1}', '${V1}', '${U1}', '修缮', 'restoration', '{}', 100, 100, 6, '{}', 'in_progress');
insert into intervention_transitions (id, intervention_id, from_status, to_status) values ('${u(42)}', '${INTERVENTION}', 'draft', 'submitted');
insert into intervention_votes (id, intervention_id, user_id, village_id, stance) values ('${u(43)}', '${INTERVENTION}', '${U1}', '${V1}', 'support');
insert into intervention_comments (id, intervention_id, author_id, body) values ('${COMMENT}', '${INTERVENTION}', '${U1}', '好');
insert into intervention_comments (id, intervention_id, parent_id, author_id, body) values ('${u(44)}', '${INTERVENTION}', '${COMMENT}', '${U2}', '同意');
insert into intervention_notifications (id, county_id, intervention_id, user_id, kind, status) values ('${u(45)}', '${C1}', '${INTERVENTION}', '${U1}', 'submit', 'submitted');
insert into intervention_notification_reads (user_id, read_until) values ('${U1}', now());
insert into intervention_milestones (id, intervention_id, title, due_on) values ('${u(46)}', '${INTERVENTION}', '加固', '2026-06-01');
insert into intervention_spend (id, intervention_id, amount_fen, spent_on) values ('${u(47)}', '${INTERVENTION}', 50, '2026-02-01');
insert into intervention_files (id, county_id, intervention_id, kind, phase, storage_key, content_type, bytes)
  values ('${u(48)}', '${C1}', '${INTERVENTION}', 'drawing', 'proposal', 'k', 'application/pdf', 1);
insert into intervention_budget_rounds (id, county_id, name, budget_fen, params) values ('${u(49)}', '${C1}', '2026', 1000, '{}');
insert into inns (id, county_id, org_id, unit_id, name) values ('${INN}', '${C1}', '${INN_ORG}', '${V1}', '山居');
insert into inn_rooms (id, county_id, inn_id, name, type, capacity, nightly_fen, ical_token) values ('${ROOM}', '${C1}', '${INN}', '一号', 'double', 2, 30000, 'tok');
insert into inn_seasonal_rates (id, county_id, room_id, start_date, end_date, nightly_fen) values ('${u(53)}', '${C1}', '${ROOM}', '2026-05-01', '2026-05-06', 40000);
insert into inn_bookings (id, county_id, inn_id, room_id, guest_id, check_in, check_out, status, amount_fen)
  values ('${BOOKING}', '${C1}', '${INN}', '${ROOM}', '${U2}', '2026-03-01', '2026-03-03', 'completed', 60000);
insert into inn_reviews (id, county_id, inn_id, booking_id, guest_id, rating) values ('${u(54)}', '${C1}', '${INN}', '${BOOKING}', '${U2}', 5);
insert into inn_photos (id, county_id, inn_id, room_id, storage_key, thumb_key, content_type, bytes, width, height)
  values ('${u(55)}', '${C1}', '${INN}', '${ROOM}', 'k', 't', 'image/png', 1, 1, 1);
`;

const tableCounts = async (h: DbHandle) => {
  const tables = await queryRows<{ t: string }>(h.db, sql`select tablename as t from pg_tables where schemaname = 'public' order by 1`);
  const counts: Record<string, number> = {};
  for (const { t } of tables) counts[t] = (await queryRows<{ n: number }>(h.db, sql`select count(*)::int as n from ${sql.identifier(t)}`))[0].n;
  return counts;
};

describeEachDriver('upgrading a database keyed before the counties', (driver) => {
  let h: TestDatabase;
  let dir: string;
  let before: Record<string, number>;
  beforeAll(async () => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'terrace-upgrade-'));
    h = await emptyDatabase(driver);
    await migrateDatabase(h, foldersBeforeCountyKeys(dir));
    for (const statement of OLD_ROWS.split(/;\n/).filter((q) => q.trim())) await h.db.execute(sql.raw(statement));
    before = await tableCounts(h);
    await migrateDatabase(h, migrationSets(MODULES));
  });
  afterAll(async () => {
    await h?.dispose();
    if (dir) fs.rmSync(dir, { recursive: true, force: true });
  });

  it('keeps every row, and the schema is keyed by county throughout', async () => {
    const after = await tableCounts(h);
    // Every table that was there keeps its rows; tables that modules added since start empty.
    expect(Object.fromEntries(Object.keys(before).map((t) => [t, after[t]]))).toEqual(before);
    expect(Object.entries(after).filter(([t, n]) => !(t in before) && n !== 0)).toEqual([]);
    expect(before.market_order_items).toBe(2);
    expect(await distributionProblems(h.db)).toEqual([]);
  });

  it("gives each child row its parent's county, and moves a far buyer's order to its producer's county", async () => {
    const county = async (table: string) =>
      (await queryRows<{ c: string }>(h.db, sql`select distinct county_id as c from ${sql.identifier(table)} order by 1`)).map((r) => r.c);
    for (const table of ['market_variants', 'market_trace_events', 'market_orders', 'market_order_items', 'market_reservations']) expect(await county(table), table).toEqual([C1]);
    // The payment stays where it was made; its rows follow it.
    for (const table of ['payments', 'payment_callbacks', 'payment_refunds', 'payment_sandbox_outcomes']) expect(await county(table), table).toEqual([C2]);
    for (const table of ['atlas_asset_villages', 'atlas_asset_buildings', 'atlas_map_cells']) expect(await county(table), table).toEqual([C1]);
    for (const table of ['intervention_transitions', 'intervention_votes', 'intervention_comments', 'intervention_milestones', 'intervention_spend']) {
      expect(await county(table), table).toEqual([C1]);
    }
    expect(await county('intervention_notification_reads')).toEqual([C1]);
  });

  it('keeps the invariants the old keys held, now within the county', async () => {
    // No two active bookings of a room overlap.
    await expect(
      h.db.execute(sql`insert into inn_bookings (id, county_id, inn_id, room_id, guest_id, check_in, check_out, status, amount_fen)
        values (${u(99)}, ${C1}, ${INN}, ${ROOM}, ${U1}, '2026-03-02', '2026-03-04', 'confirmed', 30000)`),
    ).rejects.toThrow();
    // A child row cannot name a parent of another county.
    await expect(
      h.db.execute(sql`insert into market_order_items (id, county_id, order_id, variant_id, product_name, variant_label, qty, unit_price_fen, line_fen)
        values (${u(98)}, ${C2}, ${ORDER_HERE}, ${VARIANT}, '银猴', '250g', 1, 10000, 10000)`),
    ).rejects.toThrow();
    // The trace stays append-only.
    await expect(h.db.execute(sql`update market_trace_events set notes = 'x'`)).rejects.toThrow();
    // Checkout's pricing answers the producer's county.
    const [line] = await queryRows<{ county_id: string; line_fen: number }>(h.db, sql`select * from market_price_cart(array[${VARIANT}]::uuid[], array[2]::int[], false)`);
    expect(line).toMatchObject({ county_id: C1, line_fen: 20000 });
  });
});
