/**
 * @fileoverview MAXIMUM and MINIMUM, int8, with TFLite Micro's reference semantics
 * (reference_ops::MaximumMinimumBroadcastSlow): the larger (or, when `minimum` is 1, the
 * smaller) of the two raw int8 values, with no requantization and no activation; the lowering
 * requires both inputs and the output to share one quantization, so raw comparison is exact.
 *
 * Written in the kernel subset (docs/subset.md); compiler/ops/maximum_minimum.ts fills the
 * record and compiler/ops/broadcast.ts the loops. `broadcast` 0 is the fast path for same-shape
 * operands (one flat loop); otherwise four nested loops over the output with per-input strides
 * (0 along a broadcast dimension). Array order: input1, input2, output.
 */
import type { i32 } from "./types.ts";

export interface MaximumMinimumParams {
  /** 1 for MINIMUM, 0 for MAXIMUM. */
  minimum: i32;
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

function pick(p: MaximumMinimumParams, x: i32, y: i32): i32 {
  if (p.minimum !== 0) {
    return Math.min(x, y);
  }
  return Math.max(x, y);
}

export function maximumMinimum(p: MaximumMinimumParams, input1: Int8Array, input2: Int8Array, output: Int8Array): void {
  if (p.broadcast === 0) {
    for (let i: i32 = 0; i < p.size; i++) {
      output[i] = pick(p, input1[i], input2[i]);
    }
  } else {
    let o: i32 = 0;
    for (let i0: i32 = 0; i0 < p.d0; i0++) {
      for (let i1: i32 = 0; i1 < p.d1; i1++) {
        for (let i2: i32 = 0; i2 < p.d2; i2++) {
          const base1: i32 = i0 * p.a0 + i1 * p.a1 + i2 * p.a2;
          const base2: i32 = i0 * p.b0 + i1 * p.b1 + i2 * p.b2;
          for (let i3: i32 = 0; i3 < p.d3; i3++) {
            output[o] = pick(p, input1[base1 + i3 * p.a3], input2[base2 + i3 * p.b3]);
            o++;
          }
        }
      }
    }
  }
}
