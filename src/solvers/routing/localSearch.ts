import type { Matrix, Problem } from './model.ts';
import { neighbourLists, type SearchParams } from './params.ts';
import type { Penalties } from './penalties.ts';
import type { Rng } from './rng.ts';
import { Composer, F, pairCost, RouteTable } from './segments.ts';
import { SwapStar } from './swapStar.ts';

const EPSILON = 1e-5;

// the moves of the scalar screen, applied by their own methods
const RELOCATE = 0;
const RELOCATE_PAIR = 1;
const RELOCATE_PAIR_REVERSED = 2;
const SWAP = 3;
const SWAP_PAIR_WITH_ONE = 4;
const SWAP_PAIRS = 5;
const TWO_OPT = 6;
const TWO_OPT_STAR_REVERSED = 7;
const TWO_OPT_STAR = 8;

/**
 * Granular local search in the manner of HGS-CVRP: for each node u and each of its Γ neighbours v, try
 * relocations of one or two nodes, swaps of one or two nodes, 2-opt and 2-opt*; then SWAP* between routes
 * whose polar sectors overlap. Stops at a local optimum. Every move is priced by composing route pieces.
 */
export class LocalSearch {
  readonly table: RouteTable;
  private readonly cu: Composer;
  private readonly cv: Composer;
  private readonly bufU: Int32Array;
  private readonly bufV: Int32Array;
  private readonly order: Int32Array;
  private readonly routeOrder: Int32Array;
  private readonly neighbours: Int32Array[];
  private readonly lastModified: Int32Array;
  private readonly lastTested: Int32Array;
  private readonly lastTestedSwapStar: Int32Array;
  private readonly slotsByType: Int32Array[];
  private readonly swapStar: SwapStar;
  private readonly dist: Matrix;
  private readonly demand: Float64Array;
  private readonly N: number;
  /** Only distance and load decide a route's cost (no time, energy or trips): moves are priced by arithmetic. */
  private readonly scalar: boolean;
  /** Fixed cost, capacity and maximum distance of each slot's vehicle type. */
  private readonly fixedCost: Float64Array;
  private readonly capacity: Float64Array;
  private readonly maxDistance: Float64Array;
  private nbMoves = 0;
  /** First empty slot of each vehicle type (-1: none), as of move emptyAt. */
  private readonly firstEmpty: Int32Array;
  private emptyAt = -1;
  /** No vehicle type has a fixed cost: the fixed-cost term of the inter-route screen is 0. */
  private readonly noFixedCosts: boolean;
  private searchCompleted = false;

  // the move under evaluation: u at (rU, pU) with predecessor pu, successor x and x's successor xx; same for v
  private u = 0;
  private rU = 0;
  private pU = 0;
  private lenU = 0;
  private pu = 0;
  private x = 0;
  private xx = 0;
  private xIsDepot = false;
  private v = 0;
  private rV = 0;
  private pV = 0;
  private lenV = 0;
  private pv = 0;
  private y = 0;
  private yy = 0;
  private yIsDepot = false;
  // arcs around u and v, read once per u (setU) and once per v (setV) instead of once per move
  private dPuU = 0;
  private dUX = 0;
  private dXXx = 0;
  private dPuX = 0;
  private dPuXx = 0;
  private dPvV = 0;
  private dVY = 0;
  private dYYy = 0;
  /** Row offset of u in the distance matrix (with symmetric distances every arc at u is read from it). */
  private rowU = 0;
  /** Some node is a reload node (multi-trip types): moves must check `stray`. */
  private readonly hasReloads: boolean;

  constructor(
    private readonly p: Problem,
    params: SearchParams,
    private readonly rng: Rng,
    /** Screen the moves of a pair in one function when only distance and load matter (off: each move's own method; for tests). */
    private readonly oneFunctionScreen = true,
  ) {
    this.table = new RouteTable(p);
    this.cu = new Composer(this.table);
    this.cv = new Composer(this.table);
    this.bufU = new Int32Array(this.table.maxLen);
    this.bufV = new Int32Array(this.table.maxLen);
    this.order = new Int32Array(p.nNodes - p.nDepots);
    for (let k = 0; k < this.order.length; k++) this.order[k] = p.nDepots + k;
    this.routeOrder = Int32Array.from({ length: this.table.slots }, (_, k) => k);
    this.neighbours = neighbourLists(p, params.granularity);
    this.lastModified = new Int32Array(this.table.slots);
    this.lastTested = new Int32Array(p.nNodes);
    this.lastTestedSwapStar = new Int32Array(this.table.slots);
    this.slotsByType = p.types.map((t) => Int32Array.from([...p.slotType.keys()].filter((r) => p.slotType[r] === t.index)));
    this.swapStar = new SwapStar(this.table, this.cu, this.cv, (rU, rV) => this.commit(rU, rV));
    this.dist = p.dist;
    this.demand = p.demand;
    this.N = p.nNodes;
    this.hasReloads = p.firstReload < p.nNodes;
    this.scalar = p.fast && !p.hasTime && p.symmetric;
    this.fixedCost = Float64Array.from(this.table.types, (t) => t.fixedCost);
    this.capacity = Float64Array.from(this.table.types, (t) => t.capacity);
    this.maxDistance = Float64Array.from(this.table.types, (t) => t.maxDistance);
    this.firstEmpty = new Int32Array(this.slotsByType.length);
    this.noFixedCosts = this.fixedCost.every((f) => f === 0);
  }

