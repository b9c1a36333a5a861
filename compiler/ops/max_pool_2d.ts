/**
 * @fileoverview Lowers MAX_POOL_2D (int8) to one call of kernels/max_pool_2d.ts, doing TFLite
 * Micro's PoolingPrepare at compile time (micro/kernels/pooling_common.cc): padding from
 * ComputePaddingHeightWidth (dilation 1), input and output quantization must agree (TFLM:
 * |scale diff| <= 1e-6, same zero point), activation clamp in the output domain. A window that
 * lies entirely in the padding is legal here (TFLM yields the clamped -128). MACs are 0.
 */
import type { Graph, Op } from "../ir/graph.ts";
import type { MaxPool2dParams } from "../../kernels/max_pool_2d.ts";
import { poolingPrepare } from "./pooling.ts";
import { INT16 } from "./int16.ts";
import type { KernelCall, LowerOp } from "./types.ts";
import { INPUT_OUTPUT_SLOTS, kernelCall, type KernelContract } from "./contract.ts";

export function lowerMaxPool2d(graph: Graph, op: Op): KernelCall[] {
  const { params, input, output, int16 } = poolingPrepare(graph, op);
  const record: MaxPool2dParams = params;
  return [kernelCall("max_pool_2d", int16 ? "maxPool2d16" : "maxPool2d", INPUT_OUTPUT_SLOTS, record, {
    input: { kind: "tensor", tensor: input.index },
    output: { kind: "tensor", tensor: output.index },
  }, 0)];
}

export const CONTRACTS: KernelContract[] = [
  { kernel: "max_pool_2d", fn: "maxPool2d", slots: INPUT_OUTPUT_SLOTS },
  { kernel: "max_pool_2d", fn: "maxPool2d16", slots: INPUT_OUTPUT_SLOTS },
];

export const ACTIVATION_TYPES = { MAX_POOL_2D: INT16 };

export const OPCODES: Record<string, LowerOp> = { MAX_POOL_2D: lowerMaxPool2d };

export const NOTES: Record<string, string> = {
  MAX_POOL_2D:
    "int8 NHWC, any filter size and stride, SAME or VALID padding (padding taps excluded), fused NONE/RELU/RELU6/RELU_N1_TO_1; input and output quantization must match (as TFLite Micro requires). int16: the same loop over int16 (maxPool2d16).",
};

/** What is left against TFLite Micro (docs/operators.md). */
export const LEFT: Record<string, string> = {
  MAX_POOL_2D: "float32.",
};
