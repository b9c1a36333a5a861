/**
 * @fileoverview Lowers SPLIT (int8) to one call of kernels/split.ts per output, following
 * TFLite Micro's split.cc: input 0 is the axis (a constant int32 scalar, negative counts from
 * the end), input 1 the data; the axis dimension is divided evenly among the outputs, which
 * keep every other dimension. TFLM does not compare quantization (it copies bytes), nor does
 * Mote.
 */
import type { Graph, Op } from "../ir/graph.ts";
import type { SplitParams } from "../../kernels/split.ts";
import { constInt32s, inputTensor, intOption, opError, outputTensor, product, requireDType } from "./operands.ts";
import type { KernelCall, LowerOp } from "./types.ts";
import { INPUT_OUTPUT_SLOTS, kernelCall, type KernelContract } from "./contract.ts";

function lowerSplit(graph: Graph, op: Op): KernelCall[] {
  if (op.inputs.length !== 2) opError(graph, op, `expects 2 inputs (axis, input), got ${op.inputs.length}`);
  const axisValues = constInt32s(graph, op, inputTensor(graph, op, 0, "axis"), "axis", 1);
  const input = inputTensor(graph, op, 1, "input");
  requireDType(graph, op, input, "input", "int8");
  const rank = input.shape.length;
  if (rank < 1) opError(graph, op, "input is a scalar; there is no axis to split");
  const axis = axisValues[0] < 0 ? axisValues[0] + rank : axisValues[0];
  if (axis < 0 || axis >= rank) opError(graph, op, `axis ${axisValues[0]} is out of range for rank ${rank}`);
  const count = op.outputs.length;
  const numSplits = intOption(graph, op, "numSplits", count);
  if (numSplits !== count) opError(graph, op, `num_splits is ${numSplits} but the op has ${count} outputs`);
  if (count < 1 || input.shape[axis] % count !== 0) {
    opError(graph, op, `dimension ${axis} of input [${input.shape.join(", ")}] does not divide into ${count} equal parts`);
  }
  const part = input.shape[axis] / count;
  const outputs = op.outputs.map((_, j) => outputTensor(graph, op, j, `output ${j}`));
  for (const [j, t] of outputs.entries()) {
    requireDType(graph, op, t, `output ${j}`, "int8");
    const ok = t.shape.length === rank && t.shape.every((d, k) => d === (k === axis ? part : input.shape[k]));
    if (!ok) {
      opError(graph, op, `output ${j} has shape [${t.shape.join(", ")}]; splitting [${input.shape.join(", ")}] into ${count} along axis ${axis} gives parts of ${part}`);
    }
  }

  const outer = product(input.shape.slice(0, axis));
  const inner = product(input.shape.slice(axis + 1));
  const copy = part * inner;
  const inStride = input.shape[axis] * inner;
  return outputs.map((t, j): KernelCall => {
    const params: SplitParams = { outer, copy, inStride, inOffset: j * copy };
    return kernelCall("split", "split", INPUT_OUTPUT_SLOTS, params, {
      input: { kind: "tensor", tensor: input.index },
      output: { kind: "tensor", tensor: t.index },
    }, 0);
  });
}

export const CONTRACTS: KernelContract[] = [{ kernel: "split", fn: "split", slots: INPUT_OUTPUT_SLOTS }];

export const OPCODES: Record<string, LowerOp> = { SPLIT: lowerSplit };

export const NOTES: Record<string, string> = {
  SPLIT: "int8, any rank, constant int32 axis (negative counts from the end), the axis divided evenly among the outputs.",
};