  /** Improves the given routes (one list of nodes per slot) to a local optimum under the given penalties. */
  run(routes: ArrayLike<number>[], penalties: Penalties): void {
    const t = this.table;
    t.penalties = penalties;
    for (let r = 0; r < t.slots; r++) t.set(r, routes[r], routes[r].length);
    this.rng.shuffle(this.order);
    this.rng.shuffle(this.routeOrder);
    for (const u of this.order) if (this.rng.int(this.neighbours[u].length || 1) === 0) this.rng.shuffle(this.neighbours[u]);
    this.nbMoves = 0;
    this.emptyAt = -1;
    this.lastModified.fill(0);
    this.lastTested.fill(-1);
    this.lastTestedSwapStar.fill(-1);
    this.searchCompleted = false;
    for (let loop = 0; !this.searchCompleted; loop++) {
      if (loop > 1) this.searchCompleted = true;
      if (this.scalar && this.oneFunctionScreen) for (let k = 0; k < this.order.length; k++) this.improveAroundScalar(this.order[k], loop);
      else for (let k = 0; k < this.order.length; k++) this.improveAround(this.order[k], loop);
      this.swapStarPass(loop);
    }
  }

  /** The routes, one list of non-depot nodes per slot. */
  routes(): number[][] {
    const out: number[][] = [];
    for (let r = 0; r < this.table.slots; r++) out.push(this.table.routeNodes(r));
    return out;
  }

  private improveAround(u: number, loop: number): void {
    const t = this.table;
    const lastTest = this.lastTested[u];
    this.lastTested[u] = this.nbMoves;
    const nb = this.neighbours[u];
    let movesAtSetU = -1;
    for (let k = 0; k < nb.length; k++) {
      const v = nb[k];
      if (loop > 0 && Math.max(this.lastModified[t.routeOf[u]], this.lastModified[t.routeOf[v]]) <= lastTest) continue;
      if (movesAtSetU !== this.nbMoves) {
        this.setU(u);
        movesAtSetU = this.nbMoves;
      }
      this.setV(t.routeOf[v], t.posOf[v]);
      if (this.relocate() || this.relocatePair() || this.relocatePairReversed()) continue;
      if (u < v && this.swap()) continue;
      if (this.swapPairWithOne()) continue;
      if (u < v && this.swapPairs()) continue;
      if (this.rU === this.rV) {
        if (this.twoOpt()) continue;
      } else if (this.twoOptStarReversed() || this.twoOptStar()) continue;
      if (this.pV === 1 && this.afterDepot(this.rV)) continue;
    }
    if (loop > 0) this.intoEmptyRoutes(u);
  }

