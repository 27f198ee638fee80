import { parentPort, workerData } from 'node:worker_threads';
import { RoutingSearch } from '../../solvers/routing/index.ts';
import type { ClockKind, FromIsland, IslandSetup, ToIsland } from './protocol.ts';

function failure(e: unknown): FromIsland {
  if (!(e instanceof Error)) return { kind: 'error', name: 'Error', message: String(e), details: [] };
  const details = 'problems' in e ? (e.problems as string[]) : 'reasons' in e ? (e.reasons as string[]) : [];
  return { kind: 'error', name: e.name, message: e.message, details };
}

/** Milliseconds on the chosen clock; CPU time is the process's, shared out evenly between its threads. */
function clockOf(kind: ClockKind, threads: number): () => number {
  if (kind === 'wall') return Date.now;
  return () => {
    const u = process.cpuUsage();
    return (u.user + u.system) / 1000 / threads;
  };
}

const port = parentPort!;
const setup = workerData as IslandSetup;
const send = (m: FromIsland): void => port.postMessage(m);

try {
  const search = new RoutingSearch(setup.instance, {
    seed: setup.seed,
    params: setup.params,
    clock: clockOf(setup.clock, setup.threads),
    stopWhenStalled: setup.stopWhenStalled,
  });
  port.on('message', (m: ToIsland) => {
    try {
      if (m.kind === 'finish') {
        send({ kind: 'result', result: search.result() });
        return;
      }
      for (const routes of m.immigrants) search.immigrate(routes);
      search.run(m.until, setup.timeLimitMs);
      const emigrant = search.emigrant();
      const elapsedMs = search.elapsedMs;
      const done = search.finished || search.iterations < m.until;
      send({ kind: 'stage-done', iterations: search.iterations, done, emigrant, bestCost: emigrant?.cost ?? null, elapsedMs });
    } catch (e) {
      send(failure(e));
    }
  });
} catch (e) {
  send(failure(e));
}
