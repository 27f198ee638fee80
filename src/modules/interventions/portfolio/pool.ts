// Runs portfolio solves in a worker thread (piscina), so HiGHS never blocks the server's event loop.
import { MessageChannel } from 'node:worker_threads';
import { Piscina } from 'piscina';
import type { PortfolioInput, PortfolioResult, Progress, SolveOptions } from '../../../solvers/portfolio/types.ts';

let pool: Piscina | undefined;

function portfolioPool() {
  pool ??= new Piscina({
    filename: new URL('./worker.mjs', import.meta.url).href,
    minThreads: 0,
    maxThreads: 1,
    idleTimeout: 60_000,
  });
  return pool;
}

export async function solveInWorker(input: PortfolioInput, options: Omit<SolveOptions, 'onProgress'>, onProgress: (p: Progress) => void): Promise<PortfolioResult> {
  const { port1, port2 } = new MessageChannel();
  port1.on('message', onProgress);
  try {
    return (await portfolioPool().run({ input, options, port: port2 }, { transferList: [port2] })) as PortfolioResult;
  } finally {
    port1.close();
  }
}

export async function closePortfolioPool() {
  const p = pool;
  pool = undefined;
  await p?.destroy();
}
