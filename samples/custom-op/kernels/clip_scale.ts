/**
 * @fileoverview ClipScale, the custom op of samples/custom-op: a user kernel in the kernel subset
 * (docs/subset.md), loaded with `--kernels samples/custom-op/kernels`. Each int8 element is
 * clipped to [lo, hi] in the input's quantized domain, then rescaled to the output's scale and
 * zero point: out = clamp(outputZeroPoint + mbqm(clamp(x, lo, hi) - inputZeroPoint, multiplier,
 * shift), -128, 127). clip_scale.lower.ts fills the record from the op's custom options.
 */
import type { i32 } from "../../../kernels/types.ts";
import { mbqm } from "../../../kernels/intrinsics.ts";

export interface ClipScaleParams {
  /** Elements in the tensor. */
  size: i32;
  /** Clip bounds, in the input's quantized domain (lo <= hi). */
  lo: i32;
  hi: i32;
  inputZeroPoint: i32;
  outputZeroPoint: i32;
  /** Requantization multiplier and shift (positive shift = left). */
  multiplier: i32;
  shift: i32;
}

export function clipScale(p: ClipScaleParams, input: Int8Array, output: Int8Array): void {
  for (let i: i32 = 0; i < p.size; i++) {
    const x: i32 = Math.min(Math.max(input[i], p.lo), p.hi);
    const v: i32 = p.outputZeroPoint + mbqm(x - p.inputZeroPoint, p.multiplier, p.shift);
    output[i] = Math.min(Math.max(v, -128), 127);
  }
}
