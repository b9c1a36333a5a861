/**
 * @fileoverview Lowers RSQRT (int8, int16) to kernels/rsqrt.ts, doing TFLite Micro's PrepareAbsRsqrt
 * (micro/kernels/elementwise.cc at 90b983c2) at compile time: SetRsqrtOutputMultiplier =
 * QuantizeMultiplier(1 / double(sqrtf(input scale) * output scale)), the product in float32. A
 * float32 RSQRT is a call of kernels/float_unary.ts.
 */
import type { Graph, Op } from "../ir/graph.ts";
import type { DType } from "../ir/graph.ts";
import type { RsqrtParams } from "../../kernels/rsqrt.ts";
import { FLOAT_RSQRT } from "../../kernels/float_unary.ts";
import { floatUnaryCall } from "./float_unary.ts";
import { input0Type } from "./abs.ts";
import { opError, tensorQuant } from "./operands.ts";
import { int16Quant } from "./int16.ts";
import { quantizeMultiplier } from "./quant.ts";
import { unaryOperands } from "./unary.ts";
import { INPUT_OUTPUT_SLOTS, kernelCall, type KernelContract } from "./contract.ts";
import type { KernelCall, LowerOp } from "./types.ts";

export function lowerRsqrt(graph: Graph, op: Op): KernelCall[] {
  const { input, output, size } = unaryOperands(graph, op, ["int8", "int16", "float32"], [input0Type(graph, op)]);
  if (input.dtype === "float32") return [floatUnaryCall(FLOAT_RSQRT, size, input.index, output.index)];
  const is16 = input.dtype === "int16";
  const inQ = is16 ? int16Quant(graph, op, input, "input") : tensorQuant(graph, op, input, "input");
  const outQ = is16 ? int16Quant(graph, op, output, "output") : tensorQuant(graph, op, output, "output");
  const inScale = Math.fround(inQ.scale);
  const outScale = Math.fround(outQ.scale);
  if (!(inScale > 0 && outScale > 0)) opError(graph, op, `input and output scales must be positive, got ${inScale} and ${outScale}`);
  const q = quantizeMultiplier(1 / Math.fround(Math.fround(Math.sqrt(inScale)) * outScale));
  if (q.shift - 20 < -31) opError(graph, op, `the output multiplier's shift ${q.shift} is out of TFLite Micro's range (scales ${inScale}, ${outScale})`);
  const params: RsqrtParams = {
    size, inputZeroPoint: inQ.zeroPoint, outputZeroPoint: outQ.zeroPoint, multiplier: q.multiplier, shift: q.shift,
  };
  return [kernelCall("rsqrt", is16 ? "rsqrt16" : "rsqrt", INPUT_OUTPUT_SLOTS, params, {
    input: { kind: "tensor", tensor: input.index },
    output: { kind: "tensor", tensor: output.index },
  }, 0)];
}

export const ACTIVATION_TYPES: Record<string, readonly DType[]> = { RSQRT: ["float32", "int16"] };

export const CONTRACTS: KernelContract[] = [
  { kernel: "rsqrt", fn: "rsqrt", slots: INPUT_OUTPUT_SLOTS },
  { kernel: "rsqrt", fn: "rsqrt16", slots: INPUT_OUTPUT_SLOTS },
];

export const OPCODES: Record<string, LowerOp> = { RSQRT: lowerRsqrt };

export const NOTES: Record<string, string> = {
  RSQRT: "int8 with per-tensor quantization, TFLite Micro's fixed-point 1/sqrt (Newton-Raphson in Q3.28); x = zero point gives 127. TFLite Micro fails Invoke on inputs below the zero point, Mote gives 127 there. float32 (1.f / sqrtf) through kernels/float_unary.ts. int16 (zero points 0): rsqrt16, 32767 where int8 gives 127.",
};
