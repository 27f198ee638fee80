// The piscina task: one day's routing instance solved off the main thread, progress posted to the given port.
import type { MessagePort } from 'node:worker_threads';
import { InfeasibleInstanceError, InvalidInstanceError, solve, type SearchParams, type SolveResult } from '../../../solvers/routing/index.ts';
import { toSolverInstance, type PlanInstance } from '../instance.ts';

export interface SolveTask {
  instance: PlanInstance;
  options: { timeLimitMs: number; seed?: number; params?: Partial<SearchParams> };
  port?: MessagePort;
}

/** The solver's result, or why it refused the instance (errors lose their class crossing threads). */
export type SolveAnswer = { ok: true; result: SolveResult } | { ok: false; reasons: string[] };

export default async function solveTask(task: SolveTask): Promise<SolveAnswer> {
  try {
    const result = solve(toSolverInstance(task.instance), { ...task.options, onProgress: (p) => task.port?.postMessage(p) });
    return { ok: true, result };
  } catch (error) {
    if (error instanceof InfeasibleInstanceError) return { ok: false, reasons: error.reasons };
    if (error instanceof InvalidInstanceError) return { ok: false, reasons: error.problems };
    throw error;
  } finally {
    task.port?.close();
  }
}
