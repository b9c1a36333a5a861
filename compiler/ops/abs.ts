/**
 * @fileoverview Lowers ABS (int8) to kernels/abs.ts, doing TFLite Micro's PrepareAbsRsqrt
 * (micro/kernels/elementwise.cc at 90b983c2) at compile time: zero points as offsets, and when the
 * float32 scales differ, QuantizeMultiplier(double(float(input scale / output scale))).
 */
import type { Graph, Op } from "../ir/graph.ts";
import type { AbsParams } from "../../kernels/abs.ts";
import { tensorQuant } from "./operands.ts";
import { quantizeMultiplier } from "./quant.ts";
import { unaryOperands } from "./unary.ts";
import { INPUT_OUTPUT_SLOTS, kernelCall, type KernelContract } from "./contract.ts";
import type { KernelCall, LowerOp } from "./types.ts";

export function lowerAbs(graph: Graph, op: Op): KernelCall[] {
  const { input, output, size } = unaryOperands(graph, op, ["int8"], ["int8"]);
  const inQ = tensorQuant(graph, op, input, "input");
  const outQ = tensorQuant(graph, op, output, "output");
  const inScale = Math.fround(inQ.scale);
  const outScale = Math.fround(outQ.scale);
  const rescale = inScale !== outScale;
  const q = rescale ? quantizeMultiplier(Math.fround(inScale / outScale)) : { multiplier: 0, shift: 0 };
  const params: AbsParams = {
    size, inputZeroPoint: inQ.zeroPoint, outputZeroPoint: outQ.zeroPoint,
    rescale: rescale ? 1 : 0, multiplier: q.multiplier, shift: q.shift,
  };
  return [kernelCall("abs", "absInt8", INPUT_OUTPUT_SLOTS, params, {
    input: { kind: "tensor", tensor: input.index },
    output: { kind: "tensor", tensor: output.index },
  }, 0)];
}

export const CONTRACTS: KernelContract[] = [{ kernel: "abs", fn: "absInt8", slots: INPUT_OUTPUT_SLOTS }];

export const OPCODES: Record<string, LowerOp> = { ABS: lowerAbs };

export const NOTES: Record<string, string> = {
  ABS: "int8 with per-tensor quantization; requantized to the output scale when it differs from the input's (no multiply when equal, as TFLite Micro). Left: int16 and float32.",
};
