/**
 * @fileoverview Lowers EXPAND_DIMS (int8) to a byte copy (kernels/reshape.ts), doing TFLite
 * Micro's expand_dims.cc Prepare at compile time: the axis is a constant int32 scalar (negative
 * counts from the end of the output rank, i.e. axis + input rank + 1) and the output has the
 * input's dimensions with a 1 inserted there. The planner may alias input and output.
 */
import type { Graph, Op } from "../ir/graph.ts";
import type { ReshapeParams } from "../../kernels/reshape.ts";
import { constInt32s, inputTensor, opError, outputTensor, product, requireDType } from "./operands.ts";
import { kernelCall } from "./contract.ts";
import { aliasInPlace } from "./inplace.ts";
import type { InPlaceHook } from "../ir/hooks.ts";
import { RESHAPE_SLOTS } from "./reshape.ts";
import { requireShape } from "./movement.ts";
import type { KernelCall, LowerOp } from "./types.ts";

function lowerExpandDims(graph: Graph, op: Op): KernelCall[] {
  if (op.inputs.length !== 2) opError(graph, op, `expects 2 inputs (input, axis), got ${op.inputs.length}`);
  const input = inputTensor(graph, op, 0, "input");
  const output = outputTensor(graph, op, 0, "output");
  requireDType(graph, op, input, "input", "int8");
  requireDType(graph, op, output, "output", "int8");
  const rank = input.shape.length;
  const [v] = constInt32s(graph, op, inputTensor(graph, op, 1, "axis"), "axis", 1);
  const axis = v < 0 ? v + rank + 1 : v;
  if (axis < 0 || axis > rank) opError(graph, op, `axis ${v} is out of range for an input of rank ${rank}`);
  const want = [...input.shape.slice(0, axis), 1, ...input.shape.slice(axis)];
  requireShape(graph, op, output, "output", want, `inserting an axis at ${axis} into [${input.shape.join(", ")}]`);
  const params: ReshapeParams = { bytes: product(input.shape) };
  return [kernelCall("reshape", "reshape", RESHAPE_SLOTS, params, {
    input: { kind: "tensor", tensor: input.index },
    output: { kind: "tensor", tensor: output.index },
  }, 0)];
}

export const OPCODES: Record<string, LowerOp> = { EXPAND_DIMS: lowerExpandDims };

/** The copy is a no-op when the output shares the input's memory. */
export const IN_PLACE: Record<string, InPlaceHook> = { EXPAND_DIMS: aliasInPlace };

export const NOTES: Record<string, string> = {
  EXPAND_DIMS: "int8, constant int32 axis (negative counts from the end); a byte copy the planner can alias.",
};
