/**
 * @fileoverview Lowers L2_NORMALIZATION (int8) to kernels/l2_normalization.ts, with TFLite
 * Micro's L2NormPrepare checks (micro/kernels/l2norm.cc at 90b983c2): one input and one output of
 * the same shape, rank <= 4, fused activation NONE. The kernel writes 1/128 steps around 0 (TFLM
 * neither reads nor checks the output quantization). float32 takes kernels/l2_normalization.ts's
 * l2NormalizationFloat.
 */
import type { DType, Graph, Op } from "../ir/graph.ts";
import type { L2NormalizationParams } from "../../kernels/l2_normalization.ts";
import { activationOption, opError, product, tensorQuant } from "./operands.ts";
import { unaryOperands } from "./unary.ts";
import { INPUT_OUTPUT_SLOTS, kernelCall, type KernelContract } from "./contract.ts";
import type { KernelCall, LowerOp } from "./types.ts";

export function lowerL2Normalization(graph: Graph, op: Op): KernelCall[] {
  const t0 = op.inputs[0] !== undefined && op.inputs[0] >= 0 ? graph.tensors[op.inputs[0]] : undefined;
  const float = t0?.dtype === "float32";
  const { input, output } = unaryOperands(graph, op, ["int8", "float32"], [float ? "float32" : "int8"]);
  if (input.shape.length < 1 || input.shape.length > 4) opError(graph, op, `input rank ${input.shape.length} is not 1 to 4 (TFLite Micro's limit)`);
  if (input.shape.some((d, i) => d !== output.shape[i]) || input.shape.length !== output.shape.length) {
    opError(graph, op, `input shape [${input.shape.join(", ")}] and output shape [${output.shape.join(", ")}] differ`);
  }
  if (activationOption(graph, op) !== "NONE") opError(graph, op, "a fused activation is not supported (TFLite Micro requires NONE)");
  const zeroPoint = float ? 0 : tensorQuant(graph, op, input, "input").zeroPoint;
  const depth = input.shape[input.shape.length - 1];
  const params: L2NormalizationParams = { outer: product(input.shape.slice(0, -1)), depth, inputZeroPoint: zeroPoint };
  return [kernelCall("l2_normalization", float ? "l2NormalizationFloat" : "l2Normalization", INPUT_OUTPUT_SLOTS, params, {
    input: { kind: "tensor", tensor: input.index },
    output: { kind: "tensor", tensor: output.index },
  }, 0)];
}

export const CONTRACTS: KernelContract[] = [
  { kernel: "l2_normalization", fn: "l2Normalization", slots: INPUT_OUTPUT_SLOTS },
  { kernel: "l2_normalization", fn: "l2NormalizationFloat", slots: INPUT_OUTPUT_SLOTS },
];

export const ACTIVATION_TYPES: Record<string, readonly DType[]> = { L2_NORMALIZATION: ["float32"] };

export const OPCODES: Record<string, LowerOp> = { L2_NORMALIZATION: lowerL2Normalization };

export const NOTES: Record<string, string> = {
  L2_NORMALIZATION: "int8 over the last axis, rank 1 to 4, no fused activation; the output is in 1/128 steps around 0 as TFLite Micro writes it (its output quantization is not read). float32 as TFLite Micro's reference (sqrtf of the sum of squares, at least 1e-6).",
};
