/**
 * @fileoverview SQUARED_DIFFERENCE, int8, with TFLite Micro's kernel (micro/kernels/
 * squared_difference.cc SquaredDifference<int8_t> at 90b983c2): each input gets its offset, is
 * shifted left by 7 and rescaled by its multiplier (SmallerThanOneExp); the difference is squared
 * in i32 and rescaled to the output by MultiplyByQuantizedMultiplier, offset, clamped to int8.
 * Broadcasting as kernels/add.ts (compiler/ops/broadcast.ts): `broadcast` 0 is one flat loop.
 * Arrays: input1, input2, output. squaredDifference16: int16 (zero points 0, left shift 0, as
 * TFLM's int16 path), clamped to int16.
 */
import type { i32 } from "./types.ts";
import { mbqm, sat16, sat8 } from "./intrinsics.ts";

export interface SquaredDifferenceParams {
  broadcast: i32;
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
  leftShift: i32;
  input1Offset: i32;
  input2Offset: i32;
  outputOffset: i32;
  input1Multiplier: i32;
  input1Shift: i32;
  input2Multiplier: i32;
  input2Shift: i32;
  outputMultiplier: i32;
  outputShift: i32;
}

/** The requantized squared difference before the output clamp. */
function raw(p: SquaredDifferenceParams, x: i32, y: i32): i32 {
  const a: i32 = mbqm((x + p.input1Offset) << p.leftShift, p.input1Multiplier, p.input1Shift);
  const b: i32 = mbqm((y + p.input2Offset) << p.leftShift, p.input2Multiplier, p.input2Shift);
  const diff: i32 = a - b;
  return mbqm(Math.imul(diff, diff), p.outputMultiplier, p.outputShift) + p.outputOffset;
}

function element(p: SquaredDifferenceParams, x: i32, y: i32): i32 {
  return sat8(raw(p, x, y));
}

export function squaredDifference(p: SquaredDifferenceParams, input1: Int8Array, input2: Int8Array, output: Int8Array): void {
  if (p.broadcast === 0) {
    for (let i: i32 = 0; i < p.size; i++) {
      output[i] = element(p, input1[i], input2[i]);
    }
  } else {
    let o: i32 = 0;
    for (let i0: i32 = 0; i0 < p.d0; i0++) {
      for (let i1: i32 = 0; i1 < p.d1; i1++) {
        for (let i2: i32 = 0; i2 < p.d2; i2++) {
          const base1: i32 = i0 * p.a0 + i1 * p.a1 + i2 * p.a2;
          const base2: i32 = i0 * p.b0 + i1 * p.b1 + i2 * p.b2;
          for (let i3: i32 = 0; i3 < p.d3; i3++) {
            output[o] = element(p, input1[base1 + i3 * p.a3], input2[base2 + i3 * p.b3]);
            o++;
          }
        }
      }
    }
  }
}

export function squaredDifference16(p: SquaredDifferenceParams, input1: Int16Array, input2: Int16Array, output: Int16Array): void {
  if (p.broadcast === 0) {
    for (let i: i32 = 0; i < p.size; i++) {
      output[i] = sat16(raw(p, input1[i], input2[i]));
    }
  } else {
    let o: i32 = 0;
    for (let i0: i32 = 0; i0 < p.d0; i0++) {
      for (let i1: i32 = 0; i1 < p.d1; i1++) {
        for (let i2: i32 = 0; i2 < p.d2; i2++) {
          const base1: i32 = i0 * p.a0 + i1 * p.a1 + i2 * p.a2;
          const base2: i32 = i0 * p.b0 + i1 * p.b1 + i2 * p.b2;
          for (let i3: i32 = 0; i3 < p.d3; i3++) {
            output[o] = sat16(raw(p, input1[base1 + i3 * p.a3], input2[base2 + i3 * p.b3]));
            o++;
          }
        }
      }
    }
  }
}
