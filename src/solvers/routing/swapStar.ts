import type { Composer, RouteTable } from './segments.ts';

const EPSILON = 1e-5;
const NONE = -1;

/**
 * SWAP* (Vidal 2022): exchange u of route U with v of route V, each going to its best place in the other
 * route rather than to the other's old place. Candidates are ranked by distance and capacity using the three
 * cheapest insertion positions of every node; the best one is then priced exactly and applied if it pays.
 * Plain relocations between the two routes are ranked in the same pass.
 */
export class SwapStar {
  /** Per node: the three cheapest insertion costs into the other route and the positions they follow. */
  private readonly insCost: Float64Array;
  private readonly insPos: Int32Array;
  private readonly removal: Float64Array;
  private readonly dist: Float64Array;
  private readonly N: number;

  constructor(
    private readonly t: RouteTable,
    private readonly cu: Composer,
    private readonly cv: Composer,
    private readonly commit: (rU: number, rV: number) => void,
  ) {
    const n = t.p.nNodes;
    this.insCost = new Float64Array(3 * n);
    this.insPos = new Int32Array(3 * n);
    this.removal = new Float64Array(n);
    this.dist = t.p.dist;
    this.N = n;
  }

  private d(a: number, b: number): number {
    return this.dist[a * this.N + b];
  }

  /** Cheapest insertions of every node of route `from` into route `to`, and the removal gain of each. */
  private preprocess(from: number, to: number): number {
    const t = this.t;
    const lenFrom = t.len[from];
    const lenTo = t.len[to];
    let load = 0;
    for (let p = 1; p < lenFrom - 1; p++) {
      const u = t.node(from, p);
      load += t.p.demand[u];
      const pu = t.node(from, p - 1);
      const x = t.node(from, p + 1);
      this.removal[u] = this.d(pu, x) - this.d(pu, u) - this.d(u, x);
      const o = 3 * u;
      this.insCost[o] = this.insCost[o + 1] = this.insCost[o + 2] = Infinity;
      this.insPos[o] = this.insPos[o + 1] = this.insPos[o + 2] = NONE;
      for (let q = 0; q < lenTo - 1; q++) {
        const a = t.node(to, q);
        const b = t.node(to, q + 1);
        const c = this.d(a, u) + this.d(u, b) - this.d(a, b);
        if (c >= this.insCost[o + 2]) continue;
        if (c < this.insCost[o]) {
          this.insCost[o + 2] = this.insCost[o + 1];
          this.insPos[o + 2] = this.insPos[o + 1];
          this.insCost[o + 1] = this.insCost[o];
          this.insPos[o + 1] = this.insPos[o];
          this.insCost[o] = c;
          this.insPos[o] = q;
        } else if (c < this.insCost[o + 1]) {
          this.insCost[o + 2] = this.insCost[o + 1];
          this.insPos[o + 2] = this.insPos[o + 1];
          this.insCost[o + 1] = c;
          this.insPos[o + 1] = q;
        } else {
          this.insCost[o + 2] = c;
          this.insPos[o + 2] = q;
        }
      }
    }
    return load;
  }

  private bestPos = 0;

  /** Cheapest cost of inserting u into v's route once v has left it; sets bestPos (insert after that position). */
  private insertInPlaceOf(u: number, rV: number, pV: number): number {
    const t = this.t;
    const pv = t.node(rV, pV - 1);
    const y = t.node(rV, pV + 1);
    let best = this.d(pv, u) + this.d(u, y) - this.d(pv, y);
    this.bestPos = pV - 1;
    const o = 3 * u;
    for (let k = 0; k < 3; k++) {
      const q = this.insPos[o + k];
      if (q === NONE) break;
      if (q !== pV && q !== pV - 1 && this.insCost[o + k] < best) {
        best = this.insCost[o + k];
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

  run(rU: number, rV: number): boolean {
    const t = this.t;
    const loadU = this.preprocess(rU, rV);
    const loadV = this.preprocess(rV, rU);
    const penU = this.capacityPenalty(rU, loadU);
    const penV = this.capacityPenalty(rV, loadV);
    const dem = t.p.demand;
    let best = -EPSILON;
    // the best candidate: positions removed from U and V (-1: none), nodes inserted and where
    let bAU = -1;
    let bWU = -1;
    let bQU = -1;
    let bAV = -1;
    let bWV = -1;
    let bQV = -1;
    const lenU = t.len[rU];
    const lenV = t.len[rV];
    for (let i = 1; i < lenU - 1; i++) {
      const u = t.node(rU, i);
      for (let j = 1; j < lenV - 1; j++) {
        const v = t.node(rV, j);
        const deltaPenU = this.capacityPenalty(rU, loadU + dem[v] - dem[u]) - penU;
        const deltaPenV = this.capacityPenalty(rV, loadV + dem[u] - dem[v]) - penV;
        if (deltaPenU + this.removal[u] + deltaPenV + this.removal[v] > 0) continue;
        const inV = this.insertInPlaceOf(u, rV, j);
        const qV = this.bestPos;
        const inU = this.insertInPlaceOf(v, rU, i);
        const qU = this.bestPos;
        const delta = deltaPenU + deltaPenV + this.removal[u] + this.removal[v] + inU + inV;
        if (delta < best) {
          best = delta;
          bAU = i;
          bWU = v;
          bQU = qU;
          bAV = j;
          bWV = u;
          bQV = qV;
        }
      }
    }
    // relocations of one node from U into V, and from V into U
    for (let i = 1; i < lenU - 1; i++) {
      const u = t.node(rU, i);
      const q = this.insPos[3 * u];
      const delta = this.removal[u] + this.insCost[3 * u] + this.capacityPenalty(rU, loadU - dem[u]) - penU + this.capacityPenalty(rV, loadV + dem[u]) - penV;
      if (q !== NONE && delta < best) {
        best = delta;
        bAU = i;
        bWU = -1;
        bQU = -1;
        bAV = -1;
        bWV = u;
        bQV = q;
      }
    }
    for (let j = 1; j < lenV - 1; j++) {
      const v = t.node(rV, j);
      const q = this.insPos[3 * v];
      const delta = this.removal[v] + this.insCost[3 * v] + this.capacityPenalty(rV, loadV - dem[v]) - penV + this.capacityPenalty(rU, loadU + dem[v]) - penU;
      if (q !== NONE && delta < best) {
        best = delta;
        bAU = -1;
        bWU = v;
        bQU = q;
        bAV = j;
        bWV = -1;
        bQV = -1;
      }
    }
    if (bWU < 0 && bWV < 0) return false;
    this.compose(this.cu, rU, bAU, bWU, bQU);
    this.compose(this.cv, rV, bAV, bWV, bQV);
    const after = this.cu.cost(t.types[rU]) + this.cv.cost(t.types[rV]);
    if (after > t.cost[rU] + t.cost[rV] - EPSILON) return false;
    this.commit(rU, rV);
    return true;
  }
}
