import { sql } from 'drizzle-orm';
import { integer, text, timestamp, uuid } from 'drizzle-orm/pg-core';
import { uuidv7 } from 'uuidv7';

/** The primary key every table uses: a UUID v7, made in JavaScript (PostgreSQL 15 has no uuidv7()). */
export const id = () =>
  uuid('id')
    .primaryKey()
    .$defaultFn(() => uuidv7());

export const createdAt = () => timestamp('created_at', { withTimezone: true }).notNull().defaultNow();

/** The body of a CHECK constraint that keeps a text column to an enum's values. */
export const inList = (column: string, values: readonly string[]) =>
  sql.raw(`${column} in (${values.map((v) => `'${v}'`).join(', ')})`);

/**
 * The id of a row in a tenant table: a UUID v7, and the primary key together with `county_id` (declare
 * `primaryKey({ columns: [t.id, t.countyId] })` on the table; see docs/distribution.md).
 */
export const tenantId = () =>
  uuid('id')
    .notNull()
    .$defaultFn(() => uuidv7());

/**
 * The columns every photo table has (atlas, market, inns, …): where the file and its thumbnail are stored, what
 * the image is, and its caption. A module adds its own owner columns (`productId`, `innId`, …), `uploadedBy` and
 * `createdAt`; the kernel's photo helper (`src/server/photos.ts`) reads and writes these.
 */
export const photoFileColumns = () => ({
  storageKey: text('storage_key').notNull(),
  thumbKey: text('thumb_key').notNull(),
  contentType: text('content_type').notNull(),
  bytes: integer('bytes').notNull(),
  width: integer('width').notNull(),
  height: integer('height').notNull(),
  caption: text('caption').notNull().default(''),
});
