import type { Problem } from './model.ts';

/**
 * Parameters of the hybrid genetic search. The defaults are those of HGS-CVRP (Vidal 2022) except the population:
 * HGS-CVRP's μ = 25 and λ = 40 were calibrated for runs of 2.4·n seconds, where a search makes 10⁵ children and
 * more; this project's searches make 10³–10⁴ (a logistics plan gets 1–10 s, a planner 30–60 s), and a smaller
 * population (μ = 12, λ = 20) reaches better solutions in that time on one thread (see bench/ROUTING.md, sixth
 * session). Runs on several threads that make enough children take HGS-CVRP's population (`populationFor`).
 */
export interface SearchParams {
  /** Neighbours considered per node by the granular local search (Γ). */
  granularity: number;
  /** Minimum size of each subpopulation (μ). */
  populationSize: number;
  /** Individuals added before a survivor selection (λ). */
  generationSize: number;
  /** Elite individuals protected by the biased fitness. */
  eliteCount: number;
  /** Neighbours averaged in the diversity contribution. */
  closeCount: number;
  /** Wanted share of feasible local-search outputs; penalties adapt towards it. */
  targetFeasible: number;
  /** Iterations without improvement before the population restarts. */
  restartAfter: number;
  penaltyIncrease: number;
  penaltyDecrease: number;
  /** Probability of repairing an infeasible offspring with tenfold penalties. */
  repairProbability: number;
  /** Iterations between two penalty adjustments. */
  penaltyInterval: number;
  /**
   * Fewest vehicles first, then least cost (how Solomon and Homberger results are ranked): during the search
   * every vehicle costs more than any distance it could save.
   */
  vehiclesFirst: boolean;
}

export const DEFAULT_PARAMS: SearchParams = {
  granularity: 20,
  populationSize: 12,
  generationSize: 20,
  eliteCount: 4,
  closeCount: 5,
  targetFeasible: 0.2,
  restartAfter: 20000,
  penaltyIncrease: 1.2,
  penaltyDecrease: 0.85,
  repairProbability: 0.5,
  penaltyInterval: 100,
  vehiclesFirst: false,
};

/** A population's size: μ survivors, λ children per generation. */
export type PopulationSize = Pick<SearchParams, 'populationSize' | 'generationSize'>;

/** HGS-CVRP's own population (μ = 25, λ = 40). */
const LARGE_POPULATION: PopulationSize = { populationSize: 25, generationSize: 40 };

/**
 * Children a run on several threads must be expected to make for HGS-CVRP's population to pay. Measured on
 * two threads at 30 s (bench/ROUTING.md, sixth and eighth sessions): 25 + 40 did better on runs of 14 000
 * children and more, 12 + 20 on runs of 5 000–10 000.
 */
export const LARGE_RUN_CHILDREN = 10_000;

/**
 * The default population for a run on `threads` threads that is expected to make `expectedChildren` children.
 * The population that suits a run grows with the children it makes: one thread keeps the default 12 + 20; from
 * two threads on (which make about twice the children), HGS-CVRP's own 25 + 40, unless the run is expected to
 * make fewer than LARGE_RUN_CHILDREN children (see bench/ROUTING.md). A population given in `params` wins.
 */
export function populationFor(threads: number, given: Partial<SearchParams> = {}, expectedChildren = Infinity): Partial<SearchParams> {
  return takesLargePopulation(threads, given, expectedChildren) ? { ...LARGE_POPULATION, ...given } : given;
}

/** Whether populationFor gives HGS-CVRP's 25 + 40: several threads, no population given, enough children. */
export function takesLargePopulation(threads: number, given: Partial<SearchParams> = {}, expectedChildren = Infinity): boolean {
  return threads >= 2 && given.populationSize === undefined && given.generationSize === undefined && expectedChildren >= LARGE_RUN_CHILDREN;
}

/** Weights of waiting and of time warp in the time-window-aware proximity between two customers. */
const WAIT_WEIGHT = 0.2;
const WARP_WEIGHT = 1;

/** How close j is to follow i: distance, plus the waiting or lateness that a visit i → j implies. */
function proximity(p: Problem, i: number, j: number): number {
  const N = p.nNodes;
  const d = p.dist[i * N + j];
  if (!p.hasTime) return d;
  const t = p.times[0][i * N + j];
  const wait = Math.max(p.early[j] - t - p.service[i] - p.late[i], 0);
  const warp = Math.max(p.early[i] + p.service[i] + t - p.late[j], 0);
  return d + WAIT_WEIGHT * wait + WARP_WEIGHT * warp;
}

/**
 * Granular neighbour lists: for each customer its Γ closest customers, plus a few reload nodes; for each
 * reload node, the 2Γ customers closest to its depot (trips end after one of them).
 */
export function neighbourLists(p: Problem, granularity: number): Int32Array[] {
  const lists: Int32Array[] = [];
  const customers: number[] = [];
  for (let v = p.firstCustomer; v < p.firstReload; v++) customers.push(v);
  const reloadsByType = new Map<number, number[]>();
  for (let v = p.firstReload; v < p.nNodes; v++) {
    const t = p.reloadType[v];
    const list = reloadsByType.get(t) ?? [];
    if (list.length < 2) list.push(v);
    reloadsByType.set(t, list);
  }
  const someReloads = [...reloadsByType.values()].flat();
  const score = new Float64Array(p.nNodes);
  for (let u = 0; u < p.nNodes; u++) {
    if (u < p.firstCustomer) {
      lists.push(new Int32Array(0));
      continue;
    }
    const others = customers.filter((v) => v !== u);
    const isReload = u >= p.firstReload;
    for (const v of others) score[v] = isReload ? p.dist[p.location[u] * p.nNodes + v] : Math.min(proximity(p, u, v), proximity(p, v, u));
    others.sort((a, b) => score[a] - score[b] || a - b);
    const keep = Math.min(others.length, isReload ? 2 * granularity : granularity);
    lists.push(Int32Array.from([...others.slice(0, keep), ...(isReload ? [] : someReloads)]));
  }
  return symmetrised(p, lists, granularity);
}

/**
 * Customer neighbourhoods made symmetric as in HGS-CVRP: when v is among u's Γ closest, u is also tried around
 * v (appended after v's own list, which keeps its order).
 */
function symmetrised(p: Problem, lists: Int32Array[], granularity: number): Int32Array[] {
  const extra: number[][] = lists.map(() => []);
  for (let u = p.firstCustomer; u < p.firstReload; u++) {
    const own = lists[u];
    for (let k = 0; k < Math.min(granularity, own.length); k++) {
      const v = own[k];
      if (v >= p.firstReload || lists[v].subarray(0, granularity).includes(u)) continue;
      extra[v].push(u);
    }
  }
  return lists.map((list, v) => {
    if (extra[v].length === 0) return list;
    const customers = Array.from(list.subarray(0, Math.min(granularity, list.length)));
    const reloads = Array.from(list.subarray(customers.length));
    return Int32Array.from([...customers, ...extra[v].filter((u) => !customers.includes(u)), ...reloads]);
  });
}
