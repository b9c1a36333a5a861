/**
 * @fileoverview CONCATENATION, int8, with TFLite Micro's reference semantics
 * (reference_ops::Concatenation): for each of the `outer` leading index combinations, the
 * inputs' slabs along the axis are copied one after the other. Inputs and output share
 * quantization (TFLM requires it), so it is a byte copy.
 *
 * One call per input: this call copies its input's `copy`-byte slab of every outer index k to
 * output[k * outStride + outOffset], where outStride is the output's slab size and outOffset
 * the bytes of the earlier inputs' slabs. Written in the kernel subset (docs/subset.md);
 * compiler/ops/concatenation.ts fills the record.
 * Array order: input (outer * copy bytes), output (outer * outStride bytes).
 */
import type { i32 } from "./types.ts";

export interface ConcatenationParams {
  outer: i32;
  copy: i32;
  outStride: i32;
  outOffset: i32;
}

export function concatenation(p: ConcatenationParams, input: Int8Array, output: Int8Array): void {
  for (let k: i32 = 0; k < p.outer; k++) {
    const src: i32 = k * p.copy;
    const dst: i32 = k * p.outStride + p.outOffset;
    for (let j: i32 = 0; j < p.copy; j++) output[dst + j] = input[src + j];
  }
}

/** The int16 copy (TFLM's EvalUnquantized<int16_t>): the same loops, counts in int16 elements. */
export function concatenation16(p: ConcatenationParams, input: Int16Array, output: Int16Array): void {
  for (let k: i32 = 0; k < p.outer; k++) {
    const src: i32 = k * p.copy;
    const dst: i32 = k * p.outStride + p.outOffset;
    for (let j: i32 = 0; j < p.copy; j++) output[dst + j] = input[src + j];
  }
}
