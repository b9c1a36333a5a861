/**
 * @fileoverview Lowers DEQUANTIZE (int8 -> float32) to kernels/dequantize.ts, doing TFLite
 * Micro's DequantizePrepare (micro/kernels/dequantize_common.cc at 90b983c2) at compile time: the
 * input's per-tensor scale (passed as a one-element f32 constant) and zero point. int16 inputs
 * take dequantize16; uint8, which TFLM also accepts, is rejected.
 */
import type { Graph, Op } from "../ir/graph.ts";
import type { DequantizeParams } from "../../kernels/dequantize.ts";
import { tensorQuant } from "./operands.ts";
import type { KernelCall, LowerOp } from "./types.ts";
import { unaryOperands } from "./unary.ts";
import { kernelCall, type KernelContract } from "./contract.ts";
import { INT16 } from "./int16.ts";

/** kernels/dequantize.ts's array parameters, in order. */
export const DEQUANTIZE_SLOTS = ["input", "scale", "output"] as const;

export function lowerDequantize(graph: Graph, op: Op): KernelCall[] {
  const { input, output, size } = unaryOperands(graph, op, ["int8", "int16"], ["float32"]);
  const inQ = tensorQuant(graph, op, input, "input");
  return [dequantizeCall(size, input.index, output.index, inQ, `op${op.index}_scale`, input.dtype === "int16" ? "dequantize16" : "dequantize")];
}

/**
 * int8 -> float32 of `size` elements from tensor `input` with its per-tensor scale and zero point
 * into tensor `output` (-1: the caller's floats, slot "output": mote_dequantize_output(),
 * compiler/build/io.ts); the scale is the constant `scaleName`.
 */
export function dequantizeCall(
  size: number, input: number, output: number, q: { scale: number; zeroPoint: number }, scaleName: string,
  fn: "dequantize" | "dequantize16" = "dequantize",
): KernelCall {
  const params: DequantizeParams = { size, inputZeroPoint: q.zeroPoint };
  return kernelCall("dequantize", fn, DEQUANTIZE_SLOTS, params, {
    input: { kind: "tensor", tensor: input },
    scale: { kind: "const", name: scaleName, elem: "f32", data: [Math.fround(q.scale)] },
    output: { kind: "tensor", tensor: output },
  }, 0);
}

export const CONTRACTS: KernelContract[] = [
  { kernel: "dequantize", fn: "dequantize", slots: DEQUANTIZE_SLOTS },
  { kernel: "dequantize", fn: "dequantize16", slots: DEQUANTIZE_SLOTS },
];

export const ACTIVATION_TYPES = { DEQUANTIZE: INT16 };

export const OPCODES: Record<string, LowerOp> = { DEQUANTIZE: lowerDequantize };

export const NOTES: Record<string, string> = {
  DEQUANTIZE: "int8 or int16 -> float32 with a per-tensor scale and zero point (dequantize16 for int16); uint8 inputs are not supported.",
};

/** What is left against TFLite Micro (docs/operators.md). */
export const LEFT: Record<string, string> = {
  DEQUANTIZE: "uint8 input.",
};
