/**
 * @fileoverview An independent model of gemmlowp's scalar int32 fixed point and of TFLite's
 * int8 softmax, written with BigInt so every 64-bit product and every C integer operation is
 * exact and checked. Test-only: test/softmax/*.test.ts compares kernels/fixedpoint.ts and
 * kernels/softmax.ts against it.
 *
 * Deliberately not built on kernels/intrinsics.ts: the primitives here follow gemmlowp's C++
 * definitions literally (64-bit nudge-and-truncate for SRDHM, mask/threshold RDBPOT, 64-bit
 * ShiftLeft with saturation), and every plain `+`/`-` that gemmlowp performs on int32 throws
 * if it would overflow (undefined behaviour in C++), so a wrapped result in the subset code
 * can never hide behind a matching wrap here.
 */

const I32_MIN = -(2n ** 31n);
const I32_MAX = 2n ** 31n - 1n;

function checkI32(x: bigint, what: string): bigint {
  if (x < I32_MIN || x > I32_MAX) throw new Error(`int32 overflow in ${what}: ${x}`);
  return x;
}

/** C++ int32 `a + b` (UB on overflow: throws). */
export function add(a: bigint, b: bigint): bigint {
  return checkI32(a + b, "add");
}

/** C++ int32 `a - b` (UB on overflow: throws). */
export function sub(a: bigint, b: bigint): bigint {
  return checkI32(a - b, "sub");
}

/** C++ `/` on int64: truncates toward zero (BigInt division does the same). */
function cdiv(a: bigint, b: bigint): bigint {
  return a / b;
}

export function srdhm(a: bigint, b: bigint): bigint {
  if (a === b && a === I32_MIN) return I32_MAX;
  const ab = a * b;
  const nudge = ab >= 0n ? 1n << 30n : 1n - (1n << 30n);
  return checkI32(cdiv(ab + nudge, 1n << 31n), "srdhm");
}

/** Two's-complement bitwise and of int32 values (BigInt `&` is two's complement already). */
function band(a: bigint, b: bigint): bigint {
  return BigInt.asIntN(32, a & b);
}

export function rdbpot(x: bigint, exponent: number): bigint {
  if (exponent < 0 || exponent > 31) throw new Error(`rdbpot exponent ${exponent}`);
  const mask = BigInt.asIntN(32, (1n << BigInt(exponent)) - 1n);
  const remainder = band(x, mask);
  const threshold = (mask >> 1n) + (x < 0n ? 1n : 0n);
  return (x >> BigInt(exponent)) + (remainder > threshold ? 1n : 0n);
}

/** gemmlowp ShiftLeft: 64-bit product, saturated to int32. */
function shiftLeft(x: bigint, n: number): bigint {
  const wide = x * (1n << BigInt(n));
  return wide < I32_MIN ? I32_MIN : wide > I32_MAX ? I32_MAX : wide;
}

export function saturatingRoundingMultiplyByPOT(x: bigint, exponent: number): bigint {
  if (exponent === 0) return x;
  if (exponent < 0) return rdbpot(x, -exponent);
  const threshold = (1n << BigInt(31 - exponent)) - 1n;
  if (x > threshold) return I32_MAX;
  if (x < -threshold) return I32_MIN;
  return shiftLeft(x, exponent);
}

export function rescale(x: bigint, src: number, dst: number): bigint {
  return saturatingRoundingMultiplyByPOT(x, src - dst);
}

export function roundingHalfSum(a: bigint, b: bigint): bigint {
  const sum = a + b;
  const sign = sum >= 0n ? 1n : -1n;
  return checkI32(cdiv(sum + sign, 2n), "roundingHalfSum");
}

export function expOnIntervalBetweenNegativeOneQuarterAnd0Excl(a: bigint): bigint {
  const constantTerm = 1895147668n;
  const oneThird = 715827883n;
  const x = add(a, 1n << 28n);
  const x2 = srdhm(x, x);
  const x3 = srdhm(x2, x);
  const x4 = srdhm(x2, x2);
  const x4Over4 = saturatingRoundingMultiplyByPOT(x4, -2);
  const poly = saturatingRoundingMultiplyByPOT(add(srdhm(add(x4Over4, x3), oneThird), x2), -1);
  return add(constantTerm, srdhm(constantTerm, add(x, poly)));
}

