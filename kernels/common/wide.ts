/**
 * @fileoverview 64-bit accumulator arithmetic for the 16x8 kernels (int16 activations, int8
 * weights, int64 bias), which TFLite Micro accumulates in int64_t. The subset has no i64, so a
 * 64-bit value is a pair of i32 (hi, lo): `ltu` gives the carry of a 32-bit add, and `mbqm64` is
 * TFLite's MultiplyByQuantizedMultiplier(int64_t x, int32_t multiplier, int shift)
 * (kernels/internal/common.cc): the multiplier rounded to 15 bits, then
 * (x * reduced + 2^(total_shift - 1)) >> total_shift with total_shift = 15 - shift, exact in
 * 64-bit arithmetic built from mulHi/mulLo. Subset code; kernels/common/ functions are inlined.
 */
import type { i32 } from "../types.ts";
import { mulHi, mulLo } from "../intrinsics.ts";

/** 1 when a < b as unsigned 32-bit values, else 0 (the carry out of a 32-bit add: ltu(sum, addend)). */
export function ltu(a: i32, b: i32): i32 {
  if ((a ^ 0x80000000) < (b ^ 0x80000000)) {
    return 1;
  }
  return 0;
}

/**
 * TFLite's int64 MultiplyByQuantizedMultiplier of x = hi * 2^32 + unsigned(lo), with
 * |x| < 2^47, a multiplier in [0, 2^31) and shift in -31..7; the result fits an i32 (TFLite's
 * assumption; the low word of the shifted value otherwise, as its static_cast).
 */
export function mbqm64(hi: i32, lo: i32, multiplier: i32, shift: i32): i32 {
  let reduced: i32 = 0x7fff;
  if (multiplier < 0x7fff0000) {
    reduced = (multiplier + 32768) >> 16;
  }
  const total: i32 = 15 - shift;
  // (ph, pl) = x * reduced: unsigned(lo) * reduced = lo * reduced + (lo < 0 ? reduced * 2^32 : 0).
  let ph: i32 = (mulHi(lo, reduced) + Math.imul(hi, reduced)) | 0;
  if (lo < 0) {
    ph = (ph + reduced) | 0;
  }
  let pl: i32 = mulLo(lo, reduced);
  // + 2^(total - 1)
  if (total <= 32) {
    const sum: i32 = (pl + (1 << (total - 1))) | 0;
    ph = (ph + ltu(sum, pl)) | 0;
    pl = sum;
  } else {
    ph = (ph + (1 << (total - 33))) | 0;
  }
  if (total < 32) {
    return (pl >>> total) | (ph << (32 - total));
  }
  return ph >> (total - 32);
}
