/**
 * @fileoverview Lowers ARG_MAX (int8 input, int32 output) to one call of kernels/arg_max.ts.
 * TFLite Micro (micro/kernels/arg_min_max.cc) has no Prepare: its Eval reads the axis tensor
 * (int32), resolves a negative axis by adding the rank, and views the input as
 * [outer, axis, inner] (reference_ops::ArgMinMax). Mote requires the axis to be a constant and
 * does that resolution here; the output must be int32 (TFLM rejects int64 outputs too) and have
 * the input's shape without the axis.
 */
import type { Graph, Op, Tensor } from "../ir/graph.ts";
import type { ArgMaxParams } from "../../kernels/arg_max.ts";
import { inputTensor, int32Values, opError, outputTensor, product, requireConstant, requireDType } from "./operands.ts";
import type { KernelCall, LowerOp } from "./types.ts";
import { INPUT_OUTPUT_SLOTS, kernelCall, type KernelContract } from "./contract.ts";

export function lowerArgMax(graph: Graph, op: Op): KernelCall[] {
  const input = inputTensor(graph, op, 0, "input");
  const axisT = inputTensor(graph, op, 1, "axis");
  const output = outputTensor(graph, op, 0, "output");
  requireDType(graph, op, input, "input", "int8");
  if (output.dtype === "int64") {
    opError(graph, op, `output tensor ${output.index} (${output.name}) is int64; Mote (like TFLite Micro) supports only an int32 ${op.opcode} output (convert with output_type=tf.int32)`);
  }
  requireDType(graph, op, output, "output", "int32");
  requireDType(graph, op, axisT, "axis", "int32");
  requireConstant(graph, op, axisT, "axis");
  const axes = int32Values(axisT);
  if (axes.length !== 1) opError(graph, op, `axis tensor has ${axes.length} values; ${op.opcode} takes exactly one axis`);
  const rank = input.shape.length;
  if (rank < 1) opError(graph, op, "input must have at least one dimension");
  const axis = axes[0] < 0 ? axes[0] + rank : axes[0];
  if (axis < 0 || axis >= rank) opError(graph, op, `axis ${axes[0]} is out of range for input rank ${rank}`);
  const axisSize = input.shape[axis];
  if (axisSize < 1) opError(graph, op, `the reduced axis ${axis} has size ${axisSize}; it must not be empty`);

  const expected = input.shape.filter((_, i) => i !== axis);
  if (output.shape.length !== expected.length || output.shape.some((d, i) => d !== expected[i])) {
    opError(graph, op, `output shape [${output.shape.join(", ")}] is not the input shape [${input.shape.join(", ")}] without axis ${axis} ([${expected.join(", ")}])`);
  }

  const params: ArgMaxParams = {
    outer: product(input.shape.slice(0, axis)),
    axisSize,
    inner: product(input.shape.slice(axis + 1)),
  };
  return [kernelCall("arg_max", "argMax", INPUT_OUTPUT_SLOTS, params, {
    input: { kind: "tensor", tensor: input.index },
    output: { kind: "tensor", tensor: output.index },
  }, 0)];
}

export const CONTRACTS: KernelContract[] = [{ kernel: "arg_max", fn: "argMax", slots: INPUT_OUTPUT_SLOTS }];

export const OPCODES: Record<string, LowerOp> = { ARG_MAX: lowerArgMax };

export const NOTES: Record<string, string> = {
  ARG_MAX:
    "int8 input of any rank, one constant int32 axis (negative counts from the end), int32 output (int64 is rejected, as TFLite Micro does); ties give the lowest index.",
};
