// The logistics API's answers, as its routes declare them (see src/web/api-types.ts), and small helpers for its pages.
import type { Reply } from '../../api.ts';

export type DeliveryRequest = Reply<'listDeliveryRequests'>[number];
export type Depot = Reply<'listDepots'>[number];
export type Vehicle = Reply<'listVehicles'>[number];
export type PlanSummary = Reply<'listPlans'>[number];
export type Plan = Reply<'getPlan'>;
type PlanResult = NonNullable<Plan['result']>;
export type PlanRoute = NonNullable<PlanResult['routes']>[number];
export type PlanStop = Plan['stops'][number];
export type Figures = NonNullable<PlanResult['figures']>;

/** Minutes after midnight as HH:MM. */
export const hhmm = (min: number) => `${String(Math.floor(min / 60)).padStart(2, '0')}:${String(min % 60).padStart(2, '0')}`;
/** HH:MM as minutes after midnight. */
export const minutes = (s: string) => {
  const [h, m] = s.split(':').map(Number);
  return h * 60 + m;
};
/** A time of day in the county (China Standard Time). */
export const clock = (iso: string) => new Date(iso).toLocaleTimeString('en-GB', { timeZone: 'Asia/Shanghai', hour: '2-digit', minute: '2-digit', hour12: false });
/** Minutes after the county's midnight of that instant. */
export const minuteOfDay = (iso: string) => {
  const d = new Date(new Date(iso).getTime() + 8 * 3600_000);
  return d.getUTCHours() * 60 + d.getUTCMinutes();
};
/** Tomorrow's date in the county. */
export const tomorrow = () => new Date(Date.now() + 8 * 3600_000 + 86_400_000).toISOString().slice(0, 10);

/** One colour per route, the same on the map and the timeline. */
export const ROUTE_COLOURS = ['#2f6b3a', '#c8882a', '#3a6ea5', '#a33b5b', '#6b4fa3', '#2a8c8c', '#8c6a2a', '#555555'];
