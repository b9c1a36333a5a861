/**
 * @fileoverview TRANSPOSE_CONV, int8 in / int8 per-channel weights / int32 bias / int8 out, with
 * TFLite Micro's reference semantics (reference_integer_ops::TransposeConv): every input pixel
 * is scattered through the filter into an int32 accumulator the size of the output (taps that
 * land outside the output are dropped), then each accumulator gets the bias, is requantized per
 * output channel, offset, and clamped to the activation range.
 *
 * Written in the kernel subset (docs/subset.md). compiler/ops/transpose_conv.ts does TFLite's
 * Prepare at compile time (padding from the output size, per-channel multipliers, activation
 * range) and fills the record.
 *
 * Array order: input [batches, inH, inW, inC], filter [outC, filterH, filterW, inC], bias [outC]
 * (not read when hasBias is 0; may be empty/NULL), multipliers [outC], shifts [outC] (positive =
 * left), output [batches, outH, outW, outC], scratch: an i32 arena buffer of
 * batches*outH*outW*outC elements (zeroed here; its contents are garbage on entry). The int32
 * accumulations wrap; the sum over input channels is formed before it is added to the
 * accumulator, which gives the same int32 result as TFLM's order (addition mod 2^32).
 */
import type { i32 } from "./types.ts";
import { mbqm } from "./intrinsics.ts";
import { ltu, mbqm64 } from "./common/wide.ts";

export interface TransposeConvParams {
  batches: i32;
  inH: i32;
  inW: i32;
  inC: i32;
  outH: i32;
  outW: i32;
  outC: i32;
  filterH: i32;
  filterW: i32;
  strideH: i32;
  strideW: i32;
  /** Padding before the first output row / column (TFLM's padding_values, from the output size). */
  padH: i32;
  padW: i32;
  /** -input_zero_point */
  inputOffset: i32;
  /** output_zero_point */
  outputOffset: i32;
  actMin: i32;
  actMax: i32;
  hasBias: i32;
}

export function transposeConv(
  p: TransposeConvParams,
  input: Int8Array,
  filter: Int8Array,
  bias: Int32Array,
  multipliers: Int32Array,
  shifts: Int32Array,
  output: Int8Array,
  scratch: Int32Array,
): void {
  const pixels: i32 = p.batches * p.outH * p.outW;
  const outSize: i32 = pixels * p.outC;
  for (let i: i32 = 0; i < outSize; i++) {
    scratch[i] = 0;
  }

  // Scatter: input pixel (iy, ix) feeds output (iy*stride - pad + fy, ix*stride - pad + fx).
  for (let b: i32 = 0; b < p.batches; b++) {
    for (let iy: i32 = 0; iy < p.inH; iy++) {
      const outYOrigin: i32 = iy * p.strideH - p.padH;
      for (let ix: i32 = 0; ix < p.inW; ix++) {
        const outXOrigin: i32 = ix * p.strideW - p.padW;
        const inBase: i32 = ((b * p.inH + iy) * p.inW + ix) * p.inC;
        for (let fy: i32 = 0; fy < p.filterH; fy++) {
          const oy: i32 = outYOrigin + fy;
          if (oy < 0 || oy >= p.outH) {
            continue;
          }
          for (let fx: i32 = 0; fx < p.filterW; fx++) {
            const ox: i32 = outXOrigin + fx;
            if (ox < 0 || ox >= p.outW) {
              continue;
            }
            const outBase: i32 = ((b * p.outH + oy) * p.outW + ox) * p.outC;
            for (let oc: i32 = 0; oc < p.outC; oc++) {
              const fBase: i32 = ((oc * p.filterH + fy) * p.filterW + fx) * p.inC;
              let acc: i32 = 0;
              for (let ic: i32 = 0; ic < p.inC; ic++) {
                acc = (acc + (input[inBase + ic] + p.inputOffset) * filter[fBase + ic]) | 0;
              }
              scratch[outBase + oc] = (scratch[outBase + oc] + acc) | 0;
            }
          }
        }
      }
    }
  }

  // Requantize per output channel.
  for (let px: i32 = 0; px < pixels; px++) {
    const base: i32 = px * p.outC;
    for (let oc: i32 = 0; oc < p.outC; oc++) {
      let acc: i32 = scratch[base + oc];
      if (p.hasBias !== 0) {
        acc = (acc + bias[oc]) | 0;
      }
      acc = mbqm(acc, multipliers[oc], shifts[oc]);
      acc = (acc + p.outputOffset) | 0;
      acc = Math.max(acc, p.actMin);
      acc = Math.min(acc, p.actMax);
      output[base + oc] = acc;
    }
  }
}

