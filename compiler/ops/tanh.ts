/**
 * @fileoverview Lowers TANH (int8) to kernels/tanh.ts, doing TFLite Micro's TANH Prepare
 * (CalculateArithmeticOpData in micro/kernels/tanh.cc at 90b983c2) at compile time: the same
 * Q4.27 input multiplier, left shift and radius as LOGISTIC (compiler/ops/logistic.ts,
 * inputScaling). TFLM checks nothing about the output's quantization and always produces steps
 * of 1/128 around zero point 0; Mote does the same. int16 goes to tanh16 (compiler/ops/sigmoid16.ts).
 */
import type { Graph, Op } from "../ir/graph.ts";
import type { TanhParams } from "../../kernels/tanh.ts";
import { SIGMOID_16_SLOTS, inputScaling, sigmoid16Call } from "./logistic.ts";
import { INT16 } from "./int16.ts";
import { tensorQuant } from "./operands.ts";
import type { KernelCall, LowerOp } from "./types.ts";
import { unaryOperands } from "./unary.ts";
import type { InPlaceHook } from "../ir/hooks.ts";
import { elementwiseInPlace } from "./inplace.ts";
import { INPUT_OUTPUT_SLOTS, kernelCall, type KernelContract } from "./contract.ts";

export function lowerTanh(graph: Graph, op: Op): KernelCall[] {
  if (graph.tensors[op.inputs[0]]?.dtype === "int16") return sigmoid16Call(graph, op, true);
  const { input, output, size } = unaryOperands(graph, op, ["int8"], ["int8"]);
  const inQ = tensorQuant(graph, op, input, "input");
  const params: TanhParams = { size, inputZeroPoint: inQ.zeroPoint, ...inputScaling(graph, op, inQ.scale) };
  return [kernelCall("tanh", "tanhInt8", INPUT_OUTPUT_SLOTS, params, {
    input: { kind: "tensor", tensor: input.index },
    output: { kind: "tensor", tensor: output.index },
  }, 0)];
}

export const CONTRACTS: KernelContract[] = [
  { kernel: "tanh", fn: "tanhInt8", slots: INPUT_OUTPUT_SLOTS },
  { kernel: "tanh", fn: "tanh16", slots: SIGMOID_16_SLOTS },
];

export const ACTIVATION_TYPES = { TANH: INT16 };

export const OPCODES: Record<string, LowerOp> = { TANH: lowerTanh };

/** Each output element is written after its own input elements are read (compiler/ops/inplace.ts). */
export const IN_PLACE: Record<string, InPlaceHook> = { TANH: elementwiseInPlace };

export const NOTES: Record<string, string> = {
  TANH:
    "int8 with gemmlowp's fixed-point tanh; the output is produced in steps of 1/128 around zero point 0 whatever its stated quantization (as TFLite Micro does). int16 (zero points 0, output scale 2^-15, power-of-two or general input scale): TFLite Micro's interpolated sigmoid table (tanh16).",
};

/** What is left against TFLite Micro (docs/operators.md). */
export const LEFT: Record<string, string> = {
  TANH: "float32.",
};
