// Flash offers: the host pins a variant with a small quota at a special price; each buyer may hold one unit, paid
// as a Market order (delivery address, payments module); unpaid holds are released by a job and return to the quota.
// The quota is enforced by the database alone: `UPDATE … SET remaining = remaining - 1 WHERE remaining >= 1`.
import { and, eq, lt, sql, type SQL } from 'drizzle-orm';
import type { Db } from '../../db/handle.ts';
import { recordAudit } from '../../server/audit.ts';
import { badRequest, conflict, notFound, refusedTransition } from '../../server/problems.ts';
import { requireActor, type Actor } from '../governance/index.ts';
import { expireUnpaidOrder, getProduct, orderSetAsideUnit, payOrder, returnStock, setAsideStock, whenOrderPaid, type ShippingAddress } from '../market/index.ts';
import { publishLiveEvent } from './realtime.ts';
import { hostedSession, iso, offerView } from './sessions.ts';
import { liveFlashClaims, liveFlashOffers, liveSessionProducts } from './schema.ts';

/** How long a buyer has to pay for a claimed unit before it returns to the quota. */
export const claimHoldMinutes = () => Number(process.env.LIVE_FLASH_HOLD_MINUTES ?? 5);

export interface OfferInput {
  productId: string;
  variantId: string;
  priceFen: number;
  quota: number;
  durationMinutes?: number;
}

export async function createOffer(db: Db, actor: Actor | null, sessionId: string, input: OfferInput) {
  const { who, session } = await hostedSession(db, actor, sessionId);
  if (session.status === 'ended') throw refusedTransition('The session has ended', 'ended');
  const [link] = await db
    .select()
    .from(liveSessionProducts)
    .where(and(eq(liveSessionProducts.countyId, session.countyId), eq(liveSessionProducts.sessionId, sessionId), eq(liveSessionProducts.productId, input.productId)));
  if (!link) throw badRequest('productId', 'Not a product of this session');
  const product = await getProduct(db, input.productId);
  const variant = product.variants.find((v) => v.id === input.variantId);
  if (!variant) throw badRequest('variantId', 'Not a variant of this product on sale');
  if (input.priceFen > variant.priceFen) throw badRequest('priceFen', 'A flash price may not exceed the regular price');
  return db.transaction(async (tx) => {
    // The quota comes out of the market's stock: what the offer holds cannot be sold again in the shop.
    await setAsideStock(tx, variant.id, input.quota);
    const [offer] = await tx
      .insert(liveFlashOffers)
      .values({
        countyId: session.countyId,
        sessionId,
        productId: product.id,
        variantId: variant.id,
        label: `${product.name} · ${variant.label}`,
        priceFen: input.priceFen,
        regularPriceFen: variant.priceFen,
        quota: input.quota,
        remaining: input.quota,
        endsAt: input.durationMinutes ? new Date(Date.now() + input.durationMinutes * 60_000) : null,
      })
      .returning();
    const view = offerView(offer);
    await recordAudit(tx, who, { action: 'live.offer.create', entity: 'live_flash_offer', entityId: offer.id, details: { sessionId, priceFen: input.priceFen, quota: input.quota } });
    await publishLiveEvent(tx, { sessionId, type: 'offer', data: view });
    return view;
  });
}

export async function closeOffer(db: Db, actor: Actor | null, offerId: string) {
  const offer = await offerRow(db, offerId);
  const { who } = await hostedSession(db, actor, offer.sessionId);
  return db.transaction(async (tx) => {
    const closed = (await closeOffersTx(tx, offer.countyId, eq(liveFlashOffers.id, offerId)))[0] ?? (await offerRow(tx, offerId));
    await recordAudit(tx, who, { action: 'live.offer.close', entity: 'live_flash_offer', entityId: offerId });
    await publishLiveEvent(tx, { sessionId: offer.sessionId, type: 'offer', data: offerView(closed) });
    return offerView(closed);
  });
}

/**
 * Closes open offers: what they had not handed out goes back to the market's stock (their `remaining` becomes 0;
 * units still held by buyers go back when released). Answers the offers it closed.
 */
export async function closeOffersTx(tx: Db, countyId: string, which: SQL | undefined) {
  const open = await tx
    .select()
    .from(liveFlashOffers)
    .where(and(eq(liveFlashOffers.countyId, countyId), eq(liveFlashOffers.status, 'open'), which))
    .orderBy(liveFlashOffers.id)
    .for('update');
  const closed = [];
  for (const o of open) {
    const [row] = await tx
      .update(liveFlashOffers)
      .set({ status: 'closed', remaining: 0 })
      .where(and(eq(liveFlashOffers.countyId, countyId), eq(liveFlashOffers.id, o.id)))
      .returning();
    await returnStock(tx, o.variantId, o.remaining);
    closed.push(row);
  }
  return closed;
}

