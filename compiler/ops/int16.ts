/**
 * @fileoverview Shared compile-time pieces of the 16x8 lowerings (int16 activations, int8
 * weights): the int16 activation check (per tensor, zero point 0, as TFLite Micro requires) and
 * the bias of conv / depthwise / FC / transpose conv, int64 or int32, as the kernels take it
 * (kernels/common/wide.ts): with an int64 bias, or none unless the model asks for an int32 one,
 * TFLM accumulates in int64_t (`bias64` 1; the bias as {lo, hi} i32 pairs), with an int32 bias in
 * int32_t (`bias64` 0).
 */
import type { Graph, Op, Tensor } from "../ir/graph.ts";
import type { KernelArg } from "./types.ts";
import { opError, product, requireConstant, requireDType, tensorQuant } from "./operands.ts";

/** The activation dtype list of the ops with a 16x8 variant (op files' ACTIVATION_TYPES). */
export const INT16: readonly ["int16"] = ["int16"];

/** Per-tensor scale of an int16 activation; its zero point must be 0 (TFLM checks it in Prepare). */
export function int16Quant(graph: Graph, op: Op, t: Tensor, role: string): { scale: number; zeroPoint: number } {
  requireDType(graph, op, t, role, "int16");
  const q = tensorQuant(graph, op, t, role);
  if (q.zeroPoint !== 0) opError(graph, op, `int16 ${role} tensor ${t.index} (${t.name}) has zero point ${q.zeroPoint}; int16 activations are symmetric (zero point 0)`);
  return q;
}

/** The bias argument and record fields of a 16x8 layer with `units` output channels. */
export function bias16(graph: Graph, op: Op, bias: Tensor | undefined, units: number): { arg: KernelArg; hasBias: number; bias64: number } {
  if (bias === undefined) {
    const int32 = op.options.quantizedBiasType === "INT32" || op.options.quantizedBiasType === "int32";
    return { arg: { kind: "tensor", tensor: -1 }, hasBias: 0, bias64: int32 ? 0 : 1 };
  }
  requireDType(graph, op, bias, "bias", "int64", "int32");
  requireConstant(graph, op, bias, "bias");
  if (product(bias.shape) !== units) opError(graph, op, `bias has ${product(bias.shape)} elements; expected ${units}`);
  if (bias.dtype === "int32") return { arg: { kind: "tensor", tensor: bias.index }, hasBias: 1, bias64: 0 };
  const data = bias.data!;
  const view = new DataView(data.buffer, data.byteOffset, units * 8);
  const pairs: number[] = [];
  for (let c = 0; c < units; c++) pairs.push(view.getInt32(c * 8, true), view.getInt32(c * 8 + 4, true));
  return { arg: { kind: "const", name: `op${op.index}_bias64`, elem: "i32", data: pairs }, hasBias: 1, bias64: 1 };
}
