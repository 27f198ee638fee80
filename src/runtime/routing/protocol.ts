import type { Educated, EducationJob, Instance, SearchParams } from '../../solvers/routing/index.ts';

/** What the time limit of a parallel run counts: wall time, or the process's CPU time shared by its threads. */
export type ClockKind = 'wall' | 'cpu';

/**
 * How a worker builds an instance that cannot be copied to it (one with energy functions): it imports `module`
 * (a URL) and calls its export `name` on `data`, which must be plain data.
 */
export interface InstanceSource {
  module: string;
  name: string;
  data: unknown;
}

/** What a worker needs to build the same problem as the searching thread. */
export interface EducatorSetup {
  /** The instance itself when it can be copied, or where to build it from. */
  instance: { copy: Instance } | { source: InstanceSource };
  seed: number;
  params?: Partial<SearchParams>;
  /** The worker's number, 0 to threads - 1 (its own random stream). */
  k: number;
}

/**
 * Messages from the searching thread to a worker: the setup of a run, then its jobs. `run` numbers the runs;
 * a worker skips the jobs of a run that is no longer the one in its shared cell (a run that ended on time).
 */
export type ToEducator = { kind: 'setup'; run: number; setup: EducatorSetup } | { kind: 'job'; run: number; job: EducationJob };

/** Messages from a worker, one per job, in the order of the jobs. */
export type FromEducator =
  | { kind: 'educated'; run: number; educated: Educated }
  | { kind: 'skipped'; run: number }
  | { kind: 'error'; run: number; name: string; message: string; details: string[] };

/** What a worker is started with: the cell that holds the number of the run it works for (0: none). */
export interface EducatorData {
  current: SharedArrayBuffer;
}
