/**
 * @fileoverview Lowers REDUCE_MAX and REDUCE_MIN (int8) to kernels/reduce_max_min.ts, with TFLite
 * Micro's checks (micro/kernels/reduce_common.cc PrepareMinMaxHelper / EvalMinMaxHelper at
 * 90b983c2): a constant int32 axis tensor, input and output int8 with the same scale and zero
 * point (TFLM fails otherwise); axes resolved as ResolveAxis (negative + rank, duplicates
 * dropped), keep_dims on or off, dimensions merged into at most four kept/reduced groups. float32
 * (no quantization) takes reduceMaxMinFloat.
 */
import type { DType, Graph, Op } from "../ir/graph.ts";
import { REDUCE_MAX, REDUCE_MIN, type ReduceMaxMinParams } from "../../kernels/reduce_max_min.ts";
import {
  boolOption, inputTensor, int32Values, opError, outputTensor, requireConstant, requireDType, tensorQuant,
} from "./operands.ts";
import { INPUT_OUTPUT_SLOTS, kernelCall, type KernelContract } from "./contract.ts";
import type { KernelCall, LowerOp } from "./types.ts";

/** The four (extent, reduced) groups of reducing `shape` over the `reduced` flags; undefined when > 4. */
export function reduceGroups(shape: readonly number[], reduced: readonly boolean[]): { size: number; reduced: boolean }[] | undefined {
  const groups: { size: number; reduced: boolean }[] = [];
  shape.forEach((d, i) => {
    if (d === 1) return;
    const last = groups[groups.length - 1];
    if (last !== undefined && last.reduced === reduced[i]) last.size *= d;
    else groups.push({ size: d, reduced: reduced[i] });
  });
  if (groups.length > 4) return undefined;
  while (groups.length < 4) groups.unshift({ size: 1, reduced: false });
  return groups;
}

function lowerReduceMaxMin(graph: Graph, op: Op, isMax: boolean): KernelCall[] {
  const input = inputTensor(graph, op, 0, "input");
  const axisT = inputTensor(graph, op, 1, "axis");
  const output = outputTensor(graph, op, 0, "output");
  const float = input.dtype === "float32";
  requireDType(graph, op, input, "input", "int8", "float32");
  requireDType(graph, op, output, "output", input.dtype);
  requireDType(graph, op, axisT, "axis", "int32");
  requireConstant(graph, op, axisT, "axis");
  if (!float) {
    const inQ = tensorQuant(graph, op, input, "input");
    const outQ = tensorQuant(graph, op, output, "output");
    if (Math.fround(inQ.scale) !== Math.fround(outQ.scale) || inQ.zeroPoint !== outQ.zeroPoint) {
      opError(graph, op, `input and output quantization differ (scale ${inQ.scale} / ${outQ.scale}, zero point ${inQ.zeroPoint} / ${outQ.zeroPoint}); TFLite Micro requires them equal`);
    }
  }
  const keepDims = boolOption(op, "keepDims");
  const shape = input.shape;
  const rank = shape.length;
  if (shape.some((d) => d <= 0)) opError(graph, op, `input shape [${shape.join(", ")}] has an empty dimension`);
  const reduced = shape.map(() => false);
  for (const a of int32Values(axisT)) {
    const axis = a < 0 ? a + rank : a;
    if (axis < 0 || axis >= rank) opError(graph, op, `axis ${a} is out of range for input rank ${rank}`);
    reduced[axis] = true;
  }
  const expected = keepDims ? shape.map((d, i) => (reduced[i] ? 1 : d)) : shape.filter((_, i) => !reduced[i]);
  if (output.shape.length !== expected.length || output.shape.some((d, i) => d !== expected[i])) {
    opError(graph, op, `output shape [${output.shape.join(", ")}] does not match the reduction (expected [${expected.join(", ")}])`);
  }
  const groups = reduceGroups(shape, reduced);
  if (groups === undefined) opError(graph, op, `reducing [${shape.join(", ")}] over these axes needs more than 4 alternating kept/reduced dimension groups; Mote supports at most 4`);
  const params: ReduceMaxMinParams = {
    isMax: isMax ? REDUCE_MAX : REDUCE_MIN,
    d0: groups[0].size, d1: groups[1].size, d2: groups[2].size, d3: groups[3].size,
    r0: groups[0].reduced ? 1 : 0, r1: groups[1].reduced ? 1 : 0, r2: groups[2].reduced ? 1 : 0, r3: groups[3].reduced ? 1 : 0,
  };
  return [kernelCall("reduce_max_min", float ? "reduceMaxMinFloat" : "reduceMaxMin", INPUT_OUTPUT_SLOTS, params, {
    input: { kind: "tensor", tensor: input.index },
    output: { kind: "tensor", tensor: output.index },
  }, 0)];
}

export const CONTRACTS: KernelContract[] = [
  { kernel: "reduce_max_min", fn: "reduceMaxMin", slots: INPUT_OUTPUT_SLOTS },
  { kernel: "reduce_max_min", fn: "reduceMaxMinFloat", slots: INPUT_OUTPUT_SLOTS },
];

export const ACTIVATION_TYPES: Record<string, readonly DType[]> = { REDUCE_MAX: ["float32"], REDUCE_MIN: ["float32"] };

export const OPCODES: Record<string, LowerOp> = {
  REDUCE_MAX: (graph, op) => lowerReduceMaxMin(graph, op, true),
  REDUCE_MIN: (graph, op) => lowerReduceMaxMin(graph, op, false),
};

const NOTE = "int8 of any rank, constant int32 axes (negative and repeated allowed), keep_dims on or off; input and output quantization must be equal (TFLite Micro's requirement); at most 4 alternating kept/reduced dimension groups. float32 as TFLite Micro (from -FLT_MAX / FLT_MAX, strict comparisons).";
export const NOTES: Record<string, string> = { REDUCE_MAX: NOTE, REDUCE_MIN: NOTE };
