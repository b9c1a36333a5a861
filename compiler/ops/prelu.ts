/**
 * @fileoverview Lowers PRELU (int8 input, int8 alpha, int8 output) to kernels/prelu.ts, doing
 * TFLite Micro's PreluPrepare / CalculatePreluParams (micro/kernels/prelu_common.cc at 90b983c2)
 * at compile time: QuantizeMultiplier of double(input scale) / double(output scale) and of
 * double(input scale) * double(alpha scale) / double(output scale), the three offsets, and the
 * broadcast of alpha against the input (compiler/ops/broadcast.ts; BroadcastPrelu4DSlow). alpha
 * is usually a constant [1, 1, C] tensor but may be any int8 tensor that broadcasts.
 */
import type { Graph, Op } from "../ir/graph.ts";
import type { PreluParams } from "../../kernels/prelu.ts";
import { planBroadcast } from "./broadcast.ts";
import { inputTensor, opError, outputTensor, requireDType, tensorQuant } from "./operands.ts";
import { quantizeMultiplier, type QuantizedMultiplier } from "./quant.ts";
import type { KernelCall, LowerOp } from "./types.ts";
import type { InPlaceHook } from "../ir/hooks.ts";
import { elementwiseInPlace } from "./inplace.ts";
import { kernelCall, type KernelContract } from "./contract.ts";

/** kernels/prelu.ts's array parameters, in order. */
export const PRELU_SLOTS = ["input", "alpha", "output"] as const;

export function lowerPrelu(graph: Graph, op: Op): KernelCall[] {
  if (op.inputs.length !== 2 || op.outputs.length !== 1) {
    opError(graph, op, `expected 2 inputs (input, alpha) and 1 output, got ${op.inputs.length} and ${op.outputs.length}`);
  }
  const input = inputTensor(graph, op, 0, "input");
  const alpha = inputTensor(graph, op, 1, "alpha");
  const output = outputTensor(graph, op, 0, "output");
  requireDType(graph, op, input, "input", "int8");
  requireDType(graph, op, alpha, "alpha", "int8");
  requireDType(graph, op, output, "output", "int8");
  const inQ = tensorQuant(graph, op, input, "input");
  const alphaQ = tensorQuant(graph, op, alpha, "alpha");
  const outQ = tensorQuant(graph, op, output, "output");
  const bc = planBroadcast(graph, op, input, alpha, output);

  const q1 = quantizeMultiplier(inQ.scale / outQ.scale);
  const q2 = quantizeMultiplier((inQ.scale * alphaQ.scale) / outQ.scale);
  const check = (q: QuantizedMultiplier, what: string): void => {
    if (q.shift > 31) opError(graph, op, `the ${what} multiplier is too large (shift ${q.shift} > 31)`);
  };
  check(q1, "input/output");
  check(q2, "input*alpha/output");
  const params: PreluParams = {
    ...bc,
    inputOffset: -inQ.zeroPoint,
    alphaOffset: -alphaQ.zeroPoint,
    outputOffset: outQ.zeroPoint,
    multiplier1: q1.multiplier,
    shift1: q1.shift,
    multiplier2: q2.multiplier,
    shift2: q2.shift,
  };
  return [kernelCall("prelu", "prelu", PRELU_SLOTS, params, {
    input: { kind: "tensor", tensor: input.index },
    alpha: { kind: "tensor", tensor: alpha.index },
    output: { kind: "tensor", tensor: output.index },
  }, 0)];
}

export const CONTRACTS: KernelContract[] = [{ kernel: "prelu", fn: "prelu", slots: PRELU_SLOTS }];

export const OPCODES: Record<string, LowerOp> = { PRELU: lowerPrelu };

/** Each output element is written after its own input elements are read (compiler/ops/inplace.ts). */
export const IN_PLACE: Record<string, InPlaceHook> = { PRELU: elementwiseInPlace };

export const NOTES: Record<string, string> = {
  PRELU:
    "int8 input, alpha and output, per-tensor quantization; alpha (constant or not) broadcasts against the input in patterns that reduce to four loops (any shapes of rank <= 4); int16 is not supported.",
};
