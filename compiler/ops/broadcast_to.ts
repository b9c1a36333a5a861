/**
 * @fileoverview Lowers BROADCAST_TO (int8) to one strided copy (kernels/transpose.ts through
 * movement.ts stridedCopyCall) whose input stride is 0 along every broadcast dimension, doing
 * TFLite Micro's broadcast_to.cc Prepare at compile time: the shape operand is a constant int32
 * vector equal to the output shape, of rank at most 5 and at least the input's; right-aligned,
 * each input dimension is 1 or the output's.
 */
import type { Graph, Op } from "../ir/graph.ts";
import { constInt32s, inputTensor, opError, outputTensor, requireDType } from "./operands.ts";
import { requireShape, rowStrides, stridedCopyCall } from "./movement.ts";
import type { KernelCall, LowerOp } from "./types.ts";

const MAX_DIMS = 5;

function lowerBroadcastTo(graph: Graph, op: Op): KernelCall[] {
  if (op.inputs.length !== 2) opError(graph, op, `expects 2 inputs (input, shape), got ${op.inputs.length}`);
  const input = inputTensor(graph, op, 0, "input");
  const output = outputTensor(graph, op, 0, "output");
  requireDType(graph, op, input, "input", "int8");
  requireDType(graph, op, output, "output", "int8");
  const shape = constInt32s(graph, op, inputTensor(graph, op, 1, "shape"), "shape");
  const rank = shape.length;
  if (rank > MAX_DIMS) opError(graph, op, `output rank ${rank} is above ${MAX_DIMS} (TFLite Micro's limit)`);
  if (input.shape.length > rank) opError(graph, op, `input rank ${input.shape.length} is above the output rank ${rank}`);
  requireShape(graph, op, output, "output", shape, "the shape operand");
  const ext = rank - input.shape.length;
  const inShape = [...Array<number>(ext).fill(1), ...input.shape];
  const inStride = rowStrides(inShape);
  const strides = shape.map((d, k) => {
    if (inShape[k] !== d && inShape[k] !== 1) opError(graph, op, `input [${input.shape.join(", ")}] does not broadcast to [${shape.join(", ")}]`);
    return inShape[k] === 1 ? 0 : inStride[k];
  });
  return [stridedCopyCall(graph, op, input, output, shape, strides)];
}

export const OPCODES: Record<string, LowerOp> = { BROADCAST_TO: lowerBroadcastTo };

export const NOTES: Record<string, string> = {
  BROADCAST_TO: "int8, constant int32 shape of rank up to 5; a strided copy with stride 0 along broadcast dimensions.",
};
