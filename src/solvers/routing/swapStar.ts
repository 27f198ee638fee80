import type { Matrix } from './model.ts';
import { pairCost, type Composer, type RouteTable } from './segments.ts';

const EPSILON = 1e-5;
const NONE = -1;

/**
 * SWAP* (Vidal 2022): exchange u of route U with v of route V, each going to its best place in the other
 * route rather than to the other's old place. Candidates are ranked by distance and capacity using the three
 * cheapest insertion positions of every node; the best one is then priced exactly and applied if it pays.
 * Plain relocations between the two routes are ranked in the same pass.
 */
export class SwapStar {
  /**
   * Per node and route: the three cheapest insertion costs and the positions they follow, valid while the
   * route's version equals insStamp.
   */
  private readonly insCost: Float64Array;
  private readonly insPos: Int32Array;
  private readonly insStamp: Float64Array;
  private readonly S: number;
  private readonly removal: Float64Array;
  private readonly dist: Matrix;
  private readonly N: number;
  private readonly symmetric: boolean;

  constructor(
    private readonly t: RouteTable,
    private readonly cu: Composer,
    private readonly cv: Composer,
    private readonly commit: (rU: number, rV: number) => void,
  ) {
    const n = t.p.nNodes;
    this.S = t.slots;
    this.insCost = new Float64Array(3 * n * t.slots);
    this.insPos = new Int32Array(3 * n * t.slots);
    this.insStamp = new Float64Array(n * t.slots).fill(-1);
    this.removal = new Float64Array(n);
    this.dist = t.p.dist;
    this.N = n;
    this.symmetric = t.p.symmetric;
  }

  /** Cheapest insertions of every node of route `from` into route `to`, and the removal gain of each. */
  private preprocess(from: number, to: number): number {
    const t = this.t;
    const dist = this.dist;
    const N = this.N;
    const nodes = t.nodes;
    const baseFrom = from * t.maxLen;
    const baseTo = to * t.maxLen;
    const lenFrom = t.len[from];
    const lenTo = t.len[to];
    const stamp = t.version[to];
    const arcs = t.arcs;
    let load = 0;
    for (let p = 1; p < lenFrom - 1; p++) {
      const u = nodes[baseFrom + p];
      load += t.p.demand[u];
      const pu = nodes[baseFrom + p - 1];
      const x = nodes[baseFrom + p + 1];
      const rowU = u * N;
      this.removal[u] = dist[pu * N + x] - dist[pu * N + u] - dist[rowU + x];
      const key = u * this.S + to;
      if (this.insStamp[key] === stamp) continue;
      this.insStamp[key] = stamp;
      let c0 = Infinity;
      let c1 = Infinity;
      let c2 = Infinity;
      let q0 = NONE;
      let q1 = NONE;
      let q2 = NONE;
      // with symmetric distances both legs read u's own row, which stays in cache, and the arc into the next
      // position is the arc out of u just read: one read per position
      let into = this.symmetric ? dist[rowU + nodes[baseTo]] : dist[nodes[baseTo] * N + u];
      for (let q = 0; q < lenTo - 1; q++) {
        const b = nodes[baseTo + q + 1];
        const out = dist[rowU + b];
        const c = into + out - arcs[baseTo + q];
        into = this.symmetric ? out : dist[b * N + u];
        if (c >= c2) continue;
        if (c < c0) {
          c2 = c1;
          q2 = q1;
          c1 = c0;
          q1 = q0;
          c0 = c;
          q0 = q;
        } else if (c < c1) {
          c2 = c1;
          q2 = q1;
          c1 = c;
          q1 = q;
        } else {
          c2 = c;
          q2 = q;
        }
      }
      const o = 3 * key;
      this.insCost[o] = c0;
      this.insCost[o + 1] = c1;
      this.insCost[o + 2] = c2;
      this.insPos[o] = q0;
      this.insPos[o + 1] = q1;
      this.insPos[o + 2] = q2;
    }
    return load;
  }

  private bestPos = 0;

  /**
   * Cheapest cost of inserting u into v's route once v has left it; sets bestPos (insert after that position).
   * pv and y are v's neighbours and dPvY the arc that replaces v's two (read once per v, not once per u).
   */
  private insertInPlaceOf(u: number, rV: number, pV: number, pv: number, y: number, dPvY: number): number {
    const dist = this.dist;
    let best: number;
    if (this.symmetric) {
      const rowU = u * this.N;
      best = dist[rowU + pv] + dist[rowU + y] - dPvY;
    } else {
      best = dist[pv * this.N + u] + dist[u * this.N + y] - dPvY;
    }
    this.bestPos = pV - 1;
    const o = 3 * (u * this.S + rV);
    const insPos = this.insPos;
    const insCost = this.insCost;
    for (let k = 0; k < 3; k++) {
      const q = insPos[o + k];
      if (q === NONE) break;
      if (q !== pV && q !== pV - 1 && insCost[o + k] < best) {
        best = insCost[o + k];
        this.bestPos = q;
        break;
      }
    }
    return best;
  }