  /**
   * improveAround when only distance and load matter (see `scalar`): the same moves in the same order with the
   * same arithmetic, but screened in one function on local variables (no per-move calls, no fields written per
   * pair); a move that passes its screen is then applied by its own method, which re-prices it identically.
   */
  private improveAroundScalar(u: number, loop: number): void {
    const t = this.table;
    const nodes = t.nodes;
    const routeOf = t.routeOf;
    const posOf = t.posOf;
    const len = t.len;
    const pre = t.pre;
    const arcs = t.arcs;
    const rDist = t.distance;
    const rLoad = t.load;
    const rPen = t.penalty;
    const noFixed = this.noFixedCosts;
    const lastModified = this.lastModified;
    const dist = this.dist;
    const dem = this.demand;
    const N = this.N;
    const maxLen = t.maxLen;
    const lastTest = this.lastTested[u];
    this.lastTested[u] = this.nbMoves;
    const nb = this.neighbours[u];
    const rowU = u * N;
    let movesAtSetU = -1;
    let rU = 0;
    let pU = 0;
    let lenU = 0;
    let pu = 0;
    let x = 0;
    let xx = 0;
    let xIsDepot = false;
    let dPuU = 0;
    let dUX = 0;
    let dXXx = 0;
    let dPuX = 0;
    let dPuXx = 0;
    let preU = 0;
    let preU1 = 0;
    let loadPreU = 0;
    const du = dem[u];
    for (let k = 0; k < nb.length; k++) {
      const v = nb[k];
      const rV = routeOf[v];
      if (loop > 0 && Math.max(lastModified[routeOf[u]], lastModified[rV]) <= lastTest) continue;
      if (movesAtSetU !== this.nbMoves) {
        movesAtSetU = this.nbMoves;
        rU = routeOf[u];
        pU = posOf[u];
        lenU = len[rU];
        const baseU = rU * maxLen;
        pu = nodes[baseU + pU - 1];
        x = nodes[baseU + pU + 1];
        xIsDepot = pU + 1 === lenU - 1;
        xx = xIsDepot ? x : nodes[baseU + pU + 2];
        dPuU = arcs[baseU + pU - 1];
        dUX = arcs[baseU + pU];
        dXXx = xIsDepot ? 0 : arcs[baseU + pU + 1];
        dPuX = dist[pu * N + x];
        dPuXx = dist[pu * N + xx];
        preU = pre[(baseU + pU) * F];
        preU1 = pre[(baseU + pU + 1) * F];
        loadPreU = pre[(baseU + pU) * F + 1];
      }
      const pV = posOf[v];
      const lenV = len[rV];
      const baseV = rV * maxLen;
      const pv = nodes[baseV + pV - 1];
      const y = nodes[baseV + pV + 1];
      const yIsDepot = pV + 1 === lenV - 1;
      const yy = yIsDepot ? y : nodes[baseV + pV + 2];
      // the arcs around v, from its route's arc list (one cache line, not three rows of the matrix)
      const dPvV = arcs[baseV + pV - 1];
      const dVY = arcs[baseV + pV];
      const dYYy = yIsDepot ? 0 : arcs[baseV + pV + 1];
      const intra = rU === rV;
      // the screens' first test, inline: a move whose distance change alone exceeds the penalties cannot pay
      // (with fixed costs the screen itself decides)
      const bound = noFixed ? (intra ? rPen[rU] : rPen[rU] + rPen[rV]) : Infinity;
      const dUV = dist[rowU + v];
      const dUY = dist[rowU + y];
      // relocate: u after v
      if (!(intra && (pV === pU || pV === pU - 1))) {
        const ddU = dPuX - dPuU - dUX;
        const ddV = dUV + dUY - dVY;
        if (ddU + ddV < bound && (intra ? this.screenIntraScalar(rU, ddU + ddV) : this.screenRoutes(rU, rV, ddU, ddV, -du, du, lenU - 3, lenV - 1))) {
          if (this.apply(RELOCATE, u, rV, pV)) continue;
        }
      }
      if (!xIsDepot && !(intra && pV >= pU - 1 && pV <= pU + 1)) {
        const ddU = dPuXx - dPuU - dUX - dXXx;
        const load = du + dem[x];
        // relocatePair: (u, x) after v
        let ddV = dUV + dUX + dist[x * N + y] - dVY;
        if (ddU + ddV < bound && (intra ? this.screenIntraScalar(rU, ddU + ddV) : this.screenRoutes(rU, rV, ddU, ddV, -load, load, lenU - 4, lenV))) {
          if (this.apply(RELOCATE_PAIR, u, rV, pV)) continue;
        }
        // relocatePairReversed: (x, u) after v
        ddV = dist[v * N + x] + dist[rowU + x] + dUY - dVY;
        if (ddU + ddV < bound && (intra ? this.screenIntraScalar(rU, ddU + ddV) : this.screenRoutes(rU, rV, ddU, ddV, -load, load, lenU - 4, lenV))) {
          if (this.apply(RELOCATE_PAIR_REVERSED, u, rV, pV)) continue;
        }
      }
      const dUPv = dist[rowU + pv];
      // swap: u and v
      if (u < v && !(intra && (pV === pU - 1 || pV === pU + 1 || pV === pU))) {
        const ddU = dist[pu * N + v] + dist[v * N + x] - dPuU - dUX;
        const ddV = dUPv + dUY - dPvV - dVY;
        const shift = dem[v] - du;
        if (ddU + ddV < bound && (intra ? this.screenIntraScalar(rU, ddU + ddV) : this.screenRoutes(rU, rV, ddU, ddV, shift, -shift, lenU - 2, lenV - 2))) {
          if (this.apply(SWAP, u, rV, pV)) continue;
        }
      }
      // swapPairWithOne: (u, x) and v
      if (!xIsDepot && v !== x && !(intra && (pV === pU - 1 || pV === pU + 2))) {
        const ddU = dist[pu * N + v] + dist[v * N + xx] - dPuU - dUX - dXXx;
        const ddV = dUPv + dUX + dist[x * N + y] - dPvV - dVY;
        const shift = dem[v] - du - dem[x];
        if (ddU + ddV < bound && (intra ? this.screenIntraScalar(rU, ddU + ddV) : this.screenRoutes(rU, rV, ddU, ddV, shift, -shift, lenU - 3, lenV - 1))) {
          if (this.apply(SWAP_PAIR_WITH_ONE, u, rV, pV)) continue;
        }
      }
      // swapPairs: (u, x) and (v, y)
      if (u < v && !xIsDepot && !yIsDepot && !(intra && pV >= pU - 2 && pV <= pU + 2)) {
        const ddU = dist[pu * N + v] + dVY + dist[y * N + xx] - dPuU - dUX - dXXx;
        const ddV = dUPv + dUX + dist[x * N + yy] - dPvV - dVY - dYYy;
        const shift = dem[v] + dem[y] - du - dem[x];
        if (ddU + ddV < bound && (intra ? this.screenIntraScalar(rU, ddU + ddV) : this.screenRoutes(rU, rV, ddU, ddV, shift, -shift, lenU - 2, lenV - 2))) {
          if (this.apply(SWAP_PAIRS, u, rV, pV)) continue;
        }
      }
      const dXY = dist[x * N + y];
      if (intra) {
        // twoOpt: reverse x .. v
        if (pV > pU + 1 && dUV + dXY - dUX - dVY < bound && this.screenIntraScalar(rU, dUV + dXY - dUX - dVY)) {
          if (this.apply(TWO_OPT, u, rV, pV)) continue;
        }
      } else {
        const preV = pre[(baseV + pV) * F];
        const preV1 = pre[(baseV + pV + 1) * F];
        const loadPreV = pre[(baseV + pV) * F + 1];
        const distU = rDist[rU];
        const distV = rDist[rV];
        const loadU = rLoad[rU];
        const loadV = rLoad[rV];
        // twoOptStarReversed: 0..u, v..0 and 0..x, y..0 (reversed pieces keep their length: symmetric)
        {
          const ddU = preU + dUV + preV - distU;
          const ddV = distU - preU1 + dXY + distV - preV1 - distV;
          const newU = loadPreU + loadPreV;
          const newV = loadU + loadV - newU;
          if (ddU + ddV < bound && this.screenRoutes(rU, rV, ddU, ddV, newU - loadU, newV - loadV, pU + pV, lenU - 2 - pU + lenV - 2 - pV)) {
            if (this.apply(TWO_OPT_STAR_REVERSED, u, rV, pV)) continue;
          }
        }
        // twoOptStar: tails after u and after v exchange
        {
          const ddU = preU + dUY + distV - preV1 - distU;
          const ddV = preV + dist[v * N + x] + distU - preU1 - distV;
          const newU = loadPreU + loadV - loadPreV;
          const newV = loadU + loadV - newU;
          if (ddU + ddV < bound && this.screenRoutes(rU, rV, ddU, ddV, newU - loadU, newV - loadV, pU + lenV - 2 - pV, pV + lenU - 2 - pU)) {
            if (this.apply(TWO_OPT_STAR, u, rV, pV)) continue;
          }
        }
      }
      if (pV === 1) {
        // rare: left to the move methods
        this.setU(u);
        if (this.afterDepot(rV)) continue;
      }
    }
    if (loop > 0) this.intoEmptyRoutes(u);
  }

