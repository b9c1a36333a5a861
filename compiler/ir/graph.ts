/**
 * @fileoverview The graph IR: what a model is once imported, independent of its file format.
 *
 * The .tflite importer (compiler/import/tflite/) produces a `Graph`; op lowering
 * (compiler/ops/) turns each `Op` into kernel calls; the planner (compiler/plan/) gives every
 * non-constant tensor an arena offset. Nothing here knows about C, WASM or TypeScript kernels.
 *
 * Invariants: tensor and op indices are the model's own (so error messages can quote them);
 * `data` is present exactly for constant tensors; quantization arrays have one entry per
 * tensor (per-tensor) or one per channel along `quantizedDimension` (per-channel).
 */

/** Element types Mote understands. Anything else in a model is reported by name. */
export type DType = "int8" | "uint8" | "int16" | "int32" | "int64" | "float32" | "bool";

export const DTYPE_BYTES: Record<DType, number> = {
  int8: 1,
  uint8: 1,
  int16: 2,
  int32: 4,
  int64: 8,
  float32: 4,
  bool: 1,
};

export interface Quantization {
  /** One scale per tensor, or one per channel along `quantizedDimension`. */
  scale: number[];
  zeroPoint: number[];
  quantizedDimension: number;
}

export interface Tensor {
  index: number;
  name: string;
  dtype: DType;
  shape: number[];
  /** Absent for float tensors and tensors without quantization parameters. */
  quant?: Quantization;
  /** Raw little-endian bytes for constant tensors (weights, biases, shape vectors). */
  data?: Uint8Array;
  /** Variable tensors (state kept across invocations). */
  isVariable: boolean;
}

/** Builtin options, decoded per op into plain fields (names follow the TFLite schema in camelCase). */
export type OpOptions = Record<string, number | boolean | number[] | string>;

export interface Op {
  index: number;
  /** TFLite builtin name, e.g. "CONV_2D"; custom ops are "CUSTOM:<name>". */
  opcode: string;
  /** Operator version from the model's operator_codes table. */
  version: number;
  /** Tensor indices; -1 marks an absent optional input (e.g. a missing bias). */
  inputs: number[];
  outputs: number[];
  options: OpOptions;
  /** A CUSTOM op's custom_options bytes as stored in the model (flexbuffer or raw), when present. */
  customOptions?: Uint8Array;
}

export interface Graph {
  /** Model description or file name, for reports. */
  name: string;
  tensors: Tensor[];
  /** In the model's execution order. */
  ops: Op[];
  inputs: number[];
  outputs: number[];
  /** Bytes of the model file it was imported from, when known (the default flash budget, compiler/build/weights.ts). */
  sourceBytes?: number;
}

export function tensorBytes(t: Tensor): number {
  let n = DTYPE_BYTES[t.dtype];
  for (const d of t.shape) n *= d;
  return n;
}

export function elementCount(t: Tensor): number {
  let n = 1;
  for (const d of t.shape) n *= d;
  return n;
}

export function isConstant(t: Tensor): boolean {
  return t.data !== undefined;
}

/**
 * The byte every byte of variable tensor `t` holds at start-up and after a reset, as TFLite
 * Micro's MicroInterpreterGraph::ResetTensorData (run by AllocateTensors and Reset()) memsets it:
 * an int8 tensor with quantization its first zero point, any other 0 (an int16 or float32 state
 * is 0 bytes whatever its zero point). 0..255.
 */
export function resetByte(t: Tensor): number {
  return t.dtype === "int8" && t.quant !== undefined && t.quant.zeroPoint.length > 0 ? t.quant.zeroPoint[0]! & 0xff : 0;
}
