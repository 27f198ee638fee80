// The inns module's tables. The no-double-booking invariant (an exclusion constraint over a generated
// `stay daterange` column) is hand-written in migrations/0001_booking_exclusion.sql.
import { sql } from 'drizzle-orm';
import { check, date, doublePrecision, foreignKey, index, integer, pgTable, primaryKey, text, timestamp, uniqueIndex, uuid, type AnyPgColumn } from 'drizzle-orm/pg-core';
import { uuidv7 } from 'uuidv7';
import { adminUnits, organizations, users } from '../governance/index.ts';
import { createdAt, inList, tenantId, photoFileColumns } from '../../db/columns.ts';

export const ROOM_TYPES = ['single', 'double', 'twin', 'family', 'suite', 'dorm'] as const;
export type RoomType = (typeof ROOM_TYPES)[number];

/** `blocked` is a closure or a date range imported from an external calendar: it occupies the room like a stay. */
export const BOOKING_STATUSES = ['held', 'confirmed', 'checked_in', 'completed', 'cancelled', 'expired', 'blocked'] as const;
export type BookingStatus = (typeof BOOKING_STATUSES)[number];
/** The statuses that occupy the room: the exclusion constraint covers exactly these. */
export const ACTIVE_STATUSES = ['held', 'confirmed', 'checked_in', 'completed', 'blocked'] as const;

/** Tenant tables are keyed by (id, county_id) (the county last: a lookup by id alone keeps its index) and refer to each other within the county (src/db/global-tables.ts). */
const pk = (t: { countyId: AnyPgColumn; id: AnyPgColumn }) => primaryKey({ columns: [t.id, t.countyId] });
const ofInn = (t: { countyId: AnyPgColumn; innId: AnyPgColumn }) => foreignKey({ columns: [t.countyId, t.innId], foreignColumns: [inns.countyId, inns.id] });
const ofRoom = (t: { countyId: AnyPgColumn; roomId: AnyPgColumn }) => foreignKey({ columns: [t.countyId, t.roomId], foreignColumns: [rooms.countyId, rooms.id] });

export const BLOCK_SOURCES = ['closure', 'ical'] as const;
export type BlockSource = (typeof BLOCK_SOURCES)[number];


/** An inn: one organization of kind 'inn', in a village, in one or more restored houses of the Atlas. */
export const inns = pgTable(
  'inns',
  {
    id: tenantId(),
    countyId: uuid('county_id')
      .notNull()
      .references(() => adminUnits.id),
    orgId: uuid('org_id')
      .notNull()
      .references(() => organizations.id),
    unitId: uuid('unit_id')
      .notNull()
      .references(() => adminUnits.id),
    name: text('name').notNull(),
    /** The name in English as the innkeeper entered it (English readers see it; else the pinyin). */
    nameEn: text('name_en'),
    /** Atlas building ids (resolved through the Atlas service). */
    buildingIds: uuid('building_ids').array().notNull().default(sql`'{}'::uuid[]`),
    storyBefore: text('story_before').notNull().default(''),
    storyAfter: text('story_after').notNull().default(''),
    amenities: text('amenities').array().notNull().default(sql`'{}'::text[]`),
    photos: text('photos').array().notNull().default(sql`'{}'::text[]`),
    houseRules: text('house_rules').notNull().default(''),
    address: text('address').notNull().default(''),
    lon: doublePrecision('lon'),
    lat: doublePrecision('lat'),
    /** Cancellation policy: a full refund this many days or more before check-in, `partialRefundPercent` from `partialRefundDays`. */
    fullRefundDays: integer('full_refund_days').notNull().default(7),
    partialRefundDays: integer('partial_refund_days').notNull().default(2),
    partialRefundPercent: integer('partial_refund_percent').notNull().default(50),
    holdMinutes: integer('hold_minutes').notNull().default(15),
    /** Name in Chinese, pinyin and initials, then the stories and address, lower-cased: what search matches. */
    searchText: text('search_text').notNull().default(''),
    createdAt: createdAt(),
  },
  (t) => [
    pk(t),
    uniqueIndex('inns_org_unique').on(t.orgId, t.countyId),
    index('inns_unit_idx').on(t.unitId),
    index('inns_search_idx').using('gin', sql`${t.searchText} gin_trgm_ops`),
    check('inns_policy_check', sql`${t.fullRefundDays} >= ${t.partialRefundDays} and ${t.partialRefundDays} >= 0 and ${t.partialRefundPercent} between 0 and 100`),
    check('inns_hold_check', sql`${t.holdMinutes} between 1 and 1440`),
  ],
);

