/**
 * @fileoverview Static arena planning: every buffer gets an offset in one arena, so that no two
 * buffers live at the same time overlap.
 *
 * A buffer lives over an inclusive range of steps [first, last] (steps are kernel calls in
 * execution order). Planners implement `Planner`; `overlaps()` is the one definition of a
 * conflict that planners and their property tests share (TFLM's DoAnyBuffersOverlap).
 *  - naive: every buffer its own region (no reuse), the ablation baseline;
 *  - greedy: buffers by decreasing size, each at the lowest offset that fits between the
 *    already-placed buffers whose lifetimes intersect (TFLM's GreedyMemoryPlanner idea).
 */
export interface Buffer {
  /** Caller's id (e.g. "t12" for tensor 12, "s3" for the scratch of step 3). */
  id: string;
  bytes: number;
  first: number;
  last: number;
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
      if (a.bytes === 0 || b.bytes === 0 || !lifetimesIntersect(a, b)) continue;
      const oa = p.offsets.get(a.id)!;
      const ob = p.offsets.get(b.id)!;
      if (oa < ob + b.bytes && ob < oa + a.bytes) return true;
    }
  }
  return false;
}

/** The most bytes live at any one step: no plan of these buffers can be smaller. */
export function lowerBound(buffers: Buffer[]): number {
  const steps = new Set(buffers.flatMap((b) => [b.first, b.last]));
  let best = 0;
  for (const s of steps) {
    let sum = 0;
    for (const b of buffers) if (b.first <= s && s <= b.last) sum += b.bytes;
    best = Math.max(best, sum);
  }
  return best;
}

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
  for (const b of order) {
    const conflicts = placed
      .filter((p) => lifetimesIntersect(p.b, b) && p.b.bytes > 0)
      .sort((x, y) => x.offset - y.offset);
    let offset = 0;
    for (const c of conflicts) {
      if (offset + b.bytes <= c.offset) break;
      offset = Math.max(offset, alignUp(c.offset + c.b.bytes, align));
    }
    placed.push({ b, offset });
    offsets.set(b.id, offset);
    arena = Math.max(arena, offset + b.bytes);
  }
  return { offsets, arenaBytes: alignUp(arena, align) };
};

export const PLANNERS: Record<string, Planner> = { naive: naivePlanner, greedy: greedyPlanner };
