import { availableParallelism } from 'node:os';
import { Worker } from 'node:worker_threads';
import {
  InfeasibleInstanceError,
  InvalidInstanceError,
  solve,
  type Instance,
  type Progress,
  type SearchParams,
  type SlotRoutes,
  type SolveResult,
} from '../../solvers/routing/index.ts';
import type { ClockKind, FromIsland, IslandSetup, ToIsland } from './protocol.ts';

/** Genetic iterations between two exchanges of best solutions (a count, not a time, so runs repeat exactly). */
export const EXCHANGE_EVERY = 200;

export interface ParallelSolveOptions {
  /** Worker threads, one island population each (default: every core). 1 solves in this thread. */
  threads?: number;
  seed?: number;
  /** Time budget; with clock 'cpu' it counts the process's CPU time divided by the number of threads. */
  timeLimitMs?: number;
  /** Budget in genetic iterations for each island. Same seed, threads and budget: same result. */
  maxIterations?: number;
  clock?: ClockKind;
  params?: Partial<SearchParams>;
  /** Iterations between exchanges (default EXCHANGE_EVERY). */
  exchangeEvery?: number;
  /** Called when the best cost over all islands improves (after each exchange). */
  onProgress?: (p: Progress) => void;
}

export interface ParallelSolveResult extends SolveResult {
  threads: number;
  /** Iterations of each island. */
  islandIterations: number[];
}

/** Seed of island k: island 0 keeps the caller's seed, so one thread gives what `solve` gives. */
function islandSeed(seed: number, k: number): number {
  return (seed + 7919 * k) >>> 0;
}

function cpuClock(): number {
  const u = process.cpuUsage();
  return (u.user + u.system) / 1000;
}

/** An error raised in an island, as the class the solver would have thrown in this thread. */
function rebuildError(m: Extract<FromIsland, { kind: 'error' }>): Error {
  if (m.name === 'InfeasibleInstanceError') return new InfeasibleInstanceError(m.details);
  if (m.name === 'InvalidInstanceError') return new InvalidInstanceError(m.details);
  const e = new Error(m.message);
  e.name = m.name;
  return e;
}

/**
 * Solves with an island model: one hybrid genetic search per worker thread, each with its own seed and
 * population; every `exchangeEvery` iterations each island receives the best solution of the island before
 * it (a ring). Returns the best result over the islands. The instance must be cloneable (no energy
 * function): with one, or with one thread, the search runs in this thread.
 */
export async function solveInParallel(instance: Instance, options: ParallelSolveOptions = {}): Promise<ParallelSolveResult> {
  const threads = Math.max(1, Math.floor(options.threads ?? availableParallelism()));
  const seed = options.seed ?? 1;
  const clock = options.clock ?? 'wall';
  const cloneable = instance.vehicleTypes.every((t) => !t.energy);
  if (threads === 1 || !cloneable) {
    const result = solve(instance, { ...options, seed, clock: clock === 'cpu' ? cpuClock : Date.now });
    return { ...result, threads: 1, islandIterations: [result.iterations] };
  }
  const unlimited = options.timeLimitMs === undefined && options.maxIterations === undefined;
  const maxIterations = options.maxIterations ?? Infinity;
  const exchangeEvery = Math.max(1, Math.floor(options.exchangeEvery ?? EXCHANGE_EVERY));
  const islands = Array.from({ length: threads }, (_, k) => {
    const setup: IslandSetup = {
      instance,
      seed: islandSeed(seed, k),
      params: options.params,
      timeLimitMs: options.timeLimitMs ?? Infinity,
      clock,
      threads,
      stopWhenStalled: unlimited,
    };
    return new Island(new Worker(new URL('./island-bootstrap.mjs', import.meta.url), { workerData: setup }));
  });
  try {
    if (options.maxIterations === undefined) await freeRunning(islands, exchangeEvery, options.onProgress);
    else await inStep(islands, maxIterations, exchangeEvery, options.onProgress);
    const results = await Promise.all(islands.map((island) => island.finish()));
    let chosen = results[0];
    for (const r of results) if ((r.feasible && !chosen.feasible) || (r.feasible === chosen.feasible && r.cost < chosen.cost - 1e-9)) chosen = r;
    return {
      ...chosen,
      iterations: results.reduce((s, r) => s + r.iterations, 0),
      elapsedMs: Math.max(...results.map((r) => r.elapsedMs)),
      threads,
      islandIterations: results.map((r) => r.iterations),
    };
  } finally {
    await Promise.all(islands.map((island) => island.worker.terminate()));
  }
}

