// The live module's tables: sessions (with their products), chat messages, flash offers and the buyers' claims.
// Every key is county-keyed (county_id first) for distribution; products and variants are the market's, linked by id.
import { sql } from 'drizzle-orm';
import { check, foreignKey, index, integer, jsonb, pgTable, primaryKey, text, timestamp, uniqueIndex, uuid } from 'drizzle-orm/pg-core';
import { uuidv7 } from 'uuidv7';
import { adminUnits, organizations, users } from '../governance/index.ts';
import { createdAt, inList } from '../../db/columns.ts';

const tz = (name: string) => timestamp(name, { withTimezone: true });
const countyId = () =>
  uuid('county_id')
    .notNull()
    .references(() => adminUnits.id);
const rowId = () =>
  uuid('id')
    .notNull()
    .$defaultFn(() => uuidv7());

export const SESSION_STATUSES = ['scheduled', 'live', 'ended'] as const;
export type SessionStatus = (typeof SESSION_STATUSES)[number];

/** A producer's live-stream sale: scheduled, then live, then ended. */
export const liveSessions = pgTable(
  'live_sessions',
  {
    countyId: countyId(),
    id: rowId(),
    orgId: uuid('org_id')
      .notNull()
      .references(() => organizations.id),
    title: text('title').notNull(),
    /** The title in English as entered (English readers see it; else the Chinese title). */
    titleEn: text('title_en'),
    coverUrl: text('cover_url'),
    scheduledAt: tz('scheduled_at').notNull(),
    status: text('status').$type<SessionStatus>().notNull().default('scheduled'),
    /** The secret an encoder (OBS, a phone app) publishes with; shown only to the session's hosts. */
    streamKey: text('stream_key').notNull(),
    likes: integer('likes').notNull().default(0),
    startedAt: tz('started_at'),
    endedAt: tz('ended_at'),
    /** When the embedded ingest began recording the session's HLS (the replay's time zero for chapter marks). */
    recordedFrom: tz('recorded_from'),
    /** Since when an external media server has been receiving the session's stream (its publish callbacks say so). */
    streamingSince: tz('streaming_since'),
    /** The cover image uploaded for the session (the kernel's file storage key); wins over `coverUrl`. */
    coverFile: text('cover_file'),
    createdBy: uuid('created_by').references(() => users.id),
    createdAt: createdAt(),
  },
  (t) => [
    primaryKey({ columns: [t.countyId, t.id] }),
    check('live_sessions_status_check', inList('status', SESSION_STATUSES)),
    check('live_sessions_likes_check', sql`${t.likes} >= 0`),
    index('live_sessions_status_idx').on(t.countyId, t.status, t.scheduledAt),
    index('live_sessions_org_idx').on(t.orgId),
  ],
);

/** The market products a session presents, in order. */
export const liveSessionProducts = pgTable(
  'live_session_products',
  {
    countyId: countyId(),
    sessionId: uuid('session_id').notNull(),
    productId: uuid('product_id').notNull(),
    position: integer('position').notNull(),
  },
  (t) => [
    primaryKey({ columns: [t.countyId, t.sessionId, t.productId] }),
    foreignKey({ columns: [t.countyId, t.sessionId], foreignColumns: [liveSessions.countyId, liveSessions.id] }).onDelete('cascade'),
  ],
);

/** A chat message; the host's moderation marks it deleted (it is no longer shown). */
export const liveMessages = pgTable(
  'live_messages',
  {
    countyId: countyId(),
    id: rowId(),
    sessionId: uuid('session_id').notNull(),
    userId: uuid('user_id')
      .notNull()
      .references(() => users.id),
    authorName: text('author_name').notNull(),
    body: text('body').notNull(),
    createdAt: createdAt(),
    deletedAt: tz('deleted_at'),
    deletedBy: uuid('deleted_by').references(() => users.id),
  },
  (t) => [
    primaryKey({ columns: [t.countyId, t.id] }),
    foreignKey({ columns: [t.countyId, t.sessionId], foreignColumns: [liveSessions.countyId, liveSessions.id] }),
    check('live_messages_body_check', sql`char_length(${t.body}) between 1 and 200`),
    index('live_messages_session_idx').on(t.countyId, t.sessionId, t.createdAt),
    index('live_messages_user_idx').on(t.countyId, t.userId, t.createdAt),
  ],
);

