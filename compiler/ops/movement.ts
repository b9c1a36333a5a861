/**
 * @fileoverview Shared checks and arithmetic of the data-movement lowerings (EXPAND_DIMS, SLICE,
 * PACK, UNPACK, SPLIT_V, SPACE_TO_DEPTH, DEPTH_TO_SPACE, BROADCAST_TO, GATHER, GATHER_ND,
 * SPACE_TO_BATCH_ND, BATCH_TO_SPACE_ND, MIRROR_PAD): an output shape check with one message
 * form, row-major strides, an axis resolved from a constant scalar, and the call of the
 * gather-by-index-table kernel (kernels/gather.ts) the irregular moves share. These ops move
 * bytes: like TFLite Micro's kernels, they do not compare quantization.
 */
import type { Graph, Op, Tensor } from "../ir/graph.ts";
import type { GatherParams } from "../../kernels/gather.ts";
import type { TransposeParams } from "../../kernels/transpose.ts";
import { constInt32s, opError } from "./operands.ts";
import { INPUT_OUTPUT_SLOTS, kernelCall, type KernelContract } from "./contract.ts";
import type { KernelCall } from "./types.ts";

/** kernels/gather.ts's array parameters, in order. */
export const GATHER_SLOTS = ["input", "index", "output"] as const;

export const GATHER_CONTRACT: KernelContract = { kernel: "gather", fn: "gather", slots: GATHER_SLOTS };

/** Row-major element strides of `shape`. */
export function rowStrides(shape: readonly number[]): number[] {
  const out = new Array<number>(shape.length).fill(1);
  for (let k = shape.length - 2; k >= 0; k--) out[k] = out[k + 1] * shape[k + 1];
  return out;
}

/** An error unless `t` has exactly the shape `want` (`how` says where `want` comes from). */
export function requireShape(graph: Graph, op: Op, t: Tensor, role: string, want: readonly number[], how: string): void {
  if (t.shape.length !== want.length || t.shape.some((d, k) => d !== want[k])) {
    opError(graph, op, `${role} has shape [${t.shape.join(", ")}]; ${how} gives [${want.join(", ")}]`);
  }
}

/** A constant int32 scalar (or one-element vector) axis, negative counting from the end of `rank`. */
export function constAxis(graph: Graph, op: Op, t: Tensor, rank: number): number {
  const [v] = constInt32s(graph, op, t, "axis", 1);
  const axis = v < 0 ? v + rank : v;
  if (axis < 0 || axis >= rank) opError(graph, op, `axis ${v} is out of range for rank ${rank}`);
  return axis;
}

/**
 * One call of kernels/gather.ts: for each of `outer` slabs of `inStride` input bytes, the output
 * takes `index.length` runs of `inner` bytes, run k from slab offset index[k] (or `fill` bytes when
 * index[k] is -1).
 */
export function gatherCall(
  op: Op, input: Tensor, output: Tensor, index: number[], outer: number, inner: number, inStride: number, fill = 0,
): KernelCall {
  const params: GatherParams = { outer, count: index.length, inner, inStride, fill };
  return kernelCall("gather", "gather", GATHER_SLOTS, params, {
    input: { kind: "tensor", tensor: input.index },
    index: { kind: "const", name: `op${op.index}_index`, elem: "i32", data: index },
    output: { kind: "tensor", tensor: output.index },
  }, 0);
}

/**
 * One call of kernels/transpose.ts as a strided copy: the output, in row-major order, walks up to
 * five loops of extents `dims`, loop K advancing the input by `strides[K]` elements (0 repeats
 * the input: a broadcast). Fewer loops are padded at the front.
 */
export function stridedCopyCall(graph: Graph, op: Op, input: Tensor, output: Tensor, dims: number[], strides: number[]): KernelCall {
  if (dims.length > 5) opError(graph, op, `the copy needs ${dims.length} loops; Mote's strided copy has 5`);
  const ext = 5 - dims.length;
  const n = [...Array<number>(ext).fill(1), ...dims];
  const s = [...Array<number>(ext).fill(0), ...strides];
  const params: TransposeParams = {
    n0: n[0], n1: n[1], n2: n[2], n3: n[3], n4: n[4],
    s0: s[0], s1: s[1], s2: s[2], s3: s[3], s4: s[4],
  };
  return kernelCall("transpose", "transpose", INPUT_OUTPUT_SLOTS, params, {
    input: { kind: "tensor", tensor: input.index },
    output: { kind: "tensor", tensor: output.index },
  }, 0);
}

export const CONTRACTS: KernelContract[] = [GATHER_CONTRACT];
