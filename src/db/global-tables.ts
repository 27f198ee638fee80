// The one list of global tables: those that belong to no single county. Every other table in the `public` schema is
// a tenant table: it carries `county_id` NOT NULL, and its primary key, unique constraints and indexes, exclusion
// constraints and foreign keys to other tenant tables include `county_id` (src/db/distribution.ts checks it).
//
// On Citus (one deployment for the counties of a province), tenant tables are distributed by `county_id` and
// co-located, so a county's rows and their joins stay on one node. Global tables are either `reference` tables
// (copied to every node, so a tenant table may keep a plain foreign key to them and join them locally) or `local`
// tables kept on the coordinator only (work that spans counties and is never joined with tenant rows).
// Drizzle's migration bookkeeping lives in its own schema (`drizzle`), outside this check: it is the coordinator's.

export type Placement = 'reference' | 'local';

export interface GlobalTable {
  placement: Placement;
  /** Why the table is not one county's. */
  reason: string;
}

export const GLOBAL_TABLES: Readonly<Record<string, GlobalTable>> = {
  admin_units: {
    placement: 'reference',
    reason:
      'The counties themselves and their townships and villages: the values `county_id` takes. Every tenant table refers to it; small (a province has some tens of thousands of units) and rarely written.',
  },
  users: {
    placement: 'reference',
    reason:
      'Accounts: a buyer or a visitor belongs to no county and buys or books in any; one sign-in serves every county. `county_id` is the home county, not a distribution key.',
  },
  sessions: {
    placement: 'reference',
    reason: 'Sign-in sessions of those accounts, read on every request by token before any county is known.',
  },
  password_resets: { placement: 'reference', reason: 'One-time password reset links of those accounts, found by token before any county is known.' },
  role_grants: {
    placement: 'reference',
    reason:
      "What an account may do and where: loaded with the session on every request, for any county; changes rarely.",
  },
  organizations: {
    placement: 'reference',
    reason:
      "Cooperatives, companies, inns: the directory every module refers to (shops, inns, orders, grants, logistics operators) and shows by name across counties. Small, rarely written; role_grants (a reference table) refers to it, which Citus allows only between reference tables.",
  },
  payment_keys: {
    placement: 'reference',
    reason: "Signing keys of the deployment's payment providers (the sandbox): one set per deployment, not per county.",
  },
  job_runs: {
    placement: 'local',
    reason:
      'The job queue: claimed with SKIP LOCKED by any instance across all counties, and recurring platform jobs (sweepers, reconciliation) have no county. Joined with no tenant table.',
  },
  setup_tokens: {
    placement: 'local',
    reason: 'One-time codes for setting up a county, made before that county exists.',
  },
  rate_limit_hits: {
    placement: 'local',
    reason: 'Rate-limit counters per client address or account across instances: short-lived, keyed by who asks, before any county is known.',
  },
  audit_log: {
    placement: 'local',
    reason:
      'The append-only trail of every change, including those of accounts (sign-in, registration) and of the platform (a failed job) that have no county. It holds no keys to other rows; `county_id` is kept for filtering. On Citus it stays on the coordinator (or becomes an append-distributed table of its own).',
  },
};

export const isGlobalTable = (name: string) => Object.hasOwn(GLOBAL_TABLES, name);
