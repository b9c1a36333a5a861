/**
 * @fileoverview PRELU, int8, with TFLite Micro's reference semantics
 * (reference_ops::BroadcastPrelu4DSlow at 90b983c2): with v = x + inputOffset, the output is
 * MultiplyByQuantizedMultiplier(v, multiplier1, shift1) for v >= 0 and
 * MultiplyByQuantizedMultiplier(v * (alpha + alphaOffset), multiplier2, shift2) for v < 0, plus
 * the output zero point, clamped to [-128, 127]. alpha broadcasts against the input.
 *
 * Written in the kernel subset (docs/subset.md); compiler/ops/prelu.ts fills the record (TFLM's
 * CalculatePreluParams) and compiler/ops/broadcast.ts the loops: `broadcast` 0 is one flat loop
 * over `size` (same shapes), otherwise four nested loops d0..d3 with element strides a0..a3 for
 * the input and b0..b3 for alpha (0 along a broadcast dimension). Array order: int8 input, int8
 * alpha, int8 output.
 */
import type { i32 } from "./types.ts";
import { mbqm, sat8 } from "./intrinsics.ts";

export interface PreluParams {
  broadcast: i32;
  /** Output elements. */
  size: i32;
  d0: i32;
  d1: i32;
  d2: i32;
  d3: i32;
  a0: i32;
  a1: i32;
  a2: i32;
  a3: i32;
  b0: i32;
  b1: i32;
  b2: i32;
  b3: i32;
  /** -input_zero_point */
  inputOffset: i32;
  /** -alpha_zero_point */
  alphaOffset: i32;
  /** output_zero_point */
  outputOffset: i32;
  /** input scale / output scale (positive shift = left). */
  multiplier1: i32;
  shift1: i32;
  /** input scale * alpha scale / output scale. */
  multiplier2: i32;
  shift2: i32;
}

function preluValue(p: PreluParams, x: i32, alpha: i32): i32 {
  const v: i32 = x + p.inputOffset;
  let out: i32 = 0;
  if (v >= 0) {
    out = mbqm(v, p.multiplier1, p.shift1);
  } else {
    out = mbqm(v * (alpha + p.alphaOffset), p.multiplier2, p.shift2);
  }
  return sat8(out + p.outputOffset);
}

export function prelu(p: PreluParams, input: Int8Array, alpha: Int8Array, output: Int8Array): void {
  if (p.broadcast === 0) {
    for (let i: i32 = 0; i < p.size; i++) {
      output[i] = preluValue(p, input[i], alpha[i]);
    }
  } else {
    let o: i32 = 0;
    for (let i0: i32 = 0; i0 < p.d0; i0++) {
      for (let i1: i32 = 0; i1 < p.d1; i1++) {
        for (let i2: i32 = 0; i2 < p.d2; i2++) {
          const baseIn: i32 = i0 * p.a0 + i1 * p.a1 + i2 * p.a2;
          const baseAlpha: i32 = i0 * p.b0 + i1 * p.b1 + i2 * p.b2;
          for (let i3: i32 = 0; i3 < p.d3; i3++) {
            output[o] = preluValue(p, input[baseIn + i3 * p.a3], alpha[baseAlpha + i3 * p.b3]);
            o++;
          }
        }
      }
    }
  }
}
