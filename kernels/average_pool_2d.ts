/**
 * @fileoverview AVERAGE_POOL_2D, int8, with TFLite Micro's reference semantics
 * (reference_integer_ops::AveragePool): only in-bounds taps are summed and counted, the
 * division rounds half away from zero, then the activation clamp. Input and output share
 * quantization (TFLM requires it), so there is no requantization.
 *
 * Written in the kernel subset (docs/subset.md); compiler/ops/average_pool_2d.ts fills
 * the record. Array order: input [batches, inH, inW, channels], output [batches, outH, outW,
 * channels].
 */
import type { i32 } from "./types.ts";

export interface AveragePool2dParams {
  batches: i32;
  inH: i32;
  inW: i32;
  channels: i32;
  outH: i32;
  outW: i32;
  filterH: i32;
  filterW: i32;
  strideH: i32;
  strideW: i32;
  padH: i32;
  padW: i32;
  actMin: i32;
  actMax: i32;
}

export function averagePool2d(p: AveragePool2dParams, input: Int8Array, output: Int8Array): void {
  for (let b: i32 = 0; b < p.batches; b++) {
    for (let oy: i32 = 0; oy < p.outH; oy++) {
      const inYOrigin: i32 = oy * p.strideH - p.padH;
      const fyStart: i32 = Math.max(0, -inYOrigin);
      const fyEnd: i32 = Math.min(p.filterH, p.inH - inYOrigin);
      for (let ox: i32 = 0; ox < p.outW; ox++) {
        const inXOrigin: i32 = ox * p.strideW - p.padW;
        const fxStart: i32 = Math.max(0, -inXOrigin);
        const fxEnd: i32 = Math.min(p.filterW, p.inW - inXOrigin);
        const outBase: i32 = ((b * p.outH + oy) * p.outW + ox) * p.channels;
        for (let c: i32 = 0; c < p.channels; c++) {
          let acc: i32 = 0;
          let count: i32 = 0;
          for (let fy: i32 = fyStart; fy < fyEnd; fy++) {
            const rowBase: i32 = (b * p.inH + inYOrigin + fy) * p.inW;
            for (let fx: i32 = fxStart; fx < fxEnd; fx++) {
              acc = acc + input[(rowBase + inXOrigin + fx) * p.channels + c];
              count = count + 1;
            }
          }
          // Lowering guarantees at least one in-bounds tap; the guard keeps C free of a
          // division by zero should a record ever say otherwise.
          if (count === 0) {
            count = 1;
          }
          const half: i32 = (count / 2) | 0;
          if (acc > 0) {
            acc = ((acc + half) / count) | 0;
          } else {
            acc = ((acc - half) / count) | 0;
          }
          acc = Math.max(acc, p.actMin);
          acc = Math.min(acc, p.actMax);
          output[outBase + c] = acc;
        }
      }
    }
  }
}

/** AVERAGE_POOL_2D on int16 (TFLM's int16_t AveragePool: the same sums, rounding and clamp). */
export function averagePool2d16(p: AveragePool2dParams, input: Int16Array, output: Int16Array): void {
  for (let b: i32 = 0; b < p.batches; b++) {
    for (let oy: i32 = 0; oy < p.outH; oy++) {
      const inYOrigin: i32 = oy * p.strideH - p.padH;
      const fyStart: i32 = Math.max(0, -inYOrigin);
      const fyEnd: i32 = Math.min(p.filterH, p.inH - inYOrigin);
      for (let ox: i32 = 0; ox < p.outW; ox++) {
        const inXOrigin: i32 = ox * p.strideW - p.padW;
        const fxStart: i32 = Math.max(0, -inXOrigin);
        const fxEnd: i32 = Math.min(p.filterW, p.inW - inXOrigin);
        const outBase: i32 = ((b * p.outH + oy) * p.outW + ox) * p.channels;
        for (let c: i32 = 0; c < p.channels; c++) {
          let acc: i32 = 0;
          let count: i32 = 0;
          for (let fy: i32 = fyStart; fy < fyEnd; fy++) {
            const rowBase: i32 = (b * p.inH + inYOrigin + fy) * p.inW;
            for (let fx: i32 = fxStart; fx < fxEnd; fx++) {
              acc = acc + input[(rowBase + inXOrigin + fx) * p.channels + c];
              count = count + 1;
            }
          }
          // Lowering guarantees at least one in-bounds tap; the guard keeps C free of a
          // division by zero should a record ever say otherwise.
          if (count === 0) {
            count = 1;
          }
          const half: i32 = (count / 2) | 0;
          if (acc > 0) {
            acc = ((acc + half) / count) | 0;
          } else {
            acc = ((acc - half) / count) | 0;
          }
          acc = Math.max(acc, p.actMin);
          acc = Math.min(acc, p.actMax);
          output[outBase + c] = acc;
        }
      }
    }
  }
}