  private capacityPenalty(r: number, load: number): number {
    const cap = this.t.types[r].capacity;
    return load > cap ? this.t.penalties.capacity * (load - cap) : 0;
  }

  /** Route r without the node at position a and with w inserted after position q. */
  private compose(c: Composer, r: number, a: number, w: number, q: number): void {
    c.reset();
    if (w < 0) c.prefix(r, a - 1).suffix(r, a + 1);
    else if (a < 0) c.prefix(r, q).node(w).suffix(r, q + 1);
    else if (q === a - 1 || q === a) c.prefix(r, a - 1).node(w).suffix(r, a + 1);
    else if (q < a) c.prefix(r, q).node(w).mid(r, q + 1, a - 1).suffix(r, a + 1);
    else c.prefix(r, a - 1).mid(r, a + 1, q).node(w).suffix(r, q + 1);
  }

  // the best candidate so far: in each route, the position removed (-1: none), the node inserted and after where
  private best = 0;
  private removedU = -1;
  private insertedU = -1;
  private afterU = -1;
  private removedV = -1;
  private insertedV = -1;
  private afterV = -1;

  private keep(delta: number, removedU: number, insertedU: number, afterU: number, removedV: number, insertedV: number, afterV: number): void {
    this.best = delta;
    this.removedU = removedU;
    this.insertedU = insertedU;
    this.afterU = afterU;
    this.removedV = removedV;
    this.insertedV = insertedV;
    this.afterV = afterV;
  }

  /** Plain relocations of one node of route `from` to its cheapest place in route `to`. */
  private relocations(from: number, to: number, loadFrom: number, loadTo: number, fromIsU: boolean): void {
    const t = this.t;
    const dem = t.p.demand;
    const penFrom = this.capacityPenalty(from, loadFrom);
    const penTo = this.capacityPenalty(to, loadTo);
    for (let i = 1; i < t.len[from] - 1; i++) {
      const u = t.node(from, i);
      const o = 3 * (u * this.S + to);
      const q = this.insPos[o];
      if (q === NONE) continue;
      const delta = this.removal[u] + this.insCost[o] + this.capacityPenalty(from, loadFrom - dem[u]) - penFrom + this.capacityPenalty(to, loadTo + dem[u]) - penTo;
      if (delta >= this.best) continue;
      if (fromIsU) this.keep(delta, i, -1, -1, -1, u, q);
      else this.keep(delta, -1, u, q, i, -1, -1);
    }
  }

  run(rU: number, rV: number): boolean {
    const t = this.t;
    const loadU = this.preprocess(rU, rV);
    const loadV = this.preprocess(rV, rU);
    const penU = this.capacityPenalty(rU, loadU);
    const penV = this.capacityPenalty(rV, loadV);
    const dem = t.p.demand;
    this.keep(-EPSILON, -1, -1, -1, -1, -1, -1);
    const lenU = t.len[rU];
    const lenV = t.len[rV];
    const capU = t.types[rU].capacity;
    const capV = t.types[rV].capacity;
    const w = t.penalties.capacity;
    const removal = this.removal;
    const nodes = t.nodes;
    const baseU = rU * t.maxLen;
    const baseV = rV * t.maxLen;
    const dist = this.dist;
    const N = this.N;
    let best = this.best;
    for (let i = 1; i < lenU - 1; i++) {
      const u = nodes[baseU + i];
      const du = dem[u];
      const remU = removal[u];
      const pu = nodes[baseU + i - 1];
      const x = nodes[baseU + i + 1];
      const dPuX = dist[pu * N + x];
      for (let j = 1; j < lenV - 1; j++) {
        const v = nodes[baseV + j];
        const newU = loadU + dem[v] - du;
        const newV = loadV + du - dem[v];
        const deltaPenU = (newU > capU ? w * (newU - capU) : 0) - penU;
        const deltaPenV = (newV > capV ? w * (newV - capV) : 0) - penV;
        const rv = removal[v];
        if (deltaPenU + remU + deltaPenV + rv > 0) continue;
        const pv = nodes[baseV + j - 1];
        const y = nodes[baseV + j + 1];
        const inV = this.insertInPlaceOf(u, rV, j, pv, y, dist[pv * N + y]);
        const qV = this.bestPos;
        const inU = this.insertInPlaceOf(v, rU, i, pu, x, dPuX);
        const qU = this.bestPos;
        const delta = deltaPenU + deltaPenV + remU + rv + inU + inV;
        if (delta < best) {
          this.keep(delta, i, v, qU, j, u, qV);
          best = delta;
        }
      }
    }
    this.relocations(rU, rV, loadU, loadV, true);
    this.relocations(rV, rU, loadV, loadU, false);
    if (this.insertedU < 0 && this.insertedV < 0) return false;
    this.compose(this.cu, rU, this.removedU, this.insertedU, this.afterU);
    this.compose(this.cv, rV, this.removedV, this.insertedV, this.afterV);
    const limit = t.cost[rU] + t.cost[rV] - EPSILON;
    if (pairCost(this.cu, t.types[rU], this.cv, t.types[rV], limit) > limit) return false;
    this.commit(rU, rV);
    return true;
  }
}
