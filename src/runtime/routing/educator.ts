import { parentPort, workerData } from 'node:worker_threads';
import { RoutingEducator } from '../../solvers/routing/index.ts';
import type { EducatorSetup, FromEducator, ToEducator } from './protocol.ts';

function failure(e: unknown): FromEducator {
  if (!(e instanceof Error)) return { kind: 'error', name: 'Error', message: String(e), details: [] };
  const details = 'problems' in e ? (e.problems as string[]) : 'reasons' in e ? (e.reasons as string[]) : [];
  return { kind: 'error', name: e.name, message: e.message, details };
}

const port = parentPort!;
const setup = workerData as EducatorSetup;
const send = (m: FromEducator): void => port.postMessage(m);

try {
  const educator = new RoutingEducator(setup.instance, { seed: setup.seed, params: setup.params }, setup.k);
  port.on('message', (m: ToEducator) => {
    try {
      send({ kind: 'educated', educated: educator.educate(m.job) });
    } catch (e) {
      send(failure(e));
    }
  });
} catch (e) {
  // answer every job with the error, so that the searching thread does not wait for ever
  const error = failure(e);
  port.on('message', () => send(error));
}
