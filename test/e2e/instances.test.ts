// Two server instances on one PostgreSQL database, as behind a load balancer: real processes, real HTTP.
import { randomUUID } from 'node:crypto';
import { sql } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { queryRows } from '../../src/db/handle.ts';
import { TEST_PASSWORD } from '../support/constants.ts';
import { freshDatabase, type TestDatabase } from '../support/db.ts';
import { startServerProcess, type ServerProcess } from './support/server.ts';

const ADDRESS = { name: '王小明', phone: '13800001234', province: '上海市', city: '上海市', detail: '徐汇区漕溪北路 88 号' };

interface Client {
  cookie: string;
  csrf: string;
}

async function login(base: string, username: string): Promise<Client> {
  const res = await fetch(`${base}/api/v1/auth/login`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ username, password: TEST_PASSWORD }) });
  expect(res.status).toBe(200);
  const cookie = res.headers.getSetCookie().find((c) => c.startsWith('terrace_session='))!.split(';')[0];
  return { cookie, csrf: ((await res.json()) as { csrfToken: string }).csrfToken };
}

const call = (base: string, who: Client | null, method: string, path: string, body?: unknown, headers: Record<string, string> = {}) =>
  fetch(`${base}/api/v1${path}`, {
    method,
    headers: { ...(body !== undefined ? { 'content-type': 'application/json' } : {}), ...(who ? { cookie: who.cookie, 'x-csrf-token': who.csrf } : {}), ...headers },
    body: body === undefined ? undefined : JSON.stringify(body),
  });

/** Reads a Server-Sent Events stream until it ends; answers its events in order. */
async function readEvents(res: Response): Promise<{ type: string; data: unknown }[]> {
  const text = await res.text();
  return text
    .split('\n\n')
    .filter((c) => c.trim())
    .map((c) => ({ type: /^event: (.*)$/m.exec(c)![1], data: JSON.parse(/^data: (.*)$/m.exec(c)![1]) }));
}

const until = async <T,>(what: () => Promise<T | undefined | null | false>, timeoutMs = 30_000): Promise<T> => {
  const end = Date.now() + timeoutMs;
  for (;;) {
    const v = await what();
    if (v) return v;
    if (Date.now() > end) throw new Error('timed out');
    await new Promise((r) => setTimeout(r, 100));
  }
};

