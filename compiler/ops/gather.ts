/**
 * @fileoverview Lowers GATHER and GATHER_ND (int8 data, constant int32 indices) to one call of
 * the gather-by-index-table kernel (kernels/gather.ts), resolving TFLite Micro's gather.cc /
 * gather_nd.cc index arithmetic at compile time. GATHER: output shape = input[:axis] +
 * coords.shape + input[axis+1:]; each coordinate picks one input[.., c, ..] slab (batch_dims
 * must be 0). GATHER_ND: indices [..., D] address the first D input dimensions; each index row
 * picks a run of product(input[D:]) bytes. An index outside the input, which TFLM catches only
 * with a DCHECK (GATHER) or a runtime error (GATHER_ND), is rejected here. Runtime indices are
 * not supported (Mote needs the table at compile time).
 */
import type { Graph, Op } from "../ir/graph.ts";
import { constInt32s, inputTensor, intOption, opError, outputTensor, product, requireDType } from "./operands.ts";
import { gatherCall, requireShape, rowStrides } from "./movement.ts";
import type { KernelCall, LowerOp } from "./types.ts";

function lowerGather(graph: Graph, op: Op): KernelCall[] {
  if (op.inputs.length !== 2) opError(graph, op, `expects 2 inputs (input, coords), got ${op.inputs.length}`);
  const input = inputTensor(graph, op, 0, "input");
  const coordsT = inputTensor(graph, op, 1, "coords");
  const output = outputTensor(graph, op, 0, "output");
  requireDType(graph, op, input, "input", "int8");
  requireDType(graph, op, output, "output", "int8");
  const rank = input.shape.length;
  const v = intOption(graph, op, "axis", 0);
  const axis = v < 0 ? v + rank : v;
  if (axis < 0 || axis >= rank) opError(graph, op, `axis ${v} is out of range for input rank ${rank}`);
  if (intOption(graph, op, "batchDims", 0) !== 0) opError(graph, op, "batch_dims other than 0 is not supported");
  const coords = constInt32s(graph, op, coordsT, "coords");
  const axisSize = input.shape[axis];
  const bad = coords.find((c) => c < 0 || c >= axisSize);
  if (bad !== undefined) opError(graph, op, `coordinate ${bad} is outside axis ${axis} of size ${axisSize}`);
  const want = [...input.shape.slice(0, axis), ...coordsT.shape, ...input.shape.slice(axis + 1)];
  requireShape(graph, op, output, "output", want, `gathering ${coords.length} coordinates along axis ${axis} of [${input.shape.join(", ")}]`);
  if (coords.length === 0) opError(graph, op, "coords is empty; empty outputs are not supported");
  const inner = product(input.shape.slice(axis + 1));
  return [gatherCall(op, input, output, coords.map((c) => c * inner), product(input.shape.slice(0, axis)), inner, axisSize * inner)];
}

function lowerGatherNd(graph: Graph, op: Op): KernelCall[] {
  if (op.inputs.length !== 2) opError(graph, op, `expects 2 inputs (params, indices), got ${op.inputs.length}`);
  const input = inputTensor(graph, op, 0, "params");
  const indicesT = inputTensor(graph, op, 1, "indices");
  const output = outputTensor(graph, op, 0, "output");
  requireDType(graph, op, input, "params", "int8");
  requireDType(graph, op, output, "output", "int8");
  const indices = constInt32s(graph, op, indicesT, "indices");
  if (indicesT.shape.length < 1) opError(graph, op, "indices must have at least one dimension");
  const depth = indicesT.shape[indicesT.shape.length - 1];
  if (depth < 1 || depth > input.shape.length) opError(graph, op, `indices address ${depth} dimensions of params of rank ${input.shape.length}`);
  const want = [...indicesT.shape.slice(0, -1), ...input.shape.slice(depth)];
  requireShape(graph, op, output, "output", want, `indices [${indicesT.shape.join(", ")}] into params [${input.shape.join(", ")}]`);
  const strides = rowStrides(input.shape);
  const offsets: number[] = [];
  for (let r = 0; r < indices.length / depth; r++) {
    let at = 0;
    for (let k = 0; k < depth; k++) {
      const i = indices[r * depth + k];
      if (i < 0 || i >= input.shape[k]) opError(graph, op, `index ${i} of row ${r} is outside dimension ${k} (size ${input.shape[k]}) of params`);
      at += i * strides[k];
    }
    offsets.push(at);
  }
  if (offsets.length === 0) opError(graph, op, "indices is empty; empty outputs are not supported");
  return [gatherCall(op, input, output, offsets, 1, product(input.shape.slice(depth)), product(input.shape))];
}

export const OPCODES: Record<string, LowerOp> = { GATHER: lowerGather, GATHER_ND: lowerGatherNd };

export const NOTES: Record<string, string> = {
  GATHER: "int8, constant int32 coords, any axis (negative counts from the end), batch_dims 0; an index table in flash (one int32 per coordinate). Runtime coords are rejected.",
  GATHER_ND: "int8, constant int32 indices [..., D]; an index table in flash (one int32 per index row). Runtime indices are rejected.",
};
