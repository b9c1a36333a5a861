/**
 * @fileoverview DEPTHWISE_CONV_2D, int8 with per-channel weights (channel axis 3), with TFLite
 * Micro's reference semantics (reference_integer_ops::DepthwiseConvPerChannel): NHWC, filter
 * [1, filterH, filterW, inC * depthMultiplier], stride, dilation, padding offsets.
 *
 * Written in the kernel subset (docs/subset.md). Two entry functions with the same arrays:
 *  - `depthwiseConv2dReference`, right below the record: the plain TFLM loop, one output element
 *    at a time; the specification the fast entry is tested against (test/kernels/
 *    reference.test.ts), run on every target when lowering is given `{ reference: true }`. It
 *    lives in this file so the fast entry and its generated code stay exactly as they were.
 *  - `depthwiseConv2d`, the fast entry models use. compiler/ops/depthwise_conv_2d.ts fills the
 *    record at compile time (and may fold the input offset into the bias: hasBias 2). With
 *    `inPlace` (set by compiler/plan/inplace.ts; depth multiplier 1 and an output no larger
 *    than the input) the output may overwrite the input: channel by channel, the channel's input
 *    plane is first copied to `plane` (inH * inW bytes), then its outputs are written. An output
 *    element of channel c lands on an input element of channel c (same channel, an earlier or
 *    equal pixel), already copied (TinyEngine's in-place depthwise convolution).
 *
 * Arrays (their order is DEPTHWISE_CONV_2D_SLOTS in compiler/ops/depthwise_conv_2d.ts, checked
 * by test/ops/contracts.test.ts): input [batches, inH, inW, inC], filter [1, filterH, filterW, outC], bias [outC]
 * (not read when hasBias is 0; may be empty/NULL), multipliers [outC], shifts [outC]
 * (positive = left), plane [inH * inW] (scratch, used only in place), output [batches, outH,
 * outW, outC] with outC = inC * depthMultiplier and output channel = inChannel *
 * depthMultiplier + m. Out-of-image taps are skipped.
 *
 * SIMD: with `dsp` set (compiler/ops/depthwise_conv_2d_dsp.ts: depth multiplier 1, dilation 1,
 * 3x3 stride 1 or 2, k x 1, 1 x k), depthwiseConv2d hands the layer to
 * kernels/depthwise_conv_2d_dsp.ts (SMLAD on a zero-point-padded plane per channel, in place or
 * not), and `bias` is that variant's per-channel table (filter, multipliers and shifts are then
 * absent: their values are in the table). The rest of this comment is the path
 * every other layer takes.
 *
 * Speed (depthwiseConv2d): output pixels whose taps are all inside the image
 * (kernels/common/window.ts, from the record, so specialization folds the ranges) take a path
 * without bounds checks, with a written-out 3x3 case; border pixels check every tap. The 3x3 case
 * is a run-time fast path of the generic kernel (interpreter, --specialize off): there, the plain
 * fy/fx loop costs kws +6 % and vww +9 % instructions. Specialized, the two are the same code
 * (compiler/specialize/unroll.ts unrolls the loop), so it stays for the generic modes only.
 */
import type { i32 } from "./types.ts";
import { requantize, toOutput } from "./common/requantize.ts";
import { interiorEnd, interiorStart } from "./common/window.ts";
import { ltu, mbqm64 } from "./common/wide.ts";
import { depthwiseDspPlanes } from "./depthwise_conv_2d_dsp.ts";

/** `hasBias` values: no bias (`bias` not read), the model's bias, the bias with the input offset folded in. */
export const BIAS_NONE: i32 = 0;
export const BIAS_MODEL: i32 = 1;
export const BIAS_FOLDED: i32 = 2;
/** `inPlace` values: off; channel by channel over the input through `plane` (see the file comment). */
export const INPLACE_NONE: i32 = 0;
export const INPLACE_PLANE: i32 = 1;
/**
 * `dsp` values: off; the SMLAD kernel on a zero-point-padded plane per channel
 * (kernels/depthwise_conv_2d_dsp.ts) with the image's rows as runs, or transposed (k x 1).
 */
