/**
 * @fileoverview Static arena planning: every buffer gets an offset in one arena, so that no two
 * buffers live at the same time overlap.
 *
 * A buffer lives over an inclusive range of steps [first, last] (steps are kernel calls in
 * execution order). Planners implement `Planner`; `overlaps()` is the one definition of a
 * conflict that planners and their property tests share (TFLM's DoAnyBuffersOverlap).
 *  - naive: every buffer its own region (no reuse), the ablation baseline;
 *  - greedy: buffers by decreasing size, each at the lowest offset that fits between the
 *    already-placed buffers whose lifetimes intersect (TFLM's GreedyMemoryPlanner idea);
 *  - search (the default, DEFAULT_PLAN): the best of several greedy placements (orders by size,
 *    lifetime, area, peak breadth; first fit and best fit; the "greedy by size" and "greedy by
 *    breadth" strategies of Pisarchyk & Lee 2020, "Efficient Memory Management for Deep Neural
 *    Net Inference", arXiv:2001.03288), then, if that is above lowerBound(), a branch-and-bound
 *    search over placement orders (each buffer first fit at its turn) with a work budget, so it
 *    stops early when it reaches the lower bound and stays fast. Never worse than greedy (greedy's
 *    own placement is one of its candidates).
 *
 * Alignment: every offset is a multiple of `align` (ALIGN = 16) and every planner's arenaBytes is
 * rounded up to `align`. lowerBound(buffers, align) therefore counts each buffer as
 * alignUp(bytes, align): live buffers at aligned, disjoint offsets each take that much, so it is
 * still a bound that no plan can beat, and the planners are compared with it on equal terms.
 *
 * Staircase buffers: a buffer may list `segments`, parts of it that are live over fewer steps
 * (tensors sharing memory in place, compiler/plan/inplace.ts: an 18 KB tensor that a widening
 * convolution turns into a 36 KB one in the same place occupies the 36 KB only from that step
 * on). Conflicts, overlaps() and lowerBound() look at segments; the planners place a staircase
 * with one base offset, first fit against the segments of the buffers placed before it.
 */
export interface Buffer {
  /** Caller's id (e.g. "t12" for tensor 12, "s3" for the scratch of step 3). */
  id: string;
  bytes: number;
  first: number;
  last: number;
  /** Bytes [lo, hi) of the buffer are live over steps [first, last]; absent = all of it always. */
  segments?: Segment[];
}

export interface Segment {
  first: number;
  last: number;
  lo: number;
  hi: number;
}

/** The buffer's segments (one covering all of it when it has none). */
export function segmentsOf(b: Buffer): Segment[] {
  return b.segments ?? [{ first: b.first, last: b.last, lo: 0, hi: b.bytes }];
}

function segmentsMeet(a: Segment, b: Segment): boolean {
  return a.first <= b.last && b.first <= a.last && a.hi > a.lo && b.hi > b.lo;
}

/** True when some part of `a` and some part of `b` are live at the same step. */
export function buffersConflict(a: Buffer, b: Buffer): boolean {
  if (!a.segments && !b.segments) return lifetimesIntersect(a, b) && a.bytes > 0 && b.bytes > 0;
  for (const sa of segmentsOf(a)) for (const sb of segmentsOf(b)) if (segmentsMeet(sa, sb)) return true;
  return false;
}

/**
 * Bytes a buffer surely occupies at step s: aligned size for a plain buffer (see the header); for
 * a staircase the union of its live segments, unaligned (another buffer may fill a gap between
 * or beside segments, so neither the span nor alignment padding is certain).
 */
function footprintAt(b: Buffer, s: number, align: number): number {
  if (!b.segments) return b.first <= s && s <= b.last ? alignUp(b.bytes, align) : 0;
  const live = b.segments.filter((g) => g.first <= s && s <= g.last && g.hi > g.lo).sort((x, y) => x.lo - y.lo);
  let total = 0;
  let end = -Infinity;
  for (const g of live) {
    total += Math.max(0, g.hi - Math.max(g.lo, end));
    end = Math.max(end, g.hi);
  }
  return total;
}

/**
 * Lowest `align`-aligned offset x >= 0 for `b` at which none of its segments overlaps a segment
 * of a placed buffer live at the same step. Segment pairs forbid the open interval
 * (oj + sj.lo - si.hi, oj + sj.hi - si.lo) of x.
 */
