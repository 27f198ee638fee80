/**
 * Scale benchmark: checkouts per second through one server instance, then through two instances on the same
 * PostgreSQL database (autocannon against each at once, half the connections each — a round-robin balancer's load),
 * and the raw conditional-UPDATE ceiling, all in one run on one fresh database. Prints both ratios. Not a test.
 *
 *   npm run bench:scale -- [--seconds 10] [--connections 50] [--pool 10] [--base postgres://postgres@127.0.0.1:5432/postgres]
 */
import { randomBytes } from 'node:crypto';
import pg from 'pg';
import { BASE, cannon, CONNECTIONS, login, POOL, raw, printTable, say, SECONDS, startServer, withDb, type Figures } from './support/checkout-kit.ts';

const PRODUCTS = 200;

async function main() {
  const name = `terrace_scale_${randomBytes(4).toString('hex')}`;
  const admin = new pg.Client({ connectionString: BASE });
  await admin.connect();
  await admin.query(`create database "${name}"`);
  const databaseUrl = withDb(BASE, name);
  say(`Scale benchmark — fresh database ${name}, ${CONNECTIONS} connections in all, ${SECONDS} s per run, pool ${POOL} per instance`);
  const a = await startServer(databaseUrl);
  const b = await startServer(databaseUrl);
  try {
    const producer = await login(a.url, 'producer');
    const buyersA: Record<string, string>[] = [];
    const buyersB: Record<string, string>[] = [];
    for (let i = 0; i < CONNECTIONS; i++) {
      // Sessions live in the database: a buyer who signed in on A is served by B too.
      const s = (await login(i % 2 ? b.url : a.url, `scale_buyer_${i}`, true)).headers;
      (i % 2 ? buyersB : buyersA).push(s);
    }
    const [shop] = (await producer.call('GET', '/market/my-shops')) as { id: string }[];
    const product = async (n: string) =>
      ((await producer.call('POST', '/market/products', { orgId: shop.id, kind: 'tea', name: n, variants: [{ label: '50 克', priceFen: 12800, stock: 1_000_000 }] })) as { variants: { id: string }[] }).variants[0].id;
    const ids: string[] = [];
    for (let i = 0; i < PRODUCTS; i++) ids.push(await product(`规模 商品 ${i}`));
    const rawIds: string[] = [];
    for (let i = 0; i < PRODUCTS; i++) rawIds.push(await product(`规模 直连 ${i}`));
    const any = (list: string[]) => () => list[Math.floor(Math.random() * list.length)];
    const db = new pg.Client({ connectionString: databaseUrl });
    await db.connect();
    await db.query('analyze');
    await db.end();
    // Warm both instances.
    await Promise.all([cannon(a.url, buyersA, any(ids), 3), cannon(b.url, buyersB, any(ids), 3)]);

    const one = await cannon(a.url, [...buyersA, ...buyersB], any(ids));
    // Two instances: the same total of connections, split between them, at the same time.
    const [ta, tb] = await Promise.all([cannon(a.url, buyersA, any(ids), SECONDS, Math.ceil(CONNECTIONS / 2)), cannon(b.url, buyersB, any(ids), SECONDS, Math.floor(CONNECTIONS / 2))]);
    const two: Figures = { perSecond: ta.perSecond + tb.perSecond, p50: Math.max(ta.p50, tb.p50), p99: Math.max(ta.p99, tb.p99), ok: ta.ok + tb.ok, errors: ta.errors + tb.errors };
    const ceiling = await raw(databaseUrl, any(rawIds));

    printTable([
      ['checkout, one instance', one],
      ['checkout, two instances (sum; worst p)', two],
      [`raw conditional UPDATE, ${PRODUCTS} rows`, ceiling],
    ]);
    say(`Two instances / one: ${(two.perSecond / one.perSecond).toFixed(2)}`);
    say(`Ratio to the raw ceiling: one instance ${(one.perSecond / ceiling.perSecond).toFixed(2)}, two instances ${(two.perSecond / ceiling.perSecond).toFixed(2)}`);
  } finally {
    await Promise.all([a.stop(), b.stop()]);
    await admin.query(`drop database if exists "${name}" with (force)`);
    await admin.end();
  }
}

main().catch((error) => {
  process.stderr.write(`${error instanceof Error ? error.stack : String(error)}\n`);
  process.exit(1);
});
