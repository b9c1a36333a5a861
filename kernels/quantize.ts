/**
 * @fileoverview QUANTIZE to int8 with TFLite Micro's reference semantics (micro/kernels/
 * quantize_common.cc at 90b983c2), in two variants chosen by the record's `fromFloat`:
 *
 * - float32 -> int8 (reference_ops::AffineQuantize): q = round(x / float(scale)) + zero_point,
 *   an IEEE single division and std::round (halves away from zero), clamped to [-128, 127].
 * - int8 -> int8 (reference_ops::Requantize): q = MultiplyByQuantizedMultiplier(x - input_zp,
 *   multiplier, shift) + output_zp, clamped to [-128, 127].
 *
 * Written in the kernel subset (docs/subset.md); compiler/ops/quantize.ts fills the record and
 * passes the output scale as a one-element f32 constant. Array order: int8 input (read when
 * fromFloat is 0), float input (read when fromFloat is 1), scale [1], int8 output; the unused
 * input is an empty array.
 */
import type { f32, i32 } from "./types.ts";
import { mbqm, sat16, sat8 } from "./intrinsics.ts";

export interface QuantizeParams {
  /** Elements in the tensor. */
  size: i32;
  /** 1: float32 input (AffineQuantize); 0: int8 input (Requantize). */
  fromFloat: i32;
  /** Input zero point (int8 input only). */
  inputZeroPoint: i32;
  outputZeroPoint: i32;
  /** Requantization multiplier and shift (int8 input only; positive shift = left). */
  multiplier: i32;
  shift: i32;
}

/**
 * round(x) with halves away from zero (std::round), saturated to [-256, 256]: far enough out that
 * the int8 clamp after adding a zero point gives the same result; NaN gives -256.
 */
function roundClamped(x: f32): i32 {
  // `!(x >= lo)` also catches NaN, so Math.trunc only ever sees values in the i32 range.
  if (!(x >= Math.fround(-256))) {
    return -256;
  }
  if (x > Math.fround(256)) {
    return 256;
  }
  const t: i32 = Math.trunc(x);
  // Exact: x and trunc(x) differ only in bits below the binary point.
  const frac: f32 = Math.fround(x - Math.fround(t));
  if (frac >= Math.fround(0.5)) {
    return t + 1;
  }
  if (frac <= Math.fround(-0.5)) {
    return t - 1;
  }
  return t;
}

export function quantize(
  p: QuantizeParams,
  input: Int8Array,
  inputFloat: Float32Array,
  scale: Float32Array,
  output: Int8Array,
): void {
  if (p.fromFloat !== 0) {
    const s: f32 = scale[0];
    for (let i: i32 = 0; i < p.size; i++) {
      const q: i32 = roundClamped(Math.fround(inputFloat[i] / s));
      output[i] = sat8(q + p.outputZeroPoint);
    }
  } else {
    for (let i: i32 = 0; i < p.size; i++) {
      const v: i32 = mbqm(input[i] - p.inputZeroPoint, p.multiplier, p.shift);
      output[i] = sat8(v + p.outputZeroPoint);
    }
  }
}

/** `inputType` values of quantize16: float32 (AffineQuantize), int8 or int16 (Requantize). */
export const FROM_FLOAT: i32 = 0;
export const FROM_INT8: i32 = 1;
export const FROM_INT16: i32 = 2;

/** quantize16's record: QuantizeParams' fields with the input type and whether the output is int16. */
export interface Quantize16Params {
  size: i32;
  inputType: i32;
  /** 1: int16 output (`output16`), 0: int8 output (`output8`). */
  output16: i32;
  inputZeroPoint: i32;
  outputZeroPoint: i32;
  multiplier: i32;
  shift: i32;
}

/** roundClamped with the int16 reach: saturated to [-65536, 65536] (NaN gives -65536). */
function roundClampedWide(x: f32): i32 {
  if (!(x >= Math.fround(-65536))) {
    return -65536;
  }
  if (x > Math.fround(65536)) {
    return 65536;
  }
  const t: i32 = Math.trunc(x);
  const frac: f32 = Math.fround(x - Math.fround(t));
  if (frac >= Math.fround(0.5)) {
    return t + 1;
  }
  if (frac <= Math.fround(-0.5)) {
    return t - 1;
  }
  return t;
}

/** One requantized or quantized value before the output clamp. */
function quantizeValue(p: Quantize16Params, i: i32, input8: Int8Array, input16: Int16Array, inputFloat: Float32Array, s: f32): i32 {
  if (p.inputType === FROM_FLOAT) {
    return roundClampedWide(Math.fround(inputFloat[i] / s)) + p.outputZeroPoint;
  }
  let x: i32 = 0;
  if (p.inputType === FROM_INT8) {
    x = input8[i];
  } else {
    x = input16[i];
  }
  return mbqm(x - p.inputZeroPoint, p.multiplier, p.shift) + p.outputZeroPoint;
}

/**
 * QUANTIZE where int16 is involved (TFLM's quantize_common.cc): float32 -> int16
 * (AffineQuantize<int16_t>), int8 -> int16, int16 -> int8 and int16 -> int16
 * (Requantize: MultiplyByQuantizedMultiplier(x - input zp) + output zp, clamped to the output
 * type). The record's inputType and output16 pick the arrays; the others are empty.
 */
export function quantize16(
  p: Quantize16Params,
  input8: Int8Array,
  input16: Int16Array,
  inputFloat: Float32Array,
  scale: Float32Array,
  output8: Int8Array,
  output16: Int16Array,
): void {
  const s: f32 = scale[0];
  for (let i: i32 = 0; i < p.size; i++) {
    const v: i32 = quantizeValue(p, i, input8, input16, inputFloat, s);
    if (p.output16 !== 0) {
      output16[i] = sat16(v);
    } else {
      output8[i] = sat8(v);
    }
  }
}

/**
 * QUANTIZE int8 or int16 -> int32 (TFLM's Requantize<int8_t or int16_t, int32_t>): the same
 * MultiplyByQuantizedMultiplier(x - input zp) + output zp as quantize16, kept in 32 bits (the
 * sum wraps as i32; TFLM's is undefined there, out of reach for zero point 0). inputType picks
 * input8 or input16; the other array is empty. TFLM's keyword_scrambled models end with one.
 */
export function quantizeToInt32(p: Quantize16Params, input8: Int8Array, input16: Int16Array, output32: Int32Array): void {
  for (let i: i32 = 0; i < p.size; i++) {
    let x: i32 = 0;
    if (p.inputType === FROM_INT8) {
      x = input8[i];
    } else {
      x = input16[i];
    }
    output32[i] = (mbqm(x - p.inputZeroPoint, p.multiplier, p.shift) + p.outputZeroPoint) | 0;
  }
}
