import type { DestinationStream } from 'pino';

const LEVELS: Record<number, string> = { 10: 'trace', 20: 'debug', 30: 'info', 40: 'WARN', 50: 'ERROR', 60: 'FATAL' };

/** Paths that are the web client's files rather than the API: not worth a line each at `info`. */
const isStatic = (path: string) => !path.startsWith('/api/');

/**
 * One pino JSON line as a person at a terminal reads it, or null for nothing: one short line per request
 * (`12:03:04 200 GET /api/v1/county 14 ms`), none for the client's files unless they fail, none for "incoming
 * request" or "Server listening" (the start banner says where). It reads only fields the logger's serializers
 * already reduced (log-safety.ts), so it shows nothing they withheld.
 */
export function humanLogLine(json: string, requests: Map<string, { method?: string; path?: string }> = new Map()): string | null {
  let entry: {
    level?: number;
    time?: number;
    msg?: string;
    reqId?: string;
    req?: { method?: string; path?: string };
    res?: { statusCode?: number };
    responseTime?: number;
    err?: { type?: string; code?: string };
  };
  try {
    entry = JSON.parse(json);
  } catch {
    return json.trimEnd() || null;
  }
  const level = entry.level ?? 30;
  const time = new Date(entry.time ?? Date.now()).toTimeString().slice(0, 8);
  // Fastify names the request on its "incoming" line and only its id on the "completed" one.
  if (entry.msg === 'incoming request') {
    if (requests.size > 10_000) requests.clear(); // requests that never completed must not grow it forever
    if (entry.reqId && entry.req) requests.set(entry.reqId, entry.req);
    return null;
  }
  if (entry.msg?.startsWith('Server listening at')) return null;
  if (entry.msg === 'request completed' && entry.res) {
    const req = entry.req ?? (entry.reqId ? requests.get(entry.reqId) : undefined) ?? {};
    if (entry.reqId) requests.delete(entry.reqId);
    const status = entry.res.statusCode ?? 0;
    const path = req.path ?? '';
    if (isStatic(path) && status < 400 && level <= 30) return null;
    return `${time} ${status} ${req.method ?? ''} ${path} ${Math.round(entry.responseTime ?? 0)} ms`;
  }
  const err = entry.err ? ` (${[entry.err.type, entry.err.code].filter(Boolean).join(' ')})` : '';
  return `${time} ${LEVELS[level] ?? level} ${entry.msg ?? ''}${err}`;
}

/** A pino destination that writes `humanLogLine`s to `out` (the terminal). */
export function humanLogStream(out: { write(s: string): unknown } = process.stdout): DestinationStream {
  const requests = new Map<string, { method?: string; path?: string }>();
  return {
    write(chunk: string) {
      for (const json of chunk.split('\n')) {
        if (!json) continue;
        const line = humanLogLine(json, requests);
        if (line !== null) out.write(`${line}\n`);
      }
    },
  };
}