/** Input channels summed in i32 before joining a 64-bit accumulator: 128 * 128 * 32768 = 2^29. */
const WIDE_BLOCK: i32 = 128;

/**
 * TRANSPOSE_CONV 16x8 (int16 input and output, zero points 0; int8 weights): TFLite Micro's
 * reference_integer_ops::TransposeConv for int16_t, whose scratch and bias are int64. The same
 * scatter as transposeConv into `scratch` as {lo, hi} pairs (2 i32 per output element), each
 * tap's channel sum formed in i32 blocks first (the same int64 total); then the bias pair
 * ({lo, hi} per channel, when hasBias) and mbqm64 (kernels/common/wide.ts).
 */
export function transposeConv16(
  p: TransposeConvParams,
  input: Int16Array,
  filter: Int8Array,
  bias: Int32Array,
  multipliers: Int32Array,
  shifts: Int32Array,
  output: Int16Array,
  scratch: Int32Array,
): void {
  const pixels: i32 = p.batches * p.outH * p.outW;
  const outSize: i32 = pixels * p.outC;
  for (let i: i32 = 0; i < 2 * outSize; i++) {
    scratch[i] = 0;
  }
  for (let b: i32 = 0; b < p.batches; b++) {
    for (let iy: i32 = 0; iy < p.inH; iy++) {
      const outYOrigin: i32 = iy * p.strideH - p.padH;
      for (let ix: i32 = 0; ix < p.inW; ix++) {
        const outXOrigin: i32 = ix * p.strideW - p.padW;
        const inBase: i32 = ((b * p.inH + iy) * p.inW + ix) * p.inC;
        for (let fy: i32 = 0; fy < p.filterH; fy++) {
          const oy: i32 = outYOrigin + fy;
          if (oy < 0 || oy >= p.outH) {
            continue;
          }
          for (let fx: i32 = 0; fx < p.filterW; fx++) {
            const ox: i32 = outXOrigin + fx;
            if (ox < 0 || ox >= p.outW) {
              continue;
            }
            const outBase: i32 = ((b * p.outH + oy) * p.outW + ox) * p.outC;
            for (let oc: i32 = 0; oc < p.outC; oc++) {
              const fBase: i32 = ((oc * p.filterH + fy) * p.filterW + fx) * p.inC;
              const at: i32 = 2 * (outBase + oc);
              let ic: i32 = 0;
              while (ic < p.inC) {
                const end: i32 = Math.min(ic + WIDE_BLOCK, p.inC);
                let s: i32 = 0;
                while (ic < end) {
                  s = s + input[inBase + ic] * filter[fBase + ic];
                  ic++;
                }
                const lo: i32 = scratch[at];
                const sum: i32 = (lo + s) | 0;
                scratch[at + 1] = (scratch[at + 1] + (s >> 31) + ltu(sum, lo)) | 0;
                scratch[at] = sum;
              }
            }
          }
        }
      }
    }
  }
  for (let px: i32 = 0; px < pixels; px++) {
    const base: i32 = px * p.outC;
    for (let oc: i32 = 0; oc < p.outC; oc++) {
      let lo: i32 = scratch[2 * (base + oc)];
      let hi: i32 = scratch[2 * (base + oc) + 1];
      if (p.hasBias !== 0) {
        const sum: i32 = (lo + bias[2 * oc]) | 0;
        hi = (hi + bias[2 * oc + 1] + ltu(sum, lo)) | 0;
        lo = sum;
      }
      let acc: i32 = mbqm64(hi, lo, multipliers[oc], shifts[oc]);
      acc = Math.max(acc, p.actMin);
      acc = Math.min(acc, p.actMax);
      output[base + oc] = acc;
    }
  }
}
