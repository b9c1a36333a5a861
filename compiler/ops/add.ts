/**
 * @fileoverview Lowers ADD and SUB (int8) to one call of kernels/add.ts, doing TFLite Micro's
 * CalculateOpDataAdd / CalculateOpDataSub at compile time: offsets (-input zero points, output
 * zero point), left shift 20 (15 for int16: add16), each input rescaled to twice the larger input scale and the sum
 * rescaled to the output (QuantizeMultiplierSmallerThanOneExp: every multiplier must be in
 * (0, 1)), activation clamp, and the broadcast loops of compiler/ops/broadcast.ts.
 *
 * The two prepares differ in precision and it shows in the last bit of a multiplier:
 * add_common.cc computes the ratios in double; sub_common.cc computes twice the larger scale and
 * every ratio in float32 and only then widens to double. Both are reproduced here.
 */
import type { Graph, Op } from "../ir/graph.ts";
import { SUBTRACT_INPUT2, SUBTRACT_NONE, type AddParams } from "../../kernels/add.ts";
import { activationRange } from "./activation.ts";
import { planBroadcast } from "./broadcast.ts";
import { activationOption, inputTensor, opError, outputTensor, requireDType, tensorQuant } from "./operands.ts";
import { quantizeMultiplier, type QuantizedMultiplier } from "./quant.ts";
import { kernelCall, type KernelContract } from "./contract.ts";
import type { KernelCall, LowerOp } from "./types.ts";
import type { InPlaceHook } from "../ir/hooks.ts";
import { elementwiseInPlace } from "./inplace.ts";
import { INT16 } from "./int16.ts";

/** kernels/add.ts's array parameters, in order. */
export const ADD_SLOTS = ["input1", "input2", "output"] as const;

export const CONTRACTS: KernelContract[] = [
  { kernel: "add", fn: "add", slots: ADD_SLOTS },
  { kernel: "add", fn: "add16", slots: ADD_SLOTS },
];

/** QuantizeMultiplierSmallerThanOneExp: TFLM fails Prepare unless 0 < real < 1 and shift <= 0. */
function smallerThanOne(graph: Graph, op: Op, real: number, what: string): QuantizedMultiplier {
  if (!(real > 0 && real < 1)) {
    opError(graph, op, `the ${what} multiplier ${real} is not in (0, 1) (TFLite Micro requires it; check the tensors' scales)`);
  }
  const q = quantizeMultiplier(real);
  if (q.shift > 0) opError(graph, op, `the ${what} multiplier ${real} rounds to 1.0 (TFLite Micro requires less than 1)`);
  return q;
}

function lowerAddSub(graph: Graph, op: Op, subtract: boolean): KernelCall[] {
  const input1 = inputTensor(graph, op, 0, "input1");
  const input2 = inputTensor(graph, op, 1, "input2");
  const output = outputTensor(graph, op, 0, "output");
  // int16 (16x8 models) runs the same arithmetic with a left shift of 15 (add16).
  const dtype = input1.dtype === "int16" ? "int16" : "int8";
  requireDType(graph, op, input1, "input1", "int8", "int16");
  requireDType(graph, op, input2, "input2", dtype);
  requireDType(graph, op, output, "output", dtype);
  const LEFT_SHIFT = dtype === "int16" ? 15 : 20;
  const q1 = tensorQuant(graph, op, input1, "input1");
  const q2 = tensorQuant(graph, op, input2, "input2");
  const qo = tensorQuant(graph, op, output, "output");
  for (const [role, q] of [["input1", q1], ["input2", q2], ["output", qo]] as const) {
    if (!(q.scale > 0)) opError(graph, op, `${role} scale ${q.scale} must be positive`);
  }
  const activation = activationOption(graph, op);
  const loops = planBroadcast(graph, op, input1, input2, output);

  let real1: number;
  let real2: number;
  let realOut: number;
  if (subtract) {
    // sub_common.cc: float twice_max, float ratios, then static_cast<double>.
    const twiceMax = Math.fround(2 * Math.max(q1.scale, q2.scale));
    real1 = Math.fround(q1.scale / twiceMax);
    real2 = Math.fround(q2.scale / twiceMax);
    realOut = Math.fround(twiceMax / Math.fround((1 << LEFT_SHIFT) * qo.scale));
  } else {
    // add_common.cc: double throughout.
    const twiceMax = 2 * Math.max(q1.scale, q2.scale);
    real1 = q1.scale / twiceMax;
    real2 = q2.scale / twiceMax;
    realOut = twiceMax / ((1 << LEFT_SHIFT) * qo.scale);
  }
  const m1 = smallerThanOne(graph, op, real1, "input1");
  const m2 = smallerThanOne(graph, op, real2, "input2");
  const mo = smallerThanOne(graph, op, realOut, "output");
  const act = activationRange(activation, qo.scale, qo.zeroPoint, dtype);

  const params: AddParams = {
    subtract: subtract ? SUBTRACT_INPUT2 : SUBTRACT_NONE,
    ...loops,
    leftShift: LEFT_SHIFT,
    input1Offset: -q1.zeroPoint,
    input2Offset: -q2.zeroPoint,
    outputOffset: qo.zeroPoint,
    input1Multiplier: m1.multiplier,
    input1Shift: m1.shift,
    input2Multiplier: m2.multiplier,
    input2Shift: m2.shift,
    outputMultiplier: mo.multiplier,
    outputShift: mo.shift,
    actMin: act.min,
    actMax: act.max,
  };
  return [kernelCall("add", dtype === "int16" ? "add16" : "add", ADD_SLOTS, params, {
    input1: { kind: "tensor", tensor: input1.index },
    input2: { kind: "tensor", tensor: input2.index },
    output: { kind: "tensor", tensor: output.index },
  }, 0)];
}

export const lowerAdd: LowerOp = (graph, op) => lowerAddSub(graph, op, false);
export const lowerSub: LowerOp = (graph, op) => lowerAddSub(graph, op, true);

export const OPCODES: Record<string, LowerOp> = { ADD: lowerAdd, SUB: lowerSub };

export const ACTIVATION_TYPES = { ADD: INT16, SUB: INT16 };

/** Each output element is written after its own input elements are read (compiler/ops/inplace.ts). */
export const IN_PLACE: Record<string, InPlaceHook> = { ADD: elementwiseInPlace, SUB: elementwiseInPlace };

export const NOTES: Record<string, string> = {
  ADD:
    "int8 (per-tensor quantization, any scales whose output multiplier is below 1 as TFLite Micro requires), runtime or constant operands, broadcasting of any shapes that reduce to 4 loops (all shapes up to rank 4, scalars, two-sided), fused NONE/RELU/RELU6/RELU_N1_TO_1; same-shape operands take a flat fast path. int16: the same arithmetic with a left shift of 15 (TFLM's general-scale int16 path).",
  SUB:
    "int8 (per-tensor quantization, any scales whose output multiplier is below 1 as TFLite Micro requires), runtime or constant operands, broadcasting of any shapes that reduce to 4 loops (all shapes up to rank 4, scalars, two-sided), fused NONE/RELU/RELU6/RELU_N1_TO_1; same-shape operands take a flat fast path. int16: the same arithmetic with a left shift of 15 (TFLM's general-scale int16 path).",
};

/** What is left against TFLite Micro (docs/operators.md). */
export const LEFT: Record<string, string> = {
  ADD: "int32 and float32.",
  SUB: "int32 and float32.",
};
