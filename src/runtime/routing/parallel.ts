import { availableParallelism } from 'node:os';
import { Worker } from 'node:worker_threads';
import {
  DEFAULT_PARAMS,
  InfeasibleInstanceError,
  InvalidInstanceError,
  LARGE_RUN_CHILDREN,
  RoutingSearch,
  populationFor,
  takesLargePopulation,
  solve,
  type Educated,
  type EducationJob,
  type Instance,
  type PopulationSize,
  type Progress,
  type SearchParams,
  type SolveResult,
} from '../../solvers/routing/index.ts';
import type { ClockKind, EducatorData, EducatorSetup, FromEducator, InstanceSource, ToEducator } from './protocol.ts';

/**
 * Jobs each worker may hold at once (one being educated, the others waiting), so that no worker idles while the
 * searching thread takes a result in. A fixed number, so that runs repeat exactly.
 */
const JOBS_PER_THREAD = 4;

/**
 * A time-limited run on several threads judges which population suits it at PROBE_SHARE of its time, from the
 * pace of its children since child PROBE_FROM (PopulationSizer). Children get cheaper as the population
 * settles, so an earlier judgement underestimates a run's children (X-n303-k21, 2 threads, 30 s: about 200 per
 * second over children 1–100, 430 over 100–1 000, 500–600 after 6 s).
 */
const PROBE_FROM = 100;
const PROBE_SHARE = 0.25;

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
  /**
   * Where the workers build the instance from when it cannot be copied to them (energy functions). Without it,
   * such an instance is solved in this thread.
   */
  source?: InstanceSource;
}

export interface ParallelSolveResult extends SolveResult {
  threads: number;
  /** The population the run ended with (μ and λ). */
  population: PopulationSize;
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
 * thread count and iteration budget give the same solution, whatever the workers' pace. An instance with energy
 * functions cannot be copied to the workers: they build it from `source`, and without one the search runs in
 * this thread, as it does with one thread. The workers are kept for the next run for a while (see `EducatorWorker`).
 */
export async function solveInParallel(instance: Instance, options: ParallelSolveOptions = {}): Promise<ParallelSolveResult> {
  const threads = Math.max(1, Math.floor(options.threads ?? availableParallelism()));
  const seed = options.seed ?? 1;
  const cloneable = instance.vehicleTypes.every((t) => !t.energy);
  if (threads === 1 || (!cloneable && !options.source)) {
    const params = { ...DEFAULT_PARAMS, ...options.params };
    const result = solve(instance, { ...options, seed, clock: clockOf(options.clock ?? 'wall', 1) });
    return { ...result, threads: 1, population: { populationSize: params.populationSize, generationSize: params.generationSize } };
  }
  const clock = clockOf(options.clock ?? 'wall', threads);
  const unlimited = options.timeLimitMs === undefined && options.maxIterations === undefined;
  const maxIterations = options.maxIterations ?? Infinity;
  const timeLimitMs = options.timeLimitMs ?? Infinity;
  // the population lives here; building the problem here first also raises the instance's errors here
  // an iteration budget tells from the start how many children the run makes; a time limit tells it later (sizer)
  const params = populationFor(threads, options.params, maxIterations);
  const search = new RoutingSearch(instance, { seed, params, clock, stopWhenStalled: unlimited, onProgress: options.onProgress });
  // only a run that starts with the large population and has a time limit may learn that it is a small one
  const sizer = timeLimitMs < Infinity && takesLargePopulation(threads, options.params, maxIterations) ? new PopulationSizer(search, timeLimitMs) : null;
  const given: EducatorSetup['instance'] = cloneable ? { copy: instance } : { source: options.source! };
  const run = nextRun++;
  const workers = Array.from({ length: threads }, (_, k) => {
    const worker = idle.pop() ?? new EducatorWorker();
    worker.start(run, { instance: given, seed, params, k });
    return worker;
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
        sizer?.observe();
      }
      // out of time: children still being educated are dropped
      if (committed === made || search.elapsedMs >= timeLimitMs) break;
      const next = inFlight.get(committed)!;
      inFlight.delete(committed);
      search.commit(next.job, await next.educated);
      committed++;
    }
    return { ...search.result(), threads, population: search.population };
  } finally {
    for (const w of workers) w.stop();
  }
}

/**
 * Sizes the population of a time-limited run on several threads by the children it will make (`populationFor`).
 * The run starts with the population for many children. At PROBE_SHARE of the time, the pace of its children
 * since child PROBE_FROM (the first are the slowest: their parents are young) and the time left give the
 * children it will make in all. When that is fewer than LARGE_RUN_CHILDREN, the population shrinks to the
 * default from the next survivor selection on. Decided once.
 */
