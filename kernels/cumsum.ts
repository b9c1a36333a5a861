/**
 * @fileoverview CUMSUM, int8, with TFLite Micro's reference kernel (reference_ops::CumSum for
 * int8 at 90b983c2): each input gets its offset (-zero point), is shifted left by 20 and rescaled
 * by the input multiplier (MultiplyByQuantizedMultiplierSmallerThanOneExp); the running i32 sum
 * starts, as in TFLM, from the rescaled offset itself (not from 0); each prefix (before the
 * element when exclusive) is rescaled to the output, offset and clamped. `reverse` runs every
 * index backwards. TFLM's names: `inner` = dimensions before the axis, `outer` = after it.
 * compiler/ops/cumsum.ts fills the record. Arrays: input, output (same shape).
 *
 * `cumsumFloat` is the float32 variant (reference_ops::CumSum<float>): the f32 running sum from
 * 0 in the same order; the quantization fields of the record are unused.
 */
import type { f32, i32 } from "./types.ts";
import { mbqm, sat8 } from "./intrinsics.ts";

export interface CumsumParams {
  inner: i32;
  depth: i32;
  outer: i32;
  exclusive: i32;
  reverse: i32;
  leftShift: i32;
  inputOffset: i32;
  outputOffset: i32;
  inputMultiplier: i32;
  inputShift: i32;
  outputMultiplier: i32;
  outputShift: i32;
}

export function cumsum(p: CumsumParams, input: Int8Array, output: Int8Array): void {
  for (let o: i32 = 0; o < p.outer; o++) {
    const oAdj: i32 = p.reverse !== 0 ? p.outer - 1 - o : o;
    for (let n: i32 = 0; n < p.inner; n++) {
      const nAdj: i32 = p.reverse !== 0 ? p.inner - 1 - n : n;
      let acc: i32 = mbqm(p.inputOffset << p.leftShift, p.inputMultiplier, p.inputShift);
      for (let d: i32 = 0; d < p.depth; d++) {
        const dAdj: i32 = p.reverse !== 0 ? p.depth - 1 - d : d;
        const index: i32 = oAdj + nAdj * p.depth * p.outer + dAdj * p.outer;
        const scaled: i32 = mbqm((p.inputOffset + input[index]) << p.leftShift, p.inputMultiplier, p.inputShift);
        let sum: i32 = 0;
        if (p.exclusive !== 0) {
          sum = acc;
          acc = (acc + scaled) | 0;
        } else {
          acc = (acc + scaled) | 0;
          sum = acc;
        }
        output[index] = sat8(mbqm(sum, p.outputMultiplier, p.outputShift) + p.outputOffset);
      }
    }
  }
}

export function cumsumFloat(p: CumsumParams, input: Float32Array, output: Float32Array): void {
  for (let o: i32 = 0; o < p.outer; o++) {
    const oAdj: i32 = p.reverse !== 0 ? p.outer - 1 - o : o;
    for (let n: i32 = 0; n < p.inner; n++) {
      const nAdj: i32 = p.reverse !== 0 ? p.inner - 1 - n : n;
      let acc: f32 = Math.fround(0);
      for (let d: i32 = 0; d < p.depth; d++) {
        const dAdj: i32 = p.reverse !== 0 ? p.depth - 1 - d : d;
        const index: i32 = oAdj + nAdj * p.depth * p.outer + dAdj * p.outer;
        const x: f32 = input[index];
        if (p.exclusive !== 0) {
          output[index] = acc;
          acc = Math.fround(acc + x);
        } else {
          acc = Math.fround(acc + x);
          output[index] = acc;
        }
      }
    }
  }
}
