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
import { mbqm, sat8 } from "./intrinsics.ts";

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
