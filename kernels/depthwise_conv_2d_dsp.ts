/**
 * @fileoverview DEPTHWISE_CONV_2D with the Cortex-M7's dual 16-bit multiply-accumulate (SMLAD), on
 * a zero-point-padded plane per channel: the SIMD variant kernels/depthwise_conv_2d.ts's entry
 * takes when its record says `dsp` (set by compiler/ops/depthwise_conv_2d_dsp.ts for depth
 * multiplier 1, dilation 1, 3x3 stride 1 or 2, k x 1 and 1 x k). It must equal
 * depthwiseConv2dReference bit for bit (test/kernels/depthwise_conv_2d_dsp.test.ts).
 *
 * Channel by channel, the channel's input (strided by inC in NHWC) is copied into `plane`, an
 * int8 buffer already filled with the input zero point (four channels' planes at once when inC
 * is a multiple of 4 and a run has four input pixels or more: a word of four channels per
 * pixel, four pixels' words transposed in registers), so every tap is uniform: a padding tap
 * adds filter * zeroPoint, which the folded bias (bias + inputOffset * sum of the taps) cancels.
 * The plane is laid out so that the taps of one filter row are contiguous bytes ("runs"):
 * DSP_ROWS keeps the image's rows, DSP_COLUMNS (k x 1 filters) stores it transposed. A 32-bit
 * load of four run bytes x0..x3 gives (x0, x2) with SXTB16 and (x1, x3) with SXTB16 ROR 8; with
 * the channel's taps packed at compile time as int16 pairs P = (w0, w2), V = (w1, w3) and
 * U = (w-1, w1), two adjacent outputs (stride 1) are
 *   out0 += smlad(P, (x0, x2)) + smlad(V, (x1, x3)),  out1 += smlad(P, (x1, x3)) + smlad(U, (x0, x2))
 * per four taps; with 3 taps or fewer U is V with its halves exchanged (SMLADX), so a 3x3
 * channel keeps six weight words in locals. Stride 2 takes the second output's middle tap x3
 * from (x1, x3) (SMLADX with V = (w1, 0)) and its outer taps (x2, x4) from the word two bytes
 * on (pairs up to 3x3; one output per step beyond).
 *
 * `table` (the call's bias argument) holds per channel {folded bias, 2m, K, e} when
 * `cheapRequant` is 1 (requantizeTable's constants, the output offset folded into the rounding
 * constant: K = 2^(e-1) + outputOffset * 2^e), else {folded bias, multiplier, shift} (TFLite's
 * MultiplyByQuantizedMultiplier), then the taps: with
 * three rows of three taps or fewer one word of int8 taps per row (unpacked once per channel:
 * about the flash of the int8 filter), else per (filter row, quad of taps) P, V, and U where it
 * is read (more than 3 taps, stride 1, two outputs or more per run). The folded
 * bias starts the accumulator. `plane` holds one or four planes of (rows of the padded window)
 * * (run length) + 8 bytes (the last loads read up to 7 bytes past a run), each rounded up to
 * a word.
 *
 * Its functions are helpers of depthwiseConv2d, not kernel entries (their record is not the
 * first parameter; compiler/build/interpreter/kernel-ids.ts).
 */
import type { i32 } from "./types.ts";
import type { DepthwiseConv2dParams } from "./depthwise_conv_2d.ts";
import { ld32, mbqm, pkhbt, pkhtb, sat8, smlad, smladx, st32, sxtb16, sxtb16r8 } from "./intrinsics.ts";
import { rdhmDoubled, toOutput } from "./common/requantize.ts";

/** `dsp` value of the transposed plane (k x 1 filters); kernels/depthwise_conv_2d.ts exports them all. */
const DSP_COLUMNS: i32 = 2;

/**
 * Requantization of one accumulator (the bias already in it) with the channel's constants: k1, k2
 * are K = 2^(e-1) + outputOffset * 2^e and e when cheap (the output offset folded into the
 * rounding constant, proven not to overflow: compiler/ops/depthwise_conv_2d_dsp.ts), the shift
 * and 0 otherwise. SSAT when the range is all of int8.
 */
function finishDsp(p: DepthwiseConv2dParams, acc: i32, mult: i32, k1: i32, k2: i32): i32 {
  if (p.cheapRequant !== 0) {
    const s: i32 = rdhmDoubled(acc, mult);
    const v: i32 = ((((s + (s >> 31)) | 0) + k1) | 0) >> k2;
    if (p.actMin === -128 && p.actMax === 127) {
      return sat8(v);
    }
    return toOutput(v, 0, p.actMin, p.actMax);
  }
  const g: i32 = mbqm(acc, mult, k1);
  if (p.actMin === -128 && p.actMax === 127) {
    return sat8((g + p.outputOffset) | 0);
  }
  return toOutput(g, p.outputOffset, p.actMin, p.actMax);
}