export const OFFER_STATUSES = ['open', 'closed'] as const;
export type OfferStatus = (typeof OFFER_STATUSES)[number];

/** A variant pinned at a special price with a small quota; `remaining` only moves by conditional UPDATEs. */
export const liveFlashOffers = pgTable(
  'live_flash_offers',
  {
    countyId: countyId(),
    id: rowId(),
    sessionId: uuid('session_id').notNull(),
    productId: uuid('product_id').notNull(),
    variantId: uuid('variant_id').notNull(),
    /** The product's and variant's names when pinned, so the offer reads the same whatever the catalogue does later. */
    label: text('label').notNull(),
    priceFen: integer('price_fen').notNull(),
    regularPriceFen: integer('regular_price_fen').notNull(),
    quota: integer('quota').notNull(),
    remaining: integer('remaining').notNull(),
    status: text('status').$type<OfferStatus>().notNull().default('open'),
    endsAt: tz('ends_at'),
    createdAt: createdAt(),
  },
  (t) => [
    primaryKey({ columns: [t.countyId, t.id] }),
    foreignKey({ columns: [t.countyId, t.sessionId], foreignColumns: [liveSessions.countyId, liveSessions.id] }),
    check('live_flash_offers_status_check', inList('status', OFFER_STATUSES)),
    check('live_flash_offers_price_check', sql`${t.priceFen} > 0 and ${t.regularPriceFen} > 0`),
    check('live_flash_offers_quota_check', sql`${t.quota} > 0 and ${t.remaining} >= 0 and ${t.remaining} <= ${t.quota}`),
    index('live_flash_offers_session_idx').on(t.countyId, t.sessionId),
  ],
);

export const CLAIM_STATUSES = ['held', 'paid', 'released'] as const;
export type ClaimStatus = (typeof CLAIM_STATUSES)[number];

/** One unit of a flash offer held for a buyer until paid, or released back to the quota. */
export const liveFlashClaims = pgTable(
  'live_flash_claims',
  {
    countyId: countyId(),
    id: rowId(),
    offerId: uuid('offer_id').notNull(),
    buyerId: uuid('buyer_id')
      .notNull()
      .references(() => users.id),
    status: text('status').$type<ClaimStatus>().notNull().default('held'),
    amountFen: integer('amount_fen').notNull(),
    paymentId: uuid('payment_id'),
    /** The market order the unit was handed to when the buyer gave a delivery address (market module; linked by id). */
    orderId: uuid('order_id'),
    expiresAt: tz('expires_at').notNull(),
    createdAt: createdAt(),
  },
  (t) => [
    primaryKey({ columns: [t.countyId, t.id] }),
    foreignKey({ columns: [t.countyId, t.offerId], foreignColumns: [liveFlashOffers.countyId, liveFlashOffers.id] }),
    check('live_flash_claims_status_check', inList('status', CLAIM_STATUSES)),
    check('live_flash_claims_amount_check', sql`${t.amountFen} > 0`),
    // One per buyer: a released claim frees the buyer to try again.
    uniqueIndex('live_flash_claims_one_per_buyer').on(t.countyId, t.offerId, t.buyerId).where(sql`status <> 'released'`),
    index('live_flash_claims_expiry_idx').on(t.countyId, t.status, t.expiresAt),
    uniqueIndex('live_flash_claims_order_unique').on(t.orderId, t.countyId),
  ],
);

