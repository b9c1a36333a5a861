/**
 * @fileoverview Fixed-point intrinsics: the exact TypeScript reference of every step that needs
 * more than i32 arithmetic (64-bit products, saturation, rounding shifts).
 *
 * Kernels call these by name; under Node they run as written here (the reference semantics).
 * The subset compiler never compiles this file: compiler/intrinsics.ts maps each call to a C
 * function in runtime/mote_intrinsics.h and to a WASM function from
 * compiler/emit/wasm/intrinsics.ts, and test/intrinsics/ checks the three agree bit for bit.
 *
 * Invariants: every argument and result is an int32 value (a JS number in [-2^31, 2^31-1]).
 * No float shortcuts for 64-bit products: a product is split into 16-bit halves so that every
 * intermediate double is an exact integer below 2^53. Semantics follow TFLite Micro at 90b983c2
 * (tensorflow/lite/kernels/internal/common.{h,cc}, double rounding) and gemmlowp fixedpoint.h;
 * docs/intrinsics.md has the table.
 */
import type { i32 } from "./types.ts";

const INT32_MIN: i32 = -2147483648;
const INT32_MAX: i32 = 2147483647;
const TWO_POW_16: i32 = 65536;
const TWO_POW_30: i32 = 1073741824;
const TWO_POW_31 = 2147483648;
const TWO_POW_32 = 4294967296;

/**
 * SaturatingRoundingDoublingHighMul (gemmlowp): round(a*b / 2^31) with ties toward +infinity
 * (1.5 -> 2, -1.5 -> -1); only INT32_MIN*INT32_MIN saturates, to INT32_MAX.
 * gemmlowp writes trunc((ab + nudge) / 2^31) with nudge = ab >= 0 ? 2^30 : 1 - 2^30; for every
 * 64-bit ab that equals floor((ab + 2^30) / 2^31), which is what is computed here.
 */
export function srdhm(a: i32, b: i32): i32 {
  // a*b = hh*2^32 + rest, rest = mid*2^16 + ll: every part is an exact double (|rest| < 2^49).
  const ah = a >> 16;
  const al = a & 0xffff;
  const bh = b >> 16;
  const bl = b & 0xffff;
  const rest = (ah * bl + al * bh) * TWO_POW_16 + al * bl;
  const r = 2 * (ah * bh) + Math.floor((rest + TWO_POW_30) / TWO_POW_31);
  return r > INT32_MAX ? INT32_MAX : r; // r = 2^31 only for INT32_MIN * INT32_MIN
}

/**
 * RoundingDivideByPOT (gemmlowp): x / 2^exponent rounded to nearest, ties away from zero.
 * exponent in 0..31.
 */
export function rdbpot(x: i32, exponent: i32): i32 {
  const mask = ((1 << exponent) - 1) | 0;
  const remainder = x & mask;
  const threshold = (mask >> 1) + (x < 0 ? 1 : 0);
  return (x >> exponent) + (remainder > threshold ? 1 : 0);
}

/**
 * TFLite's MultiplyByQuantizedMultiplier(int32 x, int32 multiplier, int shift), double rounding:
 * rdbpot(srdhm(x * 2^left [wrapping], multiplier), right) with left = max(shift, 0) and
 * right = max(-shift, 0). shift in -31..31 (TFLite's QuantizeMultiplier never yields < -31).
 */
export function mbqm(x: i32, multiplier: i32, shift: i32): i32 {
  const left = shift > 0 ? shift : 0;
  const right = shift > 0 ? 0 : -shift;
  return rdbpot(srdhm(x << left, multiplier), right);
}

/** Clamp to int8: [-128, 127]. */
export function sat8(x: i32): i32 {
  return x < -128 ? -128 : x > 127 ? 127 : x;
}

/** Clamp to int16: [-32768, 32767]. */
export function sat16(x: i32): i32 {
  return x < -32768 ? -32768 : x > 32767 ? 32767 : x;
}

/** Wrapping narrow to int8 (two's complement), sign-extended back to i32. */
export function toI8(x: i32): i32 {
  return (x << 24) >> 24;
}

/** Wrapping narrow to int16 (two's complement), sign-extended back to i32. */
export function toI16(x: i32): i32 {
  return (x << 16) >> 16;
}

/** High 32 bits of the signed 64-bit product a*b (floor(a*b / 2^32)). */
export function mulHi(a: i32, b: i32): i32 {
  // Same exact split as srdhm (kept inline: a shared helper costs ~2x under V8).
  const ah = a >> 16;
  const al = a & 0xffff;
  const bh = b >> 16;
  const bl = b & 0xffff;
  const rest = (ah * bl + al * bh) * TWO_POW_16 + al * bl;
  return ah * bh + Math.floor(rest / TWO_POW_32);
}

/** Low 32 bits of the signed 64-bit product a*b, as a signed i32 (wrapping multiply). */
export function mulLo(a: i32, b: i32): i32 {
  return Math.imul(a, b);
}

/** x * 2^n clamped to [INT32_MIN, INT32_MAX]; n in 0..31 (gemmlowp's saturating left shift). */
export function satLsh(x: i32, n: i32): i32 {
  if (x > INT32_MAX >> n) return INT32_MAX;
  if (x < INT32_MIN >> n) return INT32_MIN;
  return x << n;
}
