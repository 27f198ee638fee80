/**
 * Checkout benchmark: the real server (a child process, as `npm start` runs it) on a fresh PostgreSQL database,
 * driven by autocannon; and in the same run the raw ceiling — the same conditional stock update issued straight
 * through `pg` with the same pool size — with the ratio. Not a test.
 *
 *   npm run bench:checkout -- [--seconds 10] [--connections 50] [--pool 10] [--base postgres://postgres@127.0.0.1:5432/postgres]
 */
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

const root = resolve(dirname(fileURLToPath(import.meta.url)), '..');
const arg = (name: string, fallback: string) => {
  const i = process.argv.indexOf(`--${name}`);
  return i > 0 ? process.argv[i + 1] : fallback;
};
const SECONDS = Number(arg('seconds', '10'));
const CONNECTIONS = Number(arg('connections', '50'));
const BASE = arg('base', 'postgres://postgres@127.0.0.1:5432/postgres');
const POOL = Number(arg('pool', '10')); // the server's pool size (DATABASE_POOL_SIZE; 10 by default) and the raw run's
const PASSWORD = 'bench-password-1';
const SPREAD = 1000;

const withDb = (url: string, db: string) => {
  const u = new URL(url);
  u.pathname = `/${db}`;
  return u.toString();
};
const say = (s: string) => process.stdout.write(`${s}\n`);

async function startServer(databaseUrl: string) {
  const child = spawn(process.execPath, ['--import', 'tsx', 'src/main.ts'], {
    cwd: root,
    env: { ...process.env, PORT: '0', HOST: '127.0.0.1', DATABASE_URL: databaseUrl, DATABASE_POOL_SIZE: String(POOL), TERRACE_DEMO_PASSWORD: PASSWORD, LOGIN_RATE_LIMIT_PER_MINUTE: '100000', LOG_LEVEL: 'warn', WEB_DIST: '/nonexistent' },
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

async function login(url: string, username: string, register = false) {
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

interface Figures {
  perSecond: number;
  p50: number;
  p99: number;
  ok: number;
  errors: number;
}

/** Checkouts from many buyers at once: each request goes out under the next buyer's session, in turn. */
async function cannon(url: string, buyers: Record<string, string>[], pick: () => string, seconds = SECONDS): Promise<Figures> {
  let turn = 0;
  const address = { name: '压测', phone: '13800001234', province: '上海市', city: '上海市', detail: '漕溪北路 88 号' };
  const result = await autocannon({
    url,
    connections: CONNECTIONS,
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
async function raw(databaseUrl: string, pick: () => string, seconds = SECONDS): Promise<Figures> {
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

async function main() {
  const name = `terrace_bench_${randomBytes(4).toString('hex')}`;
  const admin = new pg.Client({ connectionString: BASE });
  await admin.connect();
  await admin.query(`create database "${name}"`);
  const databaseUrl = withDb(BASE, name);
  say(`Checkout benchmark — fresh database ${name}, ${CONNECTIONS} connections, ${CONNECTIONS} buyers in turn, ${SECONDS} s per run, server pool ${POOL}`);
  const server = await startServer(databaseUrl);
  const db = new pg.Client({ connectionString: databaseUrl });
  try {
    const producer = await login(server.url, 'producer');
    // As many buyers as connections, taking turns: a sale is many people checking out, not one account.
    const buyers: Record<string, string>[] = [];
    for (let i = 0; i < CONNECTIONS; i++) buyers.push((await login(server.url, `bench_buyer_${i}`, true)).headers);
    const [shop] = (await producer.call('GET', '/market/my-shops')) as { id: string }[];
    const product = async (name: string, stock: number) =>
      ((await producer.call('POST', '/market/products', { orgId: shop.id, kind: 'tea', name, variants: [{ label: '50 克', priceFen: 12800, stock }] })) as { variants: { id: string }[] }).variants[0].id;
    const INITIAL = 1_000_000;
    const hot = await product('压测 热门单品', INITIAL);
    const rawHot = await product('压测 直连对照', INITIAL);
    const spread: string[] = [];
    const rawSpread: string[] = [];
    for (let i = 0; i < SPREAD; i++) spread.push(await product(`压测 商品 ${i}`, INITIAL));
    for (let i = 0; i < SPREAD; i++) rawSpread.push(await product(`压测 直连 ${i}`, INITIAL));
    const any = (ids: string[]) => () => ids[Math.floor(Math.random() * ids.length)];
    say(`Created ${2 + 2 * SPREAD} products (stock ${INITIAL} each).`);

    // Fresh statistics, so no autovacuum ANALYZE lands in a measured run and the plans are the settled ones.
    await db.connect();
    await db.query('analyze');
    // Warm up the checkout path (JIT, prepared statements on every pooled connection) on a product of its own,
    // and the raw path likewise, so neither measured run pays for its start.
    const warm = await product('压测 预热', INITIAL);
    await cannon(server.url, buyers, () => warm, 3);
    await raw(databaseUrl, () => warm, 2);

    const hotApi = await cannon(server.url, buyers, () => hot);
    const hotRaw = await raw(databaseUrl, () => rawHot);
    const spreadApi = await cannon(server.url, buyers, any(spread));
    const spreadRaw = await raw(databaseUrl, any(rawSpread));

    const { rows } = await db.query(
      `select count(*) filter (where v.stock < 0)::int as negative,
              count(*) filter (where v.stock <> $1 - coalesce(r.units, 0))::int as mismatched
       from market_variants v
       left join (select variant_id, sum(qty) as units from market_reservations where status in ('held', 'sold') group by variant_id) r on r.variant_id = v.id
       where v.id = any($2::uuid[])`,
      [INITIAL, [hot, ...spread]],
    );
    const { rows: orders } = await db.query(`select count(*)::int as n from market_orders`);

    const row = (label: string, f: Figures) =>
      `| ${label.padEnd(34)} | ${f.perSecond.toFixed(0).padStart(8)} | ${String(f.p50).padStart(7)} | ${String(f.p99).padStart(7)} | ${String(f.ok).padStart(7)} | ${String(f.errors).padStart(6)} |`;
    say('');
    say(`| ${'run'.padEnd(34)} | ${'per s'.padStart(8)} | ${'p50 ms'.padStart(7)} | ${'p99 ms'.padStart(7)} | ${'ok'.padStart(7)} | ${'errors'.padStart(6)} |`);
    say(`| ${'-'.repeat(34)} | ${'-'.repeat(8)} | ${'-'.repeat(7)} | ${'-'.repeat(7)} | ${'-'.repeat(7)} | ${'-'.repeat(6)} |`);
    say(row('checkout API, one hot product', hotApi));
    say(row('raw conditional UPDATE, one row', hotRaw));
    say(row(`checkout API, ${SPREAD} products`, spreadApi));
    say(row(`raw conditional UPDATE, ${SPREAD} rows`, spreadRaw));
    say('');
    say(`Ratio to the raw ceiling: hot product ${(hotApi.perSecond / hotRaw.perSecond).toFixed(2)}, spread ${(spreadApi.perSecond / spreadRaw.perSecond).toFixed(2)}`);
    say(`Oversell check: ${orders[0].n} orders; variants with negative stock: ${rows[0].negative}; variants where stock ≠ initial − reserved − sold: ${rows[0].mismatched}`);
  } finally {
    await db.end().catch(() => {});
    await server.stop();
    await admin.query(`drop database if exists "${name}" with (force)`);
    await admin.end();
  }
}

main().catch((error) => {
  process.stderr.write(`${error instanceof Error ? error.stack : String(error)}\n`);
  process.exit(1);
});
