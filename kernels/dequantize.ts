/**
 * @fileoverview DEQUANTIZE int8 -> float32 with TFLite Micro's reference semantics
 * (reference_ops::Dequantize at 90b983c2): out = float(double(scale) * (x - zero_point)).
 *
 * TFLM multiplies in double and narrows once. The float32 product used here is the same value:
 * scale has a 24-bit significand and |x - zero_point| < 2^9, so the double product is exact and
 * both round the exact product to float32 once.
 *
 * Written in the kernel subset (docs/subset.md); compiler/ops/dequantize.ts fills the record and
 * passes the input scale as a one-element f32 constant. Array order: int8 input, scale [1],
 * float32 output.
 */
import type { f32, i32 } from "./types.ts";

export interface DequantizeParams {
  /** Elements in the tensor. */
  size: i32;
  inputZeroPoint: i32;
}

export function dequantize(p: DequantizeParams, input: Int8Array, scale: Float32Array, output: Float32Array): void {
  const s: f32 = scale[0];
  for (let i: i32 = 0; i < p.size; i++) {
    output[i] = Math.fround(s * Math.fround(input[i] - p.inputZeroPoint));
  }
}

/**
 * DEQUANTIZE of int16 (TFLM's Dequantize<int16_t>: float(double(scale) * (x - zero point)), which
 * is the f32 product here too: |x - zp| < 2^17, so the double product is exact).
 */
export function dequantize16(p: DequantizeParams, input: Int16Array, scale: Float32Array, output: Float32Array): void {
  const s: f32 = scale[0];
  for (let i: i32 = 0; i < p.size; i++) {
    output[i] = Math.fround(s * Math.fround(input[i] - p.inputZeroPoint));
  }
}
