/**
 * @fileoverview Window bounds of the sliding-window kernels (CONV_2D, DEPTHWISE_CONV_2D): along
 * one axis, the range of output coordinates whose taps all fall inside the image. The fast paths
 * run those outputs without bounds checks; the rest (the border) checks every tap. Called with
 * record fields, so specialization makes the bounds constants.
 *
 * Written in the kernel subset (docs/subset.md).
 */
import type { i32 } from "../types.ts";

/** First output coordinate whose taps start inside the image (origin = o * stride - pad >= 0). */
export function interiorStart(pad: i32, stride: i32): i32 {
  return ((pad + stride - 1) / stride) | 0;
}

/** One past the last output coordinate whose last tap is inside the image, within [0, outSize]. */
export function interiorEnd(pad: i32, stride: i32, dilation: i32, filterSize: i32, inSize: i32, outSize: i32): i32 {
  const n: i32 = inSize - 1 + pad - dilation * (filterSize - 1);
  if (n < 0) {
    return 0;
  }
  return Math.min(((n / stride) | 0) + 1, outSize);
}
