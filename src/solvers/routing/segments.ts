import type { Matrix, Problem, TypeData } from './model.ts';
import type { Penalties } from './penalties.ts';
import { emptyStats, penalisedCost, RouteEvaluator, type RouteStats } from './routeEval.ts';

/**
 * Route segments summarised so that two of them concatenate in O(1) (time-warp algebra, Vidal et al. 2013).
 * A summary has 8 fields stored side by side in a Float64Array.
 */
const DIST = 0;
const LOAD = 1;
const DUR = 2;
const TW = 3;
const EARLY = 4;
const LATE = 5;
const FIRST = 6;
const LAST = 7;
export const F = 8;

function concat(dst: Float64Array, d: number, A: Float64Array, a: number, B: Float64Array, b: number, dist: Matrix, time: Float64Array, N: number, withTime: boolean): void {
  const arc = A[a + LAST] * N + B[b + FIRST];
  const distance = A[a + DIST] + B[b + DIST] + dist[arc];
  const load = A[a + LOAD] + B[b + LOAD];
  if (withTime) {
    const t = time[arc];
    const delta = A[a + DUR] - A[a + TW] + t;
    const wait = Math.max(B[b + EARLY] - delta - A[a + LATE], 0);
    const warp = Math.max(A[a + EARLY] + delta - B[b + LATE], 0);
    const dur = A[a + DUR] + B[b + DUR] + t + wait;
    const tw = A[a + TW] + B[b + TW] + warp;
    const early = Math.max(B[b + EARLY] - delta, A[a + EARLY]) - wait;
    const late = Math.min(B[b + LATE] - delta, A[a + LATE]) + warp;
    dst[d + DUR] = dur;
    dst[d + TW] = tw;
    dst[d + EARLY] = early;
    dst[d + LATE] = late;
  }
  dst[d + FIRST] = A[a + FIRST];
  dst[d + LAST] = B[b + LAST];
  dst[d + DIST] = distance;
  dst[d + LOAD] = load;
}

/** The 360° around the depot as 0..65535, for SWAP*'s test of whether two routes overlap. */
function sectorPoint(angle: number): number {
  return Math.round(((angle + Math.PI) / (2 * Math.PI)) * 65535) & 0xffff;
}

function posMod(i: number): number {
  return ((i % 65536) + 65536) % 65536;
}

/**
 * The routes being improved by local search: node sequences (position 0 and len-1 are the depot), the
 * prefix and suffix summaries of every position, and each route's cost under the current penalties.
 */
export class RouteTable {
  readonly slots: number;
  readonly maxLen: number;
  readonly nodes: Int32Array;
  readonly len: Int32Array;
  readonly pre: Float64Array;
  readonly suf: Float64Array;
  readonly nodeSeg: Float64Array;
  readonly routeOf: Int32Array;
  readonly posOf: Int32Array;
  readonly cost: Float64Array;
  /** Reload nodes in each route, and those of them the route cannot use. */
  readonly reloads: Int32Array;
  readonly strays: Int32Array;
  /** Length of the arc out of each position (positions 0..len-2 of every route), beside each other per route. */
  readonly arcs: Float64Array;
  /** Distance and load of each route (fast problems only). */
  readonly distance: Float64Array;
  readonly load: Float64Array;
  /** cost minus distance and fixed cost: what a move may at best save besides distance. */
  readonly penalty: Float64Array;
  readonly sectorStart: Int32Array;
  readonly sectorEnd: Int32Array;
  /** A stamp that changes whenever a route changes, unique over the table's life (for caches). */
  readonly version: Float64Array;
  private stamp = 0;
  readonly types: TypeData[];
  readonly evaluator: RouteEvaluator;
  readonly stats: RouteStats = emptyStats();
  penalties: Penalties = { capacity: 1, time: 1, energy: 1 };

