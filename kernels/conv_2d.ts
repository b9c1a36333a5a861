/**
 * @fileoverview CONV_2D, int8 with per-channel weights, with TFLite Micro's reference semantics
 * (reference_integer_ops::ConvPerChannel): NHWC input/output, OHWI filter, stride, dilation,
 * explicit padding offsets, grouped convolution (input depth a multiple of the filter's).
 *
 * Written in the kernel subset (docs/subset.md). Two entry functions with the same arrays:
 *  - `conv2dReference`, right below the record: the plain TFLM loop, one output element at a
 *    time. It is the specification the fast entry is tested against (test/kernels/
 *    reference.test.ts) and runs on every target when lowering is given `{ reference: true }`.
 *    It lives here, not in a separate file, so the fast entry and the names of the generated
 *    functions stay exactly as they were (the lowering still calls `conv2d` by default).
 *  - `conv2d`, the fast entry every model uses. compiler/ops/conv_2d.ts does TFLite's Prepare
 *    at compile time (padding, multipliers, activation range) and fills the record; it may fold
 *    the input offset into the bias (BIAS_FOLDED). The memory pass (compiler/plan/inplace.ts)
 *    may switch on two variants, both chosen by record fields so specialization keeps only the
 *    code a layer runs:
 *     - `inPlace` (1x1, stride 1, one group): pixel by pixel, the input pixel is first copied to
 *       `pixel` (inC bytes), so the output may start where the input starts and overwrite it
 *       (TinyEngine's in-place pointwise convolution). 1 goes forward (outC <= inC: an output
 *       pixel only covers input pixels already read); 2 goes backward, for a wider output (an
 *       output pixel only covers its own and later input pixels, already read); 3, for any
 *       kernel size and stride (batch 1), computes each output row into `pixel` (outW * outC
 *       bytes) and copies it out once done, so the output may overwrite input rows that no later
 *       output row reads (compiler/plan/inplace.ts places the output so that holds);
 *     - `fuseAdd`: a residual ADD (TFLite's ADD arithmetic, kernels/add.ts) of `skip` and the
 *       convolution's int8 result is written instead of that result, so the convolution's output
 *       tensor never exists; `output` may be `skip` itself (each element is read before it is
 *       written).
 *
 * Arrays (their order is CONV_2D_SLOTS in compiler/ops/conv_2d.ts, checked against the signature
 * by test/ops/contracts.test.ts): input [batches, inH, inW, inC], filter [outC, filterH, filterW,
 * filterInC], bias [outC] (not read when hasBias is 0; may be empty/NULL), multipliers and shifts
 * [outC] (positive = left), skip [batches, outH, outW, outC] (read only when fuseAdd is 1), pixel
 * (scratch: inC bytes for inPlace 1 and 2, outW * outC for 3), output [batches, outH, outW, outC]. Taps outside the image are skipped (equivalent to padding with the input zero point).
 * The i32 accumulator wraps.
 *
 * Speed (conv2d): output pixels whose taps are all inside the image (kernels/common/window.ts,
 * from the record, so specialization folds them) take a path without bounds checks; with
 * dilation 1 and one group a filter row's taps are one contiguous run of filterW * inC bytes in
 * both input and filter. Border pixels check every tap. Output channels go four at a time (one
 * input load per four MACs), then one at a time for the rest of each group.
 */
import type { i32 } from "./types.ts";
import { mbqm } from "./intrinsics.ts";
import { addRescale } from "./add.ts";
import { requantize, toOutput } from "./common/requantize.ts";
import { interiorEnd, interiorStart } from "./common/window.ts";
import { ltu, mbqm64 } from "./common/wide.ts";

