/**
 * @fileoverview FULLY_CONNECTED, int8 in / int8 weights / int32 bias / int8 out, with TFLite
 * Micro's reference semantics (reference_integer_ops::FullyConnected and
 * FullyConnectedPerChannel).
 *
 * Written in the kernel subset (docs/subset.md): it runs as-is under Node and is lowered
 * to C and WASM. compiler/ops/fully_connected.ts computes the record and the per-channel
 * multiplier/shift arrays at compile time; per-tensor weights arrive as the same arrays with the
 * one multiplier repeated, so the kernels have a single path. Two entry functions with the same
 * arrays:
 *  - `fullyConnectedReference`, right below the record: the plain TFLM loop, one output element
 *    at a time; the specification the fast entry is tested against (test/kernels/
 *    reference.test.ts), run on every target when lowering is given `{ reference: true }`. It
 *    lives in this file so the fast entry and its generated code stay exactly as they were.
 *  - `fullyConnected`, the fast entry models use: output channels go four at a time (one input
 *    load per four MACs), then one at a time for the rest. With hasBias 2 the input offset is
 *    folded into a compile-time bias (sum f*(x + off) = sum f*x + off * sum f, exact in
 *    wrapping i32).
 *
 * Arrays (their order is FULLY_CONNECTED_SLOTS in compiler/ops/fully_connected.ts, checked by
 * test/ops/contracts.test.ts): input [batches, accumDepth], filter [outputDepth, accumDepth], bias
 * [outputDepth] (not read when hasBias is 0; may be empty/NULL), multipliers [outputDepth],
 * shifts [outputDepth] (TFLite convention: positive = left shift), output [batches, outputDepth].
 * The i32 accumulator wraps (as the C int32 accumulator does in practice).
 */
import type { i32 } from "./types.ts";
import { requantize, toOutput } from "./common/requantize.ts";
import { ltu, mbqm64 } from "./common/wide.ts";

/** `hasBias` values: no bias (`bias` not read), the model's bias, the bias with the input offset folded in. */
export const BIAS_NONE: i32 = 0;
export const BIAS_MODEL: i32 = 1;
export const BIAS_FOLDED: i32 = 2;

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
  /**
   * 0: no bias (`bias` not read). 1: `bias` is the model's bias; the loop adds inputOffset to
   * every input. 2: `bias` (made at compile time) holds bias[oc] + inputOffset * sum_k
   * (filter[oc][k] + filterOffset), so the loop multiplies raw inputs (exact: the i32 sum wraps
   * either way).
   */
  hasBias: i32;
}

/**
 * The reference: TFLite Micro's reference_integer_ops::FullyConnected (per-tensor weights, with
 * filterOffset) and FullyConnectedPerChannel (filterOffset 0), one output element at a time:
 * acc += (filter + filterOffset) * (input + inputOffset), then bias, requantization and clamp
 * (kernels/common/requantize.ts). Same arrays as fullyConnected. It takes only hasBias 0 or 1
 * (never the folded 2): lowering with `{ reference: true }` (compiler/ops/fully_connected.ts)
 * calls it that way.
 */
export function fullyConnectedReference(
  p: FullyConnectedParams,
  input: Int8Array,
  filter: Int8Array,
  bias: Int32Array,
  multipliers: Int32Array,
  shifts: Int32Array,
  output: Int8Array,
): void {
  for (let b: i32 = 0; b < p.batches; b++) {
    for (let oc: i32 = 0; oc < p.outputDepth; oc++) {
      let acc: i32 = 0;
      for (let d: i32 = 0; d < p.accumDepth; d++) {
        const x: i32 = input[b * p.accumDepth + d];
        const f: i32 = filter[oc * p.accumDepth + d];
        acc = (acc + (f + p.filterOffset) * (x + p.inputOffset)) | 0;
      }
      output[b * p.outputDepth + oc] =
        toOutput(requantize(acc, oc, p.hasBias, bias, multipliers, shifts), p.outputOffset, p.actMin, p.actMax);
    }
  }
}