  constructor(readonly p: Problem) {
    this.slots = p.slotType.length;
    this.maxLen = p.nNodes - p.nDepots + 2;
    this.nodes = new Int32Array(this.slots * this.maxLen);
    this.len = new Int32Array(this.slots);
    this.arcs = new Float64Array(this.slots * this.maxLen);
    this.pre = new Float64Array(this.slots * this.maxLen * F);
    this.suf = new Float64Array(this.slots * this.maxLen * F);
    this.nodeSeg = new Float64Array(p.nNodes * F);
    for (let v = 0; v < p.nNodes; v++) {
      const o = v * F;
      this.nodeSeg[o + DIST] = 0;
      this.nodeSeg[o + LOAD] = v < p.nDepots ? 0 : p.demand[v];
      this.nodeSeg[o + DUR] = v < p.nDepots ? 0 : p.service[v];
      this.nodeSeg[o + TW] = 0;
      this.nodeSeg[o + EARLY] = p.early[v];
      this.nodeSeg[o + LATE] = p.late[v];
      this.nodeSeg[o + FIRST] = v;
      this.nodeSeg[o + LAST] = v;
    }
    this.routeOf = new Int32Array(p.nNodes).fill(-1);
    this.posOf = new Int32Array(p.nNodes);
    this.cost = new Float64Array(this.slots);
    this.penalty = new Float64Array(this.slots);
    this.distance = new Float64Array(this.slots);
    this.reloads = new Int32Array(this.slots);
    this.strays = new Int32Array(this.slots);
    this.load = new Float64Array(this.slots);
    this.sectorStart = new Int32Array(this.slots);
    this.sectorEnd = new Int32Array(this.slots);
    this.version = new Float64Array(this.slots);
    this.types = Array.from(p.slotType, (t) => p.types[t]);
    this.evaluator = new RouteEvaluator(p);
  }

  /**
   * Route r holds no reload node it cannot use, so its distance is the sum of its arcs (a reload sits at the
   * depot: inactive ones add nothing) and distance deltas of moves on it are exact.
   */
  plain(r: number): boolean {
    return this.strays[r] === 0;
  }

  /** Customers in route r (reload nodes excluded). */
  customers(r: number): number {
    return this.len[r] - 2 - this.reloads[r];
  }

  node(r: number, pos: number): number {
    return this.nodes[r * this.maxLen + pos];
  }

  /** Replaces route r by the given nodes (depots excluded) and recomputes its summaries. */
  set(r: number, buf: ArrayLike<number>, count: number): void {
    const base = r * this.maxLen;
    const depot = this.types[r].depot;
    this.nodes[base] = depot;
    const type = this.types[r];
    let reloads = 0;
    let strays = 0;
    for (let k = 0; k < count; k++) {
      const v = buf[k];
      if (v >= this.p.firstReload) {
        reloads++;
        if (!type.multiTrip || this.p.location[v] !== depot) strays++;
      }
      this.nodes[base + k + 1] = v;
      this.routeOf[v] = r;
      this.posOf[v] = k + 1;
    }
    this.nodes[base + count + 1] = depot;
    this.len[r] = count + 2;
    this.reloads[r] = reloads;
    this.strays[r] = strays;
    this.version[r] = ++this.stamp;
    this.update(r);
  }

