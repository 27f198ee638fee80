/**
 * Checkout benchmark: the real server (a child process, as `npm start` runs it) on a fresh PostgreSQL database,
 * driven by autocannon; and in the same run the raw ceiling — the same conditional stock update issued straight
 * through `pg` with the same pool size — with the ratio. Not a test.
 *
 *   npm run bench:checkout -- [--seconds 10] [--connections 50] [--pool 10] [--base postgres://postgres@127.0.0.1:5432/postgres]
 */
import { randomBytes } from 'node:crypto';
import pg from 'pg';
import { BASE, cannon, CONNECTIONS, login, POOL, raw, say, SECONDS, SPREAD, printTable, startServer, withDb } from './support/checkout-kit.ts';

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

    printTable([
      ['checkout API, one hot product', hotApi],
      ['raw conditional UPDATE, one row', hotRaw],
      [`checkout API, ${SPREAD} products`, spreadApi],
      [`raw conditional UPDATE, ${SPREAD} rows`, spreadRaw],
    ]);
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
