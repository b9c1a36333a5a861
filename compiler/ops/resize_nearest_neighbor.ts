/**
 * @fileoverview Lowers RESIZE_NEAREST_NEIGHBOR (int8) to one call of
 * kernels/resize_nearest_neighbor.ts. TFLite Micro's Prepare (micro/kernels/
 * resize_nearest_neighbor.cc) requires a 4-D input and a constant int32 size tensor of shape [2];
 * Mote also checks the output shape is [batch, size[0], size[1], depth]. The source row and
 * column of every output pixel are computed here with GetNearestNeighbor's float32 arithmetic
 * (kernels/internal/reference/resize_nearest_neighbor.h): scale = in/out, or (in-1)/(out-1)
 * with align_corners and out > 1; offset 0.5 with half_pixel_centers; round half away from zero
 * with align_corners, floor otherwise; clamp to in-1, and to 0 with half_pixel_centers. Values
 * are copied bytes, so quantization is not compared (TFLM does not either).
 */
import type { Graph, Op } from "../ir/graph.ts";
import type { ResizeNearestNeighborParams } from "../../kernels/resize_nearest_neighbor.ts";
import { opError } from "./operands.ts";
import { roundHalfAwayFromZero } from "./quant.ts";
import { resizeOperands } from "./resize.ts";
import type { KernelCall, LowerOp } from "./types.ts";
import { kernelCall, type KernelContract } from "./contract.ts";

/** kernels/resize_nearest_neighbor.ts's array parameters, in order. */
export const RESIZE_NEAREST_NEIGHBOR_SLOTS = ["input", "srcY", "srcX", "output"] as const;

/** TFLite's GetNearestNeighbor, float32 steps written with Math.fround. */
export function nearestSource(value: number, inSize: number, outSize: number, alignCorners: boolean, halfPixelCenters: boolean): number {
  const f = Math.fround;
  const scale = alignCorners && outSize > 1 ? f((inSize - 1) / f(outSize - 1)) : f(inSize / f(outSize));
  const offset = halfPixelCenters ? 0.5 : 0;
  const scaled = f(f(value + offset) * scale);
  const rounded = alignCorners ? roundHalfAwayFromZero(scaled) : Math.floor(scaled);
  let v = Math.min(rounded, inSize - 1);
  if (halfPixelCenters) v = Math.max(0, v);
  return v;
}

export function lowerResizeNearestNeighbor(graph: Graph, op: Op): KernelCall[] {
  const { input, output, batches, inH, inW, channels, outH, outW, alignCorners, halfPixelCenters } = resizeOperands(graph, op);
  const srcY = Array.from({ length: outH }, (_, y) => nearestSource(y, inH, outH, alignCorners, halfPixelCenters));
  const srcX = Array.from({ length: outW }, (_, x) => nearestSource(x, inW, outW, alignCorners, halfPixelCenters));
  if ([...srcY, ...srcX].some((v) => v < 0)) opError(graph, op, "a source index is negative (unsupported size and options)");

  const params: ResizeNearestNeighborParams = { batches, inH, inW, channels, outH, outW };
  return [kernelCall("resize_nearest_neighbor", "resizeNearestNeighbor", RESIZE_NEAREST_NEIGHBOR_SLOTS, params, {
    input: { kind: "tensor", tensor: input.index },
    srcY: { kind: "const", name: `op${op.index}_src_y`, elem: "i32", data: srcY },
    srcX: { kind: "const", name: `op${op.index}_src_x`, elem: "i32", data: srcX },
    output: { kind: "tensor", tensor: output.index },
  }, 0)];
}

export const CONTRACTS: KernelContract[] = [{ kernel: "resize_nearest_neighbor", fn: "resizeNearestNeighbor", slots: RESIZE_NEAREST_NEIGHBOR_SLOTS }];

export const OPCODES: Record<string, LowerOp> = { RESIZE_NEAREST_NEIGHBOR: lowerResizeNearestNeighbor };

export const NOTES: Record<string, string> = {
  RESIZE_NEAREST_NEIGHBOR:
    "int8 4-D NHWC, constant int32 size [2], up- or downscaling, align_corners and half_pixel_centers as TFLite Micro computes them (float32 index arithmetic done at compile time); values are copied, not requantized.",
};
