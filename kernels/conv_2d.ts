/**
 * @fileoverview CONV_2D, int8 with per-channel weights, with TFLite Micro's reference semantics
 * (reference_integer_ops::ConvPerChannel): NHWC input/output, OHWI filter, stride, dilation,
 * explicit padding offsets, grouped convolution (input depth a multiple of the filter's).
 *
 * Written in the kernel subset (docs/subset.md). compiler/ops/conv_2d.ts does TFLite's
 * Prepare at compile time (padding, multipliers, activation range) and fills the record.
 *
 * Array order: input [batches, inH, inW, inC], filter [outC, filterH, filterW, filterInC], bias
 * [outC] (not read when hasBias is 0; may be empty/NULL), multipliers [outC], shifts [outC]
 * (positive = left), output [batches, outH, outW, outC]. Taps outside the image are skipped
 * (equivalent to padding with the input zero point). The i32 accumulator wraps.
 */
import type { i32 } from "./types.ts";
import { mbqm } from "./intrinsics.ts";

export interface Conv2dParams {
  batches: i32;
  inH: i32;
  inW: i32;
  inC: i32;
  outH: i32;
  outW: i32;
  outC: i32;
  filterH: i32;
  filterW: i32;
  /** Filter input depth: inC for an ordinary convolution, inC / groups for a grouped one. */
  filterInC: i32;
  /** Output channels per group (outC when there is one group). */
  filtersPerGroup: i32;
  strideH: i32;
  strideW: i32;
  dilationH: i32;
  dilationW: i32;
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

export function conv2d(
  p: Conv2dParams,
  input: Int8Array,
  filter: Int8Array,
  bias: Int32Array,
  multipliers: Int32Array,
  shifts: Int32Array,
  output: Int8Array,
): void {
  for (let b: i32 = 0; b < p.batches; b++) {
    for (let oy: i32 = 0; oy < p.outH; oy++) {
      const inYOrigin: i32 = oy * p.strideH - p.padH;
      for (let ox: i32 = 0; ox < p.outW; ox++) {
        const inXOrigin: i32 = ox * p.strideW - p.padW;
        const outBase: i32 = ((b * p.outH + oy) * p.outW + ox) * p.outC;
        for (let oc: i32 = 0; oc < p.outC; oc++) {
          const group: i32 = (oc / p.filtersPerGroup) | 0;
          const inCBase: i32 = group * p.filterInC;
          let acc: i32 = 0;
          for (let fy: i32 = 0; fy < p.filterH; fy++) {
            const inY: i32 = inYOrigin + p.dilationH * fy;
            if (inY < 0 || inY >= p.inH) {
              continue;
            }
            for (let fx: i32 = 0; fx < p.filterW; fx++) {
              const inX: i32 = inXOrigin + p.dilationW * fx;
              if (inX < 0 || inX >= p.inW) {
                continue;
              }
              const inBase: i32 = ((b * p.inH + inY) * p.inW + inX) * p.inC + inCBase;
              const fBase: i32 = ((oc * p.filterH + fy) * p.filterW + fx) * p.filterInC;
              for (let ic: i32 = 0; ic < p.filterInC; ic++) {
                acc = (acc + filter[fBase + ic] * (input[inBase + ic] + p.inputOffset)) | 0;
              }
            }
          }
          if (p.hasBias !== 0) {
            acc = (acc + bias[oc]) | 0;
          }
          acc = mbqm(acc, multipliers[oc], shifts[oc]);
          acc = (acc + p.outputOffset) | 0;
          acc = Math.max(acc, p.actMin);
          acc = Math.min(acc, p.actMax);
          output[outBase + oc] = acc;
        }
      }
    }
  }
}