/**
 * depthwiseConv2d with `dsp` set (see the file comment); `table` is the call's bias argument.
 * One function, so that specialization folds every geometry local below (helpers would get
 * them as run-time arguments).
 */
export function depthwiseDspPlanes(input: Int8Array, p: DepthwiseConv2dParams, table: Int32Array, plane: Int8Array, output: Int8Array): void {
  const cols: boolean = p.dsp === DSP_COLUMNS;
  // Plane geometry: rows r (filter rows) and runs (contiguous taps).
  const kr: i32 = cols ? p.filterW : p.filterH;
  const kc: i32 = cols ? p.filterH : p.filterW;
  const sr: i32 = cols ? p.strideW : p.strideH;
  const sc: i32 = cols ? p.strideH : p.strideW;
  const nr: i32 = cols ? p.outW : p.outH;
  const nc: i32 = cols ? p.outH : p.outW;
  const padR: i32 = cols ? p.padW : p.padH;
  const padC: i32 = cols ? p.padH : p.padW;
  const outRowStep: i32 = cols ? p.outC : p.outW * p.outC;
  const outColStep: i32 = cols ? p.outW * p.outC : p.outC;
  const inRowStep: i32 = cols ? p.inC : p.inW * p.inC;
  const inColStep: i32 = cols ? p.inW * p.inC : p.inC;
  const planeRows: i32 = (nr - 1) * sr + kr;
  const runLen: i32 = (nc - 1) * sc + kc;
  const rowsIn: i32 = Math.min(cols ? p.inW : p.inH, planeRows - padR);
  const colsIn: i32 = Math.min(cols ? p.inH : p.inW, runLen - padC);
  const quads: i32 = (kc + 4) >> 2;
  const small: boolean = kc <= 3 && kr <= 3;
  const nw: i32 = small ? 1 : kc > 3 && sc === 1 && nc > 1 ? 3 : 2;
  const head: i32 = p.cheapRequant !== 0 ? 4 : 3;
  const stride: i32 = head + kr * quads * nw;
  // Steps per output row: pairs (an odd last output computes both, stores one), or single outputs
  // for one output per row and for stride 2 with more than three rows or taps.
  const pairs: boolean = (sc === 1 || small) && nc > 1;
  const steps: i32 = pairs ? (nc + 1) >> 1 : nc;
  const zeroPoint: i32 = -p.inputOffset;
  // Four channels' planes at once when the channel count allows and a run has four pixels or more
  // (compiler/ops/depthwise_conv_2d_dsp.ts mirrors it): four pixels' words of four channels,
  // transposed in registers.
  const group: i32 = p.inC % 4 === 0 && colsIn >= 4 ? 4 : 1;
  const planeSize: i32 = (planeRows * runLen + 8 + 3) & ~3;
  for (let i: i32 = 0; i < group * planeSize; i++) {
    plane[i] = zeroPoint;
  }
  for (let b: i32 = 0; b < p.batches; b++) {
    const inImage: i32 = b * p.inH * p.inW * p.inC;
    const outImage: i32 = b * p.outH * p.outW * p.outC;
    for (let c: i32 = 0; c < p.inC; c++) {
      if (group === 4 && (c & 3) === 0) {
        // The images of channels c..c+3 into the four planes: per four pixels, one word of the
        // four channels each (w0..w3, a 4 x 4 byte matrix), transposed with masks and PKHBT /
        // PKHTB into one word of four pixels per channel; the last pixels of a run byte by byte.
        for (let r: i32 = 0; r < rowsIn; r++) {
          let from: i32 = inImage + r * inRowStep + c;
          const dst: i32 = (r + padR) * runLen + padC;
          let k: i32 = 0;
          while (k + 4 <= colsIn) {
            const w0: i32 = ld32(input, from);
            const w1: i32 = ld32(input, from + inColStep);
            const w2: i32 = ld32(input, from + 2 * inColStep);
            const w3: i32 = ld32(input, from + 3 * inColStep);
            // (p0c0, p1c0, p0c2, p1c2), (p0c1, p1c1, p0c3, p1c3), and the same for pixels 2, 3.
            const a: i32 = (w0 & 0xff00ff) | ((w1 & 0xff00ff) << 8);
            const e: i32 = ((w0 >> 8) & 0xff00ff) | (w1 & ~0xff00ff);
            const f: i32 = (w2 & 0xff00ff) | ((w3 & 0xff00ff) << 8);
            const g: i32 = ((w2 >> 8) & 0xff00ff) | (w3 & ~0xff00ff);
            st32(plane, dst + k, pkhbt(a, f, 16));
            st32(plane, planeSize + dst + k, pkhbt(e, g, 16));
            st32(plane, 2 * planeSize + dst + k, pkhtb(f, a, 16));
            st32(plane, 3 * planeSize + dst + k, pkhtb(g, e, 16));
            k += 4;
            from += 4 * inColStep;
          }
          while (k < colsIn) {
            plane[dst + k] = input[from];
            plane[planeSize + dst + k] = input[from + 1];
            plane[2 * planeSize + dst + k] = input[from + 2];
            plane[3 * planeSize + dst + k] = input[from + 3];
            k++;
            from += inColStep;
          }
        }
      } else if (group === 1) {
        // The channel's image into the plane, four bytes per word store.
        for (let r: i32 = 0; r < rowsIn; r++) {
          let from: i32 = inImage + r * inRowStep + c;
          const dst: i32 = (r + padR) * runLen + padC;
          let k: i32 = 0;
          while (k + 4 <= colsIn) {
            const b0: i32 = input[from] & 255;
            const b1: i32 = input[from + inColStep] & 255;
            const b2: i32 = input[from + 2 * inColStep] & 255;
            const b3: i32 = input[from + 3 * inColStep];
            st32(plane, dst + k, b0 | (b1 << 8) | (b2 << 16) | (b3 << 24));
            k += 4;
            from += 4 * inColStep;
          }
          while (k < colsIn) {
            plane[dst + k] = input[from];
            k++;
            from += inColStep;
          }
        }
      }
      // This channel's plane.
      const pl: i32 = (c & (group - 1)) * planeSize;
      const at: i32 = c * stride;
      const bias: i32 = table[at];
      const mult: i32 = table[at + 1];
      const k1: i32 = table[at + 2];
      let k2: i32 = 0;
      if (p.cheapRequant !== 0) {
        k2 = table[at + 3];
      }
      const wAt: i32 = at + head;
      if (small) {
        // Three rows of three taps or fewer: a row's taps are one word of bytes (w0, w1, w2, 0),
        // unpacked once per channel into P = (w0, w2) and V = (w1, 0), six words in locals.
        const p0: i32 = sxtb16(table[wAt]);
        const v0: i32 = sxtb16r8(table[wAt]);
        let p1: i32 = 0;
        let v1: i32 = 0;
        let p2: i32 = 0;
        let v2: i32 = 0;
        if (kr > 1) {
          p1 = sxtb16(table[wAt + 1]);
          v1 = sxtb16r8(table[wAt + 1]);
        }
        if (kr > 2) {
          p2 = sxtb16(table[wAt + 2]);
          v2 = sxtb16r8(table[wAt + 2]);
        }
        // 3x3 stride 1: two output rows per pass, each of the four plane rows' words read once
        // for both (4 loads and 8 unpacks for 4 outputs instead of 6 and 12). Only where the
        // step loop stays a loop (4 steps or more): fully unrolled, its four accumulators spill
        // (measured: kws's 5-wide rows 199,660 -> 220,700 instructions, vww's 48-wide 444,400 ->
        // 437,480).
        const blockRows: i32 = kr === 3 && sr === 1 && sc === 1 && pairs && steps >= 4 ? nr & ~1 : 0;
        for (let orow: i32 = 0; orow < blockRows; orow += 2) {
          let x0: i32 = pl + orow * runLen;
          let o: i32 = outImage + c + orow * outRowStep;
          for (let j: i32 = 0; j < steps; j++) {
            let x: i32 = ld32(plane, x0);
            let e: i32 = sxtb16(x);
            let d: i32 = sxtb16r8(x);
            let acc0: i32 = smlad(v0, d, smlad(p0, e, bias));
            let acc1: i32 = smladx(v0, e, smlad(p0, d, bias));
            x = ld32(plane, x0 + runLen);
            e = sxtb16(x);
            d = sxtb16r8(x);
            acc0 = smlad(v1, d, smlad(p1, e, acc0));
            acc1 = smladx(v1, e, smlad(p1, d, acc1));
            let acc2: i32 = smlad(v0, d, smlad(p0, e, bias));
            let acc3: i32 = smladx(v0, e, smlad(p0, d, bias));
            x = ld32(plane, x0 + 2 * runLen);
            e = sxtb16(x);
            d = sxtb16r8(x);
            acc0 = smlad(v2, d, smlad(p2, e, acc0));
            acc1 = smladx(v2, e, smlad(p2, d, acc1));
            acc2 = smlad(v1, d, smlad(p1, e, acc2));
            acc3 = smladx(v1, e, smlad(p1, d, acc3));
            x = ld32(plane, x0 + 3 * runLen);
            e = sxtb16(x);
            d = sxtb16r8(x);
            acc2 = smlad(v2, d, smlad(p2, e, acc2));
            acc3 = smladx(v2, e, smlad(p2, d, acc3));
            output[o] = finishDsp(p, acc0, mult, k1, k2);
            output[o + outRowStep] = finishDsp(p, acc2, mult, k1, k2);
            if ((nc & 1) === 0 || j + 1 < steps) {
              output[o + outColStep] = finishDsp(p, acc1, mult, k1, k2);
              output[o + outRowStep + outColStep] = finishDsp(p, acc3, mult, k1, k2);
            }
            x0 += 2;
            o += 2 * outColStep;
          }
        }
        for (let orow: i32 = blockRows; orow < nr; orow++) {
          let x0: i32 = pl + orow * sr * runLen;
          let o: i32 = outImage + c + orow * outRowStep;
          for (let j: i32 = 0; j < steps; j++) {
            let x: i32 = ld32(plane, x0);
            let e: i32 = sxtb16(x);
            let d: i32 = sxtb16r8(x);
            // Stride 1: the second output's taps are the same word's bytes shifted by one
            // (SMLADX); stride 2: its middle tap x3 is d's high half (SMLADX with V = (w1, 0)),
            // its outer taps (x2, x4) the even bytes of the word two bytes on.
            let acc0: i32 = smlad(v0, d, smlad(p0, e, bias));
            let acc1: i32 = 0;
            if (pairs && sc === 1) {
              acc1 = smladx(v0, e, smlad(p0, d, bias));
            } else if (pairs) {
              acc1 = smladx(v0, d, smlad(p0, sxtb16(ld32(plane, x0 + 2)), bias));
            }
            if (kr > 1) {
              x = ld32(plane, x0 + runLen);
              e = sxtb16(x);
              d = sxtb16r8(x);
              acc0 = smlad(v1, d, smlad(p1, e, acc0));
              if (pairs && sc === 1) {
                acc1 = smladx(v1, e, smlad(p1, d, acc1));
              } else if (pairs) {
                acc1 = smladx(v1, d, smlad(p1, sxtb16(ld32(plane, x0 + runLen + 2)), acc1));
              }
            }
            if (kr > 2) {
              x = ld32(plane, x0 + 2 * runLen);
              e = sxtb16(x);
              d = sxtb16r8(x);
              acc0 = smlad(v2, d, smlad(p2, e, acc0));
              if (pairs && sc === 1) {
                acc1 = smladx(v2, e, smlad(p2, d, acc1));
              } else if (pairs) {
                acc1 = smladx(v2, d, smlad(p2, sxtb16(ld32(plane, x0 + 2 * runLen + 2)), acc1));
              }
            }
            output[o] = finishDsp(p, acc0, mult, k1, k2);
            if (pairs && ((nc & 1) === 0 || j + 1 < steps)) {
              output[o + outColStep] = finishDsp(p, acc1, mult, k1, k2);
            }
            x0 += 2 * sc;
            o += 2 * outColStep;
          }
        }
      } else {
        // Any run length: the taps read from the table, P, V (and U) per quad.
        for (let orow: i32 = 0; orow < nr; orow++) {
          let x0: i32 = pl + orow * sr * runLen;
          let o: i32 = outImage + c + orow * outRowStep;
          for (let j: i32 = 0; j < steps; j++) {
            let acc0: i32 = bias;
            let acc1: i32 = bias;
            for (let r: i32 = 0; r < kr; r++) {
              for (let q: i32 = 0; q < quads; q++) {
                const x: i32 = ld32(plane, x0 + r * runLen + 4 * q);
                const e: i32 = sxtb16(x);
                const d: i32 = sxtb16r8(x);
                const k: i32 = wAt + (r * quads + q) * nw;
                const pw: i32 = table[k];
                acc0 = smlad(table[k + 1], d, smlad(pw, e, acc0));
                if (pairs && nw === 3) {
                  acc1 = smlad(table[k + 2], e, smlad(pw, d, acc1));
                } else if (pairs) {
                  acc1 = smladx(table[k + 1], e, smlad(pw, d, acc1));
                }
              }
            }
            output[o] = finishDsp(p, acc0, mult, k1, k2);
            if (pairs) {
              if ((nc & 1) === 0 || j + 1 < steps) {
                output[o + outColStep] = finishDsp(p, acc1, mult, k1, k2);
              }
              x0 += 2;
              o += 2 * outColStep;
            } else {
              x0 += sc;
              o += outColStep;
            }
          }
        }
      }
    }
  }
}