export const rooms = pgTable(
  'inn_rooms',
  {
    id: tenantId(),
    countyId: uuid('county_id')
      .notNull()
      .references(() => adminUnits.id),
    innId: uuid('inn_id').notNull(),
    name: text('name').notNull(),
    /** The room's name in English as entered (English readers see it; else the pinyin). */
    nameEn: text('name_en'),
    type: text('type').$type<RoomType>().notNull(),
    capacity: integer('capacity').notNull(),
    beds: text('beds').notNull().default(''),
    description: text('description').notNull().default(''),
    /** Price per night in fen; `weekendFen` applies to Friday and Saturday nights. */
    nightlyFen: integer('nightly_fen').notNull(),
    weekendFen: integer('weekend_fen'),
    /** Secret part of the room's public iCalendar export URL. */
    icalToken: text('ical_token').notNull(),
    createdAt: createdAt(),
  },
  (t) => [
    pk(t),
    ofInn(t).onDelete('cascade'),
    check('inn_rooms_type_check', inList('type', ROOM_TYPES)),
    check('inn_rooms_capacity_check', sql`${t.capacity} between 1 and 50`),
    check('inn_rooms_price_check', sql`${t.nightlyFen} > 0 and (${t.weekendFen} is null or ${t.weekendFen} > 0)`),
    index('inn_rooms_inn_idx').on(t.innId),
    uniqueIndex('inn_rooms_ical_unique').on(t.icalToken, t.countyId),
    uniqueIndex('inn_rooms_name_unique').on(t.innId, t.name, t.countyId),
  ],
);

/** A seasonal rate for the nights in `[startDate, endDate)`, overriding the room's nightly and weekend prices. */
export const seasonalRates = pgTable(
  'inn_seasonal_rates',
  {
    id: tenantId(),
    countyId: uuid('county_id')
      .notNull()
      .references(() => adminUnits.id),
    roomId: uuid('room_id').notNull(),
    name: text('name').notNull().default(''),
    startDate: date('start_date', { mode: 'string' }).notNull(),
    endDate: date('end_date', { mode: 'string' }).notNull(),
    nightlyFen: integer('nightly_fen').notNull(),
    weekendFen: integer('weekend_fen'),
    createdAt: createdAt(),
  },
  (t) => [
    pk(t),
    ofRoom(t).onDelete('cascade'),
    check('inn_seasonal_rates_range_check', sql`${t.endDate} > ${t.startDate}`),
    check('inn_seasonal_rates_price_check', sql`${t.nightlyFen} > 0 and (${t.weekendFen} is null or ${t.weekendFen} > 0)`),
    index('inn_seasonal_rates_room_idx').on(t.roomId),
  ],
);

/**
 * A stay, a hold during payment, or a block (closure, imported calendar) of one room for the nights
 * `[checkIn, checkOut)`. The migration adds `stay daterange` generated from the two dates, and the
 * exclusion constraint that no two rows in an active status overlap for one room.
 */
