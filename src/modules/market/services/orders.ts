import { uuidv7 } from 'uuidv7';
import { and, desc, eq, inArray, sql } from 'drizzle-orm';
import type { Db } from '../../../db/handle.ts';
import { namedQuery, queryRows } from '../../../db/handle.ts';
import { badRequest, conflict, notFound, refusedTransition, transition } from '../../../server/problems.ts';
import { recordAudit } from '../../../server/audit.ts';
import { authorize, requireActor, type Actor } from '../../governance/index.ts';
import { createPayment, getPaymentRecord, refundPayment, refundsOf, registerPaymentPurpose } from '../../payments/index.ts';
import { notify } from '../../notifications/index.ts';
import { marketOrderItems, marketOrders, marketReservations, marketVariants, type OrderStatus, type ShippingAddress } from '../schema.ts';
import { reservationMinutes } from './common.ts';
import { isRemote, producers } from './producers.ts';
import { orderPaid } from './handover.ts';

// ---------------------------------------------------------------- checkout and orders

export interface CheckoutInput {
  idempotencyKey: string;
  items: { variantId: string; qty: number }[];
  address: ShippingAddress;
}

/** A line of `market_price_cart` (migration 0003): the cart priced from the database, totals on every row. */
interface CartRow {
  variant_id: string;
  label: string;
  product_name: string;
  batch_id: string | null;
  org_id: string;
  county_id: string;
  price_fen: number;
  stock: number;
  on_sale: boolean;
  qty: number;
  line_fen: number;
  subtotal_fen: number;
  shipping_fen: number;
}

/** The variant ids of a cart, refusing an empty cart or a variant twice. */
function cartIds(items: { variantId: string; qty: number }[]) {
  if (items.length === 0) throw badRequest('body/items', 'The cart is empty');
  const ids = items.map((i) => i.variantId);
  if (new Set(ids).size !== ids.length) throw badRequest('body/items', 'A variant appears twice');
  return ids;
}

/** Prices from the database only: what a cart costs, for the checkout page; names the first thing wrong with it. */
async function priceCart(db: Db, items: { variantId: string; qty: number }[], province: string) {
  const ids = cartIds(items);
  const rows = await namedQuery<CartRow>(db, 'market_price_cart', 'select * from market_price_cart($1::uuid[], $2::int[], $3::boolean)', [
    ids,
    items.map((i) => i.qty),
    isRemote(province),
  ]);
  const byId = new Map(rows.map((r) => [r.variant_id, r]));
  const lines = items.map((item, i) => {
    const line = byId.get(item.variantId);
    if (!line || !line.on_sale) throw badRequest(`body/items/${i}/variantId`, 'No such product on sale');
    return line;
  });
  const { org_id: orgId, subtotal_fen: subtotalFen, shipping_fen: shippingFen } = lines[0];
  if (lines.some((l) => l.org_id !== orgId)) throw badRequest('body/items', 'One order holds the products of one producer');
  return { orgId, countyId: lines[0].county_id, lines, subtotalFen, shippingFen, totalFen: subtotalFen + shippingFen };
}

export async function quote(db: Db, input: { items: { variantId: string; qty: number }[]; province: string }) {
  const q = await priceCart(db, input.items, input.province);
  return {
    orgId: q.orgId,
    lines: q.lines.map((l) => ({ variantId: l.variant_id, productName: l.product_name, label: l.label, qty: l.qty, unitPriceFen: l.price_fen, lineFen: l.line_fen, stock: l.stock })),
    subtotalFen: q.subtotalFen,
    shippingFen: q.shippingFen,
    totalFen: q.totalFen,
  };
}

type OrderRow = typeof marketOrders.$inferSelect;
type CheckoutLine = { variantId: string; batchId: string | null; productName: string; variantLabel: string; qty: number; unitPriceFen: number; lineFen: number };
export type CheckoutResult = { created: true; order: ReturnType<typeof checkoutAnswer> } | { created: false; orderId: string };

/** Why `market_checkout` refused, or null for any other error. */
function checkoutRefusal(error: unknown): 'short' | 'duplicate' | null {
  for (let e = error as { message?: string; cause?: unknown } | undefined; e; e = e.cause as typeof e) {
    const m = /market_checkout:(short|duplicate)/.exec(e.message ?? '');
    if (m) return m[1] as 'short' | 'duplicate';
  }
  return null;
}

