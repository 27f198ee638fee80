import { hostname } from 'node:os';
import { and, eq, sql } from 'drizzle-orm';
import { uuidv7 } from 'uuidv7';
import type { Db, DbHandle } from '../db/handle.ts';
import { queryRows } from '../db/handle.ts';
import { listen } from '../db/listen.ts';
import { jobRuns, type JobStatus } from '../db/schema.ts';
import { recordAudit } from './audit.ts';

/** What a running job is given. */
export interface JobContext {
  db: Db;
  jobId: string;
  countyId: string | null;
  requestedBy: string | null;
  /** Stores progress where every instance reads it, and wakes its watchers. */
  progress(data: unknown): Promise<void>;
  /** Aborted when the queue stops (shutdown): finish or give up quickly; the run is retried elsewhere. */
  signal: AbortSignal;
  /**
   * Writes the job's outcome and marks the run succeeded in one transaction, only while this instance still holds
   * the run: a run whose instance died between the two can never be done twice, and an instance that lost its lease
   * (another took the run over) rolls its writes back. The value `work` answers is the run's result.
   */
  finish<R>(work: (tx: Db) => Promise<R>): Promise<R>;
}

/** Thrown by `finish` when another instance has taken the run over: this one's writes are rolled back. */
export class JobLeaseLost extends Error {
  constructor(id: string) {
    super(`Job ${id} was taken over by another instance`);
    this.name = 'JobLeaseLost';
  }
}

export interface JobDefinition<T = any> {
  /** `<module>.<what>`, e.g. `market.release-reservations`. */
  name: string;
  /** The work; its answer is stored as the run's result. Throwing retries it with backoff up to `maxAttempts`. */
  run(data: T, ctx: JobContext): Promise<unknown>;
  /** Recurring: seconds between runs (read at start; 0 or less switches it off). */
  every?: () => number;
  maxAttempts?: number;
  /** How long a claimed run may go without a heartbeat before another instance takes it over (default: the queue's). */
  leaseSeconds?: number;
}

export interface JobRun {
  id: string;
  name: string;
  status: JobStatus;
  countyId: string | null;
  requestedBy: string | null;
  progress: unknown;
  result: unknown;
  error: string | null;
  attempts: number;
  createdAt: string;
  updatedAt: string;
}

export interface SendOptions {
  countyId?: string | null;
  requestedBy?: string | null;
  /** At most one queued or running run per key: a second send answers the first run's id. */
  singletonKey?: string;
  /** Start no earlier than this many seconds from now. */
  delaySeconds?: number;
}

export interface JobQueue {
  send(name: string, data: unknown, options?: SendOptions): Promise<string>;
  /** Sends within the caller's transaction: the run exists only if the transaction commits. */
  sendIn(tx: Db, name: string, data: unknown, options?: SendOptions): Promise<string>;
  get(id: string): Promise<JobRun | null>;
  /** Calls `listener` whenever the run changes (on any instance); returns the unsubscribe. */
  watch(id: string, listener: (run: JobRun) => void): () => void;
  /** Runs due work until nothing is due (tests, and the shutdown drain). */
  drain(): Promise<void>;
  start(): Promise<void>;
  stop(): Promise<void>;
}

const CHANNEL = 'terrace_jobs';
const POLL_MS = 1000;
const WATCH_POLL_MS = 1000;

const toRun = (r: Record<string, unknown>): JobRun => ({
  id: String(r.id),
  name: String(r.name),
  status: r.status as JobStatus,
  countyId: (r.county_id ?? r.countyId ?? null) as string | null,
  requestedBy: (r.requested_by ?? r.requestedBy ?? null) as string | null,
  progress: r.progress ?? null,
  result: r.result ?? null,
  error: (r.error ?? null) as string | null,
  attempts: Number(r.attempts ?? 0),
  createdAt: new Date((r.created_at ?? r.createdAt) as string).toISOString(),
  updatedAt: new Date((r.updated_at ?? r.updatedAt) as string).toISOString(),
});

/** Errors are stored for officials to read: the message only (driver errors carry parameters in other fields). */
const errorText = (error: unknown) => (error instanceof Error ? `${error.name}: ${error.message}` : String(error)).slice(0, 500);

/**
 * Queues a run of a module's own job in the caller's transaction (the run exists only if it commits), for code that
 * has no queue handle at hand (a service called from a route, a callback or another job). Every instance's workers
 * are woken when the transaction commits.
 */
