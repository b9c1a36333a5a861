/**
 * @fileoverview ELU, int8, with TFLite Micro's semantics (micro/kernels/elu.cc at 90b983c2):
 * a 256-entry lookup table, built at compile time by compiler/ops/elu.ts exactly as TFLM's
 * PopulateLookupTable builds it at Prepare, indexed by the input value.
 *
 * Written in the kernel subset (docs/subset.md). Array order: int8 input, table [256] (entry
 * x + 128 is the output for input x), int8 output, both tensors `size` elements.
 */
import type { i32 } from "./types.ts";

export interface EluParams {
  /** Elements in the tensor. */
  size: i32;
}

export function elu(p: EluParams, input: Int8Array, table: Int8Array, output: Int8Array): void {
  for (let i: i32 = 0; i < p.size; i++) {
    output[i] = table[input[i] + 128];
  }
}
