/**
 * @fileoverview Lowers SPLIT_V (int8) to one call of kernels/split.ts per output, following
 * TFLite Micro's split_v.cc: inputs are the data, size_splits (a constant int32 vector with one
 * size per output; one entry may be -1, the remainder) and the axis (a constant int32 scalar,
 * negative counts from the end). The sizes must add up to the axis dimension. A byte copy.
 */
import type { Graph, Op } from "../ir/graph.ts";
import type { SplitParams } from "../../kernels/split.ts";
import { constInt32s, inputTensor, intOption, opError, outputTensor, product, requireDType } from "./operands.ts";
import { INPUT_OUTPUT_SLOTS, kernelCall } from "./contract.ts";
import { constAxis, requireShape } from "./movement.ts";
import type { KernelCall, LowerOp } from "./types.ts";

function lowerSplitV(graph: Graph, op: Op): KernelCall[] {
  if (op.inputs.length !== 3) opError(graph, op, `expects 3 inputs (input, size_splits, axis), got ${op.inputs.length}`);
  const input = inputTensor(graph, op, 0, "input");
  requireDType(graph, op, input, "input", "int8");
  const rank = input.shape.length;
  if (rank < 1) opError(graph, op, "input is a scalar; there is no axis to split");
  const axis = constAxis(graph, op, inputTensor(graph, op, 2, "axis"), rank);
  const count = op.outputs.length;
  const numSplits = intOption(graph, op, "numSplits", count);
  if (numSplits !== count) opError(graph, op, `num_splits is ${numSplits} but the op has ${count} outputs`);
  const sizes = constInt32s(graph, op, inputTensor(graph, op, 1, "size_splits"), "size_splits", count);
  const dim = input.shape[axis];
  const unknown = sizes.filter((s) => s === -1).length;
  const known = sizes.filter((s) => s !== -1).reduce((a, b) => a + b, 0);
  if (unknown > 1 || sizes.some((s) => s < -1 || s === 0)) opError(graph, op, `size_splits [${sizes.join(", ")}] must hold positive sizes and at most one -1`);
  const parts = sizes.map((s) => (s === -1 ? dim - known : s));
  if (parts.some((s) => s < 1) || parts.reduce((a, b) => a + b, 0) !== dim) {
    opError(graph, op, `size_splits [${sizes.join(", ")}] do not add up to dimension ${axis} (${dim}) of input [${input.shape.join(", ")}]`);
  }
  const outer = product(input.shape.slice(0, axis));
  const inner = product(input.shape.slice(axis + 1));
  let at = 0;
  return parts.map((part, j): KernelCall => {
    const t = outputTensor(graph, op, j, `output ${j}`);
    requireDType(graph, op, t, `output ${j}`, "int8");
    requireShape(graph, op, t, `output ${j}`, input.shape.map((d, k) => (k === axis ? part : d)), `size ${part} along axis ${axis}`);
    const params: SplitParams = { outer, copy: part * inner, inStride: dim * inner, inOffset: at * inner };
    at += part;
    return kernelCall("split", "split", INPUT_OUTPUT_SLOTS, params, {
      input: { kind: "tensor", tensor: input.index },
      output: { kind: "tensor", tensor: t.index },
    }, 0);
  });
}

export const OPCODES: Record<string, LowerOp> = { SPLIT_V: lowerSplitV };

export const NOTES: Record<string, string> = {
  SPLIT_V: "int8, any rank, constant int32 size_splits (one -1 allowed: the remainder) and axis; one copy per output.",
};
