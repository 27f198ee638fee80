import type { Educated, EducationJob, Instance, SearchParams } from '../../solvers/routing/index.ts';

/** What the time limit of a parallel run counts: wall time, or the process's CPU time shared by its threads. */
export type ClockKind = 'wall' | 'cpu';

/** What a worker needs to build the same problem as the searching thread. */
export interface EducatorSetup {
  instance: Instance;
  seed: number;
  params?: Partial<SearchParams>;
  /** The worker's number, 0 to threads - 1 (its own random stream). */
  k: number;
}

/** Messages from the searching thread to a worker: one job each. */
export interface ToEducator {
  job: EducationJob;
}

/** Messages from a worker, one per job, in the order of the jobs. */
export type FromEducator =
  | { kind: 'educated'; educated: Educated }
  | { kind: 'error'; name: string; message: string; details: string[] };
