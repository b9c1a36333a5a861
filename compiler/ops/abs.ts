/**
 * @fileoverview Lowers ABS (int8, int16) to kernels/abs.ts, doing TFLite Micro's PrepareAbsRsqrt
 * (micro/kernels/elementwise.cc at 90b983c2) at compile time: zero points as offsets, and when the
 * float32 scales differ, QuantizeMultiplier(double(float(input scale / output scale))). A float32
 * ABS is a call of kernels/float_unary.ts.
 */
import type { Graph, Op } from "../ir/graph.ts";
import type { DType } from "../ir/graph.ts";
import type { AbsParams } from "../../kernels/abs.ts";
import { FLOAT_ABS } from "../../kernels/float_unary.ts";
import { floatUnaryCall } from "./float_unary.ts";
import { tensorQuant } from "./operands.ts";
import { int16Quant } from "./int16.ts";
import { quantizeMultiplier } from "./quant.ts";
import { unaryOperands } from "./unary.ts";
import { INPUT_OUTPUT_SLOTS, kernelCall, type KernelContract } from "./contract.ts";
import type { KernelCall, LowerOp } from "./types.ts";

export function lowerAbs(graph: Graph, op: Op): KernelCall[] {
  const { input, output, size } = unaryOperands(graph, op, ["int8", "int16", "float32"], [input0Type(graph, op)]);
  if (input.dtype === "float32") return [floatUnaryCall(FLOAT_ABS, size, input.index, output.index)];
  const is16 = input.dtype === "int16";
  const inQ = is16 ? int16Quant(graph, op, input, "input") : tensorQuant(graph, op, input, "input");
  const outQ = is16 ? int16Quant(graph, op, output, "output") : tensorQuant(graph, op, output, "output");
  const inScale = Math.fround(inQ.scale);
  const outScale = Math.fround(outQ.scale);
  const rescale = inScale !== outScale;
  const q = rescale ? quantizeMultiplier(Math.fround(inScale / outScale)) : { multiplier: 0, shift: 0 };
  const params: AbsParams = {
    size, inputZeroPoint: inQ.zeroPoint, outputZeroPoint: outQ.zeroPoint,
    rescale: rescale ? 1 : 0, multiplier: q.multiplier, shift: q.shift,
  };
  return [kernelCall("abs", is16 ? "absInt16" : "absInt8", INPUT_OUTPUT_SLOTS, params, {
    input: { kind: "tensor", tensor: input.index },
    output: { kind: "tensor", tensor: output.index },
  }, 0)];
}

/** The output must have the input's type (int8 when the input is none of float32, int16). */
export function input0Type(graph: Graph, op: Op): DType {
  const t = op.inputs[0] !== undefined && op.inputs[0] >= 0 ? graph.tensors[op.inputs[0]] : undefined;
  return t?.dtype === "float32" || t?.dtype === "int16" ? t.dtype : "int8";
}

export const ACTIVATION_TYPES: Record<string, readonly DType[]> = { ABS: ["float32", "int16"] };

export const CONTRACTS: KernelContract[] = [
  { kernel: "abs", fn: "absInt8", slots: INPUT_OUTPUT_SLOTS },
  { kernel: "abs", fn: "absInt16", slots: INPUT_OUTPUT_SLOTS },
];

export const OPCODES: Record<string, LowerOp> = { ABS: lowerAbs };

export const NOTES: Record<string, string> = {
  ABS: "int8 with per-tensor quantization; requantized to the output scale when it differs from the input's (no multiply when equal, as TFLite Micro). int16 (zero points 0, TFLite Micro's quantized int16 path): absInt16, clamped to int16. float32 through kernels/float_unary.ts (fabsf).",
};
