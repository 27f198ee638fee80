import cookie from '@fastify/cookie';
import rateLimit from '@fastify/rate-limit';
import Fastify, { type FastifyInstance } from 'fastify';
import { sql } from 'drizzle-orm';
import type { DestinationStream } from 'pino';
import { uuidv7 } from 'uuidv7';
import type { Db, DbHandle } from './db/handle.ts';
import { MODULES } from './modules.ts';
import type { Config } from './server/config.ts';
import { registerErrorHandling } from './server/errors.ts';
import { frameworkErrorOptions } from './server/framework-errors.ts';
import { registerInputSafety, validatorCompiler } from './server/input-safety.ts';
import { registerOpenApi } from './server/openapi.ts';
import { createJobQueue, type JobQueue } from './server/jobs.ts';
import { loggerOptions } from './server/log-safety.ts';
import type { ModuleManifest } from './server/module.ts';
import { documentOptionalBodies } from './server/openapi-bodies.ts';
import { registerPermissions } from './server/permissions.ts';
import { databaseRateCounter, memoryRateCounter, rateLimitStore } from './server/rate-counter.ts';
import { Problem } from './server/problems.ts';
import { registerRequestTimeout } from './server/request-timeout.ts';
import { registerSecurityHeaders } from './server/security-headers.ts';
import { registerSessions } from './server/session.ts';
import { registerDraining } from './server/shutdown.ts';
import { registerWebClient } from './server/web-client.ts';
import { registerWriteRateLimits } from './server/write-limits.ts';

declare module 'fastify' {
  interface FastifyInstance {
    db: Db;
    dbHandle: DbHandle;
    config: Config;
    jobs: JobQueue;
  }
}

const REQUEST_ID = /^[A-Za-z0-9_.:-]{1,64}$/;

export interface BuildOptions {
  /** The modules to run (default: all of them). */
  modules?: readonly ModuleManifest[];
  /** Start the job queue's workers (default true); tests that drive jobs by hand pass false. */
  runJobs?: boolean;
  /** Where the log goes (tests read it). */
  logStream?: DestinationStream;
}

/** Permissions are process-wide: registered once per module, whatever the number of apps built. */
export function registerModulePermissions(modules: readonly ModuleManifest[]) {
  for (const m of modules) if (m.permissions) registerPermissions(m.name, m.permissions);
}

export async function buildApp(config: Config, handle: DbHandle, options: BuildOptions = {}): Promise<FastifyInstance> {
  const modules = options.modules ?? MODULES;
  registerModulePermissions(modules);
  const app = Fastify({
    logger: loggerOptions(config, options.logStream),
    trustProxy: config.trustProxy,
    genReqId: (req) => {
      const given = req.headers['x-request-id'];
      return typeof given === 'string' && REQUEST_ID.test(given) ? given : uuidv7();
    },
    bodyLimit: 1024 * 1024,
    routerOptions: { ignoreTrailingSlash: true },
    requestTimeout: config.requestTimeoutSeconds * 1000,
    // Node checks request timeouts every 30 s by default; check often enough that the timeout means what it says.
    http: { connectionsCheckingInterval: Math.min(5000, config.requestTimeoutSeconds * 500) },
    return503OnClosing: false,
    ...frameworkErrorOptions(),
  });
  app.decorate('db', handle.db);
  app.decorate('dbHandle', handle);
  app.decorate('config', config);
  const jobs = createJobQueue(handle, modules.flatMap((m) => m.jobs ?? []), { concurrency: config.jobsConcurrency, leaseSeconds: config.jobsLeaseSeconds });
  app.decorate('jobs', jobs);
  if (options.runJobs ?? true) app.addHook('onReady', () => jobs.start());
  // Stop taking jobs first (in-flight ones finish), then let modules close their pools.
  app.addHook('onClose', async () => {
    await jobs.stop();
    for (const m of modules) await m.close?.();
  });
  app.setValidatorCompiler(validatorCompiler);
  app.addHook('onSend', async (request, reply) => {
    reply.header('x-request-id', request.id);
  });

  registerErrorHandling(app);
  registerInputSafety(app);
  registerDraining(app);
  registerRequestTimeout(app, config.requestTimeoutSeconds);
  await registerSecurityHeaders(app, modules.flatMap((m) => m.mediaOrigins?.() ?? []));
  await app.register(cookie);
  const rateCounter = config.rateLimitStore === 'database' ? databaseRateCounter(handle.db) : memoryRateCounter();
  await app.register(rateLimit, {
    global: false,
    store: rateLimitStore(rateCounter),
    errorResponseBuilder: (_request, context) => new Problem(429, 'rate_limited', `Too many attempts; retry in ${context.after}`),
  });
  registerSessions(app, modules.find((m) => m.sessions)?.sessions);
  registerWriteRateLimits(app, config, rateCounter);

  await registerOpenApi(app, documentOptionalBodies(app));

  app.get('/healthz', { schema: { hide: true } }, async () => ({ status: 'ok' }));
  app.get('/readyz', { schema: { hide: true } }, async (_request, reply) => {
    try {
      await handle.db.execute(sql`select 1`);
      return { status: 'ready', driver: handle.driver };
    } catch {
      return reply.code(503).type('application/problem+json').send({ title: 'Service Unavailable', status: 503, detail: 'database unreachable' });
    }
  });

  for (const m of modules) if (m.routes) await app.register(m.routes, { prefix: '/api/v1' });

  await registerWebClient(app, config.webDist);
  return app;
}
