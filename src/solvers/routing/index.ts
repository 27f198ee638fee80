import { Educator, educatorSeed, GeneticSearch, type Educated, type EducationJob, type Progress } from './genetic.ts';
import type { Individual } from './individual.ts';
import { buildProblem, type Instance, type Problem } from './model.ts';
import { DEFAULT_PARAMS, type PopulationSize, type SearchParams } from './params.ts';
import { vehicleWeight } from './penalties.ts';
import { emptyStats, RouteEvaluator } from './routeEval.ts';
import type { Solution, VehicleRoute } from './solution.ts';

export { checkSolution, type CheckResult } from './checker.ts';
export { InfeasibleInstanceError, InstanceFormatError, InvalidInstanceError } from './errors.ts';
export type { Educated, EducationJob, Progress } from './genetic.ts';
export type { Depot, EnergyFunction, Instance, Metric, Stop, VehicleType } from './model.ts';
export { DEFAULT_PARAMS, LARGE_RUN_CHILDREN, populationFor, takesLargePopulation, type PopulationSize, type SearchParams } from './params.ts';
export { savings } from './savings.ts';
export { formatCost, formatSol, readSol, type Solution, type VehicleRoute } from './solution.ts';
export { readSolomon } from './solomon.ts';
export { readVrplib } from './vrplib.ts';

export interface SolveOptions {
  /** Seed of the pseudo-random generator (default 1). Same seed and iteration budget, same result. */
  seed?: number;
  /** Wall-clock budget in milliseconds. */
  timeLimitMs?: number;
  /** Budget in genetic iterations. Without any budget the search stops after `restartAfter` idle iterations. */
  maxIterations?: number;
  /** Called whenever the best feasible cost improves. */
  onProgress?: (p: Progress) => void;
  /**
   * The clock the time limit runs on, in milliseconds (default wall time, Date.now). A benchmark on a shared
   * machine may pass the process's CPU time instead.
   */
  clock?: () => number;
  params?: Partial<SearchParams>;
}

export interface SolveResult extends Solution {
  /** Distance plus fixed costs of the returned routes. */
  cost: number;
  distance: number;
  feasible: boolean;
  /** What the returned solution violates when no feasible one was found. */
  violations: string[];
  iterations: number;
  elapsedMs: number;
}

/**
 * Solves a vehicle routing instance with the hybrid genetic search. Throws InvalidInstanceError or
 * InfeasibleInstanceError before searching when the instance cannot be solved.
 */
export function solve(instance: Instance, options: SolveOptions = {}): SolveResult {
  const unlimited = options.timeLimitMs === undefined && options.maxIterations === undefined;
  const search = new RoutingSearch(instance, { ...options, stopWhenStalled: unlimited });
  search.run(options.maxIterations ?? Infinity, options.timeLimitMs ?? Infinity);
  return search.result();
}

/** The problem as the search sees it: with vehiclesFirst, every vehicle carries a weight that the result takes off again. */
function searchProblem(instance: Instance, params: SearchParams): { problem: Problem; vehicleWeight: number } {
  const problem = buildProblem(instance);
  const weight = vehicleWeight(problem, params.vehiclesFirst);
  for (const type of problem.types) type.fixedCost += weight;
  return { problem, vehicleWeight: weight };
}

/**
 * One hybrid genetic search. `run` searches in this thread. A parallel runtime instead takes jobs from
 * `nextJob`, has `RoutingEducator`s on worker threads educate them, and gives the results back to `commit`
 * in the order the jobs were made.
 */
export class RoutingSearch {
  private readonly problem: Problem;
  private readonly genetic: GeneticSearch;
  /** Extra fixed cost per vehicle during the search (vehiclesFirst), taken off again in the result. */
  private readonly vehicleWeight: number;

  /** stopWhenStalled: end after `restartAfter` idle iterations instead of restarting (for runs without any limit). */
  constructor(instance: Instance, options: Omit<SolveOptions, 'timeLimitMs' | 'maxIterations'> & { stopWhenStalled?: boolean } = {}) {
    const params = { ...DEFAULT_PARAMS, ...options.params };
    ({ problem: this.problem, vehicleWeight: this.vehicleWeight } = searchProblem(instance, params));
    this.genetic = new GeneticSearch(this.problem, params, {
      seed: options.seed ?? 1,
      stopWhenStalled: options.stopWhenStalled ?? false,
      onProgress: options.onProgress,
      clock: options.clock ?? Date.now,
    });
  }

  /** Runs until `iterations` genetic iterations are done in total, `timeLimitMs` has passed since creation, or the search stalls (when asked to stop then). */
  run(iterations: number, timeLimitMs: number): void {
    this.genetic.run(iterations, timeLimitMs);
  }

