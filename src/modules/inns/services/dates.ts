import { badRequest } from '../../../server/problems.ts';
import { daysBetween, isValidDate } from '../dates.ts';
import { BOOKING_HORIZON_DAYS, MAX_NIGHTS, today } from './common.ts';

// ---- dates ----

export function checkStay(checkIn: string, checkOut: string, opts: { allowPast?: boolean } = {}) {
  if (!isValidDate(checkIn)) throw badRequest('checkIn', 'Not a date (YYYY-MM-DD)');
  if (!isValidDate(checkOut)) throw badRequest('checkOut', 'Not a date (YYYY-MM-DD)');
  if (checkOut <= checkIn) throw badRequest('checkOut', 'Check-out must be after check-in');
  if (!opts.allowPast) {
    const t = today();
    if (checkIn < t) throw badRequest('checkIn', `Check-in is in the past (today is ${t} in Asia/Shanghai)`);
    if (daysBetween(t, checkIn) > BOOKING_HORIZON_DAYS) throw badRequest('checkIn', 'Too far ahead');
    if (daysBetween(checkIn, checkOut) > MAX_NIGHTS) throw badRequest('checkOut', `At most ${MAX_NIGHTS} nights`);
  }
}
