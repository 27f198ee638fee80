import fc from 'fast-check';
import { sql } from 'drizzle-orm';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { queryRows } from '../db/handle.ts';
import { as, signIn, startTestApp, type Session, type TestApp } from '../../test/support/app.ts';
import { TEST_PASSWORD } from '../../test/support/constants.ts';
import { describeEachDriver } from '../../test/support/db.ts';
import { isWrite, operationsOf, publicTables, rowFingerprint, validValue } from '../../test/support/openapi.ts';

/**
 * Generated from the OpenAPI document: every write route, for every demo role and anonymously, aimed at a record
 * outside the role's scope (a village of another township, organizations none of the demo accounts belong to,
 * another buyer's order and booking): refused, and no row changes anywhere.
 */

/** Writes anyone may make on any record: they act on the caller's own account or create the caller's own records. */
const OPEN_TO_ALL = new Set([
  'POST /api/v1/auth/register',
  'POST /api/v1/auth/login',
  'POST /api/v1/auth/logout',
  'POST /api/v1/market/quote',
  'POST /api/v1/market/orders',
  'POST /api/v1/inns/bookings',
  'POST /api/v1/interventions/notifications/read',
  // Asking for an enrolment code by SMS for one's own account (answered alike whether or not the number is registered).
  'POST /api/v1/people/enrol/phone',
  // The caller's own notification centre, preferences and push subscriptions.
  'POST /api/v1/notifications/read-all',
  'PUT /api/v1/notifications/preferences',
  'POST /api/v1/notifications/push/subscriptions',
  'POST /api/v1/notifications/push/unsubscribe',
  // The caller's own language (for what is sent to them).
  'PATCH /api/v1/me',
]);

/** Routes whose scope is the whole county for a role granted on the county (no record of the county is outside it). */
const COUNTY_WIDE: Record<string, string> = {
  'POST /api/v1/logistics/requests': 'logistics',
  // The county's own no-fly zones and the county's paid orders: the logistics operator works on the whole county.
  'POST /api/v1/logistics/requests/from-market': 'logistics',
  'POST /api/v1/logistics/zones': 'logistics',
};

const ROLES = ['town', 'village', 'resident', 'producer', 'innkeeper', 'logistics', 'buyer'] as const;

/** The outside record a path parameter or a body field names, by the path segment or field name. */
const ENTITY_OF: Record<string, string> = {
  units: 'village',
  villages: 'village',
  villageId: 'village',
  villageIds: 'village',
  unitId: 'village',
  townshipId: 'township',
  organizations: 'coop',
  shops: 'coop',
  orgId: 'coop',
  users: 'user',
  grants: 'grant',
  buildings: 'building',
  buildingId: 'building',
  buildingIds: 'building',
  culture: 'culture',
  payments: 'payment',
  products: 'product',
  productId: 'product',
  variants: 'variant',
  variantId: 'variant',
  gardenId: 'garden',
  batches: 'batch',
  batchId: 'batch',
  orders: 'order',
  interventions: 'proposal',
  proposalId: 'proposal',
  needsId: 'proposal',
  comments: 'comment',
  parentId: 'comment',
  milestones: 'milestone',
  rounds: 'round',
  inns: 'inn',
  rooms: 'room',
  roomId: 'room',
  rates: 'rate',
  blocks: 'block',
  bookings: 'booking',
};

