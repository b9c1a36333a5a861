/**
 * @fileoverview gemmlowp-style fixed-point math (fixedpoint/fixedpoint.h, the version TFLite
 * Micro 90b983c2 downloads) written in the kernel subset.
 *
 * A gemmlowp `FixedPoint<int32, N>` value is passed here as its raw i32: the real value is
 * raw / 2^(31 - N). The integer-bits count N is a parameter where the math depends on it
 * (specialization folds it), and the product of a QM and a QN value is a Q(M+N) value whose raw
 * is `srdhm(a, b)`. Only what int8 SOFTMAX, LOGISTIC and TANH need is here: masks,
 * saturating/rounding power-of-two scaling, `rescale`, the rounding half sum, exp on negative
 * values, 1/(1+x) and (1-x)/(1+x) on [0, 1), logistic, tanh, and a count of leading zeros for
 * the reciprocal's normalisation.
 *
 * Neighbours: built on kernels/intrinsics.ts (`srdhm`, `rdbpot`, `satLsh`); used by
 * kernels/softmax.ts, kernels/logistic.ts and kernels/tanh.ts. test/softmax/fixedpoint.test.ts checks every function against a BigInt
 * transliteration of gemmlowp.
 *
 * Invariants: every function is pure i32 -> i32 and bit-exact with gemmlowp's scalar int32 path
 * (its plain `+`/`-` wrap here with `| 0`, where gemmlowp relies on them not overflowing).
 */
import type { i32 } from "./types.ts";
import { rdbpot, satLsh, srdhm } from "./intrinsics.ts";

/** Raw value of 1.0 in Q0.31 (gemmlowp's `FixedPoint<int32, 0>::One()`, i.e. INT32_MAX). */
const Q0_ONE: i32 = 2147483647;
/** INT32_MIN: the bit pattern 2^31 (1.0 as an unsigned Q0.32 value). */
const SIGN_BIT: i32 = -2147483648;

/** All ones (-1) when `a` is non-zero, else 0. */
export function maskIfNonZero(a: i32): i32 {
  return a !== 0 ? -1 : 0;
}

/** All ones when `a` is zero, else 0. */
export function maskIfZero(a: i32): i32 {
  return a === 0 ? -1 : 0;
}

/** All ones when a < b, else 0. */
export function maskIfLessThan(a: i32, b: i32): i32 {
  return a < b ? -1 : 0;
}

/** All ones when a > b, else 0. */
export function maskIfGreaterThan(a: i32, b: i32): i32 {
  return a > b ? -1 : 0;
}

/** Bitwise select: bits of `thenVal` where `mask` is set, bits of `elseVal` elsewhere. */
export function selectUsingMask(mask: i32, thenVal: i32, elseVal: i32): i32 {
  return (mask & thenVal) ^ (~mask & elseVal);
}

/**
 * gemmlowp's SaturatingRoundingMultiplyByPOT<exponent>: x * 2^exponent, saturating for
 * exponent > 0, rounding half away from zero for exponent < 0. exponent in -31..31.
 */
export function saturatingRoundingMultiplyByPOT(x: i32, exponent: i32): i32 {
  if (exponent > 0) {
    return satLsh(x, exponent);
  }
  if (exponent < 0) {
    return rdbpot(x, -exponent);
  }
  return x;
}

/** gemmlowp's Rescale<dstIntegerBits>: a Q(src) raw value re-expressed as Q(dst). */
export function rescale(x: i32, srcIntegerBits: i32, dstIntegerBits: i32): i32 {
  return saturatingRoundingMultiplyByPOT(x, srcIntegerBits - dstIntegerBits);
}

/**
 * gemmlowp's RoundingHalfSum for int32: (a + b) / 2 rounded half away from zero, computed
 * without a 64-bit sum: floor((a + b) / 2) is exact in i32 and has the sign of a + b.
 */
export function roundingHalfSum(a: i32, b: i32): i32 {
  const halfFloor: i32 = (a >> 1) + (b >> 1) + (a & b & 1);
  if (halfFloor >= 0) {
    return halfFloor + ((a ^ b) & 1);
  }
  return halfFloor;
}

/**
 * exp(a) for a Q0.31 `a` in [-1/4, 0): gemmlowp's 4th-order Taylor expansion around -1/8.
 * Returns Q0.31.
 */
