// Realtime: every change of a session is an event with the session's next sequence number, written to a bounded
// log and announced with pg_notify inside the transaction that makes it (so only committed changes are announced,
// in commit order, which is sequence order: the counter row is locked until commit). Every instance LISTENs on one
// channel and hands each event to its own viewers' WebSockets. A viewer that reconnects with the last sequence
// number it saw gets what it missed from the log, in order, once; a viewer too slow to keep up is disconnected
// (its page reconnects and resumes) so it never slows the others. Presence is counted per client (a browser
// tab), in the database, with a grace period, so a reconnect does not count twice or drop out.
import { listen } from '../../db/listen.ts';
import { randomBytes } from 'node:crypto';
import type { IncomingMessage } from 'node:http';
import type { Duplex } from 'node:stream';
import { sql } from 'drizzle-orm';
import type { FastifyInstance } from 'fastify';
import { WebSocket, WebSocketServer } from 'ws';
import { queryRows, type Db, type DbHandle } from '../../db/handle.ts';

const CHANNEL = 'terrace_live';
/** Events kept per session for resuming; an older gap makes the page read itself again (a `reset`). */
export const eventLogKeep = () => Number(process.env.LIVE_EVENT_LOG_KEEP ?? 2000);
/** A viewer whose unsent output exceeds this is disconnected (it reconnects and resumes from the log). */
const maxBufferedBytes = () => Number(process.env.LIVE_MAX_BUFFERED_BYTES ?? 256 * 1024);
const presenceMs = () => Number(process.env.LIVE_PRESENCE_MS ?? 3000);
/** A client gone for less than this is still counted: a reconnect neither drops it nor counts it twice. */
export const presenceGraceSeconds = () => Number(process.env.LIVE_PRESENCE_GRACE_SECONDS ?? 15);
const PING_MS = 20_000;
const SAMPLE_SECONDS = 10;
const CLIENT_ID = /^[A-Za-z0-9_-]{8,64}$/;

export type LiveEventType = 'chat' | 'chat_deleted' | 'likes' | 'offer' | 'sold_out' | 'pin' | 'status' | 'video' | 'viewers';

export interface LiveEvent {
  sessionId: string;
  type: LiveEventType;
  data: unknown;
  /** The session's sequence number; absent for presence counts, which are not logged. */
  seq?: number;
}

/** Logs the event with the session's next sequence number and announces it to every instance once the caller's transaction commits. */
export async function publishLiveEvent(tx: Db, event: Omit<LiveEvent, 'seq'>): Promise<number> {
  const [row] = await queryRows<{ county_id: string; seq: number }>(
    tx,
    sql`with s as (
          insert into live_event_seqs (county_id, session_id, last_seq)
          select county_id, id, 1 from live_sessions where id = ${event.sessionId}::uuid
          on conflict (county_id, session_id) do update set last_seq = live_event_seqs.last_seq + 1
          returning county_id, last_seq)
        insert into live_event_log (county_id, session_id, seq, type, data)
        select county_id, ${event.sessionId}::uuid, last_seq, ${event.type}::text, ${JSON.stringify(event.data)}::jsonb from s
        returning county_id, seq`,
  );
  if (!row) return 0;
  const seq = Number(row.seq);
  const keep = eventLogKeep();
  if (seq % 100 === 0 && seq > keep) {
    await tx.execute(sql`delete from live_event_log where county_id = ${row.county_id}::uuid and session_id = ${event.sessionId}::uuid and seq <= ${seq - keep}`);
  }
  await tx.execute(sql`select pg_notify(${CHANNEL}, ${JSON.stringify({ ...event, seq })})`);
  return seq;
}

/** The session's last sequence number (0 before its first event). */
export async function currentSeq(db: Db, sessionId: string): Promise<number> {
  const [row] = await queryRows<{ last_seq: number }>(db, sql`select last_seq from live_event_seqs where session_id = ${sessionId}::uuid`);
  return row ? Number(row.last_seq) : 0;
}

