/**
 * @fileoverview Lowers RESIZE_BILINEAR (int8) to one call of kernels/resize_bilinear.ts, doing
 * TFLite Micro's Prepare (micro/kernels/resize_bilinear.cc: 4-D input, constant int32 size
 * tensor, half_pixel_centers excludes align_corners) and the scale computation of
 * reference_ops::ResizeBilinearInteger (kernels/internal/reference/resize_bilinear.h) at compile
 * time: scale10 = (1024 * in + out / 2) / out, or (1024 * (in-1) + (out-1) / 2) / (out-1) with
 * align_corners and out > 1 (integer division). Mote also checks the output shape is
 * [batch, size[0], size[1], depth] and that every lower source neighbour lies inside the image
 * (TFLM would read outside it for extreme upscales). Quantization is not compared (TFLM
 * interpolates the int8 values as they are).
 */
import type { Graph, Op } from "../ir/graph.ts";
import type { ResizeBilinearParams } from "../../kernels/resize_bilinear.ts";
import { opError } from "./operands.ts";
import { resizeOperands } from "./resize.ts";
import type { KernelCall, LowerOp } from "./types.ts";
import { INPUT_OUTPUT_SLOTS, kernelCall, type KernelContract } from "./contract.ts";

/** ResizeBilinearInteger's 10-bit scale for one axis. */
function scale10(inSize: number, outSize: number, alignCorners: boolean): number {
  if (alignCorners && outSize > 1) return Math.trunc((1024 * (inSize - 1) + Math.trunc((outSize - 1) / 2)) / (outSize - 1));
  return Math.trunc((1024 * inSize + Math.trunc(outSize / 2)) / outSize);
}

/** The largest lower neighbour ComputeInterpolationValuesInteger yields over `outSize` indices. */
function lastLowerNeighbour(outSize: number, s10: number, halfPixel: boolean): number {
  const c = (outSize - 1) * s10 + (halfPixel ? Math.trunc(s10 / 2) - 512 : 0);
  return Math.max(Math.trunc(c / 1024), 0);
}

export function lowerResizeBilinear(graph: Graph, op: Op): KernelCall[] {
  const { input, output, batches, inH, inW, channels, outH, outW, alignCorners, halfPixelCenters } = resizeOperands(graph, op);
  if (alignCorners && halfPixelCenters) {
    opError(graph, op, "half_pixel_centers and align_corners are both set; TFLite Micro allows at most one of them");
  }
  const heightScale10 = scale10(inH, outH, alignCorners);
  const widthScale10 = scale10(inW, outW, alignCorners);
  // Every int32 intermediate of the kernel (and of TFLM's scale computation) must not overflow.
  const largest = Math.max(1024 * inH + outH, 1024 * inW + outW, (outH + 1) * heightScale10 + 1024, (outW + 1) * widthScale10 + 1024);
  if (largest > 0x7fffffff) {
    opError(graph, op, `sizes ${inH}x${inW} -> ${outH}x${outW} overflow the 10-bit fixed-point coordinates`);
  }
  if (lastLowerNeighbour(outH, heightScale10, halfPixelCenters) > inH - 1 || lastLowerNeighbour(outW, widthScale10, halfPixelCenters) > inW - 1) {
    opError(graph, op, `resizing ${inH}x${inW} to ${outH}x${outW} puts a source pixel outside the input (10-bit scale rounding); TFLite Micro would read out of bounds`);
  }

  const params: ResizeBilinearParams = {
    batches, inH, inW, channels, outH, outW, heightScale10, widthScale10, halfPixel: halfPixelCenters ? 1 : 0,
  };
  return [kernelCall("resize_bilinear", "resizeBilinear", INPUT_OUTPUT_SLOTS, params, {
    input: { kind: "tensor", tensor: input.index },
    output: { kind: "tensor", tensor: output.index },
  }, 0)];
}

export const CONTRACTS: KernelContract[] = [{ kernel: "resize_bilinear", fn: "resizeBilinear", slots: INPUT_OUTPUT_SLOTS }];

export const OPCODES: Record<string, LowerOp> = { RESIZE_BILINEAR: lowerResizeBilinear };

export const NOTES: Record<string, string> = {
  RESIZE_BILINEAR:
    "int8 4-D NHWC, constant int32 size [2], up- or downscaling, align_corners or half_pixel_centers (not both), TFLite Micro's integer 10-bit fixed-point interpolation; values are not requantized.",
};
