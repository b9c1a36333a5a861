/**
 * @fileoverview Lowers ARG_MIN (int8 input, int32 output) to one call of kernels/arg_min.ts.
 * TFLite Micro runs ARG_MIN and ARG_MAX through one kernel (arg_min_max.cc) with the same
 * operand rules, so the checks and the record are ARG_MAX's (compiler/ops/arg_max.ts
 * lowerArgMax); only the kernel entry differs.
 */
import type { DType, Graph, Op } from "../ir/graph.ts";
import { lowerArgMax } from "./arg_max.ts";
import { INPUT_OUTPUT_SLOTS, type KernelContract } from "./contract.ts";
import type { KernelCall, LowerOp } from "./types.ts";

function lowerArgMin(graph: Graph, op: Op): KernelCall[] {
  return lowerArgMax(graph, op).map((call) => ({ ...call, kernel: "arg_min", fn: "argMin" }));
}

export const CONTRACTS: KernelContract[] = [{ kernel: "arg_min", fn: "argMin", slots: INPUT_OUTPUT_SLOTS }];

export const OPCODES: Record<string, LowerOp> = { ARG_MIN: lowerArgMin };

export const ACTIVATION_TYPES: Record<string, readonly DType[]> = { ARG_MIN: ["int32"] };

export const NOTES: Record<string, string> = {
  ARG_MIN:
    "int8 input of any rank, one constant int32 axis (negative counts from the end), int32 output (int64 is rejected, as TFLite Micro does); ties give the lowest index.",
};
