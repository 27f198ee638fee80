import type { Problem, TypeData } from './model.ts';
import type { Penalties } from './penalties.ts';

/**
 * Split (Prins 2004, with Vidal's penalised variant): cuts a giant tour into routes optimally by dynamic
 * programming over its positions, pricing each route by distance, fixed cost and penalised excess of
 * capacity, duration, distance and time windows. With one vehicle type it is a shortest path over positions
 * (Bellman); when that needs more routes than there are vehicles, or types differ, a second dimension counts
 * the routes slot by slot. Reload nodes are set aside and parked at route ends, where they cost nothing.
 */
export class Split {
  private readonly seq: Int32Array;
  private readonly pot: Float64Array;
  private readonly pred: Int32Array;
  private readonly uniformType: boolean;
  /** Cost of the route seq[i..j), written by extend for the current i. */
  private readonly routeCost: Float64Array;

  constructor(private readonly p: Problem) {
    const n = p.nCustomers;
    this.seq = new Int32Array(n);
    const m = p.slotType.length;
    this.uniformType = p.slotType.every((t) => t === p.slotType[0]);
    this.pot = new Float64Array((m + 1) * (n + 1));
    this.pred = new Int32Array((m + 1) * (n + 1));
    this.routeCost = new Float64Array(n + 1);
  }

  run(tour: Int32Array, pen: Penalties): number[][] {
    const p = this.p;
    let n = 0;
    const reloads: number[] = [];
    for (const v of tour) {
      if (v >= p.firstReload) reloads.push(v);
      else this.seq[n++] = v;
    }
    const m = p.slotType.length;
    const routes: number[][] = Array.from({ length: m }, () => []);
    if (n > 0) {
      if (!(this.uniformType && this.splitUnbounded(n, pen, routes))) {
        if (!this.splitBounded(n, pen, true, routes)) this.splitBounded(n, pen, false, routes);
      }
    }
    // park each reload node at the end of a route of its own type, round robin, where it is inactive
    let turn = 0;
    for (const v of reloads) {
      const t = p.reloadType[v];
      let r = -1;
      for (let k = 0; k < m && r < 0; k++) if (p.slotType[(turn + k) % m] === t) r = (turn + k) % m;
      turn = r + 1;
      routes[r < 0 ? 0 : r].push(v);
    }
    return routes;
  }

  /** Route break-off: beyond this load a route is never worth extending. */
  private loadLimit(type: TypeData): number {
    return Number.isFinite(type.capacity) ? 1.5 * type.capacity + this.p.maxDemand : Infinity;
  }

  /** Prices the routes seq[i..j) for j = i+1 .. the returned bound into routeCost[j]. */
  private extend(i: number, n: number, type: TypeData, pen: Penalties, limited: boolean): number {
    const p = this.p;
    const N = p.nNodes;
    const dist = p.dist;
    const time = p.times[type.profile];
    const depot = type.depot;
    const withTime = p.hasTime;
    const limit = limited ? this.loadLimit(type) : Infinity;
    let load = 0;
    let distance = 0;
    let sDur = 0;
    let sTw = 0;
    let sE = p.early[depot];
    let sL = p.late[depot];
    let last = depot;
    for (let j = i; j < n; j++) {
      const v = this.seq[j];
      load += p.demand[v];
      distance += dist[last * N + v];
      if (withTime) {
        const t = time[last * N + v];
        const delta = sDur - sTw + t;
        const wait = Math.max(p.early[v] - delta - sL, 0);
        const warp = Math.max(sE + delta - p.late[v], 0);
        sDur += p.service[v] + t + wait;
        sTw += warp;
        sE = Math.max(p.early[v] - delta, sE) - wait;
        sL = Math.min(p.late[v] - delta, sL) + warp;
      }
      last = v;
      const total = distance + dist[v * N + depot];
      let cost = total + type.fixedCost;
      if (load > type.capacity) cost += pen.capacity * (load - type.capacity);
      let timeExcess = total > type.maxDistance ? total - type.maxDistance : 0;
      if (withTime) {
        const t = time[v * N + depot];
        const delta = sDur - sTw + t;
        const warp = Math.max(sE + delta - p.late[depot], 0);
        const wait = Math.max(p.early[depot] - delta - sL, 0);
        const dur = sDur + t + wait;
        timeExcess += sTw + warp + (dur > type.maxDuration ? dur - type.maxDuration : 0);
      }
      cost += pen.time * timeExcess;
      this.routeCost[j + 1] = cost;
      if (load > limit) return j + 1;
    }
    return n;
  }

  /** One vehicle type, as many routes as needed; false when that is more than the type's slots. */
  private splitUnbounded(n: number, pen: Penalties, routes: number[][]): boolean {
    const type = this.p.types[this.p.slotType[0]];
    const pot = this.pot;
    const pred = this.pred;
    pot.fill(Infinity, 0, n + 1);
    pot[0] = 0;
    for (let i = 0; i < n; i++) {
      const base = pot[i];
      if (base === Infinity) continue;
      const end = this.extend(i, n, type, pen, true);
      for (let j = i + 1; j <= end; j++) {
        const c = base + this.routeCost[j];
        if (c < pot[j]) {
          pot[j] = c;
          pred[j] = i;
        }
      }
    }
    let count = 0;
    for (let j = n; j > 0; j = pred[j]) count++;
    if (count > routes.length) return false;
    let r = count - 1;
    for (let j = n; j > 0; j = pred[j], r--) routes[r] = Array.from(this.seq.subarray(pred[j], j));
    return true;
  }

  /** Route slots in order, each with its own type, each used at most once (possibly left empty). */
  private splitBounded(n: number, pen: Penalties, limited: boolean, routes: number[][]): boolean {
    const p = this.p;
    const m = p.slotType.length;
    const W = n + 1;
    const pot = this.pot;
    const pred = this.pred;
    pot.fill(Infinity, 0, (m + 1) * W);
    pot[0] = 0;
    for (let k = 0; k < m; k++) {
      const type = p.types[p.slotType[k]];
      const row = k * W;
      const next = (k + 1) * W;
      for (let i = 0; i <= n; i++) {
        const base = pot[row + i];
        if (base === Infinity) continue;
        if (base < pot[next + i]) {
          pot[next + i] = base;
          pred[next + i] = i;
        }
        if (i === n) continue;
        const end = this.extend(i, n, type, pen, limited);
        for (let j = i + 1; j <= end; j++) {
          const c = base + this.routeCost[j];
          if (c < pot[next + j]) {
            pot[next + j] = c;
            pred[next + j] = i;
          }
        }
      }
    }
    if (pot[m * W + n] === Infinity) return false;
    let j = n;
    for (let k = m; k > 0; k--) {
      const i = pred[k * W + j];
      routes[k - 1] = Array.from(this.seq.subarray(i, j));
      j = i;
    }
    return true;
  }
}