describeEachDriver('authorization, generated over every write route', (driver) => {
  let t: TestApp;
  let admin: Session;
  const outside: Record<string, string> = {};
  const sessions = new Map<string, Session | null>();

  const ok = async (res: Promise<{ statusCode: number; body: string; json: () => unknown }>, what: string) => {
    const r = await res;
    if (r.statusCode >= 300) throw new Error(`${what}: ${r.statusCode} ${r.body}`);
    return r.json() as Record<string, unknown>;
  };
  const one = async (query: ReturnType<typeof sql>) => (await queryRows<{ id: string }>(t.db.db, query))[0]?.id;

  beforeAll(async () => {
    t = await startTestApp(driver, { LOGIN_RATE_LIMIT_PER_MINUTE: '100000' }, { runJobs: false });
    admin = await signIn(t.app, 'admin');
    const api = as(t.app, admin);
    // A village of another township than the demo officials' (三都乡), with a building in the Atlas.
    outside.village = await one(sql`
      select v.id::text as id from admin_units v join admin_units t on t.id = v.parent_id
      where v.level = 'village' and t.name_zh <> '三都乡' and v.lon is not null
      order by (exists (select 1 from atlas_buildings b where b.village_id = v.id)) desc, v.id limit 1`);
    expect(outside.village).toBeTruthy();
    outside.township = await one(sql`select parent_id::text as id from admin_units where id = ${outside.village}`);
    outside.building = await one(sql`select id::text from atlas_buildings where village_id = ${outside.village} limit 1`);
    if (!outside.building) {
      const [at] = await queryRows<{ lon: number; lat: number }>(t.db.db, sql`select lon, lat from admin_units where id = ${outside.village}`);
      const geometry = { type: 'Point', coordinates: [at.lon, at.lat] };
      outside.building = (await ok(api({ method: 'POST', url: '/api/v1/atlas/buildings', payload: { villageId: outside.village, name: '外乡老屋', type: 'dwelling', geometry } }), 'building')).id as string;
    }
    outside.culture = (await one(sql`select asset_id::text as id from atlas_asset_villages where village_id = ${outside.village} limit 1`)) ?? '';

    outside.coop = (await ok(api({ method: 'POST', url: '/api/v1/organizations', payload: { unitId: outside.village, kind: 'cooperative', name: '外乡茶叶合作社' } }), 'coop')).id as string;
    const innOrg = (await ok(api({ method: 'POST', url: '/api/v1/organizations', payload: { unitId: outside.village, kind: 'inn', name: '外乡民宿' } }), 'inn org')).id as string;
    outside.product = (await ok(api({ method: 'POST', url: '/api/v1/market/products', payload: { orgId: outside.coop, kind: 'tea', name: '外乡红茶', variants: [{ label: '100g', priceFen: 5000, stock: 50 }] } }), 'product')).id as string;
    outside.variant = await one(sql`select id::text from market_variants where product_id = ${outside.product}`);
    outside.garden = (await ok(api({ method: 'POST', url: '/api/v1/market/gardens', payload: { orgId: outside.coop, villageId: outside.village, name: '外乡茶园' } }), 'garden')).id as string;
    outside.batch = (await ok(api({ method: 'POST', url: '/api/v1/market/batches', payload: { productId: outside.product, lot: 'OUT-2027-01', quantity: 100, gardenId: outside.garden } }), 'batch')).id as string;
    outside.inn = (await ok(api({ method: 'POST', url: '/api/v1/inns', payload: { orgId: innOrg, name: '外乡民宿' } }), 'inn')).id as string;
    outside.room = (await ok(api({ method: 'POST', url: `/api/v1/inns/${outside.inn}/rooms`, payload: { name: '一号房', type: 'double', capacity: 2, nightlyFen: 30000 } }), 'room')).id as string;
    outside.rate = (await ok(api({ method: 'POST', url: `/api/v1/inns/rooms/${outside.room}/rates`, payload: { startDate: '2027-05-01', endDate: '2027-05-10', nightlyFen: 40000 } }), 'rate')).id as string;
    outside.block = (await ok(api({ method: 'POST', url: `/api/v1/inns/rooms/${outside.room}/closures`, payload: { checkIn: '2027-06-01', checkOut: '2027-06-03' } }), 'closure')).id as string;
    outside.proposal = (await one(sql`select id::text from interventions where village_id = ${outside.village} and status <> 'draft' limit 1`)) ?? '';
    if (outside.proposal) outside.comment = (await ok(api({ method: 'POST', url: `/api/v1/interventions/${outside.proposal}/comments`, payload: { body: '外乡评论' } }), 'comment')).id as string;
    outside.milestone = (await one(sql`select m.id::text from intervention_milestones m join interventions i on i.id = m.intervention_id where i.village_id = ${outside.village} limit 1`)) ?? '';
    outside.round = (await ok(api({ method: 'POST', url: '/api/v1/interventions/rounds', payload: { name: '外乡轮次', budgetFen: 1_000_000, weights: { jobs: 1 } } }), 'round')).id as string;
    outside.user = (await ok(api({ method: 'POST', url: '/api/v1/users', payload: { username: 'outsider', displayName: '外乡干部', password: TEST_PASSWORD, grants: [{ role: 'village_official', unitId: outside.village }] } }), 'user')).id as string;
    outside.grant = await one(sql`select id::text from role_grants where user_id = ${outside.user}`);

    // Another buyer's order, payment and booking.
    await ok(t.app.inject({ method: 'POST', url: '/api/v1/auth/register', payload: { username: 'buyer_two', password: TEST_PASSWORD, displayName: '另一位买家' } }), 'buyer two');
    const buyerTwo = as(t.app, await signIn(t.app, 'buyer_two'));
    const address = { name: '李四', phone: '13900000000', province: '上海市', city: '上海市', detail: '某路1号' };
    outside.order = (await ok(buyerTwo({ method: 'POST', url: '/api/v1/market/orders', headers: { 'idempotency-key': 'outside-order-1' }, payload: { items: [{ variantId: outside.variant, qty: 1 }], address } }), 'order')).id as string;
    await ok(buyerTwo({ method: 'POST', url: `/api/v1/market/orders/${outside.order}/pay` }), 'pay');
    outside.payment = await one(sql`select id::text from payments order by id desc limit 1`);
    outside.booking = (await ok(buyerTwo({ method: 'POST', url: '/api/v1/inns/bookings', payload: { roomId: outside.room, checkIn: '2027-07-01', checkOut: '2027-07-03', guests: 2 } }), 'booking')).id as string;

    sessions.set('anonymous', null);
    for (const role of ROLES) sessions.set(role, await signIn(t.app, role));
  });
  afterAll(() => t?.close());

  const idFor = (name: string) => {
    const entity = ENTITY_OF[name];
    return entity && outside[entity] ? outside[entity] : '01a22c62-f85f-7000-8000-00000000dead';
  };

  it('refuses every write route to every demo role and anonymously when aimed outside their scope, changing nothing', { timeout: 600_000 }, async () => {
    const ops = operationsOf((await t.app.inject({ url: '/api/docs/json' })).json()).filter((op) => isWrite(op) && !OPEN_TO_ALL.has(`${op.method} ${op.path}`));
    expect(ops.length).toBeGreaterThan(50);
    const names = await publicTables(t.db.db);
    const failures: string[] = [];
    const reasons = new Map<number, number>();
    for (const [index, op] of ops.entries()) {
      const route = `${op.method} ${op.path}`;
      const segments = op.path.split('/');
      const url = op.pathParams.reduce((u, p) => {
        const segment = segments[segments.indexOf(`{${p.name}}`) - 1];
        return u.replace(`{${p.name}}`, p.name === 'action' ? 'cancel' : p.name === 'provider' ? 'sandbox' : idFor(segment));
      }, op.path);
      const bodies = op.body ? fc.sample(validValue(op.body, (field) => fc.constant(idFor(field))), { numRuns: 2, seed: 29 + index }) : [undefined];
      for (const [who, session] of sessions) {
        if (COUNTY_WIDE[`${op.method} ${op.path}`] === who) continue;
        for (const body of bodies) {
          const before = await rowFingerprint(t.db.db, names);
          const res = await as(t.app, session)({ method: op.method, url, ...(body === undefined ? {} : { payload: body as object }) });
          reasons.set(res.statusCode, (reasons.get(res.statusCode) ?? 0) + 1);
          const shown = `${route} as ${who} → ${res.statusCode} ${res.body.slice(0, 160)} ← ${JSON.stringify(body)?.slice(0, 160)}`;
          if (res.statusCode < 400 || res.statusCode >= 500) failures.push(`not refused: ${shown}`);
          else {
            const after = await rowFingerprint(t.db.db, names);
            if (after !== before) {
              const was = new Map((JSON.parse(before) as { t: string; n: string; x: string }[]).map((r) => [r.t, `${r.n}/${r.x}`]));
              const changed = (JSON.parse(after) as { t: string; n: string; x: string }[]).filter((r) => was.get(r.t) !== `${r.n}/${r.x}`).map((r) => r.t);
              failures.push(`refused but changed rows (${changed.join(', ')}): ${shown}`);
            }
          }
        }
      }
    }
    console.log(`authorization [${driver}]: ${ops.length} write routes × ${sessions.size} identities; answers ${JSON.stringify(Object.fromEntries([...reasons].sort((a, b) => a[0] - b[0])))}`);
    if (failures.length) console.error(failures.join("\n"));
    expect(failures).toEqual([]);
    // Most refusals are the permission check itself (401, 403, or 404 where the record is hidden), not validation.
    const authz = (reasons.get(401) ?? 0) + (reasons.get(403) ?? 0) + (reasons.get(404) ?? 0);
    expect(authz / [...reasons.values()].reduce((a, b) => a + b, 0)).toBeGreaterThan(0.6);
  });
});