function staircaseFit(b: Buffer, placed: { b: Buffer; offset: number }[], align: number): number {
  const forbidden: [number, number][] = [];
  for (const p of placed) {
    for (const sj of segmentsOf(p.b)) {
      for (const si of segmentsOf(b)) {
        if (segmentsMeet(si, sj)) forbidden.push([p.offset + sj.lo - si.hi, p.offset + sj.hi - si.lo]);
      }
    }
  }
  let x = 0;
  for (let moved = true; moved;) {
    moved = false;
    for (const [a, c] of forbidden) {
      if (a < x && x < c) {
        x = alignUp(c, align);
        moved = true;
      }
    }
  }
  return x;
}

export interface Placement {
  offsets: Map<string, number>;
  arenaBytes: number;
}

export type Planner = (buffers: Buffer[], align: number) => Placement;

export const ALIGN = 16;

function alignUp(n: number, a: number): number {
  return Math.ceil(n / a) * a;
}

export function lifetimesIntersect(a: Buffer, b: Buffer): boolean {
  return a.first <= b.last && b.first <= a.last;
}

/** True when two buffers that are live at the same time share a byte. */
export function overlaps(buffers: Buffer[], p: Placement): boolean {
  for (let i = 0; i < buffers.length; i++) {
    for (let j = i + 1; j < buffers.length; j++) {
      const a = buffers[i];
      const b = buffers[j];
      if (a.bytes === 0 || b.bytes === 0 || !buffersConflict(a, b)) continue;
      const oa = p.offsets.get(a.id)!;
      const ob = p.offsets.get(b.id)!;
      for (const sa of segmentsOf(a)) {
        for (const sb of segmentsOf(b)) {
          if (segmentsMeet(sa, sb) && oa + sa.lo < ob + sb.hi && ob + sb.lo < oa + sa.hi) return true;
        }
      }
    }
  }
  return false;
}

/**
 * The most bytes live at any one step, each buffer rounded up to `align` (see the header): no
 * plan of these buffers with `align`-aligned offsets can be smaller. `align` 1 gives raw bytes.
 */
export function lowerBound(buffers: Buffer[], align: number = ALIGN): number {
  const steps = new Set(buffers.flatMap((b) => segmentsOf(b).map((g) => g.first)));
  let best = 0;
  for (const s of steps) {
    let sum = 0;
    for (const b of buffers) sum += footprintAt(b, s, align);
    best = Math.max(best, sum);
  }
  return best;
}

// ---------------------------------------------------------------------------------------------
// search: heuristic candidates, then branch and bound over placement orders.

/**
 * Work the branch and bound may spend, in placed buffers visited by first-fit evaluations (each
 * node evaluates every unplaced buffer); then it keeps its best so far (tens of milliseconds).
 */
export const SEARCH_WORK_BUDGET = 2_000_000;

/** Buffers with bytes > 0 by index, their aligned sizes and conflict lists (lifetimes intersect). */
interface Problem {
  bufs: Buffer[];
  size: number[];
  conflicts: number[][];
  align: number;
  /** Some buffer has segments: fits go through staircaseFit. */
  stairs: boolean;
}

function problemOf(buffers: Buffer[], align: number): Problem {
  const bufs = buffers.filter((b) => b.bytes > 0);
  const size = bufs.map((b) => alignUp(b.bytes, align));
  const conflicts = bufs.map((a, i) => bufs.flatMap((b, j) => (i !== j && buffersConflict(a, b) ? [j] : [])));
  return { bufs, size, conflicts, align, stairs: bufs.some((b) => b.segments !== undefined) };
}

/**
 * Offset for buffer i given the offsets (-1 = unplaced) of the others: first fit = the lowest
 * aligned offset clear of every placed conflicting buffer; best fit = the smallest gap that
 * holds it, else the top.
 */
function fitOffset(pr: Problem, i: number, offset: Int32Array | number[], best: boolean): number {
  if (pr.stairs) {
    const placed = pr.conflicts[i].filter((j) => offset[j] >= 0).map((j) => ({ b: pr.bufs[j], offset: offset[j] }));
    return staircaseFit(pr.bufs[i], placed, pr.align);
  }
  const obstacles: [number, number][] = [];
  for (const j of pr.conflicts[i]) if (offset[j] >= 0) obstacles.push([offset[j], offset[j] + pr.size[j]]);
  obstacles.sort((x, y) => x[0] - y[0]);
  const need = pr.size[i];
  let cur = 0;
  let bestAt = -1;
  let bestGap = Infinity;
  for (const [o, e] of obstacles) {
    if (o - cur >= need) {
      if (!best) return cur;
      if (o - cur < bestGap) { bestGap = o - cur; bestAt = cur; }
    }
    cur = Math.max(cur, e);
  }
  return bestAt >= 0 ? bestAt : cur;
}