export async function enqueueJob(target: Db, def: Pick<JobDefinition, 'name' | 'maxAttempts'>, data: unknown, o: SendOptions = {}): Promise<string> {
  const id = uuidv7();
  const runAfter = new Date(Date.now() + (o.delaySeconds ?? 0) * 1000);
  const inserted = await target
    .insert(jobRuns)
    .values({ id, name: def.name, data: data ?? {}, countyId: o.countyId ?? null, requestedBy: o.requestedBy ?? null, singletonKey: o.singletonKey ?? null, maxAttempts: def.maxAttempts ?? 3, runAfter })
    .onConflictDoNothing()
    .returning({ id: jobRuns.id });
  if (inserted.length) {
    await target.execute(sql`select pg_notify(${CHANNEL}, ${id})`);
    return id;
  }
  const [existing] = await target
    .select({ id: jobRuns.id })
    .from(jobRuns)
    .where(and(eq(jobRuns.singletonKey, o.singletonKey!), sql`${jobRuns.status} in ('queued', 'running')`));
  return existing?.id ?? id;
}

/**
 * A durable job queue in the database, the same on PostgreSQL and the embedded database: runs are rows, claimed with
 * `FOR UPDATE SKIP LOCKED` and a lease, so each runs once across instances and a run whose instance died is taken
 * over when its lease lapses; failures retry with exponential backoff; progress is stored and announced with NOTIFY.
 */
