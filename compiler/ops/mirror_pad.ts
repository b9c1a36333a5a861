/**
 * @fileoverview Lowers MIRROR_PAD (int8) to one call of the gather-by-index-table kernel
 * (kernels/gather.ts), resolving TFLite Micro's mirror_pad.cc GetInputDimension at compile time:
 * in REFLECT mode (offset 1) the edge element is not repeated, in SYMMETRIC mode (offset 0) it
 * is. Paddings are a constant int32 [rank, 2] tensor; each pad must be below the dimension (plus
 * one for SYMMETRIC), as TFLite requires. The table has one input offset per run of the trailing
 * unpadded dimensions.
 */
import type { Graph, Op } from "../ir/graph.ts";
import { constInt32s, inputTensor, intOption, opError, outputTensor, product, requireDType } from "./operands.ts";
import { gatherCall, requireShape, rowStrides } from "./movement.ts";
import type { KernelCall, LowerOp } from "./types.ts";

/** mirror_pad.cc GetInputDimension. */
export function mirrorIndex(padded: number, left: number, size: number, offset: number): number {
  if (padded < left) {
    const original = left + offset - 1;
    return original - Math.min(padded, original - offset);
  }
  let p = padded - left;
  if (p >= size) {
    p -= size;
    const original = size - (1 + offset);
    return original - Math.min(p, original);
  }
  return p;
}

function lowerMirrorPad(graph: Graph, op: Op): KernelCall[] {
  if (op.inputs.length !== 2) opError(graph, op, `expects 2 inputs (input, paddings), got ${op.inputs.length}`);
  const input = inputTensor(graph, op, 0, "input");
  const output = outputTensor(graph, op, 0, "output");
  requireDType(graph, op, input, "input", "int8");
  requireDType(graph, op, output, "output", "int8");
  const rank = input.shape.length;
  if (rank < 1) opError(graph, op, "input is a scalar");
  const pads = constInt32s(graph, op, inputTensor(graph, op, 1, "paddings"), "paddings", 2 * rank);
  const mode = intOption(graph, op, "mode", 0);
  if (mode !== 0 && mode !== 1) opError(graph, op, `mode ${mode} is neither REFLECT (0) nor SYMMETRIC (1)`);
  const offset = mode === 0 ? 1 : 0;
  for (let k = 0; k < rank; k++) {
    const limit = input.shape[k] - offset;
    if (pads[2 * k] < 0 || pads[2 * k + 1] < 0 || pads[2 * k] > limit || pads[2 * k + 1] > limit) {
      opError(graph, op, `paddings [${pads[2 * k]}, ${pads[2 * k + 1]}] of axis ${k} exceed ${limit} (${mode === 0 ? "REFLECT" : "SYMMETRIC"} on a dimension of size ${input.shape[k]})`);
    }
  }
  const outShape = input.shape.map((d, k) => d + pads[2 * k] + pads[2 * k + 1]);
  requireShape(graph, op, output, "output", outShape, `paddings [${pads.join(", ")}] of [${input.shape.join(", ")}]`);
  // Dimensions after the last padded one move as runs.
  let lead = rank;
  while (lead > 0 && pads[2 * (lead - 1)] === 0 && pads[2 * (lead - 1) + 1] === 0) lead--;
  const inner = product(input.shape.slice(lead));
  const inStride = rowStrides(input.shape);
  const index: number[] = [];
  const at = new Array<number>(lead).fill(0);
  for (let n = 0; n < product(outShape.slice(0, lead)); n++) {
    index.push(at.reduce((s, p, k) => s + mirrorIndex(p, pads[2 * k], input.shape[k], offset) * inStride[k], 0));
    for (let k = lead - 1; k >= 0; k--) {
      if (++at[k] < outShape[k]) break;
      at[k] = 0;
    }
  }
  return [gatherCall(op, input, output, index, 1, inner, product(input.shape))];
}

export const OPCODES: Record<string, LowerOp> = { MIRROR_PAD: lowerMirrorPad };

export const NOTES: Record<string, string> = {
  MIRROR_PAD: "int8, any rank, REFLECT and SYMMETRIC, constant int32 paddings; an index table in flash (one int32 per run of the trailing unpadded dimensions).",
};
