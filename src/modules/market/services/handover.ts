// Orders for units another module set aside (a live flash offer's claimed unit): the unit, already out of the
// variant's available stock (`setAsideStock`), is handed to a market order at the other module's price. From then
// on it is an order like any other — the buyer pays it through the payments module (purpose `order`), the producer
// packs and ships it, and when it is cancelled or expires unpaid its unit goes back to the variant's stock.
import { and, eq } from 'drizzle-orm';
import { uuidv7 } from 'uuidv7';
import type { Db } from '../../../db/handle.ts';
import { recordAudit } from '../../../server/audit.ts';
import { badRequest } from '../../../server/problems.ts';
import type { Actor } from '../../governance/index.ts';
import { marketOrderItems, marketOrders, marketProducts, marketReservations, marketShops, marketVariants, type OrderStatus, type ShippingAddress } from '../schema.ts';
import { releaseStock } from './orders.ts';
import { isRemote } from './producers.ts';

/** The shop's shipping rule (as `market_price_cart` applies it): its base fee, none from its threshold, plus its remote surcharge. */
async function shippingFen(tx: Db, countyId: string, orgId: string, subtotalFen: number, province: string) {
  const [shop] = await tx.select().from(marketShops).where(and(eq(marketShops.countyId, countyId), eq(marketShops.orgId, orgId)));
  const free = shop?.freeShippingOverFen != null && subtotalFen >= shop.freeShippingOverFen;
  return (free ? 0 : (shop?.shippingBaseFen ?? 1000)) + (isRemote(province) ? (shop?.remoteSurchargeFen ?? 1500) : 0);
}

export interface SetAsideOrderInput {
  variantId: string;
  /** The price the other module sold the unit at (integer fen). */
  unitPriceFen: number;
  address: ShippingAddress;
  /** One order per key and buyer: asking again answers the same order. */
  idempotencyKey: string;
  /** Until when the order may be paid; then it is cancelled and its unit returns to the variant's stock. */
  reservedUntil: Date;
}

/**
 * Makes a pending order of one unit the caller had set aside, in the caller's transaction: the order, its line and
 * a held reservation of the unit (the stock is not taken again). Shipping follows the shop's rule. Answers the
 * order's id (the earlier one for a repeated key).
 */
export async function orderSetAsideUnit(tx: Db, buyer: Actor, input: SetAsideOrderInput): Promise<{ orderId: string; created: boolean }> {
  const [earlier] = await tx
    .select({ id: marketOrders.id })
    .from(marketOrders)
    .where(and(eq(marketOrders.buyerId, buyer.id), eq(marketOrders.idempotencyKey, input.idempotencyKey)));
  if (earlier) return { orderId: earlier.id, created: false };
  const [line] = await tx
    .select({ countyId: marketVariants.countyId, label: marketVariants.label, batchId: marketVariants.batchId, orgId: marketProducts.orgId, name: marketProducts.name })
    .from(marketVariants)
    .innerJoin(marketProducts, and(eq(marketProducts.countyId, marketVariants.countyId), eq(marketProducts.id, marketVariants.productId)))
    .where(eq(marketVariants.id, input.variantId));
  if (!line) throw badRequest('variantId', 'No such product');
  const shipping = await shippingFen(tx, line.countyId, line.orgId, input.unitPriceFen, input.address.province);
  const orderId = uuidv7();
  await tx.insert(marketOrders).values({
    id: orderId,
    countyId: line.countyId,
    buyerId: buyer.id,
    orgId: line.orgId,
    idempotencyKey: input.idempotencyKey,
    subtotalFen: input.unitPriceFen,
    shippingFen: shipping,
    totalFen: input.unitPriceFen + shipping,
    address: input.address,
    reservedUntil: input.reservedUntil,
  });
  await tx.insert(marketOrderItems).values({
    countyId: line.countyId,
    orderId,
    variantId: input.variantId,
    batchId: line.batchId,
    productName: line.name,
    variantLabel: line.label,
    qty: 1,
    unitPriceFen: input.unitPriceFen,
    lineFen: input.unitPriceFen,
  });
  await tx.insert(marketReservations).values({ countyId: line.countyId, orderId, variantId: input.variantId, qty: 1, expiresAt: input.reservedUntil });
  await recordAudit(tx, buyer, { action: 'order.create', entity: 'market_order', entityId: orderId, details: { totalFen: input.unitPriceFen + shipping, setAside: true } });
  return { orderId, created: true };
}

/**
 * Cancels an order if it is still unpaid, giving its units back to stock (audited as an expiry). Answers the
 * order's status afterwards: `cancelled`, or what it already was (`paid` and later: it was paid in time).
 */
export async function expireUnpaidOrder(tx: Db, orderId: string): Promise<OrderStatus | null> {
  const [cancelled] = await tx
    .update(marketOrders)
    .set({ status: 'cancelled', cancelledAt: new Date() })
    .where(and(eq(marketOrders.id, orderId), eq(marketOrders.status, 'pending')))
    .returning({ countyId: marketOrders.countyId });
  if (cancelled) {
    await releaseStock(tx, [orderId], 'held');
    await recordAudit(tx, { id: null, countyId: cancelled.countyId }, { action: 'order.expire', entity: 'market_order', entityId: orderId });
    return 'cancelled';
  }
  const [row] = await tx.select({ status: marketOrders.status }).from(marketOrders).where(eq(marketOrders.id, orderId));
  return row?.status ?? null;
}

type PaidListener = (tx: Db, order: { id: string; paymentId: string }) => Promise<void>;
const paidListeners: PaidListener[] = [];

/** Another module that handed units to orders is told, in the payment's transaction, when an order is paid. */
export function whenOrderPaid(listener: PaidListener): void {
  if (!paidListeners.includes(listener)) paidListeners.push(listener);
}

export async function orderPaid(tx: Db, order: { id: string; paymentId: string }) {
  for (const listener of paidListeners) await listener(tx, order);
}

