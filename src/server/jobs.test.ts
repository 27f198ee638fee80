import { afterAll, beforeAll, expect, it } from 'vitest';
import { sql } from 'drizzle-orm';
import { describeEachDriver, freshDatabase, type TestDatabase } from '../../test/support/db.ts';
import { queryRows } from '../db/handle.ts';
import { createJobQueue, type JobDefinition } from './jobs.ts';

/**
 * The queue's promises, against a real database on each driver: a run's outcome is written once even when the
 * instance running it dies or loses its lease half-way, and `drain` leaves nothing due behind.
 */
describeEachDriver('job queue', (driver) => {
  let db: TestDatabase;
  beforeAll(async () => {
    db = await freshDatabase(driver);
    await db.db.execute(sql`create table job_test_outcomes (run_id text not null, value int not null)`);
  });
  afterAll(async () => db?.dispose());

  const outcomes = async (runId: string) =>
    (await queryRows<{ value: number }>(db.db, sql`select value from job_test_outcomes where run_id = ${runId} order by value`)).map((r) => r.value);
  const runOf = async (id: string) =>
    (await queryRows<{ status: string; attempts: number; result: unknown }>(db.db, sql`select status, attempts, result from job_runs where id = ${id}`))[0];

  it('writes the outcome and the success together: a run whose lease was taken over while it worked rolls its writes back', async () => {
    let release!: () => void;
    const gate = new Promise<void>((r) => (release = r));
    let entered!: () => void;
    const inside = new Promise<void>((r) => (entered = r));
    const slow: JobDefinition<{ value: number }> = {
      name: 'test.slow-finish',
      maxAttempts: 3,
      async run({ value }, ctx) {
        entered();
        await gate;
        return ctx.finish(async (tx) => {
          await tx.execute(sql`insert into job_test_outcomes values (${ctx.jobId}, ${value})`);
          return { wrote: value };
        });
      },
    };
    const first = createJobQueue(db, [slow]);
    const id = await first.send('test.slow-finish', { value: 7 });
    const draining = first.drain();
    await inside;
    // Meanwhile the lease lapsed and another instance claimed the run (as the queue's claim does).
    await db.db.execute(sql`update job_runs set locked_by = 'other:1:x', attempts = attempts + 1 where id = ${id}`);
    release();
    await draining;
    // This instance's write was rolled back; the run is the other instance's to finish.
    expect(await outcomes(id)).toEqual([]);
    expect((await runOf(id)).status).toBe('running');
    // The other instance (here: a second queue once the lease has lapsed) runs it to the end, once.
    await db.db.execute(sql`update job_runs set locked_until = now() - interval '1 second' where id = ${id}`);
    const second = createJobQueue(db, [{ ...slow, run: async ({ value }: { value: number }, ctx) => ctx.finish(async (tx) => (await tx.execute(sql`insert into job_test_outcomes values (${ctx.jobId}, ${value})`), { wrote: value })) }]);
    await second.drain();
    expect(await outcomes(id)).toEqual([7]);
    expect(await runOf(id)).toMatchObject({ status: 'succeeded', result: { wrote: 7 } });
  });

  it('a failure inside finish leaves nothing written and the run retried', async () => {
    let calls = 0;
    const flaky: JobDefinition<{ value: number }> = {
      name: 'test.flaky-finish',
      maxAttempts: 2,
      async run({ value }, ctx) {
        calls++;
        return ctx.finish(async (tx) => {
          await tx.execute(sql`insert into job_test_outcomes values (${ctx.jobId}, ${value})`);
          if (calls === 1) throw new Error('the first attempt breaks after writing');
          return { wrote: value };
        });
      },
    };
    const queue = createJobQueue(db, [flaky]);
    const id = await queue.send('test.flaky-finish', { value: 3 });
    await queue.drain();
    expect(await runOf(id)).toMatchObject({ status: 'queued', attempts: 1 });
    expect(await outcomes(id)).toEqual([]);
    await db.db.execute(sql`update job_runs set run_after = now() where id = ${id}`);
    await queue.drain();
    expect(await runOf(id)).toMatchObject({ status: 'succeeded', attempts: 2, result: { wrote: 3 } });
    expect(await outcomes(id)).toEqual([3]);
  });

  it('drain returns only when nothing is due: work queued by a finishing run is run too', async () => {
    const seen: number[] = [];
    const chain: JobDefinition<{ n: number }> = {
      name: 'test.chain',
      async run({ n }, ctx) {
        seen.push(n);
        if (n < 4) await queue.sendIn(ctx.db, 'test.chain', { n: n + 1 });
        return { n };
      },
    };
    const queue = createJobQueue(db, [chain]);
    await queue.send('test.chain', { n: 1 });
    await queue.drain();
    expect(seen).toEqual([1, 2, 3, 4]);
    const due = await queryRows<{ n: number }>(db.db, sql`select count(*)::int as n from job_runs where name = 'test.chain' and status <> 'succeeded'`);
    expect(due[0].n).toBe(0);
  });
});
