/**
 * @fileoverview ABS, int8, with TFLite Micro's semantics (micro/kernels/elementwise.cc
 * AbsEvalQuantized at 90b983c2): |x - input zero point|, plus the output zero point when the two
 * scales are equal, else requantized by MultiplyByQuantizedMultiplier first; clamped to int8.
 * compiler/ops/abs.ts fills the record. Arrays: input, output (same element count). The entry is
 * absInt8, not abs: generic C names an entry mote_<name>, and mote_abs is the intrinsic of Math.abs.
 * absInt16: the same for quantized int16 (zero points 0, as TFLM requires), clamped to int16.
 */
import type { i32 } from "./types.ts";
import { mbqm, sat16, sat8 } from "./intrinsics.ts";

export interface AbsParams {
  size: i32;
  inputZeroPoint: i32;
  outputZeroPoint: i32;
  /** 0 when the input and output scales are equal (no multiply). */
  rescale: i32;
  multiplier: i32;
  shift: i32;
}

export function absInt8(p: AbsParams, input: Int8Array, output: Int8Array): void {
  for (let i: i32 = 0; i < p.size; i++) {
    const value: i32 = Math.abs(input[i] - p.inputZeroPoint);
    if (p.rescale === 0) {
      output[i] = sat8(value + p.outputZeroPoint);
    } else {
      output[i] = sat8(mbqm(value, p.multiplier, p.shift) + p.outputZeroPoint);
    }
  }
}

export function absInt16(p: AbsParams, input: Int16Array, output: Int16Array): void {
  for (let i: i32 = 0; i < p.size; i++) {
    const value: i32 = Math.abs(input[i] - p.inputZeroPoint);
    if (p.rescale === 0) {
      output[i] = sat16(value + p.outputZeroPoint);
    } else {
      output[i] = sat16(mbqm(value, p.multiplier, p.shift) + p.outputZeroPoint);
    }
  }
}
