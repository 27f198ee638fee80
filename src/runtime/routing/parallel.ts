import { availableParallelism } from 'node:os';
import { Worker } from 'node:worker_threads';
import {
  InfeasibleInstanceError,
  InvalidInstanceError,
  RoutingSearch,
  solve,
  type Educated,
  type EducationJob,
  type Instance,
  type Progress,
  type SearchParams,
  type SolveResult,
} from '../../solvers/routing/index.ts';
import type { ClockKind, EducatorSetup, FromEducator, ToEducator } from './protocol.ts';

/**
 * Jobs each worker may hold at once (one being educated, the others waiting), so that no worker idles while the
 * searching thread takes a result in. A fixed number, so that runs repeat exactly.
 */
const JOBS_PER_THREAD = 4;

export interface ParallelSolveOptions {
  /** Worker threads that educate children for one population (default: every core). 1 solves in this thread. */
  threads?: number;
  seed?: number;
  /** Time budget; with clock 'cpu' it counts the process's CPU time divided by the number of threads. */
  timeLimitMs?: number;
  /** Budget in genetic iterations (children) in all. Same seed, threads and budget: same result. */
  maxIterations?: number;
  clock?: ClockKind;
  params?: Partial<SearchParams>;
  /** Called whenever the best feasible cost improves. */
  onProgress?: (p: Progress) => void;
}

export interface ParallelSolveResult extends SolveResult {
  threads: number;
}

/** Milliseconds on the chosen clock; CPU time is the process's, shared out evenly between its threads. */
function clockOf(kind: ClockKind, threads: number): () => number {
  if (kind === 'wall') return Date.now;
  return () => {
    const u = process.cpuUsage();
    return (u.user + u.system) / 1000 / threads;
  };
}

/** An error raised in a worker, as the class the solver would have thrown in this thread. */
function rebuildError(m: Extract<FromEducator, { kind: 'error' }>): Error {
  if (m.name === 'InfeasibleInstanceError') return new InfeasibleInstanceError(m.details);
  if (m.name === 'InvalidInstanceError') return new InvalidInstanceError(m.details);
  const e = new Error(m.message);
  e.name = m.name;
  return e;
}

/**
 * Solves with one population and parallel education: this thread selects parents, crosses them and keeps
 * the population; worker threads split and improve the children by local search, the part that takes
 * nearly all the time. A child is taken in only in the order it was made, and child m is made once the
 * children up to m - JOBS_PER_THREAD * threads are in, and goes to worker m mod threads; so the same seed,
 * thread count and iteration budget give the same solution, whatever the workers' pace. The instance must be
 * cloneable (no energy function): with one, or with one thread, the search runs in this thread.
 */
export async function solveInParallel(instance: Instance, options: ParallelSolveOptions = {}): Promise<ParallelSolveResult> {
  const threads = Math.max(1, Math.floor(options.threads ?? availableParallelism()));
  const seed = options.seed ?? 1;
  const cloneable = instance.vehicleTypes.every((t) => !t.energy);
  if (threads === 1 || !cloneable) {
    const result = solve(instance, { ...options, seed, clock: clockOf(options.clock ?? 'wall', 1) });
    return { ...result, threads: 1 };
  }
  const clock = clockOf(options.clock ?? 'wall', threads);
  const unlimited = options.timeLimitMs === undefined && options.maxIterations === undefined;
  const maxIterations = options.maxIterations ?? Infinity;
  const timeLimitMs = options.timeLimitMs ?? Infinity;
  // the population lives here; building the problem here first also raises the instance's errors here
  const search = new RoutingSearch(instance, { seed, params: options.params, clock, stopWhenStalled: unlimited, onProgress: options.onProgress });
  const workers = Array.from({ length: threads }, (_, k) => {
    const setup: EducatorSetup = { instance, seed, params: options.params, k };
    return new RemoteEducator(new Worker(new URL('./educator-bootstrap.mjs', import.meta.url), { workerData: setup }));
  });
  try {
    const window = JOBS_PER_THREAD * threads;
    const inFlight = new Map<number, { job: EducationJob; educated: Promise<Educated> }>();
    let made = 0;
    let committed = 0;
    for (;;) {
      while (!search.finished && search.iterations < maxIterations && search.elapsedMs < timeLimitMs && made - committed < window) {
        const job = search.nextJob();
        inFlight.set(made, { job, educated: workers[made % threads].educate(job) });
        made++;
      }
      // out of time: children still being educated are dropped
      if (committed === made || search.elapsedMs >= timeLimitMs) break;
      const next = inFlight.get(committed)!;
      inFlight.delete(committed);
      search.commit(next.job, await next.educated);
      committed++;
    }
    return { ...search.result(), threads };
  } finally {
    await Promise.all(workers.map((w) => w.close()));
  }
}

/** One worker thread that educates jobs; it answers them in the order they were sent. */
class RemoteEducator {
  private readonly waiting: { ok: (e: Educated) => void; fail: (e: Error) => void }[] = [];

  constructor(private readonly worker: Worker) {
    worker.on('message', (m: FromEducator) => {
      const w = this.waiting.shift();
      if (!w) return;
      if (m.kind === 'error') w.fail(rebuildError(m));
      else w.ok(m.educated);
    });
    worker.on('error', (e) => this.failAll(e));
    worker.on('exit', (code) => this.failAll(new Error(`routing worker exited with code ${code}`)));
  }

  private failAll(e: Error): void {
    for (const w of this.waiting.splice(0)) w.fail(e);
  }

  educate(job: EducationJob): Promise<Educated> {
    const educated = new Promise<Educated>((ok, fail) => {
      this.waiting.push({ ok, fail });
      this.worker.postMessage({ job } satisfies ToEducator);
    });
    // a job dropped at the time limit is never awaited: its rejection when the worker closes is expected
    educated.catch(() => {});
    return educated;
  }

  async close(): Promise<void> {
    await this.worker.terminate();
  }
}
