import type { Instance, SearchParams, SlotRoutes, SolveResult } from '../../solvers/routing/index.ts';

/** What the time limit of a parallel run counts: wall time, or the process's CPU time shared by its threads. */
export type ClockKind = 'wall' | 'cpu';

export interface IslandSetup {
  instance: Instance;
  seed: number;
  params?: Partial<SearchParams>;
  timeLimitMs: number;
  clock: ClockKind;
  threads: number;
  stopWhenStalled: boolean;
}

/** Messages from the coordinator to an island. */
export type ToIsland =
  | { kind: 'stage'; until: number; immigrants: SlotRoutes[] }
  | { kind: 'finish' };

/** Messages from an island to the coordinator. */
export type FromIsland =
  | { kind: 'stage-done'; iterations: number; done: boolean; emigrant: { routes: SlotRoutes; cost: number } | null; bestCost: number | null; elapsedMs: number }
  | { kind: 'result'; result: SolveResult }
  | { kind: 'error'; name: string; message: string; details: string[] };
