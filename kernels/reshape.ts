/**
 * @fileoverview RESHAPE: a byte copy (NHWC data does not move when only the shape changes).
 *
 * Written in the kernel subset (docs/subset.md); compiler/ops/reshape.ts fills the record.
 * When the memory planner places the output on top of the input, the copy is a no-op (each
 * byte is read before, or at the same address as, it is written).
 * Array order: input, output (both `bytes` long).
 */
import type { i32 } from "./types.ts";

export interface ReshapeParams {
  bytes: i32;
}

export function reshape(p: ReshapeParams, input: Int8Array, output: Int8Array): void {
  for (let i: i32 = 0; i < p.bytes; i++) {
    output[i] = input[i];
  }
}
