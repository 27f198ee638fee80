/** Types of the inns API and small helpers shared by the inns pages. */

export interface RoomView {
  id: string;
  innId: string;
  name: string;
  type: 'single' | 'double' | 'twin' | 'family' | 'suite' | 'dorm';
  capacity: number;
  beds: string;
  description: string;
  nightlyFen: number;
  weekendFen: number | null;
  totalFen?: number;
  icalToken?: string;
}
export interface InnSummary {
  id: string;
  unitId: string;
  name: string;
  nameEn: string | null;
  namePinyin: string;
  storyAfter: string;
  amenities: string[];
  fromFen: number | null;
  roomCount: number;
  rating: number | null;
  reviewCount: number;
  photoId: string | null;
}
/** A photo the innkeeper uploaded, of the inn or (roomId) of one room. */
export interface InnPhoto {
  id: string;
  roomId: string | null;
  caption: string;
  width: number;
  height: number;
}
export interface InnDetail {
  id: string;
  orgId: string;
  unitId: string;
  namePinyin: string;
  name: string;
  nameEn: string | null;
  storyBefore: string;
  storyAfter: string;
  amenities: string[];
  photos: string[];
  gallery: InnPhoto[];
  houseRules: string;
  address: string;
  fullRefundDays: number;
  partialRefundDays: number;
  partialRefundPercent: number;
  rooms: RoomView[];
  reviews: { id: string; rating: number; body: string; createdAt: string }[];
  buildings: HouseRecord[];
}
/** A linked house's Atlas record (only the id when the public cannot see it). */
export interface HouseRecord {
  id: string;
  name: string | null;
  type?: string;
  era?: string | null;
  buildYear?: number | null;
  protectionLevel?: string;
  structure?: string | null;
  materials?: string | null;
  notes?: string | null;
  history?: { grade: number; assessedOn: string }[];
  photos?: { id: string; caption: string | null }[];
}
export type Status = 'held' | 'confirmed' | 'checked_in' | 'completed' | 'cancelled' | 'expired' | 'blocked';
export interface BookingView {
  id: string;
  innId: string;
  roomId: string;
  checkIn: string;
  checkOut: string;
  guests: number;
  status: Status;
  amountFen: number;
  refundFen: number;
  holdExpiresAt: string | null;
  innName?: string;
  roomName?: string;
  reviewed?: boolean;
  holdActive?: boolean;
  /** The booking's refunds as they go through (the guest's bookings). */
  refunds?: { id: string; amountFen: number; status: 'pending' | 'succeeded' | 'failed' }[];
}
export interface SearchResult {
  checkIn: string;
  checkOut: string;
  nights: number;
  inns: { id: string; name: string; nameEn: string | null; namePinyin: string; unitId: string; storyAfter: string; photoId: string | null; rooms: RoomView[] }[];
}

export const innPhotoUrl = (id: string, size: 'thumb' | 'full' = 'thumb') => `/api/v1/inns/photos/${id}?size=${size}`;

/** Integer fen as ¥12.34 (whole yuan without decimals). */
export const yuan = (fen: number) => `¥${fen % 100 === 0 ? (fen / 100).toString() : (fen / 100).toFixed(2)}`;

const fmt = new Intl.DateTimeFormat('en-CA', { timeZone: 'Asia/Shanghai', year: 'numeric', month: '2-digit', day: '2-digit' });
/** Today as a hotel date in Asia/Shanghai, whatever the browser's zone. */
export const hotelToday = () => fmt.format(new Date());
export const addDays = (s: string, n: number) => new Date(Date.parse(`${s}T00:00:00Z`) + n * 86_400_000).toISOString().slice(0, 10);