export const bookings = pgTable(
  'inn_bookings',
  {
    id: tenantId(),
    countyId: uuid('county_id')
      .notNull()
      .references(() => adminUnits.id),
    innId: uuid('inn_id').notNull(),
    roomId: uuid('room_id').notNull(),
    guestId: uuid('guest_id').references(() => users.id),
    checkIn: date('check_in', { mode: 'string' }).notNull(),
    checkOut: date('check_out', { mode: 'string' }).notNull(),
    guests: integer('guests').notNull().default(1),
    status: text('status').$type<BookingStatus>().notNull(),
    blockSource: text('block_source').$type<BlockSource>(),
    note: text('note').notNull().default(''),
    /** External calendar event UID (blocks imported from .ics). */
    externalUid: text('external_uid'),
    amountFen: integer('amount_fen').notNull().default(0),
    refundFen: integer('refund_fen').notNull().default(0),
    paymentId: uuid('payment_id'),
    holdExpiresAt: timestamp('hold_expires_at', { withTimezone: true }),
    confirmedAt: timestamp('confirmed_at', { withTimezone: true }),
    cancelledAt: timestamp('cancelled_at', { withTimezone: true }),
    checkedInAt: timestamp('checked_in_at', { withTimezone: true }),
    checkedOutAt: timestamp('checked_out_at', { withTimezone: true }),
    createdAt: createdAt(),
  },
  (t) => [
    pk(t),
    ofInn(t),
    ofRoom(t),
    check('inn_bookings_status_check', inList('status', BOOKING_STATUSES)),
    check('inn_bookings_dates_check', sql`${t.checkOut} > ${t.checkIn}`),
    check('inn_bookings_guests_check', sql`${t.guests} between 1 and 50`),
    check('inn_bookings_amount_check', sql`${t.amountFen} >= 0 and ${t.refundFen} >= 0 and ${t.refundFen} <= ${t.amountFen}`),
    check('inn_bookings_block_check', sql`(${t.status} = 'blocked') = (${t.blockSource} is not null)`),
    check('inn_bookings_guest_check', sql`${t.status} = 'blocked' or ${t.guestId} is not null`),
    check('inn_bookings_hold_check', sql`${t.status} <> 'held' or ${t.holdExpiresAt} is not null`),
    index('inn_bookings_inn_idx').on(t.innId, t.checkIn),
    index('inn_bookings_guest_idx').on(t.guestId),
    index('inn_bookings_held_idx').on(t.holdExpiresAt).where(sql`status = 'held'`),
    uniqueIndex('inn_bookings_payment_unique').on(t.paymentId, t.countyId),
  ],
);

/** One review per completed stay, by its guest. */
export const reviews = pgTable(
  'inn_reviews',
  {
    id: tenantId(),
    countyId: uuid('county_id')
      .notNull()
      .references(() => adminUnits.id),
    innId: uuid('inn_id').notNull(),
    bookingId: uuid('booking_id').notNull(),
    guestId: uuid('guest_id')
      .notNull()
      .references(() => users.id),
    rating: integer('rating').notNull(),
    body: text('body').notNull().default(''),
    createdAt: createdAt(),
  },
  (t) => [
    pk(t),
    ofInn(t),
    foreignKey({ columns: [t.countyId, t.bookingId], foreignColumns: [bookings.countyId, bookings.id] }),
    check('inn_reviews_rating_check', sql`${t.rating} between 1 and 5`),
    uniqueIndex('inn_reviews_booking_unique').on(t.bookingId, t.countyId),
    index('inn_reviews_inn_idx').on(t.innId),
  ],
);

export const INN_PHOTO_TYPES = ['image/jpeg', 'image/png', 'image/webp'] as const;

/** A photo of an inn, or of one of its rooms (`roomId`); the files live in the storage under `inns/`. */
export const innPhotos = pgTable(
  'inn_photos',
  {
    id: tenantId(),
    countyId: uuid('county_id')
      .notNull()
      .references(() => adminUnits.id),
    innId: uuid('inn_id').notNull(),
    roomId: uuid('room_id'),
    ...photoFileColumns(),
    uploadedBy: uuid('uploaded_by').references(() => users.id, { onDelete: 'set null' }),
    createdAt: createdAt(),
  },
  (t) => [
    pk(t),
    ofInn(t).onDelete('cascade'),
    ofRoom(t).onDelete('cascade'),
    check('inn_photos_type_check', inList('content_type', INN_PHOTO_TYPES)),
    index('inn_photos_inn_idx').on(t.innId),
  ],
);
