/**
 * @fileoverview Lowers DIV (int8) to kernels/div.ts, doing TFLite Micro's CalculateOpDataDiv
 * (micro/kernels/div.cc at 90b983c2) at compile time: QuantizeMultiplier(double(float(input1
 * scale / float(input2 scale * output scale)))), zero points as offsets, the fused activation's
 * range; the broadcast loops of compiler/ops/broadcast.ts. TFLM's kernel asserts (RoundingDivideByPOT
 * with a negative exponent) when output_shift - recip_shift - headroom > 0 for some element, which
 * a positive output shift makes possible; such layers are rejected here. A float32 DIV goes to
 * compiler/ops/float_binary.ts.
 */
import type { DType, Graph, Op } from "../ir/graph.ts";
import { FLOAT_DIV } from "../../kernels/float_binary.ts";
import { lowerFloatBinary } from "./float_binary.ts";
import type { DivParams } from "../../kernels/div.ts";
import { activationRange } from "./activation.ts";
import { planBroadcast } from "./broadcast.ts";
import { activationOption, inputTensor, opError, outputTensor, requireDType, tensorQuant } from "./operands.ts";
import { quantizeMultiplier } from "./quant.ts";
import { BINARY_SLOTS, kernelCall, type KernelContract } from "./contract.ts";
import type { KernelCall, LowerOp } from "./types.ts";

export function lowerDiv(graph: Graph, op: Op): KernelCall[] {
  const input1 = inputTensor(graph, op, 0, "input1");
  const input2 = inputTensor(graph, op, 1, "input2");
  const output = outputTensor(graph, op, 0, "output");
  if (input1.dtype === "float32") return lowerFloatBinary(graph, op, FLOAT_DIV, true);
  requireDType(graph, op, input1, "input1", "int8");
  requireDType(graph, op, input2, "input2", "int8");
  requireDType(graph, op, output, "output", "int8");
  const q1 = tensorQuant(graph, op, input1, "input1");
  const q2 = tensorQuant(graph, op, input2, "input2");
  const qo = tensorQuant(graph, op, output, "output");
  const s1 = Math.fround(q1.scale);
  const s2 = Math.fround(q2.scale);
  const so = Math.fround(qo.scale);
  if (!(s1 > 0 && s2 > 0 && so > 0)) opError(graph, op, "every scale must be positive");
  const loops = planBroadcast(graph, op, input1, input2, output);
  const q = quantizeMultiplier(Math.fround(s1 / Math.fround(s2 * so)));
  // |a| <= 255 for int8, so the headroom is >= 23 and recip_shift >= 0 (b = 1): every element
  // keeps output_shift - recip_shift - headroom <= 0, as TFLM's assert needs, iff shift <= 23.
  if (q.shift > 23) {
    opError(graph, op, `the output multiplier's shift ${q.shift} makes TFLite Micro's DIV assert (RoundingDivideByPOT with a negative exponent); choose a finer output scale`);
  }
  const act = activationRange(activationOption(graph, op), qo.scale, qo.zeroPoint);
  const params: DivParams = {
    ...loops,
    input1Offset: -q1.zeroPoint, input2Offset: -q2.zeroPoint, outputOffset: qo.zeroPoint,
    outputMultiplier: q.multiplier, outputShift: q.shift, actMin: act.min, actMax: act.max,
  };
  return [kernelCall("div", "div", BINARY_SLOTS, params, {
    input1: { kind: "tensor", tensor: input1.index },
    input2: { kind: "tensor", tensor: input2.index },
    output: { kind: "tensor", tensor: output.index },
  }, 0)];
}

export const ACTIVATION_TYPES: Record<string, readonly DType[]> = { DIV: ["float32"] };

export const CONTRACTS: KernelContract[] = [{ kernel: "div", fn: "div", slots: BINARY_SLOTS }];

export const OPCODES: Record<string, LowerOp> = { DIV: lowerDiv };

export const NOTES: Record<string, string> = {
  DIV: "int8 with per-tensor quantization, runtime or constant operands, broadcasting of shapes that reduce to 4 loops, fused NONE/RELU/RELU6/RELU_N1_TO_1; TFLite Micro's fixed-point reciprocal. A divisor equal to its zero point (undefined in TFLite Micro) gives the activation bound of the dividend's sign; where TFLite Micro's final shift would exceed 31 bits (an assert in its debug builds, platform-dependent in release) the quotient rounds to 0. float32 (a / b, then the activation's clamp as TFLite Micro) through kernels/float_binary.ts. Left: int32.",
};
