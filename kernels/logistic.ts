/**
 * @fileoverview LOGISTIC (sigmoid), int8, bit-exact with TFLite Micro's reference kernel
 * (reference_integer_ops::Logistic at 90b983c2): with v = x - input_zp, inputs at or beyond the
 * input radius saturate to -128 / 127; the others are scaled into Q4.27 by the compile-time
 * (inputMultiplier, inputLeftShift), go through gemmlowp's fixed-point logistic, and are rounded
 * to the 1/256 output steps with output zero point -128.
 *
 * Written in the kernel subset (docs/subset.md); compiler/ops/logistic.ts fills the record (TFLM's
 * CalculateArithmeticOpDataLogistic); kernels/fixedpoint.ts holds the gemmlowp math. Array
 * order: int8 input, int8 output, both `size` elements.
 */
import type { i32 } from "./types.ts";
import { mbqm, rdbpot, sat8 } from "./intrinsics.ts";
import { logisticQ0 } from "./fixedpoint.ts";

/** Integer bits of the scaled input (Q4.27), TFLite's kInputIntegerBits. */
const INPUT_INTEGER_BITS: i32 = 4;
/** 31 - 8: the Q0.31 result in units of 1/256. */
const OUTPUT_SHIFT: i32 = 23;

export interface LogisticParams {
  /** Elements in the tensor. */
  size: i32;
  inputZeroPoint: i32;
  /** Q0.31 multiplier of input_scale * 2^27, with its left shift (at most 31). */
  inputMultiplier: i32;
  inputLeftShift: i32;
  /** |v| >= radius saturates (TFLite's CalculateInputRadius(4, inputLeftShift, 31)). */
  inputRangeRadius: i32;
}

export function logistic(p: LogisticParams, input: Int8Array, output: Int8Array): void {
  for (let i: i32 = 0; i < p.size; i++) {
    const v: i32 = input[i] - p.inputZeroPoint;
    if (v <= -p.inputRangeRadius) {
      output[i] = -128;
    } else if (v >= p.inputRangeRadius) {
      output[i] = 127;
    } else {
      const inputInQ4: i32 = mbqm(v, p.inputMultiplier, p.inputLeftShift);
      const outputInQ0: i32 = logisticQ0(inputInQ4, INPUT_INTEGER_BITS);
      output[i] = sat8(rdbpot(outputInQ0, OUTPUT_SHIFT) - 128);
    }
  }
}

/** logistic16 / tanh16's record: elements, the input multiplier (<= 32767) and right shift. */
export interface Sigmoid16Params {
  size: i32;
  inputMultiplier: i32;
  inputShift: i32;
}

/**
 * LOGISTIC int16 -> int16 (zero points 0, output scale 2^-15): TFLite Micro's
 * reference_integer_ops::Logistic for int16_t. The input, times inputMultiplier and rounded right
 * by inputShift (the scale folded so that 2^9 steps are 1/24 of the sigmoid table's argument after
 * its 3/4 range factor), is interpolated in `table` (TFLite's sigmoid_table_uint16, 256 entries)
 * on its absolute value, mirrored for negative inputs, and rounded back to Q0.15.
 */
export function logistic16(p: Sigmoid16Params, input: Int16Array, table: Int32Array, output: Int16Array): void {
  let round: i32 = 0;
  if (p.inputShift > 0) {
    round = 1 << (p.inputShift - 1);
  }
  for (let i: i32 = 0; i < p.size; i++) {
    const x: i32 = (input[i] * p.inputMultiplier + round) >> p.inputShift;
    const ax: i32 = Math.abs(x);
    const uh: i32 = ax >> 9;
    let result: i32 = 0x7fff << 10;
    if (uh < 255) {
      const ua: i32 = table[uh];
      result = (ua << 9) + (ax & 0x1ff) * (table[uh + 1] - ua);
    }
    if (x >= 0) {
      result = result + 512;
    } else {
      result = (1 << 25) - result + 511;
    }
    output[i] = result >> 10;
  }
}
