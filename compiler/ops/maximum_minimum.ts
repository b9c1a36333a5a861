/**
 * @fileoverview Lowers MAXIMUM and MINIMUM (int8) to one call of kernels/maximum_minimum.ts.
 * TFLite Micro has no Prepare for them and compares the raw int8 values
 * (reference_ops::MaximumMinimumBroadcastSlow), which is only meaningful when both inputs and
 * the output share one quantization (the TFLite converter guarantees it): Mote requires exactly
 * that, and plans the broadcast loops with compiler/ops/broadcast.ts.
 */
import type { Graph, Op } from "../ir/graph.ts";
import type { MaximumMinimumParams } from "../../kernels/maximum_minimum.ts";
import { planBroadcast } from "./broadcast.ts";
import { inputTensor, opError, outputTensor, requireDType, tensorQuant } from "./operands.ts";
import type { KernelCall, LowerOp } from "./types.ts";
import type { InPlaceHook } from "../ir/hooks.ts";
import { elementwiseInPlace } from "./inplace.ts";
import { BINARY_SLOTS, kernelCall, type KernelContract } from "./contract.ts";

function lowerMaximumMinimum(graph: Graph, op: Op, minimum: boolean): KernelCall[] {
  const input1 = inputTensor(graph, op, 0, "input1");
  const input2 = inputTensor(graph, op, 1, "input2");
  const output = outputTensor(graph, op, 0, "output");
  requireDType(graph, op, input1, "input1", "int8");
  requireDType(graph, op, input2, "input2", "int8");
  requireDType(graph, op, output, "output", "int8");
  const q1 = tensorQuant(graph, op, input1, "input1");
  const q2 = tensorQuant(graph, op, input2, "input2");
  const qo = tensorQuant(graph, op, output, "output");
  for (const [role, q] of [["input1", q1], ["input2", q2]] as const) {
    if (q.scale !== qo.scale || q.zeroPoint !== qo.zeroPoint) {
      opError(
        graph, op,
        `${role} quantization (scale ${q.scale}, zero point ${q.zeroPoint}) differs from the output's (scale ${qo.scale}, zero point ${qo.zeroPoint}); ${op.opcode} compares raw int8 values, so Mote requires both inputs and the output to share one quantization`,
      );
    }
  }
  const loops = planBroadcast(graph, op, input1, input2, output);
  const params: MaximumMinimumParams = { minimum: minimum ? 1 : 0, ...loops };
  return [kernelCall("maximum_minimum", "maximumMinimum", BINARY_SLOTS, params, {
    input1: { kind: "tensor", tensor: input1.index },
    input2: { kind: "tensor", tensor: input2.index },
    output: { kind: "tensor", tensor: output.index },
  }, 0)];
}

export const lowerMaximum: LowerOp = (graph, op) => lowerMaximumMinimum(graph, op, false);
export const lowerMinimum: LowerOp = (graph, op) => lowerMaximumMinimum(graph, op, true);

export const CONTRACTS: KernelContract[] = [{ kernel: "maximum_minimum", fn: "maximumMinimum", slots: BINARY_SLOTS }];

export const OPCODES: Record<string, LowerOp> = { MAXIMUM: lowerMaximum, MINIMUM: lowerMinimum };

/** Each output element is written after its own input elements are read (compiler/ops/inplace.ts). */
export const IN_PLACE: Record<string, InPlaceHook> = { MAXIMUM: elementwiseInPlace, MINIMUM: elementwiseInPlace };

const NOTE =
  "int8 with both inputs and the output sharing one per-tensor quantization (raw int8 comparison, as TFLite Micro), runtime or constant operands, broadcasting of any shapes that reduce to 4 loops (all shapes up to rank 4, scalars, two-sided); same-shape operands take a flat fast path.";

export const NOTES: Record<string, string> = { MAXIMUM: NOTE, MINIMUM: NOTE };
