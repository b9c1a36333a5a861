/**
 * @fileoverview Lowers PAD and PADV2 (int8) to one call of kernels/pad.ts, doing TFLite Micro's
 * PadPrepare at compile time: ranks 1..5 (padded to 5 at the front), paddings a constant int32
 * [rank, 2] tensor with output dim = input dim + left + right, pad value = the output zero point
 * (PAD) or PADV2's constant int8 scalar, whose scale and zero point must equal the output's.
 * Mote additionally requires the paddings to be non-negative and the pad value to be constant.
 */
import type { Graph, Op } from "../ir/graph.ts";
import type { PadParams } from "../../kernels/pad.ts";
import {
  constInt32s, inputTensor, opError, optionalInput, outputTensor, product, requireConstant, requireDType,
} from "./operands.ts";
import type { KernelCall, LowerOp } from "./types.ts";
import { INPUT_OUTPUT_SLOTS, kernelCall, type KernelContract } from "./contract.ts";

const MAX_RANK = 5;

function lowerPad(graph: Graph, op: Op): KernelCall[] {
  if (op.inputs.length < 2 || op.inputs.length > 3) {
    opError(graph, op, `expects 2 or 3 inputs (input, paddings[, constant value]), got ${op.inputs.length}`);
  }
  const input = inputTensor(graph, op, 0, "input");
  const paddingsT = inputTensor(graph, op, 1, "paddings");
  const valueT = optionalInput(graph, op, 2);
  const output = outputTensor(graph, op, 0, "output");
  requireDType(graph, op, input, "input", "int8");
  requireDType(graph, op, output, "output", "int8");
  const rank = input.shape.length;
  if (rank < 1 || rank > MAX_RANK) opError(graph, op, `input has rank ${rank}; Mote pads tensors of rank 1 to ${MAX_RANK}`);
  if (output.shape.length !== rank) {
    opError(graph, op, `output [${output.shape.join(", ")}] must have the rank of input [${input.shape.join(", ")}]`);
  }
  const paddings = constInt32s(graph, op, paddingsT, "paddings", 2 * rank);
  const lo: number[] = [];
  const hi: number[] = [];
  for (let k = 0; k < rank; k++) {
    const [left, right] = [paddings[2 * k], paddings[2 * k + 1]];
    if (left < 0 || right < 0) opError(graph, op, `paddings of dimension ${k} are (${left}, ${right}); negative paddings are not supported`);
    if (output.shape[k] !== input.shape[k] + left + right) {
      opError(graph, op, `output dimension ${k} is ${output.shape[k]}; input ${input.shape[k]} padded by (${left}, ${right}) gives ${input.shape[k] + left + right}`);
    }
    lo.push(left);
    hi.push(left + input.shape[k]);
  }

  const outZero = output.quant?.zeroPoint[0] ?? 0;
  let padValue: number;
  if (valueT === undefined) {
    if (outZero < -128 || outZero > 127) opError(graph, op, `output zero point ${outZero} is outside int8`);
    padValue = outZero;
  } else {
    requireDType(graph, op, valueT, "constant value", "int8");
    requireConstant(graph, op, valueT, "constant value");
    if (product(valueT.shape) !== 1 || valueT.data!.byteLength !== 1) {
      opError(graph, op, `constant value tensor ${valueT.index} (${valueT.name}) must hold exactly one int8 value`);
    }
    const vScale = valueT.quant?.scale[0] ?? 0;
    const vZero = valueT.quant?.zeroPoint[0] ?? 0;
    const outScale = output.quant?.scale[0] ?? 0;
    if (vScale !== outScale || vZero !== outZero) {
      opError(graph, op, `constant value quantization (scale ${vScale}, zero point ${vZero}) must equal the output's (scale ${outScale}, zero point ${outZero}) (TFLite Micro requires it)`);
    }
    padValue = new Int8Array(valueT.data!.buffer, valueT.data!.byteOffset, 1)[0];
  }

  // Extend to rank 5 at the front: size 1, no padding.
  const ext = MAX_RANK - rank;
  const d = [...Array<number>(ext).fill(1), ...output.shape];
  const l = [...Array<number>(ext).fill(0), ...lo];
  const h = [...Array<number>(ext).fill(1), ...hi];
  const params: PadParams = {
    d0: d[0], d1: d[1], d2: d[2], d3: d[3], d4: d[4],
    lo0: l[0], lo1: l[1], lo2: l[2], lo3: l[3], lo4: l[4],
    hi0: h[0], hi1: h[1], hi2: h[2], hi3: h[3], hi4: h[4],
    padValue,
  };
  return [kernelCall("pad", "pad", INPUT_OUTPUT_SLOTS, params, {
    input: { kind: "tensor", tensor: input.index },
    output: { kind: "tensor", tensor: output.index },
  }, 0)];
}

export const CONTRACTS: KernelContract[] = [{ kernel: "pad", fn: "pad", slots: INPUT_OUTPUT_SLOTS }];

export const OPCODES: Record<string, LowerOp> = { PAD: lowerPad, PADV2: lowerPad };

export const NOTES: Record<string, string> = {
  PAD: "int8, rank 1 to 5, constant non-negative int32 paddings [rank, 2]; pads with the output zero point.",
  PADV2: "int8, rank 1 to 5, constant non-negative int32 paddings [rank, 2]; pads with a constant int8 scalar quantized like the output.",
};