async function orderByKey(db: Db, buyerId: string, idempotencyKey: string) {
  const [row] = await db
    .select({ id: marketOrders.id })
    .from(marketOrders)
    .where(and(eq(marketOrders.buyerId, buyerId), eq(marketOrders.idempotencyKey, idempotencyKey)));
  return row?.id ?? null;
}

const CHECKOUT =
  'select market_checkout($1::uuid[], $2::int[], $3::int[], $4::jsonb, $5::uuid, $6::uuid, $7::uuid, $8::uuid, $9::uuid, $10::text, $11::int, $12::int, $13::jsonb, $14::timestamptz) as created_at';

/**
 * Checkout is two round trips: the cart is priced from the database (`market_price_cart`, one prepared query),
 * then one call of `market_checkout` (migration 0003 — read it there) writes the order, its items, the
 * reservations with their expiry and the audit row, and takes the stock last with a conditional
 * `UPDATE … SET stock = stock - q WHERE stock >= q` per line at the priced price — so the hot stock rows are held
 * only from that update to the commit. When it refuses, nothing of it remains: a repeated idempotency key (a
 * retry, or a concurrent twin that won the unique index) answers the earlier order; a line that could not be had
 * is named from a fresh look at the cart.
 */
export async function checkout(db: Db, actor: Actor | null, input: CheckoutInput): Promise<CheckoutResult> {
  const who = requireActor(actor);
  const priced = await priceCart(db, input.items, input.address.province);
  const reservedUntil = new Date(Date.now() + reservationMinutes() * 60_000);
  const outOfStock = (lines: typeof priced.lines) => {
    const i = lines.findIndex((l) => l.stock < l.qty);
    if (i < 0) return null;
    const l = lines[i];
    return conflict('out_of_stock', `${l.product_name} ${l.label}: not enough stock`, { field: `body/items/${i}/qty`, variantId: l.variant_id });
  };
  // Sold out already: answer at once. Only a hint — the conditional update decides.
  const soldOut = outOfStock(priced.lines);
  if (soldOut) {
    const existing = await orderByKey(db, who.id, input.idempotencyKey);
    if (existing) return { created: false, orderId: existing };
    throw soldOut;
  }
  // In variant id order: the order the stock rows are locked in.
  const items: CheckoutLine[] = [...priced.lines]
    .sort((a, b) => (a.variant_id < b.variant_id ? -1 : 1))
    .map((l) => ({ variantId: l.variant_id, batchId: l.batch_id, productName: l.product_name, variantLabel: l.label, qty: l.qty, unitPriceFen: l.price_fen, lineFen: l.line_fen }));
  // Keys are UUID v7 made here, as for every table (PostgreSQL 15 has no uuidv7()).
  const orderId = uuidv7();
  let rows: { created_at: Date | string }[];
  try {
    rows = await namedQuery(db, 'market_checkout', CHECKOUT, [
      items.map((l) => l.variantId),
      items.map((l) => l.qty),
      items.map((l) => l.unitPriceFen),
      JSON.stringify(items.map((l) => ({ ...l, itemId: uuidv7(), reservationId: uuidv7() }))),
      orderId,
      uuidv7(),
      priced.countyId,
      who.id,
      priced.orgId,
      input.idempotencyKey,
      priced.subtotalFen,
      priced.shippingFen,
      JSON.stringify(input.address),
      reservedUntil.toISOString(),
    ]);
  } catch (error) {
    const refusal = checkoutRefusal(error);
    if (refusal === null) throw error;
    const existing = await orderByKey(db, who.id, input.idempotencyKey);
    if (existing) return { created: false, orderId: existing };
    if (refusal === 'duplicate') throw conflict('checkout_conflict', 'Another checkout with this key is under way; try again');
    // Short: name the line from a fresh look at the cart (off sale now: 400 from pricing).
    const now = await priceCart(db, input.items, input.address.province);
    throw outOfStock(now.lines) ?? conflict('price_changed', 'A price changed while checking out; check the cart and try again', { field: 'body/items' });
  }
  const order = {
    id: orderId,
    orgId: priced.orgId,
    status: 'pending' as OrderStatus,
    subtotalFen: priced.subtotalFen,
    shippingFen: priced.shippingFen,
    totalFen: priced.totalFen,
    address: input.address,
    reservedUntil,
    createdAt: new Date(rows[0].created_at),
  };
  return { created: true, order: checkoutAnswer(order, items) };
}

