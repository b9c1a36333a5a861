/**
 * @fileoverview CAST from int8, with TFLite Micro's reference semantics (cast.cc copyCast:
 * static_cast of each stored integer; the quantization is ignored, nothing is dequantized):
 * to int16, int32 or float32, every value exactly representable.
 *
 * Written in the kernel subset (docs/subset.md); compiler/ops/cast.ts fills the record and picks
 * the entry by the output type. Array order: input (size int8), output (size elements).
 */
import type { i32 } from "./types.ts";

export interface CastParams {
  /** Elements in the tensor. */
  size: i32;
}

export function castToInt16(p: CastParams, input: Int8Array, output: Int16Array): void {
  for (let i: i32 = 0; i < p.size; i++) output[i] = input[i];
}

export function castToInt32(p: CastParams, input: Int8Array, output: Int32Array): void {
  for (let i: i32 = 0; i < p.size; i++) output[i] = input[i];
}

export function castToFloat32(p: CastParams, input: Int8Array, output: Float32Array): void {
  for (let i: i32 = 0; i < p.size; i++) output[i] = Math.fround(input[i]);
}