export function expOnIntervalBetweenNegativeOneQuarterAnd0Excl(a: i32): i32 {
  const constantTerm: i32 = 1895147668; // exp(-1/8) in Q0.31
  const constantOneOver3: i32 = 715827883; // 1/3 in Q0.31
  const x: i32 = (a + 268435456) | 0; // a + 1/8 (2^28 in Q0.31)
  const x2: i32 = srdhm(x, x);
  const x3: i32 = srdhm(x2, x);
  const x4: i32 = srdhm(x2, x2);
  const x4Over4: i32 = rdbpot(x4, 2);
  const poly: i32 = rdbpot((srdhm((x4Over4 + x3) | 0, constantOneOver3) + x2) | 0, 1);
  return (constantTerm + srdhm(constantTerm, (x + poly) | 0)) | 0;
}

/**
 * One step of gemmlowp's exp barrel shifter: when bit `shiftAmount` of `remainder` is set,
 * multiply `result` (Q0.31) by `multiplier` = exp(-2^k) in Q0.31.
 */
function expBarrelStep(result: i32, remainder: i32, shiftAmount: i32, multiplier: i32): i32 {
  return selectUsingMask(
    maskIfNonZero(remainder & (1 << shiftAmount)),
    srdhm(result, multiplier),
    result,
  );
}

/**
 * gemmlowp's exp_on_negative_values: exp(a) for a Q`integerBits` value a <= 0 (integerBits in
 * 0..29), returned in Q0.31. exp(0) is One() = INT32_MAX.
 */
export function expOnNegativeValues(a: i32, integerBits: i32): i32 {
  const fractionalBits: i32 = 31 - integerBits;
  const oneQuarter: i32 = 1 << (fractionalBits - 2);
  const mask: i32 = oneQuarter - 1;
  const aModQuarterMinusOneQuarter: i32 = ((a & mask) - oneQuarter) | 0;
  let result: i32 = expOnIntervalBetweenNegativeOneQuarterAnd0Excl(
    rescale(aModQuarterMinusOneQuarter, integerBits, 0),
  );
  const remainder: i32 = (aModQuarterMinusOneQuarter - a) | 0;
  if (integerBits > -2) {
    result = expBarrelStep(result, remainder, fractionalBits - 2, 1672461947); // exp(-1/4)
  }
  if (integerBits > -1) {
    result = expBarrelStep(result, remainder, fractionalBits - 1, 1302514674); // exp(-1/2)
  }
  if (integerBits > 0) {
    result = expBarrelStep(result, remainder, fractionalBits, 790015084); // exp(-1)
  }
  if (integerBits > 1) {
    result = expBarrelStep(result, remainder, fractionalBits + 1, 290630308); // exp(-2)
  }
  if (integerBits > 2) {
    result = expBarrelStep(result, remainder, fractionalBits + 2, 39332535); // exp(-4)
  }
  if (integerBits > 3) {
    result = expBarrelStep(result, remainder, fractionalBits + 3, 720401); // exp(-8)
  }
  if (integerBits > 4) {
    result = expBarrelStep(result, remainder, fractionalBits + 4, 242); // exp(-16)
  }
  if (integerBits > 5) {
    // Below -32 the result is 0 (the barrel shifter covers only 2^-2 .. 2^4).
    const clamp: i32 = -(1 << (36 - integerBits));
    result = selectUsingMask(maskIfLessThan(a, clamp), 0, result);
  }
  return selectUsingMask(maskIfZero(a), Q0_ONE, result);
}

/**
 * gemmlowp's one_over_one_plus_x_for_x_in_0_1: 1 / (1 + a) for a Q0.31 `a` in [0, 1), by three
 * Newton-Raphson steps in Q2.29 on the half denominator. Returns Q0.31.
 */
export function oneOverOnePlusXForXIn01(a: i32): i32 {
  const q2One: i32 = 536870912; // 1.0 in Q2.29
  const halfDenominator: i32 = roundingHalfSum(a, Q0_ONE);
  // 48/17 and -32/17 in Q2.29
  let x: i32 = (1515870810 + srdhm(halfDenominator, -1010580540)) | 0;
  for (let i: i32 = 0; i < 3; i++) {
    const halfDenominatorTimesX: i32 = srdhm(halfDenominator, x);
    const oneMinusHalfDenominatorTimesX: i32 = (q2One - halfDenominatorTimesX) | 0;
    // Q2 * Q2 = Q4, rescaled to Q2
    x = (x + satLsh(srdhm(x, oneMinusHalfDenominatorTimesX), 2)) | 0;
  }
  // ExactMulByPot<-1> makes x a Q1.30 value with the same raw; Rescale<0> from Q1.
  return satLsh(x, 1);
}

