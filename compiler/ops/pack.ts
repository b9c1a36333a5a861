/**
 * @fileoverview Lowers PACK and UNPACK (int8) to byte copies, following TFLite Micro's pack.cc
 * and unpack.cc: PACK stacks N inputs of one shape along a new axis (negative counts from the end
 * of the output rank), one call of kernels/concatenation.ts per input (slab j of every outer
 * row); UNPACK is the inverse, one call of kernels/split.ts per output. TFLM copies bytes without
 * comparing quantization, and so does Mote.
 */
import type { Graph, Op } from "../ir/graph.ts";
import type { ConcatenationParams } from "../../kernels/concatenation.ts";
import type { SplitParams } from "../../kernels/split.ts";
import { inputTensor, intOption, opError, outputTensor, product, requireDType } from "./operands.ts";
import { INPUT_OUTPUT_SLOTS, kernelCall } from "./contract.ts";
import { requireShape } from "./movement.ts";
import type { KernelCall, LowerOp } from "./types.ts";

function resolveAxis(graph: Graph, op: Op, rank: number): number {
  const v = intOption(graph, op, "axis", 0);
  const axis = v < 0 ? v + rank : v;
  if (axis < 0 || axis >= rank) opError(graph, op, `axis ${v} is out of range for rank ${rank}`);
  return axis;
}

function lowerPack(graph: Graph, op: Op): KernelCall[] {
  const n = op.inputs.length;
  if (n < 1) opError(graph, op, "expects at least 1 input");
  const count = intOption(graph, op, "valuesCount", n);
  if (count !== n) opError(graph, op, `values_count is ${count} but the op has ${n} inputs`);
  const inputs = op.inputs.map((_, j) => inputTensor(graph, op, j, `input ${j}`));
  const output = outputTensor(graph, op, 0, "output");
  requireDType(graph, op, output, "output", "int8");
  const shape = inputs[0].shape;
  for (const [j, t] of inputs.entries()) {
    requireDType(graph, op, t, `input ${j}`, "int8");
    requireShape(graph, op, t, `input ${j}`, shape, "input 0");
  }
  const axis = resolveAxis(graph, op, shape.length + 1);
  requireShape(graph, op, output, "output", [...shape.slice(0, axis), n, ...shape.slice(axis)], `packing ${n} inputs along axis ${axis}`);
  const outer = product(shape.slice(0, axis));
  const copy = product(shape.slice(axis));
  return inputs.map((t, j): KernelCall => {
    const params: ConcatenationParams = { outer, copy, outStride: n * copy, outOffset: j * copy };
    return kernelCall("concatenation", "concatenation", INPUT_OUTPUT_SLOTS, params, {
      input: { kind: "tensor", tensor: t.index },
      output: { kind: "tensor", tensor: output.index },
    }, 0);
  });
}

function lowerUnpack(graph: Graph, op: Op): KernelCall[] {
  if (op.inputs.length !== 1) opError(graph, op, `expects 1 input, got ${op.inputs.length}`);
  const input = inputTensor(graph, op, 0, "input");
  requireDType(graph, op, input, "input", "int8");
  const rank = input.shape.length;
  if (rank < 1) opError(graph, op, "input is a scalar; there is no axis to unpack");
  const axis = resolveAxis(graph, op, rank);
  const n = input.shape[axis];
  const num = intOption(graph, op, "num", n);
  if (num !== n || op.outputs.length !== n) {
    opError(graph, op, `num is ${num} and the op has ${op.outputs.length} outputs; dimension ${axis} of input [${input.shape.join(", ")}] is ${n}`);
  }
  const shape = input.shape.filter((_, k) => k !== axis);
  const outer = product(input.shape.slice(0, axis));
  const copy = product(input.shape.slice(axis + 1));
  return op.outputs.map((_, j): KernelCall => {
    const t = outputTensor(graph, op, j, `output ${j}`);
    requireDType(graph, op, t, `output ${j}`, "int8");
    requireShape(graph, op, t, `output ${j}`, shape, `unpacking [${input.shape.join(", ")}] along axis ${axis}`);
    const params: SplitParams = { outer, copy, inStride: n * copy, inOffset: j * copy };
    return kernelCall("split", "split", INPUT_OUTPUT_SLOTS, params, {
      input: { kind: "tensor", tensor: input.index },
      output: { kind: "tensor", tensor: t.index },
    }, 0);
  });
}

export const OPCODES: Record<string, LowerOp> = { PACK: lowerPack, UNPACK: lowerUnpack };

export const NOTES: Record<string, string> = {
  PACK: "int8, inputs of one shape stacked along a new axis (negative counts from the end); one copy per input.",
  UNPACK: "int8, any rank, the axis (negative counts from the end) split into its slices; one copy per output.",
};
