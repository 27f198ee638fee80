import fs from 'node:fs';
import path from 'node:path';
import compress from '@fastify/compress';
import fastifyStatic from '@fastify/static';
import type { FastifyInstance } from 'fastify';

/** Vite puts every hashed (content-addressed) file here: a name never changes meaning, so a browser may keep it. */
const HASHED = `${path.sep}assets${path.sep}`;
export const IMMUTABLE = 'public, max-age=31536000, immutable';

/**
 * Serves the built web client, when there is one: brotli or gzip as the browser accepts (@fastify/compress),
 * hashed assets cached for a year, and the app shell (index.html, for every client-side route) revalidated on each
 * visit so a new release is seen at once. Compression lives in this scope only: API answers and event streams are
 * left as they are.
 */
export async function registerWebClient(app: FastifyInstance, webRoot: string) {
  if (!fs.existsSync(path.join(webRoot, 'index.html'))) return;
  await app.register(async (web) => {
    await web.register(compress, { encodings: ['br', 'gzip'] });
    await web.register(fastifyStatic, {
      root: webRoot,
      wildcard: false,
      index: ['index.html'],
      cacheControl: false,
      setHeaders: (reply, file) => reply.header('cache-control', file.includes(HASHED) ? IMMUTABLE : 'no-cache'),
    });
    // Client-side routes get the app shell; unknown API paths keep their problem+json 404.
    web.get('/*', { schema: { hide: true } }, async (request, reply) => {
      const p = request.url.split('?')[0];
      if (p.startsWith('/api/') || path.extname(p)) return reply.callNotFound();
      return reply.type('text/html').sendFile('index.html');
    });
  });
}
