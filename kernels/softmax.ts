/**
 * @fileoverview int8 SOFTMAX over the last axis, bit-exact with TFLite Micro's reference kernel
 * (tensorflow/lite/kernels/internal/reference/softmax.h, int8 in / int8 out, at 90b983c2).
 *
 * Per row: the input difference to the row maximum is scaled by the compile-time
 * (inputMultiplier, inputLeftShift) into Q5.26, exponentiated with gemmlowp's fixed-point
 * exp_on_negative_values, summed in Q12.19, and each exp is multiplied by the fixed-point
 * reciprocal of the sum and rounded to the output's 1/256 steps (output zero point -128).
 * Differences below `diffMin` contribute nothing and output -128.
 *
 * Neighbours: compiler/ops/softmax.ts computes the record (TFLM's CalculateSoftmaxParams, in
 * double); kernels/fixedpoint.ts holds the gemmlowp math; kernels/intrinsics.ts the primitives.
 *
 * Invariants: input and output are `outer * depth` int8 elements (softmaxInt16Out: int16 output,
 * zero point -32768, scale 1/65536), row-major, softmax axis innermost; they may not alias. 1 <= inputLeftShift <= 31.
 */
import type { i32 } from "./types.ts";
import { mbqm, rdbpot, sat8, srdhm } from "./intrinsics.ts";
import { lutLookup16 } from "./common/lut16.ts";
import { countLeadingZeros, expOnNegativeValues, getReciprocal } from "./fixedpoint.ts";

/** Integer bits of the scaled input difference (Q5.26), TFLite's kScaledDiffIntegerBits. */
const SCALED_DIFF_INTEGER_BITS: i32 = 5;
/** Integer bits of the sum of exps (Q12.19), TFLite's kAccumulationIntegerBits. */
const ACCUMULATION_INTEGER_BITS: i32 = 12;

export interface SoftmaxParams {
  /** Number of rows: product of every dimension but the last. */
  outer: i32;
  /** Length of the softmax axis (the last dimension). */
  depth: i32;
  /** Q0.31 multiplier of beta * input_scale * 2^26 (with inputLeftShift). */
  inputMultiplier: i32;
  /** Left shift applied before the multiplier (>= 1). */
  inputLeftShift: i32;
  /** Smallest (most negative) input difference that still contributes. */
  diffMin: i32;
}

/** exp(beta * input_scale * diff) in Q0.31 for an input difference diff <= 0. */
function expOfDiff(p: SoftmaxParams, diff: i32): i32 {
  // MultiplyByQuantizedMultiplierGreaterThanOne: diff >= diffMin keeps the product in i32.
  const scaledDiff: i32 = srdhm(Math.imul(diff, 1 << p.inputLeftShift), p.inputMultiplier);
  return expOnNegativeValues(scaledDiff, SCALED_DIFF_INTEGER_BITS);
}

export function softmax(p: SoftmaxParams, input: Int8Array, output: Int8Array): void {
  for (let row: i32 = 0; row < p.outer; row++) {
    const base: i32 = row * p.depth;
    let maxInRow: i32 = -128;
    for (let c: i32 = 0; c < p.depth; c++) {
      maxInRow = Math.max(maxInRow, input[base + c]);
    }

    let sumOfExps: i32 = 0;
    for (let c: i32 = 0; c < p.depth; c++) {
      const diff: i32 = input[base + c] - maxInRow;
      if (diff >= p.diffMin) {
        // Rescale<12> of a Q0.31 value: divide by 2^12, rounding.
        sumOfExps = (sumOfExps + rdbpot(expOfDiff(p, diff), ACCUMULATION_INTEGER_BITS)) | 0;
      }
    }

    // sumOfExps >= 2^19 (the maximum contributes exp(0) = 1.0), so it has a leading one.
    const numBitsOverUnit: i32 = ACCUMULATION_INTEGER_BITS - countLeadingZeros(sumOfExps);
    const shiftedScale: i32 = getReciprocal(sumOfExps);
    // 31 - 8 output bits: the Q0.31 quotient in units of 1/256. TFLM aborts (TFLITE_CHECK) when
    // this exceeds 31, which needs a sum of exps >= 512 (at least 512 elements near the
    // maximum); Mote clamps instead, where every output rounds to -128 or -127.
    const exponent: i32 = Math.min(numBitsOverUnit + 23, 31);

    for (let c: i32 = 0; c < p.depth; c++) {
      const diff: i32 = input[base + c] - maxInRow;
      if (diff >= p.diffMin) {
        const unsatOutput: i32 = rdbpot(srdhm(shiftedScale, expOfDiff(p, diff)), exponent);
        output[base + c] = sat8(unsatOutput - 128);
      } else {
        output[base + c] = -128;
      }
    }
  }
}

