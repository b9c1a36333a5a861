/**
 * @fileoverview HARD_SWISH, int8, bit-exact with TFLite Micro's reference kernel
 * (reference_ops::HardSwish, quantized path, at 90b983c2): x * relu6(x + 3) / 6 computed in
 * int16 fixed point. Per element, with v = (x - input_zp) * 2^7 on the "hires" input scale:
 * - the output-scaled input is gemmlowp's int16 SaturatingRoundingDoublingHighMul(v, output
 *   multiplier);
 * - the "reluish" factor rescales v so that real 3.0 is 2^15 (a saturating left shift by
 *   exponent - 1, the int16 multiplier, a last saturating shift by 1, or a rounding right shift),
 *   then maps [-1, 1] to [0, 1] with (r + 2^15) >> 1;
 * - their product uses the truncating SaturatingDoublingHighMul, is divided by 2^-exponent with
 *   rounding, offset by the output zero point in int16 (wrapping) and clamped to int8.
 *
 * int16 values are held in i32 locals; every step stays within int16 exactly as the reference's
 * int16_t arithmetic does. Written in the kernel subset (docs/subset.md);
 * compiler/ops/hard_swish.ts fills the record (TFLM's HardSwishPrepare). Array order: int8 input,
 * int8 output, both `size` elements.
 */
import type { i32 } from "./types.ts";
import { sat16, toI16 } from "./intrinsics.ts";

export interface HardSwishParams {
  /** Elements in the tensor. */
  size: i32;
  inputZeroPoint: i32;
  outputZeroPoint: i32;
  /** int16 Q15 multiplier of hires input scale / output scale, and its exponent (<= 0). */
  outputMultiplier: i32;
  outputExponent: i32;
  /** int16 Q15 multiplier of hires input scale / (3 / 2^15), and its exponent (any sign). */
  reluishMultiplier: i32;
  reluishExponent: i32;
}

/** gemmlowp's SaturatingRoundingDoublingHighMul for int16: round(a*b / 2^15), ties away from 0. */
function srdhm16(a: i32, b: i32): i32 {
  if (a === -32768 && b === -32768) {
    return 32767;
  }
  const ab: i32 = a * b;
  const nudge: i32 = ab >= 0 ? 16384 : -16383;
  return ((ab + nudge) / 32768) | 0;
}

/** TFLite's int16 SaturatingDoublingHighMul: a*b / 2^15 truncated toward zero (SQDMULH). */
function sdhm16(a: i32, b: i32): i32 {
  if (a === -32768 && b === -32768) {
    return 32767;
  }
  return ((a * b) / 32768) | 0;
}

/** TFLite's int16 SaturatingLeftShift: value * 2^amount clamped to int16, amount >= 0. */
function satLsh16(value: i32, amount: i32): i32 {
  if (amount >= 16) {
    return value > 0 ? 32767 : value < 0 ? -32768 : 0;
  }
  return sat16(value << amount);
}

/**
 * gemmlowp's RoundingDivideByPOT on int16 (exponent 0..31): the mask is narrowed to int16, so
 * for exponents of 16 and more it is -1, as in the reference.
 */
function rdbpot16(x: i32, exponent: i32): i32 {
  const mask: i32 = toI16(((1 << exponent) - 1) | 0);
  const remainder: i32 = x & mask;
  const threshold: i32 = (mask >> 1) + (x < 0 ? 1 : 0);
  return (x >> exponent) + (remainder > threshold ? 1 : 0);
}

export function hardSwish(p: HardSwishParams, input: Int8Array, output: Int8Array): void {
  for (let i: i32 = 0; i < p.size; i++) {
    const hires: i32 = (input[i] - p.inputZeroPoint) * 128;
    const preshiftOutputScale: i32 = srdhm16(hires, p.outputMultiplier);
    let reluish: i32 = hires;
    if (p.reluishExponent > 0) {
      reluish = satLsh16(reluish, p.reluishExponent - 1);
    }
    reluish = srdhm16(reluish, p.reluishMultiplier);
    if (p.reluishExponent > 0) {
      reluish = satLsh16(reluish, 1);
    }
    if (p.reluishExponent < 0) {
      reluish = rdbpot16(reluish, -p.reluishExponent);
    }
    reluish = (reluish + 32768) >> 1;
    const preshiftOutput: i32 = sdhm16(reluish, preshiftOutputScale);
    const out: i32 = toI16(rdbpot16(preshiftOutput, -p.outputExponent) + p.outputZeroPoint);
    output[i] = Math.min(Math.max(out, -128), 127);
  }
}