  /** Recomputes summaries, cost and sector of route r. */
  update(r: number): void {
    const p = this.p;
    const len = this.len[r];
    const base = r * this.maxLen;
    const type = this.types[r];
    const nodes = this.nodes;
    const N = p.nNodes;
    for (let k = 0; k < len - 1; k++) this.arcs[base + k] = p.dist[nodes[base + k] * N + nodes[base + k + 1]];
    if (p.fast) {
      const time = p.times[0];
      const withTime = p.hasTime;
      const pre = this.pre;
      const suf = this.suf;
      const ns = this.nodeSeg;
      const first = base * F;
      const lastOff = first + (len - 1) * F;
      if (withTime) {
        pre.set(ns.subarray(this.nodes[base] * F, this.nodes[base] * F + F), first);
        for (let k = 1; k < len; k++) concat(pre, first + k * F, pre, first + (k - 1) * F, ns, this.nodes[base + k] * F, p.dist, time, N, withTime);
        suf.set(ns.subarray(this.nodes[base + len - 1] * F, this.nodes[base + len - 1] * F + F), lastOff);
        for (let k = len - 2; k >= 0; k--) concat(suf, first + k * F, ns, this.nodes[base + k] * F, suf, first + (k + 1) * F, p.dist, time, N, withTime);
      } else {
        this.sumsWithoutTime(base, len);
      }
      const c = costOfSummary(pre, lastOff, len - 2, type, this.penalties, withTime);
      this.distance[r] = pre[lastOff + DIST];
      this.load[r] = pre[lastOff + LOAD];
      this.cost[r] = c;
      this.penalty[r] = len > 2 ? c - pre[lastOff + DIST] - type.fixedCost : 0;
    } else {
      this.evaluator.evaluate(type, this.nodes, base + 1, len - 2, this.stats);
      const c = penalisedCost(type, this.stats, this.penalties);
      this.cost[r] = c;
      this.penalty[r] = this.stats.customers > 0 ? c - this.stats.distance - type.fixedCost : 0;
    }
    this.updateSector(r);
  }

  /** Prefix and suffix distance and load of a route, in one walk each way (no time fields to carry). */
  private sumsWithoutTime(base: number, len: number): void {
    const nodes = this.nodes;
    const pre = this.pre;
    const suf = this.suf;
    const arcs = this.arcs;
    const demand = this.nodeSeg;
    const depot = nodes[base];
    const end = nodes[base + len - 1];
    let distance = 0;
    let load = 0;
    for (let k = 0; k < len; k++) {
      const v = nodes[base + k];
      const o = (base + k) * F;
      if (k > 0) distance += arcs[base + k - 1];
      load += demand[v * F + LOAD];
      pre[o + DIST] = distance;
      pre[o + LOAD] = load;
      pre[o + FIRST] = depot;
      pre[o + LAST] = v;
    }
    distance = 0;
    load = 0;
    for (let k = len - 1; k >= 0; k--) {
      const v = nodes[base + k];
      const o = (base + k) * F;
      if (k < len - 1) distance += arcs[base + k];
      load += demand[v * F + LOAD];
      suf[o + DIST] = distance;
      suf[o + LOAD] = load;
      suf[o + FIRST] = v;
      suf[o + LAST] = end;
    }
  }

  private updateSector(r: number): void {
    const base = r * this.maxLen;
    const len = this.len[r];
    let start = -1;
    let end = -1;
    for (let k = 1; k < len - 1; k++) {
      const v = this.nodes[base + k];
      if (v >= this.p.firstReload) continue;
      const pt = sectorPoint(this.p.angle[v]);
      if (start < 0) {
        start = pt;
        end = pt;
      } else if (posMod(pt - start) > posMod(end - start)) {
        if (posMod(pt - end) <= posMod(start - pt)) end = pt;
        else start = pt;
      }
    }
    this.sectorStart[r] = start;
    this.sectorEnd[r] = end;
  }

  sectorsOverlap(r1: number, r2: number): boolean {
    if (!this.p.hasCoordinates) return true;
    const s1 = this.sectorStart[r1];
    const e1 = this.sectorEnd[r1];
    const s2 = this.sectorStart[r2];
    const e2 = this.sectorEnd[r2];
    if (s1 < 0 || s2 < 0) return false;
    return posMod(s2 - s1) <= posMod(e1 - s1) || posMod(s1 - s2) <= posMod(e2 - s2);
  }

  /** Distance from the depot to position pos of route r (fast problems only). */
  prefixDistance(r: number, pos: number): number {
    return this.pre[(r * this.maxLen + pos) * F + DIST];
  }

  /** Load of positions 1..pos of route r (fast problems only). */
  prefixLoad(r: number, pos: number): number {
    return this.pre[(r * this.maxLen + pos) * F + LOAD];
  }

