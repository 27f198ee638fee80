export { closeEducators, solveInParallel, type ParallelSolveOptions, type ParallelSolveResult } from './parallel.ts';
export type { InstanceSource } from './protocol.ts';
