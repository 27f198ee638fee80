export { solveInParallel, type ParallelSolveOptions, type ParallelSolveResult } from './parallel.ts';
