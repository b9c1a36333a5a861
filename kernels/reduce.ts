/**
 * @fileoverview MEAN and SUM, int8, with TFLite Micro's reference semantics
 * (reference_ops::QuantizedMeanOrSum, reached from micro/kernels/reduce_common.cc for every int8
 * MEAN and SUM): the int32 sum of the reduced elements (wrapping), minus
 * input_zero_point * count, requantized by MultiplyByQuantizedMultiplier, plus the output zero
 * point, clamped to int8. For MEAN the 1/count factor is already folded into the multiplier and
 * shift by compiler/ops/reduce.ts, so MEAN and SUM share this one kernel.
 *
 * Shapes: lowering merges neighbouring dimensions that are both reduced or both kept, and pads
 * to four dimensions d0..d3 with flags r0..r3 (1 = reduced). The output is the input with every
 * reduced dimension of extent 1, in row-major order (which is also its order without keep_dims).
 * Array order: input [d0*d1*d2*d3], output [product of kept dimensions].
 */
import type { i32 } from "./types.ts";
import { mbqm } from "./intrinsics.ts";

export interface ReduceParams {
  d0: i32;
  d1: i32;
  d2: i32;
  d3: i32;
  r0: i32;
  r1: i32;
  r2: i32;
  r3: i32;
  /** Number of input elements summed into each output (product of the reduced dimensions). */
  count: i32;
  inputZeroPoint: i32;
  outputZeroPoint: i32;
  multiplier: i32;
  /** Positive = left shift (TFLite convention). */
  shift: i32;
}

export function reduceMeanSum(p: ReduceParams, input: Int8Array, output: Int8Array): void {
  // Output extents (1 on a reduced axis) and reduction extents (1 on a kept axis).
  const e0: i32 = p.r0 !== 0 ? 1 : p.d0;
  const e1: i32 = p.r1 !== 0 ? 1 : p.d1;
  const e2: i32 = p.r2 !== 0 ? 1 : p.d2;
  const e3: i32 = p.r3 !== 0 ? 1 : p.d3;
  const k0: i32 = p.r0 !== 0 ? p.d0 : 1;
  const k1: i32 = p.r1 !== 0 ? p.d1 : 1;
  const k2: i32 = p.r2 !== 0 ? p.d2 : 1;
  const k3: i32 = p.r3 !== 0 ? p.d3 : 1;
  const zeroSum: i32 = Math.imul(p.inputZeroPoint, p.count);
  let out: i32 = 0;
  for (let o0: i32 = 0; o0 < e0; o0++) {
    for (let o1: i32 = 0; o1 < e1; o1++) {
      for (let o2: i32 = 0; o2 < e2; o2++) {
        for (let o3: i32 = 0; o3 < e3; o3++) {
          let sum: i32 = 0;
          for (let j0: i32 = 0; j0 < k0; j0++) {
            const i0: i32 = o0 + j0;
            for (let j1: i32 = 0; j1 < k1; j1++) {
              const i1: i32 = i0 * p.d1 + o1 + j1;
              for (let j2: i32 = 0; j2 < k2; j2++) {
                const i2: i32 = i1 * p.d2 + o2 + j2;
                for (let j3: i32 = 0; j3 < k3; j3++) {
                  sum = (sum + input[i2 * p.d3 + o3 + j3]) | 0;
                }
              }
            }
          }
          let v: i32 = mbqm((sum - zeroSum) | 0, p.multiplier, p.shift);
          v = (v + p.outputZeroPoint) | 0;
          v = Math.max(v, -128);
          v = Math.min(v, 127);
          output[out] = v;
          out++;
        }
      }
    }
  }
}

/** MEAN and SUM on int16 (TFLM's QuantizedMeanOrSum<int16_t>): the same sums, clamped to int16. */
export function reduceMeanSum16(p: ReduceParams, input: Int16Array, output: Int16Array): void {
  const e0: i32 = p.r0 !== 0 ? 1 : p.d0;
  const e1: i32 = p.r1 !== 0 ? 1 : p.d1;
  const e2: i32 = p.r2 !== 0 ? 1 : p.d2;
  const e3: i32 = p.r3 !== 0 ? 1 : p.d3;
  const k0: i32 = p.r0 !== 0 ? p.d0 : 1;
  const k1: i32 = p.r1 !== 0 ? p.d1 : 1;
  const k2: i32 = p.r2 !== 0 ? p.d2 : 1;
  const k3: i32 = p.r3 !== 0 ? p.d3 : 1;
  const zeroSum: i32 = Math.imul(p.inputZeroPoint, p.count);
  let out: i32 = 0;
  for (let o0: i32 = 0; o0 < e0; o0++) {
    for (let o1: i32 = 0; o1 < e1; o1++) {
      for (let o2: i32 = 0; o2 < e2; o2++) {
        for (let o3: i32 = 0; o3 < e3; o3++) {
          let sum: i32 = 0;
          for (let j0: i32 = 0; j0 < k0; j0++) {
            const i0: i32 = o0 + j0;
            for (let j1: i32 = 0; j1 < k1; j1++) {
              const i1: i32 = i0 * p.d1 + o1 + j1;
              for (let j2: i32 = 0; j2 < k2; j2++) {
                const i2: i32 = i1 * p.d2 + o2 + j2;
                for (let j3: i32 = 0; j3 < k3; j3++) {
                  sum = (sum + input[i2 * p.d3 + o3 + j3]) | 0;
                }
              }
            }
          }
          let v: i32 = mbqm((sum - zeroSum) | 0, p.multiplier, p.shift);
          v = (v + p.outputZeroPoint) | 0;
          v = Math.max(v, -32768);
          v = Math.min(v, 32767);
          output[out] = v;
          out++;
        }
      }
    }
  }
}
