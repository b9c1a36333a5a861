/**
 * @fileoverview Output size and padding of windowed ops (CONV_2D, DEPTHWISE_CONV_2D, pooling),
 * as TFLite's ComputePaddingHeightWidth / ComputeOutSize (kernels/padding.h, tflite-micro
 * 90b983c2).
 *
 * SAME: out = ceil(in / stride); VALID: out = floor((in + stride - effective_filter) / stride)
 * with effective_filter = (filter - 1) * dilation + 1. Padding before the first row/column is
 * floor(total / 2) of total = max(0, (out - 1) * stride + effective_filter - in); the odd
 * remainder (`offset`) goes after, which the kernels never need because they skip
 * out-of-image taps. Invalid arguments give null (the caller reports it).
 */

export type PaddingMode = "SAME" | "VALID";

export function effectiveFilterSize(filter: number, dilation: number): number {
  return (filter - 1) * dilation + 1;
}

/** TFLite's ComputeOutSize; null when the arguments are invalid or the size is negative. */
export function computeOutSize(
  padding: PaddingMode,
  inSize: number,
  filter: number,
  stride: number,
  dilation: number,
): number | null {
  if (inSize < 0 || filter <= 0 || stride <= 0 || dilation <= 0) return null;
  const eff = effectiveFilterSize(filter, dilation);
  const v = padding === "SAME" ? Math.trunc((inSize + stride - 1) / stride) : Math.trunc((inSize + stride - eff) / stride);
  return v < 0 ? null : v;
}

/** TFLite's ComputePaddingWithOffset: padding before, and the odd extra after. */
export function computePadding(
  stride: number,
  dilation: number,
  inSize: number,
  filter: number,
  outSize: number,
): { padding: number; offset: number } {
  const total = Math.max(0, (outSize - 1) * stride + effectiveFilterSize(filter, dilation) - inSize);
  return { padding: Math.trunc(total / 2), offset: total % 2 };
}

export interface WindowGeometry {
  outH: number;
  outW: number;
  padH: number;
  padW: number;
  padHOffset: number;
  padWOffset: number;
}

/** TFLite's ComputePaddingHeightWidth; null when an output size cannot be computed. */
export function computePaddingHeightWidth(
  strideH: number,
  strideW: number,
  dilationH: number,
  dilationW: number,
  inH: number,
  inW: number,
  filterH: number,
  filterW: number,
  padding: PaddingMode,
): WindowGeometry | null {
  const outW = computeOutSize(padding, inW, filterW, strideW, dilationW);
  const outH = computeOutSize(padding, inH, filterH, strideH, dilationH);
  if (outW === null || outH === null) return null;
  const h = computePadding(strideH, dilationH, inH, filterH, outH);
  const w = computePadding(strideW, dilationW, inW, filterW, outW);
  return { outH, outW, padH: h.padding, padW: w.padding, padHOffset: h.offset, padWOffset: w.offset };
}
