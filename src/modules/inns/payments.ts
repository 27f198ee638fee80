/**
 * Bookings and money. Until the Market's payment service exists this is a local stand-in with the same
 * shape: a sandbox page at /inns/pay/:bookingId whose "pay" button calls `sandboxPay`, which runs the very
 * `confirmPaidBooking` the Market's `onPaid` callback will run, inside one transaction.
 */
import { uuidv7 } from 'uuidv7';
import type { Db } from '../../db/handle.ts';
import type { Actor } from '../governance/permissions.ts';
import { bookingForPayment, cancelBooking, confirmPaidBooking } from './service.ts';

export async function startBookingPayment(db: Db, actor: Actor | null, bookingId: string) {
  const { booking } = await bookingForPayment(db, actor, bookingId);
  return { paymentId: null as string | null, redirectUrl: `/inns/pay/${booking.id}` };
}

/** The local sandbox: pays the held booking at once. */
export async function sandboxPay(db: Db, actor: Actor | null, bookingId: string) {
  await bookingForPayment(db, actor, bookingId);
  const paymentId = uuidv7();
  return db.transaction((tx) => confirmPaidBooking(tx, bookingId, paymentId));
}

/** Cancels, then refunds what the policy gives through the payment provider. */
export async function cancelAndRefund(db: Db, actor: Actor | null, bookingId: string) {
  const outcome = await cancelBooking(db, actor, bookingId);
  return outcome;
}
