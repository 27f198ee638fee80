import { buildProblem, type Instance } from './model.ts';
import { emptyStats, isFeasible, RouteEvaluator } from './routeEval.ts';
import type { Solution } from './solution.ts';

export interface SavingsResult extends Solution {
  cost: number;
  elapsedMs: number;
}

/**
 * Clarke & Wright (1964) parallel savings, the classic baseline: start from one route per stop and merge
 * route ends in decreasing order of saving d(0,i) + d(0,j) − d(i,j) while the merged route stays feasible.
 * Uses the first vehicle type, single trips.
 */
export function savings(instance: Instance): SavingsResult {
  const start = Date.now();
  const p = buildProblem(instance);
  const type = p.types[0];
  const N = p.nNodes;
  const depot = type.depot;
  const evaluator = new RouteEvaluator(p);
  const stats = emptyStats();
  const reversible = p.symmetric && !p.hasTime;
  const routeOf = new Int32Array(N);
  const routes = new Map<number, number[]>();
  for (let v = p.firstCustomer; v < p.firstReload; v++) {
    routeOf[v] = v;
    routes.set(v, [v]);
  }
  const pairs: { i: number; j: number; s: number }[] = [];
  for (let i = p.firstCustomer; i < p.firstReload; i++) {
    for (let j = i + 1; j < p.firstReload; j++) {
      const s = p.dist[depot * N + i] + p.dist[depot * N + j] - p.dist[i * N + j];
      if (s > 0) pairs.push({ i, j, s });
    }
  }
  pairs.sort((a, b) => b.s - a.s || a.i - b.i || a.j - b.j);
  const feasible = (r: number[]): boolean => {
    evaluator.evaluate(type, r, 0, r.length, stats);
    return isFeasible(stats);
  };
  for (const { i, j } of pairs) {
    const ri = routeOf[i];
    const rj = routeOf[j];
    if (ri === rj) continue;
    const a = routes.get(ri)!;
    const b = routes.get(rj)!;
    const candidates: number[][] = [];
    if (a[a.length - 1] === i && b[0] === j) candidates.push([...a, ...b]);
    if (b[b.length - 1] === j && a[0] === i) candidates.push([...b, ...a]);
    if (reversible && a[0] === i && b[0] === j) candidates.push([...[...a].reverse(), ...b]);
    if (reversible && a[a.length - 1] === i && b[b.length - 1] === j) candidates.push([...a, ...[...b].reverse()]);
    const merged = candidates.find(feasible);
    if (!merged) continue;
    routes.delete(rj);
    routes.set(ri, merged);
    for (const v of merged) routeOf[v] = ri;
  }
  let cost = 0;
  const out: Solution['routes'] = [];
  for (const r of routes.values()) {
    evaluator.evaluate(type, r, 0, r.length, stats);
    cost += stats.distance + type.fixedCost;
    out.push({ vehicleType: type.index, trips: [r.map((v) => v - p.firstCustomer)] });
  }
  return { routes: out, cost, elapsedMs: Date.now() - start };
}
