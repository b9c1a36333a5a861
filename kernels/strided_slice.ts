/**
 * @fileoverview STRIDED_SLICE, int8, with TFLite Micro's reference semantics
 * (reference_ops::StridedSlice): the output is written in row-major order while each axis
 * walks from its start index by its stride (which may be negative). Start, stop and the masks
 * are resolved at compile time by compiler/ops/strided_slice.ts (StridedSliceStartForAxis /
 * StridedSliceEndForAxis), which hands the kernel, per axis padded to rank 4 at the front, the
 * number of steps and the input offset of one step. A byte copy: output keeps the input's
 * quantization.
 *
 * Written in the kernel subset (docs/subset.md).
 * Array order: input, output (n0 * n1 * n2 * n3 bytes).
 */
import type { i32 } from "./types.ts";

export interface StridedSliceParams {
  /** Steps taken along each axis (output dimensions, shrunk axes count 1). */
  n0: i32;
  n1: i32;
  n2: i32;
  n3: i32;
  /** Input element offset of one step along each axis: stride * the input's axis stride. */
  step0: i32;
  step1: i32;
  step2: i32;
  step3: i32;
  /** Input element offset of the first output element (sum of start * axis stride). */
  base: i32;
}

export function stridedSlice(p: StridedSliceParams, input: Int8Array, output: Int8Array): void {
  let o: i32 = 0;
  for (let a: i32 = 0; a < p.n0; a++) {
    const ia: i32 = p.base + a * p.step0;
    for (let b: i32 = 0; b < p.n1; b++) {
      const ib: i32 = ia + b * p.step1;
      for (let c: i32 = 0; c < p.n2; c++) {
        const ic: i32 = ib + c * p.step2;
        for (let d: i32 = 0; d < p.n3; d++) output[o + d] = input[ic + d * p.step3];
        o += p.n3;
      }
    }
  }
}
