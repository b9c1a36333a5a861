/**
 * @fileoverview Lowers DIV (int8) to kernels/div.ts, doing TFLite Micro's CalculateOpDataDiv
 * (micro/kernels/div.cc at 90b983c2) at compile time: QuantizeMultiplier(double(float(input1
 * scale / float(input2 scale * output scale)))), zero points as offsets, the fused activation's
 * range; the broadcast loops of compiler/ops/broadcast.ts.
 *
 * TFLM's kernel (reference_ops::DivElementwise) rescales each quotient with gemmlowp's
 * RoundingDivideByPOT by -(output_shift - recip_shift - headroom), which asserts an exponent in
 * [0, 31] (debug builds; release builds shift out of range: undefined behaviour). recip_shift is
 * floor(log2 |b|) of the divisor b = y - zp2 and headroom the leading sign bits of a = x - zp1
 * (31 for a = 0 or -1). A layer is accepted only when every input its tensors can hold keeps the
 * exponent in range (`divShiftRange`): for a runtime dividend a = 0 is always reachable, so the
 * output shift must be at least the largest recip_shift, i.e. the output multiplier
 * in1 / (in2 * out) at least 2^(recip - 1). The others would abort TFLite Micro on some input
 * (golden-ops-2's skipped `div` and `div_const_divisor`) and are rejected with what to change.
 * A constant divisor element equal to its zero point (division by zero) is rejected too; a runtime
 * one is data and gives the documented result of kernels/div.ts. A float32 DIV goes to
 * compiler/ops/float_binary.ts.
 */
import type { DType, Graph, Op, Tensor } from "../ir/graph.ts";
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
  const divisors = divisorValues(graph, op, input2, q2.zeroPoint);
  const numerators = numeratorValues(input1, q1.zeroPoint, divisors.some((b) => b < 0));
  const range = divShiftRange(numerators, divisors);
  if (q.shift < range.minShift) {
    const bound = s1 / (s2 * 2 ** (range.minShift - 1));
    opError(graph, op, `TFLite Micro's DIV cannot rescale every quotient: a divisor of ${range.largestDivisor} with a dividend at its zero point needs ` +
      `an output shift of at least ${range.minShift}, and the output scale ${Number(so.toPrecision(6))} gives ${q.shift}; use an output scale of at most ${bound.toPrecision(4)} ` +
      `(in1 / (in2 * 2^${range.minShift - 1})), a smaller divisor range, or a float32 DIV`);
  }
  if (q.shift > range.maxShift) {
    opError(graph, op, `the output multiplier's shift ${q.shift} makes TFLite Micro's DIV assert (RoundingDivideByPOT with a negative exponent; at most ${range.maxShift} here); choose a finer output scale`);
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

/** TFLite's CountLeadingSignBits of an int32 (31 for 0 and -1). */
function leadingSignBits(v: number): number {
  return v >= 0 ? Math.clz32(v) - 1 : Math.clz32(~v) - 1;
}

/** The divisors b = y - zp2 input 2 can give (all int8 values for a runtime tensor); a zero is an error. */
function divisorValues(graph: Graph, op: Op, t: Tensor, zeroPoint: number): number[] {
  if (t.data === undefined) return Array.from({ length: 256 }, (_, i) => i - 128 - zeroPoint).filter((b) => b !== 0);
  const values = Array.from(new Int8Array(t.data.buffer, t.data.byteOffset, t.data.byteLength), (y) => y - zeroPoint);
  const zero = values.indexOf(0);
  if (zero >= 0) opError(graph, op, `element ${zero} of the constant divisor (tensor ${t.index}, ${t.name}) equals its zero point ${zeroPoint}: a division by zero`);
  return values;
}

/** The dividends a = x - zp1 input 1 can give, and their negations when a divisor is negative (TFLM flips both signs). */
function numeratorValues(t: Tensor, zeroPoint: number, negated: boolean): number[] {
  const raw = t.data === undefined
    ? Array.from({ length: 256 }, (_, i) => i - 128 - zeroPoint)
    : Array.from(new Int8Array(t.data.buffer, t.data.byteOffset, t.data.byteLength), (x) => x - zeroPoint);
  return negated ? [...raw, ...raw.map((a) => -a)] : raw;
}

/**
 * The output shifts for which DivElementwise's exponent -(output_shift - recip - headroom) stays
 * in [0, 31] for every dividend and divisor given (pairs taken independently: exact for runtime
 * tensors, conservative for constants under broadcasting).
 */
export function divShiftRange(numerators: readonly number[], divisors: readonly number[]): { minShift: number; maxShift: number; largestDivisor: number } {
  let maxHead = 0;
  let minHead = 31;
  for (const a of numerators) {
    const h = leadingSignBits(a);
    maxHead = Math.max(maxHead, h);
    minHead = Math.min(minHead, h);
  }
  let maxRecip = 0;
  let minRecip = 31;
  let largestDivisor = 1;
  for (const b of divisors) {
    const r = 31 - Math.clz32(Math.abs(b));
    largestDivisor = Math.max(largestDivisor, Math.abs(b));
    maxRecip = Math.max(maxRecip, r);
    minRecip = Math.min(minRecip, r);
  }
  return { minShift: maxRecip + maxHead - 31, maxShift: minRecip + minHead, largestDivisor };
}

export const ACTIVATION_TYPES: Record<string, readonly DType[]> = { DIV: ["float32"] };

export const CONTRACTS: KernelContract[] = [{ kernel: "div", fn: "div", slots: BINARY_SLOTS }];

export const OPCODES: Record<string, LowerOp> = { DIV: lowerDiv };

export const NOTES: Record<string, string> = {
  DIV: "int8 with per-tensor quantization, runtime or constant operands, broadcasting of shapes that reduce to 4 loops, fused NONE/RELU/RELU6/RELU_N1_TO_1; TFLite Micro's fixed-point reciprocal. A divisor equal to its zero point (undefined in TFLite Micro) gives the activation bound of the dividend's sign; layers whose quantization lets TFLite Micro's final shift leave [0, 31] for some input (an assert in its debug builds, undefined in release) are rejected, naming the largest output scale that works; a constant divisor equal to its zero point is rejected. Only an edited interpreter image reaches a shift beyond 31 bits: the quotient rounds to 0 there. float32 (a / b, then the activation's clamp as TFLite Micro) through kernels/float_binary.ts. Left: int32.",
};
