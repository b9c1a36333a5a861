/**
 * @fileoverview Lowers STRIDED_SLICE (int8) to one call of kernels/strided_slice.ts, doing
 * TFLite Micro's StridedSlicePrepare and the index arithmetic of reference_ops::StridedSlice at
 * compile time (kernels/internal/strided_slice_logic.h): begin, end and strides are constant
 * int32 vectors of the input's rank (1 to 4); per axis, a negative index counts from the end,
 * the start is clamped to [0, size] (stride > 0) or [-1, size - 1] (stride < 0), begin_mask
 * takes the first (last for stride < 0) element, end_mask runs to the end, and a
 * shrink_axis_mask axis takes exactly the element at start and is dropped from the output
 * shape. The output shape is checked as TFLM's CheckOutputSize does. TFLM micro ignores
 * ellipsis_mask, new_axis_mask and offset; Mote rejects them rather than silently ignore them.
 */
import type { Graph, Op } from "../ir/graph.ts";
import type { StridedSliceParams } from "../../kernels/strided_slice.ts";
import { boolOption, constInt32s, inputTensor, intOption, opError, outputTensor, requireDType } from "./operands.ts";
import type { KernelCall, LowerOp } from "./types.ts";
import { INPUT_OUTPUT_SLOTS, kernelCall, type KernelContract } from "./contract.ts";

const MAX_RANK = 4;

function clamp(v: number, lo: number, hi: number): number {
  return v > hi ? hi : v < lo ? lo : v;
}

/** One axis resolved: first index and number of steps (TFLM's start/stop and loop condition). */
export function resolveAxis(
  size: number, begin: number, end: number, stride: number, beginMask: boolean, endMask: boolean, shrink: boolean,
): { start: number; steps: number } {
  // StridedSliceStartForAxis.
  let start = begin < 0 ? begin + size : begin;
  start = stride > 0 ? clamp(start, 0, size) : clamp(start, -1, size - 1);
  if (beginMask) start = stride > 0 ? 0 : size - 1;
  // StridedSliceEndForAxis.
  let stop: number;
  if (shrink) {
    stop = start >= size ? start : start + 1;
  } else {
    stop = end < 0 ? end + size : end;
    stop = stride > 0 ? clamp(stop, 0, size) : clamp(stop, -1, size - 1);
    if (endMask) stop = stride > 0 ? size : -1;
  }
  // Iterations of `for (i = start; stride > 0 ? i < stop : i > stop; i += stride)`.
  const steps = stride > 0 ? Math.ceil((stop - start) / stride) : Math.ceil((start - stop) / -stride);
  return { start, steps: Math.max(0, steps) };
}

function lowerStridedSlice(graph: Graph, op: Op): KernelCall[] {
  if (op.inputs.length !== 4) opError(graph, op, `expects 4 inputs (input, begin, end, strides), got ${op.inputs.length}`);
  const input = inputTensor(graph, op, 0, "input");
  const output = outputTensor(graph, op, 0, "output");
  requireDType(graph, op, input, "input", "int8");
  requireDType(graph, op, output, "output", "int8");
  const rank = input.shape.length;
  if (rank < 1 || rank > MAX_RANK) opError(graph, op, `input has rank ${rank}; TFLite Micro slices tensors of rank 1 to ${MAX_RANK}`);
  const begin = constInt32s(graph, op, inputTensor(graph, op, 1, "begin"), "begin", rank);
  const end = constInt32s(graph, op, inputTensor(graph, op, 2, "end"), "end", rank);
  const strides = constInt32s(graph, op, inputTensor(graph, op, 3, "strides"), "strides", rank);

  const beginMask = intOption(graph, op, "beginMask", 0);
  const endMask = intOption(graph, op, "endMask", 0);
  const shrinkMask = intOption(graph, op, "shrinkAxisMask", 0);
  if (intOption(graph, op, "ellipsisMask", 0) !== 0) opError(graph, op, "ellipsis_mask is not supported (supported: begin_mask, end_mask, shrink_axis_mask)");
  if (intOption(graph, op, "newAxisMask", 0) !== 0) opError(graph, op, "new_axis_mask is not supported (supported: begin_mask, end_mask, shrink_axis_mask)");
  if (boolOption(op, "offset")) opError(graph, op, "offset = true is not supported (TFLite Micro ignores it; give absolute end indices)");

  // Row-major element strides of the input.
  const inStride = input.shape.map((_, k) => input.shape.slice(k + 1).reduce((a, b) => a * b, 1));
  const steps: number[] = [];
  const step: number[] = [];
  const outShape: number[] = [];
  let base = 0;
  for (let k = 0; k < rank; k++) {
    const size = input.shape[k];
    const stride = strides[k];
    if (stride === 0) opError(graph, op, `stride of axis ${k} is 0; strides must be non-zero`);
    const shrink = (shrinkMask & (1 << k)) !== 0;
    const r = resolveAxis(size, begin[k], end[k], stride, (beginMask & (1 << k)) !== 0, (endMask & (1 << k)) !== 0, shrink);
    if (shrink) {
      if (stride < 0) opError(graph, op, `shrink_axis_mask on axis ${k} with negative stride ${stride} is not supported (TFLite Micro copies nothing)`);
      if (r.start < 0 || r.start >= size) opError(graph, op, `shrink_axis_mask on axis ${k}: index ${begin[k]} is outside a dimension of size ${size}`);
    } else {
      outShape.push(r.steps);
    }
    steps.push(r.steps);
    step.push(stride * inStride[k]);
    base += r.start * inStride[k];
  }
  if (outShape.length !== output.shape.length || outShape.some((d, k) => d !== output.shape[k])) {
    opError(graph, op, `output has shape [${output.shape.join(", ")}]; the slice of [${input.shape.join(", ")}] has shape [${outShape.join(", ")}]`);
  }
  if (steps.some((n) => n === 0)) opError(graph, op, `the slice is empty (shape [${outShape.join(", ")}]); empty outputs are not supported`);

  const ext = MAX_RANK - rank;
  const n = [...Array<number>(ext).fill(1), ...steps];
  const s = [...Array<number>(ext).fill(0), ...step];
  const params: StridedSliceParams = {
    n0: n[0], n1: n[1], n2: n[2], n3: n[3],
    step0: s[0], step1: s[1], step2: s[2], step3: s[3],
    base,
  };
  return [kernelCall("strided_slice", "stridedSlice", INPUT_OUTPUT_SLOTS, params, {
    input: { kind: "tensor", tensor: input.index },
    output: { kind: "tensor", tensor: output.index },
  }, 0)];
}

export const CONTRACTS: KernelContract[] = [{ kernel: "strided_slice", fn: "stridedSlice", slots: INPUT_OUTPUT_SLOTS }];

export const OPCODES: Record<string, LowerOp> = { STRIDED_SLICE: lowerStridedSlice };

export const NOTES: Record<string, string> = {
  STRIDED_SLICE: "int8, rank 1 to 4, constant int32 begin/end/strides (negative indices and strides), begin_mask, end_mask and shrink_axis_mask; ellipsis_mask, new_axis_mask and offset are rejected.",
};
