// The piscina task: one budget round solved off the main thread, progress posted to the given port.
import type { MessagePort } from 'node:worker_threads';
import { solvePortfolio } from '../../../solvers/portfolio/solve.ts';
import type { PortfolioInput, SolveOptions } from '../../../solvers/portfolio/types.ts';

export default async function solveTask(task: { input: PortfolioInput; options: Omit<SolveOptions, 'onProgress'>; port?: MessagePort }) {
  try {
    return await solvePortfolio(task.input, { ...task.options, onProgress: (p) => task.port?.postMessage(p) });
  } finally {
    task.port?.close();
  }
}