type StageDone = Extract<FromIsland, { kind: 'stage-done' }>;
type Emigrant = NonNullable<StageDone['emigrant']>;

/**
 * With an iteration budget: all islands run each stage to the same iteration count, then exchange (a ring),
 * so that the same seed, thread count and budget give the same solution.
 */
async function inStep(islands: Island[], maxIterations: number, exchangeEvery: number, onProgress?: (p: Progress) => void): Promise<void> {
  const threads = islands.length;
  let until = 0;
  let best = Infinity;
  let replies: StageDone[] = [];
  let immigrants: SlotRoutes[][] = islands.map(() => []);
  do {
    until = Math.min(maxIterations, until + exchangeEvery);
    replies = await Promise.all(islands.map((island, k) => island.stage(until, immigrants[k])));
    // ring: island k receives the best of island k-1, when that one is better than its own
    immigrants = replies.map((_, k) => {
      const from = replies[(k + threads - 1) % threads].emigrant;
      const own = replies[k].emigrant;
      return from && (own === null || from.cost < own.cost) ? [from.routes] : [];
    });
    const stageBest = Math.min(...replies.map((r) => r.bestCost ?? Infinity));
    if (stageBest < best) {
      best = stageBest;
      onProgress?.({ iteration: Math.max(...replies.map((r) => r.iterations)), elapsedMs: Math.max(...replies.map((r) => r.elapsedMs)), bestCost: best });
    }
  } while (!replies.every((r) => r.done) && until < maxIterations);
}

/**
 * With a time limit (or none): no island waits for another. Each one goes on to its next stage as soon as it
 * is done with one, taking the newest best solution of the island before it in the ring when that one is
 * better than its own and it has not had it yet. A barrier per stage would leave the faster islands idle.
 */
async function freeRunning(islands: Island[], exchangeEvery: number, onProgress?: (p: Progress) => void): Promise<void> {
  const threads = islands.length;
  const newest: (Emigrant | null)[] = islands.map(() => null);
  const received: (Emigrant | null)[] = islands.map(() => null);
  let best = Infinity;
  await Promise.all(
    islands.map(async (island, k) => {
      let immigrants: SlotRoutes[] = [];
      for (let until = exchangeEvery; ; until += exchangeEvery) {
        const reply = await island.stage(until, immigrants);
        newest[k] = reply.emigrant;
        if (reply.bestCost !== null && reply.bestCost < best) {
          best = reply.bestCost;
          onProgress?.({ iteration: reply.iterations, elapsedMs: reply.elapsedMs, bestCost: best });
        }
        if (reply.done) return;
        const from = newest[(k + threads - 1) % threads];
        const fresh = from !== null && from !== received[k] && (reply.emigrant === null || from.cost < reply.emigrant.cost);
        immigrants = fresh ? [from.routes] : [];
        if (fresh) received[k] = from;
      }
    }),
  );
}

/** One worker thread and its island; requests are answered in order. */
class Island {
  private waiting: { ok: (m: FromIsland) => void; fail: (e: Error) => void } | null = null;

  constructor(readonly worker: Worker) {
    worker.on('message', (m: FromIsland) => this.settle(m.kind === 'error' ? rebuildError(m) : null, m));
    worker.on('error', (e) => this.settle(e, null));
    worker.on('exit', (code) => this.settle(new Error(`routing island exited with code ${code}`), null));
  }

  private settle(error: Error | null, m: FromIsland | null): void {
    const w = this.waiting;
    this.waiting = null;
    if (!w) return;
    if (error) w.fail(error);
    else w.ok(m!);
  }

  private ask(m: ToIsland): Promise<FromIsland> {
    return new Promise((ok, fail) => {
      this.waiting = { ok, fail };
      this.worker.postMessage(m);
    });
  }

  async stage(until: number, immigrants: SlotRoutes[]): Promise<Extract<FromIsland, { kind: 'stage-done' }>> {
    const m = await this.ask({ kind: 'stage', until, immigrants });
    if (m.kind !== 'stage-done') throw new Error(`routing island answered ${m.kind} to a stage`);
    return m;
  }

  async finish(): Promise<SolveResult> {
    const m = await this.ask({ kind: 'finish' });
    if (m.kind !== 'result') throw new Error(`routing island answered ${m.kind} to finish`);
    return m.result;
  }
}
