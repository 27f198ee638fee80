export { JOBS_PER_THREAD, solveInParallel, type ParallelSolveOptions, type ParallelSolveResult } from './parallel.ts';
