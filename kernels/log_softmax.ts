/**
 * @fileoverview LOG_SOFTMAX, int8, bit-exact with TFLite Micro's reference kernel
 * (reference_ops::LogSoftmaxQuantized at 90b983c2).
 *
 * Per row of the last axis: the sum of exps of the scaled differences to the row maximum (Q5.26
 * in, gemmlowp's exp_on_negative_values, accumulated in Q12.19) as softmax does; its natural log
 * in Q5.26 by TFLite's log_x_for_x_greater_than_or_equal_to_1 (ported below, `logQ5OfQ12`); the
 * cut-off difference `adjusted` = max(diffMin - 1, the log sum mapped back to input units by the
 * reverse scaling divisor); each output = (scaled diff - log sum) rounded to Q4 steps (1/16,
 * right shift 22) + 127, clamped to int8, and -128 at or below the cut-off.
 *
 * compiler/ops/log_softmax.ts computes the record (PreprocessLogSoftmaxScalingExp in double).
 * Arrays: input, output, outer * depth each, not aliased.
 */
import type { i32 } from "./types.ts";
import { mbqm, rdbpot, satLsh, srdhm } from "./intrinsics.ts";
import {
  countLeadingZeros, expOnNegativeValues, oneOverOnePlusXForXIn01, roundingHalfSum, saturatingRoundingMultiplyByPOT,
} from "./fixedpoint.ts";

export interface LogSoftmaxParams {
  outer: i32;
  depth: i32;
  inputMultiplier: i32;
  inputLeftShift: i32;
  reverseScalingDivisor: i32;
  /** TFLM's -reverse_scaling_right_shift: the (<= 0) shift of the reverse scaling. */
  reverseScalingShift: i32;
  diffMin: i32;
}

const INT32_MIN: i32 = -2147483648;
const INT32_MAX: i32 = 2147483647;

/** a + b saturated to i32 (TFLite's SaturatingAddNonGemmlowp). */
function saturatingAdd(a: i32, b: i32): i32 {
  const sum: i32 = (a + b) | 0;
  if (a >= 0 && b >= 0 && sum < 0) {
    return INT32_MAX;
  }
  if (a < 0 && b < 0 && sum >= 0) {
    return INT32_MIN;
  }
  return sum;
}

/** a - b saturated to i32 (gemmlowp's SaturatingSub). */
function saturatingSub(a: i32, b: i32): i32 {
  const diff: i32 = (a - b) | 0;
  if (a >= 0 && b < 0 && diff < 0) {
    return INT32_MAX;
  }
  if (a < 0 && b >= 0 && diff >= 0) {
    return INT32_MIN;
  }
  return diff;
}

/**
 * log_x_for_x_greater_than_or_equal_to_1_impl<5, 12>: ln of a Q12.19 raw value, as a Q5.26 raw
 * value, accumulated in Q6.25 (kAccumIntegerBits = 6).
 */
function logQ5OfQ12(input: i32): i32 {
  const log2: i32 = 1488522236;
  const sqrtSqrtHalf: i32 = 1805811301;
  const sqrtHalf: i32 = 1518500250;
  const alphaN: i32 = 117049297;
  const alphaD: i32 = 127690142;
  const alphaI: i32 = 1057819769;
  const alphaF: i32 = 638450708;
  const shiftedQuarter: i32 = 8388608; // Rescale<6>(1/4 in Q0.31)

  const za: i32 = input;
  const zaHeadroomPlus1: i32 = countLeadingZeros(za);
  const raTmp: i32 = saturatingRoundingMultiplyByPOT(za, zaHeadroomPlus1 - 1);
  const raRaw: i32 = saturatingRoundingMultiplyByPOT(srdhm(raTmp, sqrtHalf), 1);
  const zaPow2Adj: i32 = saturatingAdd(saturatingRoundingMultiplyByPOT(12 - zaHeadroomPlus1, 25), shiftedQuarter);

  const zb: i32 = srdhm(za, sqrtHalf);
  const zbHeadroom: i32 = countLeadingZeros(zb) - 1;
  const rbRaw: i32 = saturatingRoundingMultiplyByPOT(za, zbHeadroom);
  const zbPow2Adj: i32 = saturatingSub(saturatingRoundingMultiplyByPOT(12 - zbHeadroom, 25), shiftedQuarter);

  const r: i32 = Math.min(raRaw, rbRaw);
  const zPow2Adj: i32 = Math.max(zaPow2Adj, zbPow2Adj);

  const p: i32 = roundingHalfSum(r, sqrtSqrtHalf);
  let q: i32 = (r - sqrtSqrtHalf) | 0;
  q = (q + q) | 0;
  const commonSq: i32 = srdhm(q, q);
  const num: i32 = (srdhm(q, r) + srdhm(srdhm(q, commonSq), alphaN)) | 0;
  const denomMinusOne: i32 = (srdhm(p, (((alphaI + q) | 0) + srdhm(alphaD, commonSq)) | 0) + srdhm(alphaF, q)) | 0;
  const recipDenom: i32 = oneOverOnePlusXForXIn01(denomMinusOne);
  const numScaled: i32 = rdbpot(num, 6);
  const sum: i32 = (srdhm(zPow2Adj, log2) + srdhm(numScaled, recipDenom)) | 0;
  return satLsh(sum, 1); // Rescale<5> of a Q6 value
}

export function logSoftmax(p: LogSoftmaxParams, input: Int8Array, output: Int8Array): void {
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
        const scaled: i32 = mbqm(diff, p.inputMultiplier, p.inputLeftShift);
        sumOfExps = (sumOfExps + rdbpot(expOnNegativeValues(scaled, 5), 12)) | 0;
      }
    }
    const logSum: i32 = logQ5OfQ12(sumOfExps);
    const shiftedLogSum: i32 = (logSum + INT32_MIN) | 0;
    const adjusted: i32 = Math.max(p.diffMin - 1, mbqm(shiftedLogSum, p.reverseScalingDivisor, p.reverseScalingShift));
    for (let c: i32 = 0; c < p.depth; c++) {
      const diff: i32 = input[base + c] - maxInRow;
      if (diff > adjusted) {
        const scaled: i32 = mbqm(diff, p.inputMultiplier, p.inputLeftShift);
        let out: i32 = rdbpot((scaled - logSum) | 0, 22) + 127;
        out = Math.max(out, -128);
        out = Math.min(out, 127);
        output[base + c] = out;
      } else {
        output[base + c] = -128;
      }
    }
  }
}
