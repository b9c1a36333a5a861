/**
 * @fileoverview Gather by an index table: the one kernel behind the data-movement ops whose
 * output is not a strided view of the input (GATHER, GATHER_ND, SPACE_TO_BATCH_ND,
 * BATCH_TO_SPACE_ND, MIRROR_PAD). The lowering (compiler/ops/movement.ts gatherCall) resolves
 * TFLite Micro's index arithmetic at compile time into a table of input offsets, one per run of
 * `inner` contiguous bytes; the kernel copies the runs in output order. An offset of -1 writes
 * `fill` instead (SPACE_TO_BATCH_ND's padding: the output zero point). A byte copy.
 *
 * Written in the kernel subset (docs/subset.md).
 * Array order: input (outer * inStride bytes), index (count offsets), output
 * (outer * count * inner bytes).
 */
import type { i32 } from "./types.ts";

export interface GatherParams {
  /** Leading slabs (GATHER's dimensions before the axis; 1 for the others). */
  outer: i32;
  /** Runs per slab: entries of the index table. */
  count: i32;
  /** Bytes per run. */
  inner: i32;
  /** Input bytes per slab. */
  inStride: i32;
  /** The byte written for a run whose offset is -1. */
  fill: i32;
}

export function gather(p: GatherParams, input: Int8Array, index: Int32Array, output: Int8Array): void {
  let o: i32 = 0;
  for (let a: i32 = 0; a < p.outer; a++) {
    const base: i32 = a * p.inStride;
    for (let k: i32 = 0; k < p.count; k++) {
      const src: i32 = index[k];
      if (src < 0) {
        for (let j: i32 = 0; j < p.inner; j++) output[o + j] = p.fill;
      } else {
        const from: i32 = base + src;
        for (let j: i32 = 0; j < p.inner; j++) output[o + j] = input[from + j];
      }
      o += p.inner;
    }
  }
}