/** Places buffers in `order`, each by fitOffset; returns offsets and the arena top. */
function placeInOrder(pr: Problem, order: number[], best: boolean): { offset: Int32Array; top: number } {
  const offset = new Int32Array(pr.bufs.length).fill(-1);
  let top = 0;
  for (const i of order) {
    offset[i] = fitOffset(pr, i, offset, best);
    top = Math.max(top, offset[i] + pr.size[i]);
  }
  return { offset, top };
}

/** Candidate orders: each is a sort of the buffer indices by one heuristic key. */
function heuristicOrders(pr: Problem): number[][] {
  const n = pr.bufs.length;
  const idx = [...Array(n).keys()];
  const len = (i: number) => pr.bufs[i].last - pr.bufs[i].first + 1;
  // breadth of a step: aligned bytes live at it; a buffer's breadth: the largest over its steps.
  const steps = [...new Set(pr.bufs.map((b) => b.first))].sort((a, b) => a - b);
  const breadth = new Map<number, number>();
  for (const s of steps) {
    let sum = 0;
    for (let i = 0; i < n; i++) if (pr.bufs[i].first <= s && s <= pr.bufs[i].last) sum += pr.size[i];
    breadth.set(s, sum);
  }
  const bufBreadth = idx.map((i) => Math.max(...steps.filter((s) => pr.bufs[i].first <= s && s <= pr.bufs[i].last).map((s) => breadth.get(s)!)));
  const by = (...keys: ((i: number) => number)[]) =>
    [...idx].sort((a, b) => {
      for (const k of keys) if (k(a) !== k(b)) return k(a) - k(b);
      return a - b;
    });
  // Greedy by breadth (Pisarchyk & Lee): widest step first, its unplaced buffers by size.
  const byBreadth: number[] = [];
  const seen = new Set<number>();
  for (const s of [...steps].sort((a, b) => breadth.get(b)! - breadth.get(a)! || a - b)) {
    const live = idx.filter((i) => pr.bufs[i].first <= s && s <= pr.bufs[i].last && !seen.has(i));
    live.sort((a, b) => pr.size[b] - pr.size[a] || a - b);
    for (const i of live) { seen.add(i); byBreadth.push(i); }
  }
  return [
    by((i) => -pr.size[i], (i) => pr.bufs[i].first),
    by((i) => -pr.size[i] * len(i)),
    by((i) => -len(i), (i) => -pr.size[i]),
    by((i) => -bufBreadth[i], (i) => -pr.size[i]),
    by((i) => pr.bufs[i].first, (i) => -pr.size[i]),
    byBreadth,
  ];
}

/**
 * Branch and bound over placement orders. Each node places one more buffer first fit. A node's
 * bound is the largest (first-fit offset + size) over the unplaced buffers: placing more buffers
 * only adds obstacles, so no completion can put any of them lower. Buffers that do not conflict
 * commute, so after buffer a only conflicting buffers or ones later in `rank` may follow (one
 * order per equivalence class). Stops at `lb`, or when the work budget runs out.
 */
