/**
 * @fileoverview The staging of kernels/conv_2d_dsp.ts (CONV_2D as an SMLAD GEMM): output pixels'
 * int8 inputs written to the Int32Array scratch `staged` as int16 pairs, block by block of 4 taps
 * (the word sxtb16 (taps t, t+2), then sxtb16r8 (taps t+1, t+3)), in the tap order of the packed
 * weights (OHWI, padded with zeros to k4). A 1x1 unpadded layer (any stride) stages a pixel's inC
 * values straight from the input; any other gathers the receptive field (im2col): with inC a
 * multiple of 4 straight from the input per tap, otherwise into `column` first (in-image filter
 * rows as word copies, taps outside the image as the input zero point -inputOffset), then staged.
 * Every count is a record field, so each layer's copy has constant loops (unrolled when small).
 */
import type { i32 } from "./types.ts";
import { ld32, st32, sxtb16, sxtb16r8 } from "./intrinsics.ts";
import type { Conv2dParams } from "./conv_2d.ts";

/**
 * Stages n int8 values of src from `at` (n not a multiple of 4: the last word's missing bytes are 0) at staged[to]:
 * a pixel's inC values for an unpadded 1x1 layer, else a gathered column's k (a constant per layer: loops unroll).
 */
function stageRun(p: Conv2dParams, src: Int8Array, at: i32, staged: Int32Array, to: i32): void {
  const pointwise: boolean = p.filterH === 1 && p.filterW === 1 && p.padH === 0 && p.padW === 0;
  const n: i32 = pointwise ? p.inC : p.filterH * p.filterW * p.inC;
  // Two words per step (8 steps unroll: inC 64 in straight-line code), then one more word.
  const pairs: i32 = n & -8;
  for (let i: i32 = 0; i < pairs; i += 8) {
    const w0: i32 = ld32(src, at + i);
    const w1: i32 = ld32(src, at + i + 4);
    staged[to + (i >> 1)] = sxtb16(w0);
    staged[to + (i >> 1) + 1] = sxtb16r8(w0);
    staged[to + (i >> 1) + 2] = sxtb16(w1);
    staged[to + (i >> 1) + 3] = sxtb16r8(w1);
  }
  let c: i32 = pairs;
  if (c + 4 <= n) {
    const w: i32 = ld32(src, at + c);
    staged[to + (c >> 1)] = sxtb16(w);
    staged[to + (c >> 1) + 1] = sxtb16r8(w);
    c += 4;
  }
  const d: i32 = to + (c >> 1);
  if (c < n) {
    let w: i32 = src[at + c] & 255;
    if (c + 1 < n) {
      w = w | ((src[at + c + 1] & 255) << 8);
    }
    if (c + 2 < n) {
      w = w | ((src[at + c + 2] & 255) << 16);
    }
    staged[d] = sxtb16(w);
    staged[d + 1] = sxtb16r8(w);
  }
}

/** The input byte offset of output pixel n's only tap (1x1, unpadded, any stride). */
function pointAt(p: Conv2dParams, n: i32): i32 {
  const ox: i32 = n % p.outW;
  const t: i32 = (n / p.outW) | 0;
  const oy: i32 = t % p.outH;
  const b: i32 = (t / p.outH) | 0;
  return ((b * p.inH + oy * p.strideH) * p.inW + ox * p.strideW) * p.inC;
}

/**
 * The word of taps c..c+3 of a window whose filter rows are all in the image: runs of
 * run = filterW * inC >= 4 bytes from `at`, dilationH input rows apart. Its bytes come from at most
 * two runs, each read by one ld32 inside its run (the end of run r shifted down, the start of run
 * r + 1 shifted up); taps past k are 0. Called with a constant c (an unrolled loop).
 */
function windowWord(p: Conv2dParams, input: Int8Array, at: i32, c: i32): i32 {
  const run: i32 = p.filterW * p.inC;
  const rowStep: i32 = p.dilationH * p.inW * p.inC;
  const r: i32 = (c / run) | 0;
  const off: i32 = c - r * run;
  const from: i32 = at + r * rowStep;
  if (off + 4 <= run) {
    return ld32(input, from + off);
  }
  const a: i32 = run - off;
  const lo: i32 = ld32(input, from + run - 4) >>> (32 - 8 * a);
  if (c + a >= p.filterH * run) {
    return lo;
  }
  return lo | (ld32(input, from + rowStep) << (8 * a));
}

