import type { FastifyInstance } from 'fastify';
import { writeRawProblem } from './framework-errors.ts';

/**
 * A request whose body has not fully arrived `seconds` after its headers gets a 408 problem and its connection
 * closed (Node's own request timeout covers the headers only). Uploads read inside a handler are covered too.
 */
export function registerRequestTimeout(app: FastifyInstance, seconds: number) {
  app.addHook('onRequest', async (request, reply) => {
    if (request.raw.complete) return;
    const timer = setTimeout(() => {
      if (request.raw.complete || reply.raw.headersSent) return;
      writeRawProblem(request.raw.socket, 408, 'request_timeout', `The request was not received within ${seconds} s`);
    }, seconds * 1000);
    timer.unref();
    const clear = () => clearTimeout(timer);
    request.raw.once('end', clear);
    reply.raw.once('close', clear);
  });
}
