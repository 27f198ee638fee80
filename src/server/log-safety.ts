import type { FastifyServerOptions } from 'fastify';
import type { DestinationStream } from 'pino';
import type { Config } from './config.ts';
import { humanLogStream } from './log-human.ts';

const WITHHELD = '(not logged: may carry personal data)';

type DbCause = { code?: string; constraint?: string; table?: string; column?: string; routine?: string };

/**
 * What of an error may be logged: its kind, its PostgreSQL code and constraint, and the code locations of its
 * stack. Never its message, nor the message lines at the top of its stack: a driver error's message carries the
 * query and its parameters (names, phone numbers, password hashes), often over several lines.
 */
export function safeError(error: unknown) {
  if (error === null || typeof error !== 'object') return { type: typeof error, message: WITHHELD, stack: '' };
  const e = error as { name?: string; code?: unknown; stack?: string; statusCode?: number; cause?: DbCause };
  const cause = e.cause && typeof e.cause === 'object' ? e.cause : undefined;
  return {
    type: e.name ?? 'Error',
    message: WITHHELD,
    code: typeof e.code === 'string' || typeof e.code === 'number' ? e.code : cause?.code,
    statusCode: e.statusCode,
    constraint: cause?.constraint,
    table: cause?.table,
    column: cause?.column,
    routine: cause?.routine,
    stack: (e.stack ?? '')
      .split('\n')
      .filter((line) => /^\s+at /.test(line))
      .slice(0, 8)
      .join('\n'),
  };
}

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

interface LoggedRequest {
  method: string;
  url: string;
  id: string;
  params?: unknown;
  routeOptions?: { url?: string };
}

/**
 * The path a request line logs: the route's pattern with its record ids filled in, and any other path parameter
 * (a secret calendar token, a lot number, a search term) left as its name. A path no route matched keeps only its
 * short plain segments. Query strings are never logged.
 */
export function loggablePath(req: LoggedRequest): string {
  const pattern = req.routeOptions?.url;
  if (pattern) {
    const params = (req.params ?? {}) as Record<string, unknown>;
    return pattern.replace(/:([A-Za-z0-9_]+)/g, (whole, name: string) => {
      const value = params[name];
      return typeof value === 'string' && UUID.test(value) ? value : whole;
    });
  }
  return req.url
    .split('?')[0]
    .split('/')
    .map((segment) => (segment.length <= 24 && /^[A-Za-z0-9._-]*$/.test(segment) ? segment : '*'))
    .join('/')
    .slice(0, 200);
}

const serializers = {
  req: (req: LoggedRequest) => ({ method: req.method, path: loggablePath(req), id: req.id }),
  res: (res: { statusCode: number }) => ({ statusCode: res.statusCode }),
  err: safeError,
};

/**
 * The server's logger: pino JSON lines on stdout (or `stream`), with request lines that carry no query string,
 * cookie, header or body, and errors reduced by `safeError` wherever they are logged. At a terminal the same
 * reduced lines are shown as short human lines instead (log-human.ts).
 */
export function loggerOptions(config: Pick<Config, 'logLevel'>, stream?: DestinationStream, terminal = !!process.stdout.isTTY): FastifyServerOptions['logger'] {
  if (config.logLevel === 'silent') return false;
  const destination = stream ?? (terminal ? humanLogStream() : undefined);
  return { level: config.logLevel, serializers, ...(destination ? { stream: destination } : {}) };
}