  /** With u set (setU): u right after the depot of route rV, before v; true when a move was applied. */
  private afterDepot(rV: number): boolean {
    this.setV(rV, 0);
    if (this.relocate() || this.relocatePair() || this.relocatePairReversed()) return true;
    return this.rU !== this.rV && (this.twoOptStarReversed() || this.twoOptStar());
  }

  /** Applies a move that passed its scalar screen, through the move's own method (which re-prices it). */
  private apply(move: number, u: number, rV: number, pV: number): boolean {
    this.setU(u);
    this.setV(rV, pV);
    switch (move) {
      case RELOCATE:
        return this.relocate();
      case RELOCATE_PAIR:
        return this.relocatePair();
      case RELOCATE_PAIR_REVERSED:
        return this.relocatePairReversed();
      case SWAP:
        return this.swap();
      case SWAP_PAIR_WITH_ONE:
        return this.swapPairWithOne();
      case SWAP_PAIRS:
        return this.swapPairs();
      case TWO_OPT:
        return this.twoOpt();
      case TWO_OPT_STAR_REVERSED:
        return this.twoOptStarReversed();
      default:
        return this.twoOptStar();
    }
  }

  /** Moves of u into the first empty route of each vehicle type (from the second loop on). */
  private intoEmptyRoutes(u: number): void {
    const t = this.table;
    if (this.emptyAt !== this.nbMoves) {
      // the first empty slot of each type changes only with a move
      this.emptyAt = this.nbMoves;
      for (let k = 0; k < this.slotsByType.length; k++) {
        const slots = this.slotsByType[k];
        let empty = -1;
        for (let q = 0; q < slots.length && empty < 0; q++) if (t.customers(slots[q]) === 0) empty = slots[q];
        this.firstEmpty[k] = empty;
      }
    }
    for (let k = 0; k < this.slotsByType.length; k++) {
      const empty = this.firstEmpty[k];
      if (empty < 0) continue;
      this.setU(u);
      this.setV(empty, 0);
      if (this.relocate() || this.relocatePair() || this.relocatePairReversed() || this.twoOptStar()) break;
    }
  }