export function createJobQueue(handle: DbHandle, definitions: JobDefinition[], options: { concurrency?: number; leaseSeconds?: number } = {}): JobQueue {
  const db = handle.db;
  const byName = new Map(definitions.map((d) => [d.name, d]));
  const worker = `${hostname()}:${process.pid}:${uuidv7().slice(-8)}`;
  const concurrency = options.concurrency ?? 2;
  const defaultLease = options.leaseSeconds ?? 60;
  const watchers = new Map<string, Set<(run: JobRun) => void>>();
  const controller = new AbortController();
  let running = 0;
  let started = false;
  let timer: NodeJS.Timeout | undefined;
  let watchTimer: NodeJS.Timeout | undefined;
  let unlisten: (() => Promise<void>) | undefined;
  const inFlight = new Set<Promise<void>>();
  const claims = new Set<Promise<unknown>>();

  const notify = async (id: string) => {
    await db.execute(sql`select pg_notify(${CHANNEL}, ${id})`);
  };

  async function insert(target: Db, name: string, data: unknown, o: SendOptions = {}): Promise<string> {
    const def = byName.get(name);
    if (!def) throw new Error(`Unknown job ${name}`);
    return enqueueJob(target, def, data, o);
  }

  async function get(id: string): Promise<JobRun | null> {
    const [row] = await db.select().from(jobRuns).where(eq(jobRuns.id, id));
    return row ? toRun(row as unknown as Record<string, unknown>) : null;
  }

  async function announce(id: string) {
    const set = watchers.get(id);
    if (!set?.size) return;
    const run = await get(id);
    if (run) for (const l of set) l(run);
  }

  // Only runs this instance knows how to do: during a rolling upgrade an older instance leaves a newer job alone.
  const known = definitions.length ? sql.join(definitions.map((d) => sql`${d.name}`), sql`, `) : sql`null`;

  async function claim(): Promise<Record<string, unknown> | null> {
    const rows = await queryRows<Record<string, unknown>>(
      db,
      sql`update job_runs set status = 'running', attempts = attempts + 1, locked_by = ${worker},
            locked_until = now() + make_interval(secs => ${defaultLease}), updated_at = now()
          where id = (select id from job_runs
                      where ((status = 'queued' and run_after <= now()) or (status = 'running' and locked_until < now()))
                        and name in (${known})
                      order by run_after limit 1 for update skip locked)
          returning *`,
    );
    return rows[0] ?? null;
  }

  async function execute(row: Record<string, unknown>) {
    const run = toRun(row);
    const def = byName.get(run.name);
    const id = run.id;
    if (!def) return; // not claimed (see `known`)
    const lease = def.leaseSeconds ?? defaultLease;
    await db.execute(sql`update job_runs set locked_until = now() + make_interval(secs => ${lease}) where id = ${id}`);
    const heartbeat = setInterval(() => {
      void db.execute(sql`update job_runs set locked_until = now() + make_interval(secs => ${lease}) where id = ${id} and locked_by = ${worker}`).catch(() => {});
    }, (lease * 1000) / 3);
    heartbeat.unref();
    await notify(id);
    let finished = false;
    const succeed = async (tx: Db, result: unknown) => {
      const rows = await queryRows<{ id: string }>(
        tx,
        sql`update job_runs set status = 'succeeded', result = ${JSON.stringify(result ?? null)}::jsonb, error = null, locked_until = null, updated_at = now()
            where id = ${id} and locked_by = ${worker} and status = 'running' returning id`,
      );
      if (!rows.length) throw new JobLeaseLost(id);
      await scheduleNext(tx, def);
    };
    try {
      const result = await def.run(row.data, {
        db,
        jobId: id,
        countyId: run.countyId,
        requestedBy: run.requestedBy,
        signal: controller.signal,
        progress: async (data) => {
          await db.execute(sql`update job_runs set progress = ${JSON.stringify(data ?? null)}::jsonb, updated_at = now() where id = ${id} and locked_by = ${worker}`);
          await notify(id);
        },
        finish: async (work) =>
          db.transaction(async (tx) => {
            const value = await work(tx);
            await succeed(tx, value);
            finished = true;
            return value;
          }),
      });
      if (!finished) await db.transaction((tx) => succeed(tx, result));
    } catch (error) {
      // Another instance holds the run now: it is theirs to finish or fail.
      if (error instanceof JobLeaseLost) return;
      const attempts = run.attempts;
      const maxAttempts = Number(row.max_attempts ?? 3);
      const giveUp = attempts >= maxAttempts;
      await db.transaction(async (tx) => {
        if (giveUp) {
          await tx.execute(sql`update job_runs set status = 'failed', error = ${errorText(error)}, locked_until = null, updated_at = now() where id = ${id} and locked_by = ${worker}`);
          await recordAudit(tx, { id: null, countyId: run.countyId }, { action: 'job.failed', entity: 'job_run', entityId: id, details: { name: run.name, attempts } });
          await scheduleNext(tx, def);
        } else {
          // Exponential backoff: 2, 4, 8… seconds.
          const delay = 2 ** attempts;
          await tx.execute(
            sql`update job_runs set status = 'queued', error = ${errorText(error)}, locked_until = null, locked_by = null,
                run_after = now() + make_interval(secs => ${delay}), updated_at = now() where id = ${id} and locked_by = ${worker}`,
          );
        }
      });
    } finally {
      clearInterval(heartbeat);
      await notify(id).catch(() => {});
    }
  }

  /** A recurring job queues its next run when one finishes. */
  async function scheduleNext(tx: Db, def: JobDefinition) {
    const every = def.every?.() ?? 0;
    if (every > 0) await insert(tx, def.name, {}, { singletonKey: `recurring:${def.name}`, delaySeconds: every });
  }

  async function tick(): Promise<void> {
    while (started && running < concurrency) {
      // A claim under way counts as in flight until its run is: `drain` must not see neither and return meanwhile.
      const claiming = claim().catch(() => null);
      claims.add(claiming);
      const row = await claiming;
      if (!row) {
        claims.delete(claiming);
        return;
      }
      running++;
      const p = execute(row)
        .catch(() => {})
        .finally(() => {
          running--;
          inFlight.delete(p);
          if (started) void tick();
        });
      inFlight.add(p);
      claims.delete(claiming);
    }
  }

  return {
    send: (name, data, o) => insert(db, name, data, o).then(async (id) => (started && void tick(), id)),
    sendIn: (tx, name, data, o) => insert(tx, name, data, o),
    get,
    watch(id, listener) {
      let set = watchers.get(id);
      if (!set) watchers.set(id, (set = new Set()));
      set.add(listener);
      return () => {
        set!.delete(listener);
        if (!set!.size) watchers.delete(id);
      };
    },
    async drain() {
      // Until nothing is due and nothing runs: a run that finishes may queue more work that is due at once.
      for (;;) {
        const row = await claim();
        if (row) {
          await execute(row);
          continue;
        }
        if (!inFlight.size && !claims.size) break;
        await Promise.all([...inFlight, ...claims]);
      }
    },
    async start() {
      started = true;
      for (const def of definitions) {
        if ((def.every?.() ?? 0) > 0) await insert(db, def.name, {}, { singletonKey: `recurring:${def.name}` });
      }
      const onNotify = (payload: string) => {
        void announce(payload).catch(() => {});
        if (started) void tick();
      };
      unlisten = await listen(handle, CHANNEL, onNotify);
      timer = setInterval(() => void tick(), POLL_MS);
      timer.unref();
      // A missed notification (a reconnect) costs at most a second of staleness for watchers.
      watchTimer = setInterval(() => {
        for (const id of watchers.keys()) void announce(id).catch(() => {});
      }, WATCH_POLL_MS);
      watchTimer.unref();
      void tick();
    },
    async stop() {
      started = false;
      clearInterval(timer);
      clearInterval(watchTimer);
      await Promise.all(inFlight);
      controller.abort();
      await unlisten?.().catch(() => {});
    },
  };
}
