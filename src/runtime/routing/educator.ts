import { parentPort, workerData } from 'node:worker_threads';
import { RoutingEducator, type Instance } from '../../solvers/routing/index.ts';
import type { EducatorData, EducatorSetup, FromEducator, ToEducator } from './protocol.ts';

type Failure = Omit<Extract<FromEducator, { kind: 'error' }>, 'run'>;

function failure(e: unknown): Failure {
  if (!(e instanceof Error)) return { kind: 'error', name: 'Error', message: String(e), details: [] };
  const details = 'problems' in e ? (e.problems as string[]) : 'reasons' in e ? (e.reasons as string[]) : [];
  return { kind: 'error', name: e.name, message: e.message, details };
}

async function instanceOf(setup: EducatorSetup): Promise<Instance> {
  if ('copy' in setup.instance) return setup.instance.copy;
  const { module, name, data } = setup.instance.source;
  const build = ((await import(module)) as Record<string, unknown>)[name];
  if (typeof build !== 'function') throw new Error(`${module} has no function ${name}`);
  return (build as (data: unknown) => Instance)(data);
}

const port = parentPort!;
const current = new Int32Array((workerData as EducatorData).current);
const send = (m: FromEducator): void => port.postMessage(m);

/** The educator of the current run, or why it could not be built (every job of the run is answered with it). */
let state: { run: number; educator: RoutingEducator } | { run: number; error: Failure } = { run: 0, error: failure(new Error('no run')) };
// messages are handled one after the other, also while a setup waits for its module
let queue = Promise.resolve();

async function handle(m: ToEducator): Promise<void> {
  if (m.kind === 'setup') {
    try {
      state = { run: m.run, educator: new RoutingEducator(await instanceOf(m.setup), { seed: m.setup.seed, params: m.setup.params }, m.setup.k) };
    } catch (e) {
      state = { run: m.run, error: failure(e) };
    }
    return;
  }
  if (m.run !== Atomics.load(current, 0) || m.run !== state.run) return send({ kind: 'skipped', run: m.run });
  if ('error' in state) return send({ ...state.error, run: m.run });
  try {
    send({ kind: 'educated', run: m.run, educated: state.educator.educate(m.job) });
  } catch (e) {
    send({ ...failure(e), run: m.run });
  }
}

port.on('message', (m: ToEducator) => {
  queue = queue.then(() => handle(m));
});