export class PopulationSizer {
  private fromMs = -1;
  private fromMade = 0;
  private done = false;

  constructor(
    private readonly search: Pick<RoutingSearch, 'iterations' | 'elapsedMs' | 'resizePopulation'>,
    private readonly timeLimitMs: number,
  ) {}

  /** Called after each job is made. */
  observe(): void {
    if (this.done) return;
    const made = this.search.iterations;
    const now = this.search.elapsedMs;
    if (made >= PROBE_FROM && this.fromMs < 0) {
      this.fromMs = now;
      this.fromMade = made;
    }
    if (now < PROBE_SHARE * this.timeLimitMs) return;
    this.done = true;
    const timed = this.fromMs >= 0 && now > this.fromMs && made > this.fromMade;
    const perMs = timed ? (made - this.fromMade) / (now - this.fromMs) : made / Math.max(1, now);
    const expected = made + perMs * Math.max(0, this.timeLimitMs - now);
    if (expected < LARGE_RUN_CHILDREN) this.search.resizePopulation(DEFAULT_PARAMS.populationSize, DEFAULT_PARAMS.generationSize);
  }
}

/** How long a worker waits for the next run before it is stopped. */
const IDLE_MS = 30_000;
let nextRun = 1;
/** Workers between runs, newest last. */
const idle: EducatorWorker[] = [];

/**
 * One worker thread that educates the jobs of one run at a time, and answers them in the order they were sent.
 * Starting a thread and loading the solver into it takes about half a second, so a worker is kept between runs
 * (unreferenced: it does not keep the process alive) and stopped after IDLE_MS without one. The jobs a run left
 * behind at its time limit are skipped, not educated: the worker reads the number of its current run from a
 * shared cell before each job.
 */
class EducatorWorker {
  private readonly cell = new Int32Array(new SharedArrayBuffer(4));
  private readonly worker: Worker;
  private readonly waiting: { ok: (e: Educated) => void; fail: (e: Error) => void }[] = [];
  private run = 0;
  private dead = false;
  private timer: NodeJS.Timeout | undefined;

  constructor() {
    const data: EducatorData = { current: this.cell.buffer as SharedArrayBuffer };
    this.worker = new Worker(new URL('./educator-bootstrap.mjs', import.meta.url), { workerData: data });
    this.worker.on('message', (m: FromEducator) => {
      if (m.run !== this.run) return; // an answer to a run that has ended
      const w = this.waiting.shift();
      if (!w) return;
      if (m.kind === 'educated') w.ok(m.educated);
      else w.fail(m.kind === 'error' ? rebuildError(m) : new Error('job skipped'));
    });
    const die = (e: Error) => {
      this.dead = true;
      const at = idle.indexOf(this);
      if (at >= 0) idle.splice(at, 1);
      this.failAll(e);
    };
    this.worker.on('error', die);
    this.worker.on('exit', (code) => die(new Error(`routing worker exited with code ${code}`)));
  }

  private failAll(e: Error): void {
    for (const w of this.waiting.splice(0)) w.fail(e);
  }

  start(run: number, setup: EducatorSetup): void {
    clearTimeout(this.timer);
    this.worker.ref();
    this.run = run;
    Atomics.store(this.cell, 0, run);
    this.worker.postMessage({ kind: 'setup', run, setup } satisfies ToEducator);
  }

  educate(job: EducationJob): Promise<Educated> {
    const educated = new Promise<Educated>((ok, fail) => {
      if (this.dead) return fail(new Error('routing worker has stopped'));
      this.waiting.push({ ok, fail });
      this.worker.postMessage({ kind: 'job', run: this.run, job } satisfies ToEducator);
    });
    // a job dropped at the time limit is never awaited: its rejection when the run stops is expected
    educated.catch(() => {});
    return educated;
  }

  /** Ends the run: jobs still queued are skipped, and the worker waits for the next run. */
  stop(): void {
    Atomics.store(this.cell, 0, 0);
    this.run = 0;
    this.failAll(new Error('run ended'));
    if (this.dead) return;
    this.worker.unref();
    idle.push(this);
    this.timer = setTimeout(() => {
      idle.splice(idle.indexOf(this), 1);
      void this.terminate();
    }, IDLE_MS).unref();
  }

  async terminate(): Promise<void> {
    clearTimeout(this.timer);
    await this.worker.terminate();
  }
}

/** Stops the workers kept between runs now (a server shutting down, a test ending). */
export async function closeEducators(): Promise<void> {
  await Promise.all(idle.splice(0).map((w) => w.terminate()));
}
