/**
 * @fileoverview Lowers CAST from int8 to int16, int32 or float32 to kernels/cast.ts, as TFLite
 * Micro's cast.cc does it: each stored integer converted with static_cast, quantization ignored
 * (CAST int8 -> float32 does not dequantize). Shapes must agree. Other type pairs TFLM casts
 * (int16/int32/uint32/float32/bool sources) are rejected by name.
 */
import type { DType, Graph, Op } from "../ir/graph.ts";
import type { CastParams } from "../../kernels/cast.ts";
import { inputTensor, opError, outputTensor, product } from "./operands.ts";
import { INPUT_OUTPUT_SLOTS, kernelCall, type KernelContract } from "./contract.ts";
import { requireShape } from "./movement.ts";
import type { KernelCall, LowerOp } from "./types.ts";

const ENTRY: Partial<Record<DType, string>> = { int16: "castToInt16", int32: "castToInt32", float32: "castToFloat32" };

function lowerCast(graph: Graph, op: Op): KernelCall[] {
  if (op.inputs.length !== 1) opError(graph, op, `expects 1 input, got ${op.inputs.length}`);
  const input = inputTensor(graph, op, 0, "input");
  const output = outputTensor(graph, op, 0, "output");
  const fn = ENTRY[output.dtype];
  if (input.dtype !== "int8" || fn === undefined) {
    opError(graph, op, `casts from ${input.dtype} to ${output.dtype} are not supported (supported: int8 to int16, int32 or float32)`);
  }
  requireShape(graph, op, output, "output", input.shape, "the input");
  const params: CastParams = { size: product(input.shape) };
  return [kernelCall("cast", fn, INPUT_OUTPUT_SLOTS, params, {
    input: { kind: "tensor", tensor: input.index },
    output: { kind: "tensor", tensor: output.index },
  }, 0)];
}

export const CONTRACTS: KernelContract[] = Object.values(ENTRY).map((fn) => ({ kernel: "cast", fn: fn!, slots: INPUT_OUTPUT_SLOTS }));

export const OPCODES: Record<string, LowerOp> = { CAST: lowerCast };

export const ACTIVATION_TYPES: Record<string, readonly DType[]> = { CAST: ["int16", "int32", "float32"] };

export const NOTES: Record<string, string> = {
  CAST: "int8 to int16, int32 or float32 (the stored integers, not dequantized, as TFLite Micro casts); other type pairs are rejected.",
};