export const DSP_NONE: i32 = 0;
export const DSP_ROWS: i32 = 1;
export const DSP_COLUMNS: i32 = 2;

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
  /**
   * 0: no bias (`bias` not read). 1: `bias` is the model's bias; in-image taps add inputOffset to
   * the input, out-of-image taps are skipped. 2: `bias` (made at compile time) holds bias[oc] +
   * inputOffset * sum of channel oc's filter taps, so in-image taps multiply raw inputs and
   * out-of-image taps add filter * -inputOffset (exact: the i32 sum wraps either way).
   */
  hasBias: i32;
  /** 1: channel by channel through `plane`, so the output may overwrite the input. */
  inPlace: i32;
  /**
   * DSP_NONE, or the SIMD variant (kernels/depthwise_conv_2d_dsp.ts, any inPlace): `bias` then
   * holds its per-channel table (folded bias, requantization constants, packed taps) and `plane`
   * the padded plane.
   */
  dsp: i32;
  /** With dsp: 1 when the table's cheap requantization is proven exact (compiler/ops/requant-table.ts). */
  cheapRequant: i32;
}

/**
 * The reference: TFLite Micro's reference_integer_ops::DepthwiseConvPerChannel, one output
 * element at a time. Taps outside the image are skipped; every other tap adds
 * filter * (input + inputOffset); then bias, requantization and clamp
 * (kernels/common/requantize.ts). Same arrays as depthwiseConv2d (`plane` is not read). It takes
 * only hasBias 0 or 1 (never the folded 2) and ignores inPlace: lowering with
 * `{ reference: true }` (compiler/ops/depthwise_conv_2d.ts) calls it that way.
 */
export function depthwiseConv2dReference(
  p: DepthwiseConv2dParams,
  input: Int8Array,
  filter: Int8Array,
  bias: Int32Array,
  multipliers: Int32Array,
  shifts: Int32Array,
  plane: Int8Array,
  output: Int8Array,
): void {
  for (let b: i32 = 0; b < p.batches; b++) {
    for (let oy: i32 = 0; oy < p.outH; oy++) {
      const inYOrigin: i32 = oy * p.strideH - p.padH;
      for (let ox: i32 = 0; ox < p.outW; ox++) {
        const inXOrigin: i32 = ox * p.strideW - p.padW;
        for (let ic: i32 = 0; ic < p.inC; ic++) {
          for (let m: i32 = 0; m < p.depthMultiplier; m++) {
            const oc: i32 = ic * p.depthMultiplier + m;
            let acc: i32 = 0;
            for (let fy: i32 = 0; fy < p.filterH; fy++) {
              const inY: i32 = inYOrigin + p.dilationH * fy;
              for (let fx: i32 = 0; fx < p.filterW; fx++) {
                const inX: i32 = inXOrigin + p.dilationW * fx;
                if (inY >= 0 && inY < p.inH && inX >= 0 && inX < p.inW) {
                  const x: i32 = input[((b * p.inH + inY) * p.inW + inX) * p.inC + ic];
                  const f: i32 = filter[(fy * p.filterW + fx) * p.outC + oc];
                  acc = (acc + f * (x + p.inputOffset)) | 0;
                }
              }
            }
            output[((b * p.outH + oy) * p.outW + ox) * p.outC + oc] =
              toOutput(requantize(acc, oc, p.hasBias, bias, multipliers, shifts), p.outputOffset, p.actMin, p.actMax);
          }
        }
      }
    }
  }
}

/** Bias, requantization and activation of output channel `oc`'s accumulator (kernels/common/requantize.ts). */
function finish(p: DepthwiseConv2dParams, acc: i32, oc: i32, bias: Int32Array, multipliers: Int32Array, shifts: Int32Array): i32 {
  const v: i32 = requantize(acc, oc, p.hasBias, bias, multipliers, shifts);
  return toOutput(v, p.outputOffset, p.actMin, p.actMax);
}

/**
 * Sum of channel oc's taps for an output pixel whose taps are all inside the image. `at` indexes
 * the top-left tap in `src`; `step` is the distance between horizontally adjacent pixels and
 * `row` between vertically adjacent ones. Inputs get `xOff` added (0 when folded into the bias).
 */
