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
 * The cheap requantization, for layers where the compiler proved it exact
 * (compiler/ops/requant-table.ts cheapRequantTable): `table` holds four i32 per output channel
 * at `at` = 4 * oc: {bias, multiplier, rounding constant 2^(e-1), e} with e >= 1 the right shift.
 * (acc + bias) * multiplier is rounded to Q31 without saturation (rdhm: exact when the multiplier
 * is not INT32_MIN), then divided by 2^e rounding half away from zero as
 * (s - (s < 0 ? 1 : 0) + 2^(e-1)) >> e, exact while |acc + bias| < 2^30. Together: TFLite's
 * MultiplyByQuantizedMultiplier with a right shift, bit for bit, in about a third of its
 * instructions. The bias sum wraps in i32 as the accumulator does.
 */
export function requantizeTable(acc: i32, table: Int32Array, at: i32): i32 {
  return requantizeCheap(acc, table[at], table[at + 1], table[at + 2], table[at + 3]);
}

/** requantizeTable with the channel's four table entries already loaded (a caller reusing them for several outputs). */
export function requantizeCheap(acc: i32, bias: i32, multiplier: i32, round: i32, shift: i32): i32 {
  const s: i32 = rdhm((acc + bias) | 0, multiplier);
  return (s + (s >> 31) + round) >> shift;
}

/**
 * requantizeCheap where the compiler also proved |acc + bias| < 2^30 (compiler/ops/
 * requant-table.ts requantBelow2p30): rdhm(a, m) is then smmulr(2a, m), one SMMULR instead of
 * the nudge, SMLAL and two shifts.
 */
export function requantizeNarrow(acc: i32, bias: i32, multiplier: i32, round: i32, shift: i32): i32 {
  const s: i32 = smmulr((acc + bias) << 1, multiplier);
  return (s + (s >> 31) + round) >> shift;
}