/** Viewers of a session across instances: clients seen within the grace period. */
export async function countViewers(db: Db, sessionId: string): Promise<number> {
  const [row] = await queryRows<{ n: number }>(
    db,
    sql`select count(*)::int as n from live_viewers v join live_sessions s on s.county_id = v.county_id and s.id = v.session_id
        where v.session_id = ${sessionId}::uuid and v.last_seen > now() - make_interval(secs => ${presenceGraceSeconds()})`,
  );
  return row?.n ?? 0;
}

type Listener = (event: LiveEvent) => void;

interface SessionState {
  countyId: string;
  listeners: Set<Listener>;
  /** Clients of this instance: open sockets, and when the last one closed (counted until the grace ends). */
  clients: Map<string, { sockets: number; goneAt: number | null }>;
  viewers: number;
}

export interface LiveHub {
  start(): Promise<void>;
  stop(): Promise<void>;
  subscribe(sessionId: string, listener: Listener): () => void;
  /** A viewer's client joins a session on this instance; returns its leaving. */
  join(sessionId: string, countyId: string, clientId: string): () => void;
  /** The last counted viewers of a session (all instances), as this instance's viewers were told. */
  viewers(sessionId: string): number;
  /** Counts presence now (also done every LIVE_PRESENCE_MS). */
  tick(): Promise<void>;
  /** Remembers how to end a viewer's connection; returns the forgetting. */
  track(end: () => void): () => void;
  /** Ends every viewer's connection (shutdown). */
  disconnectAll(): void;
}

