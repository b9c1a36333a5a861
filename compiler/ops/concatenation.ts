/**
 * @fileoverview Lowers CONCATENATION (int8) to one call of kernels/concatenation.ts per input,
 * doing TFLite Micro's ConcatenationPrepare at compile time: 1 to 10 inputs of the output's rank
 * (at most 6), no fused activation, axis negative counting from the end, every input's scale
 * and zero point equal to the output's (TFLM does not requantize int8), and the shape checks of
 * reference_ops::Concatenation (dims other than the axis match, axis sizes sum to the output's).
 */
import type { Graph, Op } from "../ir/graph.ts";
import type { ConcatenationParams } from "../../kernels/concatenation.ts";
import { inputTensor, intOption, opError, outputTensor, product, requireDType, tensorQuant } from "./operands.ts";
import type { KernelCall, LowerOp } from "./types.ts";
import { INPUT_OUTPUT_SLOTS, kernelCall, type KernelContract } from "./contract.ts";
import { INT16 } from "./int16.ts";

const MAX_INPUTS = 10;
const MAX_RANK = 6;

function lowerConcatenation(graph: Graph, op: Op): KernelCall[] {
  const count = op.inputs.length;
  if (count < 1 || count > MAX_INPUTS) opError(graph, op, `has ${count} inputs; TFLite Micro concatenates 1 to ${MAX_INPUTS}`);
  const output = outputTensor(graph, op, 0, "output");
  requireDType(graph, op, output, "output", "int8", "int16");
  // int16 (zero points 0, scales free: TFLM copies raw values) is the same copy over int16 (concatenation16).
  const int16 = output.dtype === "int16";
  const act = op.options["fusedActivationFunction"] ?? "NONE";
  if (act !== "NONE") opError(graph, op, `fused activation ${String(act)} is not supported (TFLite Micro requires NONE)`);
  const rank = output.shape.length;
  if (rank < 1 || rank > MAX_RANK) opError(graph, op, `output has rank ${rank}; supported ranks are 1 to ${MAX_RANK}`);
  const rawAxis = intOption(graph, op, "axis", 0);
  const axis = rawAxis < 0 ? rawAxis + rank : rawAxis;
  if (axis < 0 || axis >= rank) opError(graph, op, `axis ${rawAxis} is out of range for rank ${rank}`);
  const outQ = tensorQuant(graph, op, output, "output");

  const inputs = op.inputs.map((_, i) => inputTensor(graph, op, i, `input ${i}`));
  let axisTotal = 0;
  for (const [i, t] of inputs.entries()) {
    requireDType(graph, op, t, `input ${i}`, output.dtype);
    const q = tensorQuant(graph, op, t, `input ${i}`);
    if (int16) {
      if (q.zeroPoint !== 0 || outQ.zeroPoint !== 0) opError(graph, op, `int16 input ${i} and the output need zero point 0 (TFLite Micro checks it)`);
    } else if (q.scale !== outQ.scale || q.zeroPoint !== outQ.zeroPoint) {
      opError(
        graph, op,
        `input ${i} quantization (scale ${q.scale}, zero point ${q.zeroPoint}) differs from the output's (scale ${outQ.scale}, zero point ${outQ.zeroPoint}); TFLite Micro requires int8 inputs and output to share quantization`,
      );
    }
    const ok = t.shape.length === rank && t.shape.every((d, j) => j === axis || d === output.shape[j]);
    if (!ok) {
      opError(graph, op, `input ${i} [${t.shape.join(", ")}] does not match output [${output.shape.join(", ")}] outside axis ${axis}`);
    }
    axisTotal += t.shape[axis];
  }
  if (axisTotal !== output.shape[axis]) {
    opError(graph, op, `inputs add up to ${axisTotal} along axis ${axis}, but the output has ${output.shape[axis]}`);
  }

  const outer = product(output.shape.slice(0, axis));
  const inner = product(output.shape.slice(axis + 1));
  const outStride = output.shape[axis] * inner;
  let outOffset = 0;
  return inputs.map((t): KernelCall => {
    const copy = t.shape[axis] * inner;
    const params: ConcatenationParams = { outer, copy, outStride, outOffset };
    outOffset += copy;
    return kernelCall("concatenation", int16 ? "concatenation16" : "concatenation", INPUT_OUTPUT_SLOTS, params, {
      input: { kind: "tensor", tensor: t.index },
      output: { kind: "tensor", tensor: output.index },
    }, 0);
  });
}

export const CONTRACTS: KernelContract[] = [
  { kernel: "concatenation", fn: "concatenation", slots: INPUT_OUTPUT_SLOTS },
  { kernel: "concatenation", fn: "concatenation16", slots: INPUT_OUTPUT_SLOTS },
];

export const OPCODES: Record<string, LowerOp> = { CONCATENATION: lowerConcatenation };

export const ACTIVATION_TYPES = { CONCATENATION: INT16 };

export const NOTES: Record<string, string> = {
  CONCATENATION: "int8, 1 to 10 inputs of rank 1 to 6 along any axis (negative counts from the end), no fused activation; inputs must share the output's scale and zero point (no requantization, as in TFLite Micro). int16: zero points 0, scales free (raw values are copied, as TFLite Micro does), the same copy over int16 elements.",
};

/** What is left against TFLite Micro (docs/operators.md). */
export const LEFT: Record<string, string> = {
  CONCATENATION: "int32, int64, bool and float32 (TFLite Micro copies them too).",
};
