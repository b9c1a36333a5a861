/**
 * @fileoverview The model's interface: each input's and output's name, shape, dtype, scale, zero
 * point and size, read from the graph. One table for every consumer: model.h's constants and
 * `mote_tensor_info` table (compiler/emit/c/io.ts), report.json and report.md
 * (compiler/report/report.ts), the samples and `mote analyze`.
 *
 * Quantization follows TFLite's TfLiteQuantizationParams: a tensor without per-tensor
 * quantization has scale 0 and zero point 0. `quantized` is true exactly for an int8 tensor with
 * one scale: the tensors mote_quantize_input() / mote_dequantize_output() convert
 * (kernels/quantize.ts, kernels/dequantize.ts).
 */
import { elementCount, tensorBytes, type DType, type Graph, type Tensor } from "./graph.ts";

export interface TensorInfo {
  /** Graph tensor index. */
  tensor: number;
  name: string;
  dtype: DType;
  shape: number[];
  /** The per-tensor scale (as the model stores it: a float32), or 0 when not per-tensor quantized. */
  scale: number;
  /** The per-tensor zero point, or 0 when not per-tensor quantized. */
  zeroPoint: number;
  /** Per-channel quantization (several scales): scale and zeroPoint are then 0. */
  perChannel: boolean;
  elements: number;
  bytes: number;
  /** int8 with one scale: floats convert with kernels/quantize.ts and kernels/dequantize.ts. */
  quantized: boolean;
}

export interface ModelIo {
  inputs: TensorInfo[];
  outputs: TensorInfo[];
}

/** The interface entry of graph tensor `t`. */
export function tensorInfo(t: Tensor): TensorInfo {
  const q = t.quant;
  const perTensor = q !== undefined && q.scale.length === 1;
  const scale = perTensor ? Math.fround(q.scale[0]) : 0;
  return {
    tensor: t.index,
    name: t.name,
    dtype: t.dtype,
    shape: [...t.shape],
    scale,
    zeroPoint: perTensor ? q.zeroPoint[0] ?? 0 : 0,
    perChannel: q !== undefined && q.scale.length > 1,
    elements: elementCount(t),
    bytes: tensorBytes(t),
    quantized: t.dtype === "int8" && perTensor && scale > 0,
  };
}

/** The model's inputs and outputs, in the model's order. */
export function modelIo(graph: Graph): ModelIo {
  return {
    inputs: graph.inputs.map((t) => tensorInfo(graph.tensors[t])),
    outputs: graph.outputs.map((t) => tensorInfo(graph.tensors[t])),
  };
}

/** "[1, 96, 96, 3]" */
export function shapeText(shape: number[]): string {
  return `[${shape.join(", ")}]`;
}
