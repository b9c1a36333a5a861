/**
 * @fileoverview TFLite's GetInvSqrtQuantizedMultiplierExp (kernels/internal/common.h at 90b983c2)
 * in the kernel subset, for RSQRT and L2_NORMALIZATION: 1/sqrt(input) of an integer input >= 0 as
 * a Q0.31 multiplier and a shift (TFLite convention after kReverseShift = -1: positive = left),
 * found by five Newton-Raphson steps in gemmlowp's Q3.28 fixed point. The out-parameter pair of
 * TFLite is two functions here, each redoing the cheap normalisation.
 */
import type { i32 } from "../types.ts";
import { rdbpot, srdhm } from "../intrinsics.ts";
import { countLeadingZeros, rescale } from "../fixedpoint.ts";

const INT32_MAX: i32 = 2147483647;

/** The pairs of bits the normalised input was shifted left by (input > 1). */
function leftShiftBitPairs(input: i32): i32 {
  let v: i32 = input;
  while (v >= 536870912) {
    v = v >> 2;
  }
  const maxLeftShiftBits: i32 = countLeadingZeros(v) - 1;
  return (maxLeftShiftBits >> 1) - 1;
}

/** The right shift TFLite computes before the final adjustment (input > 1). */
function rawShift(input: i32): i32 {
  let v: i32 = input;
  let shift: i32 = 11;
  while (v >= 536870912) {
    v = v >> 2;
    shift++;
  }
  return shift - leftShiftBitPairs(input);
}

/** The shift of 1/sqrt(input) (positive = left), as TFLite returns it with kReverseShift. */
export function invSqrtShift(input: i32): i32 {
  if (input <= 1) {
    return 0;
  }
  const shift: i32 = rawShift(input);
  return shift < 0 ? 0 : -shift;
}

/** The Q0.31 multiplier of 1/sqrt(input) (INT32_MAX for input <= 1, as TFLite). */
export function invSqrtMultiplier(input: i32): i32 {
  if (input <= 1) {
    return INT32_MAX;
  }
  let v: i32 = input;
  while (v >= 536870912) {
    v = v >> 2;
  }
  v = v << (2 * leftShiftBitPairs(input));
  // Q3.28: the input, half of it, 1.5 and the start value 1.0.
  const fixedInput: i32 = v >> 1;
  const halfInput: i32 = rdbpot(fixedInput, 1);
  const halfThree: i32 = 402653184;
  let x: i32 = 268435456;
  for (let i: i32 = 0; i < 5; i++) {
    const x3: i32 = rescale(srdhm(srdhm(x, x), x), 9, 3);
    x = rescale((srdhm(halfThree, x) - srdhm(halfInput, x3)) | 0, 6, 3);
  }
  x = srdhm(x, 1518500250); // times sqrt(2)/2 in Q0.31
  const shift: i32 = rawShift(input);
  if (shift < 0) {
    x = x << -shift;
  }
  return x;
}