/** Offers whose duration is over are closed by the job (their unhanded units go back to stock), and announced. */
export async function closeEndedOffers(db: Db, now = new Date()): Promise<number> {
  const due = await db
    .select({ id: liveFlashOffers.id, countyId: liveFlashOffers.countyId })
    .from(liveFlashOffers)
    .where(and(eq(liveFlashOffers.status, 'open'), lt(liveFlashOffers.endsAt, now)))
    .limit(500);
  let n = 0;
  for (const { id, countyId } of due) {
    await db.transaction(async (tx) => {
      const [closed] = await closeOffersTx(tx, countyId, eq(liveFlashOffers.id, id));
      if (!closed) return;
      await recordAudit(tx, { id: null, countyId }, { action: 'live.offer.close', entity: 'live_flash_offer', entityId: id, details: { reason: 'ended' } });
      await publishLiveEvent(tx, { sessionId: closed.sessionId, type: 'offer', data: offerView(closed) });
      n++;
    });
  }
  return n;
}

async function offerRow(db: Db, offerId: string) {
  const [offer] = await db.select().from(liveFlashOffers).where(eq(liveFlashOffers.id, offerId));
  if (!offer) throw notFound('Offer');
  return offer;
}

/** A claim races others only in the database: the conditional decrement and the one-per-buyer unique index. */
async function holdUnit(db: Db, who: Actor, offer: typeof liveFlashOffers.$inferSelect) {
  return db.transaction(async (tx) => {
    const [taken] = await tx
      .update(liveFlashOffers)
      .set({ remaining: sql`${liveFlashOffers.remaining} - 1` })
      .where(
        and(
          eq(liveFlashOffers.countyId, offer.countyId),
          eq(liveFlashOffers.id, offer.id),
          eq(liveFlashOffers.status, 'open'),
          sql`${liveFlashOffers.remaining} >= 1`,
          sql`(${liveFlashOffers.endsAt} is null or ${liveFlashOffers.endsAt} > now())`,
        ),
      )
      .returning();
    if (!taken) throw conflict('sold_out', 'This offer is sold out or over');
    const [claim] = await tx
      .insert(liveFlashClaims)
      .values({ countyId: offer.countyId, offerId: offer.id, buyerId: who.id, amountFen: offer.priceFen, expiresAt: new Date(Date.now() + claimHoldMinutes() * 60_000) })
      .onConflictDoNothing()
      .returning();
    // Already holding one: throwing rolls the decrement back with the transaction.
    if (!claim) throw conflict('already_claimed', 'You already have this offer');
    await recordAudit(tx, who, { action: 'live.offer.claim', entity: 'live_flash_claim', entityId: claim.id, details: { offerId: offer.id } });
    await publishLiveEvent(tx, { sessionId: offer.sessionId, type: 'offer', data: offerView(taken) });
    // The last unit: every viewer is told at once, with the same commit.
    if (taken.remaining === 0) await publishLiveEvent(tx, { sessionId: offer.sessionId, type: 'sold_out', data: { offerId: offer.id } });
    return claim;
  });
}

/** Holds one unit for the buyer (or answers the unit they already hold): they then give a delivery address and pay. */
export async function claimOffer(db: Db, actor: Actor | null, offerId: string) {
  const who = requireActor(actor);
  const offer = await offerRow(db, offerId);
  const [mine] = await db
    .select()
    .from(liveFlashClaims)
    .where(and(eq(liveFlashClaims.countyId, offer.countyId), eq(liveFlashClaims.offerId, offerId), eq(liveFlashClaims.buyerId, who.id), sql`${liveFlashClaims.status} <> 'released'`));
  if (mine?.status === 'paid') throw conflict('already_claimed', 'You already have this offer');
  const claim = mine ?? (await holdUnit(db, who, offer));
  return { claimId: claim.id, status: claim.status, expiresAt: iso(claim.expiresAt)! };
}

async function claimOf(db: Db, who: Actor, claimId: string) {
  const [row] = await db
    .select({ claim: liveFlashClaims, offer: liveFlashOffers })
    .from(liveFlashClaims)
    .innerJoin(liveFlashOffers, and(eq(liveFlashOffers.countyId, liveFlashClaims.countyId), eq(liveFlashOffers.id, liveFlashClaims.offerId)))
    .where(eq(liveFlashClaims.id, claimId));
  // Someone else's claim is answered as if it did not exist.
  if (!row || row.claim.buyerId !== who.id) throw notFound('Claim');
  return row;
}

export async function getClaim(db: Db, actor: Actor | null, claimId: string) {
  const { claim, offer } = await claimOf(db, requireActor(actor), claimId);
  return {
    id: claim.id,
    status: claim.status,
    amountFen: claim.amountFen,
    label: offer.label,
    sessionId: offer.sessionId,
    expiresAt: iso(claim.expiresAt)!,
    orderId: claim.orderId,
  };
}

/**
 * The buyer turns a held unit into a Market order with their delivery address (once: asking again answers the same
 * order) and starts paying it through the payments module, as any market order. The order may be paid until the
 * claim expires; paid, the claim is paid with it (`whenOrderPaid`).
 */