/** `hasBias` values: no bias (`bias` not read), the model's bias, the bias with the input offset folded in. */
export const BIAS_NONE: i32 = 0;
export const BIAS_MODEL: i32 = 1;
export const BIAS_FOLDED: i32 = 2;
/** `inPlace` values (see the file comment): off, 1x1 pixel by pixel forward / backward, row by row. */
export const INPLACE_NONE: i32 = 0;
export const INPLACE_PIXEL_FORWARD: i32 = 1;
export const INPLACE_PIXEL_BACKWARD: i32 = 2;
export const INPLACE_ROWS: i32 = 3;
/** `fuseAdd` values: no fusion; a residual ADD with `skip` (the add* fields) follows. */
export const FUSE_NONE: i32 = 0;
export const FUSE_ADD: i32 = 1;

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
  /**
   * 0: no bias (`bias` not read). 1: `bias` is the model's bias; in-image taps add inputOffset to
   * the input, out-of-image taps are skipped. 2: `bias` (made at compile time) holds bias[oc] +
   * inputOffset * sum of output channel oc's filter, so in-image taps multiply raw inputs and
   * out-of-image taps add filter * -inputOffset (exact: the i32 sum wraps either way).
   */
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
  /**
   * kernels/conv_2d_dsp.ts only (0 for conv2d): 1 when `table` holds the proven-exact cheap
   * requantization, 2 when its rounding constants also hold outputOffset * 2^e
   * (compiler/ops/requant-table.ts foldOutputOffset).
   */
  cheapRequant: i32;
  /** kernels/conv_2d_dsp.ts only (0 for conv2d): 1 when the packed weights are pre-split int16 pairs. */
  int16Weights: i32;
}

/**
 * The reference: TFLite Micro's reference_integer_ops::ConvPerChannel, one output element at a
 * time. Taps outside the image are skipped; every other tap adds filter * (input + inputOffset);
 * then bias, requantization and clamp (kernels/common/requantize.ts). Same arrays as conv2d, of
 * which it reads input, filter, bias, multipliers and shifts and writes output. It takes only
 * hasBias 0 or 1 (never the folded 2) and ignores inPlace and fuseAdd: lowering with
 * `{ reference: true }` (compiler/ops/conv_2d.ts) calls it that way.
 */
