import { orderedCrossover } from './crossover.ts';
import { Individual, routesFeasible, tourOf } from './individual.ts';
import { LocalSearch } from './localSearch.ts';
import type { Problem } from './model.ts';
import type { PopulationSize, SearchParams } from './params.ts';
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
 * One giant tour to educate: split it into routes and improve them by local search, under the penalties
 * the population had when the job was made. Jobs carry only plain data, so that another thread can do them.
 */
export interface EducationJob {
  tour: Int32Array;
  penalties: Penalties;
  /** Try to repair the child with tenfold penalties when it comes out infeasible (drawn when the job is made). */
  repair: boolean;
  /** A child of two parents (an iteration), not one of the random tours that (re)fill the population. */
  crossover: boolean;
}

/** What education gave: the child's routes, and its repaired routes when a repair was asked for and succeeded. */
export interface Educated {
  routes: number[][];
  repaired: number[][] | null;
}

/**
 * Split and local search of a giant tour: the expensive part of an iteration, and the only part that needs
 * no population. Its random generator is its own, so that a job's outcome depends on the jobs this educator
 * did before, not on the population's draws.
 */
export class Educator {
  private readonly rng: Rng;
  private readonly evaluator: RouteEvaluator;
  private readonly split: Split;
  private readonly ls: LocalSearch;

  constructor(
    private readonly p: Problem,
    params: SearchParams,
    seed: number,
  ) {
    this.rng = new Rng(seed);
    this.evaluator = new RouteEvaluator(p);
    this.split = new Split(p);
    this.ls = new LocalSearch(p, params, this.rng);
  }

  educate(job: EducationJob): Educated {
    this.ls.run(this.split.run(job.tour, job.penalties), job.penalties);
    const routes = this.ls.routes();
    if (!job.repair || routesFeasible(this.p, this.evaluator, routes)) return { routes, repaired: null };
    this.ls.run(routes, scaledPenalties(job.penalties, 10));
    const repaired = this.ls.routes();
    return { routes, repaired: routesFeasible(this.p, this.evaluator, repaired) ? repaired : null };
  }
}

/** Seed of the educator of worker k (k = 0 educates in the searching thread). */
export function educatorSeed(seed: number, k: number): number {
  return (Math.imul(seed >>> 0, 0x9e3779b1) + 7919 * (k + 1)) >>> 0;
}

/**
 * The hybrid genetic search (Vidal et al. 2012; HGS-CVRP 2022): select two parents, OX crossover, split,
 * local search, insert into the population; repair some infeasible offspring with tenfold penalties; adapt
 * penalties every few iterations; restart the population when it stops improving.
 *
 * The population side (`nextJob`, `commit`) is apart from education (`Educator`), so that a parallel
 * runtime can educate children on worker threads while one population makes and receives them, in a fixed
 * order. `run` does both in this thread.
 */
export class GeneticSearch {
  /** Children made so far (crossover jobs handed out). */
  iteration = 0;
  /** The least penalised individual seen, for reporting when nothing feasible was found. */
  leastInfeasible: Individual | null = null;
  /** The search stopped for good: it stalled with stopWhenStalled, or there is nothing to route. */
  finished: boolean;
  private readonly start: number;
  private readonly rng: Rng;
  private readonly evaluator: RouteEvaluator;
  private readonly population: Population;
  private readonly pen: Penalties;
  private readonly seen: Uint8Array;
  private readonly customers: Int32Array;
  private educator: Educator | null = null;
  private started = false;
  /** Random tours still to hand out to fill the population (at the start and after a restart). */
  private initialLeft = 0;
  /** Children committed, for the penalty schedule. */
  private committed = 0;
  private sinceImprovement = 0;
  private bestCost = Infinity;

  private readonly params: SearchParams;

