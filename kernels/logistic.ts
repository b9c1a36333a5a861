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
