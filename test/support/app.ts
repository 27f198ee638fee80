import type { FastifyInstance, InjectOptions } from 'fastify';
import type { DestinationStream } from 'pino';
import type { Driver } from '../../src/db/handle.ts';
import { buildApp } from '../../src/app.ts';
import { loadConfig } from '../../src/server/config.ts';
import { TEST_PASSWORD } from './constants.ts';
import { freshDatabase, type TestDatabase } from './db.ts';

export interface TestApp {
  app: FastifyInstance;
  db: TestDatabase;
  close(): Promise<void>;
}

/** The real application on a fresh copy of the seeded database, driven with fastify.inject. */
/** `runJobs: false` keeps background jobs from changing rows while a test compares before and after. */
export async function startTestApp(driver: Driver, env: Record<string, string> = {}, options: { logStream?: DestinationStream; runJobs?: boolean } = {}): Promise<TestApp> {
  const db = await freshDatabase(driver);
  // Write limits are tested on their own; the suites' bursts come from one address and one user.
  const config = loadConfig({ LOG_LEVEL: 'silent', WEB_DIST: '/nonexistent', WRITE_RATE_LIMIT_PER_USER_PER_MINUTE: '0', WRITE_RATE_LIMIT_PER_ADDRESS_PER_MINUTE: '0', ...env });
  const app = await buildApp(config, db, options);
  await app.ready();
  return {
    app,
    db,
    async close() {
      await app.close();
      await db.dispose();
    },
  };
}

export interface Session {
  cookie: string;
  csrfToken: string;
  userId: string;
}

export async function signIn(app: FastifyInstance, username: string, password = TEST_PASSWORD): Promise<Session> {
  const res = await app.inject({ method: 'POST', url: '/api/v1/auth/login', payload: { username, password } });
  if (res.statusCode !== 200) throw new Error(`login ${username} failed: ${res.statusCode} ${res.body}`);
  const cookie = res.cookies.find((c) => c.name === 'terrace_session')!;
  return { cookie: `terrace_session=${cookie.value}`, csrfToken: res.json().csrfToken, userId: res.json().id };
}

/** An inject call as a signed-in browser makes it: cookie, and the CSRF header on writes. */
export function as(app: FastifyInstance, session: Session | null) {
  return (options: InjectOptions) => {
    const headers: Record<string, string> = { ...(options.headers as Record<string, string>) };
    if (session) {
      headers.cookie = session.cookie;
      if (options.method && options.method !== 'GET') headers['x-csrf-token'] = session.csrfToken;
    }
    return app.inject({ ...options, headers });
  };
}
