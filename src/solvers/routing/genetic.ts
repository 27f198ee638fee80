import { orderedCrossover } from './crossover.ts';
import { Individual, tourOf } from './individual.ts';
import { LocalSearch } from './localSearch.ts';
import type { Problem } from './model.ts';
import type { SearchParams } from './params.ts';
import { scaledPenalties, type Penalties } from './penalties.ts';
import { Population } from './population.ts';
import { Rng } from './rng.ts';
import { RouteEvaluator } from './routeEval.ts';
import { Split } from './split.ts';

export interface Progress {
  iteration: number;
  elapsedMs: number;
  /** Cost of the best feasible solution so far. */
  bestCost: number;
}

export interface GeneticOptions {
  seed: number;
  /** Wall-clock budget in milliseconds. */
  timeLimitMs: number;
  /** Budget in genetic iterations (offspring). */
  maxIterations: number;
  /** Stop after this many iterations without improvement instead of restarting (when no other limit is set). */
  stopWhenStalled: boolean;
  onProgress?: (p: Progress) => void;
  /** Milliseconds on the clock that the time limit is measured by. */
  clock: () => number;
}

export interface GeneticResult {
  best: Individual | null;
  /** The least penalised individual seen, for reporting when nothing feasible was found. */
  leastInfeasible: Individual | null;
  iterations: number;
  elapsedMs: number;
}

/**
 * The hybrid genetic search loop (Vidal et al. 2012; HGS-CVRP 2022): select two parents, OX crossover,
 * split, local search, insert into the population; repair some infeasible offspring with tenfold penalties;
 * adapt penalties every few iterations; restart the population when it stops improving.
 */
export function runGenetic(p: Problem, params: SearchParams, options: GeneticOptions): GeneticResult {
  const start = options.clock();
  const rng = new Rng(options.seed);
  const evaluator = new RouteEvaluator(p);
  const split = new Split(p);
  const ls = new LocalSearch(p, params, rng);
  const population = new Population(p, params, rng);
  const pen: Penalties = {
    capacity: Math.max(0.1, Math.min(1000, p.maxDistance / Math.max(1, p.maxDemand))),
    time: 1,
    energy: 1,
  };
  const seen = new Uint8Array(p.nNodes);
  let leastInfeasible: Individual | null = null;
  let iteration = 0;

  const elapsed = (): number => options.clock() - start;
  const outOfBudget = (): boolean => iteration >= options.maxIterations || elapsed() >= options.timeLimitMs;

  const educate = (tour: Int32Array): Individual => {
    const ind = new Individual(p, tour, split.run(tour, pen));
    ls.run(ind.routes, pen);
    const routes = ls.routes();
    const improved = new Individual(p, tourOf(p, routes), routes);
    improved.evaluate(p, evaluator, pen);
    if (!improved.feasible && (leastInfeasible === null || improved.penalisedCost < leastInfeasible.penalisedCost)) leastInfeasible = improved;
    return improved;
  };

  const repair = (ind: Individual): Individual | null => {
    const strong = scaledPenalties(pen, 10);
    ls.run(ind.routes, strong);
    const routes = ls.routes();
    const repaired = new Individual(p, tourOf(p, routes), routes);
    repaired.evaluate(p, evaluator, pen);
    return repaired.feasible ? repaired : null;
  };

  let bestCost = Infinity;
  const report = (): void => {
    const best = population.best;
    if (best && best.cost < bestCost) {
      bestCost = best.cost;
      options.onProgress?.({ iteration, elapsedMs: elapsed(), bestCost });
    }
  };

  const offer = (ind: Individual): boolean => {
    let isNewBest = population.add(ind, true);
    if (!ind.feasible && rng.float() < params.repairProbability) {
      const repaired = repair(ind);
      if (repaired) isNewBest = population.add(repaired, false) || isNewBest;
    }
    report();
    return isNewBest;
  };

  const initialise = (): void => {
    const nodes = Int32Array.from({ length: p.nNodes - p.nDepots }, (_, k) => p.nDepots + k);
    for (let k = 0; k < 4 * params.populationSize && !outOfBudget(); k++) {
      const tour = nodes.slice();
      rng.shuffle(tour);
      offer(educate(tour));
    }
  };

  initialise();
  let sinceImprovement = 0;
  while (!outOfBudget() && p.nCustomers > 0) {
    if (population.feasible.length + population.infeasible.length < 2) {
      initialise();
      continue;
    }
    iteration++;
    const a = population.select();
    const b = population.select();
    const child = educate(orderedCrossover(a.tour, b.tour, rng, seen, p.nDepots));
    sinceImprovement = offer(child) ? 0 : sinceImprovement + 1;
    if (iteration % params.penaltyInterval === 0) population.adaptPenalties(pen);
    if (sinceImprovement >= params.restartAfter) {
      if (options.stopWhenStalled) break;
      population.restart();
      sinceImprovement = 0;
      initialise();
    }
  }
  return { best: population.best, leastInfeasible, iterations: iteration, elapsedMs: elapsed() };
}