/** Gives the units of orders back to stock: their reservations of the given status become released. */
export async function releaseStock(tx: Db, orderIds: string[], from: 'held' | 'sold') {
  if (orderIds.length === 0) return;
  const released = await tx
    .update(marketReservations)
    .set({ status: 'released' })
    .where(and(inArray(marketReservations.orderId, orderIds), eq(marketReservations.status, from)))
    .returning({ variantId: marketReservations.variantId, qty: marketReservations.qty });
  const perVariant = new Map<string, number>();
  for (const r of released) perVariant.set(r.variantId, (perVariant.get(r.variantId) ?? 0) + r.qty);
  for (const [variantId, qty] of [...perVariant.entries()].sort()) {
    await tx.update(marketVariants).set({ stock: sql`${marketVariants.stock} + ${qty}` }).where(eq(marketVariants.id, variantId));
  }
}

/**
 * The sweeper: cancels unpaid orders whose reservation expired and gives their stock back. Safe to run from
 * several server instances at once (`FOR UPDATE SKIP LOCKED`); a payment racing it is serialised on the order row.
 */
export async function sweepExpiredReservations(db: Db, now = new Date(), limit = 500): Promise<number> {
  return db.transaction(async (tx) => {
    const expired = await queryRows<{ id: string; county_id: string }>(
      tx,
      sql`update market_orders set status = 'cancelled', cancelled_at = now()
          where id in (select id from market_orders where status = 'pending' and reserved_until < ${now.toISOString()}::timestamptz
                       order by reserved_until limit ${limit} for update skip locked)
          returning id, county_id`,
    );
    if (expired.length === 0) return 0;
    await releaseStock(tx, expired.map((o) => o.id), 'held');
    for (const o of expired) {
      await recordAudit(tx, { id: null, countyId: o.county_id }, { action: 'order.expire', entity: 'market_order', entityId: o.id });
    }
    return expired.length;
  });
}

const orderTimestamps: Partial<Record<OrderStatus, keyof OrderRow>> = {
  paid: 'paidAt',
  packed: 'packedAt',
  shipped: 'shippedAt',
  delivered: 'deliveredAt',
  completed: 'completedAt',
  cancelled: 'cancelledAt',
  refunded: 'refundedAt',
};

/** Moves an order along the state machine in SQL: `UPDATE … WHERE status IN (expected)`; 409 if it is elsewhere. */
async function moveOrder(tx: Db, orderId: string, from: OrderStatus[], to: OrderStatus, extra: Partial<OrderRow> = {}) {
  const stamp = orderTimestamps[to];
  return transition(
    () =>
      tx
        .update(marketOrders)
        .set({ status: to, ...(stamp ? { [stamp]: new Date() } : {}), ...extra })
        .where(and(eq(marketOrders.id, orderId), inArray(marketOrders.status, from)))
        .returning(),
    async () => (await tx.select({ status: marketOrders.status }).from(marketOrders).where(eq(marketOrders.id, orderId)))[0]?.status,
    (current) => ({ detail: `An order that is ${current} cannot become ${to}` }),
    'Order',
  );
}

/** Orders the producer may still refund or take lines back from: paid, and not cancelled or refunded already. */
const REFUNDABLE: OrderStatus[] = ['paid', 'packed', 'shipped', 'delivered', 'completed'];
const yuan = (fen: number) => `¥${(fen / 100).toFixed(2)}`;

