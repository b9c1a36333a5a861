/**
 * @fileoverview Lowers EQUAL, NOT_EQUAL, GREATER, GREATER_EQUAL, LESS and LESS_EQUAL (int8 inputs,
 * bool output) to kernels/comparisons.ts, doing TFLite Micro's ComparisonsPrepare at compile time:
 * per input, offset -zero point, left shift 8 and QuantizeMultiplierSmallerThanOneExp(scale) —
 * which aborts for a scale >= 1, so Mote rejects such a scale. Inputs broadcast as TFLM's
 * 4-D slow path does (compiler/ops/broadcast.ts; a broadcast above rank 4, which that path
 * CHECK-fails on, is rejected). When both inputs share one quantization and
 * its rescale is strictly increasing over the 256 int8 values (checked here with the kernels'
 * own mbqm), the kernel compares raw values (`scaled` 0): the same bits, fewer instructions.
 */
import type { DType, Graph, Op, Tensor } from "../ir/graph.ts";
import {
  CMP_EQUAL, CMP_GREATER, CMP_GREATER_EQUAL, CMP_LESS, CMP_LESS_EQUAL, CMP_NOT_EQUAL, type ComparisonParams,
} from "../../kernels/comparisons.ts";
import { mbqm } from "../../kernels/intrinsics.ts";
import { inputTensor, opError, outputTensor, requireDType, tensorQuant } from "./operands.ts";
import { quantizeMultiplier } from "./quant.ts";
import { planBroadcast, requireBroadcastRank } from "./broadcast.ts";
import { BINARY_SLOTS, kernelCall, type KernelContract } from "./contract.ts";
import type { KernelCall, LowerOp } from "./types.ts";

const LEFT_SHIFT = 8;

const CMP: Record<string, number> = {
  EQUAL: CMP_EQUAL, NOT_EQUAL: CMP_NOT_EQUAL, GREATER: CMP_GREATER,
  GREATER_EQUAL: CMP_GREATER_EQUAL, LESS: CMP_LESS, LESS_EQUAL: CMP_LESS_EQUAL,
};

/** QuantizeMultiplierSmallerThanOneExp(scale) and the input offset. */
function rescale(graph: Graph, op: Op, t: Tensor, role: string): { offset: number; multiplier: number; shift: number } {
  const q = tensorQuant(graph, op, t, role);
  if (!(q.scale > 0 && q.scale < 1)) {
    opError(graph, op, `${role} scale ${q.scale} is not in (0, 1); TFLite Micro's comparison rescale (QuantizeMultiplierSmallerThanOneExp) requires it`);
  }
  const { multiplier, shift } = quantizeMultiplier(q.scale);
  return { offset: -q.zeroPoint, multiplier, shift };
}

/** Whether v -> mbqm((v + offset) << 8, m, s) is strictly increasing over int8. */
export function rescaleIsStrict(r: { offset: number; multiplier: number; shift: number }): boolean {
  let prev = mbqm((-128 + r.offset) << LEFT_SHIFT, r.multiplier, r.shift);
  for (let v = -127; v <= 127; v++) {
    const next = mbqm((v + r.offset) << LEFT_SHIFT, r.multiplier, r.shift);
    if (next <= prev) return false;
    prev = next;
  }
  return true;
}

function lowerComparison(graph: Graph, op: Op): KernelCall[] {
  if (op.inputs.length !== 2) opError(graph, op, `expects 2 inputs, got ${op.inputs.length}`);
  const in1 = inputTensor(graph, op, 0, "input 1");
  const in2 = inputTensor(graph, op, 1, "input 2");
  const out = outputTensor(graph, op, 0, "output");
  requireDType(graph, op, in1, "input 1", "int8");
  requireDType(graph, op, in2, "input 2", "int8");
  requireDType(graph, op, out, "output", "bool");
  requireBroadcastRank(graph, op, in1, in2, out);
  const r1 = rescale(graph, op, in1, "input 1");
  const r2 = rescale(graph, op, in2, "input 2");
  const same = r1.offset === r2.offset && r1.multiplier === r2.multiplier && r1.shift === r2.shift;
  const params: ComparisonParams = {
    cmp: CMP[op.opcode],
    scaled: same && rescaleIsStrict(r1) ? 0 : 1,
    ...planBroadcast(graph, op, in1, in2, out),
    leftShift: LEFT_SHIFT,
    input1Offset: r1.offset, input1Multiplier: r1.multiplier, input1Shift: r1.shift,
    input2Offset: r2.offset, input2Multiplier: r2.multiplier, input2Shift: r2.shift,
  };
  return [kernelCall("comparisons", "comparison", BINARY_SLOTS, params, {
    input1: { kind: "tensor", tensor: in1.index },
    input2: { kind: "tensor", tensor: in2.index },
    output: { kind: "tensor", tensor: out.index },
  }, 0)];
}

export const CONTRACTS: KernelContract[] = [{ kernel: "comparisons", fn: "comparison", slots: BINARY_SLOTS }];

export const OPCODES: Record<string, LowerOp> = {
  EQUAL: lowerComparison, NOT_EQUAL: lowerComparison, GREATER: lowerComparison,
  GREATER_EQUAL: lowerComparison, LESS: lowerComparison, LESS_EQUAL: lowerComparison,
};

export const ACTIVATION_TYPES: Record<string, readonly DType[]> = Object.fromEntries(Object.keys(CMP).map((k) => [k, ["bool"]]));

const note = "int8 inputs (each rescaled by its own scale, as TFLite Micro does; scales must be below 1), bool output, broadcasting up to four loops (rank 4 at most when the input shapes differ, as TFLite Micro); raw comparison when both inputs share a quantization whose rescale is strictly increasing.";

export const NOTES: Record<string, string> = Object.fromEntries(Object.keys(CMP).map((k) => [k, note]));
