/**
 * @fileoverview The end of every int8 multiply-accumulate kernel (CONV_2D, DEPTHWISE_CONV_2D,
 * FULLY_CONNECTED), as in TFLite Micro's reference_integer_ops: add the bias, requantize the i32
 * accumulator with the channel's fixed-point multiplier and shift (`requantize`), then add the
 * output zero point and clamp to the activation range (`toOutput`). A kernel's finish step is
 * `toOutput(requantize(acc, ...), ...)`.
 *
 * Written in the kernel subset (docs/subset.md). The helpers take scalars, not a record, so every
 * op shares them; the C emitter always inlines kernels/common/ functions (KFunction.inline), so a
 * caller's constants fold them as if they were written in place. They are two functions, not
 * one, so that the output offset and range are read after the multiply, as each kernel read them
 * before they were shared: the generic C (interpreter, --specialize off) stays the same.
 */
import type { i32 } from "../types.ts";
import { mbqm, rdhm, smmulr } from "../intrinsics.ts";

/**
 * (acc + bias[oc] when hasBias is not 0) times multipliers[oc] * 2^shifts[oc] (TFLite's
 * MultiplyByQuantizedMultiplier: positive shift = left). The bias sum wraps in i32 as the
 * accumulator does.
 */
export function requantize(acc: i32, oc: i32, hasBias: i32, bias: Int32Array, multipliers: Int32Array, shifts: Int32Array): i32 {
  let v: i32 = acc;
  if (hasBias !== 0) {
    v = (v + bias[oc]) | 0;
  }
  return mbqm(v, multipliers[oc], shifts[oc]);
}

/** A requantized value + the output zero point, clamped to the activation range [actMin, actMax]. */
export function toOutput(v: i32, outputOffset: i32, actMin: i32, actMax: i32): i32 {
  let out: i32 = (v + outputOffset) | 0;
  out = Math.max(out, actMin);
  out = Math.min(out, actMax);
  return out;
}

/**
 * rdhm(x, m) for a multiplier m in [2^30, 2^31) (every nonzero multiplier TFLite's
 * QuantizeMultiplier makes), given m2 = 2m wrapped to i32 (= 2m - 2^32): one SMMULR and an add
 * instead of rdhm's five instructions. Exact for every x: smmulr(x, 2m - 2^32) =
 * floor((2xm + 2^31) / 2^32) - x, and rdhm(x, m) = floor((xm + 2^30) / 2^31) is the same floor.
 * With m2 = 0 it returns x (the table's m = 0 channels, compiler/ops/requant-table.ts).
 */
export function rdhmDoubled(x: i32, m2: i32): i32 {
  return (smmulr(x, m2) + x) | 0;
}

/** rdhm(x, m) for a multiplier known at compile time: rdhmDoubled when m >= 2^30 (the branch folds). */
export function rdhmConst(x: i32, m: i32): i32 {
  if (m >= 0x40000000) {
    return rdhmDoubled(x, (m << 1) | 0);
  }
  return rdhm(x, m);
}

/**
 * The cheap requantization, for layers where the compiler proved it exact
 * (compiler/ops/requant-table.ts cheapRequantTable): `table` holds four i32 per output channel
 * at `at` = 4 * oc: {bias, m2, rounding constant 2^(e-1), e} with e >= 1 the right shift and m2
 * the multiplier m in [2^30, 2^31) doubled, wrapped (rdhmDoubled). (acc + bias) * m is rounded
 * to Q31 without saturation (rdhm, exact: m is not INT32_MIN), then divided by 2^e rounding half
 * away from zero as (s - (s < 0 ? 1 : 0) + 2^(e-1)) >> e, exact while s + 2^(e-1) cannot
 * overflow. Together: TFLite's MultiplyByQuantizedMultiplier with a right shift, bit for bit, in
 * about a quarter of its instructions. A channel whose multiplier is 0 has m2 = 0, 2^(e-1) = 2^30
 * and e = 31: (v + (v >> 31) + 2^30) >> 31 is 0 for |v| < 2^30 - 1, which the compiler proves
 * (that row's bias leaves the model's bias out).
 * The bias sum wraps in i32 as the accumulator does.
 */
export function requantizeTable(acc: i32, table: Int32Array, at: i32): i32 {
  return requantizeCheap(acc, table[at], table[at + 1], table[at + 2], table[at + 3]);
}

/** requantizeTable with the channel's four table entries {bias, m2, 2^(e-1), e} already loaded (a caller reusing them for several outputs). */
export function requantizeCheap(acc: i32, bias: i32, m2: i32, round: i32, shift: i32): i32 {
  const s: i32 = rdhmDoubled((acc + bias) | 0, m2);
  // Wrapping: a table edited in flash must not make this undefined in C (the image check cannot see its values).
  return ((((s + (s >> 31)) | 0) + round) | 0) >> shift;
}
