/**
 * Job queue benchmark: Terrace's queue (src/server/jobs.ts) beside pg-boss 10 (the last pg-boss that runs on
 * Node 20; 11 and 12 need Node 22) on the same PostgreSQL server in one run: sends per second, jobs completed per
 * second with the same worker concurrency, and the idle latency from send to start. Not a test.
 *
 *   npm run bench:jobs -- [--jobs 2000] [--concurrency 4] [--base postgres://postgres@127.0.0.1:5432/postgres]
 */
import { randomBytes } from 'node:crypto';
import pg from 'pg';
import PgBoss from 'pg-boss';
import { migrateDatabase, openDatabase } from '../src/db/handle.ts';
import { createJobQueue } from '../src/server/jobs.ts';

const arg = (name: string, fallback: string) => {
  const i = process.argv.indexOf(`--${name}`);
  return i > 0 ? process.argv[i + 1] : fallback;
};
const JOBS = Number(arg('jobs', '2000'));
const CONCURRENCY = Number(arg('concurrency', '4'));
const BASE = arg('base', 'postgres://postgres@127.0.0.1:5432/postgres');
const LATENCY_SAMPLES = 20;
const say = (s: string) => process.stdout.write(`${s}\n`);
const withDb = (url: string, db: string) => Object.assign(new URL(url), { pathname: `/${db}` }).toString();

interface Figures {
  sendsPerSecond: number;
  jobsPerSecond: number;
  latencyMs: number;
}

/** Runs the same script against a queue: N sends, wait for N completions; then single sends one at a time. */
async function measure(send: (i: number) => Promise<unknown>, done: { count: number; started: Map<number, number> }): Promise<Figures> {
  const t0 = performance.now();
  await Promise.all(Array.from({ length: JOBS }, (_, i) => send(i)));
  const sent = performance.now();
  while (done.count < JOBS) await new Promise((r) => setTimeout(r, 5));
  const finished = performance.now();
  const latencies: number[] = [];
  for (let k = 0; k < LATENCY_SAMPLES; k++) {
    const i = JOBS + k;
    const at = performance.now();
    await send(i);
    while (!done.started.has(i)) await new Promise((r) => setTimeout(r, 1));
    latencies.push(done.started.get(i)! - at);
  }
  latencies.sort((a, b) => a - b);
  return { sendsPerSecond: JOBS / ((sent - t0) / 1000), jobsPerSecond: JOBS / ((finished - t0) / 1000), latencyMs: latencies[Math.floor(latencies.length / 2)] };
}

async function main() {
  const names = ['jobs', 'boss', 'bossb'].map((n) => `terrace_${n}_${randomBytes(4).toString('hex')}`);
  const admin = new pg.Client({ connectionString: BASE });
  await admin.connect();
  for (const n of names) await admin.query(`create database "${n}"`);
  say(`Job queue benchmark — ${JOBS} no-op jobs, ${CONCURRENCY} workers each, median of ${LATENCY_SAMPLES} idle send→start latencies`);
  try {
    // Terrace's queue.
    const handle = await openDatabase({ databaseUrl: withDb(BASE, names[0]), poolSize: 10 });
    await migrateDatabase(handle, []);
    const ours = { count: 0, started: new Map<number, number>() };
    const queue = createJobQueue(handle, [{ name: 'bench.noop', maxAttempts: 1, run: async (data: { i: number }) => {
      ours.started.set(data.i, performance.now());
      ours.count++;
    } }], { concurrency: CONCURRENCY });
    await queue.start();
    const terrace = await measure((i) => queue.send('bench.noop', { i }), ours);
    await queue.stop();
    await handle.close();

    // pg-boss, as it is meant to run: polling, one job per fetch (like ours), then batches of 50.
    const runBoss = async (db: string, batchSize: number) => {
      const boss = new PgBoss({ connectionString: withDb(BASE, db), max: 10 });
      boss.on('error', () => {});
      await boss.start();
      await boss.createQueue('bench-noop');
      const done = { count: 0, started: new Map<number, number>() };
      for (let w = 0; w < CONCURRENCY; w++) {
        await boss.work<{ i: number }>('bench-noop', { batchSize, pollingIntervalSeconds: 0.5 }, async (jobs) => {
          for (const job of jobs) {
            done.started.set(job.data.i, performance.now());
            done.count++;
          }
        });
      }
      const f = await measure((i) => boss.send('bench-noop', { i }), done);
      await boss.stop({ graceful: false, wait: true });
      return f;
    };
    const pgBoss = await runBoss(names[1], 1);
    const pgBossBatch = await runBoss(names[2], 50);

    const line = (c: string[]) => `| ${c[0].padEnd(18)} | ${c[1].padStart(10)} | ${c[2].padStart(10)} | ${c[3].padStart(14)} |`;
    say('');
    say(line(['queue', 'sends/s', 'jobs/s', 'idle latency ms']));
    say(line(['-'.repeat(18), '-'.repeat(10), '-'.repeat(10), '-'.repeat(14)]));
    for (const [label, f] of [['Terrace (ours)', terrace], ['pg-boss 10.3.3', pgBoss], ['pg-boss, batch 50', pgBossBatch]] as const) {
      say(line([label, f.sendsPerSecond.toFixed(0), f.jobsPerSecond.toFixed(0), f.latencyMs.toFixed(1)]));
    }
    say('');
    say(`Ours / pg-boss (one per fetch): sends ${(terrace.sendsPerSecond / pgBoss.sendsPerSecond).toFixed(2)}, jobs ${(terrace.jobsPerSecond / pgBoss.jobsPerSecond).toFixed(2)}, idle latency ${(terrace.latencyMs / pgBoss.latencyMs).toFixed(2)}`);
    say(`Ours / pg-boss (batch 50): jobs ${(terrace.jobsPerSecond / pgBossBatch.jobsPerSecond).toFixed(2)}, idle latency ${(terrace.latencyMs / pgBossBatch.latencyMs).toFixed(2)}`);
  } finally {
    for (const n of names) await admin.query(`drop database if exists "${n}" with (force)`);
    await admin.end();
  }
}

main().catch((error) => {
  process.stderr.write(`${error instanceof Error ? error.stack : String(error)}\n`);
  process.exit(1);
});
