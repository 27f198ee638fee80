// Runs routing solves in a worker thread (piscina), so a day's plan never blocks the server's event loop.
import { MessageChannel } from 'node:worker_threads';
import { Piscina } from 'piscina';
import type { Progress } from '../../../solvers/routing/index.ts';
import type { PlanInstance } from '../instance.ts';
import type { SolveAnswer, SolveTask } from './worker.ts';

let pool: Piscina | undefined;

function routingPool() {
  pool ??= new Piscina({ filename: new URL('./worker.mjs', import.meta.url).href, minThreads: 0, maxThreads: 1, idleTimeout: 60_000 });
  return pool;
}

export async function solveInWorker(instance: PlanInstance, options: SolveTask['options'], onProgress: (p: Progress) => void): Promise<SolveAnswer> {
  const { port1, port2 } = new MessageChannel();
  port1.on('message', onProgress);
  try {
    return (await routingPool().run({ instance, options, port: port2 } satisfies SolveTask, { transferList: [port2] })) as SolveAnswer;
  } finally {
    port1.close();
  }
}

export async function closeRoutingPool() {
  const p = pool;
  pool = undefined;
  await p?.destroy();
}