/**
 * SOFTMAX int8 -> int16 (output zero point -32768, scale 1/65536): TFLite Micro's reference
 * Softmax with an int16 OutputT. The same fixed-point steps as `softmax`; only the final
 * rounding keeps 16 output bits (exponent numBitsOverUnit + 31 - 16) and recentres by -32768.
 */
export function softmaxInt16Out(p: SoftmaxParams, input: Int8Array, output: Int16Array): void {
  for (let row: i32 = 0; row < p.outer; row++) {
    const base: i32 = row * p.depth;
    let maxInRow: i32 = -128;
    for (let c: i32 = 0; c < p.depth; c++) {
      maxInRow = Math.max(maxInRow, input[base + c]);
    }
    let sumOfExps: i32 = 0;
    for (let c: i32 = 0; c < p.depth; c++) {
      const diff: i32 = input[base + c] - maxInRow;
      if (diff >= p.diffMin) {
        sumOfExps = (sumOfExps + rdbpot(expOfDiff(p, diff), ACCUMULATION_INTEGER_BITS)) | 0;
      }
    }
    const numBitsOverUnit: i32 = ACCUMULATION_INTEGER_BITS - countLeadingZeros(sumOfExps);
    const shiftedScale: i32 = getReciprocal(sumOfExps);
    // TFLM asserts the exponent <= 31 (a sum of exps below 2^16); Mote clamps as `softmax` does.
    const exponent: i32 = Math.min(numBitsOverUnit + 15, 31);
    for (let c: i32 = 0; c < p.depth; c++) {
      const diff: i32 = input[base + c] - maxInRow;
      if (diff >= p.diffMin) {
        const unsatOutput: i32 = rdbpot(srdhm(shiftedScale, expOfDiff(p, diff)), exponent);
        output[base + c] = Math.min(Math.max(unsatOutput - 32768, -32768), 32767);
      } else {
        output[base + c] = -32768;
      }
    }
  }
}

/**
 * SOFTMAX int16 -> int16 (zero points 0, output scale 1/32768): TFLite Micro's
 * reference_ops::SoftmaxInt16. Per row: the difference to the row maximum is rescaled by
 * (inputMultiplier, inputLeftShift) (MultiplyByQuantizedMultiplier, either shift sign) so that
 * [-65535, 0] spans [-10, 0], recentred and looked up in `expLut` (exp on [-10, 0]); the exps are
 * kept in `output` and summed; the sum, normalised to Q1.14 and recentred, is looked up in
 * `recipLut` (1 / (1 + x) on [0, 1]) and every exp is scaled by it. Both tables (513 entries,
 * kernels/common/lut16.ts) come from compiler/ops/softmax.ts. diffMin is not used.
 */
export function softmax16(p: SoftmaxParams, input: Int16Array, expLut: Int16Array, recipLut: Int16Array, output: Int16Array): void {
  for (let i: i32 = 0; i < p.outer; i++) {
    const base: i32 = i * p.depth;
    let maxInRow: i32 = -32768;
    for (let c: i32 = 0; c < p.depth; c++) {
      maxInRow = Math.max(maxInRow, input[base + c]);
    }
    let sum: i32 = 0;
    for (let c: i32 = 0; c < p.depth; c++) {
      const scaled: i32 = mbqm(input[base + c] - maxInRow, p.inputMultiplier, p.inputLeftShift);
      const sym: i32 = Math.min(Math.max(scaled + 32767, -32768), 32767);
      const e: i32 = lutLookup16(sym, expLut, 0);
      output[base + c] = e;
      sum = (sum + e) | 0;
    }
    const headroomPlusOne: i32 = countLeadingZeros(sum);
    // ((sum << (h - 1)) + 2^13) >> 14 without the i32 overflow of the + (the shifted sum is < 2^31).
    const shiftedSum: i32 = (((sum << (headroomPlusOne - 1)) >> 1) + 4096) >> 13;
    const symSum: i32 = Math.min(Math.max(shiftedSum - 98304, -32768), 32767);
    const reciprocal: i32 = lutLookup16(symSum, recipLut, 0);
    const rightShift: i32 = 31 - headroomPlusOne;
    const round: i32 = 1 << (rightShift - 1);
    for (let c: i32 = 0; c < p.depth; c++) {
      const result: i32 = (output[base + c] * reciprocal + round) >> rightShift;
      output[base + c] = Math.min(Math.max(result, 0), 32767);
    }
  }
}
