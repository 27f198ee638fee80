import { sql } from 'drizzle-orm';
import { queryRows, type Db } from '../db/handle.ts';

/** One key's count in its current fixed window, and how long until that window ends. */
export interface RateCount {
  count: number;
  resetInMs: number;
}

/**
 * Counts hits per key in fixed windows. `memory` counts in this process only; `database` counts in the
 * `rate_limit_hits` table, so every instance on one database shares the counts (one atomic upsert per request).
 */
export interface RateCounter {
  readonly store: 'memory' | 'database';
  /** Counts one hit on each key (in the window of `windowMs` that holds now) and answers each key's count. */
  hit(keys: readonly string[], windowMs: number): Promise<Map<string, RateCount>>;
}

export function memoryRateCounter(): RateCounter {
  const windows = new Map<string, { start: number; windowMs: number; count: number }>();
  let lastSweep = Date.now();
  return {
    store: 'memory',
    async hit(keys, windowMs) {
      const now = Date.now();
      if (now - lastSweep > 60_000) {
        for (const [k, w] of windows) if (now - w.start >= w.windowMs) windows.delete(k);
        lastSweep = now;
      }
      const out = new Map<string, RateCount>();
      for (const key of keys) {
        let w = windows.get(key);
        if (!w || now - w.start >= w.windowMs) {
          w = { start: now, windowMs, count: 0 };
          windows.set(key, w);
        }
        w.count += 1;
        out.set(key, { count: w.count, resetInMs: w.start + windowMs - now });
      }
      return out;
    },
  };
}

/** How often (at most) one instance deletes windows that have passed. */
const SWEEP_EVERY_MS = 60_000;

export function databaseRateCounter(db: Db): RateCounter {
  let lastSweep = 0;
  return {
    store: 'database',
    async hit(keys, windowMs) {
      if (keys.length === 0) return new Map();
      const now = Date.now();
      if (now - lastSweep > SWEEP_EVERY_MS) {
        lastSweep = now;
        // Windows end at most an hour after they start here; older rows count for nothing.
        await db.execute(sql`delete from rate_limit_hits where window_start < now() - interval '1 hour'`);
      }
      // The window is the database's clock cut into fixed steps, the same on every instance; the upsert takes the
      // row lock, so concurrent hits on one key from any instance each get their own count.
      const step = sql`make_interval(secs => ${windowMs / 1000})`;
      const rows = await queryRows<{ key: string; hits: number; reset_ms: number }>(
        db,
        sql`insert into rate_limit_hits (key, window_start, hits)
            select k, date_bin(${step}, now(), timestamptz '2000-01-01 00:00:00+00'), 1
            from (values ${sql.join(keys.map((k) => sql`(${k}::text)`), sql`, `)}) as v(k)
            on conflict (key, window_start) do update set hits = rate_limit_hits.hits + 1
            returning key, hits, (extract(epoch from (window_start + ${step} - now())) * 1000)::float8 as reset_ms`,
      );
      return new Map(rows.map((r) => [r.key, { count: Number(r.hits), resetInMs: Math.max(0, Number(r.reset_ms)) }]));
    },
  };
}

/**
 * A store for @fastify/rate-limit (the sign-in routes' limits) over a RateCounter: each route counts under its own
 * key prefix, as the plugin's own store does.
 */
export function rateLimitStore(counter: RateCounter) {
  class CounterStore {
    private readonly prefix: string;
    /** The plugin passes its options first; a route's child store passes its key prefix. */
    constructor(_options?: unknown, prefix = 'route:') {
      this.prefix = prefix;
    }
    incr(key: string, callback: (error: Error | null, result?: { current: number; ttl: number }) => void, timeWindow: number) {
      const k = `${this.prefix}${key}`;
      counter.hit([k], timeWindow).then(
        (counts) => {
          const c = counts.get(k)!;
          callback(null, { current: c.count, ttl: c.resetInMs });
        },
        (error: unknown) => callback(error instanceof Error ? error : new Error('rate limit store failed')),
      );
    }
    /** Given the route's merged limit options, which carry the route as `routeInfo` (the typings say otherwise). */
    child(routeOptions: object) {
      const info = (routeOptions as { routeInfo?: { method?: string | string[]; url?: string } }).routeInfo ?? {};
      return new CounterStore(undefined, `route:${String(info.method ?? '')} ${info.url ?? ''}:`);
    }
  }
  return CounterStore;
}