export async function orderClaim(db: Db, actor: Actor | null, claimId: string, address: ShippingAddress) {
  const who = requireActor(actor);
  const { claim, offer } = await claimOf(db, who, claimId);
  if (claim.status !== 'held') throw refusedTransition(`A claim that is ${claim.status} cannot be ordered`, claim.status);
  if (claim.expiresAt.getTime() <= Date.now()) throw conflict('claim_expired', 'The time to pay for this unit is over');
  const orderId =
    claim.orderId ??
    (await db.transaction(async (tx) => {
      const [locked] = await tx
        .select()
        .from(liveFlashClaims)
        .where(and(eq(liveFlashClaims.countyId, claim.countyId), eq(liveFlashClaims.id, claim.id), eq(liveFlashClaims.status, 'held')))
        .for('update');
      if (!locked) throw refusedTransition('The claim is no longer held', 'released');
      if (locked.orderId) return locked.orderId;
      // The unit set aside for the offer becomes the order's reservation: from now on the order holds it.
      const placed = await orderSetAsideUnit(tx, who, { variantId: offer.variantId, unitPriceFen: claim.amountFen, address, idempotencyKey: `live-claim:${claim.id}`, reservedUntil: claim.expiresAt });
      await tx.update(liveFlashClaims).set({ orderId: placed.orderId }).where(and(eq(liveFlashClaims.countyId, claim.countyId), eq(liveFlashClaims.id, claim.id)));
      await recordAudit(tx, who, { action: 'live.offer.order', entity: 'live_flash_claim', entityId: claim.id, details: { orderId: placed.orderId } });
      return placed.orderId;
    }));
  return { orderId, ...(await payOrder(db, who, orderId)) };
}

/** A claim's order was paid (in the payment's transaction): the claim is paid, and the host's figures move. */
whenOrderPaid(async (tx, order) => {
  const [paid] = await tx
    .update(liveFlashClaims)
    .set({ status: 'paid', paymentId: order.paymentId })
    .where(and(eq(liveFlashClaims.orderId, order.id), eq(liveFlashClaims.status, 'held')))
    .returning();
  if (!paid) return;
  await recordAudit(tx, { id: paid.buyerId, countyId: paid.countyId }, { action: 'live.offer.paid', entity: 'live_flash_claim', entityId: paid.id, details: { paymentId: order.paymentId, orderId: order.id } });
  const offer = await offerRow(tx, paid.offerId);
  await publishLiveEvent(tx, { sessionId: offer.sessionId, type: 'offer', data: offerView(offer) });
});

/** Takes a unit back from the market's stock for an open offer; false when the shop sold it meanwhile. */
async function takeBackUnit(tx: Db, variantId: string) {
  try {
    await setAsideStock(tx, variantId, 1);
    return true;
  } catch {
    return false;
  }
}

/**
 * Returns unpaid claims past their time to their offers' quotas (each release audited and announced). A claim handed
 * to an order cancels that order first (its row is locked before the claim's, as a payment does): the order gives the
 * unit back to the market's stock, and an open offer takes it back from there.
 */
export async function releaseExpiredClaims(db: Db, now = new Date(), limit = 500): Promise<number> {
  const due = await db
    .select({ id: liveFlashClaims.id, countyId: liveFlashClaims.countyId, orderId: liveFlashClaims.orderId })
    .from(liveFlashClaims)
    .where(and(eq(liveFlashClaims.status, 'held'), lt(liveFlashClaims.expiresAt, now)))
    .limit(limit);
  let released = 0;
  for (const { id, countyId, orderId } of due) {
    await db.transaction(async (tx) => {
      const orderStatus = orderId ? await expireUnpaidOrder(tx, orderId) : null;
      const paidInTime = orderStatus !== null && orderStatus !== 'cancelled';
      const [claim] = await tx
        .update(liveFlashClaims)
        .set({ status: paidInTime ? 'paid' : 'released' })
        .where(and(eq(liveFlashClaims.countyId, countyId), eq(liveFlashClaims.id, id), eq(liveFlashClaims.status, 'held')))
        .returning();
      if (!claim || paidInTime) return;
      const before = await offerRow(tx, claim.offerId);
      const reopen = before.status === 'open' && (!orderId || (await takeBackUnit(tx, before.variantId)));
      const [reopened] = reopen
        ? await tx
            .update(liveFlashOffers)
            .set({ remaining: sql`${liveFlashOffers.remaining} + 1` })
            .where(and(eq(liveFlashOffers.countyId, countyId), eq(liveFlashOffers.id, claim.offerId), eq(liveFlashOffers.status, 'open')))
            .returning()
        : [];
      const offer = reopened ?? before;
      // A closed offer's unit goes back to the market's stock (a cancelled order's is there already).
      if (!reopened && !orderId) await returnStock(tx, offer.variantId, 1);
      await recordAudit(tx, { id: null, countyId }, { action: 'live.offer.release', entity: 'live_flash_claim', entityId: id, details: { offerId: claim.offerId } });
      await publishLiveEvent(tx, { sessionId: offer.sessionId, type: 'offer', data: offerView(offer) });
      released++;
    });
  }
  return released;
}
