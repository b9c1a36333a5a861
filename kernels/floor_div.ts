/**
 * @fileoverview FLOOR_DIV on float32 (TFLite Micro registers it for float32 only), with TFLM's
 * reference semantics at 90b983c2 (reference_ops::FloorDiv<float>): float(std::floor(double(a) /
 * double(b))). The subset writes that as Math.fround(Math.floor(a / b)) of two f32s, the
 * `floordiv` builtin (compiler/ir/intrinsics.ts): JS divides and floors in double as TFLM does, C
 * calls mote_floordivf (runtime/mote_intrinsics.h), WASM f64.div, f64.floor and f32.demote_f64,
 * each an exact IEEE step, so every target gives TFLM's bytes (NaNs aside, whose sign and payload
 * are not specified). TFLM fails Invoke when any divisor is 0; the lowering rejects a constant
 * zero divisor, and a zero reaching the kernel at run time gives floor(+-inf) = +-infinity or NaN.
 * Broadcasting as kernels/add.ts (compiler/ops/broadcast.ts).
 * Arrays: input1, input2, output (float32).
 */
import type { f32, i32 } from "./types.ts";

export interface FloorDivParams {
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
}

function floorDivElement(a: f32, b: f32): f32 {
  return Math.fround(Math.floor(a / b));
}

export function floorDiv(p: FloorDivParams, input1: Float32Array, input2: Float32Array, output: Float32Array): void {
  if (p.broadcast === 0) {
    for (let i: i32 = 0; i < p.size; i++) {
      output[i] = floorDivElement(input1[i], input2[i]);
    }
  } else {
    let o: i32 = 0;
    for (let i0: i32 = 0; i0 < p.d0; i0++) {
      for (let i1: i32 = 0; i1 < p.d1; i1++) {
        for (let i2: i32 = 0; i2 < p.d2; i2++) {
          const base1: i32 = i0 * p.a0 + i1 * p.a1 + i2 * p.a2;
          const base2: i32 = i0 * p.b0 + i1 * p.b1 + i2 * p.b2;
          for (let i3: i32 = 0; i3 < p.d3; i3++) {
            output[o] = floorDivElement(input1[base1 + i3 * p.a3], input2[base2 + i3 * p.b3]);
            o++;
          }
        }
      }
    }
  }
}
