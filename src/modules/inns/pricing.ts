/** Prices and refunds: pure functions of the room's rates and the inn's policy. Money is integer fen. */
import { daysBetween, isWeekendNight, nightsOf } from './dates.ts';

export interface RoomRates {
  nightlyFen: number;
  weekendFen: number | null;
}
export interface SeasonalRate extends RoomRates {
  startDate: string;
  endDate: string; // exclusive
}

/** The price of one night: a seasonal rate covering it (the latest-starting one wins), else the room's; weekend price on Friday and Saturday nights. */
export function nightPrice(room: RoomRates, seasons: SeasonalRate[], night: string): number {
  const season = seasons
    .filter((s) => s.startDate <= night && night < s.endDate)
    .sort((a, b) => (a.startDate < b.startDate ? 1 : -1))[0];
  const rates = season ?? room;
  return isWeekendNight(night) && rates.weekendFen ? rates.weekendFen : rates.nightlyFen;
}

export function quote(room: RoomRates, seasons: SeasonalRate[], checkIn: string, checkOut: string) {
  const nights = nightsOf(checkIn, checkOut).map((date) => ({ date, fen: nightPrice(room, seasons, date) }));
  return { nights, totalFen: nights.reduce((s, n) => s + n.fen, 0) };
}

export interface RefundPolicy {
  fullRefundDays: number;
  partialRefundDays: number;
  partialRefundPercent: number;
}

/** What a guest who cancels on hotel date `today` gets back of `amountFen` for a stay starting `checkIn`. */
export function refundFor(policy: RefundPolicy, amountFen: number, today: string, checkIn: string): number {
  const daysBefore = daysBetween(today, checkIn);
  if (daysBefore >= policy.fullRefundDays) return amountFen;
  if (daysBefore >= policy.partialRefundDays) return Math.floor((amountFen * policy.partialRefundPercent) / 100);
  return 0;
}
