/**
 * @fileoverview Lowers RELU and RELU6 (int8) to kernels/relu.ts, doing TFLite Micro's ReluPrepare
 * and Relu6Prepare (micro/kernels/activations_common.cc at 90b983c2) at compile time:
 *
 * - RELU (CalculateReluOpData): QuantizeMultiplier(double(float(input scale / output scale))),
 *   clamp [max(-128, output_zp + roundf(0 / output scale)), 127].
 * - RELU6: no requantization; the clamp is [input_zp, FloatToQuantizedType(6.0f)] =
 *   [input_zp, clamp(round(6.0f / input scale) + input_zp, -128, 127)] in the input's
 *   quantization. TFLM neither requantizes nor looks at the output's quantization (models give the
 *   output the input's), and neither does Mote.
 */
import type { Graph, Op } from "../ir/graph.ts";
import type { ReluParams } from "../../kernels/relu.ts";
import { opError, requireDType, tensorQuant } from "./operands.ts";
import { INT16, int16Quant } from "./int16.ts";
import { quantizeMultiplier, roundHalfAwayFromZero } from "./quant.ts";
import type { KernelCall, LowerOp } from "./types.ts";
import { unaryOperands } from "./unary.ts";
import type { InPlaceHook } from "../ir/hooks.ts";
import { elementwiseInPlace } from "./inplace.ts";
import { INPUT_OUTPUT_SLOTS, kernelCall, type KernelContract } from "./contract.ts";

function reluCall(graph: Graph, op: Op, input: number, output: number, params: ReluParams): KernelCall[] {
  const fn = graph.tensors[input].dtype === "int16" ? "relu16" : "relu";
  return [kernelCall("relu", fn, INPUT_OUTPUT_SLOTS, params, {
    input: { kind: "tensor", tensor: input },
    output: { kind: "tensor", tensor: output },
  }, 0)];
}

/** int8, or int16 with zero points 0 (TFLM checks them); the output has the input's type. */
function reluOperands(graph: Graph, op: Op): ReturnType<typeof unaryOperands> & { lo: number; hi: number } {
  const r = unaryOperands(graph, op, ["int8", "int16"], ["int8", "int16"]);
  requireDType(graph, op, r.output, "output", r.input.dtype);
  if (r.input.dtype === "int16") {
    int16Quant(graph, op, r.input, "input");
    int16Quant(graph, op, r.output, "output");
    return { ...r, lo: -32768, hi: 32767 };
  }
  return { ...r, lo: -128, hi: 127 };
}

export function lowerRelu(graph: Graph, op: Op): KernelCall[] {
  const { input, output, size, lo, hi } = reluOperands(graph, op);
  const inQ = tensorQuant(graph, op, input, "input");
  const outQ = tensorQuant(graph, op, output, "output");
  const q = quantizeMultiplier(Math.fround(Math.fround(inQ.scale) / Math.fround(outQ.scale)));
  if (q.shift > 31) {
    opError(graph, op, `input scale ${inQ.scale} / output scale ${outQ.scale} is too large to requantize (shift ${q.shift} > 31)`);
  }
  // roundf(0.0f / scale) is 0 for every positive scale.
  const actMin = Math.max(lo, outQ.zeroPoint);
  return reluCall(graph, op, input.index, output.index, {
    size, requantize: 1, inputZeroPoint: inQ.zeroPoint, outputZeroPoint: outQ.zeroPoint,
    multiplier: q.multiplier, shift: q.shift, actMin, actMax: hi,
  });
}

export function lowerRelu6(graph: Graph, op: Op): KernelCall[] {
  const { input, output, size, lo, hi } = reluOperands(graph, op);
  const inQ = tensorQuant(graph, op, input, "input");
  // FloatToQuantizedType<T>(6.0f, scale, zp): float division, round half away from zero.
  const six = Math.min(hi, Math.max(lo, roundHalfAwayFromZero(Math.fround(6 / Math.fround(inQ.scale))) + inQ.zeroPoint));
  return reluCall(graph, op, input.index, output.index, {
    size, requantize: 0, inputZeroPoint: inQ.zeroPoint, outputZeroPoint: inQ.zeroPoint,
    multiplier: 0, shift: 0, actMin: inQ.zeroPoint, actMax: six,
  });
}

export const CONTRACTS: KernelContract[] = [
  { kernel: "relu", fn: "relu", slots: INPUT_OUTPUT_SLOTS },
  { kernel: "relu", fn: "relu16", slots: INPUT_OUTPUT_SLOTS },
];

export const ACTIVATION_TYPES = { RELU: INT16, RELU6: INT16 };

export const OPCODES: Record<string, LowerOp> = { RELU: lowerRelu, RELU6: lowerRelu6 };

/** Each output element is written after its own input elements are read (compiler/ops/inplace.ts). */
export const IN_PLACE: Record<string, InPlaceHook> = { RELU: elementwiseInPlace, RELU6: elementwiseInPlace };

export const NOTES: Record<string, string> = {
  RELU: "int8, per-tensor; requantizes to the output's scale and zero point, then clamps at the output's zero point; int16 (zero points 0) the same way (relu16).",
  RELU6:
    "int8, per-tensor; clamps to [0, 6] in the input's quantization without requantizing, as TFLite Micro does (the output should share the input's quantization); int16 (zero points 0) the same way (relu16).",
};

/** What is left against TFLite Micro (docs/operators.md). */
export const LEFT: Record<string, string> = {
  RELU: "float32.",
  RELU6: "float32.",
};
