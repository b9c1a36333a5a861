/**
 * @fileoverview Lowers SPACE_TO_DEPTH and DEPTH_TO_SPACE (int8, NHWC) to one strided copy each
 * (kernels/transpose.ts through movement.ts stridedCopyCall), doing TFLite Micro's Prepare at
 * compile time: rank 4, block_size > 0 dividing the spatial dimensions (SPACE_TO_DEPTH) or the
 * depth by block_size^2 (DEPTH_TO_SPACE). reference_ops::SpaceToDepth writes
 * out[b, h, w, (by * bs + bx) * C + c] = in[b, h * bs + by, w * bs + bx, c]; DepthToSpace is its
 * inverse. Both are five loops over the output (batch and row merged, as their strides agree).
 */
import type { Graph, Op } from "../ir/graph.ts";
import { inputTensor, opError, outputTensor, requireDType } from "./operands.ts";
import { requireShape, stridedCopyCall } from "./movement.ts";
import type { KernelCall, LowerOp } from "./types.ts";

function operands(graph: Graph, op: Op) {
  if (op.inputs.length !== 1) opError(graph, op, `expects 1 input, got ${op.inputs.length}`);
  const input = inputTensor(graph, op, 0, "input");
  const output = outputTensor(graph, op, 0, "output");
  requireDType(graph, op, input, "input", "int8");
  requireDType(graph, op, output, "output", "int8");
  if (input.shape.length !== 4) opError(graph, op, `input has rank ${input.shape.length}; expected 4 (NHWC)`);
  const bs = op.options["blockSize"];
  if (typeof bs !== "number" || !Number.isInteger(bs) || bs < 1) opError(graph, op, `block_size ${String(bs)} must be a positive integer`);
  return { input, output, bs };
}

function lowerSpaceToDepth(graph: Graph, op: Op): KernelCall[] {
  const { input, output, bs } = operands(graph, op);
  const [b, h, w, c] = input.shape;
  if (h % bs !== 0 || w % bs !== 0) opError(graph, op, `input height ${h} and width ${w} must be multiples of block_size ${bs}`);
  const oh = h / bs;
  const ow = w / bs;
  requireShape(graph, op, output, "output", [b, oh, ow, c * bs * bs], `block_size ${bs} on [${input.shape.join(", ")}]`);
  // Output order [b*oh, ow, by, bx, c] with input strides.
  return [stridedCopyCall(graph, op, input, output, [b * oh, ow, bs, bs, c], [bs * w * c, bs * c, w * c, c, 1])];
}

function lowerDepthToSpace(graph: Graph, op: Op): KernelCall[] {
  const { input, output, bs } = operands(graph, op);
  const [b, h, w, c] = input.shape;
  if (c % (bs * bs) !== 0) opError(graph, op, `input depth ${c} must be a multiple of block_size^2 = ${bs * bs}`);
  const oc = c / (bs * bs);
  requireShape(graph, op, output, "output", [b, h * bs, w * bs, oc], `block_size ${bs} on [${input.shape.join(", ")}]`);
  // Output order [b*h, by, w, bx, oc] with input strides.
  return [stridedCopyCall(graph, op, input, output, [b * h, bs, w, bs, oc], [w * c, bs * oc, c, oc, 1])];
}

export const OPCODES: Record<string, LowerOp> = { SPACE_TO_DEPTH: lowerSpaceToDepth, DEPTH_TO_SPACE: lowerDepthToSpace };

export const NOTES: Record<string, string> = {
  SPACE_TO_DEPTH: "int8, NHWC, block_size dividing height and width; a strided copy.",
  DEPTH_TO_SPACE: "int8, NHWC, block_size^2 dividing the depth; a strided copy.",
};
