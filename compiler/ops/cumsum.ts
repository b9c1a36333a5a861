/**
 * @fileoverview Lowers CUMSUM (int8) to kernels/cumsum.ts, doing TFLite Micro's CalculateOpData
 * (micro/kernels/cumsum.cc at 90b983c2) at compile time: a constant int32 axis of one element
 * (negative + rank), input and output of the same shape, left shift 20, input multiplier
 * scale / (2 * scale) and output multiplier 2 * input scale / (2^20 * output scale), both
 * QuantizeMultiplierSmallerThanOneExp in double; options exclusive and reverse. float32 takes
 * cumsumFloat (the quantization fields unused).
 */
import type { DType, Graph, Op } from "../ir/graph.ts";
import type { CumsumParams } from "../../kernels/cumsum.ts";
import {
  boolOption, inputTensor, int32Values, opError, outputTensor, product, requireConstant, requireDType, tensorQuant,
} from "./operands.ts";
import { smallerThanOneExp } from "./smaller_than_one.ts";
import { INPUT_OUTPUT_SLOTS, kernelCall, type KernelContract } from "./contract.ts";
import type { KernelCall, LowerOp } from "./types.ts";

const LEFT_SHIFT = 20;

export function lowerCumsum(graph: Graph, op: Op): KernelCall[] {
  const input = inputTensor(graph, op, 0, "input");
  const axisT = inputTensor(graph, op, 1, "axis");
  const output = outputTensor(graph, op, 0, "output");
  const float = input.dtype === "float32";
  requireDType(graph, op, input, "input", "int8", "float32");
  requireDType(graph, op, output, "output", input.dtype);
  requireDType(graph, op, axisT, "axis", "int32");
  requireConstant(graph, op, axisT, "axis");
  const axes = int32Values(axisT);
  if (axes.length !== 1) opError(graph, op, `the axis tensor has ${axes.length} elements; TFLite Micro requires exactly 1`);
  const shape = input.shape;
  const rank = shape.length;
  if (rank < 1) opError(graph, op, "input must have rank >= 1");
  if (output.shape.length !== rank || output.shape.some((d, i) => d !== shape[i])) {
    opError(graph, op, `input shape [${shape.join(", ")}] and output shape [${output.shape.join(", ")}] differ`);
  }
  const axis = axes[0] < 0 ? axes[0] + rank : axes[0];
  if (axis < 0 || axis >= rank) opError(graph, op, `axis ${axes[0]} is out of range for input rank ${rank}`);
  const inQ = float ? { scale: 1, zeroPoint: 0 } : tensorQuant(graph, op, input, "input");
  const outQ = float ? { scale: 1, zeroPoint: 0 } : tensorQuant(graph, op, output, "output");
  const twiceMax = 2 * inQ.scale;
  const none = { multiplier: 0, shift: 0 };
  const mi = float ? none : smallerThanOneExp(graph, op, inQ.scale / twiceMax, "input");
  const mo = float ? none : smallerThanOneExp(graph, op, twiceMax / ((1 << LEFT_SHIFT) * outQ.scale), "output");
  const params: CumsumParams = {
    inner: product(shape.slice(0, axis)), depth: shape[axis], outer: product(shape.slice(axis + 1)),
    exclusive: boolOption(op, "exclusive") ? 1 : 0, reverse: boolOption(op, "reverse") ? 1 : 0,
    leftShift: LEFT_SHIFT, inputOffset: -inQ.zeroPoint, outputOffset: outQ.zeroPoint,
    inputMultiplier: mi.multiplier, inputShift: mi.shift, outputMultiplier: mo.multiplier, outputShift: mo.shift,
  };
  return [kernelCall("cumsum", float ? "cumsumFloat" : "cumsum", INPUT_OUTPUT_SLOTS, params, {
    input: { kind: "tensor", tensor: input.index },
    output: { kind: "tensor", tensor: output.index },
  }, 0)];
}

export const CONTRACTS: KernelContract[] = [
  { kernel: "cumsum", fn: "cumsum", slots: INPUT_OUTPUT_SLOTS },
  { kernel: "cumsum", fn: "cumsumFloat", slots: INPUT_OUTPUT_SLOTS },
];

export const ACTIVATION_TYPES: Record<string, readonly DType[]> = { CUMSUM: ["float32"] };

export const OPCODES: Record<string, LowerOp> = { CUMSUM: lowerCumsum };

export const NOTES: Record<string, string> = {
  CUMSUM: "int8 of any rank along one constant axis (negative allowed), exclusive and reverse, requantized to the output scale as TFLite Micro does (its running sum starts from the rescaled input offset); float32 as TFLite Micro's f32 running sum.",
};
