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

/**
 * Doubling high multiply, rounded, without saturation: floor((a*b + 2^30) / 2^31), wrapped to
 * i32. Equals srdhm(a, b) whenever a and b are not both INT32_MIN (then it is INT32_MIN, the
 * wrap of 2^31). The cheap requantization (kernels/common/requantize.ts requantizeTable) uses it
 * where the compiler proved a layer's multipliers are not INT32_MIN.
 */
export function rdhm(a: i32, b: i32): i32 {
  const ah = a >> 16;
  const al = a & 0xffff;
  const bh = b >> 16;
  const bl = b & 0xffff;
  const rest = (ah * bl + al * bh) * TWO_POW_16 + al * bl;
  return (2 * (ah * bh) + Math.floor((rest + TWO_POW_30) / TWO_POW_31)) | 0;
}

/**
 * SMMULR: the high word of the signed 64-bit product, rounded: floor((a*b + 2^31) / 2^32), always
 * in i32. With a = 2x (|x| < 2^30) it is rdhm(x, b) exactly, in one instruction instead of five
 * (kernels/common/requantize.ts requantizeTable2).
 */
export function smmulr(a: i32, b: i32): i32 {
  const ah = a >> 16;
  const al = a & 0xffff;
  const bh = b >> 16;
  const bl = b & 0xffff;
  const rest = (ah * bl + al * bh) * TWO_POW_16 + al * bl;
  return (ah * bh + Math.floor((rest + TWO_POW_31) / TWO_POW_32)) | 0;
}

// ---- Cortex-M7 DSP (SIMD within a register) instructions. Halves are the two signed 16-bit
// halves of an i32 (lo = bits 0-15, hi = bits 16-31); byte k is bits 8k..8k+7. The Q (overflow)
// flag the instructions set is not modelled: every result wraps in i32.

/** SMLAD: acc + lo(x)*lo(y) + hi(x)*hi(y), wrapping. */
export function smlad(x: i32, y: i32, acc: i32): i32 {
  return (acc + ((x << 16) >> 16) * ((y << 16) >> 16) + (x >> 16) * (y >> 16)) | 0;
}

/** SMLADX: acc + lo(x)*hi(y) + hi(x)*lo(y), wrapping (y's halves exchanged). */
export function smladx(x: i32, y: i32, acc: i32): i32 {
  return (acc + ((x << 16) >> 16) * (y >> 16) + (x >> 16) * ((y << 16) >> 16)) | 0;
}

/** SXTB16: bytes 0 and 2 of x, each sign-extended to a half: lo = byte 0, hi = byte 2. */
export function sxtb16(x: i32): i32 {
  return ((((x << 8) >> 24) << 16) | (((x << 24) >> 24) & 0xffff)) | 0;
}

/** SXTB16 with ROR #8: bytes 1 and 3 of x, each sign-extended to a half: lo = byte 1, hi = byte 3. */
export function sxtb16r8(x: i32): i32 {
  return (((x >> 24) << 16) | (((x << 16) >> 24) & 0xffff)) | 0;
}

/** SXTAB16: lo = lo(a) + byte 0 of x, hi = hi(a) + byte 2 of x (bytes sign-extended, each half wraps). */
export function sxtab16(a: i32, x: i32): i32 {
  const lo = (a + ((x << 24) >> 24)) & 0xffff;
  const hi = ((a >> 16) + ((x << 8) >> 24)) << 16;
  return (hi | lo) | 0;
}

/** PKHBT: lo half of a, hi half of (b << sh); sh a constant 0..31. */
export function pkhbt(a: i32, b: i32, sh: i32): i32 {
  return ((a & 0xffff) | ((b << sh) & -65536)) | 0;
}

/** PKHTB: hi half of a, lo half of (b >> sh) (arithmetic); sh a constant 1..31. */
export function pkhtb(a: i32, b: i32, sh: i32): i32 {
  return ((a & -65536) | ((b >> sh) & 0xffff)) | 0;
}

/**
 * A 32-bit little-endian word of int8 data: bytes a[i], a[i+1], a[i+2], a[i+3] (byte 0 = a[i]).
 * i is a byte offset and need not be a multiple of 4 (the Cortex-M7 loads unaligned words; C
 * spells it as a 4-byte memcpy, WASM as an i32.load).
 */
export function ld32(a: Int8Array, i: i32): i32 {
  return ((a[i] & 255) | ((a[i + 1] & 255) << 8) | ((a[i + 2] & 255) << 16) | (a[i + 3] << 24)) | 0;
}

/** Stores the 32-bit word v little-endian into a[i..i+3] (byte 0 of v to a[i]); i a byte offset. */
export function st32(a: Int8Array, i: i32, v: i32): void {
  a[i] = v;
  a[i + 1] = v >> 8;
  a[i + 2] = v >> 16;
  a[i + 3] = v >> 24;
}