  /** Non-depot nodes of route r, in order. */
  routeNodes(r: number): number[] {
    const base = r * this.maxLen;
    return Array.from(this.nodes.subarray(base + 1, base + this.len[r] - 1));
  }
}

function costOfSummary(seg: Float64Array, o: number, customers: number, type: TypeData, pen: Penalties, withTime: boolean): number {
  if (customers === 0) return 0;
  const distance = seg[o + DIST];
  let c = distance + type.fixedCost;
  const load = seg[o + LOAD];
  if (load > type.capacity) c += pen.capacity * (load - type.capacity);
  let timeExcess = distance > type.maxDistance ? distance - type.maxDistance : 0;
  if (withTime) {
    timeExcess += seg[o + TW];
    if (seg[o + DUR] > type.maxDuration) timeExcess += seg[o + DUR] - type.maxDuration;
  }
  return c + pen.time * timeExcess;
}

const PREFIX = 0;
const SUFFIX = 1;
const NODE = 2;
const MID = 3;
const MID_REVERSED = 4;

/**
 * Builds a candidate route from pieces of existing routes and prices it: by O(1) concatenation of summaries
 * when the problem allows it, otherwise by walking the materialised sequence. Pieces must start with a
 * prefix (it brings the start depot) and end with a suffix (the end depot).
 */
export class Composer {
  private readonly pieces = new Int32Array(4 * 8);
  private nPieces = 0;
  private readonly acc = new Float64Array(F);
  private readonly tmp = new Float64Array(F);
  private empty = true;
  private customers = 0;
  private readonly seq: Int32Array;
  readonly dist: Matrix;
  readonly time: Float64Array;
  readonly N: number;
  readonly fast: boolean;
  readonly withTime: boolean;
  readonly symmetric: boolean;
  private readonly pre: Float64Array;
  private readonly suf: Float64Array;
  private readonly nodeSeg: Float64Array;
  private readonly nodes: Int32Array;
  private readonly len: Int32Array;
  private readonly maxLen: number;

  constructor(private readonly t: RouteTable) {
    this.pre = t.pre;
    this.suf = t.suf;
    this.nodeSeg = t.nodeSeg;
    this.nodes = t.nodes;
    this.len = t.len;
    this.maxLen = t.maxLen;
    this.seq = new Int32Array(t.maxLen);
    this.dist = t.p.dist;
    this.time = t.p.times[0];
    this.N = t.p.nNodes;
    this.fast = t.p.fast;
    this.withTime = t.p.hasTime;
    this.symmetric = t.p.symmetric;
  }

  reset(): this {
    this.nPieces = 0;
    this.empty = true;
    this.customers = 0;
    return this;
  }

  private record(kind: number, r: number, i: number, j: number): void {
    const o = this.nPieces * 4;
    this.pieces[o] = kind;
    this.pieces[o + 1] = r;
    this.pieces[o + 2] = i;
    this.pieces[o + 3] = j;
    this.nPieces++;
  }

  private push(arr: Float64Array, off: number): void {
    if (this.empty) {
      for (let k = 0; k < F; k++) this.acc[k] = arr[off + k];
      this.empty = false;
    } else {
      concat(this.acc, 0, this.acc, 0, arr, off, this.dist, this.time, this.N, this.withTime);
    }
  }

  /** Positions 0..pos of route r (start depot included). */
  prefix(r: number, pos: number): this {
    this.record(PREFIX, r, pos, 0);
    this.customers += pos;
    if (this.fast) this.push(this.pre, (r * this.maxLen + pos) * F);
    return this;
  }

  /** Positions pos..len-1 of route r (end depot included). */
  suffix(r: number, pos: number): this {
    this.record(SUFFIX, r, pos, 0);
    this.customers += this.len[r] - 1 - pos;
    if (this.fast) this.push(this.suf, (r * this.maxLen + pos) * F);
    return this;
  }

  node(v: number): this {
    this.record(NODE, v, 0, 0);
    this.customers++;
    if (this.fast) this.push(this.nodeSeg, v * F);
    return this;
  }