registerPaymentPurpose('order', {
  async onPaid(tx, orderId, paymentId) {
    const [row] = await tx
      .update(marketOrders)
      .set({ status: 'paid', paidAt: new Date(), paymentId })
      .where(and(eq(marketOrders.id, orderId), eq(marketOrders.status, 'pending')))
      .returning({ id: marketOrders.id, countyId: marketOrders.countyId, orgId: marketOrders.orgId, totalFen: marketOrders.totalFen });
    // Paid after the sweeper released the stock (or after a cancel): the money goes back.
    if (!row) return 'refund';
    await tx.update(marketReservations).set({ status: 'sold' }).where(and(eq(marketReservations.orderId, orderId), eq(marketReservations.status, 'held')));
    await recordAudit(tx, { id: null, countyId: row.countyId }, { action: 'order.paid', entity: 'market_order', entityId: orderId, details: { paymentId } });
    await orderPaid(tx, { id: orderId, paymentId });
    await notify(tx, { countyId: row.countyId, orgId: row.orgId, kind: 'order.new', params: { orderNo: orderId.slice(-8), total: `¥${(row.totalFen / 100).toFixed(2)}` }, link: '/market/seller' });
  },
  async onRefunded(tx, orderId, paymentId) {
    const payment = await getPaymentRecord(tx, paymentId);
    if (!payment || payment.refundedFen < payment.amountFen) return;
    // Everything paid goes back: the order is refunded; stock not yet sent out returns to the shelf.
    const [before] = await tx.select({ status: marketOrders.status }).from(marketOrders).where(eq(marketOrders.id, orderId));
    const [row] = await tx
      .update(marketOrders)
      .set({ status: 'refunded', refundedAt: new Date() })
      .where(and(eq(marketOrders.id, orderId), inArray(marketOrders.status, REFUNDABLE)))
      .returning({ id: marketOrders.id });
    if (row && (before?.status === 'paid' || before?.status === 'packed')) await releaseStock(tx, [orderId], 'sold');
  },
  async onRefundSettled(tx, orderId, paymentId, refund) {
    if (refund.status !== 'succeeded') return;
    const payment = await getPaymentRecord(tx, paymentId);
    const [o] = await tx.select({ countyId: marketOrders.countyId, buyerId: marketOrders.buyerId }).from(marketOrders).where(eq(marketOrders.id, orderId));
    // What has come back so far, of what was paid (the refunds that went through, this one included).
    const back = ((await refundsOf(tx, [paymentId])).get(paymentId) ?? []).filter((r) => r.status === 'succeeded' || r.id === refund.id).reduce((sum, r) => sum + r.amountFen, 0);
    if (o && payment) await notify(tx, { countyId: o.countyId, userIds: [o.buyerId], kind: 'order.refunded', params: { orderNo: orderId.slice(-8), refunded: yuan(back), paid: yuan(payment.amountFen) }, link: `/market/orders/${orderId}` });
  },
  async authorizeRefund(db, actor, orderId) {
    const [o] = await db.select({ orgId: marketOrders.orgId }).from(marketOrders).where(eq(marketOrders.id, orderId));
    if (!o) throw notFound('Order');
    return authorize(db, actor, 'market.sell', { orgId: o.orgId });
  },
  returnUrl: (orderId) => `/market/orders/${orderId}`,
});

/** An order for its buyer or its producer; anyone else gets 404, as if it did not exist. */
async function orderFor(db: Db, actor: Actor | null, orderId: string): Promise<{ order: OrderRow; role: 'buyer' | 'seller'; who: Actor }> {
  const who = requireActor(actor);
  const [order] = await db.select().from(marketOrders).where(eq(marketOrders.id, orderId));
  // The order lives in its producer's county; its buyer may be of any county.
  if (!order) throw notFound('Order');
  if (order.buyerId === who.id) return { order, role: 'buyer', who };
  try {
    await authorize(db, who, 'market.sell', { orgId: order.orgId });
    return { order, role: 'seller', who };
  } catch {
    throw notFound('Order');
  }
}

/** The order as checkout answers it: built from what the checkout already holds, without further queries. */
export function checkoutAnswer(
  order: Pick<OrderRow, 'id' | 'orgId' | 'status' | 'subtotalFen' | 'shippingFen' | 'totalFen' | 'address' | 'reservedUntil' | 'createdAt'>,
  items: CheckoutLine[],
) {
  return {
    id: order.id,
    orgId: order.orgId,
    status: order.status,
    subtotalFen: order.subtotalFen,
    shippingFen: order.shippingFen,
    totalFen: order.totalFen,
    address: order.address,
    reservedUntil: order.reservedUntil,
    createdAt: order.createdAt,
    items,
  };
}