/** Number of leading zero bits of x as an unsigned 32-bit value (32 for 0). */
export function countLeadingZeros(x: i32): i32 {
  if (x === 0) {
    return 32;
  }
  let v: i32 = x;
  let n: i32 = 0;
  if (v >>> 16 === 0) {
    n += 16;
    v = v << 16;
  }
  if (v >>> 24 === 0) {
    n += 8;
    v = v << 8;
  }
  if (v >>> 28 === 0) {
    n += 4;
    v = v << 4;
  }
  if (v >>> 30 === 0) {
    n += 2;
    v = v << 2;
  }
  if (v >>> 31 === 0) {
    n += 1;
  }
  return n;
}

/**
 * TFLite's GetReciprocal(x, xIntegerBits, &numBitsOverUnit) without the out-parameter: the Q0.31
 * raw of 2^numBitsOverUnit / x for a Q`xIntegerBits` value x > 0, where the caller computes
 * numBitsOverUnit = xIntegerBits - countLeadingZeros(x) itself. (x = 0 is outside TFLite's
 * domain too: it would shift by 32.)
 */
export function getReciprocal(x: i32): i32 {
  const headroomPlusOne: i32 = countLeadingZeros(x);
  // x normalised so that its top set bit is bit 31, minus 1.0 (2^31 as unsigned): a Q0.31 value
  // in [0, 1). Subtracting 2^31 modulo 2^32 is flipping bit 31.
  const shiftedSumMinusOne: i32 = (x << headroomPlusOne) ^ SIGN_BIT;
  return oneOverOnePlusXForXIn01(shiftedSumMinusOne);
}

/**
 * The three Newton-Raphson steps gemmlowp's one_over_one_plus_x_for_x_in_0_1 and
 * one_minus_x_over_one_plus_x_for_x_in_0_1 share: x ~ 1 / halfDenominator for a Q0.31
 * halfDenominator in [1/2, 1), returned as a Q2.29 raw value.
 */
function reciprocalOfHalfDenominatorQ2(halfDenominator: i32): i32 {
  const q2One: i32 = 536870912; // 1.0 in Q2.29
  // 48/17 and -32/17 in Q2.29
  let x: i32 = (1515870810 + srdhm(halfDenominator, -1010580540)) | 0;
  for (let i: i32 = 0; i < 3; i++) {
    const halfDenominatorTimesX: i32 = srdhm(halfDenominator, x);
    const oneMinusHalfDenominatorTimesX: i32 = (q2One - halfDenominatorTimesX) | 0;
    x = (x + satLsh(srdhm(x, oneMinusHalfDenominatorTimesX), 2)) | 0;
  }
  return x;
}

/**
 * gemmlowp's one_minus_x_over_one_plus_x_for_x_in_0_1: (1 - a) / (1 + a) for a Q0.31 `a` in
 * [0, 1). Returns Q0.31: Rescale<0> of (x - 1) in Q2.29, a saturating shift left by 2.
 */
export function oneMinusXOverOnePlusXForXIn01(a: i32): i32 {
  const x: i32 = reciprocalOfHalfDenominatorQ2(roundingHalfSum(a, Q0_ONE));
  return satLsh((x - 536870912) | 0, 2);
}

/**
 * gemmlowp's logistic(a) = 1 / (1 + exp(-a)) for a Q`integerBits` value a (integerBits in
 * 0..29), returned in Q0.31; logistic(0) is exactly 1/2.
 */
export function logisticQ0(a: i32, integerBits: i32): i32 {
  const maskIfPositive: i32 = maskIfGreaterThan(a, 0);
  const absInput: i32 = selectUsingMask(maskIfPositive, a, (0 - a) | 0);
  const resultIfPositive: i32 = oneOverOnePlusXForXIn01(expOnNegativeValues((0 - absInput) | 0, integerBits));
  const resultIfNegative: i32 = (Q0_ONE - resultIfPositive) | 0;
  return selectUsingMask(
    maskIfZero(a),
    1073741824, // 1/2 in Q0.31
    selectUsingMask(maskIfPositive, resultIfPositive, resultIfNegative),
  );
}

/**
 * gemmlowp's tanh(a) for a Q`integerBits` value a (integerBits in 0..28), returned in Q0.31:
 * (1 - exp(-2|a|)) / (1 + exp(-2|a|)) with the sign of a. exp(2n) is exp_on_negative_values of
 * the same raw read as Q(integerBits + 1) (gemmlowp's ExactMulByPot<1>).
 */
export function tanhQ0(a: i32, integerBits: i32): i32 {
  const maskIfNegative: i32 = maskIfLessThan(a, 0);
  const n: i32 = selectUsingMask(maskIfNegative, a, (0 - a) | 0);
  const t: i32 = oneMinusXOverOnePlusXForXIn01(expOnNegativeValues(n, integerBits + 1));
  return selectUsingMask(maskIfZero(a), 0, selectUsingMask(maskIfNegative, (0 - t) | 0, t));
}
