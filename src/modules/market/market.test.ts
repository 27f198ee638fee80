import { randomUUID } from 'node:crypto';
import { sql } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { queryRows } from '../../db/handle.ts';
import { as, signIn, startTestApp, type Session, type TestApp } from '../../../test/support/app.ts';
import { describeEachDriver } from '../../../test/support/db.ts';
import { signSandboxCallback } from '../payments/index.ts';
import { getPaymentRecord, sandboxSecret } from '../payments/index.ts';
import { DEMO_GTIN, DEMO_LOT } from './seed.ts';
import { sweepExpiredReservations } from './service.ts';
import { canonicalJson, demoGtin, eventHash, GENESIS_HASH, isValidGtin, verifyChain } from './trace.ts';

const ADDRESS = { name: '王小明', phone: '13800001234', province: '上海市', city: '上海市', detail: '徐汇区漕溪北路 88 号' };

describe('trace helpers', () => {
  it('hash chains detect an edited, removed or reordered event', () => {
    const base = { batchId: 'b', operator: 'op', notes: 'n', documentTitle: null, documentUrl: null };
    const events: Parameters<typeof verifyChain>[0] = [];
    let prev = GENESIS_HASH;
    for (let seq = 1; seq <= 4; seq++) {
      const e = { ...base, seq, kind: 'drying', occurredAt: new Date(Date.UTC(2026, 2, seq)) };
      const hash = eventHash(prev, e);
      events.push({ ...e, prevHash: prev, hash });
      prev = hash;
    }
    expect(verifyChain(events, prev, 4)).toMatchObject({ valid: true, brokenAtSeq: null });
    expect(verifyChain(events.map((e) => (e.seq === 2 ? { ...e, notes: '改过' } : e)), prev, 4)).toMatchObject({ valid: false, brokenAtSeq: 2 });
    expect(verifyChain(events.filter((e) => e.seq !== 4), prev, 4).valid).toBe(false);
    expect(verifyChain(events.filter((e) => e.seq !== 2), prev, 4)).toMatchObject({ valid: false, brokenAtSeq: 3 });
  });

  it('canonical JSON sorts keys; GTINs carry a valid check digit', () => {
    expect(canonicalJson({ b: 1, a: { d: [2, { f: 1, e: 0 }], c: null } })).toBe('{"a":{"c":null,"d":[2,{"e":0,"f":1}]},"b":1}');
    expect(isValidGtin('09506000134352')).toBe(true);
    expect(isValidGtin('09506000134353')).toBe(false);
    expect(isValidGtin(demoGtin(1))).toBe(true);
  });
});

