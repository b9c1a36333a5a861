/**
 * @fileoverview Lowers LOG_SOFTMAX (int8) to kernels/log_softmax.ts, doing TFLite Micro's
 * CalculateOpData (micro/kernels/log_softmax.cc at 90b983c2) at compile time: the output must be
 * int8 with scale 16/256 and zero point 127 (TFLM fails Prepare otherwise), the input of the
 * same shape; PreprocessLogSoftmaxScalingExp(beta 1, input scale, 5 integer bits) in double: the
 * softmax input multiplier and left shift (compiler/ops/softmax.ts softmaxQuantParams), then the
 * reverse scaling divisor 2^(31 - left shift) / multiplier as QuantizeMultiplierSmallerThanOneExp;
 * diff_min = -CalculateInputRadius(5, left shift).
 */
import type { Graph, Op } from "../ir/graph.ts";
import type { LogSoftmaxParams } from "../../kernels/log_softmax.ts";
import { opError, product, tensorQuant } from "./operands.ts";
import { softmaxQuantParams } from "./softmax.ts";
import { smallerThanOneExp } from "./smaller_than_one.ts";
import { unaryOperands } from "./unary.ts";
import { INPUT_OUTPUT_SLOTS, kernelCall, type KernelContract } from "./contract.ts";
import type { KernelCall, LowerOp } from "./types.ts";

export function lowerLogSoftmax(graph: Graph, op: Op): KernelCall[] {
  const { input, output } = unaryOperands(graph, op, ["int8"], ["int8"]);
  if (input.shape.length < 1) opError(graph, op, "input must have rank >= 1");
  if (input.shape.length !== output.shape.length || input.shape.some((d, i) => d !== output.shape[i])) {
    opError(graph, op, `input shape [${input.shape.join(", ")}] and output shape [${output.shape.join(", ")}] differ`);
  }
  const inQ = tensorQuant(graph, op, input, "input");
  const outQ = tensorQuant(graph, op, output, "output");
  if (Math.fround(outQ.scale) !== 16 / 256 || outQ.zeroPoint !== 127) {
    opError(graph, op, `int8 output must have scale 16/256 and zero point 127 (TFLite Micro's requirement), got scale ${outQ.scale} and zero point ${outQ.zeroPoint}`);
  }
  const qp = softmaxQuantParams(1, Math.fround(inQ.scale));
  if (qp === undefined) opError(graph, op, `input scale ${inQ.scale} is too small: TFLite Micro requires input scale * 2^26 > 1`);
  const reverse = smallerThanOneExp(graph, op, 2 ** (31 - qp.inputLeftShift) / qp.inputMultiplier, "reverse scaling");
  const depth = input.shape[input.shape.length - 1];
  const params: LogSoftmaxParams = {
    outer: product(input.shape.slice(0, -1)), depth,
    inputMultiplier: qp.inputMultiplier, inputLeftShift: qp.inputLeftShift,
    reverseScalingDivisor: reverse.multiplier, reverseScalingShift: reverse.shift, diffMin: qp.diffMin,
  };
  return [kernelCall("log_softmax", "logSoftmax", INPUT_OUTPUT_SLOTS, params, {
    input: { kind: "tensor", tensor: input.index },
    output: { kind: "tensor", tensor: output.index },
  }, 0)];
}

export const CONTRACTS: KernelContract[] = [{ kernel: "log_softmax", fn: "logSoftmax", slots: INPUT_OUTPUT_SLOTS }];

export const OPCODES: Record<string, LowerOp> = { LOG_SOFTMAX: lowerLogSoftmax };

export const NOTES: Record<string, string> = {
  LOG_SOFTMAX: "int8 over the last axis of any rank; output scale 16/256 and zero point 127 (TFLite Micro's requirement); gemmlowp fixed-point exp and TFLite's fixed-point log. Left: float32.",
};
