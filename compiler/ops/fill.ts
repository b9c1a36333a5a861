/**
 * @fileoverview Lowers FILL and ZEROS_LIKE (int8) to kernels/fill.ts, doing TFLite Micro's
 * Prepare at compile time. FILL (fill.cc): the dims operand is a constant int32 vector equal to
 * the output shape, the value a scalar of the output's type (a runtime tensor or a constant).
 * ZEROS_LIKE (zeros_like.cc): the output has the input's shape and every byte 0 (raw 0, not the
 * zero point); the input's data is not read.
 */
import type { Graph, Op } from "../ir/graph.ts";
import type { FillParams } from "../../kernels/fill.ts";
import { constInt32s, inputTensor, opError, outputTensor, product, requireDType } from "./operands.ts";
import { kernelCall, type KernelContract } from "./contract.ts";
import { requireShape } from "./movement.ts";
import type { KernelCall, LowerOp } from "./types.ts";

const FILL_SLOTS = ["value", "output"] as const;
const ZEROS_SLOTS = ["output"] as const;

function lowerFill(graph: Graph, op: Op): KernelCall[] {
  if (op.inputs.length !== 2) opError(graph, op, `expects 2 inputs (dims, value), got ${op.inputs.length}`);
  const value = inputTensor(graph, op, 1, "value");
  const output = outputTensor(graph, op, 0, "output");
  requireDType(graph, op, output, "output", "int8");
  requireDType(graph, op, value, "value", "int8");
  if (product(value.shape) !== 1 || value.shape.length > 1) opError(graph, op, `value has shape [${value.shape.join(", ")}]; TFLite Micro requires a scalar`);
  const dims = constInt32s(graph, op, inputTensor(graph, op, 0, "dims"), "dims");
  requireShape(graph, op, output, "output", dims, "the dims operand");
  const params: FillParams = { size: product(dims) };
  const valueArg = value.data !== undefined
    ? { kind: "const" as const, name: `op${op.index}_value`, elem: "i8" as const, data: [new Int8Array(value.data.buffer, value.data.byteOffset, 1)[0]] }
    : { kind: "tensor" as const, tensor: value.index };
  return [kernelCall("fill", "fill", FILL_SLOTS, params, { value: valueArg, output: { kind: "tensor", tensor: output.index } }, 0)];
}

function lowerZerosLike(graph: Graph, op: Op): KernelCall[] {
  if (op.inputs.length !== 1) opError(graph, op, `expects 1 input, got ${op.inputs.length}`);
  const input = inputTensor(graph, op, 0, "input");
  const output = outputTensor(graph, op, 0, "output");
  requireDType(graph, op, input, "input", "int8");
  requireDType(graph, op, output, "output", "int8");
  requireShape(graph, op, output, "output", input.shape, "the input");
  const params: FillParams = { size: product(input.shape) };
  return [kernelCall("fill", "zeros", ZEROS_SLOTS, params, { output: { kind: "tensor", tensor: output.index } }, 0)];
}

export const CONTRACTS: KernelContract[] = [
  { kernel: "fill", fn: "fill", slots: FILL_SLOTS },
  { kernel: "fill", fn: "zeros", slots: ZEROS_SLOTS },
];

export const OPCODES: Record<string, LowerOp> = { FILL: lowerFill, ZEROS_LIKE: lowerZerosLike };

export const NOTES: Record<string, string> = {
  FILL: "int8, constant int32 dims, a scalar value (runtime or constant).",
  ZEROS_LIKE: "int8; writes raw 0 (not the zero point), as TFLite Micro does.",
};
