/**
 * @fileoverview Lowers LEAKY_RELU (int8) to kernels/leaky_relu.ts, doing TFLite Micro's
 * CalculateOpDataLeakyRelu (micro/kernels/leaky_relu_common.cc at 90b983c2) at compile time: the
 * alpha multiplier from double(float(float(input scale * alpha) / output scale)) and the identity
 * multiplier from double(float(input scale / output scale)), each through QuantizeMultiplier; a
 * negative alpha multiplier is passed as its magnitude plus a sign flag, as the reference kernel
 * does at run time.
 */
import type { Graph, Op } from "../ir/graph.ts";
import type { LeakyReluParams } from "../../kernels/leaky_relu.ts";
import { opError, requireDType, tensorQuant } from "./operands.ts";
import { INT16 } from "./int16.ts";
import { quantizeMultiplier, type QuantizedMultiplier } from "./quant.ts";
import type { KernelCall, LowerOp } from "./types.ts";
import { unaryOperands } from "./unary.ts";
import type { InPlaceHook } from "../ir/hooks.ts";
import { elementwiseInPlace } from "./inplace.ts";
import { INPUT_OUTPUT_SLOTS, kernelCall, type KernelContract } from "./contract.ts";

export function lowerLeakyRelu(graph: Graph, op: Op): KernelCall[] {
  const { input, output, size } = unaryOperands(graph, op, ["int8", "int16"], ["int8", "int16"]);
  requireDType(graph, op, output, "output", input.dtype);
  const inQ = tensorQuant(graph, op, input, "input");
  const outQ = tensorQuant(graph, op, output, "output");
  const alphaOption = op.options["alpha"] ?? 0;
  if (typeof alphaOption !== "number" || !Number.isFinite(alphaOption)) {
    opError(graph, op, `option alpha = ${String(alphaOption)} is not a finite number`);
  }
  const inScale = Math.fround(inQ.scale);
  const outScale = Math.fround(outQ.scale);
  const alpha = quantizeMultiplier(Math.fround(Math.fround(inScale * Math.fround(alphaOption)) / outScale));
  const identity = quantizeMultiplier(Math.fround(inScale / outScale));
  const check = (q: QuantizedMultiplier, what: string): void => {
    if (q.shift > 31) opError(graph, op, `the ${what} multiplier is too large (shift ${q.shift} > 31)`);
    if (Math.abs(q.multiplier) > 2147483647) opError(graph, op, `the ${what} multiplier ${q.multiplier} does not fit in int32`);
  };
  check(alpha, "alpha");
  check(identity, "identity");
  const params: LeakyReluParams = {
    size,
    inputZeroPoint: inQ.zeroPoint,
    outputZeroPoint: outQ.zeroPoint,
    identityMultiplier: identity.multiplier,
    identityShift: identity.shift,
    alphaMultiplier: Math.abs(alpha.multiplier),
    alphaShift: alpha.shift,
    alphaNegative: alpha.multiplier < 0 ? 1 : 0,
  };
  return [kernelCall("leaky_relu", input.dtype === "int16" ? "leakyRelu16" : "leakyRelu", INPUT_OUTPUT_SLOTS, params, {
    input: { kind: "tensor", tensor: input.index },
    output: { kind: "tensor", tensor: output.index },
  }, 0)];
}

export const CONTRACTS: KernelContract[] = [
  { kernel: "leaky_relu", fn: "leakyRelu", slots: INPUT_OUTPUT_SLOTS },
  { kernel: "leaky_relu", fn: "leakyRelu16", slots: INPUT_OUTPUT_SLOTS },
];

export const ACTIVATION_TYPES = { LEAKY_RELU: INT16 };

export const OPCODES: Record<string, LowerOp> = { LEAKY_RELU: lowerLeakyRelu };

/** Each output element is written after its own input elements are read (compiler/ops/inplace.ts). */
export const IN_PLACE: Record<string, InPlaceHook> = { LEAKY_RELU: elementwiseInPlace };

export const NOTES: Record<string, string> = {
  LEAKY_RELU: "int8, per-tensor, any alpha (also negative or > 1); requantizes both branches to the output; int16 the same way, clamped to int16 (leakyRelu16).",
};

/** What is left against TFLite Micro (docs/operators.md). */
export const LEFT: Record<string, string> = {
  LEAKY_RELU: "float32.",
};