async function withItems(db: Db, orders: OrderRow[]) {
  if (orders.length === 0) return [];
  const items = await db
    .select({
      orderId: marketOrderItems.orderId,
      variantId: marketOrderItems.variantId,
      batchId: marketOrderItems.batchId,
      productName: marketOrderItems.productName,
      variantLabel: marketOrderItems.variantLabel,
      qty: marketOrderItems.qty,
      unitPriceFen: marketOrderItems.unitPriceFen,
      lineFen: marketOrderItems.lineFen,
      returnedQty: marketOrderItems.returnedQty,
    })
    .from(marketOrderItems)
    .where(inArray(marketOrderItems.orderId, orders.map((o) => o.id)));
  const orgs = await producers(db);
  const refunds = await refundsOf(db, orders.flatMap((o) => (o.paymentId ? [o.paymentId] : [])));
  return orders.map((o) => ({
    id: o.id,
    orgId: o.orgId,
    producer: orgs.get(o.orgId)?.name ?? '',
    status: o.status,
    subtotalFen: o.subtotalFen,
    shippingFen: o.shippingFen,
    totalFen: o.totalFen,
    address: o.address,
    paymentId: o.paymentId,
    reservedUntil: o.reservedUntil,
    trackingNo: o.trackingNo,
    createdAt: o.createdAt,
    paidAt: o.paidAt,
    shippedAt: o.shippedAt,
    deliveredAt: o.deliveredAt,
    completedAt: o.completedAt,
    cancelledAt: o.cancelledAt,
    refundedAt: o.refundedAt,
    items: items.filter((i) => i.orderId === o.id).map(({ orderId: _o, ...i }) => i),
    refunds: (o.paymentId && refunds.get(o.paymentId)) || [],
  }));
}

export async function getOrder(db: Db, actor: Actor | null, orderId: string) {
  const { order, role } = await orderFor(db, actor, orderId);
  const [shaped] = await withItems(db, [order]);
  return { ...shaped, viewerRole: role };
}

export async function listMyOrders(db: Db, actor: Actor | null, paging: { limit: number; offset: number }) {
  const who = requireActor(actor);
  const rows = await db
    .select()
    .from(marketOrders)
    .where(eq(marketOrders.buyerId, who.id))
    .orderBy(desc(marketOrders.createdAt), desc(marketOrders.id))
    .limit(paging.limit)
    .offset(paging.offset);
  return withItems(db, rows);
}

export async function listShopOrders(db: Db, actor: Actor | null, orgId: string, filter: { status?: OrderStatus; limit: number; offset: number }) {
  await authorize(db, actor, 'market.sell', { orgId });
  const rows = await db
    .select()
    .from(marketOrders)
    .where(and(eq(marketOrders.orgId, orgId), filter.status ? eq(marketOrders.status, filter.status) : undefined))
    .orderBy(desc(marketOrders.createdAt), desc(marketOrders.id))
    .limit(filter.limit)
    .offset(filter.offset);
  return withItems(db, rows);
}

/** Starts (or resumes) paying for a pending order; the amount is the order's, computed at checkout. */
export async function payOrder(db: Db, actor: Actor | null, orderId: string) {
  const { order, role, who } = await orderFor(db, actor, orderId);
  if (role !== 'buyer') throw notFound('Order');
  if (order.status !== 'pending') throw refusedTransition(`An order that is ${order.status} cannot be paid`, order.status);
  if (order.reservedUntil.getTime() < Date.now()) throw conflict('reservation_expired', 'The reservation expired; order again');
  const items = await db.select({ name: marketOrderItems.productName }).from(marketOrderItems).where(eq(marketOrderItems.orderId, orderId));
  return createPayment(db, who, {
    purpose: 'order',
    referenceId: orderId,
    countyId: order.countyId,
    amountFen: order.totalFen,
    payeeOrgId: order.orgId,
    description: items.map((i) => i.name).join('、').slice(0, 120),
  });
}

export type OrderAction = 'pack' | 'ship' | 'deliver' | 'complete' | 'cancel';

/** Producer: pack, ship (with a tracking number), deliver; buyer: complete; either: cancel an unpaid order. */
export async function actOnOrder(db: Db, actor: Actor | null, orderId: string, action: OrderAction, input: { trackingNo?: string } = {}) {
  const { role, who } = await orderFor(db, actor, orderId);
  const seller = role === 'seller';
  const rule: Record<OrderAction, { from: OrderStatus[]; to: OrderStatus; allowed: boolean }> = {
    pack: { from: ['paid'], to: 'packed', allowed: seller },
    ship: { from: ['packed'], to: 'shipped', allowed: seller },
    deliver: { from: ['shipped'], to: 'delivered', allowed: seller },
    complete: { from: ['delivered'], to: 'completed', allowed: !seller },
    cancel: { from: ['pending'], to: 'cancelled', allowed: true },
  };
  const r = rule[action];
  if (!r.allowed) throw conflict('not_yours', seller ? 'The buyer confirms receipt' : 'The producer does this');
  if (action === 'ship' && !input.trackingNo) throw badRequest('body/trackingNo', 'Give the courier tracking number');
  await db.transaction(async (tx) => {
    const moved = await moveOrder(tx, orderId, r.from, r.to, action === 'ship' ? { trackingNo: input.trackingNo } : {});
    if (action === 'ship') await notify(tx, { countyId: moved.countyId, userIds: [moved.buyerId], kind: 'order.shipped', params: { orderNo: orderId.slice(-8), trackingNo: input.trackingNo! }, link: `/market/orders/${orderId}` });
    if (action === 'cancel') await releaseStock(tx, [orderId], 'held');
    await recordAudit(tx, who, { action: `order.${action}`, entity: 'market_order', entityId: orderId, details: input });
  });
  return getOrder(db, who, orderId);
}

