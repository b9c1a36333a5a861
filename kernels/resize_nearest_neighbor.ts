/**
 * @fileoverview RESIZE_NEAREST_NEIGHBOR, int8 (any type of this width: values are copied, not
 * requantized), with TFLite Micro's reference semantics (reference_ops::ResizeNearestNeighbor):
 * output pixel (y, x) copies input pixel (srcY[y], srcX[x]) of the same batch, all channels.
 *
 * The source indices come from GetNearestNeighbor's float32 arithmetic (scale, half-pixel offset,
 * floor or round, clamp), which compiler/ops/resize_nearest_neighbor.ts evaluates at compile time
 * into the two constant tables, so the kernel has no float at all.
 *
 * Written in the kernel subset (docs/subset.md). Array order: input [batches, inH, inW, channels],
 * srcY [outH], srcX [outW] (each in range), output [batches, outH, outW, channels].
 */
import type { i32 } from "./types.ts";

export interface ResizeNearestNeighborParams {
  batches: i32;
  inH: i32;
  inW: i32;
  channels: i32;
  outH: i32;
  outW: i32;
}

export function resizeNearestNeighbor(
  p: ResizeNearestNeighborParams,
  input: Int8Array,
  srcY: Int32Array,
  srcX: Int32Array,
  output: Int8Array,
): void {
  let out: i32 = 0;
  for (let b: i32 = 0; b < p.batches; b++) {
    for (let y: i32 = 0; y < p.outH; y++) {
      const rowBase: i32 = (b * p.inH + srcY[y]) * p.inW;
      for (let x: i32 = 0; x < p.outW; x++) {
        const inBase: i32 = (rowBase + srcX[x]) * p.channels;
        for (let c: i32 = 0; c < p.channels; c++) {
          output[out + c] = input[inBase + c];
        }
        out = out + p.channels;
      }
    }
  }
}