  /** The next tour to educate (a child counts as an iteration). */
  nextJob(): EducationJob {
    return this.genetic.nextJob();
  }

  /** Takes an educated job back; jobs are committed in the order `nextJob` made them. */
  commit(job: EducationJob, educated: Educated): void {
    this.genetic.commit(job, educated);
  }

  get iterations(): number {
    return this.genetic.iteration;
  }

  /** μ and λ now. */
  get population(): PopulationSize {
    return this.genetic.populationSize;
  }

  /** Changes μ and λ from now on (the next survivor selection keeps μ). */
  resizePopulation(populationSize: number, generationSize: number): void {
    this.genetic.resize(populationSize, generationSize);
  }

  get elapsedMs(): number {
    return this.genetic.elapsed();
  }

  /** The search will not improve any more (stalled, or nothing to route). */
  get finished(): boolean {
    return this.genetic.finished;
  }

  result(): SolveResult {
    const chosen = this.genetic.best ?? this.genetic.leastInfeasible;
    const routes = chosen ? vehicleRoutes(this.problem, chosen) : [];
    return { ...summarise(this.problem, routes, this.vehicleWeight), iterations: this.genetic.iteration, elapsedMs: this.genetic.elapsed() };
  }
}

/** Split and local search for a `RoutingSearch` of the same instance and parameters, on another thread. */
export class RoutingEducator {
  private readonly educator: Educator;

  /** k: this educator's number among the workers (each has its own random stream). */
  constructor(instance: Instance, options: { seed?: number; params?: Partial<SearchParams> }, k: number) {
    const params = { ...DEFAULT_PARAMS, ...options.params };
    this.educator = new Educator(searchProblem(instance, params).problem, params, educatorSeed(options.seed ?? 1, k + 1));
  }

  educate(job: EducationJob): Educated {
    return this.educator.educate(job);
  }
}

/** Routes as the caller sees them: stop indices, trips split at reloads, unused reloads dropped. */
function vehicleRoutes(p: Problem, ind: Individual): VehicleRoute[] {
  const out: VehicleRoute[] = [];
  ind.routes.forEach((route, slot) => {
    const type = p.types[p.slotType[slot]];
    const trips: number[][] = [[]];
    for (const v of route) {
      if (v < p.firstReload) trips[trips.length - 1].push(v - p.firstCustomer);
      else if (type.multiTrip && p.location[v] === type.depot && trips[trips.length - 1].length > 0) trips.push([]);
    }
    const nonEmpty = trips.filter((t) => t.length > 0);
    if (nonEmpty.length > 0) out.push({ vehicleType: type.index, trips: nonEmpty });
  });
  return out;
}

function summarise(p: Problem, routes: VehicleRoute[], vehicleWeight: number): Omit<SolveResult, 'iterations' | 'elapsedMs'> {
  const evaluator = new RouteEvaluator(p);
  const stats = emptyStats();
  let distance = 0;
  let fixed = 0;
  const violations: string[] = [];
  const reloadOf = new Map<number, number>();
  for (let v = p.firstReload; v < p.nNodes; v++) if (!reloadOf.has(p.reloadType[v])) reloadOf.set(p.reloadType[v], v);
  routes.forEach((route, k) => {
    const type = p.types[route.vehicleType];
    const nodes: number[] = [];
    route.trips.forEach((trip, t) => {
      if (t > 0) nodes.push(reloadOf.get(type.index)!);
      for (const s of trip) nodes.push(p.firstCustomer + s);
    });
    evaluator.evaluate(type, nodes, 0, nodes.length, stats);
    distance += stats.distance;
    fixed += type.fixedCost - vehicleWeight;
    if (stats.loadExcess > 1e-9) violations.push(`route ${k + 1}: load above capacity by ${stats.loadExcess}`);
    if (stats.timeWarp > 1e-9) violations.push(`route ${k + 1}: time windows missed by ${stats.timeWarp} in total`);
    if (stats.durationExcess > 1e-9) violations.push(`route ${k + 1}: duration above maximum by ${stats.durationExcess}`);
    if (stats.distanceExcess > 1e-9) violations.push(`route ${k + 1}: distance above maximum by ${stats.distanceExcess}`);
    if (stats.energyExcess > 1e-9) violations.push(`route ${k + 1}: energy above battery by ${stats.energyExcess}`);
    if (stats.forbiddenLegs > 0) violations.push(`route ${k + 1}: ${stats.forbiddenLegs} leg(s) that cannot be flown`);
  });
  if (p.nCustomers > 0 && routes.length === 0) violations.push('no solution found within the budget');
  return { routes, cost: distance + fixed, distance, feasible: violations.length === 0, violations };
}