  private swapStarPass(loop: number): void {
    const t = this.table;
    const ro = this.routeOrder;
    for (let a = 0; a < ro.length; a++) {
      const rU = ro[a];
      const lastTest = this.lastTestedSwapStar[rU];
      this.lastTestedSwapStar[rU] = this.nbMoves;
      if (t.customers(rU) === 0) continue;
      for (let b = 0; b < ro.length; b++) {
        const rV = ro[b];
        if (rV <= rU || t.customers(rV) === 0) continue;
        if (loop > 0 && Math.max(this.lastModified[rU], this.lastModified[rV]) <= lastTest) continue;
        if (!t.sectorsOverlap(rU, rV)) continue;
        this.swapStar.run(rU, rV);
        if (t.customers(rU) === 0) break;
      }
    }
  }

  private setU(u: number): void {
    const t = this.table;
    const r = t.routeOf[u];
    const pos = t.posOf[u];
    this.u = u;
    this.rU = r;
    this.pU = pos;
    this.lenU = t.len[r];
    this.pu = t.node(r, pos - 1);
    this.x = t.node(r, pos + 1);
    this.xIsDepot = pos + 1 === this.lenU - 1;
    this.xx = this.xIsDepot ? this.x : t.node(r, pos + 2);
    this.rowU = u * this.N;
    this.dPuU = this.d(this.pu, u);
    this.dUX = this.d(u, this.x);
    this.dXXx = this.d(this.x, this.xx);
    this.dPuX = this.d(this.pu, this.x);
    this.dPuXx = this.d(this.pu, this.xx);
  }

  private setV(r: number, pos: number): void {
    const t = this.table;
    this.rV = r;
    this.pV = pos;
    this.lenV = t.len[r];
    this.v = t.node(r, pos);
    this.pv = pos > 0 ? t.node(r, pos - 1) : this.v;
    this.y = t.node(r, pos + 1);
    this.yIsDepot = pos + 1 === this.lenV - 1;
    this.yy = this.yIsDepot ? this.y : t.node(r, pos + 2);
    this.dPvV = this.d(this.pv, this.v);
    this.dVY = this.d(this.v, this.y);
    this.dYYy = this.d(this.y, this.yy);
  }

  private d(a: number, b: number): number {
    return this.dist[a * this.N + b];
  }

  /** Distance from u's current node to w. */
  private fromU(w: number): number {
    return this.dist[this.rowU + w];
  }

  /** Distance from w to u's current node (from u's row when distances are symmetric, which stays in cache). */
  private toU(w: number): number {
    return this.p.symmetric ? this.dist[this.rowU + w] : this.dist[w * this.N + this.u];
  }

  /** Node v is a reload node that route r cannot use: moving it there never pays. */
  private stray(v: number, r: number): boolean {
    if (!this.hasReloads) return false;
    return v >= this.p.firstReload && !(this.table.types[r].multiTrip && this.p.location[v] === this.table.types[r].depot);
  }

  /**
   * Change of fixed cost when route r ends up with `nodes` non-depot nodes; with reload nodes around, a lower
   * bound (the route might keep only reloads).
   */
  private fixedDelta(r: number, nodes: number): number {
    const t = this.table;
    const f = t.types[r].fixedCost;
    const now = t.customers(r) > 0 ? f : 0;
    if (t.reloads[r] > 0) return -now;
    return (nodes > 0 ? f : 0) - now;
  }

  /** Exact cost of route r with a new distance and load, when only those matter (see `scalar`). */
  private scalarCost(r: number, customers: number, distance: number, load: number): number {
    if (customers === 0) return 0;
    let c = distance + this.fixedCost[r];
    const capacity = this.capacity[r];
    const maxDistance = this.maxDistance[r];
    if (load > capacity) c += this.table.penalties.capacity * (load - capacity);
    if (distance > maxDistance) c += this.table.penalties.time * (distance - maxDistance);
    return c;
  }

  /**
   * Whether an inter-route move can pay: ruled out by distance alone when that already exceeds the routes'
   * penalties; decided exactly when only distance and load matter; otherwise left to tryInter.
   *
   * Outside fast problems the distance changes are exact for moves that carry nodes between plain routes, whatever
   * their depots: each route keeps its own ends, and no move makes a reload node stray. Moves that exchange tails
   * (`tails`) are priced from prefix sums that only fast problems keep, so they are never screened there.
   */
  private screenInter(ddU: number, ddV: number, loadU: number, loadV: number, customersU: number, customersV: number, tails = false): boolean {
    if (this.scalar) return this.screenScalar(ddU, ddV, loadU, loadV, customersU, customersV);
    const t = this.table;
    const { rU, rV } = this;
    if (!this.p.fast && (tails || !t.plain(rU) || !t.plain(rV))) return true;
    if (ddU + ddV + this.fixedDelta(rU, customersU) + this.fixedDelta(rV, customersV) >= t.penalty[rU] + t.penalty[rV]) return false;
    if (!this.scalar) return true;
    const after = this.scalarCost(rU, customersU, t.distance[rU] + ddU, t.load[rU] + loadU) + this.scalarCost(rV, customersV, t.distance[rV] + ddV, t.load[rV] + loadV);
    return after <= t.cost[rU] + t.cost[rV] - EPSILON;
  }

