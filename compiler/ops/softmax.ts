/**
 * @fileoverview Lowers SOFTMAX (int8 in, int8 or int16 out; int16 in and out) to kernels/softmax.ts: TFLite Micro's
 * CalculateSoftmaxParams (micro/kernels/softmax_common.cc at 90b983c2) done at compile time.
 *
 * In double, as TFLM does: PreprocessSoftmaxScaling(beta, input_scale, kScaledDiffIntegerBits = 5)
 * gives min(beta * input_scale * 2^26, 2^31 - 1) quantized with QuantizeMultiplierGreaterThanOne
 * (a left shift >= 0), and diff_min = -floor(31 * 2^26 / 2^left_shift) (CalculateInputRadius).
 * beta and the scales are float32 values in the model; they enter the arithmetic as doubles.
 *
 * Neighbours: compiler/ops/quant.ts (QuantizeMultiplier), compiler/ops/operands.ts (checked
 * operand access; errors are fail(3001)), compiler/ops/index.ts registers this lowering.
 *
 * Invariants: the output must be int8 with zero point -128 and scale exactly 1/256 (as a float32),
 * or int16 with zero point -32768 and scale 1/65536 (within 0.1 %, TFLM's ENSURE_NEAR), the input
 * int8 of the same shape (rank >= 1); anything else is rejected, as TFLM rejects it. int16 input
 * goes to the table-based softmax16.
 */
import type { Graph, Op } from "../ir/graph.ts";
import type { KernelCall, LowerOp } from "./types.ts";
import { inputTensor, opError, outputTensor, product, requireDType, tensorQuant } from "./operands.ts";
import { quantizeMultiplier, quantizeMultiplierGreaterThanOne } from "./quant.ts";
import { INPUT_OUTPUT_SLOTS, kernelCall, type KernelContract } from "./contract.ts";
import type { SoftmaxParams } from "../../kernels/softmax.ts";
import { INT16, int16Quant } from "./int16.ts";
import { expF32, lutPopulateInt16 } from "./lut16.ts";

/** TFLite's kScaledDiffIntegerBits: the scaled input difference is a Q5.26 value. */
const SCALED_DIFF_INTEGER_BITS = 5;

export interface SoftmaxQuantParams {
  inputMultiplier: number;
  inputLeftShift: number;
  diffMin: number;
}

/**
 * PreprocessSoftmaxScaling + CalculateInputRadius (non-emulated-float path, double rounding).
 * Returns undefined where TFLM's QuantizeMultiplierGreaterThanOne check would fail
 * (beta * input_scale * 2^26 <= 1).
 */
export function softmaxQuantParams(beta: number, inputScale: number): SoftmaxQuantParams | undefined {
  const maxRealMultiplier = 2 ** 31 - 1;
  const realMultiplier = Math.min(beta * inputScale * 2 ** (31 - SCALED_DIFF_INTEGER_BITS), maxRealMultiplier);
  if (!(realMultiplier > 1)) return undefined;
  const q = quantizeMultiplierGreaterThanOne(realMultiplier);
  if (q.shift < 0) return undefined;
  const inputLeftShift = q.shift;
  const maxInputRescaled =
    (1.0 * ((1 << SCALED_DIFF_INTEGER_BITS) - 1) * 2 ** (31 - SCALED_DIFF_INTEGER_BITS)) / 2 ** inputLeftShift;
  const radius = Math.floor(maxInputRescaled);
  return { inputMultiplier: q.multiplier, inputLeftShift, diffMin: radius === 0 ? 0 : -radius };
}

export function lowerSoftmax(graph: Graph, op: Op): KernelCall[] {
  if (op.inputs.length !== 1 || op.outputs.length !== 1) {
    opError(graph, op, `expected 1 input and 1 output, got ${op.inputs.length} and ${op.outputs.length}`);
  }
  const input = inputTensor(graph, op, 0, "input");
  const output = outputTensor(graph, op, 0, "output");
  if (input.dtype === "int16") return lowerSoftmax16(graph, op);
  requireDType(graph, op, input, "input", "int8", "int16");
  requireDType(graph, op, output, "output", "int8", "int16");
  const out16 = output.dtype === "int16";
  if (input.shape.length < 1) opError(graph, op, `input tensor ${input.index} (${input.name}) must have rank >= 1`);
  if (input.shape.length !== output.shape.length || input.shape.some((d, i) => d !== output.shape[i])) {
    opError(
      graph, op,
      `input shape [${input.shape.join(", ")}] and output shape [${output.shape.join(", ")}] differ`,
    );
  }

  const inQ = tensorQuant(graph, op, input, "input");
  const outQ = tensorQuant(graph, op, output, "output");
  if (out16) {
    // TFLM: zero point -32768 and scale within 0.1 % of 1/65536 (TF_LITE_ENSURE_NEAR, in float).
    const scale = Math.fround(outQ.scale);
    if (outQ.zeroPoint !== -32768 || Math.abs(Math.fround(scale - 1 / 65536)) > Math.fround(0.001 / 65536)) {
      opError(
        graph, op,
        `int16 output of an int8 softmax must have zero point -32768 and scale 1/65536 (TFLite's requirement), got zero point ${outQ.zeroPoint} and scale ${outQ.scale}`,
      );
    }
  } else if (outQ.zeroPoint !== -128 || Math.fround(outQ.scale) !== 1 / 256) {
    opError(
      graph, op,
      `int8 output must have zero point -128 and scale 1/256 (TFLite's requirement), got zero point ${outQ.zeroPoint} and scale ${outQ.scale}`,
    );
  }

  const betaOption = op.options["beta"] ?? 0;
  if (typeof betaOption !== "number") opError(graph, op, `option beta = ${String(betaOption)} is not a number`);
  // Both are float32 in the model; Math.fround is the identity on an exact import.
  const beta = Math.fround(betaOption);
  const inputScale = Math.fround(inQ.scale);
  const qp = softmaxQuantParams(beta, inputScale);
  if (qp === undefined) {
    opError(
      graph, op,
      `beta * input scale (${beta} * ${inputScale}) must exceed 2^-26; TFLite rejects this softmax`,
    );
  }

  const depth = input.shape[input.shape.length - 1];
  const outer = product(input.shape.slice(0, -1));
  const params: SoftmaxParams = {
    outer, depth, inputMultiplier: qp.inputMultiplier, inputLeftShift: qp.inputLeftShift, diffMin: qp.diffMin,
  };
  return [kernelCall("softmax", out16 ? "softmaxInt16Out" : "softmax", INPUT_OUTPUT_SLOTS, params, {
    input: { kind: "tensor", tensor: input.index },
    output: { kind: "tensor", tensor: output.index },
  }, 0)];
}