/** Stages output pixel n's receptive field (im2col) at staged[to]; padding taps are -inputOffset. */
export function stageWindow(p: Conv2dParams, input: Int8Array, column: Int8Array, staged: Int32Array, n: i32, to: i32): void {
  const ox: i32 = n % p.outW;
  const t: i32 = (n / p.outW) | 0;
  const oy: i32 = t % p.outH;
  const b: i32 = (t / p.outH) | 0;
  const inY0: i32 = oy * p.strideH - p.padH;
  const inX0: i32 = ox * p.strideW - p.padW;
  const padVal: i32 = -p.inputOffset;
  const padPair: i32 = (padVal & 65535) | (padVal << 16);
  // With dilation 1, an in-image filter row of an in-image column range is one run of filterW * inC bytes.
  const rowRun: boolean = p.dilationW === 1 && inX0 >= 0 && inX0 + p.filterW - 1 < p.inW;
  const run: i32 = p.filterW * p.inC;
  const k: i32 = p.filterH * run;
  if (p.inC % 4 !== 0 && run >= 4 && rowRun && inY0 >= 0 && inY0 + p.dilationH * (p.filterH - 1) < p.inH) {
    // The whole window is in the image: its words straight from the input, no column.
    const at: i32 = ((b * p.inH + inY0) * p.inW + inX0) * p.inC;
    for (let c: i32 = 0; c < k; c += 4) {
      const w: i32 = windowWord(p, input, at, c);
      staged[to + (c >> 1)] = sxtb16(w);
      staged[to + (c >> 1) + 1] = sxtb16r8(w);
    }
    return;
  }
  let d: i32 = 0;
  for (let fy: i32 = 0; fy < p.filterH; fy++) {
    const inY: i32 = inY0 + p.dilationH * fy;
    const rowIn: boolean = inY >= 0 && inY < p.inH;
    const rowAt: i32 = ((b * p.inH + inY) * p.inW + inX0) * p.inC;
    if (rowRun && rowIn) {
      if (p.inC % 4 === 0) {
        const w0: i32 = to + (d >> 1);
        for (let c: i32 = 0; c < run; c += 4) {
          const w: i32 = ld32(input, rowAt + c);
          staged[w0 + (c >> 1)] = sxtb16(w);
          staged[w0 + (c >> 1) + 1] = sxtb16r8(w);
        }
      } else {
        // Whole words (ld32/st32 at any alignment), then the run's last bytes.
        const whole: i32 = run & -4;
        for (let c: i32 = 0; c < whole; c += 4) {
          st32(column, d + c, ld32(input, rowAt + c));
        }
        for (let c: i32 = whole; c < run; c++) {
          column[d + c] = input[rowAt + c];
        }
      }
      d += run;
    } else {
      for (let fx: i32 = 0; fx < p.filterW; fx++) {
        const inX: i32 = inX0 + p.dilationW * fx;
        const inside: boolean = rowIn && inX >= 0 && inX < p.inW;
        const at: i32 = rowAt + p.dilationW * fx * p.inC;
        if (p.inC % 4 === 0) {
          // Whole blocks per tap: stage straight from the input.
          const w0: i32 = to + (d >> 1);
          if (inside) {
            for (let c: i32 = 0; c < p.inC; c += 4) {
              const w: i32 = ld32(input, at + c);
              staged[w0 + (c >> 1)] = sxtb16(w);
              staged[w0 + (c >> 1) + 1] = sxtb16r8(w);
            }
          } else {
            for (let c: i32 = 0; c < p.inC; c += 2) {
              staged[w0 + (c >> 1)] = padPair;
            }
          }
        } else if (inside) {
          for (let c: i32 = 0; c < p.inC; c++) {
            column[d + c] = input[at + c];
          }
        } else {
          for (let c: i32 = 0; c < p.inC; c++) {
            column[d + c] = padVal;
          }
        }
        d += p.inC;
      }
    }
  }
  if (p.inC % 4 !== 0) {
    stageRun(p, column, 0, staged, to);
  }
}

/** Stages output pixel n (its inC values, or its receptive field) at staged[to]. */
export function stagePixel(p: Conv2dParams, input: Int8Array, column: Int8Array, staged: Int32Array, n: i32, to: i32): void {
  const direct: boolean = p.filterH === 1 && p.filterW === 1 && p.strideH === 1 && p.strideW === 1 && p.padH === 0 && p.padW === 0;
  // A strided 1x1 unpadded layer reads each pixel's inC bytes in place too (no im2col).
  const pointwise: boolean = p.filterH === 1 && p.filterW === 1 && p.padH === 0 && p.padW === 0;
  if (direct) {
    stageRun(p, input, n * p.inC, staged, to);
  } else if (pointwise) {
    stageRun(p, input, pointAt(p, n), staged, to);
  } else {
    stageWindow(p, input, column, staged, n, to);
  }
}

/** INPLACE_ROWS: output row `last / outW` is done: copies it from `pixel`, a word at a time (ld32/st32, any alignment). */
export function copyRow(p: Conv2dParams, pixel: Int8Array, output: Int8Array, last: i32): void {
  const rowBase: i32 = (last + 1 - p.outW) * p.outC;
  const rowBytes: i32 = p.outW * p.outC;
  const whole: i32 = rowBytes & -4;
  for (let i: i32 = 0; i < whole; i += 4) {
    st32(output, rowBase + i, ld32(pixel, i));
  }
  for (let i: i32 = whole; i < rowBytes; i++) {
    output[rowBase + i] = pixel[i];
  }
}
