// Realtime fan-out: a change is announced with pg_notify inside the transaction that makes it (so only committed
// changes are announced), every instance LISTENs on one channel and hands each event to its own viewers' streams.
import { sql } from 'drizzle-orm';
import type { FastifyReply, FastifyRequest } from 'fastify';
import type { Db, DbHandle } from '../../db/handle.ts';

const CHANNEL = 'terrace_live';
/** A viewer whose unsent output exceeds this is disconnected (its browser reconnects), so it never slows the others. */
const MAX_BUFFERED_BYTES = 512 * 1024;
const HEARTBEAT_MS = 15_000;

export type LiveEventType = 'chat' | 'chat_deleted' | 'likes' | 'offer' | 'status' | 'video';

export interface LiveEvent {
  sessionId: string;
  type: LiveEventType;
  data: unknown;
}

/** Announces an event to every instance's viewers once the caller's transaction commits. */
export async function publishLiveEvent(tx: Db, event: LiveEvent): Promise<void> {
  await tx.execute(sql`select pg_notify(${CHANNEL}, ${JSON.stringify(event)})`);
}

type Listener = (event: LiveEvent) => void;

export interface LiveHub {
  start(): Promise<void>;
  stop(): Promise<void>;
  subscribe(sessionId: string, listener: Listener): () => void;
  /** Viewers connected to this instance. */
  viewers(sessionId: string): number;
  /** Remembers how to end a viewer's stream; returns the forgetting. */
  track(end: () => void): () => void;
  /** Ends every viewer's stream (shutdown: open streams would keep the server from closing). */
  disconnectAll(): void;
}

export function createLiveHub(handle: DbHandle): LiveHub {
  const bySession = new Map<string, Set<Listener>>();
  const streams = new Set<() => void>();
  let unlisten: (() => Promise<void>) | undefined;
  const deliver = (payload: string) => {
    let event: LiveEvent;
    try {
      event = JSON.parse(payload) as LiveEvent;
    } catch {
      return;
    }
    for (const listener of bySession.get(event.sessionId) ?? []) listener(event);
  };
  return {
    async start() {
      if (handle.pglite) {
        unlisten = await handle.pglite.listen(CHANNEL, deliver);
      } else if (handle.pool) {
        const client = await handle.pool.connect();
        await client.query(`listen ${CHANNEL}`);
        client.on('notification', (n) => n.payload && deliver(n.payload));
        unlisten = async () => {
          await client.query(`unlisten ${CHANNEL}`).catch(() => {});
          client.release();
        };
      }
    },
    async stop() {
      await unlisten?.().catch(() => {});
      unlisten = undefined;
    },
    subscribe(sessionId, listener) {
      let set = bySession.get(sessionId);
      if (!set) bySession.set(sessionId, (set = new Set()));
      set.add(listener);
      return () => {
        set!.delete(listener);
        if (!set!.size) bySession.delete(sessionId);
      };
    },
    viewers: (sessionId) => bySession.get(sessionId)?.size ?? 0,
    disconnectAll() {
      for (const end of [...streams]) end();
    },
    track(end: () => void) {
      streams.add(end);
      return () => streams.delete(end);
    },
  };
}

/** Streams a session's events to one viewer as Server-Sent Events until the viewer leaves. */
export function streamSessionEvents(request: FastifyRequest, reply: FastifyReply, hub: LiveHub, sessionId: string): void {
  reply.hijack();
  const res = reply.raw;
  res.writeHead(200, { 'content-type': 'text/event-stream; charset=utf-8', 'cache-control': 'no-cache', connection: 'keep-alive', 'x-request-id': request.id });
  res.write('retry: 2000\n\n');
  let closed = false;
  const close = () => {
    if (closed) return;
    closed = true;
    untrack();
    unsubscribe();
    clearInterval(heartbeat);
    res.end();
  };
  const unsubscribe = hub.subscribe(sessionId, (event) => {
    if (closed) return;
    if (res.writableLength > MAX_BUFFERED_BYTES) return close();
    res.write(`event: ${event.type}\ndata: ${JSON.stringify(event.data)}\n\n`);
  });
  const untrack = hub.track(close);
  const heartbeat = setInterval(() => res.write(': keep-alive\n\n'), HEARTBEAT_MS);
  heartbeat.unref();
  request.raw.on('close', close);
  res.write(`event: ready\ndata: {}\n\n`);
}