/** kernels/softmax.ts softmax16's array parameters. */
export const SOFTMAX_16_SLOTS = ["input", "expLut", "recipLut", "output"] as const;

/**
 * SOFTMAX int16 -> int16 (TFLM's CalculateSoftmaxParams for int16): zero points 0, output scale
 * 1/32768 (within 0.1 %), input multiplier QuantizeMultiplier(double(input scale) * double(beta)
 * / (10 / 65535)), and the exp and 1/(1+x) tables of LUTPopulate<int16_t> (compiler/ops/lut16.ts).
 */
function lowerSoftmax16(graph: Graph, op: Op): KernelCall[] {
  const input = inputTensor(graph, op, 0, "input");
  const output = outputTensor(graph, op, 0, "output");
  const inQ = int16Quant(graph, op, input, "input");
  const outQ = int16Quant(graph, op, output, "output");
  if (input.shape.length < 1 || input.shape.join(",") !== output.shape.join(",")) {
    opError(graph, op, `input shape [${input.shape.join(", ")}] and output shape [${output.shape.join(", ")}] differ (or rank 0)`);
  }
  if (Math.abs(outQ.scale - 1 / 32768) > 0.001 / 32768) {
    opError(graph, op, `int16 output must have scale 1/32768 (TFLite's requirement), got ${outQ.scale}`);
  }
  const betaOption = op.options["beta"] ?? 0;
  if (typeof betaOption !== "number") opError(graph, op, `option beta = ${String(betaOption)} is not a number`);
  const q = quantizeMultiplier((inQ.scale * Math.fround(betaOption)) / (10.0 / 65535.0));
  const range = 65535;
  const expLut = lutPopulateInt16(Math.fround(10 / range), 32767, Math.fround(2 / range), 0, expF32);
  const recipLut = lutPopulateInt16(Math.fround(1 / range), -32768, Math.fround(2 / range), 0, (x) => Math.fround(1 / Math.fround(1 + x)));
  const depth = input.shape[input.shape.length - 1];
  const params: SoftmaxParams = {
    outer: product(input.shape.slice(0, -1)), depth, inputMultiplier: q.multiplier, inputLeftShift: q.shift, diffMin: 0,
  };
  return [kernelCall("softmax", "softmax16", SOFTMAX_16_SLOTS, params, {
    input: { kind: "tensor", tensor: input.index },
    expLut: { kind: "const", name: `op${op.index}_exp_lut`, elem: "i16", data: expLut },
    recipLut: { kind: "const", name: `op${op.index}_recip_lut`, elem: "i16", data: recipLut },
    output: { kind: "tensor", tensor: output.index },
  }, 0)];
}

export const CONTRACTS: KernelContract[] = [
  { kernel: "softmax", fn: "softmax", slots: INPUT_OUTPUT_SLOTS },
  { kernel: "softmax", fn: "softmax16", slots: SOFTMAX_16_SLOTS },
  { kernel: "softmax", fn: "softmaxInt16Out", slots: INPUT_OUTPUT_SLOTS },
];

export const ACTIVATION_TYPES = { SOFTMAX: INT16 };

export const OPCODES: Record<string, LowerOp> = { SOFTMAX: lowerSoftmax };

export const NOTES: Record<string, string> = {
  SOFTMAX: "int8 over the last axis of any rank, any beta; output scale 1/256 and zero point -128 (TFLite Micro's requirement), gemmlowp fixed-point exp and reciprocal. int16 -> int16 (zero points 0, output scale 1/32768): TFLite Micro's table-based SoftmaxInt16 (softmax16). int8 -> int16 (output zero point -32768, scale 1/65536): TFLite Micro's reference softmax with an int16 output type (softmaxInt16Out).",
};

/** What is left against TFLite Micro (docs/operators.md). */
export const LEFT: Record<string, string> = {
  SOFTMAX: "float32.",
};