  /** Positions i..j of route r, both inside the route; nothing when i > j. */
  mid(r: number, i: number, j: number): this {
    if (i > j) return this;
    this.record(MID, r, i, j);
    this.customers += j - i + 1;
    if (!this.fast) return this;
    const base = r * this.maxLen;
    if (i === j) this.push(this.nodeSeg, this.nodes[base + i] * F);
    else if (!this.withTime) this.pushSpan(base, i, j, false);
    else for (let k = i; k <= j; k++) this.push(this.nodeSeg, this.nodes[base + k] * F);
    return this;
  }

  /** Positions j down to i of route r. */
  midReversed(r: number, i: number, j: number): this {
    if (i > j) return this;
    this.record(MID_REVERSED, r, i, j);
    this.customers += j - i + 1;
    if (!this.fast) return this;
    const base = r * this.maxLen;
    if (!this.withTime && this.symmetric && i < j) this.pushSpan(base, i, j, true);
    else for (let k = j; k >= i; k--) this.push(this.nodeSeg, this.nodes[base + k] * F);
    return this;
  }

  /** Without time, a span's distance and load are differences of prefix sums (reversed: same, when symmetric). */
  private pushSpan(base: number, i: number, j: number, reversed: boolean): void {
    const tmp = this.tmp;
    const pj = (base + j) * F;
    const pi = (base + i) * F;
    tmp[DIST] = this.pre[pj + DIST] - this.pre[pi + DIST];
    tmp[LOAD] = this.pre[pj + LOAD] - this.pre[pi + LOAD] + this.nodeSeg[this.nodes[base + i] * F + LOAD];
    tmp[FIRST] = this.nodes[base + (reversed ? j : i)];
    tmp[LAST] = this.nodes[base + (reversed ? i : j)];
    this.push(tmp, 0);
  }

  /**
   * Penalised cost of the composed route driven by a vehicle of the given type. With a `limit`, a route walked
   * (not summarised) stops as soon as its cost is sure to exceed it, and the answer is then Infinity: either way
   * `cost(type, limit) > limit` exactly when the route costs more than `limit`.
   */
  cost(type: TypeData, limit = Infinity): number {
    if (this.fast) return costOfSummary(this.acc, 0, this.customers, type, this.t.penalties, this.withTime);
    const n = this.materialise(this.seq);
    const stats = this.t.stats;
    if (!this.t.evaluator.evaluate(type, this.seq, 0, n, stats, this.t.penalties, limit)) return Infinity;
    return penalisedCost(type, stats, this.t.penalties);
  }

  /** Writes the composed route's non-depot nodes into out; returns how many. */
  materialise(out: Int32Array): number {
    const t = this.t;
    let n = 0;
    for (let q = 0; q < this.nPieces; q++) {
      const o = q * 4;
      const kind = this.pieces[o];
      const r = this.pieces[o + 1];
      const i = this.pieces[o + 2];
      const j = this.pieces[o + 3];
      const base = r * t.maxLen;
      if (kind === NODE) out[n++] = r;
      else if (kind === PREFIX) for (let k = 1; k <= i; k++) out[n++] = t.nodes[base + k];
      else if (kind === SUFFIX) for (let k = i; k < t.len[r] - 1; k++) out[n++] = t.nodes[base + k];
      else if (kind === MID) for (let k = i; k <= j; k++) out[n++] = t.nodes[base + k];
      else for (let k = j; k >= i; k--) out[n++] = t.nodes[base + k];
    }
    return n;
  }
}

/**
 * Penalised cost of two composed routes, decided against `limit` as their sum would be: the second route is priced
 * only when the first leaves room (a move between two routes pays when this is at most the routes' cost now).
 */
export function pairCost(cu: Composer, typeU: TypeData, cv: Composer, typeV: TypeData, limit: number): number {
  const costU = cu.cost(typeU, limit);
  return costU > limit ? costU : costU + cv.cost(typeV, limit - costU);
}