export function conv2dReference(
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
  for (let b: i32 = 0; b < p.batches; b++) {
    for (let oy: i32 = 0; oy < p.outH; oy++) {
      const inYOrigin: i32 = oy * p.strideH - p.padH;
      for (let ox: i32 = 0; ox < p.outW; ox++) {
        const inXOrigin: i32 = ox * p.strideW - p.padW;
        for (let oc: i32 = 0; oc < p.outC; oc++) {
          const group: i32 = (oc / p.filtersPerGroup) | 0;
          let acc: i32 = 0;
          for (let fy: i32 = 0; fy < p.filterH; fy++) {
            const inY: i32 = inYOrigin + p.dilationH * fy;
            for (let fx: i32 = 0; fx < p.filterW; fx++) {
              const inX: i32 = inXOrigin + p.dilationW * fx;
              if (inY >= 0 && inY < p.inH && inX >= 0 && inX < p.inW) {
                for (let ic: i32 = 0; ic < p.filterInC; ic++) {
                  const x: i32 = input[((b * p.inH + inY) * p.inW + inX) * p.inC + group * p.filterInC + ic];
                  const f: i32 = filter[((oc * p.filterH + fy) * p.filterW + fx) * p.filterInC + ic];
                  acc = (acc + f * (x + p.inputOffset)) | 0;
                }
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

/** Bias, requantization, activation (kernels/common/requantize.ts) and the optional fused ADD of output element `at`. */
function finish(p: Conv2dParams, acc: i32, oc: i32, bias: Int32Array, multipliers: Int32Array, shifts: Int32Array, skip: Int8Array, at: i32): i32 {
  let v: i32 = requantize(acc, oc, p.hasBias, bias, multipliers, shifts);
  v = toOutput(v, p.outputOffset, p.actMin, p.actMax);
  if (p.fuseAdd !== FUSE_NONE) {
    const s1: i32 = addRescale(skip[at], p.addSkipOffset, p.addLeftShift, p.addSkipMultiplier, p.addSkipShift);
    const s2: i32 = addRescale(v, p.addConvOffset, p.addLeftShift, p.addConvMultiplier, p.addConvShift);
    v = mbqm(s1 + s2, p.addOutputMultiplier, p.addOutputShift) + p.addOutputOffset;
    v = Math.max(v, p.addActMin);
    v = Math.min(v, p.addActMax);
  }
  return v;
}

/** finish() of output channel oc at output pixel (outBase, ox), stored in `output` or in the row buffer `pixel`. */
function put(
  p: Conv2dParams, acc: i32, oc: i32, ox: i32, outBase: i32, bias: Int32Array, multipliers: Int32Array, shifts: Int32Array,
  skip: Int8Array, pixel: Int8Array, output: Int8Array,
): void {
  const v: i32 = finish(p, acc, oc, bias, multipliers, shifts, skip, outBase + oc);
  if (p.inPlace === INPLACE_ROWS) {
    pixel[ox * p.outC + oc] = v;
  } else {
    output[outBase + oc] = v;
  }
}

/**
 * Accumulator of one output channel whose filter starts at f0. Interior pixels: `at` indexes the
 * top-left tap (group's first channel). Border pixels: `at` indexes the group's first channel of
 * image pixel (0, 0) of this batch; out-of-image taps add filter * -inputOffset with hasBias 2.
 */
function taps1(
  p: Conv2dParams, input: Int8Array, filter: Int8Array, f0: i32, inside: boolean, at: i32,
  inYOrigin: i32, inXOrigin: i32,
): i32 {
  const row: i32 = p.inW * p.inC;
  const xOff: i32 = p.hasBias === BIAS_FOLDED ? 0 : p.inputOffset;
  const padVal: i32 = p.hasBias === BIAS_FOLDED ? -p.inputOffset : 0;
  const contiguous: boolean = p.dilationW === 1 && p.filterInC === p.inC;
  const span: i32 = contiguous ? p.filterW * p.inC : p.filterInC;
  const spans: i32 = contiguous ? 1 : p.filterW;
  let acc: i32 = 0;
  if (inside) {
    for (let fy: i32 = 0; fy < p.filterH; fy++) {
      const rowAt: i32 = at + fy * p.dilationH * row;
      const fRow: i32 = f0 + fy * p.filterW * p.filterInC;
      for (let s: i32 = 0; s < spans; s++) {
        const inAt: i32 = rowAt + s * p.dilationW * p.inC;
        const fAt: i32 = fRow + s * p.filterInC;
        for (let k: i32 = 0; k < span; k++) {
          acc = (acc + filter[fAt + k] * (input[inAt + k] + xOff)) | 0;
        }
      }
    }
  } else {
    for (let fy: i32 = 0; fy < p.filterH; fy++) {
      const inY: i32 = inYOrigin + p.dilationH * fy;
      const rowIn: boolean = inY >= 0 && inY < p.inH;
      for (let fx: i32 = 0; fx < p.filterW; fx++) {
        const inX: i32 = inXOrigin + p.dilationW * fx;
        const fAt: i32 = f0 + (fy * p.filterW + fx) * p.filterInC;
        if (rowIn && inX >= 0 && inX < p.inW) {
          const inAt: i32 = at + inY * row + inX * p.inC;
          for (let ic: i32 = 0; ic < p.filterInC; ic++) {
            acc = (acc + filter[fAt + ic] * (input[inAt + ic] + xOff)) | 0;
          }
        } else if (padVal !== 0) {
          for (let ic: i32 = 0; ic < p.filterInC; ic++) {
            acc = (acc + filter[fAt + ic] * padVal) | 0;
          }
        }
      }
    }
  }
  return acc;
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
  xOff: i32,
): void {
  const pixels: i32 = p.batches * p.outH * p.outW;
  for (let k: i32 = 0; k < pixels; k++) {
    let n: i32 = k;
    if (p.inPlace === INPLACE_PIXEL_BACKWARD) {
      n = pixels - 1 - k;
    }
    const inBase: i32 = n * p.inC;
    for (let ic: i32 = 0; ic < p.inC; ic++) {
      pixel[ic] = input[inBase + ic];
    }
    const outBase: i32 = n * p.outC;
    let oc: i32 = 0;
    while (oc + 4 <= p.outC) {
      const f0: i32 = oc * p.inC;
      const f1: i32 = f0 + p.inC;
      const f2: i32 = f1 + p.inC;
      const f3: i32 = f2 + p.inC;
      let acc0: i32 = 0;
      let acc1: i32 = 0;
      let acc2: i32 = 0;
      let acc3: i32 = 0;
      for (let ic: i32 = 0; ic < p.inC; ic++) {
        const x: i32 = pixel[ic] + xOff;
        acc0 = (acc0 + filter[f0 + ic] * x) | 0;
        acc1 = (acc1 + filter[f1 + ic] * x) | 0;
        acc2 = (acc2 + filter[f2 + ic] * x) | 0;
        acc3 = (acc3 + filter[f3 + ic] * x) | 0;
      }
      output[outBase + oc] = finish(p, acc0, oc, bias, multipliers, shifts, skip, outBase + oc);
      output[outBase + oc + 1] = finish(p, acc1, oc + 1, bias, multipliers, shifts, skip, outBase + oc + 1);
      output[outBase + oc + 2] = finish(p, acc2, oc + 2, bias, multipliers, shifts, skip, outBase + oc + 2);
      output[outBase + oc + 3] = finish(p, acc3, oc + 3, bias, multipliers, shifts, skip, outBase + oc + 3);
      oc += 4;
    }
    while (oc < p.outC) {
      const fBase: i32 = oc * p.inC;
      let acc: i32 = 0;
      for (let ic: i32 = 0; ic < p.inC; ic++) {
        acc = (acc + filter[fBase + ic] * (pixel[ic] + xOff)) | 0;
      }
      output[outBase + oc] = finish(p, acc, oc, bias, multipliers, shifts, skip, outBase + oc);
      oc++;
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
  // Ternaries on record fields, so specialization folds them to constants.
  const xOff: i32 = p.hasBias === BIAS_FOLDED ? 0 : p.inputOffset;
  const padVal: i32 = p.hasBias === BIAS_FOLDED ? -p.inputOffset : 0;
  if (p.inPlace === INPLACE_PIXEL_FORWARD || p.inPlace === INPLACE_PIXEL_BACKWARD) {
    pointwiseInPlace(p, input, filter, bias, multipliers, shifts, skip, pixel, output, xOff);
  } else {
    const yLo: i32 = interiorStart(p.padH, p.strideH);
    const yHi: i32 = interiorEnd(p.padH, p.strideH, p.dilationH, p.filterH, p.inH, p.outH);
    const xLo: i32 = interiorStart(p.padW, p.strideW);
    const xHi: i32 = interiorEnd(p.padW, p.strideW, p.dilationW, p.filterW, p.inW, p.outW);
    const row: i32 = p.inW * p.inC;
    const fSize: i32 = p.filterH * p.filterW * p.filterInC;
    const groups: i32 = (p.inC / p.filterInC) | 0;
    // A filter row's taps: `spans` runs of `span` bytes (one run when they are contiguous in the input).
    const contiguous: boolean = p.dilationW === 1 && p.filterInC === p.inC;
    const span: i32 = contiguous ? p.filterW * p.inC : p.filterInC;
    const spans: i32 = contiguous ? 1 : p.filterW;
    for (let b: i32 = 0; b < p.batches; b++) {
      const inImage: i32 = b * p.inH * row;
      for (let oy: i32 = 0; oy < p.outH; oy++) {
        const inYOrigin: i32 = oy * p.strideH - p.padH;
        const rowInside: boolean = oy >= yLo && oy < yHi;
        for (let ox: i32 = 0; ox < p.outW; ox++) {
          const inXOrigin: i32 = ox * p.strideW - p.padW;
          const outBase: i32 = ((b * p.outH + oy) * p.outW + ox) * p.outC;
          const inside: boolean = rowInside && ox >= xLo && ox < xHi;
          for (let g: i32 = 0; g < groups; g++) {
            const inCBase: i32 = g * p.filterInC;
            let at: i32 = inImage + inCBase;
            if (inside) {
              at = at + inYOrigin * row + inXOrigin * p.inC;
            }
            const ocEnd: i32 = groups === 1 ? p.outC : (g + 1) * p.filtersPerGroup;
            let oc: i32 = groups === 1 ? 0 : g * p.filtersPerGroup;
            while (oc + 4 <= ocEnd) {
              const f0: i32 = oc * fSize;
              let acc0: i32 = 0;
              let acc1: i32 = 0;
              let acc2: i32 = 0;
              let acc3: i32 = 0;
              if (inside) {
                for (let fy: i32 = 0; fy < p.filterH; fy++) {
                  const rowAt: i32 = at + fy * p.dilationH * row;
                  const fRow: i32 = f0 + fy * p.filterW * p.filterInC;
                  for (let s: i32 = 0; s < spans; s++) {
                    const inAt: i32 = rowAt + s * p.dilationW * p.inC;
                    const fAt: i32 = fRow + s * p.filterInC;
                    for (let k: i32 = 0; k < span; k++) {
                      const x: i32 = input[inAt + k] + xOff;
                      acc0 = (acc0 + filter[fAt + k] * x) | 0;
                      acc1 = (acc1 + filter[fAt + fSize + k] * x) | 0;
                      acc2 = (acc2 + filter[fAt + 2 * fSize + k] * x) | 0;
                      acc3 = (acc3 + filter[fAt + 3 * fSize + k] * x) | 0;
                    }
                  }
                }
              } else {
                for (let fy: i32 = 0; fy < p.filterH; fy++) {
                  const inY: i32 = inYOrigin + p.dilationH * fy;
                  const rowIn: boolean = inY >= 0 && inY < p.inH;
                  for (let fx: i32 = 0; fx < p.filterW; fx++) {
                    const inX: i32 = inXOrigin + p.dilationW * fx;
                    const fAt: i32 = f0 + (fy * p.filterW + fx) * p.filterInC;
                    if (rowIn && inX >= 0 && inX < p.inW) {
                      const inAt: i32 = at + inY * row + inX * p.inC;
                      for (let ic: i32 = 0; ic < p.filterInC; ic++) {
                        const x: i32 = input[inAt + ic] + xOff;
                        acc0 = (acc0 + filter[fAt + ic] * x) | 0;
                        acc1 = (acc1 + filter[fAt + fSize + ic] * x) | 0;
                        acc2 = (acc2 + filter[fAt + 2 * fSize + ic] * x) | 0;
                        acc3 = (acc3 + filter[fAt + 3 * fSize + ic] * x) | 0;
                      }
                    } else if (padVal !== 0) {
                      for (let ic: i32 = 0; ic < p.filterInC; ic++) {
                        acc0 = (acc0 + filter[fAt + ic] * padVal) | 0;
                        acc1 = (acc1 + filter[fAt + fSize + ic] * padVal) | 0;
                        acc2 = (acc2 + filter[fAt + 2 * fSize + ic] * padVal) | 0;
                        acc3 = (acc3 + filter[fAt + 3 * fSize + ic] * padVal) | 0;
                      }
                    }
                  }
                }
              }
              put(p, acc0, oc, ox, outBase, bias, multipliers, shifts, skip, pixel, output);
              put(p, acc1, oc + 1, ox, outBase, bias, multipliers, shifts, skip, pixel, output);
              put(p, acc2, oc + 2, ox, outBase, bias, multipliers, shifts, skip, pixel, output);
              put(p, acc3, oc + 3, ox, outBase, bias, multipliers, shifts, skip, pixel, output);
              oc += 4;
            }
            while (oc < ocEnd) {
              const acc: i32 = taps1(p, input, filter, oc * fSize, inside, at, inYOrigin, inXOrigin);
              put(p, acc, oc, ox, outBase, bias, multipliers, shifts, skip, pixel, output);
              oc++;
            }
          }
        }
        if (p.inPlace === INPLACE_ROWS) {
          const rowBase: i32 = (b * p.outH + oy) * p.outW * p.outC;
          for (let i: i32 = 0; i < p.outW * p.outC; i++) {
            output[rowBase + i] = pixel[i];
          }
        }
      }
    }
  }
}

/**
 * The 16x8 variant's record (int16 activations, zero point 0; int8 weights, per channel): the
 * geometry of Conv2dParams, the clamp, and `bias64` (TFLite Micro's accumulator type follows the
 * bias: 1 for an int64 bias, or none unless the model asks for int32, with `bias` as {lo, hi}
 * pairs; 0 for an int32 bias and the wrapping i32 accumulator).
 */
export interface Conv2d16Params {
  batches: i32;
  inH: i32;
  inW: i32;
  inC: i32;
  outH: i32;
  outW: i32;
  outC: i32;
  filterH: i32;
  filterW: i32;
  filterInC: i32;
  filtersPerGroup: i32;
  strideH: i32;
  strideW: i32;
  dilationH: i32;
  dilationW: i32;
  padH: i32;
  padW: i32;
  actMin: i32;
  actMax: i32;
  hasBias: i32;
  bias64: i32;
}

/** Taps summed in i32 before joining the 64-bit accumulator: 128 * 128 * 32768 = 2^29. */
const WIDE_BLOCK: i32 = 128;

/**
 * CONV_2D with int16 input and output: TFLite Micro's reference_integer_ops::ConvPerChannel for
 * int16_t, conv2dReference's loop (taps outside the image skipped; no offsets, int16 zero points
 * are 0). bias64 1 sums each filter row's channels in i32 blocks into a 64-bit (hi, lo)
 * accumulator, adds the bias pair and requantizes with mbqm64 (kernels/common/wide.ts).
 */
export function conv2d16(
  p: Conv2d16Params,
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
        for (let oc: i32 = 0; oc < p.outC; oc++) {
          const group: i32 = (oc / p.filtersPerGroup) | 0;
          let acc: i32 = 0;
          let hi: i32 = 0;
          for (let fy: i32 = 0; fy < p.filterH; fy++) {
            const inY: i32 = inYOrigin + p.dilationH * fy;
            for (let fx: i32 = 0; fx < p.filterW; fx++) {
              const inX: i32 = inXOrigin + p.dilationW * fx;
              if (inY >= 0 && inY < p.inH && inX >= 0 && inX < p.inW) {
                const inBase: i32 = ((b * p.inH + inY) * p.inW + inX) * p.inC + group * p.filterInC;
                const fBase: i32 = ((oc * p.filterH + fy) * p.filterW + fx) * p.filterInC;
                if (p.bias64 === 0) {
                  for (let ic: i32 = 0; ic < p.filterInC; ic++) {
                    acc = (acc + filter[fBase + ic] * input[inBase + ic]) | 0;
                  }
                } else {
                  let ic: i32 = 0;
                  while (ic < p.filterInC) {
                    const end: i32 = Math.min(ic + WIDE_BLOCK, p.filterInC);
                    let s: i32 = 0;
                    while (ic < end) {
                      s = s + filter[fBase + ic] * input[inBase + ic];
                      ic++;
                    }
                    const sum: i32 = (acc + s) | 0;
                    hi = (hi + (s >> 31) + ltu(sum, acc)) | 0;
                    acc = sum;
                  }
                }
              }
            }
          }
          let v: i32 = 0;
          if (p.bias64 === 0) {
            v = requantize(acc, oc, p.hasBias, bias, multipliers, shifts);
          } else {
            if (p.hasBias !== 0) {
              const withBias: i32 = (acc + bias[2 * oc]) | 0;
              hi = (hi + bias[2 * oc + 1] + ltu(withBias, acc)) | 0;
              acc = withBias;
            }
            v = mbqm64(hi, acc, multipliers[oc], shifts[oc]);
          }
          output[((b * p.outH + oy) * p.outW + ox) * p.outC + oc] = toOutput(v, 0, p.actMin, p.actMax);
        }
      }
    }
  }
}
