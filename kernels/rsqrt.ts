/**
 * @fileoverview RSQRT, int8, with TFLite Micro's semantics (micro/kernels/elementwise.cc
 * RsqrtEvalQuantized at 90b983c2): v = x - input zero point; v = 0 gives 127; else
 * 1/sqrt(v) as GetInvSqrtQuantizedMultiplierExp (kernels/common/inv_sqrt.ts), applied to 1 with
 * 20 extra bits, then requantized by the compile-time 1 / (sqrt(input scale) * output scale)
 * with 20 bits less, plus the output zero point, clamped. TFLM fails Invoke on v < 0 ("Rsqrt is
 * only defined for positive values"); a kernel cannot fail, so Mote gives 127 there too.
 * compiler/ops/rsqrt.ts fills the record. Arrays: input, output. rsqrt16: the same for int16
 * (zero points 0, as TFLM requires), 32767 where int8 gives 127, clamped to int16.
 */
import type { i32 } from "./types.ts";
import { mbqm, sat16, sat8 } from "./intrinsics.ts";
import { invSqrtMultiplier, invSqrtShift } from "./common/inv_sqrt.ts";

export interface RsqrtParams {
  size: i32;
  inputZeroPoint: i32;
  outputZeroPoint: i32;
  multiplier: i32;
  shift: i32;
}

/** TFLM's kShift: bits that keep 1/sqrt(v) an integer between the two multiplies. */
const EXTRA_BITS: i32 = 20;

export function rsqrt(p: RsqrtParams, input: Int8Array, output: Int8Array): void {
  for (let i: i32 = 0; i < p.size; i++) {
    const value: i32 = input[i] - p.inputZeroPoint;
    if (value <= 0) {
      output[i] = 127;
    } else {
      const data: i32 = mbqm(1, invSqrtMultiplier(value), invSqrtShift(value) + EXTRA_BITS);
      output[i] = sat8(mbqm(data, p.multiplier, p.shift - EXTRA_BITS) + p.outputZeroPoint);
    }
  }
}

export function rsqrt16(p: RsqrtParams, input: Int16Array, output: Int16Array): void {
  for (let i: i32 = 0; i < p.size; i++) {
    const value: i32 = input[i] - p.inputZeroPoint;
    if (value <= 0) {
      output[i] = 32767;
    } else {
      const data: i32 = mbqm(1, invSqrtMultiplier(value), invSqrtShift(value) + EXTRA_BITS);
      output[i] = sat16(mbqm(data, p.multiplier, p.shift - EXTRA_BITS) + p.outputZeroPoint);
    }
  }
}
