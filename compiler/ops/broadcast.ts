/**
 * @fileoverview Compile-time broadcasting plan for binary elementwise ops (ADD, SUB, MUL,
 * MAXIMUM, MINIMUM): NumPy/TFLite broadcasting of two input shapes to the output shape, reduced
 * to at most four loops with per-input strides (0 along a broadcast dimension).
 *
 * TFLite Micro's reference kernels (reference_ops::BroadcastBinaryOpSimple, after
 * ProcessBroadcastShapes) compute out[i] = f(in1[bcast(i)], in2[bcast(i)]) over the output in
 * row-major order; any element-by-element evaluation order gives the same bytes, so the plan
 * only has to address the same elements. Shapes are right-aligned, a dimension of 1 broadcasts.
 * Output dimensions of 1 are dropped and adjacent dimensions with the same pattern (which input
 * is broadcast along them) merge, so [1,H,W,C] + [C] becomes two loops (H*W, C) and equal shapes
 * become one flat loop (`broadcast` 0: the kernels' fast path). Used by compiler/ops/add_sub.ts,
 * mul.ts and maximum_minimum.ts; the kernels read the result as record fields.
 */
import type { Graph, Op, Tensor } from "../ir/graph.ts";
import { opError, product } from "./operands.ts";

/** Record fields every broadcasting elementwise kernel shares. */
export interface BroadcastFields {
  /** 0: both inputs have the output's element count and layout (one flat loop over `size`). */
  broadcast: number;
  /** Output elements. */
  size: number;
  /** Loop extents, outermost first (unused leading loops have extent 1). */
  d0: number;
  d1: number;
  d2: number;
  d3: number;
  /** Element strides of input 1 per loop (0 where input 1 is broadcast). */
  a0: number;
  a1: number;
  a2: number;
  a3: number;
  /** Element strides of input 2 per loop (0 where input 2 is broadcast). */
  b0: number;
  b1: number;
  b2: number;
  b3: number;
}

/** Broadcast loops the kernels have. */
export const MAX_BROADCAST_LOOPS = 4;

/**
 * Rejects a broadcast (input shapes that differ) above rank `maxRank`: TFLite Micro's 4-D slow
 * broadcast paths (comparisons, SQUARED_DIFFERENCE) extend every shape to rank 4 and CHECK-fail
 * above it, whatever the shapes reduce to.
 */
export function requireBroadcastRank(graph: Graph, op: Op, in1: Tensor, in2: Tensor, out: Tensor, maxRank = 4): void {
  const broadcasts = in1.shape.length !== in2.shape.length || in1.shape.some((d, i) => d !== in2.shape[i]);
  const rank = Math.max(in1.shape.length, in2.shape.length, out.shape.length);
  if (broadcasts && rank > maxRank) {
    opError(graph, op, `broadcasting inputs of rank ${rank}: TFLite Micro's broadcast ${op.opcode} handles rank ${maxRank} at most`);
  }
}

const extend = (shape: readonly number[], rank: number): number[] => [
  ...new Array<number>(rank - shape.length).fill(1),
  ...shape,
];

/**
 * Plans `in1 (op) in2 -> out`. Errors (3001) when the shapes do not broadcast to the output
 * shape, or when the broadcast does not reduce to four loops.
 */
export function planBroadcast(graph: Graph, op: Op, in1: Tensor, in2: Tensor, out: Tensor): BroadcastFields {
  const rank = Math.max(in1.shape.length, in2.shape.length, out.shape.length);
  const s1 = extend(in1.shape, rank);
  const s2 = extend(in2.shape, rank);
  const so = extend(out.shape, rank);
  const describe = (): string =>
    `inputs [${in1.shape.join(", ")}] and [${in2.shape.join(", ")}] do not broadcast to output [${out.shape.join(", ")}]`;
  for (let i = 0; i < rank; i++) {
    const d1 = s1[i];
    const d2 = s2[i];
    const o = so[i];
    if ((d1 !== o && d1 !== 1) || (d2 !== o && d2 !== 1) || o !== (d1 === 1 ? d2 : d1)) opError(graph, op, describe());
  }
  const size = product(so);

  // Loops over the output's dimensions that are not 1, merging neighbours with the same pattern.
  const loops: { extent: number; full1: boolean; full2: boolean }[] = [];
  for (let i = 0; i < rank; i++) {
    const o = so[i];
    if (o === 1) continue;
    const full1 = s1[i] === o;
    const full2 = s2[i] === o;
    const last = loops[loops.length - 1];
    if (last !== undefined && last.full1 === full1 && last.full2 === full2) last.extent *= o;
    else loops.push({ extent: o, full1, full2 });
  }
  if (loops.length === 0 || (loops.length === 1 && loops[0].full1 && loops[0].full2)) {
    return { broadcast: 0, size, d0: 1, d1: 1, d2: 1, d3: size, a0: 0, a1: 0, a2: 0, a3: 1, b0: 0, b1: 0, b2: 0, b3: 1 };
  }
  if (loops.length > MAX_BROADCAST_LOOPS) {
    opError(
      graph, op,
      `${describe().replace("do not broadcast", "broadcast")} in a pattern that needs ${loops.length} loops; Mote supports broadcasts that reduce to ${MAX_BROADCAST_LOOPS} (any shapes of rank <= 4)`,
    );
  }
  // Strides, innermost loop first: an input advances only along the loops it does not broadcast.
  const strides1: number[] = [];
  const strides2: number[] = [];
  let step1 = 1;
  let step2 = 1;
  for (let k = loops.length - 1; k >= 0; k--) {
    const l = loops[k];
    strides1.unshift(l.full1 ? step1 : 0);
    strides2.unshift(l.full2 ? step2 : 0);
    if (l.full1) step1 *= l.extent;
    if (l.full2) step2 *= l.extent;
  }
  while (loops.length < MAX_BROADCAST_LOOPS) {
    loops.unshift({ extent: 1, full1: false, full2: false });
    strides1.unshift(0);
    strides2.unshift(0);
  }
  return {
    broadcast: 1, size,
    d0: loops[0].extent, d1: loops[1].extent, d2: loops[2].extent, d3: loops[3].extent,
    a0: strides1[0], a1: strides1[1], a2: strides1[2], a3: strides1[3],
    b0: strides2[0], b1: strides2[1], b2: strides2[2], b3: strides2[3],
  };
}
