// Small SQL aggregates every module's reads share.
import { sql, type AnyColumn, type SQL } from 'drizzle-orm';

/** How many record ids a computed figure keeps as its provenance (the count beside it is always whole). */
export const PROVENANCE_IDS = 200;

/** The first `PROVENANCE_IDS` ids of a group, in id order, as text (optionally only the rows `where` holds for). */
export const firstIds = (id: AnyColumn, where?: SQL): SQL<string[]> =>
  sql<string[]>`(array_agg(${id}::text order by ${id})${where ? sql` filter (where ${where})` : sql``})[1:${sql.raw(String(PROVENANCE_IDS))}]`;
