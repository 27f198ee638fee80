import type { Socket } from 'node:net';
import type { FastifyError, FastifyReply, FastifyRequest, FastifyServerOptions } from 'fastify';
import { sendProblem } from './errors.ts';
import { TITLES } from './problems.ts';

/** Errors Fastify raises before a route runs (an undecodable URL, a path parameter over the router's limit). */
function frameworkErrors(error: FastifyError, request: FastifyRequest, reply: FastifyReply) {
  if (error.code === 'FST_ERR_MAX_PARAM_LENGTH') return sendProblem(reply, request, 414, 'uri_too_long', 'A path parameter is too long', { field: 'params' });
  if (error.code === 'FST_ERR_BAD_URL') return sendProblem(reply, request, 400, 'bad_url', 'The path is not validly percent-encoded', { field: 'params' });
  return sendProblem(reply, request, 400, 'client_error', 'The request could not be routed');
}

/** Writes a problem straight to a connection Fastify no longer answers on, then closes it. */
export function writeRawProblem(socket: Socket, status: number, code: string, detail: string) {
  const title = TITLES[status];
  const body = JSON.stringify({ type: `https://terrace.example/problems/${code}`, title, status, code, detail });
  if (socket.writable) {
    socket.write(`HTTP/1.1 ${status} ${title}\r\nContent-Length: ${Buffer.byteLength(body)}\r\nContent-Type: application/problem+json\r\nConnection: close\r\n\r\n${body}`);
  }
  socket.destroy();
}

/** Errors Node's HTTP parser raises on a connection (timeouts, oversized headers, malformed requests), as problem+json. */
function clientErrorHandler(error: NodeJS.ErrnoException, socket: Socket) {
  if (error.code === 'ECONNRESET' || socket.destroyed) return;
  if (error.code === 'ERR_HTTP_REQUEST_TIMEOUT') return writeRawProblem(socket, 408, 'request_timeout', 'The request was not received in time');
  if (error.code === 'HPE_HEADER_OVERFLOW') return writeRawProblem(socket, 431, 'headers_too_large', 'The request headers are too large');
  writeRawProblem(socket, 400, 'malformed_request', 'The request is not valid HTTP');
}

/** Fastify options that turn its own error answers into application/problem+json like every other error. */
export function frameworkErrorOptions(): Pick<FastifyServerOptions, 'frameworkErrors' | 'clientErrorHandler'> {
  return { frameworkErrors, clientErrorHandler };
}
