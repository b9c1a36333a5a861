/**
 * @fileoverview Lowers SQUARED_DIFFERENCE (int8, int16: left shift 0) to kernels/squared_difference.ts, doing TFLite
 * Micro's PrepareQuantized (micro/kernels/squared_difference.cc at 90b983c2) at compile time:
 * left shift 7, input multipliers scale / twice the larger input scale (SmallerThanOneExp), output
 * multiplier (twice max)^2 / (2^14 * output scale) (QuantizeMultiplier), in double; the broadcast
 * loops of compiler/ops/broadcast.ts (a broadcast above rank 4, which TFLM's 4-D slow path
 * CHECK-fails on, is rejected). A float32 SQUARED_DIFFERENCE goes to compiler/ops/float_binary.ts.
 */
import type { DType, Graph, Op } from "../ir/graph.ts";
import { FLOAT_SQUARED_DIFFERENCE } from "../../kernels/float_binary.ts";
import { lowerFloatBinary } from "./float_binary.ts";
import type { SquaredDifferenceParams } from "../../kernels/squared_difference.ts";
import { planBroadcast, requireBroadcastRank } from "./broadcast.ts";
import { inputTensor, opError, outputTensor, requireDType, tensorQuant } from "./operands.ts";
import { quantizeMultiplier } from "./quant.ts";
import { int16Quant } from "./int16.ts";
import { smallerThanOneExp } from "./smaller_than_one.ts";
import { BINARY_SLOTS, kernelCall, type KernelContract } from "./contract.ts";
import type { KernelCall, LowerOp } from "./types.ts";

const LEFT_SHIFT = 7;

export function lowerSquaredDifference(graph: Graph, op: Op): KernelCall[] {
  const input1 = inputTensor(graph, op, 0, "input1");
  const input2 = inputTensor(graph, op, 1, "input2");
  const output = outputTensor(graph, op, 0, "output");
  requireBroadcastRank(graph, op, input1, input2, outputTensor(graph, op, 0, "output"));
  if (input1.dtype === "float32") return lowerFloatBinary(graph, op, FLOAT_SQUARED_DIFFERENCE, false);
  const is16 = input1.dtype === "int16";
  const type = is16 ? "int16" : "int8";
  requireDType(graph, op, input1, "input1", "int8", "int16");
  requireDType(graph, op, input2, "input2", type);
  requireDType(graph, op, output, "output", type);
  const quant = is16 ? int16Quant : tensorQuant;
  const q1 = quant(graph, op, input1, "input1");
  const q2 = quant(graph, op, input2, "input2");
  const qo = quant(graph, op, output, "output");
  const leftShift = is16 ? 0 : LEFT_SHIFT;
  if (!(qo.scale > 0)) opError(graph, op, `output scale ${qo.scale} must be positive`);
  const loops = planBroadcast(graph, op, input1, input2, output);
  const twiceMax = 2 * Math.max(q1.scale, q2.scale);
  const m1 = smallerThanOneExp(graph, op, q1.scale / twiceMax, "input1");
  const m2 = smallerThanOneExp(graph, op, q2.scale / twiceMax, "input2");
  // (1 << 14) * output scale is a float32 product in TFLM; a power of two keeps it exact.
  const mo = quantizeMultiplier((twiceMax * twiceMax) / ((1 << (2 * leftShift)) * qo.scale));
  const params: SquaredDifferenceParams = {
    ...loops, leftShift,
    input1Offset: -q1.zeroPoint, input2Offset: -q2.zeroPoint, outputOffset: qo.zeroPoint,
    input1Multiplier: m1.multiplier, input1Shift: m1.shift, input2Multiplier: m2.multiplier, input2Shift: m2.shift,
    outputMultiplier: mo.multiplier, outputShift: mo.shift,
  };
  return [kernelCall("squared_difference", is16 ? "squaredDifference16" : "squaredDifference", BINARY_SLOTS, params, {
    input1: { kind: "tensor", tensor: input1.index },
    input2: { kind: "tensor", tensor: input2.index },
    output: { kind: "tensor", tensor: output.index },
  }, 0)];
}

export const ACTIVATION_TYPES: Record<string, readonly DType[]> = { SQUARED_DIFFERENCE: ["float32", "int16"] };

export const CONTRACTS: KernelContract[] = [
  { kernel: "squared_difference", fn: "squaredDifference", slots: BINARY_SLOTS },
  { kernel: "squared_difference", fn: "squaredDifference16", slots: BINARY_SLOTS },
];

export const OPCODES: Record<string, LowerOp> = { SQUARED_DIFFERENCE: lowerSquaredDifference };

export const NOTES: Record<string, string> = {
  SQUARED_DIFFERENCE: "int8 with per-tensor quantization, runtime or constant operands, broadcasting of shapes that reduce to 4 loops (rank 4 at most when the input shapes differ, as TFLite Micro); requantized as TFLite Micro (left shift 7). float32 ((a - b)^2) through kernels/float_binary.ts. int16 (zero points 0, left shift 0, as TFLite Micro): squaredDifference16.",
};
