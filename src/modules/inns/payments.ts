/**
 * Bookings and money, through the Market's payment service (src/modules/market/payments/service.ts):
 * a held booking starts a payment; the payment's `onPaid` confirms the booking in the payment's own
 * transaction; a cancellation refunds what the inn's policy gives.
 */
import { AsyncLocalStorage } from 'node:async_hooks';
import { eq } from 'drizzle-orm';
import type { Db } from '../../db/handle.ts';
import { notFound, Problem } from '../../server/problems.ts';
import { authorize, requireActor, type Actor } from '../governance/index.ts';
import { createPayment, getPaymentRecord, refundPayment, registerPaymentPurpose } from '../payments/index.ts';
import { bookings, inns } from './schema.ts';
import { bookingForPayment, cancelBooking, confirmPaidBooking, recordBookingRefund } from './service.ts';

/** Set while this module issues the refund a cancellation's policy decided, so that the guest may trigger exactly that refund. */
const policyRefund = new AsyncLocalStorage<string>();

registerPaymentPurpose('booking', {
  async onPaid(tx, bookingId, paymentId) {
    const outcome = await confirmPaidBooking(tx, bookingId, paymentId);
    // Paid after the hold was lost to someone else, or after a cancel: the money goes back in full.
    return outcome.refundDue ? 'refund' : undefined;
  },
  async onRefunded(tx, bookingId, paymentId) {
    const payment = await getPaymentRecord(tx, paymentId);
    if (!payment) return;
    const [b] = await tx.select({ refundFen: bookings.refundFen }).from(bookings).where(eq(bookings.id, bookingId));
    if (b && payment.refundedFen > b.refundFen) await recordBookingRefund(tx, bookingId, payment.refundedFen - b.refundFen);
  },
  async authorizeRefund(db, actor, bookingId) {
    const who = requireActor(actor);
    const [row] = await db.select({ b: bookings, orgId: inns.orgId }).from(bookings).innerJoin(inns, eq(inns.id, bookings.innId)).where(eq(bookings.id, bookingId));
    if (!row) throw notFound('Booking');
    if (policyRefund.getStore() === bookingId && row.b.guestId === who.id) return who;
    return authorize(db, who, 'inns.manage', { orgId: row.orgId });
  },
  returnUrl: () => '/inns/bookings?paid=1',
});

/** Starts paying a held booking: answers the payment page to send the guest to. */
export async function startBookingPayment(db: Db, actor: Actor | null, bookingId: string) {
  const { booking, payeeOrgId, description } = await bookingForPayment(db, actor, bookingId);
  return createPayment(db, actor, { purpose: 'booking', referenceId: booking.id, countyId: booking.countyId, payeeOrgId, amountFen: booking.amountFen, description });
}

/**
 * Cancels, then asks the refund the policy gives (the `payments.refund` job sends it to the provider, retrying; its
 * state shows in the guest's bookings). If asking fails after the cancellation committed (the provider switched off),
 * the booking keeps the refund due (`refundFen`) and the answer says `refundIssued: false`; the inn or the county
 * administrator can issue it from the payment.
 */
export async function cancelAndRefund(db: Db, actor: Actor | null, bookingId: string) {
  const outcome = await cancelBooking(db, actor, bookingId);
  let refundIssued = false;
  if (outcome.refundFen > 0 && outcome.paymentId) {
    const paymentId = outcome.paymentId;
    try {
      await policyRefund.run(bookingId, () => refundPayment(db, actor, paymentId, outcome.refundFen, 'booking cancelled'));
      refundIssued = true;
    } catch (error) {
      if (!(error instanceof Problem)) throw error;
    }
  }
  return { ...outcome, refundIssued };
}

