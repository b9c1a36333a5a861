/**
 * @fileoverview Lowers SQUEEZE (int8) to a byte copy (kernels/reshape.ts), doing TFLite Micro's
 * SqueezePrepare at compile time: squeeze_dims (negative counts from the end) must name
 * dimensions of size 1; without squeeze_dims every size-1 dimension goes. The output keeps the
 * remaining dimensions and the input's byte count. Quantization is not compared (TFLM copies
 * bytes regardless).
 */
import type { Graph, Op } from "../ir/graph.ts";
import type { ReshapeParams } from "../../kernels/reshape.ts";
import { inputTensor, opError, outputTensor, product, requireDType } from "./operands.ts";
import { kernelCall } from "./contract.ts";
import { aliasInPlace } from "./inplace.ts";
import type { InPlaceHook } from "../ir/hooks.ts";
import { RESHAPE_SLOTS } from "./reshape.ts";
import type { KernelCall, LowerOp } from "./types.ts";

const MAX_RANK = 8;

function lowerSqueeze(graph: Graph, op: Op): KernelCall[] {
  if (op.inputs.length !== 1) opError(graph, op, `expects 1 input, got ${op.inputs.length}`);
  const input = inputTensor(graph, op, 0, "input");
  const output = outputTensor(graph, op, 0, "output");
  requireDType(graph, op, input, "input", "int8");
  requireDType(graph, op, output, "output", "int8");
  const rank = input.shape.length;
  if (rank > MAX_RANK) opError(graph, op, `input has rank ${rank}; TFLite Micro squeezes tensors of rank up to ${MAX_RANK}`);
  const raw = op.options["squeezeDims"] ?? [];
  if (!Array.isArray(raw)) opError(graph, op, `squeeze_dims = ${String(raw)} is not a list of integers`);
  const squeeze = new Array<boolean>(rank).fill(false);
  if (raw.length === 0) {
    input.shape.forEach((d, k) => { squeeze[k] = d === 1; });
  } else {
    for (const v of raw) {
      const k = v < 0 ? v + rank : v;
      if (!Number.isInteger(k) || k < 0 || k >= rank || input.shape[k] !== 1) {
        opError(graph, op, `squeeze_dims entry ${v} does not name a dimension of size 1 of input [${input.shape.join(", ")}]`);
      }
      squeeze[k] = true;
    }
  }
  const kept = input.shape.filter((_, k) => !squeeze[k]);
  if (output.shape.length !== kept.length || kept.some((d, k) => d !== output.shape[k])) {
    opError(graph, op, `output has shape [${output.shape.join(", ")}]; squeezing input [${input.shape.join(", ")}] gives [${kept.join(", ")}]`);
  }
  const params: ReshapeParams = { bytes: product(input.shape) };
  return [kernelCall("reshape", "reshape", RESHAPE_SLOTS, params, {
    input: { kind: "tensor", tensor: input.index },
    output: { kind: "tensor", tensor: output.index },
  }, 0)];
}

export const OPCODES: Record<string, LowerOp> = { SQUEEZE: lowerSqueeze };

/** The copy is a no-op when the output shares the input's memory. */
export const IN_PLACE: Record<string, InPlaceHook> = { SQUEEZE: aliasInPlace };

export const NOTES: Record<string, string> = {
  SQUEEZE: "int8, rank up to 8, squeeze_dims naming size-1 dimensions (or none: all size-1 dimensions); a byte copy.",
};