  /** screenInter when only distance and load matter: no reload nodes, every figure in a typed array. */
  private screenScalar(ddU: number, ddV: number, loadU: number, loadV: number, customersU: number, customersV: number): boolean {
    return this.screenRoutes(this.rU, this.rV, ddU, ddV, loadU, loadV, customersU, customersV);
  }

  /** screenScalar for routes rU and rV. */
  private screenRoutes(rU: number, rV: number, ddU: number, ddV: number, loadU: number, loadV: number, customersU: number, customersV: number): boolean {
    const t = this.table;
    const fU = this.fixedCost[rU];
    const fV = this.fixedCost[rV];
    const fixed = (customersU > 0 ? fU : 0) - (t.len[rU] > 2 ? fU : 0) + (customersV > 0 ? fV : 0) - (t.len[rV] > 2 ? fV : 0);
    if (ddU + ddV + fixed >= t.penalty[rU] + t.penalty[rV]) return false;
    const after = this.scalarCost(rU, customersU, t.distance[rU] + ddU, t.load[rU] + loadU) + this.scalarCost(rV, customersV, t.distance[rV] + ddV, t.load[rV] + loadV);
    return after <= t.cost[rU] + t.cost[rV] - EPSILON;
  }

  private screenIntra(dd: number): boolean {
    const t = this.table;
    const r = this.rU;
    if (this.scalar) return this.screenIntraScalar(r, dd);
    if (!this.p.fast && !t.plain(r)) return true;
    return dd < t.penalty[r];
  }

  /** screenIntra when only distance and load matter. */
  private screenIntraScalar(r: number, dd: number): boolean {
    const t = this.table;
    if (dd >= t.penalty[r]) return false;
    return this.scalarCost(r, t.len[r] - 2, t.distance[r] + dd, t.load[r]) <= t.cost[r] - EPSILON;
  }

  /** Applies the composed move if it pays; in scalar mode the screen has already decided exactly. */
  private tryInter(): boolean {
    if (!this.scalar) return this.tryInterExactly();
    this.commit(this.rU, this.rV);
    return true;
  }

  private tryIntra(): boolean {
    if (!this.scalar) return this.tryIntraExactly();
    this.commit(this.rU, -1);
    return true;
  }

  /** Applies the routes held by the composers: cu to rU and, unless rV < 0, cv to rV. */
  private commit(rU: number, rV: number): void {
    const nU = this.cu.materialise(this.bufU);
    const nV = rV >= 0 ? this.cv.materialise(this.bufV) : 0;
    this.table.set(rU, this.bufU, nU);
    if (rV >= 0) this.table.set(rV, this.bufV, nV);
    this.nbMoves++;
    this.lastModified[rU] = this.nbMoves;
    if (rV >= 0) this.lastModified[rV] = this.nbMoves;
    this.searchCompleted = false;
  }

  /** u moves after v. */
  private relocate(): boolean {
    const { u, rU, pU, rV, pV, v, y } = this;
    if ((rU === rV && (pV === pU || pV === pU - 1)) || this.stray(u, rV)) return false;
    const ddU = this.dPuX - this.dPuU - this.dUX;
    const ddV = this.toU(v) + this.fromU(y) - this.dVY;
    if (rU !== rV) {
      const du = this.demand[u];
      if (!this.screenInter(ddU, ddV, -du, du, this.lenU - 3, this.lenV - 1)) return false;
      this.cu.reset().prefix(rU, pU - 1).suffix(rU, pU + 1);
      this.cv.reset().prefix(rV, pV).node(u).suffix(rV, pV + 1);
      return this.tryInter();
    }
    if (!this.screenIntra(ddU + ddV)) return false;
    if (pV < pU) this.cu.reset().prefix(rU, pV).node(u).mid(rU, pV + 1, pU - 1).suffix(rU, pU + 1);
    else this.cu.reset().prefix(rU, pU - 1).mid(rU, pU + 1, pV).node(u).suffix(rU, pV + 1);
    return this.tryIntra();
  }

  /** (u, x) moves after v. */
  private relocatePair(): boolean {
    const { rU, pU, rV, pV, x, v, y } = this;
    if (this.xIsDepot || (rU === rV && pV >= pU - 1 && pV <= pU + 1)) return false;
    const ddU = this.dPuXx - this.dPuU - this.dUX - this.dXXx;
    const ddV = this.toU(v) + this.dUX + this.d(x, y) - this.dVY;
    return this.relocateBlock(ddU, ddV, false);
  }

  /** (x, u) moves after v. */
  private relocatePairReversed(): boolean {
    const { rU, pU, rV, pV, x, v, y } = this;
    if (this.xIsDepot || (rU === rV && pV >= pU - 1 && pV <= pU + 1)) return false;
    const ddU = this.dPuXx - this.dPuU - this.dUX - this.dXXx;
    const ddV = this.d(v, x) + this.toU(x) + this.fromU(y) - this.dVY;
    return this.relocateBlock(ddU, ddV, true);
  }

