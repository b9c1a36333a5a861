/**
 * @fileoverview TRANSPOSE, int8, with TFLite Micro's reference semantics
 * (reference_ops::Transpose): output[i0..i4] = input at sum(iK * inputStride[perm[K]]), the
 * output written in row-major order. compiler/ops/transpose.ts pads the rank to 5 at the front
 * and gives, per output axis, its size and the input stride of the permuted axis. A byte copy:
 * the output keeps the input's bytes.
 *
 * Written in the kernel subset (docs/subset.md).
 * Array order: input, output (n0 * n1 * n2 * n3 * n4 bytes).
 */
import type { i32 } from "./types.ts";

export interface TransposeParams {
  /** Output dimensions, rank padded to 5 at the front with 1. */
  n0: i32;
  n1: i32;
  n2: i32;
  n3: i32;
  n4: i32;
  /** Input element stride of the input axis that output axis K reads (perm[K]). */
  s0: i32;
  s1: i32;
  s2: i32;
  s3: i32;
  s4: i32;
}

export function transpose(p: TransposeParams, input: Int8Array, output: Int8Array): void {
  let o: i32 = 0;
  for (let a: i32 = 0; a < p.n0; a++) {
    const ia: i32 = a * p.s0;
    for (let b: i32 = 0; b < p.n1; b++) {
      const ib: i32 = ia + b * p.s1;
      for (let c: i32 = 0; c < p.n2; c++) {
        const ic: i32 = ib + c * p.s2;
        for (let d: i32 = 0; d < p.n3; d++) {
          const id: i32 = ic + d * p.s3;
          for (let e: i32 = 0; e < p.n4; e++) output[o + e] = input[id + e * p.s4];
          o += p.n4;
        }
      }
    }
  }
}