  constructor(
    private readonly p: Problem,
    params: SearchParams,
    private readonly options: GeneticOptions,
  ) {
    // a copy, shared with the population, so that `resize` reaches both
    this.params = { ...params };
    this.start = options.clock();
    this.rng = new Rng(options.seed);
    this.evaluator = new RouteEvaluator(p);
    this.population = new Population(p, this.params, this.rng);
    this.pen = initialPenalties(p, params.vehiclesFirst);
    this.seen = new Uint8Array(p.nNodes);
    this.customers = new Int32Array(p.nNodes - p.nDepots);
    for (let k = 0; k < this.customers.length; k++) this.customers[k] = p.nDepots + k;
    this.finished = p.nCustomers === 0;
  }

  get best(): Individual | null {
    return this.population.best;
  }

  elapsed(): number {
    return this.options.clock() - this.start;
  }

  /** Searches in this thread until `until` iterations are done or `deadlineMs` (on the clock, from the start) has passed. */
  run(until: number, deadlineMs: number): void {
    this.educator ??= new Educator(this.p, this.params, educatorSeed(this.options.seed, 0));
    while (!this.finished && this.iteration < until && this.elapsed() < deadlineMs) {
      const job = this.nextJob();
      this.commit(job, this.educator.educate(job));
    }
  }

  /**
   * The next tour to educate: a random one while the population is being filled, else the OX child of two
   * parents chosen by binary tournament (which counts as an iteration).
   */
  nextJob(): EducationJob {
    if (!this.started) {
      this.started = true;
      this.initialLeft = 4 * this.params.populationSize;
    }
    if (this.initialLeft === 0 && this.population.feasible.length + this.population.infeasible.length < 2) this.initialLeft = 4 * this.params.populationSize;
    let tour: Int32Array;
    const crossover = this.initialLeft === 0;
    if (crossover) {
      this.iteration++;
      const a = this.population.select();
      const b = this.population.select();
      tour = orderedCrossover(a.tour, b.tour, this.rng, this.seen, this.p.nDepots);
    } else {
      this.initialLeft--;
      tour = this.customers.slice();
      this.rng.shuffle(tour);
    }
    const repair = this.rng.float() < this.params.repairProbability;
    return { tour, penalties: { ...this.pen }, repair, crossover };
  }

  /** Takes an educated job into the population; jobs must be committed in the order they were made. */
  commit(job: EducationJob, educated: Educated): void {
    const child = this.individual(educated.routes);
    if (!child.feasible && (this.leastInfeasible === null || child.penalisedCost < this.leastInfeasible.penalisedCost)) this.leastInfeasible = child;
    let isNewBest = this.population.add(child, true);
    if (educated.repaired) {
      const repaired = this.individual(educated.repaired);
      if (repaired.feasible) isNewBest = this.population.add(repaired, false) || isNewBest;
    }
    this.report();
    if (!job.crossover) return;
    this.committed++;
    this.sinceImprovement = isNewBest ? 0 : this.sinceImprovement + 1;
    if (this.committed % this.params.penaltyInterval === 0) this.population.adaptPenalties(this.pen);
    if (this.sinceImprovement >= this.params.restartAfter) {
      if (this.options.stopWhenStalled) this.finished = true;
      else {
        this.population.restart();
        this.sinceImprovement = 0;
        this.initialLeft = 4 * this.params.populationSize;
      }
    }
  }

  /** The population's size now (μ and λ). */
  get populationSize(): PopulationSize {
    return { populationSize: this.params.populationSize, generationSize: this.params.generationSize };
  }

  /**
   * Changes μ and λ from now on: the next survivor selection keeps μ individuals per subpopulation, and a
   * restart fills 4μ. For a runtime that learns during the run how many children it will make.
   */
  resize(populationSize: number, generationSize: number): void {
    this.params.populationSize = populationSize;
    this.params.generationSize = generationSize;
  }

  private individual(routes: number[][]): Individual {
    const ind = new Individual(this.p, tourOf(this.p, routes), routes);
    ind.evaluate(this.p, this.evaluator, this.pen);
    return ind;
  }

  private report(): void {
    const best = this.population.best;
    if (best && best.cost < this.bestCost) {
      this.bestCost = best.cost;
      this.options.onProgress?.({ iteration: this.iteration, elapsedMs: this.elapsed(), bestCost: this.bestCost });
    }
  }
}
