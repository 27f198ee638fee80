import { orderedCrossover } from './crossover.ts';
import { Individual, tourOf } from './individual.ts';
import { LocalSearch } from './localSearch.ts';
import type { Problem } from './model.ts';
import type { SearchParams } from './params.ts';
import { initialPenalties, scaledPenalties, type Penalties } from './penalties.ts';
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
  /** Stop after restartAfter iterations without improvement instead of restarting (when no other limit is set). */
  stopWhenStalled: boolean;
  onProgress?: (p: Progress) => void;
  /** Milliseconds on the clock that time limits are measured by. */
  clock: () => number;
}

/**
 * The hybrid genetic search (Vidal et al. 2012; HGS-CVRP 2022): select two parents, OX crossover, split,
 * local search, insert into the population; repair some infeasible offspring with tenfold penalties; adapt
 * penalties every few iterations; restart the population when it stops improving. It runs in stages
 * (`run` up to an iteration count or a deadline, then again), so that islands can exchange solutions
 * between stages at fixed iteration counts.
 */
export class GeneticSearch {
  iteration = 0;
  /** The least penalised individual seen, for reporting when nothing feasible was found. */
  leastInfeasible: Individual | null = null;
  /** The search stopped for good: it stalled with stopWhenStalled, or there is nothing to route. */
  finished: boolean;
  private readonly start: number;
  private readonly rng: Rng;
  private readonly evaluator: RouteEvaluator;
  private readonly split: Split;
  private readonly ls: LocalSearch;
  private readonly population: Population;
  private readonly pen: Penalties;
  private readonly seen: Uint8Array;
  private started = false;
  private sinceImprovement = 0;
  private bestCost = Infinity;
  private until = 0;
  private deadline = 0;

  constructor(
    private readonly p: Problem,
    private readonly params: SearchParams,
    private readonly options: GeneticOptions,
  ) {
    this.start = options.clock();
    this.rng = new Rng(options.seed);
    this.evaluator = new RouteEvaluator(p);
    this.split = new Split(p);
    this.ls = new LocalSearch(p, params, this.rng);
    this.population = new Population(p, params, this.rng);
    this.pen = initialPenalties(p, params.vehiclesFirst);
    this.seen = new Uint8Array(p.nNodes);
    this.finished = p.nCustomers === 0;
  }

  get best(): Individual | null {
    return this.population.best;
  }

  elapsed(): number {
    return this.options.clock() - this.start;
  }

  /** Searches until `until` iterations are done or `deadlineMs` (on the clock, from the start) has passed. */
  run(until: number, deadlineMs: number): void {
    this.until = until;
    this.deadline = deadlineMs;
    if (!this.started) {
      this.started = true;
      this.initialise();
    }
    while (!this.finished && !this.outOfBudget()) {
      if (this.population.feasible.length + this.population.infeasible.length < 2) {
        this.initialise();
        continue;
      }
      this.iteration++;
      const a = this.population.select();
      const b = this.population.select();
      const child = this.educate(orderedCrossover(a.tour, b.tour, this.rng, this.seen, this.p.nDepots));
      this.sinceImprovement = this.offer(child) ? 0 : this.sinceImprovement + 1;
      if (this.iteration % this.params.penaltyInterval === 0) this.population.adaptPenalties(this.pen);
      if (this.sinceImprovement >= this.params.restartAfter) {
        if (this.options.stopWhenStalled) this.finished = true;
        else {
          this.population.restart();
          this.sinceImprovement = 0;
          this.initialise();
        }
      }
    }
  }

  /** Adds a solution found elsewhere (routes of node indices per slot, as in `best.routes`). */
  immigrate(routes: number[][]): void {
    const ind = new Individual(this.p, tourOf(this.p, routes), routes);
    ind.evaluate(this.p, this.evaluator, this.pen);
    if (this.population.add(ind, false)) this.sinceImprovement = 0;
    this.report();
  }

  private outOfBudget(): boolean {
    return this.iteration >= this.until || this.elapsed() >= this.deadline;
  }

  private educate(tour: Int32Array): Individual {
    const ind = new Individual(this.p, tour, this.split.run(tour, this.pen));
    this.ls.run(ind.routes, this.pen);
    const routes = this.ls.routes();
    const improved = new Individual(this.p, tourOf(this.p, routes), routes);
    improved.evaluate(this.p, this.evaluator, this.pen);
    if (!improved.feasible && (this.leastInfeasible === null || improved.penalisedCost < this.leastInfeasible.penalisedCost)) this.leastInfeasible = improved;
    return improved;
  }

  private repair(ind: Individual): Individual | null {
    this.ls.run(ind.routes, scaledPenalties(this.pen, 10));
    const routes = this.ls.routes();
    const repaired = new Individual(this.p, tourOf(this.p, routes), routes);
    repaired.evaluate(this.p, this.evaluator, this.pen);
    return repaired.feasible ? repaired : null;
  }

  private report(): void {
    const best = this.population.best;
    if (best && best.cost < this.bestCost) {
      this.bestCost = best.cost;
      this.options.onProgress?.({ iteration: this.iteration, elapsedMs: this.elapsed(), bestCost: this.bestCost });
    }
  }

  private offer(ind: Individual): boolean {
    let isNewBest = this.population.add(ind, true);
    if (!ind.feasible && this.rng.float() < this.params.repairProbability) {
      const repaired = this.repair(ind);
      if (repaired) isNewBest = this.population.add(repaired, false) || isNewBest;
    }
    this.report();
    return isNewBest;
  }

  private initialise(): void {
    const nodes = new Int32Array(this.p.nNodes - this.p.nDepots);
    for (let k = 0; k < nodes.length; k++) nodes[k] = this.p.nDepots + k;
    for (let k = 0; k < 4 * this.params.populationSize && !this.outOfBudget(); k++) {
      const tour = nodes.slice();
      this.rng.shuffle(tour);
      this.offer(this.educate(tour));
    }
  }
}
