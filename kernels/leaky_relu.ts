/**
 * @fileoverview LEAKY_RELU, int8, with TFLite Micro's reference semantics
 * (reference_ops::QuantizeLeakyRelu at 90b983c2): with v = x - input_zp, the output is
 * output_zp + MultiplyByQuantizedMultiplier(v, identity multiplier) for v >= 0, and
 * output_zp +/- MultiplyByQuantizedMultiplier(v, |alpha multiplier|) for v < 0 (minus when alpha
 * is negative), clamped to [-128, 127].
 *
 * Written in the kernel subset (docs/subset.md); compiler/ops/leaky_relu.ts fills the record.
 * Array order: int8 input, int8 output, both `size` elements.
 */
import type { i32 } from "./types.ts";
import { mbqm, sat16, sat8 } from "./intrinsics.ts";

export interface LeakyReluParams {
  /** Elements in the tensor. */
  size: i32;
  inputZeroPoint: i32;
  outputZeroPoint: i32;
  /** input scale / output scale as multiplier and shift (positive shift = left). */
  identityMultiplier: i32;
  identityShift: i32;
  /** |alpha| * input scale / output scale as multiplier (>= 0) and shift. */
  alphaMultiplier: i32;
  alphaShift: i32;
  /** 1 when alpha is negative: the scaled negative part is subtracted. */
  alphaNegative: i32;
}

export function leakyRelu(p: LeakyReluParams, input: Int8Array, output: Int8Array): void {
  for (let i: i32 = 0; i < p.size; i++) {
    const v: i32 = input[i] - p.inputZeroPoint;
    let out: i32 = p.outputZeroPoint;
    if (v >= 0) {
      out = out + mbqm(v, p.identityMultiplier, p.identityShift);
    } else {
      const scaled: i32 = mbqm(v, p.alphaMultiplier, p.alphaShift);
      out = p.alphaNegative !== 0 ? out - scaled : out + scaled;
    }
    output[i] = sat8(out);
  }
}

/** LEAKY_RELU on int16: TFLM's QuantizeLeakyRelu<int16_t>, leakyRelu's arithmetic clamped to int16. */
export function leakyRelu16(p: LeakyReluParams, input: Int16Array, output: Int16Array): void {
  for (let i: i32 = 0; i < p.size; i++) {
    const v: i32 = input[i] - p.inputZeroPoint;
    let out: i32 = p.outputZeroPoint;
    if (v >= 0) {
      out = out + mbqm(v, p.identityMultiplier, p.identityShift);
    } else {
      const scaled: i32 = mbqm(v, p.alphaMultiplier, p.alphaShift);
      out = p.alphaNegative !== 0 ? out - scaled : out + scaled;
    }
    output[i] = sat16(out);
  }
}
