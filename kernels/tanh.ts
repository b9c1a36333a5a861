/**
 * @fileoverview TANH, int8, bit-exact with TFLite Micro's reference kernel
 * (reference_integer_ops::Tanh at 90b983c2): with v = x - input_zp, inputs at or beyond the input
 * radius saturate to -128 / 127; the others are scaled into Q4.27 by the compile-time
 * (inputMultiplier, inputLeftShift), go through gemmlowp's fixed-point tanh, and are rounded to
 * the 1/128 output steps (output zero point 0).
 *
 * Written in the kernel subset (docs/subset.md); compiler/ops/tanh.ts fills the record (TFLM's
 * CalculateArithmeticOpData in micro/kernels/tanh.cc); kernels/fixedpoint.ts holds the gemmlowp
 * math. Array order: int8 input, int8 output, both `size` elements. The entry is `tanhInt8`, not
 * `tanh`: unspecialized (interpreter mode) functions keep their names in C, where `tanh` is libm's.
 */
import type { i32 } from "./types.ts";
import { mbqm, rdbpot, sat8 } from "./intrinsics.ts";
import { tanhQ0 } from "./fixedpoint.ts";
import type { Sigmoid16Params } from "./logistic.ts";

/** Integer bits of the scaled input (Q4.27), TFLite's kInputIntegerBits. */
const INPUT_INTEGER_BITS: i32 = 4;
/** 31 - 7: the Q0.31 result in units of 1/128. */
const OUTPUT_SHIFT: i32 = 24;

export interface TanhParams {
  /** Elements in the tensor. */
  size: i32;
  inputZeroPoint: i32;
  /** Q0.31 multiplier of input_scale * 2^27, with its left shift (at most 31). */
  inputMultiplier: i32;
  inputLeftShift: i32;
  /** |v| >= radius saturates (TFLite's CalculateInputRadius(4, inputLeftShift, 31)). */
  inputRangeRadius: i32;
}

export function tanhInt8(p: TanhParams, input: Int8Array, output: Int8Array): void {
  for (let i: i32 = 0; i < p.size; i++) {
    const v: i32 = input[i] - p.inputZeroPoint;
    if (v <= -p.inputRangeRadius) {
      output[i] = -128;
    } else if (v >= p.inputRangeRadius) {
      output[i] = 127;
    } else {
      const inputInQ4: i32 = mbqm(v, p.inputMultiplier, p.inputLeftShift);
      const outputInQ0: i32 = tanhQ0(inputInQ4, INPUT_INTEGER_BITS);
      output[i] = sat8(rdbpot(outputInQ0, OUTPUT_SHIFT));
    }
  }
}

/**
 * TANH int16 -> int16 (zero points 0, output scale 2^-15): TFLite Micro's
 * reference_integer_ops::Tanh for int16_t, tanh(x) = 2 sigmoid(2x) - 1 on the same table as
 * logistic16 (kernels/logistic.ts), 2^8 steps per table entry.
 */
export function tanh16(p: Sigmoid16Params, input: Int16Array, table: Int32Array, output: Int16Array): void {
  let round: i32 = 0;
  if (p.inputShift > 0) {
    round = 1 << (p.inputShift - 1);
  }
  for (let i: i32 = 0; i < p.size; i++) {
    const x: i32 = (input[i] * p.inputMultiplier + round) >> p.inputShift;
    const ax: i32 = Math.abs(x);
    const uh: i32 = ax >> 8;
    let result: i32 = 0xffff << 8;
    if (uh < 255) {
      const ua: i32 = table[uh];
      result = (ua << 8) + (ax & 0xff) * (table[uh + 1] - ua);
    }
    if (x >= 0) {
      result = result - (1 << 23) + 128;
    } else {
      result = (1 << 23) - result + 127;
    }
    output[i] = result >> 8;
  }
}
