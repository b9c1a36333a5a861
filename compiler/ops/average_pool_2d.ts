/**
 * @fileoverview Lowers AVERAGE_POOL_2D (int8) to one call of kernels/average_pool_2d.ts, doing
 * TFLite Micro's PoolingPrepare at compile time: padding from ComputePaddingHeightWidth
 * (dilation 1), input and output quantization must agree (TFLM: |scale diff| <= 1e-6, same zero
 * point), activation clamp in the output domain. MACs are 0 (pooling is not counted).
 */
import type { Graph, Op } from "../ir/graph.ts";
import { opError } from "./operands.ts";
import { poolingPrepare } from "./pooling.ts";
import { INT16 } from "./int16.ts";
import type { KernelCall, LowerOp } from "./types.ts";
import { INPUT_OUTPUT_SLOTS, kernelCall, type KernelContract } from "./contract.ts";

export function lowerAveragePool2d(graph: Graph, op: Op): KernelCall[] {
  const { params, input, output, int16 } = poolingPrepare(graph, op);
  // Every output position must see at least one input tap (TFLM fails at run time otherwise).
  if (params.padH >= params.filterH || params.padW >= params.filterW) opError(graph, op, "a pooling window lies entirely in the padding");
  return [kernelCall("average_pool_2d", int16 ? "averagePool2d16" : "averagePool2d", INPUT_OUTPUT_SLOTS, params, {
    input: { kind: "tensor", tensor: input.index },
    output: { kind: "tensor", tensor: output.index },
  }, 0)];
}

export const CONTRACTS: KernelContract[] = [
  { kernel: "average_pool_2d", fn: "averagePool2d", slots: INPUT_OUTPUT_SLOTS },
  { kernel: "average_pool_2d", fn: "averagePool2d16", slots: INPUT_OUTPUT_SLOTS },
];

export const ACTIVATION_TYPES = { AVERAGE_POOL_2D: INT16 };

export const OPCODES: Record<string, LowerOp> = { AVERAGE_POOL_2D: lowerAveragePool2d };

export const NOTES: Record<string, string> = {
  AVERAGE_POOL_2D: "int8 NHWC, any filter size and stride, SAME or VALID padding (only in-bounds taps are averaged, rounding half away from zero), fused NONE/RELU/RELU6/RELU_N1_TO_1; input and output quantization must match. int16: the same loop over int16 (averagePool2d16).",
};

/** What is left against TFLite Micro (docs/operators.md). */
export const LEFT: Record<string, string> = {
  AVERAGE_POOL_2D: "float32.",
};
