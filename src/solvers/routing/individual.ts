import type { Problem } from './model.ts';
import { FORBIDDEN_LEG, type Penalties } from './penalties.ts';
import { emptyStats, type RouteEvaluator } from './routeEval.ts';

const DEPOT = -1;

/** One solution of the genetic search: a giant tour (its chromosome) and the routes it splits into. */
export class Individual {
  /** Every non-depot node once, in route order. */
  tour: Int32Array;
  /** Non-depot nodes of each route slot. */
  routes: number[][];
  distance = 0;
  fixedCost = 0;
  loadExcess = 0;
  timeExcess = 0;
  energyExcess = 0;
  forbiddenLegs = 0;
  penalisedCost = 0;
  feasible = false;
  /** Successor and predecessor of each node (DEPOT for the depot), for the broken-pairs distance. */
  readonly succ: Int32Array;
  readonly pred: Int32Array;
  /** Other individuals of the same subpopulation, closest first. */
  proximity: { distance: number; other: Individual }[] = [];
  biasedFitness = 0;

  constructor(p: Problem, tour: Int32Array, routes: number[][]) {
    this.tour = tour;
    this.routes = routes;
    this.succ = new Int32Array(p.nNodes);
    this.pred = new Int32Array(p.nNodes);
  }

  /** Cost as the objective sees it: distance plus fixed costs. */
  get cost(): number {
    return this.distance + this.fixedCost;
  }

  /** Recomputes every figure from the routes. */
  evaluate(p: Problem, evaluator: RouteEvaluator, penalties: Penalties): void {
    const stats = emptyStats();
    this.distance = 0;
    this.fixedCost = 0;
    this.loadExcess = 0;
    this.timeExcess = 0;
    this.energyExcess = 0;
    this.forbiddenLegs = 0;
    this.succ.fill(DEPOT);
    this.pred.fill(DEPOT);
    for (let r = 0; r < this.routes.length; r++) {
      const route = this.routes[r];
      if (route.length === 0) continue;
      const type = p.types[p.slotType[r]];
      evaluator.evaluate(type, route, 0, route.length, stats);
      if (stats.customers === 0) continue;
      this.distance += stats.distance;
      this.fixedCost += type.fixedCost;
      this.loadExcess += stats.loadExcess;
      this.timeExcess += stats.timeWarp + stats.durationExcess + stats.distanceExcess;
      this.energyExcess += stats.energyExcess;
      this.forbiddenLegs += stats.forbiddenLegs;
      let prev = DEPOT;
      for (const v of route) {
        if (v >= p.firstReload) continue;
        if (prev !== DEPOT) this.succ[prev] = v;
        this.pred[v] = prev;
        prev = v;
      }
    }
    this.feasible = withinLimits(this.loadExcess, this.timeExcess, this.energyExcess, this.forbiddenLegs);
    this.reprice(penalties);
  }

  /** Penalised cost under new penalty weights. */
  reprice(pen: Penalties): void {
    this.penalisedCost =
      this.cost + pen.capacity * this.loadExcess + pen.time * this.timeExcess + pen.energy * this.energyExcess + FORBIDDEN_LEG * this.forbiddenLegs;
  }
}

function withinLimits(loadExcess: number, timeExcess: number, energyExcess: number, forbiddenLegs: number): boolean {
  return loadExcess <= 1e-9 && timeExcess <= 1e-9 && energyExcess <= 1e-9 && forbiddenLegs === 0;
}

/** Whether routes (non-depot nodes per slot) break no limit, as `Individual.evaluate` would judge them, without building one. */
export function routesFeasible(p: Problem, evaluator: RouteEvaluator, routes: number[][]): boolean {
  const stats = emptyStats();
  let load = 0;
  let time = 0;
  let energy = 0;
  let forbidden = 0;
  for (let r = 0; r < routes.length; r++) {
    if (routes[r].length === 0) continue;
    evaluator.evaluate(p.types[p.slotType[r]], routes[r], 0, routes[r].length, stats);
    if (stats.customers === 0) continue;
    load += stats.loadExcess;
    time += stats.timeWarp + stats.durationExcess + stats.distanceExcess;
    energy += stats.energyExcess;
    forbidden += stats.forbiddenLegs;
  }
  return withinLimits(load, time, energy, forbidden);
}

/**
 * Broken-pairs distance: the share of customers whose neighbours differ between two solutions (an arc kept
 * in reverse counts as kept).
 */
export function brokenPairsDistance(p: Problem, a: Individual, b: Individual): number {
  let broken = 0;
  for (let v = p.firstCustomer; v < p.firstReload; v++) {
    if (a.succ[v] !== b.succ[v] && a.succ[v] !== b.pred[v]) broken++;
    if (a.pred[v] === DEPOT && b.pred[v] !== DEPOT && b.succ[v] !== DEPOT) broken++;
  }
  return broken / Math.max(1, p.nCustomers);
}

/** The giant tour of a set of routes: routes ordered by the polar angle of their customers' barycentre. */
export function tourOf(p: Problem, routes: number[][]): Int32Array {
  const keyed = routes.map((route, r) => {
    let sx = 0;
    let sy = 0;
    let n = 0;
    for (const v of route) {
      if (v >= p.firstReload) continue;
      sx += Math.cos(p.angle[v]);
      sy += Math.sin(p.angle[v]);
      n++;
    }
    return { r, key: n === 0 ? Infinity : p.hasCoordinates ? Math.atan2(sy, sx) : r };
  });
  keyed.sort((a, b) => a.key - b.key || a.r - b.r);
  const tour = new Int32Array(p.nNodes - p.nDepots);
  let k = 0;
  for (const { r } of keyed) for (const v of routes[r]) tour[k++] = v;
  return tour;
}
