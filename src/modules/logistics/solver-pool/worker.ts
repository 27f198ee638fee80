// The piscina task: one day's routing instance solved off the main thread, progress posted to the given port. The
// search may use more threads: its workers build the instance, drones' energy functions included, from the plan's
// plain data (toSolverInstance).
import { availableParallelism } from 'node:os';
import type { MessagePort } from 'node:worker_threads';
import { solveInParallel } from '../../../runtime/routing/index.ts';
import { InfeasibleInstanceError, InvalidInstanceError, type SearchParams, type SolveResult } from '../../../solvers/routing/index.ts';
import { planSource, toSolverInstance, type PlanInstance } from '../instance.ts';

export interface SolveTask {
  instance: PlanInstance;
  /** threads: the search's threads, at most the machine's cores (default: all of them). */
  options: { timeLimitMs: number; seed?: number; params?: Partial<SearchParams>; threads?: number };
  port?: MessagePort;
}

/** The solver's result, or why it refused the instance (errors lose their class crossing threads). */
export type SolveAnswer = { ok: true; result: SolveResult & { threads?: number } } | { ok: false; reasons: string[] };

export default async function solveTask(task: SolveTask): Promise<SolveAnswer> {
  const cores = availableParallelism();
  const threads = Math.min(task.options.threads ?? cores, cores);
  try {
    const result = await solveInParallel(toSolverInstance(task.instance), {
      ...task.options,
      threads,
      source: planSource(task.instance),
      onProgress: (p) => task.port?.postMessage(p),
    });
    return { ok: true, result };
  } catch (error) {
    if (error instanceof InfeasibleInstanceError) return { ok: false, reasons: error.reasons };
    if (error instanceof InvalidInstanceError) return { ok: false, reasons: error.problems };
    throw error;
  } finally {
    task.port?.close();
  }
}