/** Bias, requantization and activation of output channel `oc`'s accumulator (kernels/common/requantize.ts). */
function finish(p: FullyConnectedParams, acc: i32, oc: i32, bias: Int32Array, multipliers: Int32Array, shifts: Int32Array): i32 {
  const v: i32 = requantize(acc, oc, p.hasBias, bias, multipliers, shifts);
  return toOutput(v, p.outputOffset, p.actMin, p.actMax);
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
  let xOff: i32 = p.inputOffset;
  if (p.hasBias === BIAS_FOLDED) {
    xOff = 0;
  }
  for (let b: i32 = 0; b < p.batches; b++) {
    const inBase: i32 = b * p.accumDepth;
    const outBase: i32 = b * p.outputDepth;
    let oc: i32 = 0;
    // Four output channels per pass: each input byte is loaded once for four filter rows.
    while (oc + 4 <= p.outputDepth) {
      const f0: i32 = oc * p.accumDepth;
      const f1: i32 = f0 + p.accumDepth;
      const f2: i32 = f1 + p.accumDepth;
      const f3: i32 = f2 + p.accumDepth;
      let acc0: i32 = 0;
      let acc1: i32 = 0;
      let acc2: i32 = 0;
      let acc3: i32 = 0;
      for (let d: i32 = 0; d < p.accumDepth; d++) {
        const x: i32 = input[inBase + d] + xOff;
        acc0 = (acc0 + (filter[f0 + d] + p.filterOffset) * x) | 0;
        acc1 = (acc1 + (filter[f1 + d] + p.filterOffset) * x) | 0;
        acc2 = (acc2 + (filter[f2 + d] + p.filterOffset) * x) | 0;
        acc3 = (acc3 + (filter[f3 + d] + p.filterOffset) * x) | 0;
      }
      output[outBase + oc] = finish(p, acc0, oc, bias, multipliers, shifts);
      output[outBase + oc + 1] = finish(p, acc1, oc + 1, bias, multipliers, shifts);
      output[outBase + oc + 2] = finish(p, acc2, oc + 2, bias, multipliers, shifts);
      output[outBase + oc + 3] = finish(p, acc3, oc + 3, bias, multipliers, shifts);
      oc += 4;
    }
    while (oc < p.outputDepth) {
      const fBase: i32 = oc * p.accumDepth;
      let acc: i32 = 0;
      for (let d: i32 = 0; d < p.accumDepth; d++) {
        acc = (acc + (filter[fBase + d] + p.filterOffset) * (input[inBase + d] + xOff)) | 0;
      }
      output[outBase + oc] = finish(p, acc, oc, bias, multipliers, shifts);
      oc++;
    }
  }
}

/**
 * The 16x8 variant's record (int16 activations, zero point 0; int8 weights): TFLite Micro's
 * reference_integer_ops::FullyConnected / FullyConnectedPerChannel for int16_t, whose
 * accumulator type follows the bias. `bias64` 1: an int64 bias (or none, unless the model asks
 * for an int32 one), int64 accumulation and the int64 MultiplyByQuantizedMultiplier; `bias` then
 * holds {lo, hi} per output channel. `bias64` 0: an int32 bias, the i32 accumulator wrapping and
 * the int32 requantization, as the int8 path.
 */
export interface FullyConnected16Params {
  batches: i32;
  accumDepth: i32;
  outputDepth: i32;
  /** -filter_zero_point (0 for per-channel weights) */
  filterOffset: i32;
  actMin: i32;
  actMax: i32;
  /** 0: no bias, 1: bias read (as i32, or as {lo, hi} pairs when bias64 is 1) */
  hasBias: i32;
  bias64: i32;
}

/** Taps summed in i32 before the sum joins the 64-bit accumulator: 128 * 255 * 32768 < 2^31. */
const WIDE_BLOCK: i32 = 128;

/**
 * FULLY_CONNECTED with int16 input and output (the reference loop, one output element at a
 * time; the same arrays as fullyConnected with Int16Array activations). With bias64 the taps are
 * summed in i32 blocks of WIDE_BLOCK (exact) that are added to a 64-bit (hi, lo) accumulator,
 * then the bias pair, then mbqm64 (kernels/common/wide.ts).
 */
export function fullyConnected16(
  p: FullyConnected16Params,
  input: Int16Array,
  filter: Int8Array,
  bias: Int32Array,
  multipliers: Int32Array,
  shifts: Int32Array,
  output: Int16Array,
): void {
  for (let b: i32 = 0; b < p.batches; b++) {
    const inBase: i32 = b * p.accumDepth;
    for (let oc: i32 = 0; oc < p.outputDepth; oc++) {
      const fBase: i32 = oc * p.accumDepth;
      let v: i32 = 0;
      if (p.bias64 === 0) {
        let acc: i32 = 0;
        for (let d: i32 = 0; d < p.accumDepth; d++) {
          acc = (acc + (filter[fBase + d] + p.filterOffset) * input[inBase + d]) | 0;
        }
        v = requantize(acc, oc, p.hasBias, bias, multipliers, shifts);
      } else {
        let hi: i32 = 0;
        let lo: i32 = 0;
        let d: i32 = 0;
        while (d < p.accumDepth) {
          const end: i32 = Math.min(d + WIDE_BLOCK, p.accumDepth);
          let s: i32 = 0;
          while (d < end) {
            s = s + (filter[fBase + d] + p.filterOffset) * input[inBase + d];
            d++;
          }
          const sum: i32 = (lo + s) | 0;
          hi = (hi + (s >> 31) + ltu(sum, lo)) | 0;
          lo = sum;
        }
        if (p.hasBias !== 0) {
          const withBias: i32 = (lo + bias[2 * oc]) | 0;
          hi = (hi + bias[2 * oc + 1] + ltu(withBias, lo)) | 0;
          lo = withBias;
        }
        v = mbqm64(hi, lo, multipliers[oc], shifts[oc]);
      }
      output[b * p.outputDepth + oc] = toOutput(v, 0, p.actMin, p.actMax);
    }
  }
}