describe.skipIf(!process.env.TEST_DATABASE_URL)('two instances on one PostgreSQL database', () => {
  let db: TestDatabase;
  let a: ServerProcess;
  let b: ServerProcess;

  beforeAll(async () => {
    db = await freshDatabase('postgres', 2);
    const env = {
      DATABASE_URL: db.url!,
      DATABASE_POOL_SIZE: '5',
      MARKET_RESERVATION_MINUTES: '0.05',
      MARKET_SWEEP_SECONDS: '1',
      JOBS_LEASE_SECONDS: '3',
      LOGIN_RATE_LIMIT_PER_MINUTE: '1000',
    };
    [a, b] = await Promise.all([startServerProcess({ env }), startServerProcess({ env })]);
  });
  afterAll(async () => {
    await Promise.all([a?.stop(), b?.stop()]);
    await db?.dispose();
  });

  it('a buyer signed in on one instance is signed in on the other', async () => {
    const buyer = await login(a.url, 'buyer');
    const me = await call(b.url, buyer, 'GET', '/me');
    expect(me.status).toBe(200);
    expect(((await me.json()) as { username: string }).username).toBe('buyer');
    // …and a write through B with the session and CSRF token from A is accepted.
    const out = await call(b.url, buyer, 'POST', '/auth/logout', {});
    expect(out.status).toBeLessThan(300);
    expect((await call(a.url, buyer, 'GET', '/me')).status).toBe(401);
  });

  it('a budget round solved through A streams its progress and result through B', async () => {
    const admin = await login(a.url, 'admin');
    const round = await call(a.url, admin, 'POST', '/interventions/rounds', { name: '两实例预算轮', budgetFen: 150_000_000, weights: { culturalValue: 1, jobs: 1 } });
    expect(round.status).toBe(201);
    const roundId = ((await round.json()) as { id: string }).id;
    const started = await call(a.url, admin, 'POST', `/interventions/rounds/${roundId}/solve`, { timeLimitMs: 3000 });
    expect(started.status).toBe(202);
    const { jobId } = (await started.json()) as { jobId: string };
    const events = await readEvents(await call(b.url, admin, 'GET', `/interventions/jobs/${jobId}/events`));
    // Progress first (as stored by whichever instance ran it), the result last.
    expect(events.filter((e) => e.type === 'progress').length).toBeGreaterThan(0);
    const result = events.at(-1)!;
    expect(result.type).toBe('result');
    expect(result.data).toMatchObject({ id: roundId, status: 'solved' });
    const ids = (result.data as { result: { selection: { ids: string[] } } }).result.selection.ids;
    expect(ids.length).toBeGreaterThan(0);
    // The round reads solved from A as well.
    const again = (await (await call(a.url, admin, 'GET', `/interventions/rounds/${roundId}`)).json()) as { status: string };
    expect(again.status).toBe('solved');
  });

  it('an expired reservation is released exactly once while both instances sweep', async () => {
    const buyer = await login(b.url, 'buyer');
    const products = ((await (await call(a.url, null, 'GET', '/market/products')).json()) as { items: { id: string }[] }).items;
    const product = (await (await call(a.url, null, 'GET', `/market/products/${products[0].id}`)).json()) as { variants: { id: string; stock: number }[] };
    const variant = product.variants[0];
    const ordered = await call(b.url, buyer, 'POST', '/market/orders', { items: [{ variantId: variant.id, qty: 2 }], address: ADDRESS }, { 'idempotency-key': randomUUID() });
    expect(ordered.status).toBe(201);
    const orderId = ((await ordered.json()) as { id: string }).id;
    // Reserved now: the variant shows two fewer.
    const stockNow = async () =>
      ((await (await call(a.url, null, 'GET', `/market/products/${products[0].id}`)).json()) as { variants: { id: string; stock: number }[] }).variants.find((v) => v.id === variant.id)!.stock;
    expect(await stockNow()).toBe(variant.stock - 2);
    // The reservation lapses after 3 s; one of the two instances' sweeps releases it.
    const order = await until(async () => {
      const o = (await (await call(b.url, buyer, 'GET', `/market/orders/${orderId}`)).json()) as { status: string };
      return o.status === 'cancelled' ? o : null;
    });
    expect(order.status).toBe('cancelled');
    expect(await stockNow()).toBe(variant.stock);
    // Let several more sweeps pass on both instances: still released once.
    await new Promise((r) => setTimeout(r, 3000));
    expect(await stockNow()).toBe(variant.stock);
    const audits = await queryRows<{ n: number }>(db.db, sql`select count(*)::int as n from audit_log where action = 'order.expire' and entity_id = ${orderId}`);
    expect(audits[0].n).toBe(1);
  });

  it('killing the instance that runs a job leaves it to the other, with nothing lost and nothing done twice', async () => {
    const admin = await login(a.url, 'admin');
    const round = await call(a.url, admin, 'POST', '/interventions/rounds', { name: '中断的预算轮', budgetFen: 150_000_000, weights: { culturalValue: 1 } });
    const roundId = ((await round.json()) as { id: string }).id;
    const { jobId } = (await (await call(a.url, admin, 'POST', `/interventions/rounds/${roundId}/solve`, { timeLimitMs: 5000 })).json()) as { jobId: string };
    // Both instances are frozen at once, so that the run cannot finish before it is caught running on a busy machine;
    // they are let go in short steps until one of them has claimed it.
    const both = [a.child.pid!, b.child.pid!];
    const signal = (s: NodeJS.Signals) => both.forEach((pid) => process.kill(pid, s));
    signal('SIGSTOP');
    const claimedBy = await until(async () => {
      const [run] = await queryRows<{ status: string; locked_by: string | null }>(db.db, sql`select status, locked_by from job_runs where id = ${jobId}`);
      if (run?.status === 'running' && run.locked_by) return run.locked_by;
      expect(run?.status).toBe('queued');
      signal('SIGCONT');
      await new Promise((r) => setTimeout(r, 20));
      signal('SIGSTOP');
      return null;
    }).catch((error) => {
      signal('SIGCONT'); // never leave the instances frozen for the suite's teardown
      throw error;
    });
    // Whichever instance claimed the job is killed outright (no graceful shutdown) while it runs.
    const pid = Number(claimedBy.split(':')[1]);
    const [victim, survivor] = a.child.pid === pid ? [a, b] : [b, a];
    expect(victim.child.pid).toBe(pid);
    await victim.stop('SIGKILL');
    process.kill(survivor.child.pid!, 'SIGCONT');
    const [before] = await queryRows<{ status: string }>(db.db, sql`select status from job_runs where id = ${jobId}`);
    expect(before.status).toBe('running');
    // The survivor takes the job over when the lease lapses, and its result streams from it.
    const survivorAdmin = await login(survivor.url, 'admin');
    const events = await readEvents(await call(survivor.url, survivorAdmin, 'GET', `/interventions/jobs/${jobId}/events`));
    expect(events.at(-1)).toMatchObject({ type: 'result', data: { id: roundId, status: 'solved' } });
    const [run] = await queryRows<{ status: string; attempts: number; locked_by: string }>(db.db, sql`select status, attempts, locked_by from job_runs where id = ${jobId}`);
    expect(run).toMatchObject({ status: 'succeeded', attempts: 2 });
    expect(Number(run.locked_by.split(':')[1])).toBe(survivor.child.pid);
    const solved = await queryRows<{ n: number }>(db.db, sql`select count(*)::int as n from audit_log where action = 'intervention.round.solve' and entity_id = ${roundId}`);
    expect(solved[0].n).toBe(1);
    // Restart the killed instance so the suite's other tests (and its teardown) keep two.
    if (victim === a) a = await startServerProcess({ env: { DATABASE_URL: db.url!, JOBS_LEASE_SECONDS: '3' } });
    else b = await startServerProcess({ env: { DATABASE_URL: db.url!, JOBS_LEASE_SECONDS: '3' } });
  });
});