/** A viewer the host silenced in a session: their messages are refused. */
export const liveMutes = pgTable(
  'live_mutes',
  {
    countyId: countyId(),
    sessionId: uuid('session_id').notNull(),
    userId: uuid('user_id')
      .notNull()
      .references(() => users.id),
    mutedBy: uuid('muted_by').references(() => users.id),
    createdAt: createdAt(),
  },
  (t) => [
    primaryKey({ columns: [t.countyId, t.sessionId, t.userId] }),
    foreignKey({ columns: [t.countyId, t.sessionId], foreignColumns: [liveSessions.countyId, liveSessions.id] }),
  ],
);

/** The product a host is presenting: one open pin per session; its time is a chapter mark of the replay. */
export const livePins = pgTable(
  'live_pins',
  {
    countyId: countyId(),
    id: rowId(),
    sessionId: uuid('session_id').notNull(),
    productId: uuid('product_id').notNull(),
    pinnedAt: tz('pinned_at').notNull().defaultNow(),
    unpinnedAt: tz('unpinned_at'),
    pinnedBy: uuid('pinned_by').references(() => users.id),
  },
  (t) => [
    primaryKey({ columns: [t.countyId, t.id] }),
    foreignKey({ columns: [t.countyId, t.sessionId], foreignColumns: [liveSessions.countyId, liveSessions.id] }),
    uniqueIndex('live_pins_one_open').on(t.countyId, t.sessionId).where(sql`unpinned_at is null`),
    index('live_pins_session_idx').on(t.countyId, t.sessionId, t.pinnedAt),
  ],
);

/** The last sequence number given to an event of a session (locked last in every transaction that announces). */
export const liveEventSeqs = pgTable(
  'live_event_seqs',
  {
    countyId: countyId(),
    sessionId: uuid('session_id').notNull(),
    lastSeq: integer('last_seq').notNull(),
  },
  (t) => [
    primaryKey({ columns: [t.countyId, t.sessionId] }),
    foreignKey({ columns: [t.countyId, t.sessionId], foreignColumns: [liveSessions.countyId, liveSessions.id] }).onDelete('cascade'),
  ],
);

/** The bounded log of a session's events, by sequence number: what a reconnecting viewer missed is replayed from it. */
export const liveEventLog = pgTable(
  'live_event_log',
  {
    countyId: countyId(),
    sessionId: uuid('session_id').notNull(),
    seq: integer('seq').notNull(),
    type: text('type').notNull(),
    data: jsonb('data').notNull(),
    createdAt: createdAt(),
  },
  (t) => [
    primaryKey({ columns: [t.countyId, t.sessionId, t.seq] }),
    foreignKey({ columns: [t.countyId, t.sessionId], foreignColumns: [liveSessions.countyId, liveSessions.id] }).onDelete('cascade'),
  ],
);

/** Who watches: one row per viewer's client (a browser tab), seen again by its instance every few seconds. */
export const liveViewers = pgTable(
  'live_viewers',
  {
    countyId: countyId(),
    sessionId: uuid('session_id').notNull(),
    clientId: text('client_id').notNull(),
    firstSeen: tz('first_seen').notNull().defaultNow(),
    lastSeen: tz('last_seen').notNull().defaultNow(),
  },
  (t) => [
    primaryKey({ columns: [t.countyId, t.sessionId, t.clientId] }),
    foreignKey({ columns: [t.countyId, t.sessionId], foreignColumns: [liveSessions.countyId, liveSessions.id] }).onDelete('cascade'),
    index('live_viewers_seen_idx').on(t.countyId, t.sessionId, t.lastSeen),
  ],
);

/** Viewers over time for the report: the count in each 10-second bucket (the highest any instance saw). */
export const liveViewerSamples = pgTable(
  'live_viewer_samples',
  {
    countyId: countyId(),
    sessionId: uuid('session_id').notNull(),
    at: tz('at').notNull(),
    viewers: integer('viewers').notNull(),
  },
  (t) => [
    primaryKey({ columns: [t.countyId, t.sessionId, t.at] }),
    foreignKey({ columns: [t.countyId, t.sessionId], foreignColumns: [liveSessions.countyId, liveSessions.id] }).onDelete('cascade'),
  ],
);
