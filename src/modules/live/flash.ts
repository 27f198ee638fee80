// Flash offers: the host pins a variant with a small quota at a special price; each buyer may hold one unit, paid
// through the payments module (purpose 'flash_offer'); unpaid holds are released by a job and return to the quota.
// The quota is enforced by the database alone: `UPDATE … SET remaining = remaining - 1 WHERE remaining >= 1`.
import { and, eq, lt, sql, type SQL } from 'drizzle-orm';
import type { Db } from '../../db/handle.ts';
import { recordAudit } from '../../server/audit.ts';
import { badRequest, conflict, forbidden, notFound } from '../../server/problems.ts';
import { requireActor, type Actor } from '../governance/index.ts';
import { getProduct, returnStock, setAsideStock } from '../market/index.ts';
import { createPayment, registerPaymentPurpose } from '../payments/index.ts';
import { publishLiveEvent } from './realtime.ts';
import { hostedSession, iso, offerView } from './sessions.ts';
import { liveFlashClaims, liveFlashOffers, liveSessionProducts, liveSessions } from './schema.ts';

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
  if (session.status === 'ended') throw conflict('session_ended', 'The session has ended');
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

/** Holds one unit for the buyer and starts its payment: answers the payment page to send the buyer to. */
export async function claimOffer(db: Db, actor: Actor | null, offerId: string) {
  const who = requireActor(actor);
  const offer = await offerRow(db, offerId);
  const [mine] = await db
    .select()
    .from(liveFlashClaims)
    .where(and(eq(liveFlashClaims.countyId, offer.countyId), eq(liveFlashClaims.offerId, offerId), eq(liveFlashClaims.buyerId, who.id), sql`${liveFlashClaims.status} <> 'released'`));
  if (mine?.status === 'paid') throw conflict('already_claimed', 'You already have this offer');
  const claim = mine ?? (await holdUnit(db, who, offer));
  // The session's organization is owed the money (its settlement statement counts the claim).
  const [host] = await db.select({ orgId: liveSessions.orgId }).from(liveSessions).where(eq(liveSessions.id, offer.sessionId));
  const payment = await createPayment(db, who, { purpose: 'flash_offer', referenceId: claim.id, countyId: offer.countyId, payeeOrgId: host?.orgId, amountFen: claim.amountFen, description: offer.label });
  return { claimId: claim.id, status: claim.status, expiresAt: iso(claim.expiresAt)!, ...payment };
}

export async function getClaim(db: Db, actor: Actor | null, claimId: string) {
  const who = requireActor(actor);
  const [row] = await db
    .select({ claim: liveFlashClaims, offer: liveFlashOffers })
    .from(liveFlashClaims)
    .innerJoin(liveFlashOffers, and(eq(liveFlashOffers.countyId, liveFlashClaims.countyId), eq(liveFlashOffers.id, liveFlashClaims.offerId)))
    .where(eq(liveFlashClaims.id, claimId));
  if (!row) throw notFound('Claim');
  if (row.claim.buyerId !== who.id) throw forbidden();
  return { id: row.claim.id, status: row.claim.status, amountFen: row.claim.amountFen, label: row.offer.label, sessionId: row.offer.sessionId, expiresAt: iso(row.claim.expiresAt)! };
}

/** Marks a held claim paid in the payment's transaction; a claim already released is refunded in full. */
export async function confirmPaidClaim(tx: Db, claimId: string, paymentId: string): Promise<void | 'refund'> {
  const [paid] = await tx
    .update(liveFlashClaims)
    .set({ status: 'paid', paymentId })
    .where(and(eq(liveFlashClaims.id, claimId), eq(liveFlashClaims.status, 'held')))
    .returning();
  if (!paid) return 'refund';
  await recordAudit(tx, { id: paid.buyerId, countyId: paid.countyId }, { action: 'live.offer.paid', entity: 'live_flash_claim', entityId: claimId, details: { paymentId } });
}

registerPaymentPurpose('flash_offer', {
  onPaid: confirmPaidClaim,
  returnUrl: (claimId) => `/live/claims/${claimId}`,
});

/** Returns unpaid claims past their time to their offers' quotas (each release audited and announced). */
export async function releaseExpiredClaims(db: Db, now = new Date(), limit = 500): Promise<number> {
  const due = await db
    .select({ id: liveFlashClaims.id, countyId: liveFlashClaims.countyId })
    .from(liveFlashClaims)
    .where(and(eq(liveFlashClaims.status, 'held'), lt(liveFlashClaims.expiresAt, now)))
    .limit(limit);
  let released = 0;
  for (const { id, countyId } of due) {
    await db.transaction(async (tx) => {
      const [claim] = await tx
        .update(liveFlashClaims)
        .set({ status: 'released' })
        .where(and(eq(liveFlashClaims.countyId, countyId), eq(liveFlashClaims.id, id), eq(liveFlashClaims.status, 'held')))
        .returning();
      if (!claim) return;
      // Back to an open offer's quota; a closed offer's unit goes back to the market's stock.
      const [reopened] = await tx
        .update(liveFlashOffers)
        .set({ remaining: sql`${liveFlashOffers.remaining} + 1` })
        .where(and(eq(liveFlashOffers.countyId, countyId), eq(liveFlashOffers.id, claim.offerId), eq(liveFlashOffers.status, 'open')))
        .returning();
      const offer = reopened ?? (await offerRow(tx, claim.offerId));
      if (!reopened) await returnStock(tx, offer.variantId, 1);
      await recordAudit(tx, { id: null, countyId }, { action: 'live.offer.release', entity: 'live_flash_claim', entityId: id, details: { offerId: claim.offerId } });
      await publishLiveEvent(tx, { sessionId: offer.sessionId, type: 'offer', data: offerView(offer) });
      released++;
    });
  }
  return released;
}
