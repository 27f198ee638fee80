import { timingSafeEqual } from 'node:crypto';
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import type { Actor } from './actor.ts';
import type { SessionLoader } from './module.ts';
import { Problem } from './problems.ts';

export const SESSION_COOKIE = 'terrace_session';
const SAFE_METHODS = new Set(['GET', 'HEAD', 'OPTIONS']);

declare module 'fastify' {
  interface FastifyRequest {
    actor: Actor | null;
    sessionToken: string | null;
    csrfToken: string | null;
  }
}

const sameString = (a: string, b: string) => a.length === b.length && timingSafeEqual(Buffer.from(a), Buffer.from(b));

/** A session just opened: the cookie's token and when it expires. */
export interface SessionOpened {
  token: string;
  expiresAt: Date;
}

export function setSessionCookie(request: FastifyRequest, reply: FastifyReply, session: SessionOpened) {
  reply.setCookie(SESSION_COOKIE, session.token, {
    path: '/',
    httpOnly: true,
    sameSite: 'lax',
    secure: request.protocol === 'https',
    expires: session.expiresAt,
  });
}

export function clearSessionCookie(request: FastifyRequest, reply: FastifyReply) {
  reply.clearCookie(SESSION_COOKIE, { path: '/', httpOnly: true, sameSite: 'lax', secure: request.protocol === 'https' });
}

/**
 * Resolves the session cookie to the acting user, and guards cookie-authenticated writes against CSRF:
 * they must carry the session's token in `x-csrf-token` (a cross-site form cannot set a header), and a
 * cross-origin Origin header is refused outright.
 */
export function registerSessions(app: FastifyInstance, loader: SessionLoader | undefined) {
  app.decorateRequest('actor', null);
  app.decorateRequest('sessionToken', null);
  app.decorateRequest('csrfToken', null);

  app.addHook('onRequest', async (request) => {
    if (!request.url.startsWith('/api/')) return;
    const token = request.cookies[SESSION_COOKIE];
    if (!SAFE_METHODS.has(request.method)) {
      const origin = request.headers.origin;
      if (origin && origin !== 'null') {
        const host = request.headers['x-forwarded-host'] ?? request.headers.host;
        let originHost = '';
        try {
          originHost = new URL(origin).host;
        } catch {
          // an unparsable Origin is treated as foreign
        }
        if (originHost !== host) throw new Problem(403, 'cross_origin', 'Cross-origin writes are not allowed');
      }
    }
    if (!token) return;
    const session = loader ? await loader.load(app.db, token) : null;
    if (!session) return;
    if (!SAFE_METHODS.has(request.method)) {
      const sent = request.headers['x-csrf-token'];
      if (typeof sent !== 'string' || !sameString(sent, session.csrfToken)) {
        throw new Problem(403, 'csrf', 'Missing or wrong x-csrf-token header');
      }
    }
    request.actor = session.actor;
    request.sessionToken = token;
    request.csrfToken = session.csrfToken;
  });
}
