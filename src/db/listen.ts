// LISTEN/NOTIFY for the kernel and every module: one listening connection per database handle, shared by every
// channel, and re-established (with its channels) when PostgreSQL drops it.
import type pg from 'pg';
import type { DbHandle } from './handle.ts';

type Listener = (payload: string) => void;

interface Shared {
  channels: Map<string, Set<Listener>>;
  client?: pg.PoolClient;
  connecting?: Promise<void>;
  retry?: NodeJS.Timeout;
  closed: boolean;
}

const shared = new WeakMap<DbHandle, Shared>();
const RETRY_MS = 1000;
const CHANNEL_NAME = /^[a-z_][a-z0-9_]{0,62}$/;

/**
 * Calls `onPayload` for every NOTIFY on `channel`, from any instance on the same database; answers the unsubscribe.
 * On PostgreSQL a notification sent while the connection was being re-established is lost: callers that must not
 * miss one also poll (the job queue and live sales do, every second or so).
 */
export async function listen(handle: DbHandle, channel: string, onPayload: Listener): Promise<() => Promise<void>> {
  if (!CHANNEL_NAME.test(channel)) throw new Error(`Not a channel name: ${channel}`);
  if (handle.pglite) return handle.pglite.listen(channel, onPayload);
  if (!handle.pool) return async () => {};
  let s = shared.get(handle);
  if (!s) shared.set(handle, (s = { channels: new Map(), closed: false }));
  const state = s;
  state.closed = false;
  let set = state.channels.get(channel);
  const fresh = !set;
  if (!set) state.channels.set(channel, (set = new Set()));
  set.add(onPayload);
  await connect(handle.pool, state);
  if (fresh && state.client) await state.client.query(`listen ${channel}`);
  return async () => {
    set!.delete(onPayload);
    if (set!.size) return;
    state.channels.delete(channel);
    await state.client?.query(`unlisten ${channel}`).catch(() => {});
    if (!state.channels.size) {
      state.closed = true;
      clearTimeout(state.retry);
      const client = state.client;
      state.client = undefined;
      client?.release();
    }
  };
}

async function connect(pool: pg.Pool, state: Shared): Promise<void> {
  if (state.client) return;
  if (state.connecting) return state.connecting;
  state.connecting = (async () => {
    const client = await pool.connect();
    const lost = () => {
      if (state.client !== client) return;
      state.client = undefined;
      client.release(true);
      if (!state.closed) reconnectSoon(pool, state);
    };
    client.on('error', lost);
    client.on('end', lost);
    client.on('notification', (n) => {
      if (n.payload === undefined) return;
      for (const l of state.channels.get(n.channel) ?? []) l(n.payload);
    });
    for (const channel of state.channels.keys()) await client.query(`listen ${channel}`);
    state.client = client;
  })().finally(() => {
    state.connecting = undefined;
  });
  return state.connecting;
}

function reconnectSoon(pool: pg.Pool, state: Shared) {
  clearTimeout(state.retry);
  state.retry = setTimeout(() => {
    if (state.closed || !state.channels.size) return;
    connect(pool, state).catch(() => reconnectSoon(pool, state));
  }, RETRY_MS);
  state.retry.unref();
}
