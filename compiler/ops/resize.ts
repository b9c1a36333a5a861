/**
 * @fileoverview The operand checks RESIZE_BILINEAR and RESIZE_NEAREST_NEIGHBOR share: int8 NHWC
 * input and output, a constant int32 size [new height, new width] (positive), an output of the
 * input's batch and depth at that size, and the align_corners / half_pixel_centers options.
 */
import type { Graph, Op, Tensor } from "../ir/graph.ts";
import {
  boolOption, inputTensor, int32Values, opError, outputTensor, requireConstant, requireDType, requireRank,
} from "./operands.ts";

export interface ResizeOperands {
  input: Tensor;
  output: Tensor;
  batches: number;
  inH: number;
  inW: number;
  channels: number;
  outH: number;
  outW: number;
  alignCorners: boolean;
  halfPixelCenters: boolean;
}

export function resizeOperands(graph: Graph, op: Op): ResizeOperands {
  const input = inputTensor(graph, op, 0, "input");
  const size = inputTensor(graph, op, 1, "size");
  const output = outputTensor(graph, op, 0, "output");
  requireDType(graph, op, input, "input", "int8");
  requireDType(graph, op, output, "output", "int8");
  requireRank(graph, op, input, "input", 4);
  requireRank(graph, op, output, "output", 4);
  requireDType(graph, op, size, "size", "int32");
  requireConstant(graph, op, size, "size");
  const sizes = int32Values(size);
  if (size.shape.length !== 1 || sizes.length !== 2) opError(graph, op, `size tensor has shape [${size.shape.join(", ")}]; expected [2] (new height, new width)`);
  const [batches, inH, inW, channels] = input.shape;
  const [outH, outW] = sizes;
  if (outH <= 0 || outW <= 0) opError(graph, op, `size [${outH}, ${outW}] must be positive`);
  const expected = [batches, outH, outW, channels];
  if (output.shape.some((d, i) => d !== expected[i])) {
    opError(graph, op, `output shape [${output.shape.join(", ")}] does not match input [${input.shape.join(", ")}] resized to ${outH}x${outW}`);
  }
  return {
    input, output, batches, inH, inW, channels, outH, outW,
    alignCorners: boolOption(op, "alignCorners"), halfPixelCenters: boolOption(op, "halfPixelCenters"),
  };
}
