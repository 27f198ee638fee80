import fs from 'node:fs';
import path from 'node:path';
import cookie from '@fastify/cookie';
import rateLimit from '@fastify/rate-limit';
import fastifyStatic from '@fastify/static';
import swagger from '@fastify/swagger';
import swaggerUi from '@fastify/swagger-ui';
import Fastify, { type FastifyInstance } from 'fastify';
import { jsonSchemaTransform, serializerCompiler } from 'fastify-type-provider-zod';
import { sql } from 'drizzle-orm';
import type { DestinationStream } from 'pino';
import { uuidv7 } from 'uuidv7';
import type { Db, DbHandle } from '../db/handle.ts';
import { atlasRoutes } from '../modules/atlas/routes.ts';
import { governanceRoutes } from '../modules/governance/routes.ts';
import { innsRoutes } from '../modules/inns/routes.ts';
import { interventionsRoutes } from '../modules/interventions/routes.ts';
import { marketRoutes } from '../modules/market/routes.ts';
import type { Config } from './config.ts';
import { registerErrorHandling } from './errors.ts';
import { frameworkErrorOptions } from './framework-errors.ts';
import { registerInputSafety, validatorCompiler } from './input-safety.ts';
import { loggerOptions } from './log-safety.ts';
import { documentOptionalBodies } from './openapi-bodies.ts';
import { Problem } from './problems.ts';
import { registerRequestTimeout } from './request-timeout.ts';
import { registerSecurityHeaders } from './security-headers.ts';
import { registerSessions } from './session.ts';
import { registerDraining } from './shutdown.ts';
import { registerWriteRateLimits } from './write-limits.ts';

declare module 'fastify' {
  interface FastifyInstance {
    db: Db;
    dbHandle: DbHandle;
    config: Config;
  }
}

const REQUEST_ID = /^[A-Za-z0-9_.:-]{1,64}$/;

export async function buildApp(config: Config, handle: DbHandle, options: { logStream?: DestinationStream } = {}): Promise<FastifyInstance> {
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
  app.setValidatorCompiler(validatorCompiler);
  app.setSerializerCompiler(serializerCompiler);
  app.addHook('onSend', async (request, reply) => {
    reply.header('x-request-id', request.id);
  });

  registerErrorHandling(app);
  registerInputSafety(app);
  registerDraining(app);
  registerRequestTimeout(app, config.requestTimeoutSeconds);
  await registerSecurityHeaders(app);
  await app.register(cookie);
  await app.register(rateLimit, {
    global: false,
    errorResponseBuilder: (_request, context) => new Problem(429, 'rate_limited', `Too many attempts; retry in ${context.after}`),
  });
  registerSessions(app);
  registerWriteRateLimits(app, config);

  await app.register(swagger, {
    openapi: {
      info: { title: 'Terrace API', version: '1', description: 'Rural revitalization platform: county, townships, villages.' },
      components: { securitySchemes: { session: { type: 'apiKey', in: 'cookie', name: 'terrace_session' } } },
    },
    transform: jsonSchemaTransform,
    transformObject: documentOptionalBodies(app),
  });
  await app.register(swaggerUi, { routePrefix: '/api/docs' });

  app.get('/healthz', { schema: { hide: true } }, async () => ({ status: 'ok' }));
  app.get('/readyz', { schema: { hide: true } }, async (_request, reply) => {
    try {
      await handle.db.execute(sql`select 1`);
      return { status: 'ready', driver: handle.driver };
    } catch {
      return reply.code(503).type('application/problem+json').send({ title: 'Service Unavailable', status: 503, detail: 'database unreachable' });
    }
  });

  for (const routes of [governanceRoutes, atlasRoutes, marketRoutes, interventionsRoutes, innsRoutes]) {
    await app.register(routes, { prefix: '/api/v1' });
  }

  const webRoot = config.webDist;
  if (fs.existsSync(path.join(webRoot, 'index.html'))) {
    await app.register(fastifyStatic, { root: webRoot, wildcard: false, index: ['index.html'] });
    // Client-side routes get the app shell; unknown API paths keep their problem+json 404.
    app.get('/*', { schema: { hide: true } }, async (request, reply) => {
      const p = request.url.split('?')[0];
      if (p.startsWith('/api/') || path.extname(p)) return reply.callNotFound();
      return reply.type('text/html').sendFile('index.html');
    });
  }
  return app;
}
