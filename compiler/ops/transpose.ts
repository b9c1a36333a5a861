/**
 * @fileoverview Lowers TRANSPOSE (int8) to one call of kernels/transpose.ts, doing TFLite
 * Micro's TransposePrepare at compile time: rank 1 to 5, perm a constant int32 vector of the
 * input's rank with entries in [0, rank); output dimension K = input dimension perm[K]. Mote also
 * requires perm to be a permutation (no repeated axis). The rank is padded to 5 at the front.
 * TFLM does not compare quantization (it moves bytes), nor does Mote.
 */
import type { Graph, Op } from "../ir/graph.ts";
import type { TransposeParams } from "../../kernels/transpose.ts";
import { constInt32s, inputTensor, opError, outputTensor, requireDType } from "./operands.ts";
import type { KernelCall, LowerOp } from "./types.ts";
import { INPUT_OUTPUT_SLOTS, kernelCall, type KernelContract } from "./contract.ts";

const MAX_RANK = 5;

function lowerTranspose(graph: Graph, op: Op): KernelCall[] {
  if (op.inputs.length !== 2) opError(graph, op, `expects 2 inputs (input, perm), got ${op.inputs.length}`);
  const input = inputTensor(graph, op, 0, "input");
  const permT = inputTensor(graph, op, 1, "perm");
  const output = outputTensor(graph, op, 0, "output");
  requireDType(graph, op, input, "input", "int8");
  requireDType(graph, op, output, "output", "int8");
  const rank = input.shape.length;
  if (rank < 1 || rank > MAX_RANK) opError(graph, op, `input has rank ${rank}; TFLite Micro transposes tensors of rank 1 to ${MAX_RANK}`);
  if (permT.shape.length !== 1) opError(graph, op, `perm tensor ${permT.index} (${permT.name}) has shape [${permT.shape.join(", ")}]; expected a vector`);
  const perm = constInt32s(graph, op, permT, "perm", rank);
  if (perm.some((p) => p < 0 || p >= rank) || new Set(perm).size !== rank) {
    opError(graph, op, `perm [${perm.join(", ")}] is not a permutation of the ${rank} input axes`);
  }
  const expected = perm.map((p) => input.shape[p]);
  if (output.shape.length !== rank || expected.some((d, k) => d !== output.shape[k])) {
    opError(graph, op, `output has shape [${output.shape.join(", ")}]; perm [${perm.join(", ")}] of input [${input.shape.join(", ")}] gives [${expected.join(", ")}]`);
  }

  const inStride = input.shape.map((_, k) => input.shape.slice(k + 1).reduce((a, b) => a * b, 1));
  const ext = MAX_RANK - rank;
  const n = [...Array<number>(ext).fill(1), ...expected];
  const s = [...Array<number>(ext).fill(0), ...perm.map((p) => inStride[p])];
  const params: TransposeParams = {
    n0: n[0], n1: n[1], n2: n[2], n3: n[3], n4: n[4],
    s0: s[0], s1: s[1], s2: s[2], s3: s[3], s4: s[4],
  };
  return [kernelCall("transpose", "transpose", INPUT_OUTPUT_SLOTS, params, {
    input: { kind: "tensor", tensor: input.index },
    output: { kind: "tensor", tensor: output.index },
  }, 0)];
}

export const CONTRACTS: KernelContract[] = [{ kernel: "transpose", fn: "transpose", slots: INPUT_OUTPUT_SLOTS }];

export const OPCODES: Record<string, LowerOp> = { TRANSPOSE: lowerTranspose };

export const NOTES: Record<string, string> = {
  TRANSPOSE: "int8, rank 1 to 5, constant int32 perm (a permutation of the input axes).",
};
