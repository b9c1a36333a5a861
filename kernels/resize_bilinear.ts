/**
 * @fileoverview RESIZE_BILINEAR, int8, with TFLite Micro's integer reference semantics
 * (reference_ops::ResizeBilinearInteger, the path TFLM takes for int8): source coordinates in
 * 10-bit fixed point (scale10 = round(1024 * in / out), or of (in-1)/(out-1) with align_corners),
 * optional half-pixel centers (y * scale10 + scale10 / 2 - 512), lower neighbour
 * max(trunc(c / 1024), 0), upper min(ceil-ish (c + 1023) / 1024, in - 1), four products with
 * 20-bit weights, then (sum +/- 2^19) / 2^20 truncating (round half away from zero), stored as
 * int8. Values are not requantized (TFLM does not either).
 *
 * 32-bit accumulation is exact: |weights| <= 1536 per axis and |input| <= 128 bound every
 * product and the sum below 2^30. compiler/ops/resize_bilinear.ts checks that every lower
 * neighbour is inside the image.
 *
 * Written in the kernel subset (docs/subset.md). Array order: input [batches, inH, inW,
 * channels], output [batches, outH, outW, channels].
 */
import type { i32 } from "./types.ts";

export interface ResizeBilinearParams {
  batches: i32;
  inH: i32;
  inW: i32;
  channels: i32;
  outH: i32;
  outW: i32;
  /** Source step per output pixel, 10-bit fixed point. */
  heightScale10: i32;
  widthScale10: i32;
  /** 1 for half_pixel_centers. */
  halfPixel: i32;
}

/** The source coordinate of output index `v`, 10-bit fixed point (may be negative). */
function scaledCoord(v: i32, scale10: i32, halfPixel: i32): i32 {
  if (halfPixel !== 0) {
    return v * scale10 + ((scale10 / 2) | 0) - 512;
  }
  return v * scale10;
}

export function resizeBilinear(p: ResizeBilinearParams, input: Int8Array, output: Int8Array): void {
  for (let b: i32 = 0; b < p.batches; b++) {
    for (let y: i32 = 0; y < p.outH; y++) {
      const inY: i32 = scaledCoord(y, p.heightScale10, p.halfPixel);
      const y0: i32 = Math.max((inY / 1024) | 0, 0);
      const y1: i32 = Math.min(((inY + 1023) / 1024) | 0, p.inH - 1);
      const dy: i32 = inY - 1024 * y0;
      const row0: i32 = (b * p.inH + y0) * p.inW;
      const row1: i32 = (b * p.inH + y1) * p.inW;
      for (let x: i32 = 0; x < p.outW; x++) {
        const inX: i32 = scaledCoord(x, p.widthScale10, p.halfPixel);
        const x0: i32 = Math.max((inX / 1024) | 0, 0);
        const x1: i32 = Math.min(((inX + 1023) / 1024) | 0, p.inW - 1);
        const dx: i32 = inX - 1024 * x0;
        const wLL: i32 = (1024 - dy) * (1024 - dx);
        const wLU: i32 = dy * (1024 - dx);
        const wRL: i32 = (1024 - dy) * dx;
        const wRU: i32 = dy * dx;
        const outBase: i32 = ((b * p.outH + y) * p.outW + x) * p.channels;
        for (let c: i32 = 0; c < p.channels; c++) {
          const sum: i32 =
            input[(row0 + x0) * p.channels + c] * wLL +
            input[(row1 + x0) * p.channels + c] * wLU +
            input[(row0 + x1) * p.channels + c] * wRL +
            input[(row1 + x1) * p.channels + c] * wRU;
          const round: i32 = sum > 0 ? 524288 : -524288;
          output[outBase + c] = ((sum + round) / 1048576) | 0;
        }
      }
    }
  }
}
