import type { FastifyInstance, FastifyRequest } from 'fastify';
import type { Config } from './config.ts';
import { Problem } from './problems.ts';

const SAFE_METHODS = new Set(['GET', 'HEAD', 'OPTIONS']);
const WINDOW_MS = 60_000;

declare module 'fastify' {
  interface FastifyContextConfig {
    /** false: this route's writes are not counted (a payment provider's callbacks, which come from a few addresses). */
    writeRateLimit?: boolean;
  }
}

/** Fixed one-minute windows per key, kept in this process; keys whose window has passed are dropped as it goes. */
function windowCounter() {
  const windows = new Map<string, { start: number; count: number }>();
  let lastSweep = Date.now();
  return (key: string, now: number) => {
    if (now - lastSweep > WINDOW_MS) {
      for (const [k, w] of windows) if (now - w.start >= WINDOW_MS) windows.delete(k);
      lastSweep = now;
    }
    let w = windows.get(key);
    if (!w || now - w.start >= WINDOW_MS) {
      w = { start: now, count: 0 };
      windows.set(key, w);
    }
    w.count += 1;
    return { count: w.count, retryAfterSeconds: Math.max(1, Math.ceil((w.start + WINDOW_MS - now) / 1000)) };
  };
}

/**
 * Limits writes on every API route, per signed-in user and per client address (behind a proxy, the address it
 * forwards when TRUST_PROXY is set): the 429 names the limit and says when to retry. Each instance counts its own
 * requests; the reverse proxy in deploy/ adds a limit per address across instances. Register after the sessions.
 */
export function registerWriteRateLimits(app: FastifyInstance, config: Pick<Config, 'writeRateLimitPerUser' | 'writeRateLimitPerAddress'>) {
  const count = windowCounter();
  const refuse = (limit: number, per: string, retryAfterSeconds: number) =>
    new Problem(429, 'rate_limited', `More than ${limit} changes per minute ${per}; retry in ${retryAfterSeconds} s`, { retryAfterSeconds });
  app.addHook('onRequest', async (request: FastifyRequest, reply) => {
    if (SAFE_METHODS.has(request.method) || !request.url.startsWith('/api/')) return;
    if (request.routeOptions.config?.writeRateLimit === false) return;
    const now = Date.now();
    const checks: [number, string, string][] = [[config.writeRateLimitPerAddress, `address:${request.ip}`, 'from one address']];
    if (request.actor) checks.push([config.writeRateLimitPerUser, `user:${request.actor.id}`, 'by one user']);
    for (const [limit, key, per] of checks) {
      if (limit === 0) continue;
      const { count: n, retryAfterSeconds } = count(key, now);
      if (n > limit) {
        reply.header('retry-after', String(retryAfterSeconds));
        throw refuse(limit, per, retryAfterSeconds);
      }
    }
  });
}
