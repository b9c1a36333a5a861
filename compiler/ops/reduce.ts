/**
 * @fileoverview Lowers MEAN and SUM (int8) to one call of kernels/reduce.ts, doing TFLite Micro's
 * PrepareMeanOrSumHelper (micro/kernels/reduce_common.cc) at compile time and the shape and
 * multiplier work its Eval does before the loop (reference_ops::QuantizedMeanOrSum in
 * kernels/internal/reference/reduce.h):
 * - the axis tensor must be a constant int32 tensor; axes are resolved as ResolveAxis does
 *   (negative + rank, duplicates dropped); out-of-range axes are an error;
 * - multiplier and shift = QuantizeMultiplier(double(input scale) / double(output scale));
 * - MEAN (int8 always takes QuantizedMeanOrSum at this TFLM commit, whatever the axes) folds
 *   1/count into them: s = min(floor(log2 count), 32, 31 + shift), multiplier =
 *   (int64(multiplier) << s) / count (truncating), shift -= s; SUM keeps them as they are;
 * - dimensions are merged into at most four alternating kept/reduced groups for the kernel.
 */
import type { Graph, Op, Tensor } from "../ir/graph.ts";
import type { ReduceParams } from "../../kernels/reduce.ts";
import {
  boolOption, inputTensor, int32Values, opError, outputTensor, product, requireConstant, requireDType, tensorQuant,
} from "./operands.ts";
import { quantizeMultiplier } from "./quant.ts";
import type { KernelCall, LowerOp } from "./types.ts";
import { INPUT_OUTPUT_SLOTS, kernelCall, type KernelContract } from "./contract.ts";
import { INT16 } from "./int16.ts";

/**
 * The MEAN multiplier of QuantizedMeanOrSum: 1/count folded into (multiplier, shift), in int64
 * arithmetic exactly as TFLM does it at run time.
 */
export function foldMeanCount(multiplier: number, shift: number, count: number): { multiplier: number; shift: number } {
  // 63 - CountLeadingZeros(uint64(count)) = floor(log2(count)); count < 2^31 here.
  let s = 31 - Math.clz32(count);
  s = Math.min(s, 32);
  s = Math.min(s, 31 + shift);
  const m = (BigInt(multiplier) << BigInt(s)) / BigInt(count);
  return { multiplier: Number(BigInt.asIntN(32, m)), shift: shift - s };
}

function lowerReduce(graph: Graph, op: Op, isMean: boolean): KernelCall[] {
  const input = inputTensor(graph, op, 0, "input");
  const axisT = inputTensor(graph, op, 1, "axis");
  const output = outputTensor(graph, op, 0, "output");
  requireDType(graph, op, input, "input", "int8", "int16");
  requireDType(graph, op, output, "output", input.dtype);
  requireDType(graph, op, axisT, "axis", "int32");
  requireConstant(graph, op, axisT, "axis");
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
    opError(
      graph, op,
      `output shape [${output.shape.join(", ")}] does not match reducing [${shape.join(", ")}] over axes ` +
        `[${reduced.flatMap((r, i) => (r ? [i] : [])).join(", ")}] with keep_dims=${keepDims} (expected [${expected.join(", ")}])`,
    );
  }

  // Merge neighbouring dimensions with the same role; size-1 dimensions play no role.
  const groups: { size: number; reduced: boolean }[] = [];
  shape.forEach((d, i) => {
    if (d === 1) return;
    const last = groups[groups.length - 1];
    if (last !== undefined && last.reduced === reduced[i]) last.size *= d;
    else groups.push({ size: d, reduced: reduced[i] });
  });
  if (groups.length > 4) {
    opError(graph, op, `reducing [${shape.join(", ")}] over these axes needs ${groups.length} alternating kept/reduced dimension groups; Mote supports at most 4`);
  }
  while (groups.length < 4) groups.unshift({ size: 1, reduced: false });
  const count = product(shape.filter((_, i) => reduced[i]));
  if (product(shape) > 0x7fffffff) opError(graph, op, "input has more than 2^31-1 elements");

  const inQ = tensorQuant(graph, op, input, "input");
  const outQ = tensorQuant(graph, op, output, "output");
  let q = quantizeMultiplier(inQ.scale / outQ.scale);
  if (isMean) q = foldMeanCount(q.multiplier, q.shift, count);

  const params: ReduceParams = {
    d0: groups[0].size, d1: groups[1].size, d2: groups[2].size, d3: groups[3].size,
    r0: groups[0].reduced ? 1 : 0, r1: groups[1].reduced ? 1 : 0, r2: groups[2].reduced ? 1 : 0, r3: groups[3].reduced ? 1 : 0,
    count,
    inputZeroPoint: inQ.zeroPoint,
    outputZeroPoint: outQ.zeroPoint,
    multiplier: q.multiplier,
    shift: q.shift,
  };
  return [kernelCall("reduce", input.dtype === "int16" ? "reduceMeanSum16" : "reduceMeanSum", INPUT_OUTPUT_SLOTS, params, {
    input: { kind: "tensor", tensor: input.index },
    output: { kind: "tensor", tensor: output.index },
  }, 0)];
}

export const lowerMean: LowerOp = (graph, op) => lowerReduce(graph, op, true);
export const lowerSum: LowerOp = (graph, op) => lowerReduce(graph, op, false);

export const CONTRACTS: KernelContract[] = [
  { kernel: "reduce", fn: "reduceMeanSum", slots: INPUT_OUTPUT_SLOTS },
  { kernel: "reduce", fn: "reduceMeanSum16", slots: INPUT_OUTPUT_SLOTS },
];

export const ACTIVATION_TYPES = { MEAN: INT16, SUM: INT16 };

export const OPCODES: Record<string, LowerOp> = { MEAN: lowerMean, SUM: lowerSum };

const REDUCE_NOTE =
  "int8 input of any rank, constant int32 axes (negative and repeated axes allowed), keep_dims on or off, requantized to the output scale; at most 4 alternating kept/reduced dimension groups. int16: the same arithmetic clamped to int16 (reduceMeanSum16).";
export const NOTES: Record<string, string> = {
  MEAN: `${REDUCE_NOTE} The 1/count factor is folded into the multiplier as TFLite Micro's QuantizedMeanOrSum does.`,
  SUM: REDUCE_NOTE,
};

/** What is left against TFLite Micro (docs/operators.md). */
export const LEFT: Record<string, string> = {
  MEAN: "float32.",
  SUM: "float32.",
};
