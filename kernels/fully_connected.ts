/**
 * @fileoverview FULLY_CONNECTED, int8 in / int8 weights / int32 bias / int8 out, with TFLite
 * Micro's reference semantics (reference_integer_ops::FullyConnected and
 * FullyConnectedPerChannel).
 *
 * Written in the kernel subset (docs/subset.md): it runs as-is under Node and is lowered
 * to C and WASM. compiler/ops/fully_connected.ts computes the record and the per-channel
 * multiplier/shift arrays at compile time; per-tensor weights arrive as the same arrays with the
 * one multiplier repeated, so the kernel has a single path.
 *
 * Array order: input [batches, accumDepth], filter [outputDepth, accumDepth], bias
 * [outputDepth] (not read when hasBias is 0; may be empty/NULL), multipliers [outputDepth],
 * shifts [outputDepth] (TFLite convention: positive = left shift), output [batches, outputDepth].
 * The i32 accumulator wraps (as the C int32 accumulator does in practice).
 */
import type { i32 } from "./types.ts";
import { mbqm } from "./intrinsics.ts";

export interface FullyConnectedParams {
  batches: i32;
  accumDepth: i32;
  outputDepth: i32;
  /** -input_zero_point */
  inputOffset: i32;
  /** -filter_zero_point (0 for symmetric / per-channel weights) */
  filterOffset: i32;
  /** output_zero_point */
  outputOffset: i32;
  actMin: i32;
  actMax: i32;
  hasBias: i32;
}

export function fullyConnected(
  p: FullyConnectedParams,
  input: Int8Array,
  filter: Int8Array,
  bias: Int32Array,
  multipliers: Int32Array,
  shifts: Int32Array,
  output: Int8Array,
): void {
  for (let b: i32 = 0; b < p.batches; b++) {
    const inBase: i32 = b * p.accumDepth;
    for (let oc: i32 = 0; oc < p.outputDepth; oc++) {
      const fBase: i32 = oc * p.accumDepth;
      let acc: i32 = 0;
      for (let d: i32 = 0; d < p.accumDepth; d++) {
        acc = (acc + (filter[fBase + d] + p.filterOffset) * (input[inBase + d] + p.inputOffset)) | 0;
      }
      if (p.hasBias !== 0) {
        acc = (acc + bias[oc]) | 0;
      }
      acc = mbqm(acc, multipliers[oc], shifts[oc]);
      acc = (acc + p.outputOffset) | 0;
      acc = Math.max(acc, p.actMin);
      acc = Math.min(acc, p.actMax);
      output[b * p.outputDepth + oc] = acc;
    }
  }
}
