import helmet from '@fastify/helmet';
import type { FastifyInstance } from 'fastify';

/**
 * Security headers on every answer, from @fastify/helmet. The Content-Security-Policy is the one the web client
 * works under: its own scripts only, inline styles (React style props, MapLibre and ECharts set them), images and
 * workers from blob: and data: (MapLibre builds its tiles and worker there), no plugins, never framed. HSTS only
 * on requests that came over TLS (directly, or through a proxy trusted with TRUST_PROXY), so a plain-HTTP demo
 * on a LAN keeps working. `mediaOrigins` (the modules' external media servers) may be fetched and played from.
 */
export async function registerSecurityHeaders(app: FastifyInstance, mediaOrigins: string[] = []) {
  await app.register(helmet, {
    contentSecurityPolicy: {
      useDefaults: false,
      directives: {
        defaultSrc: ["'self'"],
        scriptSrc: ["'self'"],
        styleSrc: ["'self'", "'unsafe-inline'"],
        imgSrc: ["'self'", 'data:', 'blob:'],
        fontSrc: ["'self'", 'data:'],
        connectSrc: ["'self'", ...mediaOrigins],
        workerSrc: ["'self'", 'blob:'],
        childSrc: ["'self'", 'blob:'],
        mediaSrc: ["'self'", 'blob:', ...mediaOrigins],
        objectSrc: ["'none'"],
        baseUri: ["'self'"],
        formAction: ["'self'"],
        frameAncestors: ["'none'"],
      },
    },
    hsts: false,
    referrerPolicy: { policy: 'no-referrer' },
    crossOriginEmbedderPolicy: false,
  });
  app.addHook('onSend', async (request, reply) => {
    if (request.protocol === 'https') reply.header('strict-transport-security', 'max-age=31536000; includeSubDomains');
  });
}