function tapsInside(
  p: DepthwiseConv2dParams, src: Int8Array, at: i32, step: i32, row: i32, filter: Int8Array, oc: i32, xOff: i32,
): i32 {
  let acc: i32 = 0;
  if (p.filterH === 3 && p.filterW === 3 && p.dilationH === 1 && p.dilationW === 1) {
    const c: i32 = p.outC;
    acc = (acc + filter[oc] * (src[at] + xOff)) | 0;
    acc = (acc + filter[c + oc] * (src[at + step] + xOff)) | 0;
    acc = (acc + filter[2 * c + oc] * (src[at + 2 * step] + xOff)) | 0;
    acc = (acc + filter[3 * c + oc] * (src[at + row] + xOff)) | 0;
    acc = (acc + filter[4 * c + oc] * (src[at + row + step] + xOff)) | 0;
    acc = (acc + filter[5 * c + oc] * (src[at + row + 2 * step] + xOff)) | 0;
    acc = (acc + filter[6 * c + oc] * (src[at + 2 * row] + xOff)) | 0;
    acc = (acc + filter[7 * c + oc] * (src[at + 2 * row + step] + xOff)) | 0;
    acc = (acc + filter[8 * c + oc] * (src[at + 2 * row + 2 * step] + xOff)) | 0;
  } else {
    for (let fy: i32 = 0; fy < p.filterH; fy++) {
      const rowAt: i32 = at + fy * p.dilationH * row;
      for (let fx: i32 = 0; fx < p.filterW; fx++) {
        const fVal: i32 = filter[(fy * p.filterW + fx) * p.outC + oc];
        acc = (acc + fVal * (src[rowAt + fx * p.dilationW * step] + xOff)) | 0;
      }
    }
  }
  return acc;
}

/**
 * Sum of channel oc's taps for a border output pixel: `at` indexes image pixel (0, 0) in `src`.
 * In-image taps add `xOff` to the input; out-of-image taps contribute filter * `padVal`.
 */
