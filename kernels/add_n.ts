/**
 * @fileoverview ADD_N, int8, with TFLite Micro's reference kernel (reference_ops::AddN for int8
 * at 90b983c2): per element, the i32 sum starts from the rescaled input offset (TFLM's quirk: the
 * offset itself, shifted left by 20 and rescaled), then adds every input's (x + offset) << 20
 * rescaled by the shared input multiplier; the sum is rescaled to the output, offset, clamped.
 * All inputs share one quantization (TFLM checks it). Up to four inputs per call: `count` of
 * input0..input3 are read (the lowering passes input0 again for the unused ones).
 * Arrays: input0, input1, input2, input3, output.
 *
 * `addNFloat` is the float32 variant (reference_ops::AddN<float>): x = 0, then x += each input in
 * order, in f32; the quantization fields of the record are unused.
 */
import type { f32, i32 } from "./types.ts";
import { mbqm, sat8 } from "./intrinsics.ts";

export interface AddNParams {
  size: i32;
  /** Inputs summed: 2 to 4. */
  count: i32;
  leftShift: i32;
  inputOffset: i32;
  outputOffset: i32;
  inputMultiplier: i32;
  inputShift: i32;
  outputMultiplier: i32;
  outputShift: i32;
}

function scaled(p: AddNParams, x: i32): i32 {
  return mbqm((p.inputOffset + x) << p.leftShift, p.inputMultiplier, p.inputShift);
}

export function addN(
  p: AddNParams, input0: Int8Array, input1: Int8Array, input2: Int8Array, input3: Int8Array, output: Int8Array,
): void {
  const start: i32 = mbqm(p.inputOffset << p.leftShift, p.inputMultiplier, p.inputShift);
  for (let i: i32 = 0; i < p.size; i++) {
    let sum: i32 = (start + scaled(p, input0[i]) + scaled(p, input1[i])) | 0;
    if (p.count > 2) {
      sum = (sum + scaled(p, input2[i])) | 0;
    }
    if (p.count > 3) {
      sum = (sum + scaled(p, input3[i])) | 0;
    }
    output[i] = sat8(mbqm(sum, p.outputMultiplier, p.outputShift) + p.outputOffset);
  }
}

export function addNFloat(
  p: AddNParams, input0: Float32Array, input1: Float32Array, input2: Float32Array, input3: Float32Array, output: Float32Array,
): void {
  for (let i: i32 = 0; i < p.size; i++) {
    let x: f32 = Math.fround(Math.fround(Math.fround(0) + input0[i]) + input1[i]);
    if (p.count > 2) {
      x = Math.fround(x + input2[i]);
    }
    if (p.count > 3) {
      x = Math.fround(x + input3[i]);
    }
    output[i] = x;
  }
}
