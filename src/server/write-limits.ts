import type { FastifyInstance, FastifyRequest } from 'fastify';
import type { Config } from './config.ts';
import { Problem } from './problems.ts';
import type { RateCounter } from './rate-counter.ts';

const SAFE_METHODS = new Set(['GET', 'HEAD', 'OPTIONS']);
const WINDOW_MS = 60_000;

declare module 'fastify' {
  interface FastifyContextConfig {
    /** false: this route's writes are not counted (a payment provider's callbacks, which come from a few addresses). */
    writeRateLimit?: boolean;
  }
}

/**
 * Limits writes on every API route, per signed-in user and per client address (behind a proxy, the address it
 * forwards when TRUST_PROXY is set): the 429 names the limit and says when to retry. Counted by the given counter:
 * in the database, every instance on it shares the counts (RATE_LIMIT_STORE). Register after the sessions.
 */
export function registerWriteRateLimits(
  app: FastifyInstance,
  config: Pick<Config, 'writeRateLimitPerUser' | 'writeRateLimitPerAddress'>,
  counter: RateCounter,
) {
  const refuse = (limit: number, per: string, retryAfterSeconds: number) =>
    new Problem(429, 'rate_limited', `More than ${limit} changes per minute ${per}; retry in ${retryAfterSeconds} s`, { retryAfterSeconds });
  app.addHook('onRequest', async (request: FastifyRequest, reply) => {
    if (SAFE_METHODS.has(request.method) || !request.url.startsWith('/api/')) return;
    if (request.routeOptions.config?.writeRateLimit === false) return;
    const checks: [number, string, string][] = [[config.writeRateLimitPerAddress, `write:address:${request.ip}`, 'from one address']];
    if (request.actor) checks.push([config.writeRateLimitPerUser, `write:user:${request.actor.id}`, 'by one user']);
    const counted = checks.filter(([limit]) => limit > 0);
    if (counted.length === 0) return;
    const counts = await counter.hit(counted.map(([, key]) => key), WINDOW_MS);
    for (const [limit, key, per] of counted) {
      const { count: n, resetInMs } = counts.get(key)!;
      const retryAfterSeconds = Math.max(1, Math.ceil(resetInMs / 1000));
      if (n > limit) {
        reply.header('retry-after', String(retryAfterSeconds));
        throw refuse(limit, per, retryAfterSeconds);
      }
    }
  });
}