describeEachDriver('market', (driver) => {
  let t: TestApp;
  let buyer: Session;
  let resident: Session;
  let producer: Session;
  let admin: Session;
  let coopId: string;
  let products: { id: string; name: string; kind: string }[];

  beforeAll(async () => {
    t = await startTestApp(driver);
    [buyer, resident, producer, admin] = await Promise.all(['buyer', 'resident', 'producer', 'admin'].map((u) => signIn(t.app, u)));
    const list = await t.app.inject({ method: 'GET', url: '/api/v1/market/products' });
    products = list.json().items;
    coopId = (products[0] as unknown as { orgId: string }).orgId;
  });
  afterAll(async () => {
    await t?.close();
  });

  const get = (s: Session | null, url: string) => as(t.app, s)({ method: 'GET', url: `/api/v1${url}` });
  const post = (s: Session | null, url: string, payload?: unknown, headers: Record<string, string> = {}) =>
    as(t.app, s)({ method: 'POST', url: `/api/v1${url}`, payload: payload as object, headers });
  const variantsOf = async (name: string) => {
    const p = products.find((x) => x.name === name)!;
    return (await get(null, `/market/products/${p.id}`)).json().variants as { id: string; label: string; priceFen: number; stock: number }[];
  };
  const stockOf = async (variantId: string) =>
    (await queryRows<{ stock: number }>(t.db.db, sql`select stock from market_variants where id = ${variantId}`))[0].stock;
  const order = (s: Session, items: { variantId: string; qty: number }[], key = randomUUID(), address = ADDRESS) =>
    post(s, '/market/orders', { items, address }, { 'idempotency-key': key });
  const payInSandbox = async (s: Session, orderId: string) => {
    const started = await post(s, `/market/orders/${orderId}/pay`);
    expect(started.statusCode).toBe(200);
    const res = await post(s, `/payments/${started.json().paymentId}/sandbox`, { outcome: 'succeeded' });
    expect(res.statusCode).toBe(200);
    return { paymentId: started.json().paymentId as string, callback: res.json() };
  };

  it('lists the seeded catalogue, searches and filters it, and shows a product with variants and its batch', async () => {
    // The tea cooperative of 杨家堂村 (三都乡), and the herbal-tea cooperative of 山下阳村 (古市镇).
    expect(products.map((p) => p.name)).toEqual(['松阳银猴 特级 明前', '松阳香茶 一级 雨前', '竹编茶叶罐', '松阳端午茶 草本拼配']);
    expect((await get(null, `/market/products/${products[3].id}`)).json()).toMatchObject({ producer: '山下阳端午茶合作社', village: '山下阳村' });
    expect((await get(null, '/market/products?q=银猴')).json().items).toHaveLength(1);
    expect((await get(null, '/market/products?kind=craft')).json().items.map((p: { name: string }) => p.name)).toEqual(['竹编茶叶罐']);
    expect((await get(null, '/market/products?season=明前')).json().items).toHaveLength(1);
    const p = (await get(null, `/market/products/${products[0].id}`)).json();
    expect(p).toMatchObject({ producer: '杨家堂银猴茶叶专业合作社', village: '杨家堂村', variety: '松阳银猴', grade: '特级', season: '明前', gtin: DEMO_GTIN });
    expect(p.variants.map((v: { priceFen: number }) => v.priceFen)).toEqual([12800, 56800]);
    expect(p.batches[0].lot).toBe(DEMO_LOT);
    const shop = (await get(null, `/market/shops/${coopId}`)).json();
    expect(shop.products).toHaveLength(3);
    expect(shop.shipping).toMatchObject({ baseFen: 1000, freeOverFen: 19900 });
  });

  it('buys a tea end to end: checkout reserves, the sandbox payment marks it paid, the producer ships, the buyer completes', async () => {
    const [small] = await variantsOf('松阳银猴 特级 明前');
    const before = await stockOf(small.id);
    const res = await order(buyer, [{ variantId: small.id, qty: 2 }]);
    expect(res.statusCode).toBe(201);
    const o = res.json();
    // 2 × ¥128 = ¥256 ≥ ¥199: free shipping under the cooperative's rule.
    expect(o).toMatchObject({ status: 'pending', subtotalFen: 25600, shippingFen: 0, totalFen: 25600 });
    expect(await stockOf(small.id)).toBe(before - 2);

    const { callback } = await payInSandbox(buyer, o.id);
    expect(callback).toMatchObject({ applied: true, status: 'paid' });
    expect((await get(buyer, `/market/orders/${o.id}`)).json().status).toBe('paid');
    expect(await stockOf(small.id)).toBe(before - 2);

    expect((await post(producer, `/market/orders/${o.id}/ship`, { trackingNo: 'SF123' })).statusCode).toBe(409);
    expect((await post(buyer, `/market/orders/${o.id}/pack`, {})).statusCode).toBe(409);
    expect((await post(producer, `/market/orders/${o.id}/pack`, {})).json().status).toBe('packed');
    expect((await post(producer, `/market/orders/${o.id}/pack`, {})).statusCode).toBe(409);
    expect((await post(producer, `/market/orders/${o.id}/ship`, {})).statusCode).toBe(400);
    const shipped = (await post(producer, `/market/orders/${o.id}/ship`, { trackingNo: 'SF1234567890' })).json();
    expect(shipped).toMatchObject({ status: 'shipped', trackingNo: 'SF1234567890' });
    expect((await post(producer, `/market/orders/${o.id}/deliver`, {})).json().status).toBe('delivered');
    expect((await post(producer, `/market/orders/${o.id}/complete`, {})).statusCode).toBe(409);
    expect((await post(buyer, `/market/orders/${o.id}/complete`, {})).json().status).toBe('completed');
    expect((await post(buyer, `/market/orders/${o.id}/cancel`, {})).statusCode).toBe(409);

    const mine = (await get(buyer, '/market/orders')).json();
    expect(mine.map((x: { id: string }) => x.id)).toContain(o.id);
    const shopOrders = (await get(producer, `/market/shops/${coopId}/orders`)).json();
    expect(shopOrders.map((x: { id: string }) => x.id)).toContain(o.id);
    expect((await get(buyer, `/market/shops/${coopId}/orders`)).statusCode).toBe(403);
  });

  it('never trusts the client: prices come from the database, extra fields are refused, shipping follows the rule', async () => {
    const [, box] = await variantsOf('松阳银猴 特级 明前');
    const sneaky = await post(buyer, '/market/orders', { items: [{ variantId: box.id, qty: 1, priceFen: 1 }], address: ADDRESS }, { 'idempotency-key': randomUUID() });
    expect(sneaky.statusCode).toBe(400);
    expect(sneaky.json().field).toBe('body/items/0/priceFen');
    const withTotal = await post(buyer, '/market/orders', { items: [{ variantId: box.id, qty: 1 }], address: ADDRESS, totalFen: 1 }, { 'idempotency-key': randomUUID() });
    expect(withTotal.statusCode).toBe(400);
    const [tea] = await variantsOf('松阳香茶 一级 雨前');
    const q = await post(buyer, '/market/quote', { items: [{ variantId: tea.id, qty: 1 }], province: '新疆维吾尔自治区' });
    expect(q.json()).toMatchObject({ subtotalFen: 8800, shippingFen: 2500, totalFen: 11300 });
    const o = (await order(buyer, [{ variantId: tea.id, qty: 1 }], randomUUID(), { ...ADDRESS, province: '西藏自治区' })).json();
    expect(o).toMatchObject({ subtotalFen: 8800, shippingFen: 2500, totalFen: 11300 });
    const started = await post(buyer, `/market/orders/${o.id}/pay`);
    expect((await getPaymentRecord(t.db.db, started.json().paymentId))!.amountFen).toBe(11300);
    expect((await post(null, '/market/orders', { items: [{ variantId: tea.id, qty: 1 }], address: ADDRESS }, { 'idempotency-key': randomUUID() })).statusCode).toBe(401);
    expect((await order(buyer, [{ variantId: randomUUID(), qty: 1 }])).statusCode).toBe(400);
  });

  it('keeps orders private: another buyer gets 404, a visitor 401', async () => {
    const [tea] = await variantsOf('松阳香茶 一级 雨前');
    const o = (await order(buyer, [{ variantId: tea.id, qty: 1 }])).json();
    expect((await get(resident, `/market/orders/${o.id}`)).statusCode).toBe(404);
    expect((await post(resident, `/market/orders/${o.id}/pay`)).statusCode).toBe(404);
    expect((await post(resident, `/market/orders/${o.id}/cancel`, {})).statusCode).toBe(404);
    expect((await get(null, `/market/orders/${o.id}`)).statusCode).toBe(401);
    expect((await get(resident, '/market/orders')).json().map((x: { id: string }) => x.id)).not.toContain(o.id);
    expect((await get(producer, `/market/orders/${o.id}`)).json().viewerRole).toBe('seller');
  });

  it('makes one order of a checkout sent twice (or ten times at once) with one idempotency key', async () => {
    const [tea] = await variantsOf('松阳香茶 一级 雨前');
    const before = await stockOf(tea.id);
    const key = randomUUID();
    const first = await order(buyer, [{ variantId: tea.id, qty: 1 }], key);
    const again = await order(buyer, [{ variantId: tea.id, qty: 1 }], key);
    expect(first.statusCode).toBe(201);
    expect(again.statusCode).toBe(200);
    expect(again.json().id).toBe(first.json().id);
    const key2 = randomUUID();
    const burst = await Promise.all(Array.from({ length: 10 }, () => order(buyer, [{ variantId: tea.id, qty: 1 }], key2)));
    expect(burst.filter((r) => r.statusCode === 201)).toHaveLength(1);
    expect(new Set(burst.map((r) => r.json().id)).size).toBe(1);
    expect(await stockOf(tea.id)).toBe(before - 2);
    const [{ n }] = await queryRows<{ n: number }>(t.db.db, sql`select count(*)::int as n from market_orders where idempotency_key in (${key}, ${key2})`);
    expect(n).toBe(2);
  });

  it('applies a payment callback delivered twice once', async () => {
    const [tea] = await variantsOf('松阳香茶 一级 雨前');
    const o = (await order(buyer, [{ variantId: tea.id, qty: 1 }])).json();
    const started = (await post(buyer, `/market/orders/${o.id}/pay`)).json();
    const record = await getPaymentRecord(t.db.db, started.paymentId);
    const signed = signSandboxCallback(await sandboxSecret(t.db.db), { paymentId: record!.id, providerReference: record!.providerReference!, outcome: 'succeeded' });
    const deliver = () => t.app.inject({ method: 'POST', url: '/api/v1/payments/callback/sandbox', headers: signed.headers, payload: signed.rawBody });
    const [a, b] = await Promise.all([deliver(), deliver()]);
    expect([a.json().applied, b.json().applied].sort()).toEqual([false, true]);
    expect((await deliver()).json()).toMatchObject({ applied: false, duplicate: true });
    const audits = await queryRows<{ n: number }>(t.db.db, sql`select count(*)::int as n from audit_log where action = 'order.paid' and entity_id = ${o.id}`);
    expect(audits[0].n).toBe(1);
    expect((await get(buyer, `/market/orders/${o.id}`)).json().status).toBe('paid');
  });

  it('cancelling or letting a reservation expire gives the stock back; a payment arriving after expiry is refunded', async () => {
    const [can] = await variantsOf('竹编茶叶罐');
    const before = await stockOf(can.id);
    const cancelled = (await order(buyer, [{ variantId: can.id, qty: 2 }])).json();
    expect(await stockOf(can.id)).toBe(before - 2);
    expect((await post(buyer, `/market/orders/${cancelled.id}/cancel`, {})).json().status).toBe('cancelled');
    expect(await stockOf(can.id)).toBe(before);

    const late = (await order(buyer, [{ variantId: can.id, qty: 1 }])).json();
    const started = (await post(buyer, `/market/orders/${late.id}/pay`)).json();
    const unpaid = (await order(buyer, [{ variantId: can.id, qty: 1 }])).json();
    expect(await stockOf(can.id)).toBe(before - 2);
    const swept = await sweepExpiredReservations(t.db.db, new Date(Date.now() + 60 * 60_000));
    expect(swept).toBeGreaterThanOrEqual(2);
    expect(await stockOf(can.id)).toBe(before);
    expect((await get(buyer, `/market/orders/${unpaid.id}`)).json().status).toBe('cancelled');
    expect((await post(buyer, `/market/orders/${unpaid.id}/pay`)).statusCode).toBe(409);

    const paid = await post(buyer, `/payments/${started.paymentId}/sandbox`, { outcome: 'succeeded' });
    expect(paid.json()).toMatchObject({ applied: true, status: 'refunded' });
    expect((await get(buyer, `/market/orders/${late.id}`)).json().status).toBe('cancelled');
    expect(await stockOf(can.id)).toBe(before);
    expect(await sweepExpiredReservations(t.db.db)).toBe(0);
  });

  it('lets the producer refund a paid order: the payment is refunded and the stock returns', async () => {
    const [tea] = await variantsOf('松阳香茶 一级 雨前');
    const before = await stockOf(tea.id);
    const o = (await order(buyer, [{ variantId: tea.id, qty: 3 }])).json();
    const { paymentId } = await payInSandbox(buyer, o.id);
    expect((await post(buyer, `/market/orders/${o.id}/refund`, { reason: '不想要了' })).statusCode).toBe(409);
    expect((await post(buyer, `/payments/${paymentId}/refunds`, { amountFen: 100, reason: 'x' })).statusCode).toBe(403);
    const refunded = await post(producer, `/market/orders/${o.id}/refund`, { reason: '缺货，向买家致歉' });
    expect(refunded.json().status).toBe('refunded');
    expect((await getPaymentRecord(t.db.db, paymentId))).toMatchObject({ status: 'refunded', refundedFen: o.totalFen });
    expect(await stockOf(tea.id)).toBe(before);
    expect((await post(producer, `/market/orders/${o.id}/pack`, {})).statusCode).toBe(409);
  });

  it('takes lines back by quantity: each return refunded through the job, shown to the buyer; the last unit brings the shipping back', async () => {
    const [tea] = await variantsOf('松阳香茶 一级 雨前');
    const [silver] = await variantsOf('松阳银猴 特级 明前');
    const o = (await order(buyer, [{ variantId: tea.id, qty: 3 }, { variantId: silver.id, qty: 1 }])).json();
    const { paymentId } = await payInSandbox(buyer, o.id);
    const giveBack = (s: Session, lines: { variantId: string; qty: number }[]) => post(s, `/market/orders/${o.id}/returns`, { lines, reason: '一罐受潮' });

    expect((await giveBack(buyer, [{ variantId: tea.id, qty: 1 }])).json()).toMatchObject({ code: 'not_yours' });
    const one = await giveBack(producer, [{ variantId: tea.id, qty: 1 }]);
    expect(one.statusCode).toBe(200);
    expect(one.json()).toMatchObject({ status: 'paid', refunds: [{ amountFen: tea.priceFen, reason: '一罐受潮', status: 'pending' }] });
    await t.app.jobs.drain();
    const seen = (await get(buyer, `/market/orders/${o.id}`)).json();
    expect(seen.items.find((i: { variantId: string }) => i.variantId === tea.id)).toMatchObject({ qty: 3, returnedQty: 1 });
    expect(seen.refunds).toMatchObject([{ amountFen: tea.priceFen, status: 'succeeded' }]);
    const told = (await get(buyer, '/notifications')).json();
    expect(JSON.stringify(told)).toContain(`¥${(tea.priceFen / 100).toFixed(2)}`);

    // More than is left on a line, a line the order does not have, a line twice: refused by field, nothing changes.
    const tooMany = await giveBack(producer, [{ variantId: tea.id, qty: 3 }]);
    expect(tooMany.json()).toMatchObject({ code: 'return_too_large', field: 'body/lines/0/qty' });
    expect((await giveBack(producer, [{ variantId: silver.id, qty: 1 }, { variantId: randomUUID(), qty: 1 }])).json()).toMatchObject({ status: 400, field: 'body/lines/1/variantId' });
    expect((await giveBack(producer, [{ variantId: tea.id, qty: 1 }, { variantId: tea.id, qty: 1 }])).statusCode).toBe(400);
    expect((await get(buyer, `/market/orders/${o.id}`)).json().items.map((i: { returnedQty: number }) => i.returnedQty).sort()).toEqual([0, 1]);
    expect(await getPaymentRecord(t.db.db, paymentId)).toMatchObject({ refundedFen: tea.priceFen });

    // The rest comes back: everything paid is refunded, shipping included, and the order is refunded.
    const rest = await giveBack(producer, [{ variantId: tea.id, qty: 2 }, { variantId: silver.id, qty: 1 }]);
    expect(rest.json()).toMatchObject({ status: 'refunded' });
    await t.app.jobs.drain();
    const done = (await get(buyer, `/market/orders/${o.id}`)).json();
    expect(done.refunds.map((r: { amountFen: number; status: string }) => [r.amountFen, r.status])).toEqual([
      [tea.priceFen, 'succeeded'],
      [o.totalFen - tea.priceFen, 'succeeded'],
    ]);
    expect(await getPaymentRecord(t.db.db, paymentId)).toMatchObject({ status: 'refunded', refundedFen: o.totalFen });
    expect((await giveBack(producer, [{ variantId: tea.id, qty: 1 }])).json()).toMatchObject({ code: 'invalid_transition', current: 'refunded' });
  });

  it('shows the seeded batch’s trace with a verified hash chain, resolves its Digital Link and prints its QR code', async () => {
    const { batchId } = (await get(null, `/market/gs1/01/${DEMO_GTIN}/10/${DEMO_LOT}`)).json();
    const trace = (await get(null, `/market/trace/${batchId}`)).json();
    expect(trace.verification).toMatchObject({ valid: true, events: 8 });
    expect(trace.events.map((e: { kind: string }) => e.kind)).toEqual(['picking', 'withering', 'fixing', 'rolling', 'drying', 'inspection', 'certificate', 'packing']);
    expect(trace.garden).toMatchObject({ village: '杨家堂村', altitudeM: 560 });
    expect(trace.digitalLink).toBe(`/market/01/${DEMO_GTIN}/10/${DEMO_LOT}`);
    const qr = await get(null, `/market/batches/${batchId}/qr.svg`);
    expect(qr.headers['content-type']).toMatch(/image\/svg\+xml/);
    expect(qr.body).toMatch(/^<svg/);
    expect((await get(null, `/market/gs1/01/${DEMO_GTIN}/10/NOPE`)).statusCode).toBe(404);

    const appended = await post(producer, `/market/batches/${batchId}/events`, { kind: 'note', occurredAt: '2026-04-10T08:00:00+08:00', notes: '复检合格' });
    expect(appended.statusCode).toBe(201);
    expect((await post(buyer, `/market/batches/${batchId}/events`, { kind: 'note', occurredAt: '2026-04-10T08:00:00Z' })).statusCode).toBe(403);
    const again = (await get(null, `/market/trace/${batchId}`)).json();
    expect(again.verification).toMatchObject({ valid: true, events: 9 });
    // The database refuses edits and deletions of trace events.
    await expect(t.db.db.execute(sql`update market_trace_events set notes = '改' where batch_id = ${batchId}`)).rejects.toThrow();
    await expect(t.db.db.execute(sql`delete from market_trace_events where batch_id = ${batchId}`)).rejects.toThrow();
  });

  it('lets a producer add a garden, a product, a batch with events; others may not', async () => {
    const villageId = (await queryRows<{ id: string }>(t.db.db, sql`select id from admin_units where name_zh = '杨家堂村'`))[0].id;
    const garden = await post(producer, '/market/gardens', { orgId: coopId, villageId, name: '溪边茶园', lon: 119.41, lat: 28.55, altitudeM: 430 });
    expect(garden.statusCode).toBe(201);
    expect((await post(producer, '/market/gardens', { orgId: coopId, villageId: coopId, name: 'x' })).statusCode).toBe(400);
    const created = await post(producer, '/market/products', {
      orgId: coopId,
      kind: 'tea',
      name: '松阳红茶',
      variety: '松阳红',
      grade: '一级',
      season: '夏茶',
      variants: [{ label: '100 克', weightG: 100, priceFen: 6800, stock: 30 }],
    });
    expect(created.statusCode).toBe(201);
    expect(isValidGtin(created.json().gtin)).toBe(true);
    expect((await post(buyer, '/market/products', { orgId: coopId, kind: 'tea', name: 'x', variants: [{ label: 'a', priceFen: 1, stock: 1 }] })).statusCode).toBe(403);
    expect((await post(producer, '/market/products', { orgId: coopId, kind: 'tea', name: 'x', variants: [{ label: 'a', priceFen: 0, stock: 1 }] })).statusCode).toBe(400);
    const batch = await post(producer, '/market/batches', { productId: created.json().id, lot: 'HC2026-07', gardenId: garden.json().id, harvestDate: '2026-07-01', quantity: 30 });
    expect(batch.statusCode).toBe(201);
    expect((await post(producer, '/market/batches', { productId: created.json().id, lot: 'HC2026-07', quantity: 1 })).statusCode).toBe(409);
    const variantId = created.json().variants[0].id;
    expect((await as(t.app, producer)({ method: 'PATCH', url: `/api/v1/market/variants/${variantId}`, payload: { stockDelta: -31 } })).statusCode).toBe(409);
    expect((await as(t.app, producer)({ method: 'PATCH', url: `/api/v1/market/variants/${variantId}`, payload: { stockDelta: 5, priceFen: 7200 } })).json()).toMatchObject({ stock: 35, priceFen: 7200 });
    expect((await as(t.app, admin)({ method: 'PATCH', url: `/api/v1/market/variants/${variantId}`, payload: { active: false } })).statusCode).toBe(200);
  });

  it('gives the producer a dashboard: sales by day and product, stock with low-stock alerts', async () => {
    const d = await get(producer, `/market/shops/${coopId}/dashboard`);
    expect(d.statusCode).toBe(200);
    const body = d.json();
    expect(body.salesByDay.length).toBeGreaterThan(0);
    expect(body.salesByProduct.map((p: { product: string }) => p.product)).toContain('松阳银猴 特级 明前');
    expect(body.stock.find((s: { product: string }) => s.product === '竹编茶叶罐')).toMatchObject({ low: true });
    expect((await get(buyer, `/market/shops/${coopId}/dashboard`)).statusCode).toBe(403);
  });
});
