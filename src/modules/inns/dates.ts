/**
 * Hotel dates: calendar dates (`YYYY-MM-DD`) in the inn's zone, Asia/Shanghai (UTC+8, no daylight saving).
 * A stay is the half-open range of nights `[checkIn, checkOut)`.
 */
export const HOTEL_ZONE = 'Asia/Shanghai';
const DATE = /^(\d{4})-(\d{2})-(\d{2})$/;

const formatter = new Intl.DateTimeFormat('en-CA', { timeZone: HOTEL_ZONE, year: 'numeric', month: '2-digit', day: '2-digit' });

/** The hotel date at an instant: 2026-01-31T16:30Z is already 2026-02-01 in Songyang. */
export function hotelDate(at: Date): string {
  return formatter.format(at);
}

export function isValidDate(s: string): boolean {
  const m = DATE.exec(s);
  if (!m) return false;
  const d = new Date(Date.UTC(+m[1], +m[2] - 1, +m[3]));
  return d.getUTCFullYear() === +m[1] && d.getUTCMonth() === +m[2] - 1 && d.getUTCDate() === +m[3];
}

const toUtc = (s: string) => Date.parse(`${s}T00:00:00Z`);
const fromUtc = (ms: number) => new Date(ms).toISOString().slice(0, 10);

export function addDays(s: string, days: number): string {
  return fromUtc(toUtc(s) + days * 86_400_000);
}

/** Whole days from a to b (b − a). */
export function daysBetween(a: string, b: string): number {
  return Math.round((toUtc(b) - toUtc(a)) / 86_400_000);
}

/** The nights of a stay: every date in [checkIn, checkOut). */
export function nightsOf(checkIn: string, checkOut: string): string[] {
  const out: string[] = [];
  for (let d = checkIn; d < checkOut; d = addDays(d, 1)) out.push(d);
  return out;
}

/** 0 Sunday … 6 Saturday, of the calendar date itself (no zone involved). */
export function weekday(s: string): number {
  return new Date(toUtc(s)).getUTCDay();
}

/** Friday and Saturday nights are weekend nights. */
export const isWeekendNight = (s: string) => weekday(s) === 5 || weekday(s) === 6;

/** The first day of the month of `s`, and of the month after. */
export function monthStart(s: string): string {
  return `${s.slice(0, 7)}-01`;
}
export function nextMonth(s: string): string {
  const [y, m] = [+s.slice(0, 4), +s.slice(5, 7)];
  return m === 12 ? `${y + 1}-01-01` : `${y}-${String(m + 1).padStart(2, '0')}-01`;
}
