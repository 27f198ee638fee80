import type { FastifyInstance } from 'fastify';
import { Problem } from './problems.ts';

/**
 * While the server closes, requests that still arrive on open connections get a 503 problem (and
 * `Connection: close`) so the proxy sends them to another instance; requests already running finish.
 * Pair with Fastify's `return503OnClosing: false`, whose own 503 is not problem+json.
 */
export function registerDraining(app: FastifyInstance) {
  let draining = false;
  app.addHook('preClose', async () => {
    draining = true;
  });
  app.addHook('onRequest', async (_request, reply) => {
    if (!draining) return;
    reply.header('connection', 'close');
    throw new Problem(503, 'shutting_down', 'This server is shutting down; retry and another instance will answer');
  });
}

/**
 * On SIGTERM or SIGINT: stop taking connections, let in-flight requests and jobs finish (`close`), then exit 0;
 * exit 1 if that takes longer than `timeoutSeconds` (systemd's TimeoutStopSec should be a little longer).
 */
export function closeOnSignals(close: () => Promise<void>, options: { timeoutSeconds: number; say: (line: string) => void }) {
  let closing = false;
  const onSignal = (signal: NodeJS.Signals) => {
    if (closing) return;
    closing = true;
    options.say(`${signal}: 正在停止 / finishing in-flight requests and jobs, then stopping (at most ${options.timeoutSeconds} s)…`);
    const timer = setTimeout(() => {
      options.say('Shutdown took too long; exiting with requests unfinished');
      process.exit(1);
    }, options.timeoutSeconds * 1000);
    timer.unref();
    close().then(
      () => process.exit(0),
      (error: unknown) => {
        options.say(`Shutdown failed: ${error instanceof Error ? error.name : 'error'}`);
        process.exit(1);
      },
    );
  };
  process.on('SIGTERM', onSignal);
  process.on('SIGINT', onSignal);
}
