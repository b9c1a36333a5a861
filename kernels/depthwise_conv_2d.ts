/**
 * @fileoverview DEPTHWISE_CONV_2D, int8 with per-channel weights (channel axis 3), with TFLite
 * Micro's reference semantics (reference_integer_ops::DepthwiseConvPerChannel): NHWC, filter
 * [1, filterH, filterW, inC * depthMultiplier], stride, dilation, padding offsets.
 *
 * Written in the kernel subset (docs/subset.md). compiler/ops/depthwise_conv_2d.ts fills
 * the record at compile time. With `inPlace` (set by compiler/memory/inplace.ts; depth multiplier
 * 1 and an output no larger than the input) the output may overwrite the input: channel by
 * channel, the channel's input plane is first copied to `plane` (inH * inW bytes), then its
 * outputs are written. An output element of channel c lands on an input element of channel c
 * (same channel, an earlier or equal pixel), already copied (TinyEngine's in-place depthwise
 * convolution).
 *
 * Array order: input [batches, inH, inW, inC], filter [1, filterH, filterW, outC], bias [outC]
 * (not read when hasBias is 0; may be empty/NULL), multipliers [outC], shifts [outC]
 * (positive = left), plane [inH * inW] (scratch, used only in place), output [batches, outH,
 * outW, outC] with outC = inC * depthMultiplier and output channel = inChannel *
 * depthMultiplier + m. Out-of-image taps are skipped.
 */
import type { i32 } from "./types.ts";
import { mbqm } from "./intrinsics.ts";

export interface DepthwiseConv2dParams {
  batches: i32;
  inH: i32;
  inW: i32;
  inC: i32;
  outH: i32;
  outW: i32;
  outC: i32;
  depthMultiplier: i32;
  filterH: i32;
  filterW: i32;
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
  /** 1: channel by channel through `plane`, so the output may overwrite the input. */
  inPlace: i32;
}

/** Bias, requantization and activation of output channel `oc`'s accumulator. */
function finish(p: DepthwiseConv2dParams, acc: i32, oc: i32, bias: Int32Array, multipliers: Int32Array, shifts: Int32Array): i32 {
  let v: i32 = acc;
  if (p.hasBias !== 0) {
    v = (v + bias[oc]) | 0;
  }
  v = mbqm(v, multipliers[oc], shifts[oc]);
  v = (v + p.outputOffset) | 0;
  v = Math.max(v, p.actMin);
  v = Math.min(v, p.actMax);
  return v;
}

/** Depth multiplier 1, channel by channel through `plane` (see the file comment). */
function depthwiseInPlace(
  p: DepthwiseConv2dParams,
  input: Int8Array,
  filter: Int8Array,
  bias: Int32Array,
  multipliers: Int32Array,
  shifts: Int32Array,
  plane: Int8Array,
  output: Int8Array,
): void {
  for (let c: i32 = 0; c < p.inC; c++) {
    for (let b: i32 = 0; b < p.batches; b++) {
      const inPlane: i32 = b * p.inH * p.inW;
      for (let i: i32 = 0; i < p.inH * p.inW; i++) {
        plane[i] = input[(inPlane + i) * p.inC + c];
      }
      for (let oy: i32 = 0; oy < p.outH; oy++) {
        const inYOrigin: i32 = oy * p.strideH - p.padH;
        for (let ox: i32 = 0; ox < p.outW; ox++) {
          const inXOrigin: i32 = ox * p.strideW - p.padW;
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
              const fVal: i32 = filter[(fy * p.filterW + fx) * p.outC + c];
              acc = (acc + fVal * (plane[inY * p.inW + inX] + p.inputOffset)) | 0;
            }
          }
          output[((b * p.outH + oy) * p.outW + ox) * p.outC + c] = finish(p, acc, c, bias, multipliers, shifts);
        }
      }
    }
  }
}

export function depthwiseConv2d(
  p: DepthwiseConv2dParams,
  input: Int8Array,
  filter: Int8Array,
  bias: Int32Array,
  multipliers: Int32Array,
  shifts: Int32Array,
  plane: Int8Array,
  output: Int8Array,
): void {
  if (p.inPlace !== 0) {
    depthwiseInPlace(p, input, filter, bias, multipliers, shifts, plane, output);
  } else {
    for (let b: i32 = 0; b < p.batches; b++) {
      for (let oy: i32 = 0; oy < p.outH; oy++) {
        const inYOrigin: i32 = oy * p.strideH - p.padH;
        for (let ox: i32 = 0; ox < p.outW; ox++) {
          const inXOrigin: i32 = ox * p.strideW - p.padW;
          const outBase: i32 = ((b * p.outH + oy) * p.outW + ox) * p.outC;
          for (let ic: i32 = 0; ic < p.inC; ic++) {
            for (let m: i32 = 0; m < p.depthMultiplier; m++) {
              const oc: i32 = ic * p.depthMultiplier + m;
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
                  const inVal: i32 = input[((b * p.inH + inY) * p.inW + inX) * p.inC + ic];
                  const fVal: i32 = filter[(fy * p.filterW + fx) * p.outC + oc];
                  acc = (acc + fVal * (inVal + p.inputOffset)) | 0;
                }
              }
              output[outBase + oc] = finish(p, acc, oc, bias, multipliers, shifts);
            }
          }
        }
      }
    }
  }
}