export function createLiveHub(handle: DbHandle): LiveHub {
  const db = handle.db;
  const sessions = new Map<string, SessionState>();
  const connections = new Set<() => void>();
  let unlisten: (() => Promise<void>) | undefined;
  let timer: NodeJS.Timeout | undefined;
  let ticking: Promise<void> | null = null;
  let soon: NodeJS.Timeout | undefined;

  const state = (sessionId: string, countyId = '') => {
    let s = sessions.get(sessionId);
    if (!s) sessions.set(sessionId, (s = { countyId, listeners: new Set(), clients: new Map(), viewers: 0 }));
    if (countyId && !s.countyId) s.countyId = countyId;
    return s;
  };
  const forgetIfIdle = (sessionId: string) => {
    const s = sessions.get(sessionId);
    if (s && !s.listeners.size && !s.clients.size) sessions.delete(sessionId);
  };
  const deliver = (payload: string) => {
    let event: LiveEvent;
    try {
      event = JSON.parse(payload) as LiveEvent;
    } catch {
      return;
    }
    for (const listener of sessions.get(event.sessionId)?.listeners ?? []) listener(event);
  };

  const countNow = async () => {
    const now = Date.now();
    const grace = presenceGraceSeconds() * 1000;
    const counties: string[] = [];
    const ids: string[] = [];
    const clients: string[] = [];
    for (const [sessionId, s] of sessions) {
      for (const [clientId, c] of s.clients) {
        if (c.goneAt !== null && now - c.goneAt > grace) s.clients.delete(clientId);
        else if (s.countyId) {
          counties.push(s.countyId);
          ids.push(sessionId);
          clients.push(clientId);
        }
      }
    }
    if (clients.length) {
      await db.execute(sql`insert into live_viewers (county_id, session_id, client_id)
        select * from unnest(${`{${counties.join(',')}}`}::uuid[], ${`{${ids.join(',')}}`}::uuid[], ${`{${clients.join(',')}}`}::text[])
        on conflict (county_id, session_id, client_id) do update set last_seen = now()`);
    }
    const watched = [...sessions.entries()].filter(([, s]) => s.countyId && (s.clients.size || s.listeners.size));
    if (!watched.length) return;
    const rows = await queryRows<{ session_id: string; county_id: string; n: number }>(
      db,
      sql`select s.id as session_id, s.county_id, count(v.client_id)::int as n
          from live_sessions s left join live_viewers v on v.county_id = s.county_id and v.session_id = s.id
            and v.last_seen > now() - make_interval(secs => ${presenceGraceSeconds()})
          where s.id = any(${`{${watched.map(([id]) => id).join(',')}}`}::uuid[]) group by s.id, s.county_id`,
    );
    for (const row of rows) {
      const s = sessions.get(row.session_id);
      if (!s) continue;
      const changed = s.viewers !== row.n;
      s.viewers = row.n;
      if (changed) for (const listener of s.listeners) listener({ sessionId: row.session_id, type: 'viewers', data: { viewers: row.n } });
      if (s.clients.size) {
        // Viewers over time for the report: the most any instance counted in the bucket.
        await db.execute(sql`insert into live_viewer_samples (county_id, session_id, at, viewers)
          values (${row.county_id}::uuid, ${row.session_id}::uuid, to_timestamp(floor(extract(epoch from now()) / ${SAMPLE_SECONDS}) * ${SAMPLE_SECONDS}), ${row.n})
          on conflict (county_id, session_id, at) do update set viewers = greatest(live_viewer_samples.viewers, excluded.viewers)`);
      }
    }
    for (const [id] of watched) forgetIfIdle(id);
  };
  const tick = async () => {
    // One count at a time; a tick asked for while one runs waits for it.
    while (ticking) await ticking;
    ticking = countNow()
      .catch(() => {})
      .finally(() => (ticking = null));
    await ticking;
  };
  const tickSoon = () => {
    if (soon) return;
    soon = setTimeout(() => {
      soon = undefined;
      void tick();
    }, 300);
    soon.unref();
  };

  return {
    async start() {
      unlisten = await listen(handle, CHANNEL, deliver);
      timer = setInterval(() => void tick(), presenceMs());
      timer.unref();
    },
    async stop() {
      clearInterval(timer);
      clearTimeout(soon);
      await ticking;
      await unlisten?.().catch(() => {});
      unlisten = undefined;
    },
    subscribe(sessionId, listener) {
      const s = state(sessionId);
      s.listeners.add(listener);
      return () => {
        s.listeners.delete(listener);
        forgetIfIdle(sessionId);
      };
    },
    join(sessionId, countyId, clientId) {
      const s = state(sessionId, countyId);
      const c = s.clients.get(clientId) ?? { sockets: 0, goneAt: null };
      c.sockets++;
      c.goneAt = null;
      s.clients.set(clientId, c);
      tickSoon();
      let left = false;
      return () => {
        if (left) return;
        left = true;
        if (--c.sockets === 0) c.goneAt = Date.now();
      };
    },
    viewers: (sessionId) => sessions.get(sessionId)?.viewers ?? 0,
    tick,
    track(end) {
      connections.add(end);
      return () => connections.delete(end);
    },
    disconnectAll() {
      for (const end of [...connections]) end();
    },
  };
}

/** What a viewer's socket is sent: a logged event with its number, a presence count, `ready` or `reset`. */
type Frame = { type: string; seq?: number; data?: unknown };

/**
 * Serves `GET <prefix>/live/sessions/:id/ws?after=<seq>&client=<id>` as a WebSocket on the app's HTTP server:
 * replays the session's events after `after` from the log (or answers `reset` when they are no longer kept), then
 * sends new ones as they come, each once, in order.
 */
