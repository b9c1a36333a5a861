/**
 * @fileoverview MAX_POOL_2D, int8, with TFLite Micro's reference semantics
 * (reference_integer_ops::MaxPool): the maximum over the in-bounds taps of each window (padding
 * taps are excluded, not read as the zero point), starting from -128, then the activation
 * clamp. Input and output share quantization (TFLM requires it), so there is no requantization.
 *
 * Written in the kernel subset (docs/subset.md); compiler/ops/max_pool_2d.ts fills the record.
 * Array order: input [batches, inH, inW, channels], output [batches, outH, outW, channels].
 */
import type { i32 } from "./types.ts";

export interface MaxPool2dParams {
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

export function maxPool2d(p: MaxPool2dParams, input: Int8Array, output: Int8Array): void {
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
          // A window with no in-bounds tap keeps -128 (TFLM's int8 lowest), then the clamp.
          let best: i32 = -128;
          for (let fy: i32 = fyStart; fy < fyEnd; fy++) {
            const rowBase: i32 = (b * p.inH + inYOrigin + fy) * p.inW;
            for (let fx: i32 = fxStart; fx < fxEnd; fx++) {
              best = Math.max(best, input[(rowBase + inXOrigin + fx) * p.channels + c]);
            }
          }
          best = Math.max(best, p.actMin);
          best = Math.min(best, p.actMax);
          output[outBase + c] = best;
        }
      }
    }
  }
}

/** MAX_POOL_2D on int16 (TFLM's int16_t MaxPool: an empty window keeps -32768, int16's lowest). */
export function maxPool2d16(p: MaxPool2dParams, input: Int16Array, output: Int16Array): void {
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
          let best: i32 = -32768;
          for (let fy: i32 = fyStart; fy < fyEnd; fy++) {
            const rowBase: i32 = (b * p.inH + inYOrigin + fy) * p.inW;
            for (let fx: i32 = fxStart; fx < fxEnd; fx++) {
              best = Math.max(best, input[(rowBase + inXOrigin + fx) * p.channels + c]);
            }
          }
          best = Math.max(best, p.actMin);
          best = Math.min(best, p.actMax);
          output[outBase + c] = best;
        }
      }
    }
  }
}
