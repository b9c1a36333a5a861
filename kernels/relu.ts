/**
 * @fileoverview RELU and RELU6, int8, with TFLite Micro's reference semantics (micro/kernels/
 * activations.h at 90b983c2), in two variants chosen by the record's `requantize`:
 *
 * - RELU (ReluQuantized, requantize 1): out = clamp(output_zp + MultiplyByQuantizedMultiplier(
 *   x - input_zp, multiplier, shift), actMin, actMax), the clamp being [output_zp, 127].
 * - RELU6 (Relu6Quantized, requantize 0): out = x > six ? six : x < zero ? zero : x in the input's
 *   quantization, with zero = actMin and six = actMax; no requantization.
 *
 * Written in the kernel subset (docs/subset.md); compiler/ops/relu.ts fills the record. Array
 * order: int8 input, int8 output, both `size` elements.
 */
import type { i32 } from "./types.ts";
import { mbqm } from "./intrinsics.ts";

export interface ReluParams {
  /** Elements in the tensor. */
  size: i32;
  /** 1: requantize then clamp (RELU); 0: clamp only (RELU6). */
  requantize: i32;
  inputZeroPoint: i32;
  outputZeroPoint: i32;
  /** Requantization multiplier and shift (positive shift = left). */
  multiplier: i32;
  shift: i32;
  /** Clamp bounds in the output's quantized domain (actMin <= actMax). */
  actMin: i32;
  actMax: i32;
}

export function relu(p: ReluParams, input: Int8Array, output: Int8Array): void {
  if (p.requantize !== 0) {
    for (let i: i32 = 0; i < p.size; i++) {
      const v: i32 = p.outputZeroPoint + mbqm(input[i] - p.inputZeroPoint, p.multiplier, p.shift);
      output[i] = Math.min(Math.max(v, p.actMin), p.actMax);
    }
  } else {
    for (let i: i32 = 0; i < p.size; i++) {
      output[i] = Math.min(Math.max(input[i], p.actMin), p.actMax);
    }
  }
}

/** RELU and RELU6 on int16 (zero points 0): TFLM's ReluQuantized / Relu6Quantized<int16_t>, relu's arithmetic. */
export function relu16(p: ReluParams, input: Int16Array, output: Int16Array): void {
  if (p.requantize !== 0) {
    for (let i: i32 = 0; i < p.size; i++) {
      const v: i32 = p.outputZeroPoint + mbqm(input[i] - p.inputZeroPoint, p.multiplier, p.shift);
      output[i] = Math.min(Math.max(v, p.actMin), p.actMax);
    }
  } else {
    for (let i: i32 = 0; i < p.size; i++) {
      output[i] = Math.min(Math.max(input[i], p.actMin), p.actMax);
    }
  }
}