export function attachLiveSockets(app: FastifyInstance, hub: LiveHub, prefix: string): void {
  const wss = new WebSocketServer({ noServer: true, maxPayload: 1024, perMessageDeflate: false });
  const path = new RegExp(`^${prefix.replace(/[/]/g, '\\/')}\\/live\\/sessions\\/([0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12})\\/ws$`);
  const refuse = (socket: Duplex, status: number, text: string) => {
    socket.end(`HTTP/1.1 ${status} ${text}\r\nconnection: close\r\ncontent-length: 0\r\n\r\n`);
  };
  const onUpgrade = (request: IncomingMessage, socket: Duplex, head: Buffer) => {
    const url = new URL(request.url ?? '/', 'http://localhost');
    const match = path.exec(url.pathname);
    if (!match) {
      if (app.server.listenerCount('upgrade') === 1) refuse(socket, 404, 'Not Found');
      return;
    }
    const sessionId = match[1];
    const afterText = url.searchParams.get('after');
    const after = afterText === null || afterText === '' ? null : Number(afterText);
    if (after !== null && !(Number.isInteger(after) && after >= 0)) return refuse(socket, 400, 'Bad Request');
    const given = url.searchParams.get('client');
    const clientId = given && CLIENT_ID.test(given) ? given : randomBytes(12).toString('base64url');
    void queryRows<{ county_id: string }>(app.db, sql`select county_id from live_sessions where id = ${sessionId}::uuid`)
      .then(([session]) => {
        if (!session) return refuse(socket, 404, 'Not Found');
        wss.handleUpgrade(request, socket, head, (ws) => serveViewer(app.db, hub, ws, sessionId, session.county_id, clientId, after));
      })
      .catch(() => refuse(socket, 503, 'Service Unavailable'));
  };
  app.server.on('upgrade', onUpgrade);
  app.addHook('onClose', async () => {
    app.server.off('upgrade', onUpgrade);
    await new Promise<void>((resolve) => wss.close(() => resolve()));
  });
}

function serveViewer(db: Db, hub: LiveHub, ws: WebSocket, sessionId: string, countyId: string, clientId: string, after: number | null) {
  let last = after ?? 0;
  let backlog: LiveEvent[] | null = [];
  let alive = true;
  const send = (frame: Frame) => {
    if (ws.readyState !== WebSocket.OPEN) return;
    // Bounded queue: a viewer this far behind is cut off; it reconnects with its last number and resumes.
    if (ws.bufferedAmount > maxBufferedBytes()) return ws.close(1013, 'too slow');
    ws.send(JSON.stringify(frame));
  };
  const deliver = (event: LiveEvent) => {
    if (backlog) {
      backlog.push(event);
      if (backlog.length > eventLogKeep()) ws.close(1013, 'too slow');
      return;
    }
    if (event.seq === undefined) return send({ type: event.type, data: event.data });
    if (event.seq <= last) return;
    last = event.seq;
    send({ type: event.type, seq: event.seq, data: event.data });
  };
  const unsubscribe = hub.subscribe(sessionId, deliver);
  const leave = hub.join(sessionId, countyId, clientId);
  const end = () => ws.terminate();
  const untrack = hub.track(end);
  const ping = setInterval(() => {
    if (!alive) return ws.terminate();
    alive = false;
    ws.ping();
  }, PING_MS);
  ping.unref();
  ws.on('pong', () => (alive = true));
  ws.on('error', () => ws.terminate());
  ws.on('close', () => {
    clearInterval(ping);
    unsubscribe();
    leave();
    untrack();
  });

  void (async () => {
    // Subscribed first, then read the log: whatever commits in between is in one or the other, and kept once by its number.
    if (after === null) {
      last = await currentSeq(db, sessionId);
    } else {
      const rows = await queryRows<{ seq: number; type: string; data: unknown }>(
        db,
        sql`select seq, type, data from live_event_log where session_id = ${sessionId}::uuid and county_id = ${countyId}::uuid and seq > ${after} order by seq limit ${eventLogKeep()}`,
      );
      const current = await currentSeq(db, sessionId);
      const gap = rows.length ? Number(rows[0].seq) !== after + 1 : current > after;
      if (gap || after > current) {
        // Too far behind (or from another life of the database): the page reads itself again from here.
        last = Math.max(current, ...rows.map((r) => Number(r.seq)));
        send({ type: 'reset', seq: last });
      } else {
        for (const r of rows) send({ type: r.type, seq: Number(r.seq), data: r.data });
        if (rows.length) last = Number(rows.at(-1)!.seq);
      }
    }
    send({ type: 'ready', seq: last, data: { viewers: hub.viewers(sessionId) } });
    const pending = backlog!.sort((a, b) => (a.seq ?? 0) - (b.seq ?? 0));
    backlog = null;
    for (const event of pending) deliver(event);
  })().catch(() => ws.close(1011, 'unavailable'));
}
