/**
 * @fileoverview Lowers HARD_SWISH (int8) to kernels/hard_swish.ts, doing TFLite Micro's
 * HardSwishPrepare (micro/kernels/hard_swish_common.cc at 90b983c2) at compile time: in float32,
 * hires_input_scale = (1/128) * input scale and reluish_scale = 3 / 2^15; the output multiplier
 * double(float(hires / output scale)) and the reluish multiplier double(float(hires /
 * reluish_scale)) go through QuantizeMultiplier, and each Q31 multiplier is rounded to Q15
 * (DownScaleInt32ToInt16Multiplier). The output exponent must be <= 0, as TFLM requires.
 */
import type { Graph, Op } from "../ir/graph.ts";
import type { HardSwishParams } from "../../kernels/hard_swish.ts";
import { opError, tensorQuant } from "./operands.ts";
import { quantizeMultiplier } from "./quant.ts";
import type { KernelCall, LowerOp } from "./types.ts";
import { unaryOperands } from "./unary.ts";
import type { InPlaceHook } from "../ir/hooks.ts";
import { elementwiseInPlace } from "./inplace.ts";
import { INPUT_OUTPUT_SLOTS, kernelCall, type KernelContract } from "./contract.ts";

/** TFLite's DownScaleInt32ToInt16Multiplier: a Q31 multiplier (>= 0) rounded to Q15. */
export function downScaleInt32ToInt16Multiplier(multiplier: number): number {
  if (multiplier >= 2147483647 - 32768) return 32767;
  return (multiplier + 32768) >> 16;
}

export function lowerHardSwish(graph: Graph, op: Op): KernelCall[] {
  const { input, output, size } = unaryOperands(graph, op, ["int8"], ["int8"]);
  const inQ = tensorQuant(graph, op, input, "input");
  const outQ = tensorQuant(graph, op, output, "output");
  const hiresInputScale = Math.fround(Math.fround(1 / 128) * Math.fround(inQ.scale));
  const reluishScale = Math.fround(3 / 32768);
  const out = quantizeMultiplier(Math.fround(hiresInputScale / Math.fround(outQ.scale)));
  const reluish = quantizeMultiplier(Math.fround(hiresInputScale / reluishScale));
  if (out.shift > 0) {
    opError(
      graph, op,
      `output scale ${outQ.scale} is too small for input scale ${inQ.scale}: TFLite Micro requires input scale / (128 * output scale) < 1`,
    );
  }
  if (out.multiplier < 0 || reluish.multiplier < 0) opError(graph, op, "input and output scales must be positive");
  const params: HardSwishParams = {
    size,
    inputZeroPoint: inQ.zeroPoint,
    outputZeroPoint: outQ.zeroPoint,
    outputMultiplier: downScaleInt32ToInt16Multiplier(out.multiplier),
    outputExponent: out.shift,
    reluishMultiplier: downScaleInt32ToInt16Multiplier(reluish.multiplier),
    reluishExponent: reluish.shift,
  };
  return [kernelCall("hard_swish", "hardSwish", INPUT_OUTPUT_SLOTS, params, {
    input: { kind: "tensor", tensor: input.index },
    output: { kind: "tensor", tensor: output.index },
  }, 0)];
}

export const CONTRACTS: KernelContract[] = [{ kernel: "hard_swish", fn: "hardSwish", slots: INPUT_OUTPUT_SLOTS }];

export const OPCODES: Record<string, LowerOp> = { HARD_SWISH: lowerHardSwish };

/** Each output element is written after its own input elements are read (compiler/ops/inplace.ts). */
export const IN_PLACE: Record<string, InPlaceHook> = { HARD_SWISH: elementwiseInPlace };

export const NOTES: Record<string, string> = {
  HARD_SWISH:
    "int8, per-tensor, TFLite Micro's int16 fixed-point path; input scale / output scale must be below 128 (TFLM's limit); int16 is not supported.",
};
