/**
 * @fileoverview Floats ↔ a quantized tensor's integers on the host, with the tensor's own scale and
 * zero point (per-tensor): q = clamp(round(x / scale) + zeroPoint) with rounding half away from
 * zero (TFLite's Quantize), x = scale * (q - zeroPoint). The image preprocessing quantizes with
 * it; samples dequantize outputs into scores with it.
 */
import type { Tensor } from "../ir/graph.ts";

/** The integer range of the tensor's dtype. */
export function intRange(t: Tensor): [number, number] {
  switch (t.dtype) {
    case "int8": return [-128, 127];
    case "uint8": return [0, 255];
    case "int16": return [-32768, 32767];
    case "int32": return [-2147483648, 2147483647];
    default: throw new Error(`tensor ${t.index} (${t.name}) is ${t.dtype}, not a quantized integer tensor`);
  }
}

function params(t: Tensor): [number, number] {
  if (!t.quant || t.quant.scale.length !== 1) throw new Error(`tensor ${t.index} (${t.name}) has no per-tensor quantization`);
  return [t.quant.scale[0], t.quant.zeroPoint[0]];
}

/** The floats the tensor's integers stand for: [smallest, largest]. */
export function quantRange(t: Tensor): [number, number] {
  const [scale, zp] = params(t);
  const [qmin, qmax] = intRange(t);
  return [(qmin - zp) * scale, (qmax - zp) * scale];
}

/** One float → the tensor's integer (saturated to its dtype). */
export function quantizeValue(t: Tensor, x: number): number {
  const [scale, zp] = params(t);
  const [qmin, qmax] = intRange(t);
  const r = x / scale;
  const q = Math.sign(r) * Math.round(Math.abs(r)) + zp;
  return Math.min(qmax, Math.max(qmin, q));
}

/** The elements of a tensor's raw little-endian bytes, as integers. */
export function integers(t: Tensor, bytes: Uint8Array): number[] {
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.length);
  switch (t.dtype) {
    case "int8": return Array.from(bytes, (b) => (b << 24) >> 24);
    case "uint8": return Array.from(bytes);
    case "int16": return Array.from({ length: bytes.length >> 1 }, (_, i) => view.getInt16(i * 2, true));
    case "int32": return Array.from({ length: bytes.length >> 2 }, (_, i) => view.getInt32(i * 4, true));
    default: throw new Error(`tensor ${t.index} (${t.name}) is ${t.dtype}, not a quantized integer tensor`);
  }
}

/** A quantized tensor's raw bytes → the floats they stand for. */
export function dequantize(t: Tensor, bytes: Uint8Array): number[] {
  const [scale, zp] = params(t);
  return integers(t, bytes).map((q) => scale * (q - zp));
}

/** The indices of the k largest values, largest first (ties: lower index first). */
export function topK(values: readonly number[], k: number): number[] {
  return values.map((v, i) => [v, i] as const).sort((a, b) => b[0] - a[0] || a[1] - b[1]).slice(0, k).map(([, i]) => i);
}
