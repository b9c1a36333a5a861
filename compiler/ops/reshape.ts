/**
 * @fileoverview Lowers RESHAPE to a byte copy (kernels/reshape.ts). The shape operand / new_shape
 * option only restate the output tensor's shape, which the importer already resolved; lowering
 * checks the element counts agree (TFLM's ReshapeOutput check) and that the data is int8.
 * Quantization is not compared (TFLM copies bytes regardless). The memory planner may alias
 * input and output, making the copy a no-op.
 */
import type { Graph, Op } from "../ir/graph.ts";
import type { ReshapeParams } from "../../kernels/reshape.ts";
import { inputTensor, opError, outputTensor, product, requireDType } from "./operands.ts";
import { kernelCall, type KernelContract } from "./contract.ts";
import { aliasInPlace } from "./inplace.ts";
import type { InPlaceHook } from "../ir/hooks.ts";
import type { KernelCall, LowerOp } from "./types.ts";

/** kernels/reshape.ts's array parameters, in order. */
export const RESHAPE_SLOTS = ["input", "output"] as const;

export const CONTRACTS: KernelContract[] = [{ kernel: "reshape", fn: "reshape", slots: RESHAPE_SLOTS }];


export function lowerReshape(graph: Graph, op: Op): KernelCall[] {
  const input = inputTensor(graph, op, 0, "input");
  const output = outputTensor(graph, op, 0, "output");
  requireDType(graph, op, input, "input", "int8");
  requireDType(graph, op, output, "output", "int8");
  const n = product(input.shape);
  if (product(output.shape) !== n) {
    opError(graph, op, `cannot reshape [${input.shape.join(", ")}] (${n} elements) to [${output.shape.join(", ")}]`);
  }
  const params: ReshapeParams = { bytes: n };
  return [kernelCall("reshape", "reshape", RESHAPE_SLOTS, params, {
    input: { kind: "tensor", tensor: input.index },
    output: { kind: "tensor", tensor: output.index },
  }, 0)];
}

export const OPCODES: Record<string, LowerOp> = { RESHAPE: lowerReshape };

/** The copy is a no-op when the output shares the input's memory. */
export const IN_PLACE: Record<string, InPlaceHook> = { RESHAPE: aliasInPlace };

export const NOTES: Record<string, string> = {
  RESHAPE: "int8, any shapes with the same element count (shape from the output tensor; -1 resolved by the converter); a byte copy the planner can alias.",
};
