// What the checkout and scale benchmarks share: the real server as a child process, buyers' sessions, autocannon
// checkouts in turn, and the raw conditional-UPDATE ceiling. Flags: --seconds --connections --pool --base.
import { spawn } from 'node:child_process';
import { randomBytes, randomUUID } from 'node:crypto';
import { dirname, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
// @ts-expect-error autocannon 8 ships no type declarations; the little used here is typed below.
import autocannonUntyped from 'autocannon';
import pg from 'pg';

interface CannonRequest {
  method: string;
  path: string;
  headers?: Record<string, string>;
  body?: string;
  setupRequest?: (req: CannonRequest) => CannonRequest;
}
interface CannonResult {
  statusCodeStats: Record<string, { count: number }>;
  latency: { p50: number; p99: number };
  non2xx: number;
  errors: number;
  timeouts: number;
}
const autocannon = autocannonUntyped as (options: { url: string; connections: number; duration: number; requests: CannonRequest[] }) => Promise<CannonResult>;

const root = resolve(dirname(fileURLToPath(import.meta.url)), '../..');
const arg = (name: string, fallback: string) => {
  const i = process.argv.indexOf(`--${name}`);
  return i > 0 ? process.argv[i + 1] : fallback;
};
export const SECONDS = Number(arg('seconds', '10'));
export const CONNECTIONS = Number(arg('connections', '50'));
export const BASE = arg('base', 'postgres://postgres@127.0.0.1:5432/postgres');
export const POOL = Number(arg('pool', '10')); // the server's pool size (DATABASE_POOL_SIZE; 10 by default) and the raw run's
export const PASSWORD = 'bench-password-1';
export const SPREAD = 1000;

export const withDb = (url: string, db: string) => {
  const u = new URL(url);
  u.pathname = `/${db}`;
  return u.toString();
};
export const say = (s: string) => process.stdout.write(`${s}\n`);

export async function startServer(databaseUrl: string, env: Record<string, string> = {}) {
  const child = spawn(process.execPath, ['--import', 'tsx', 'src/main.ts'], {
    cwd: root,
    env: { ...process.env, PORT: '0', HOST: '127.0.0.1', DATABASE_URL: databaseUrl, DATABASE_POOL_SIZE: String(POOL), TERRACE_DEMO: '1', TERRACE_DEMO_PASSWORD: PASSWORD, WRITE_RATE_LIMIT_PER_USER_PER_MINUTE: '0', WRITE_RATE_LIMIT_PER_ADDRESS_PER_MINUTE: '0', LOGIN_RATE_LIMIT_PER_MINUTE: '100000', LOG_LEVEL: 'warn', WEB_DIST: '/nonexistent', ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let out = '';
  child.stderr.on('data', (d) => (out += d));
  const url = await new Promise<string>((ok, fail) => {
    child.stdout.on('data', (d) => {
      out += d;
      const m = out.match(/ready:\s+(http:\/\/localhost:\d+)/);
      if (m) ok(m[1].replace('localhost', '127.0.0.1'));
    });
    child.on('exit', (code) => fail(new Error(`server exited with ${code}:\n${out}`)));
  });
  return { url, stop: () => new Promise<void>((ok) => (child.exitCode !== null ? ok() : (child.once('exit', () => ok()), child.kill('SIGTERM')))) };
}

export async function login(url: string, username: string, register = false) {
  const res = await fetch(`${url}/api/v1/auth/${register ? 'register' : 'login'}`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ username, password: PASSWORD, ...(register ? { displayName: username } : {}) }),
  });
  if (!res.ok) throw new Error(`${register ? 'register' : 'login'} ${username}: ${res.status}`);
  const cookie = res.headers.getSetCookie().map((c) => c.split(';')[0]).join('; ');
  const { csrfToken } = (await res.json()) as { csrfToken: string };
  const headers = { cookie, 'x-csrf-token': csrfToken, 'content-type': 'application/json' };
  const call = async (method: string, path: string, body?: unknown) => {
    const r = await fetch(`${url}/api/v1${path}`, { method, headers, body: body === undefined ? undefined : JSON.stringify(body) });
    const json = await r.json();
    if (!r.ok) throw new Error(`${method} ${path}: ${r.status} ${JSON.stringify(json)}`);
    return json;
  };
  return { headers, call };
}

export interface Figures {
  perSecond: number;
  p50: number;
  p99: number;
  ok: number;
  errors: number;
}

/** Checkouts from many buyers at once: each request goes out under the next buyer's session, in turn. */
export async function cannon(url: string, buyers: Record<string, string>[], pick: () => string, seconds = SECONDS, connections = CONNECTIONS): Promise<Figures> {
  let turn = 0;
  const address = { name: '压测', phone: '13800001234', province: '上海市', city: '上海市', detail: '漕溪北路 88 号' };
  const result = await autocannon({
    url,
    connections,
    duration: seconds,
    requests: [
      {
        method: 'POST',
        path: '/api/v1/market/orders',
        headers: { ...buyers[0], 'idempotency-key': 'set-per-request' },
        setupRequest: (req: CannonRequest) => {
          req.headers = { ...buyers[turn++ % buyers.length], 'idempotency-key': randomUUID() };
          req.body = JSON.stringify({ items: [{ variantId: pick(), qty: 1 }], address });
          return req;
        },
      },
    ],
  });
  const codes = result.statusCodeStats;
  const ok = codes['201']?.count ?? 0;
  return { perSecond: ok / seconds, p50: result.latency.p50, p99: result.latency.p99, ok, errors: result.non2xx + result.errors + result.timeouts };
}

/** The raw ceiling: the same conditional UPDATE through pg, CONNECTIONS callers sharing a pool of POOL. */
export async function raw(databaseUrl: string, pick: () => string, seconds = SECONDS): Promise<Figures> {
  const pool = new pg.Pool({ connectionString: databaseUrl, max: POOL });
  const latencies: number[] = [];
  let ok = 0;
  let errors = 0;
  const end = Date.now() + seconds * 1000;
  await Promise.all(
    Array.from({ length: CONNECTIONS }, async () => {
      while (Date.now() < end) {
        const t0 = performance.now();
        try {
          const r = await pool.query('update market_variants set stock = stock - $2 where id = $1 and stock >= $2', [pick(), 1]);
          if (r.rowCount === 1) ok++;
          else errors++;
        } catch {
          errors++;
        }
        latencies.push(performance.now() - t0);
      }
    }),
  );
  await pool.end();
  latencies.sort((a, b) => a - b);
  const q = (p: number) => Math.round(latencies[Math.min(latencies.length - 1, Math.floor(p * latencies.length))] * 10) / 10;
  return { perSecond: ok / seconds, p50: q(0.5), p99: q(0.99), ok, errors };
}


/** Prints runs as a Markdown table. */
export function printTable(runs: [string, Figures][]) {
  const w = Math.max(34, ...runs.map(([l]) => l.length));
  const line = (c: string[]) => `| ${c[0].padEnd(w)} | ${c[1].padStart(8)} | ${c[2].padStart(7)} | ${c[3].padStart(7)} | ${c[4].padStart(7)} | ${c[5].padStart(6)} |`;
  say('');
  say(line(['run', 'per s', 'p50 ms', 'p99 ms', 'ok', 'errors']));
  say(line(['-'.repeat(w), '-'.repeat(8), '-'.repeat(7), '-'.repeat(7), '-'.repeat(7), '-'.repeat(6)]));
  for (const [label, f] of runs) say(line([label, f.perSecond.toFixed(0), String(f.p50), String(f.p99), String(f.ok), String(f.errors)]));
  say('');
}
