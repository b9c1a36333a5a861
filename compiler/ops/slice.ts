/**
 * @fileoverview Lowers SLICE (int8) to one call of kernels/strided_slice.ts with unit strides,
 * doing TFLite Micro's slice.cc at compile time: begin and size are constant int32 vectors of the
 * input's rank, size -1 runs to the end of the axis; every slice must lie inside the input (TFLM
 * checks it with DCHECKs only; Mote rejects it). TFLM slices up to rank 5; Mote up to rank 4 (the
 * strided-slice kernel's loops). A byte copy: the output keeps the input's bytes.
 */
import type { Graph, Op } from "../ir/graph.ts";
import type { StridedSliceParams } from "../../kernels/strided_slice.ts";
import { constInt32s, inputTensor, opError, outputTensor, requireDType } from "./operands.ts";
import { INPUT_OUTPUT_SLOTS, kernelCall } from "./contract.ts";
import { requireShape, rowStrides } from "./movement.ts";
import type { KernelCall, LowerOp } from "./types.ts";

const MAX_RANK = 4;

function lowerSlice(graph: Graph, op: Op): KernelCall[] {
  if (op.inputs.length !== 3) opError(graph, op, `expects 3 inputs (input, begin, size), got ${op.inputs.length}`);
  const input = inputTensor(graph, op, 0, "input");
  const output = outputTensor(graph, op, 0, "output");
  requireDType(graph, op, input, "input", "int8");
  requireDType(graph, op, output, "output", "int8");
  const rank = input.shape.length;
  if (rank < 1 || rank > MAX_RANK) opError(graph, op, `input has rank ${rank}; Mote slices tensors of rank 1 to ${MAX_RANK}`);
  const begin = constInt32s(graph, op, inputTensor(graph, op, 1, "begin"), "begin", rank);
  const size = constInt32s(graph, op, inputTensor(graph, op, 2, "size"), "size", rank);
  const sizes = size.map((s, k) => (s === -1 ? input.shape[k] - begin[k] : s));
  for (let k = 0; k < rank; k++) {
    if (begin[k] < 0 || sizes[k] < 1 || begin[k] + sizes[k] > input.shape[k]) {
      opError(graph, op, `axis ${k}: begin ${begin[k]} and size ${size[k]} do not select a non-empty range of a dimension of size ${input.shape[k]}`);
    }
  }
  requireShape(graph, op, output, "output", sizes, `slicing [${input.shape.join(", ")}] at [${begin.join(", ")}]`);
  const strides = rowStrides(input.shape);
  const ext = MAX_RANK - rank;
  const n = [...Array<number>(ext).fill(1), ...sizes];
  const s = [...Array<number>(ext).fill(0), ...strides];
  const params: StridedSliceParams = {
    n0: n[0], n1: n[1], n2: n[2], n3: n[3],
    step0: s[0], step1: s[1], step2: s[2], step3: s[3],
    base: begin.reduce((a, b, k) => a + b * strides[k], 0),
  };
  return [kernelCall("strided_slice", "stridedSlice", INPUT_OUTPUT_SLOTS, params, {
    input: { kind: "tensor", tensor: input.index },
    output: { kind: "tensor", tensor: output.index },
  }, 0)];
}

export const OPCODES: Record<string, LowerOp> = { SLICE: lowerSlice };

export const NOTES: Record<string, string> = {
  SLICE: "int8, rank 1 to 4, constant int32 begin/size (size -1: to the end); the slice must lie inside the input. Rank 5 (which TFLite Micro allows) is rejected.",
};
