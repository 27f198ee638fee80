import { afterAll, beforeAll, expect, it } from 'vitest';
import { as, signIn, startTestApp, type Session, type TestApp } from '../../../test/support/app.ts';
import { describeEachDriver } from '../../../test/support/db.ts';
import { releaseExpiredClaims } from './flash.ts';

// A flash-offer claim becomes a real Market order: the claimer gives a delivery address and pays it through the
// payments module; the order is then the buyer's and the producer's like any other. Unpaid, it expires with the claim.
describeEachDriver('flash offers bought as market orders', (driver) => {
  let t: TestApp;
  let producer: Session;
  let buyer: Session;
  let resident: Session;
  let orgId: string;
  let productId: string;
  let variantId: string;
  let offerId: string;
  const flashPriceFen = 500;
  const address = { name: '王五', phone: '13900000000', province: '浙江', city: '杭州', detail: '西湖区文三路 1 号' };

  const stock = async () =>
    ((await t.app.inject({ method: 'GET', url: `/api/v1/market/products/${productId}` })).json().variants as { id: string; stock: number }[]).find((v) => v.id === variantId)!.stock;
  const remaining = async () => {
    const page = (await t.app.inject({ method: 'GET', url: `/api/v1/live/sessions/${sessionId}` })).json();
    return (page.offers as { id: string; remaining: number }[]).find((o) => o.id === offerId)!.remaining;
  };
  const claimAndOrder = async (who: Session) => {
    const claim = await as(t.app, who)({ method: 'POST', url: `/api/v1/live/offers/${offerId}/claims` });
    expect(claim.statusCode).toBe(201);
    const ordered = await as(t.app, who)({ method: 'POST', url: `/api/v1/live/claims/${claim.json().claimId}/order`, payload: { address } });
    expect(ordered.statusCode).toBe(200);
    return { claimId: claim.json().claimId as string, orderId: ordered.json().orderId as string, paymentId: ordered.json().paymentId as string };
  };
  let sessionId: string;
  let stockWithOffer: number;

  beforeAll(async () => {
    t = await startTestApp(driver, { LIVE_RELEASE_SECONDS: '0', MARKET_SWEEP_SECONDS: '0' });
    [producer, buyer, resident] = await Promise.all([signIn(t.app, 'producer'), signIn(t.app, 'buyer'), signIn(t.app, 'resident')]);
    const product = (await t.app.inject({ method: 'GET', url: '/api/v1/market/products' })).json().items[0];
    [orgId, productId] = [product.orgId, product.id];
    variantId = (await t.app.inject({ method: 'GET', url: `/api/v1/market/products/${productId}` })).json().variants[0].id;
    const body = { orgId, title: '秒杀下单测试', scheduledAt: '2026-12-01T02:00:00Z', productIds: [productId] };
    sessionId = (await as(t.app, producer)({ method: 'POST', url: '/api/v1/live/sessions', payload: body })).json().id;
    expect((await as(t.app, producer)({ method: 'POST', url: `/api/v1/live/sessions/${sessionId}/start` })).statusCode).toBe(200);
    const before = await stock();
    const offer = await as(t.app, producer)({ method: 'POST', url: `/api/v1/live/sessions/${sessionId}/offers`, payload: { productId, variantId, priceFen: flashPriceFen, quota: 3 } });
    expect(offer.statusCode).toBe(201);
    offerId = offer.json().id;
    stockWithOffer = await stock();
    expect(stockWithOffer).toBe(before - 3);
  });
  afterAll(async () => {
    await t?.close();
  });

  it('turns a claim into an order at the flash price, paid through the payments module, seen by buyer and producer', async () => {
    const claim = await as(t.app, buyer)({ method: 'POST', url: `/api/v1/live/offers/${offerId}/claims` });
    expect(claim.json()).toMatchObject({ status: 'held' });
    const claimId = claim.json().claimId;
    // A bad address is refused naming the field; nothing is ordered.
    const bad = await as(t.app, buyer)({ method: 'POST', url: `/api/v1/live/claims/${claimId}/order`, payload: { address: { ...address, phone: 'call me' } } });
    expect(bad.statusCode).toBe(400);
    expect(bad.json().errors[0].field).toContain('address/phone');
    expect((await as(t.app, buyer)({ method: 'GET', url: `/api/v1/live/claims/${claimId}` })).json().orderId).toBeNull();
    // Someone else's claim does not exist for them.
    expect((await as(t.app, resident)({ method: 'POST', url: `/api/v1/live/claims/${claimId}/order`, payload: { address } })).statusCode).toBe(404);

    const ordered = await as(t.app, buyer)({ method: 'POST', url: `/api/v1/live/claims/${claimId}/order`, payload: { address } });
    expect(ordered.statusCode).toBe(200);
    const { orderId, paymentId } = ordered.json();
    // Asking again (a double tap) answers the same order and the same open payment.
    const again = (await as(t.app, buyer)({ method: 'POST', url: `/api/v1/live/claims/${claimId}/order`, payload: { address } })).json();
    expect(again).toMatchObject({ orderId, paymentId });

    const pending = (await as(t.app, buyer)({ method: 'GET', url: `/api/v1/market/orders/${orderId}` })).json();
    expect(pending).toMatchObject({ status: 'pending', subtotalFen: flashPriceFen, address });
    expect(pending.items).toEqual([expect.objectContaining({ variantId, qty: 1, unitPriceFen: flashPriceFen, lineFen: flashPriceFen })]);
    expect(pending.totalFen).toBe(flashPriceFen + pending.shippingFen);
    const payment = (await as(t.app, buyer)({ method: 'GET', url: `/api/v1/payments/${paymentId}` })).json();
    expect(payment.amountFen).toBe(pending.totalFen);

    const paid = await as(t.app, buyer)({ method: 'POST', url: `/api/v1/payments/${paymentId}/sandbox`, payload: { outcome: 'succeeded' } });
    expect(paid.json().status).toBe('paid');
    expect((await as(t.app, buyer)({ method: 'GET', url: `/api/v1/live/claims/${claimId}` })).json()).toMatchObject({ status: 'paid', orderId });
    const mine = (await as(t.app, buyer)({ method: 'GET', url: '/api/v1/market/orders' })).json();
    expect(mine.find((o: { id: string }) => o.id === orderId)).toMatchObject({ status: 'paid', totalFen: pending.totalFen });
    const shop = (await as(t.app, producer)({ method: 'GET', url: `/api/v1/market/shops/${orgId}/orders` })).json();
    expect(shop.find((o: { id: string }) => o.id === orderId)).toMatchObject({ status: 'paid', address });
    // The producer's live figures count it; the unit came out of the offer, not out of the shop's stock again.
    const figures = (await as(t.app, producer)({ method: 'GET', url: `/api/v1/live/sessions/${sessionId}/figures` })).json();
    expect(figures).toMatchObject({ paidOrders: 1, revenueFen: flashPriceFen });
    expect(await remaining()).toBe(2);
    expect(await stock()).toBe(stockWithOffer);
    // The producer ships it like any order.
    expect((await as(t.app, producer)({ method: 'POST', url: `/api/v1/market/orders/${orderId}/pack` })).json().status).toBe('packed');
    // Paid in time: the claim is never released.
    expect(await releaseExpiredClaims(t.app.db, new Date(Date.now() + 3600_000))).toBe(0);
  });

  it('expires an unpaid claim: its order is cancelled, the unit returns to the offer, and a late payment is refunded', async () => {
    const { claimId, orderId, paymentId } = await claimAndOrder(resident);
    expect(await remaining()).toBe(1);
    expect(await releaseExpiredClaims(t.app.db, new Date(Date.now() + 3600_000))).toBe(1);
    expect((await as(t.app, resident)({ method: 'GET', url: `/api/v1/live/claims/${claimId}` })).json().status).toBe('released');
    expect((await as(t.app, resident)({ method: 'GET', url: `/api/v1/market/orders/${orderId}` })).json().status).toBe('cancelled');
    expect(await remaining()).toBe(2);
    expect(await stock()).toBe(stockWithOffer);
    // The money that arrives after the unit went back is returned at once.
    const late = await as(t.app, resident)({ method: 'POST', url: `/api/v1/payments/${paymentId}/sandbox`, payload: { outcome: 'succeeded' } });
    expect(late.json().status).toBe('refunded');
    expect((await as(t.app, resident)({ method: 'GET', url: `/api/v1/live/claims/${claimId}` })).json().status).toBe('released');
    // Ordering a released claim is a refused transition.
    const refused = await as(t.app, resident)({ method: 'POST', url: `/api/v1/live/claims/${claimId}/order`, payload: { address } });
    expect(refused.statusCode).toBe(409);
    expect(refused.json()).toMatchObject({ code: 'invalid_transition', current: 'released' });
  });

  it('a claim whose order the buyer cancelled returns its unit to the offer when it expires', async () => {
    const { orderId } = await claimAndOrder(resident);
    expect((await as(t.app, resident)({ method: 'POST', url: `/api/v1/market/orders/${orderId}/cancel` })).json().status).toBe('cancelled');
    // Cancelled in the shop: the unit is in the shop's stock until the claim expires and the offer takes it back.
    expect(await stock()).toBe(stockWithOffer + 1);
    expect(await releaseExpiredClaims(t.app.db, new Date(Date.now() + 3600_000))).toBe(1);
    expect(await remaining()).toBe(2);
    expect(await stock()).toBe(stockWithOffer);
  });
});