const BARREL: ReadonlyArray<[number, bigint]> = [
  [-2, 1672461947n],
  [-1, 1302514674n],
  [0, 790015084n],
  [1, 290630308n],
  [2, 39332535n],
  [3, 720401n],
  [4, 242n],
];

export function expOnNegativeValues(a: bigint, integerBits: number): bigint {
  const fractionalBits = 31 - integerBits;
  const oneQuarter = 1n << BigInt(fractionalBits - 2);
  const mask = sub(oneQuarter, 1n);
  const aModQuarterMinusOneQuarter = sub(band(a, mask), oneQuarter);
  let result = expOnIntervalBetweenNegativeOneQuarterAnd0Excl(rescale(aModQuarterMinusOneQuarter, integerBits, 0));
  const remainder = sub(aModQuarterMinusOneQuarter, a);
  for (const [exponent, multiplier] of BARREL) {
    if (integerBits > exponent) {
      const shift = fractionalBits + exponent;
      if (band(remainder, 1n << BigInt(shift)) !== 0n) result = srdhm(result, multiplier);
    }
  }
  if (integerBits > 5) {
    const clamp = -(1n << BigInt(36 - integerBits));
    if (a < clamp) result = 0n;
  }
  if (a === 0n) result = I32_MAX;
  return result;
}

export function oneOverOnePlusXForXIn01(a: bigint): bigint {
  const halfDenominator = roundingHalfSum(a, I32_MAX);
  let x = add(1515870810n, srdhm(halfDenominator, -1010580540n));
  const q2One = 1n << 29n;
  for (let i = 0; i < 3; i++) {
    const hdx = srdhm(halfDenominator, x);
    const omh = sub(q2One, hdx);
    x = add(x, rescale(srdhm(x, omh), 4, 2));
  }
  return rescale(x, 1, 0);
}

export function countLeadingZeros(x: bigint): number {
  const u = BigInt.asUintN(32, x);
  if (u === 0n) return 32;
  let n = 0;
  for (let bit = 31n; bit >= 0n && ((u >> bit) & 1n) === 0n; bit--) n++;
  return n;
}

/** TFLite's GetReciprocal: [Q0.31 reciprocal raw, num_bits_over_unit]. */
export function getReciprocal(x: bigint, xIntegerDigits: number): [bigint, number] {
  const headroomPlusOne = countLeadingZeros(x);
  const numBitsOverUnit = xIntegerDigits - headroomPlusOne;
  const shifted = BigInt.asUintN(32, BigInt.asUintN(32, x) << BigInt(headroomPlusOne));
  const shiftedSumMinusOne = BigInt.asIntN(32, shifted - (1n << 31n));
  return [oneOverOnePlusXForXIn01(shiftedSumMinusOne), numBitsOverUnit];
}

/** TFLite's reference int8 Softmax on one row, from its precomputed params. */
export function softmaxRow(
  row: readonly number[],
  inputMultiplier: number,
  inputLeftShift: number,
  diffMin: number,
  outputBits: 8 | 16 = 8,
): number[] {
  const outMin = outputBits === 8 ? -128 : -32768;
  const maxInRow = Math.max(-128, ...row);
  const expOf = (diff: number): bigint => {
    const scaled = srdhm(checkI32(BigInt(diff) * (1n << BigInt(inputLeftShift)), "diff << shift"), BigInt(inputMultiplier));
    return expOnNegativeValues(scaled, 5);
  };
  let sum = 0n;
  for (const v of row) {
    const diff = v - maxInRow;
    if (diff >= diffMin) sum = add(sum, rescale(expOf(diff), 0, 12));
  }
  const [shiftedScale, numBitsOverUnit] = getReciprocal(sum, 12);
  const exponent = numBitsOverUnit + 31 - outputBits;
  if (exponent < 0 || exponent > 31) throw new Error(`TFLITE_CHECK exponent ${exponent}`);
  return row.map((v) => {
    const diff = v - maxInRow;
    if (diff < diffMin) return outMin;
    const unsat = rdbpot(srdhm(shiftedScale, expOf(diff)), exponent);
    const shifted = Number(unsat) + outMin;
    return Math.max(outMin, Math.min(-outMin - 1, shifted));
  });
}
