/**
 * @fileoverview L2_NORMALIZATION, int8, with TFLite Micro's reference kernel
 * (reference_integer_ops::L2Normalization at 90b983c2): per row of the last axis, the i32 sum of
 * squares of x - zero point, its inverse square root as a multiplier and shift
 * (GetInvSqrtQuantizedMultiplierExp, kernels/common/inv_sqrt.ts), and each x - zero point
 * multiplied by it with 7 more bits (the output is 1/128 steps), clamped to int8 (no output
 * zero point: TFLM ignores it). compiler/ops/l2_normalization.ts fills the record.
 * Arrays: input, output, both outer * depth.
 *
 * `l2NormalizationFloat` is the float32 variant (reference_ops::L2Normalization): the f32 sum of
 * squares in order, sqrtf, at least epsilon 1e-6f (std::max), and each input divided by it.
 */
import type { f32, i32 } from "./types.ts";
import { mbqm, sat8 } from "./intrinsics.ts";
import { invSqrtMultiplier, invSqrtShift } from "./common/inv_sqrt.ts";

export interface L2NormalizationParams {
  outer: i32;
  depth: i32;
  inputZeroPoint: i32;
}

export function l2Normalization(p: L2NormalizationParams, input: Int8Array, output: Int8Array): void {
  for (let row: i32 = 0; row < p.outer; row++) {
    const base: i32 = row * p.depth;
    let acc: i32 = 0;
    for (let c: i32 = 0; c < p.depth; c++) {
      const v: i32 = input[base + c] - p.inputZeroPoint;
      acc = (acc + v * v) | 0;
    }
    const multiplier: i32 = invSqrtMultiplier(acc);
    const shift: i32 = invSqrtShift(acc) + 7;
    for (let c: i32 = 0; c < p.depth; c++) {
      output[base + c] = sat8(mbqm(input[base + c] - p.inputZeroPoint, multiplier, shift));
    }
  }
}

export function l2NormalizationFloat(p: L2NormalizationParams, input: Float32Array, output: Float32Array): void {
  const epsilon: f32 = Math.fround(0.000001);
  for (let row: i32 = 0; row < p.outer; row++) {
    const base: i32 = row * p.depth;
    let squared: f32 = Math.fround(0);
    for (let c: i32 = 0; c < p.depth; c++) {
      const v: f32 = input[base + c];
      squared = Math.fround(squared + Math.fround(v * v));
    }
    let norm: f32 = Math.fround(Math.sqrt(squared));
    norm = norm < epsilon ? epsilon : norm;
    for (let c: i32 = 0; c < p.depth; c++) {
      output[base + c] = Math.fround(input[base + c] / norm);
    }
  }
}
