import { brokenPairsDistance, type Individual } from './individual.ts';
import type { Problem } from './model.ts';
import type { SearchParams } from './params.ts';
import type { Penalties } from './penalties.ts';
import type { Rng } from './rng.ts';

const EPSILON = 1e-5;
/** Local-search outputs remembered for the feasibility rates that drive the penalties. */
const FEASIBILITY_MEMORY = 100;

/**
 * Two subpopulations, feasible and infeasible, each kept between μ and μ+λ individuals. Survivors are chosen
 * by biased fitness: rank by cost, plus rank by diversity contribution (mean broken-pairs distance to the
 * closest others), so that good but redundant individuals — clones first — are removed first.
 */
export class Population {
  feasible: Individual[] = [];
  infeasible: Individual[] = [];
  best: Individual | null = null;
  private readonly recentCapacity: boolean[] = [];
  private readonly recentTime: boolean[] = [];
  private readonly recentEnergy: boolean[] = [];

  constructor(
    private readonly p: Problem,
    private readonly params: SearchParams,
    private readonly rng: Rng,
  ) {}

  /** Adds an individual; true when it is a new best feasible solution. */
  add(ind: Individual, recordFeasibility: boolean): boolean {
    if (recordFeasibility) {
      remember(this.recentCapacity, ind.loadExcess <= 1e-9);
      remember(this.recentTime, ind.timeExcess <= 1e-9);
      remember(this.recentEnergy, ind.energyExcess <= 1e-9 && ind.forbiddenLegs === 0);
    }
    const sub = ind.feasible ? this.feasible : this.infeasible;
    for (const other of sub) {
      const d = brokenPairsDistance(this.p, ind, other);
      insertByDistance(other.proximity, d, ind);
      insertByDistance(ind.proximity, d, other);
    }
    let k = sub.length;
    while (k > 0 && sub[k - 1].penalisedCost > ind.penalisedCost + EPSILON) k--;
    sub.splice(k, 0, ind);
    if (sub.length > this.params.populationSize + this.params.generationSize) {
      while (sub.length > this.params.populationSize) this.removeWorst(sub);
    }
    if (ind.feasible && (this.best === null || ind.cost < this.best.cost - EPSILON)) {
      this.best = ind;
      return true;
    }
    return false;
  }

  /** Binary tournament on biased fitness over both subpopulations. */
  select(): Individual {
    this.updateBiasedFitness(this.feasible);
    this.updateBiasedFitness(this.infeasible);
    const size = this.feasible.length + this.infeasible.length;
    const pick = (): Individual => {
      const k = this.rng.int(size);
      return k < this.feasible.length ? this.feasible[k] : this.infeasible[k - this.feasible.length];
    };
    const a = pick();
    const b = pick();
    return a.biasedFitness < b.biasedFitness ? a : b;
  }

  /** Empties both subpopulations, keeping the best solution found. */
  restart(): void {
    this.feasible = [];
    this.infeasible = [];
  }

  /** Moves each penalty weight towards the target share of feasible local-search outputs. */
  adaptPenalties(pen: Penalties): void {
    const { targetFeasible, penaltyIncrease, penaltyDecrease } = this.params;
    const adapt = (weight: number, recent: boolean[]): number => {
      if (recent.length === 0) return weight;
      const rate = recent.filter(Boolean).length / recent.length;
      if (rate < targetFeasible - 0.05) weight *= penaltyIncrease;
      else if (rate > targetFeasible + 0.05) weight *= penaltyDecrease;
      return Math.max(0.1, Math.min(100000, weight));
    };
    pen.capacity = adapt(pen.capacity, this.recentCapacity);
    pen.time = adapt(pen.time, this.recentTime);
    pen.energy = adapt(pen.energy, this.recentEnergy);
    for (const ind of this.infeasible) ind.reprice(pen);
    this.infeasible.sort((a, b) => a.penalisedCost - b.penalisedCost);
  }

  private closeness(ind: Individual): number {
    const k = Math.min(this.params.closeCount, ind.proximity.length);
    if (k === 0) return 0;
    let s = 0;
    for (let i = 0; i < k; i++) s += ind.proximity[i].distance;
    return s / k;
  }

  private updateBiasedFitness(sub: Individual[]): void {
    const n = sub.length;
    if (n === 0) return;
    if (n === 1) {
      sub[0].biasedFitness = 0;
      return;
    }
    const byDiversity = sub.map((ind, rank) => ({ rank, diversity: this.closeness(ind) }));
    byDiversity.sort((a, b) => b.diversity - a.diversity || a.rank - b.rank);
    const eliteShare = 1 - this.params.eliteCount / n;
    byDiversity.forEach(({ rank }, divRank) => {
      const fitRank = rank / (n - 1);
      sub[rank].biasedFitness = n <= this.params.eliteCount ? fitRank : fitRank + eliteShare * (divRank / (n - 1));
    });
  }

  private removeWorst(sub: Individual[]): void {
    this.updateBiasedFitness(sub);
    let worst = 1;
    let worstIsClone = false;
    let worstFitness = -Infinity;
    for (let k = 1; k < sub.length; k++) {
      const ind = sub[k];
      const isClone = ind.proximity.length > 0 && ind.proximity[0].distance < EPSILON;
      if ((isClone && !worstIsClone) || (isClone === worstIsClone && ind.biasedFitness > worstFitness)) {
        worst = k;
        worstIsClone = isClone;
        worstFitness = ind.biasedFitness;
      }
    }
    const gone = sub[worst];
    sub.splice(worst, 1);
    for (const other of sub) {
      const at = other.proximity.findIndex((e) => e.other === gone);
      if (at >= 0) other.proximity.splice(at, 1);
    }
  }
}

function remember(list: boolean[], value: boolean): void {
  list.push(value);
  if (list.length > FEASIBILITY_MEMORY) list.shift();
}

function insertByDistance(list: { distance: number; other: Individual }[], distance: number, other: Individual): void {
  let k = list.length;
  while (k > 0 && list[k - 1].distance > distance) k--;
  list.splice(k, 0, { distance, other });
}