/** Producer refunds a paid (not yet shipped) order in full: the payment is refunded and the stock returns. */
export async function refundOrder(db: Db, actor: Actor | null, orderId: string, reason: string) {
  const { order, role, who } = await orderFor(db, actor, orderId);
  if (role !== 'seller') throw conflict('not_yours', 'The producer refunds');
  if (!['paid', 'packed'].includes(order.status) || !order.paymentId) {
    throw refusedTransition(`An order that is ${order.status} cannot be refunded here`, order.status);
  }
  const payment = await getPaymentRecord(db, order.paymentId);
  await refundPayment(db, who, order.paymentId, payment!.amountFen - payment!.refundedFen, reason);
  return getOrder(db, who, orderId);
}

/**
 * Producer takes lines back (by line and quantity, with the reason) and refunds them: each line's returned quantity
 * moves with a conditional `UPDATE … WHERE returned_qty + qty <= qty`, and the refund is asked in the same
 * transaction. When the last unit comes back, the shipping is refunded too (everything paid). Units taken back are
 * not put back on sale (they may be opened or spoilt): the producer adjusts stock.
 */
export async function returnLines(db: Db, actor: Actor | null, orderId: string, input: { lines: { variantId: string; qty: number }[]; reason: string }) {
  const { order, role, who } = await orderFor(db, actor, orderId);
  if (role !== 'seller') throw conflict('not_yours', 'The producer takes lines back');
  if (!REFUNDABLE.includes(order.status) || !order.paymentId) throw refusedTransition(`Nothing can be returned from an order that is ${order.status}`, order.status);
  const paymentId = order.paymentId;
  const seen = new Set<string>();
  input.lines.forEach((l, i) => {
    if (seen.has(l.variantId)) throw badRequest(`body/lines/${i}/variantId`, 'This line is given twice');
    seen.add(l.variantId);
  });
  await db.transaction(async (tx) => {
    let amountFen = 0;
    for (const [i, line] of input.lines.entries()) {
      const [moved] = await tx
        .update(marketOrderItems)
        .set({ returnedQty: sql`${marketOrderItems.returnedQty} + ${line.qty}` })
        .where(and(eq(marketOrderItems.orderId, orderId), eq(marketOrderItems.variantId, line.variantId), sql`${marketOrderItems.returnedQty} + ${line.qty} <= ${marketOrderItems.qty}`))
        .returning({ unitPriceFen: marketOrderItems.unitPriceFen });
      if (!moved) {
        const [exists] = await tx.select({ qty: marketOrderItems.qty, returnedQty: marketOrderItems.returnedQty }).from(marketOrderItems).where(and(eq(marketOrderItems.orderId, orderId), eq(marketOrderItems.variantId, line.variantId)));
        if (!exists) throw badRequest(`body/lines/${i}/variantId`, 'This order has no such line');
        throw conflict('return_too_large', `Only ${exists.qty - exists.returnedQty} of this line can still be returned`, { field: `body/lines/${i}/qty` });
      }
      amountFen += moved.unitPriceFen * line.qty;
    }
    const [left] = await queryRows<{ n: number | string }>(tx, sql`select count(*) as n from market_order_items where order_id = ${orderId} and returned_qty < qty`);
    const payment = (await getPaymentRecord(tx, paymentId))!;
    // The last units back: everything still paid goes back, shipping included.
    if (Number(left.n) === 0) amountFen = payment.amountFen - payment.refundedFen;
    const refund = await refundPayment(tx, who, paymentId, amountFen, input.reason);
    await recordAudit(tx, who, { action: 'order.return', entity: 'market_order', entityId: orderId, details: { lines: input.lines, amountFen, refundId: refund.refundId, reason: input.reason } });
  });
  return getOrder(db, who, orderId);
}
