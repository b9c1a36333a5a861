/**
 * @fileoverview CONV_2D, int8 with per-channel weights, with TFLite Micro's reference semantics
 * (reference_integer_ops::ConvPerChannel): NHWC input/output, OHWI filter, stride, dilation,
 * explicit padding offsets, grouped convolution (input depth a multiple of the filter's).
 *
 * Written in the kernel subset (docs/subset.md). compiler/ops/conv_2d.ts does TFLite's
 * Prepare at compile time (padding, multipliers, activation range) and fills the record; the
 * memory pass (compiler/memory/inplace.ts) may switch on two variants, both chosen by record
 * fields so specialization keeps only the code a layer runs:
 *  - `inPlace` (1x1, stride 1, one group): pixel by pixel, the input pixel is first copied to
 *    `pixel` (inC bytes), so the output may start where the input starts and overwrite it
 *    (TinyEngine's in-place pointwise convolution). 1 goes forward (outC <= inC: an output
 *    pixel only covers input pixels already read); 2 goes backward, for a wider output (an
 *    output pixel only covers its own and later input pixels, already read); 3, for any
 *    kernel size and stride (batch 1), computes each output row into `pixel` (outW * outC
 *    bytes) and copies it out once done, so the output may overwrite input rows that no later
 *    output row reads (compiler/memory/inplace.ts places the output so that holds);
 *  - `fuseAdd`: a residual ADD (TFLite's ADD arithmetic, kernels/add.ts) of `skip` and the
 *    convolution's int8 result is written instead of that result, so the convolution's output
 *    tensor never exists; `output` may be `skip` itself (each element is read before it is
 *    written).
 *
 * Array order: input [batches, inH, inW, inC], filter [outC, filterH, filterW, filterInC], bias
 * [outC] (not read when hasBias is 0; may be empty/NULL), multipliers [outC], shifts [outC]
 * (positive = left), skip [batches, outH, outW, outC] (read only when fuseAdd is 1), pixel
 * (scratch: inC bytes for inPlace 1 and 2, outW * outC for 3), output [batches, outH, outW,
 * outC]. Taps outside
 * the image are skipped (equivalent to padding with the input zero point). The i32 accumulator
 * wraps.
 */
import type { i32 } from "./types.ts";
import { mbqm } from "./intrinsics.ts";
import { addRescale } from "./add.ts";

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
  /** 1 / 2: 1x1 in place through `pixel`, forward / backward; 3: row by row (see the file comment). */
  inPlace: i32;
  /** 1: a residual ADD with `skip` follows the convolution (see the file comment). */
  fuseAdd: i32;
  /** The fused ADD's parameters (kernels/add.ts AddParams; input1 = skip, input2 = conv). */
  addLeftShift: i32;
  addSkipOffset: i32;
  addSkipMultiplier: i32;
  addSkipShift: i32;
  addConvOffset: i32;
  addConvMultiplier: i32;
  addConvShift: i32;
  addOutputOffset: i32;
  addOutputMultiplier: i32;
  addOutputShift: i32;
  addActMin: i32;
  addActMax: i32;
}

/** Bias, requantization, activation and the optional fused ADD of output element `at`. */
function finish(p: Conv2dParams, acc: i32, oc: i32, bias: Int32Array, multipliers: Int32Array, shifts: Int32Array, skip: Int8Array, at: i32): i32 {
  let v: i32 = acc;
  if (p.hasBias !== 0) {
    v = (v + bias[oc]) | 0;
  }
  v = mbqm(v, multipliers[oc], shifts[oc]);
  v = (v + p.outputOffset) | 0;
  v = Math.max(v, p.actMin);
  v = Math.min(v, p.actMax);
  if (p.fuseAdd !== 0) {
    const s1: i32 = addRescale(skip[at], p.addSkipOffset, p.addLeftShift, p.addSkipMultiplier, p.addSkipShift);
    const s2: i32 = addRescale(v, p.addConvOffset, p.addLeftShift, p.addConvMultiplier, p.addConvShift);
    v = mbqm(s1 + s2, p.addOutputMultiplier, p.addOutputShift) + p.addOutputOffset;
    v = Math.max(v, p.addActMin);
    v = Math.min(v, p.addActMax);
  }
  return v;
}

/** 1x1, stride 1, one group, pixel by pixel through `pixel`: the output may overwrite the input. */
function pointwiseInPlace(
  p: Conv2dParams,
  input: Int8Array,
  filter: Int8Array,
  bias: Int32Array,
  multipliers: Int32Array,
  shifts: Int32Array,
  skip: Int8Array,
  pixel: Int8Array,
  output: Int8Array,
): void {
  const pixels: i32 = p.batches * p.outH * p.outW;
  for (let k: i32 = 0; k < pixels; k++) {
    let n: i32 = k;
    if (p.inPlace === 2) {
      n = pixels - 1 - k;
    }
    const inBase: i32 = n * p.inC;
    for (let ic: i32 = 0; ic < p.inC; ic++) {
      pixel[ic] = input[inBase + ic];
    }
    const outBase: i32 = n * p.outC;
    for (let oc: i32 = 0; oc < p.outC; oc++) {
      const fBase: i32 = oc * p.inC;
      let acc: i32 = 0;
      for (let ic: i32 = 0; ic < p.inC; ic++) {
        acc = (acc + filter[fBase + ic] * (pixel[ic] + p.inputOffset)) | 0;
      }
      output[outBase + oc] = finish(p, acc, oc, bias, multipliers, shifts, skip, outBase + oc);
    }
  }
}

export function conv2d(
  p: Conv2dParams,
  input: Int8Array,
  filter: Int8Array,
  bias: Int32Array,
  multipliers: Int32Array,
  shifts: Int32Array,
  skip: Int8Array,
  pixel: Int8Array,
  output: Int8Array,
): void {
  if (p.inPlace === 1 || p.inPlace === 2) {
    pointwiseInPlace(p, input, filter, bias, multipliers, shifts, skip, pixel, output);
  } else {
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
            const v: i32 = finish(p, acc, oc, bias, multipliers, shifts, skip, outBase + oc);
            if (p.inPlace === 3) {
              pixel[ox * p.outC + oc] = v;
            } else {
              output[outBase + oc] = v;
            }
          }
        }
        if (p.inPlace === 3) {
          const rowBase: i32 = (b * p.outH + oy) * p.outW * p.outC;
          for (let i: i32 = 0; i < p.outW * p.outC; i++) {
            output[rowBase + i] = pixel[i];
          }
        }
      }
    }
  }
}