function tapsClipped(
  p: DepthwiseConv2dParams, src: Int8Array, at: i32, step: i32, filter: Int8Array, oc: i32, xOff: i32, padVal: i32,
  inYOrigin: i32, inXOrigin: i32,
): i32 {
  let acc: i32 = 0;
  for (let fy: i32 = 0; fy < p.filterH; fy++) {
    const inY: i32 = inYOrigin + p.dilationH * fy;
    for (let fx: i32 = 0; fx < p.filterW; fx++) {
      const inX: i32 = inXOrigin + p.dilationW * fx;
      const fVal: i32 = filter[(fy * p.filterW + fx) * p.outC + oc];
      if (inY < 0 || inY >= p.inH || inX < 0 || inX >= p.inW) {
        acc = (acc + fVal * padVal) | 0;
      } else {
        acc = (acc + fVal * (src[at + (inY * p.inW + inX) * step] + xOff)) | 0;
      }
    }
  }
  return acc;
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
  xOff: i32,
  padVal: i32,
): void {
  const yLo: i32 = interiorStart(p.padH, p.strideH);
  const yHi: i32 = interiorEnd(p.padH, p.strideH, p.dilationH, p.filterH, p.inH, p.outH);
  const xLo: i32 = interiorStart(p.padW, p.strideW);
  const xHi: i32 = interiorEnd(p.padW, p.strideW, p.dilationW, p.filterW, p.inW, p.outW);
  for (let c: i32 = 0; c < p.inC; c++) {
    for (let b: i32 = 0; b < p.batches; b++) {
      const inPlane: i32 = b * p.inH * p.inW;
      for (let i: i32 = 0; i < p.inH * p.inW; i++) {
        plane[i] = input[(inPlane + i) * p.inC + c];
      }
      for (let oy: i32 = 0; oy < p.outH; oy++) {
        const inYOrigin: i32 = oy * p.strideH - p.padH;
        const rowInside: boolean = oy >= yLo && oy < yHi;
        for (let ox: i32 = 0; ox < p.outW; ox++) {
          const inXOrigin: i32 = ox * p.strideW - p.padW;
          let acc: i32 = 0;
          if (rowInside && ox >= xLo && ox < xHi) {
            acc = tapsInside(p, plane, inYOrigin * p.inW + inXOrigin, 1, p.inW, filter, c, xOff);
          } else {
            acc = tapsClipped(p, plane, 0, 1, filter, c, xOff, padVal, inYOrigin, inXOrigin);
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
  if (p.dsp !== DSP_NONE) {
    depthwiseDspPlanes(input, p, bias, plane, output);
    return;
  }
  let xOff: i32 = p.inputOffset;
  let padVal: i32 = 0;
  if (p.hasBias === BIAS_FOLDED) {
    xOff = 0;
    padVal = -p.inputOffset;
  }
  if (p.inPlace !== INPLACE_NONE) {
    depthwiseInPlace(p, input, filter, bias, multipliers, shifts, plane, output, xOff, padVal);
  } else {
    const yLo: i32 = interiorStart(p.padH, p.strideH);
    const yHi: i32 = interiorEnd(p.padH, p.strideH, p.dilationH, p.filterH, p.inH, p.outH);
    const xLo: i32 = interiorStart(p.padW, p.strideW);
    const xHi: i32 = interiorEnd(p.padW, p.strideW, p.dilationW, p.filterW, p.inW, p.outW);
    const row: i32 = p.inW * p.inC;
    for (let b: i32 = 0; b < p.batches; b++) {
      const inImage: i32 = b * p.inH * row;
      for (let oy: i32 = 0; oy < p.outH; oy++) {
        const inYOrigin: i32 = oy * p.strideH - p.padH;
        const rowInside: boolean = oy >= yLo && oy < yHi;
        for (let ox: i32 = 0; ox < p.outW; ox++) {
          const inXOrigin: i32 = ox * p.strideW - p.padW;
          const outBase: i32 = ((b * p.outH + oy) * p.outW + ox) * p.outC;
          if (rowInside && ox >= xLo && ox < xHi) {
            const at: i32 = inImage + inYOrigin * row + inXOrigin * p.inC;
            for (let ic: i32 = 0; ic < p.inC; ic++) {
              for (let m: i32 = 0; m < p.depthMultiplier; m++) {
                const oc: i32 = ic * p.depthMultiplier + m;
                const acc: i32 = tapsInside(p, input, at + ic, p.inC, row, filter, oc, xOff);
                output[outBase + oc] = finish(p, acc, oc, bias, multipliers, shifts);
              }
            }
          } else {
            for (let ic: i32 = 0; ic < p.inC; ic++) {
              for (let m: i32 = 0; m < p.depthMultiplier; m++) {
                const oc: i32 = ic * p.depthMultiplier + m;
                const acc: i32 = tapsClipped(p, input, inImage + ic, p.inC, filter, oc, xOff, padVal, inYOrigin, inXOrigin);
                output[outBase + oc] = finish(p, acc, oc, bias, multipliers, shifts);
              }
            }
          }
        }
      }
    }
  }
}

/**
 * The 16x8 variant's record (int16 activations, zero point 0; int8 per-channel weights): the
 * geometry of DepthwiseConv2dParams and the clamp. TFLite Micro's int16 depthwise always
 * accumulates in int64 with an int64 bias (`bias` holds {lo, hi} per channel).
 */
export interface DepthwiseConv2d16Params {
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
  actMin: i32;
  actMax: i32;
  hasBias: i32;
}

/**
 * DEPTHWISE_CONV_2D with int16 input and output: TFLite Micro's
 * reference_integer_ops::DepthwiseConvPerChannel for int16_t, depthwiseConv2dReference's loop.
 * Each tap (|filter * input| <= 2^22) joins a 64-bit (hi, lo) accumulator, then the bias pair and
 * mbqm64 (kernels/common/wide.ts).
 */
export function depthwiseConv2d16(
  p: DepthwiseConv2d16Params,
  input: Int16Array,
  filter: Int8Array,
  bias: Int32Array,
  multipliers: Int32Array,
  shifts: Int32Array,
  output: Int16Array,
): void {
  for (let b: i32 = 0; b < p.batches; b++) {
    for (let oy: i32 = 0; oy < p.outH; oy++) {
      const inYOrigin: i32 = oy * p.strideH - p.padH;
      for (let ox: i32 = 0; ox < p.outW; ox++) {
        const inXOrigin: i32 = ox * p.strideW - p.padW;
        for (let ic: i32 = 0; ic < p.inC; ic++) {
          for (let m: i32 = 0; m < p.depthMultiplier; m++) {
            const oc: i32 = ic * p.depthMultiplier + m;
            let lo: i32 = 0;
            let hi: i32 = 0;
            for (let fy: i32 = 0; fy < p.filterH; fy++) {
              const inY: i32 = inYOrigin + p.dilationH * fy;
              for (let fx: i32 = 0; fx < p.filterW; fx++) {
                const inX: i32 = inXOrigin + p.dilationW * fx;
                if (inY >= 0 && inY < p.inH && inX >= 0 && inX < p.inW) {
                  const t: i32 = filter[(fy * p.filterW + fx) * p.outC + oc] * input[((b * p.inH + inY) * p.inW + inX) * p.inC + ic];
                  const sum: i32 = (lo + t) | 0;
                  hi = (hi + (t >> 31) + ltu(sum, lo)) | 0;
                  lo = sum;
                }
              }
            }
            if (p.hasBias !== 0) {
              const withBias: i32 = (lo + bias[2 * oc]) | 0;
              hi = (hi + bias[2 * oc + 1] + ltu(withBias, lo)) | 0;
              lo = withBias;
            }
            output[((b * p.outH + oy) * p.outW + ox) * p.outC + oc] =
              toOutput(mbqm64(hi, lo, multipliers[oc], shifts[oc]), 0, p.actMin, p.actMax);
          }
        }
      }
    }
  }
}
