/**
 * @fileoverview Lowers MUL (int8, or int16 with zero points 0) to one call of kernels/mul.ts, doing TFLite Micro's
 * CalculateOpDataMul at compile time: one multiplier from input1 scale * input2 scale / output
 * scale in double (QuantizeMultiplier, either shift sign), the zero points as offsets, the
 * activation clamp, and the broadcast loops of compiler/ops/broadcast.ts.
 */
import type { Graph, Op } from "../ir/graph.ts";
import type { MulParams } from "../../kernels/mul.ts";
import { activationRange } from "./activation.ts";
import { planBroadcast } from "./broadcast.ts";
import { activationOption, inputTensor, opError, outputTensor, requireDType, tensorQuant } from "./operands.ts";
import { quantizeMultiplier } from "./quant.ts";
import type { KernelCall, LowerOp } from "./types.ts";
import type { InPlaceHook } from "../ir/hooks.ts";
import { elementwiseInPlace } from "./inplace.ts";
import { INT16 } from "./int16.ts";
import { BINARY_SLOTS, kernelCall, type KernelContract } from "./contract.ts";

export function lowerMul(graph: Graph, op: Op): KernelCall[] {
  const input1 = inputTensor(graph, op, 0, "input1");
  const input2 = inputTensor(graph, op, 1, "input2");
  const output = outputTensor(graph, op, 0, "output");
  const dtype = input1.dtype === "int16" ? "int16" : "int8";
  requireDType(graph, op, input1, "input1", "int8", "int16");
  requireDType(graph, op, input2, "input2", dtype);
  requireDType(graph, op, output, "output", dtype);
  const q1 = tensorQuant(graph, op, input1, "input1");
  const q2 = tensorQuant(graph, op, input2, "input2");
  const qo = tensorQuant(graph, op, output, "output");
  for (const [role, q] of [["input1", q1], ["input2", q2], ["output", qo]] as const) {
    if (!(q.scale > 0)) opError(graph, op, `${role} scale ${q.scale} must be positive`);
  }
  if (dtype === "int16" && (q1.zeroPoint !== 0 || q2.zeroPoint !== 0 || qo.zeroPoint !== 0)) {
    opError(graph, op, "int16 MUL needs zero point 0 on both inputs and the output (TFLite Micro checks it)");
  }
  const activation = activationOption(graph, op);
  const loops = planBroadcast(graph, op, input1, input2, output);

  // mul_common.cc: double(in1) * double(in2) / double(out), left to right.
  const real = (q1.scale * q2.scale) / qo.scale;
  const m = quantizeMultiplier(real);
  if (m.shift > 30) {
    opError(graph, op, `the multiplier input1 scale * input2 scale / output scale = ${real} is too large (TFLite Micro allows a left shift of at most 30)`);
  }
  const act = activationRange(activation, qo.scale, qo.zeroPoint, dtype);

  const params: MulParams = {
    ...loops,
    input1Offset: -q1.zeroPoint,
    input2Offset: -q2.zeroPoint,
    outputOffset: qo.zeroPoint,
    outputMultiplier: m.multiplier,
    outputShift: m.shift,
    actMin: act.min,
    actMax: act.max,
  };
  return [kernelCall("mul", dtype === "int16" ? "mul16" : "mul", BINARY_SLOTS, params, {
    input1: { kind: "tensor", tensor: input1.index },
    input2: { kind: "tensor", tensor: input2.index },
    output: { kind: "tensor", tensor: output.index },
  }, 0)];
}

export const CONTRACTS: KernelContract[] = [
  { kernel: "mul", fn: "mul", slots: BINARY_SLOTS },
  { kernel: "mul", fn: "mul16", slots: BINARY_SLOTS },
];

export const ACTIVATION_TYPES = { MUL: INT16 };

export const OPCODES: Record<string, LowerOp> = { MUL: lowerMul };

/** Each output element is written after its own input elements are read (compiler/ops/inplace.ts). */
export const IN_PLACE: Record<string, InPlaceHook> = { MUL: elementwiseInPlace };

export const NOTES: Record<string, string> = {
  MUL:
    "int8 (per-tensor quantization), runtime or constant operands, broadcasting of any shapes that reduce to 4 loops (all shapes up to rank 4, scalars, two-sided), fused NONE/RELU/RELU6/RELU_N1_TO_1; same-shape operands take a flat fast path. int16 (zero points 0): the same arithmetic (mul16).",
};

/** What is left against TFLite Micro (docs/operators.md). */
export const LEFT: Record<string, string> = {
  MUL: "int32 and float32.",
};
