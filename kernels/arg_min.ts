/**
 * @fileoverview ARG_MIN, int8 input, int32 output, with TFLite Micro's reference semantics
 * (reference_ops::ArgMinMax with std::less): the input is viewed as [outer, axisSize, inner];
 * each output is the index along the axis of the smallest value, the first (lowest) index
 * winning ties because only a strictly smaller value replaces the current minimum.
 *
 * Written in the kernel subset (docs/subset.md); compiler/ops/arg_min.ts fills the record (the
 * record of kernels/arg_max.ts). Array order: input [outer * axisSize * inner] (int8), output
 * [outer * inner] (int32).
 */
import type { i32 } from "./types.ts";

export interface ArgMinParams {
  /** Product of the dimensions before the axis. */
  outer: i32;
  /** Size of the reduced axis (at least 1). */
  axisSize: i32;
  /** Product of the dimensions after the axis. */
  inner: i32;
}

export function argMin(p: ArgMinParams, input: Int8Array, output: Int32Array): void {
  for (let o: i32 = 0; o < p.outer; o++) {
    const base: i32 = o * p.axisSize * p.inner;
    for (let k: i32 = 0; k < p.inner; k++) {
      let best: i32 = input[base + k];
      let bestIndex: i32 = 0;
      for (let i: i32 = 1; i < p.axisSize; i++) {
        const v: i32 = input[base + i * p.inner + k];
        if (v < best) {
          best = v;
          bestIndex = i;
        }
      }
      output[o * p.inner + k] = bestIndex;
    }
  }
}