  private relocateBlock(ddU: number, ddV: number, reversed: boolean): boolean {
    const { rU, pU, rV, pV } = this;
    if (this.stray(this.u, rV) || this.stray(this.x, rV)) return false;
    if (rU !== rV) {
      const load = this.demand[this.u] + this.demand[this.x];
      if (!this.screenInter(ddU, ddV, -load, load, this.lenU - 4, this.lenV)) return false;
      this.cu.reset().prefix(rU, pU - 1).suffix(rU, pU + 2);
      this.block(this.cv.reset().prefix(rV, pV), reversed).suffix(rV, pV + 1);
      return this.tryInter();
    }
    if (!this.screenIntra(ddU + ddV)) return false;
    if (pV < pU) this.block(this.cu.reset().prefix(rU, pV), reversed).mid(rU, pV + 1, pU - 1).suffix(rU, pU + 2);
    else this.block(this.cu.reset().prefix(rU, pU - 1).mid(rU, pU + 2, pV), reversed).suffix(rU, pV + 1);
    return this.tryIntra();
  }

  /** Appends the pair (u, x), or (x, u) when reversed. */
  private block(c: Composer, reversed: boolean): Composer {
    return reversed ? c.midReversed(this.rU, this.pU, this.pU + 1) : c.mid(this.rU, this.pU, this.pU + 1);
  }

  /** u and v exchange places. */
  private swap(): boolean {
    const { u, rU, pU, rV, pV, pu, x, v, pv, y } = this;
    if (pV === 0 || (rU === rV && (pV === pU - 1 || pV === pU + 1 || pV === pU))) return false;
    if (this.stray(u, rV) || this.stray(v, rU)) return false;
    const ddU = this.d(pu, v) + this.d(v, x) - this.dPuU - this.dUX;
    const ddV = this.toU(pv) + this.fromU(y) - this.dPvV - this.dVY;
    if (rU !== rV) {
      const shift = this.demand[v] - this.demand[u];
      if (!this.screenInter(ddU, ddV, shift, -shift, this.lenU - 2, this.lenV - 2)) return false;
      this.cu.reset().prefix(rU, pU - 1).node(v).suffix(rU, pU + 1);
      this.cv.reset().prefix(rV, pV - 1).node(u).suffix(rV, pV + 1);
      return this.tryInter();
    }
    if (!this.screenIntra(ddU + ddV)) return false;
    const a = Math.min(pU, pV);
    const b = Math.max(pU, pV);
    const t = this.table;
    this.cu.reset().prefix(rU, a - 1).node(t.node(rU, b)).mid(rU, a + 1, b - 1).node(t.node(rU, a)).suffix(rU, b + 1);
    return this.tryIntra();
  }

  /** (u, x) and v exchange places. */
  private swapPairWithOne(): boolean {
    const { u, rU, pU, rV, pV, pu, x, xx, v, pv, y } = this;
    if (this.xIsDepot || pV === 0 || v === x || v === u) return false;
    if (this.stray(u, rV) || this.stray(x, rV) || this.stray(v, rU)) return false;
    if (rU === rV && (pV === pU - 1 || pV === pU + 2)) return false;
    const ddU = this.d(pu, v) + this.d(v, xx) - this.dPuU - this.dUX - this.dXXx;
    const ddV = this.toU(pv) + this.dUX + this.d(x, y) - this.dPvV - this.dVY;
    if (rU !== rV) {
      const shift = this.demand[v] - this.demand[u] - this.demand[x];
      if (!this.screenInter(ddU, ddV, shift, -shift, this.lenU - 3, this.lenV - 1)) return false;
      this.cu.reset().prefix(rU, pU - 1).node(v).suffix(rU, pU + 2);
      this.cv.reset().prefix(rV, pV - 1).mid(rU, pU, pU + 1).suffix(rV, pV + 1);
      return this.tryInter();
    }
    if (!this.screenIntra(ddU + ddV)) return false;
    if (pV < pU) this.cu.reset().prefix(rU, pV - 1).mid(rU, pU, pU + 1).mid(rU, pV + 1, pU - 1).node(v).suffix(rU, pU + 2);
    else this.cu.reset().prefix(rU, pU - 1).node(v).mid(rU, pU + 2, pV - 1).mid(rU, pU, pU + 1).suffix(rU, pV + 1);
    return this.tryIntra();
  }

