/** Types of the inns API (from the routes' schemas) and small helpers shared by the inns pages. */
import type { Reply } from '../../api.ts';

/** A room as an inn's page shows it (the innkeeper's calendar adds its iCal token, a search its stay's total). */
export type RoomView = InnDetail['rooms'][number];
export type InnSummary = Reply<'listInns'>[number];
export type InnDetail = Reply<'getInn'>;
export type BookingView = Reply<'myBookings'>[number];
export type Status = BookingView['status'];
export type SearchResult = Reply<'searchInns'>;

export const innPhotoUrl = (id: string, size: 'thumb' | 'full' = 'thumb') => `/api/v1/inns/photos/${id}?size=${size}`;

/** Integer fen as ¥12.34 (whole yuan without decimals). */
export const yuan = (fen: number) => `¥${fen % 100 === 0 ? (fen / 100).toString() : (fen / 100).toFixed(2)}`;

const fmt = new Intl.DateTimeFormat('en-CA', { timeZone: 'Asia/Shanghai', year: 'numeric', month: '2-digit', day: '2-digit' });
/** Today as a hotel date in Asia/Shanghai, whatever the browser's zone. */
export const hotelToday = () => fmt.format(new Date());
export const addDays = (s: string, n: number) => new Date(Date.parse(`${s}T00:00:00Z`) + n * 86_400_000).toISOString().slice(0, 10);
