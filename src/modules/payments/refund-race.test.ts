// A refund can never exceed what was paid, even when refunds race: six at once for a ¥138.00 order, ¥50.00 each.
import { randomUUID } from 'node:crypto';
import { sql } from 'drizzle-orm';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { as, signIn, startTestApp, type Session, type TestApp } from '../../../test/support/app.ts';
import { describeEachDriver } from '../../../test/support/db.ts';
import { queryRows } from '../../db/handle.ts';

const ADDRESS = { name: '王小明', phone: '13800001234', province: '上海市', city: '上海市', detail: '徐汇区漕溪北路 88 号' };

describeEachDriver('payments: refunds that race', (driver) => {
  let t: TestApp;
  let buyer: Session, producer: Session;

  beforeAll(async () => {
    t = await startTestApp(driver, { LOGIN_RATE_LIMIT_PER_MINUTE: '1000' });
    [buyer, producer] = await Promise.all(['buyer', 'producer'].map((u) => signIn(t.app, u)));
  });
  afterAll(() => t?.close());

  it('lets through only what fits in the payment; the rest are refused with 409 and leave no trace', async () => {
    const products = (await t.app.inject({ url: '/api/v1/market/products' })).json().items as { id: string; name: string }[];
    const [variant] = (await t.app.inject({ url: `/api/v1/market/products/${products.find((p) => p.name === '松阳银猴 特级 明前')!.id}` })).json().variants;
    const o = await as(t.app, buyer)({ method: 'POST', url: '/api/v1/market/orders', payload: { items: [{ variantId: variant.id, qty: 1 }], address: ADDRESS }, headers: { 'idempotency-key': randomUUID() } });
    expect(o.statusCode, o.body).toBe(201);
    const { paymentId } = (await as(t.app, buyer)({ method: 'POST', url: `/api/v1/market/orders/${o.json().id}/pay` })).json();
    expect((await as(t.app, buyer)({ method: 'POST', url: `/api/v1/payments/${paymentId}/sandbox`, payload: { outcome: 'succeeded' } })).statusCode).toBe(200);

    const results = await Promise.all(
      Array.from({ length: 6 }, () => as(t.app, producer)({ method: 'POST', url: `/api/v1/payments/${paymentId}/refunds`, payload: { amountFen: 5000, reason: '少发' } })),
    );
    const codes = results.map((r) => r.statusCode).sort();
    expect(codes.filter((c) => c < 300)).toHaveLength(2);
    expect(codes.filter((c) => c === 409)).toHaveLength(4);
    for (const r of results.filter((x) => x.statusCode === 409)) expect(r.headers['content-type']).toContain('application/problem+json');
    await t.app.jobs.drain();
    const [row] = await queryRows<{ paid: number; refunded: number; rows: number; sum: number }>(
      t.db.db,
      sql`select p.amount_fen as paid, p.refunded_fen as refunded,
                 (select count(*)::int from payment_refunds r where r.payment_id = p.id) as rows,
                 (select coalesce(sum(r.amount_fen), 0)::int from payment_refunds r where r.payment_id = p.id) as sum
          from payments p where p.id = ${paymentId}`,
    );
    expect(row).toEqual({ paid: 13800, refunded: 10000, rows: 2, sum: 10000 });
    // What is left (¥38.00) still goes back; a single fen more does not.
    expect((await as(t.app, producer)({ method: 'POST', url: `/api/v1/payments/${paymentId}/refunds`, payload: { amountFen: 3801, reason: '退货' } })).statusCode).toBe(409);
    expect((await as(t.app, producer)({ method: 'POST', url: `/api/v1/payments/${paymentId}/refunds`, payload: { amountFen: 3800, reason: '退货' } })).statusCode).toBeLessThan(300);
  });
});