  /** (u, x) and (v, y) exchange places. */
  private swapPairs(): boolean {
    const { u, rU, pU, rV, pV, pu, x, xx, v, pv, y, yy } = this;
    if (this.xIsDepot || this.yIsDepot || pV === 0) return false;
    if (this.stray(u, rV) || this.stray(x, rV) || this.stray(v, rU) || this.stray(y, rU)) return false;
    if (rU === rV && pV >= pU - 2 && pV <= pU + 2) return false;
    const ddU = this.d(pu, v) + this.dVY + this.d(y, xx) - this.dPuU - this.dUX - this.dXXx;
    const ddV = this.toU(pv) + this.dUX + this.d(x, yy) - this.dPvV - this.dVY - this.dYYy;
    if (rU !== rV) {
      const shift = this.demand[v] + this.demand[y] - this.demand[u] - this.demand[x];
      if (!this.screenInter(ddU, ddV, shift, -shift, this.lenU - 2, this.lenV - 2)) return false;
      this.cu.reset().prefix(rU, pU - 1).mid(rV, pV, pV + 1).suffix(rU, pU + 2);
      this.cv.reset().prefix(rV, pV - 1).mid(rU, pU, pU + 1).suffix(rV, pV + 2);
      return this.tryInter();
    }
    if (!this.screenIntra(ddU + ddV)) return false;
    const a = Math.min(pU, pV);
    const b = Math.max(pU, pV);
    this.cu.reset().prefix(rU, a - 1).mid(rU, b, b + 1).mid(rU, a + 2, b - 1).mid(rU, a, a + 1).suffix(rU, b + 2);
    return this.tryIntra();
  }

  /** Reverses x .. v inside one route. */
  private twoOpt(): boolean {
    const { rU, pU, pV, x, v, y } = this;
    if (pV <= pU + 1) return false;
    const dd = this.fromU(v) + this.d(x, y) - this.dUX - this.dVY;
    if (this.p.symmetric && !this.screenIntra(dd)) return false;
    this.cu.reset().prefix(rU, pU).midReversed(rU, pU + 1, pV).suffix(rU, pV + 1);
    return this.p.symmetric ? this.tryIntra() : this.tryIntraExactly();
  }

  /** Routes become 0..u, v..0 (reversed) and 0..x (reversed), y..0. */
  private twoOptStarReversed(): boolean {
    const { rU, pU, rV, pV, lenU, lenV, x, v, y } = this;
    const t = this.table;
    if (this.p.symmetric) {
      // with symmetric distances a reversed prefix or suffix keeps its length
      const preU = t.prefixDistance(rU, pU);
      const preV = t.prefixDistance(rV, pV);
      const ddU = preU + this.fromU(v) + preV - t.distance[rU];
      const ddV = t.distance[rU] - t.prefixDistance(rU, pU + 1) + this.d(x, y) + t.distance[rV] - t.prefixDistance(rV, pV + 1) - t.distance[rV];
      const loadU = t.prefixLoad(rU, pU) + t.prefixLoad(rV, pV);
      const loadV = t.load[rU] + t.load[rV] - loadU;
      if (!this.screenInter(ddU, ddV, loadU - t.load[rU], loadV - t.load[rV], pU + pV, lenU - 2 - pU + lenV - 2 - pV, true)) return false;
    }
    this.cu.reset().prefix(rU, pU).midReversed(rV, 1, pV).suffix(rU, lenU - 1);
    this.cv.reset().prefix(rV, 0).midReversed(rU, pU + 1, lenU - 2).suffix(rV, pV + 1);
    return this.p.symmetric ? this.tryInter() : this.tryInterExactly();
  }

  /** Tails after u and after v exchange. */
  private twoOptStar(): boolean {
    const { rU, pU, rV, pV, lenU, lenV, x, v, y } = this;
    const t = this.table;
    const ddU = t.prefixDistance(rU, pU) + this.fromU(y) + t.distance[rV] - t.prefixDistance(rV, pV + 1) - t.distance[rU];
    const ddV = t.prefixDistance(rV, pV) + this.d(v, x) + t.distance[rU] - t.prefixDistance(rU, pU + 1) - t.distance[rV];
    const loadU = t.prefixLoad(rU, pU) + t.load[rV] - t.prefixLoad(rV, pV);
    const loadV = t.load[rU] + t.load[rV] - loadU;
    if (!this.screenInter(ddU, ddV, loadU - t.load[rU], loadV - t.load[rV], pU + lenV - 2 - pV, pV + lenU - 2 - pU, true)) return false;
    this.cu.reset().prefix(rU, pU).suffix(rV, pV + 1);
    this.cv.reset().prefix(rV, pV).suffix(rU, pU + 1);
    return this.tryInter();
  }

  /** Prices the composed routes and applies them if they pay (also for moves whose distance change is not known exactly). */
  private tryInterExactly(): boolean {
    const t = this.table;
    const limit = t.cost[this.rU] + t.cost[this.rV] - EPSILON;
    if (pairCost(this.cu, t.types[this.rU], this.cv, t.types[this.rV], limit) > limit) return false;
    this.commit(this.rU, this.rV);
    return true;
  }

  private tryIntraExactly(): boolean {
    const t = this.table;
    const limit = t.cost[this.rU] - EPSILON;
    if (this.cu.cost(t.types[this.rU], limit) > limit) return false;
    this.commit(this.rU, -1);
    return true;
  }
}
