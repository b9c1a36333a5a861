/**
 * @fileoverview REDUCE_MAX and REDUCE_MIN, int8, with TFLite Micro's semantics
 * (micro/kernels/reduce_common.cc EvalMinMaxHelper -> reference_ops::ReduceGeneric at 90b983c2):
 * the largest (or smallest) input over the reduced dimensions, starting from -128 (or 127); no
 * requantization (TFLM requires equal input and output quantization).
 *
 * Shapes as kernels/reduce.ts: lowering merges neighbouring dimensions of the same role into
 * four groups d0..d3 with flags r0..r3 (1 = reduced). Arrays: input, output (kept dimensions).
 *
 * `reduceMaxMinFloat` is the float32 variant: from lowest() (-FLT_MAX) or max() (FLT_MAX), each
 * element replaces the value when (in > current) (or in < current), in row-major order, as TFLM's
 * MinMaxReducerCompare (so all -infinity inputs give -FLT_MAX, as there).
 */
import type { f32, i32 } from "./types.ts";

/** `isMax` values. */
export const REDUCE_MIN: i32 = 0;
export const REDUCE_MAX: i32 = 1;

export interface ReduceMaxMinParams {
  /** REDUCE_MAX or REDUCE_MIN. */
  isMax: i32;
  d0: i32;
  d1: i32;
  d2: i32;
  d3: i32;
  r0: i32;
  r1: i32;
  r2: i32;
  r3: i32;
}

export function reduceMaxMin(p: ReduceMaxMinParams, input: Int8Array, output: Int8Array): void {
  const e0: i32 = p.r0 !== 0 ? 1 : p.d0;
  const e1: i32 = p.r1 !== 0 ? 1 : p.d1;
  const e2: i32 = p.r2 !== 0 ? 1 : p.d2;
  const e3: i32 = p.r3 !== 0 ? 1 : p.d3;
  const k0: i32 = p.r0 !== 0 ? p.d0 : 1;
  const k1: i32 = p.r1 !== 0 ? p.d1 : 1;
  const k2: i32 = p.r2 !== 0 ? p.d2 : 1;
  const k3: i32 = p.r3 !== 0 ? p.d3 : 1;
  let out: i32 = 0;
  for (let o0: i32 = 0; o0 < e0; o0++) {
    for (let o1: i32 = 0; o1 < e1; o1++) {
      for (let o2: i32 = 0; o2 < e2; o2++) {
        for (let o3: i32 = 0; o3 < e3; o3++) {
          let best: i32 = p.isMax !== 0 ? -128 : 127;
          for (let j0: i32 = 0; j0 < k0; j0++) {
            const i0: i32 = o0 + j0;
            for (let j1: i32 = 0; j1 < k1; j1++) {
              const i1: i32 = i0 * p.d1 + o1 + j1;
              for (let j2: i32 = 0; j2 < k2; j2++) {
                const i2: i32 = i1 * p.d2 + o2 + j2;
                for (let j3: i32 = 0; j3 < k3; j3++) {
                  const v: i32 = input[i2 * p.d3 + o3 + j3];
                  if (p.isMax !== 0) {
                    best = Math.max(best, v);
                  } else {
                    best = Math.min(best, v);
                  }
                }
              }
            }
          }
          output[out] = best;
          out++;
        }
      }
    }
  }
}

export function reduceMaxMinFloat(p: ReduceMaxMinParams, input: Float32Array, output: Float32Array): void {
  const e0: i32 = p.r0 !== 0 ? 1 : p.d0;
  const e1: i32 = p.r1 !== 0 ? 1 : p.d1;
  const e2: i32 = p.r2 !== 0 ? 1 : p.d2;
  const e3: i32 = p.r3 !== 0 ? 1 : p.d3;
  const k0: i32 = p.r0 !== 0 ? p.d0 : 1;
  const k1: i32 = p.r1 !== 0 ? p.d1 : 1;
  const k2: i32 = p.r2 !== 0 ? p.d2 : 1;
  const k3: i32 = p.r3 !== 0 ? p.d3 : 1;
  let out: i32 = 0;
  for (let o0: i32 = 0; o0 < e0; o0++) {
    for (let o1: i32 = 0; o1 < e1; o1++) {
      for (let o2: i32 = 0; o2 < e2; o2++) {
        for (let o3: i32 = 0; o3 < e3; o3++) {
          let best: f32 = p.isMax !== 0 ? Math.fround(-3.4028234663852886e38) : Math.fround(3.4028234663852886e38);
          for (let j0: i32 = 0; j0 < k0; j0++) {
            const i0: i32 = o0 + j0;
            for (let j1: i32 = 0; j1 < k1; j1++) {
              const i1: i32 = i0 * p.d1 + o1 + j1;
              for (let j2: i32 = 0; j2 < k2; j2++) {
                const i2: i32 = i1 * p.d2 + o2 + j2;
                for (let j3: i32 = 0; j3 < k3; j3++) {
                  const v: f32 = input[i2 * p.d3 + o3 + j3];
                  if (p.isMax !== 0) {
                    best = v > best ? v : best;
                  } else {
                    best = v < best ? v : best;
                  }
                }
              }
            }
          }
          output[out] = best;
          out++;
        }
      }
    }
  }
}
