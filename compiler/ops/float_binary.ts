/**
 * @fileoverview The float32 variants of DIV and SQUARED_DIFFERENCE, and FLOOR_DIV and FLOOR_MOD: one call of
 * kernels/float_binary.ts with the broadcast loops of compiler/ops/broadcast.ts and, for DIV, the
 * fused activation (TFLite Micro's CalculateActivationRange for float). Called by compiler/ops/
 * div.ts and squared_difference.ts when the first input is float32 (TFLM requires all three
 * tensors of one type), and by floor_div_mod.ts.
 */
import type { Graph, Op } from "../ir/graph.ts";
import {
  FLOAT_ACT_NONE, FLOAT_ACT_RELU, FLOAT_ACT_RELU6, FLOAT_ACT_RELU_N1_TO_1, type FloatBinaryParams,
} from "../../kernels/float_binary.ts";
import { planBroadcast } from "./broadcast.ts";
import { activationOption, inputTensor, outputTensor, requireDType } from "./operands.ts";
import { BINARY_SLOTS, kernelCall, type KernelContract } from "./contract.ts";
import type { KernelCall } from "./types.ts";

const ACTIVATIONS: Record<string, number> = {
  NONE: FLOAT_ACT_NONE, RELU: FLOAT_ACT_RELU, RELU6: FLOAT_ACT_RELU6, RELU_N1_TO_1: FLOAT_ACT_RELU_N1_TO_1,
};

/** `fn` (FLOAT_DIV, FLOAT_SQUARED_DIFFERENCE, FLOAT_FLOOR_DIV, FLOAT_FLOOR_MOD) on float32 operands; `withActivation`: read the fused activation. */
export function lowerFloatBinary(graph: Graph, op: Op, fn: number, withActivation: boolean): KernelCall[] {
  const input1 = inputTensor(graph, op, 0, "input1");
  const input2 = inputTensor(graph, op, 1, "input2");
  const output = outputTensor(graph, op, 0, "output");
  requireDType(graph, op, input1, "input1", "float32");
  requireDType(graph, op, input2, "input2", "float32");
  requireDType(graph, op, output, "output", "float32");
  const loops = planBroadcast(graph, op, input1, input2, output);
  const activation = withActivation ? ACTIVATIONS[activationOption(graph, op)] ?? FLOAT_ACT_NONE : FLOAT_ACT_NONE;
  const params: FloatBinaryParams = { fn, activation, ...loops };
  return [kernelCall("float_binary", "floatBinary", BINARY_SLOTS, params, {
    input1: { kind: "tensor", tensor: input1.index },
    input2: { kind: "tensor", tensor: input2.index },
    output: { kind: "tensor", tensor: output.index },
  }, 0)];
}

export const CONTRACTS: KernelContract[] = [{ kernel: "float_binary", fn: "floatBinary", slots: BINARY_SLOTS }];
