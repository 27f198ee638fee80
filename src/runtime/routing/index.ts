export { EXCHANGE_EVERY, solveInParallel, type ParallelSolveOptions, type ParallelSolveResult } from './parallel.ts';
