/**
 * @fileoverview SPLIT, int8, with TFLite Micro's reference semantics (SplitImpl): the input is
 * cut along the axis into equal parts; for each of the `outer` leading index combinations,
 * output j receives the j-th `copy`-byte piece of the input's slab. A byte copy (outputs keep
 * the input's bytes).
 *
 * One call per output: this call copies input[k * inStride + inOffset ..+copy] to
 * output[k * copy ..] for every outer index k, where inStride is the input's slab size and
 * inOffset = j * copy. Written in the kernel subset (docs/subset.md); compiler/ops/split.ts
 * fills the record.
 * Array order: input (outer * inStride bytes), output (outer * copy bytes).
 */
import type { i32 } from "./types.ts";

export interface SplitParams {
  outer: i32;
  copy: i32;
  inStride: i32;
  inOffset: i32;
}

export function split(p: SplitParams, input: Int8Array, output: Int8Array): void {
  for (let k: i32 = 0; k < p.outer; k++) {
    const src: i32 = k * p.inStride + p.inOffset;
    const dst: i32 = k * p.copy;
    for (let j: i32 = 0; j < p.copy; j++) output[dst + j] = input[src + j];
  }
}
