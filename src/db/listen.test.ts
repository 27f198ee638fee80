import { sql } from 'drizzle-orm';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { describeEachDriver, freshDatabase, type TestDatabase } from '../../test/support/db.ts';
import { queryRows } from './handle.ts';
import { listen } from './listen.ts';

const until = async (ok: () => boolean | Promise<boolean>, what: string) => {
  for (let i = 0; i < 200; i++) {
    if (await ok()) return;
    await new Promise((r) => setTimeout(r, 50));
  }
  throw new Error(`never: ${what}`);
};

describeEachDriver('LISTEN/NOTIFY', (driver) => {
  let db: TestDatabase;
  beforeAll(async () => {
    db = await freshDatabase(driver, 4);
  });
  afterAll(async () => db?.dispose());
  const notify = (channel: string, payload: string) => db.db.execute(sql`select pg_notify(${channel}, ${payload})`);

  it('delivers each channel to its own listeners only, and stops after unsubscribing', async () => {
    const a: string[] = [];
    const b: string[] = [];
    const offA = await listen(db, 'test_channel_a', (p) => a.push(p));
    const offB = await listen(db, 'test_channel_b', (p) => b.push(p));
    await notify('test_channel_a', 'one');
    await notify('test_channel_b', 'two');
    await until(() => a.length === 1 && b.length === 1, 'both delivered');
    expect([a, b]).toEqual([['one'], ['two']]);
    await offA();
    await notify('test_channel_a', 'unheard');
    await notify('test_channel_b', 'three');
    await until(() => b.length === 2, 'b again');
    expect(a).toEqual(['one']);
    await offB();
  });

  it('refuses a channel name that is not an identifier', async () => {
    await expect(listen(db, 'x; drop table users', () => {})).rejects.toThrow(/channel/);
  });

  it.runIf(driver === 'postgres')('shares one connection between channels and listens again after PostgreSQL drops it', async () => {
    const got: string[] = [];
    const offs = [await listen(db, 'test_channel_c', (p) => got.push(`c:${p}`)), await listen(db, 'test_channel_d', (p) => got.push(`d:${p}`))];
    const listeners = () =>
      queryRows<{ pid: number }>(db.db, sql`select pid from pg_stat_activity where datname = current_database() and query ilike 'listen %'`);
    expect((await listeners()).length).toBe(1);
    const before = (await listeners()).map((r) => r.pid);
    // The server ends the listening connection (a restart, a failover, an idle timeout).
    await db.db.execute(sql`select pg_terminate_backend(pid) from pg_stat_activity where datname = current_database() and query ilike 'listen %'`);
    await until(async () => {
      const now = await listeners();
      return now.length === 1 && !before.includes(now[0].pid);
    }, 'listening again on a new connection');
    // A notification sent while the connection is re-established is lost, as with any LISTEN: send again until each
    // channel has heard one.
    await until(async () => {
      for (const ch of ['c', 'd']) if (!got.includes(`${ch}:after`)) await notify(`test_channel_${ch}`, 'after');
      return got.includes('c:after') && got.includes('d:after');
    }, 'delivered after the reconnect');
    expect(new Set(got)).toEqual(new Set(['c:after', 'd:after']));
    for (const off of offs) await off();
  });
});