function branchAndBound(pr: Problem, lb: number, rank: number[], incumbent: { offset: Int32Array; top: number }, budget: number): { offset: Int32Array; top: number } {
  const n = pr.bufs.length;
  const offset = new Int32Array(n).fill(-1);
  const conflict = new Uint8Array(n * n);
  pr.conflicts.forEach((cs, i) => cs.forEach((j) => (conflict[i * n + j] = 1)));
  const byRank = [...Array(n).keys()].sort((a, b) => rank[a] - rank[b]);
  /** Placed buffers by increasing offset: first fit is one walk over it. */
  const placedSorted: number[] = [];
  let best = incumbent;
  let work = 0;
  const firstFit = (i: number): number => {
    work += placedSorted.length + 1;
    if (pr.stairs) return fitOffset(pr, i, offset, false);
    const need = pr.size[i];
    let cur = 0;
    for (const j of placedSorted) {
      if (!conflict[i * n + j]) continue;
      if (offset[j] - cur >= need) return cur;
      cur = Math.max(cur, offset[j] + pr.size[j]);
    }
    return cur;
  };
  const dfs = (placed: number, top: number, last: number): void => {
    if (best.top <= lb || work >= budget) return;
    if (placed === n) {
      if (top < best.top) best = { offset: offset.slice(), top };
      return;
    }
    // Bound, and the children with their first-fit offsets.
    const children: { i: number; at: number; end: number }[] = [];
    let bound = top;
    for (const i of byRank) {
      if (offset[i] >= 0) continue;
      const at = firstFit(i);
      const end = at + pr.size[i];
      bound = Math.max(bound, end);
      if (last < 0 || rank[i] > rank[last] || conflict[last * n + i]) children.push({ i, at, end });
    }
    if (Math.max(bound, lb) >= best.top) return;
    children.sort((a, b) => a.end - b.end || rank[a.i] - rank[b.i]);
    for (const c of children) {
      if (work >= budget) return;
      offset[c.i] = c.at;
      let k = placedSorted.length;
      while (k > 0 && offset[placedSorted[k - 1]] > c.at) k--;
      placedSorted.splice(k, 0, c.i);
      dfs(placed + 1, Math.max(top, c.end), c.i);
      placedSorted.splice(k, 1);
      offset[c.i] = -1;
      if (best.top <= lb) return;
    }
  };
  dfs(0, 0, -1);
  return best;
}

export const searchPlanner: Planner = (buffers, align) => {
  const greedy = greedyPlanner(buffers, align);
  const lb = lowerBound(buffers, align);
  if (greedy.arenaBytes <= lb) return greedy;
  const pr = problemOf(buffers, align);
  let best: { offset: Int32Array; top: number; order: number[] } | undefined;
  for (const order of heuristicOrders(pr)) {
    for (const fit of [false, true]) {
      const r = placeInOrder(pr, order, fit);
      if (!best || r.top < best.top) best = { ...r, order };
    }
  }
  let found: { offset: Int32Array; top: number } = best!;
  if (alignUp(found.top, align) > lb) {
    const rank = new Array<number>(pr.bufs.length);
    best!.order.forEach((i, k) => (rank[i] = k));
    found = branchAndBound(pr, lb, rank, found, SEARCH_WORK_BUDGET);
  }
  const arenaBytes = alignUp(found.top, align);
  if (arenaBytes >= greedy.arenaBytes) return greedy;
  const offsets = new Map<string, number>();
  for (const b of buffers) offsets.set(b.id, 0);
  pr.bufs.forEach((b, i) => offsets.set(b.id, found.offset[i]));
  return { offsets, arenaBytes };
};

export const naivePlanner: Planner = (buffers, align) => {
  const offsets = new Map<string, number>();
  let end = 0;
  for (const b of buffers) {
    offsets.set(b.id, end);
    end = alignUp(end + b.bytes, align);
  }
  return { offsets, arenaBytes: end };
};

export const greedyPlanner: Planner = (buffers, align) => {
  const order = [...buffers].sort((a, b) => b.bytes - a.bytes || a.first - b.first || a.id.localeCompare(b.id));
  const placed: { b: Buffer; offset: number }[] = [];
  const offsets = new Map<string, number>();
  let arena = 0;
  const stairs = buffers.some((b) => b.segments !== undefined);
  for (const b of order) {
    const conflicts = placed
      .filter((p) => buffersConflict(p.b, b))
      .sort((x, y) => x.offset - y.offset);
    let offset = 0;
    if (stairs) {
      offset = staircaseFit(b, conflicts, align);
    } else {
      for (const c of conflicts) {
        if (offset + b.bytes <= c.offset) break;
        offset = Math.max(offset, alignUp(c.offset + c.b.bytes, align));
      }
    }
    placed.push({ b, offset });
    offsets.set(b.id, offset);
    arena = Math.max(arena, offset + b.bytes);
  }
  return { offsets, arenaBytes: alignUp(arena, align) };
};

export const PLANNERS: Record<string, Planner> = { naive: naivePlanner, greedy: greedyPlanner, search: searchPlanner };

/** The planner codegen and the CLI use when none is named. */
export const DEFAULT_PLAN = "search";
