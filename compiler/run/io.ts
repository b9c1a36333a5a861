/**
 * @fileoverview The TypeScript side of mote_quantize_input() / mote_dequantize_output(): floats
 * into an int8 input and an int8 output into floats, by calling kernels/quantize.ts and
 * kernels/dequantize.ts themselves with the records compiler/ops/ fills for the same tensor
 * (affineQuantizeCall, dequantizeCall), exactly what the C library's helpers compile. For the
 * samples and any host-side caller of the ts/wasm/host/qemu runners; the table comes from
 * compiler/ir/io.ts (modelIo).
 */
import { fail } from "../diagnostics.ts";
import type { TensorInfo } from "../ir/io.ts";
import type { KernelCall } from "../ir/calls.ts";
import { affineQuantizeCall } from "../ops/quantize.ts";
import { dequantizeCall } from "../ops/dequantize.ts";
import { quantize, type QuantizeParams } from "../../kernels/quantize.ts";
import { dequantize, type DequantizeParams } from "../../kernels/dequantize.ts";

function scaleOf(call: KernelCall): Float32Array {
  const a = call.args.find((x) => x.kind === "const");
  if (a?.kind !== "const") throw new Error(`internal: ${call.kernel} call without its scale`);
  return Float32Array.from(a.data);
}

function check(info: TensorInfo, count: number, what: string): void {
  if (!info.quantized) {
    fail(6030, what, info.name, `it is ${info.dtype}${info.perChannel ? " with per-channel scales" : info.scale === 0 ? " without a scale" : ""}, not int8 with one scale`);
  }
  if (count !== info.elements) fail(6030, what, info.name, `${count} values for its ${info.elements} elements`);
}

/** `values` quantized into the bytes of int8 input `info` (TFLite's AffineQuantize). */
export function quantizeInput(info: TensorInfo, values: ArrayLike<number>): Uint8Array {
  check(info, values.length, "quantize");
  const call = affineQuantizeCall(info.elements, -1, info.tensor, info, "scale");
  const out = new Int8Array(info.elements);
  quantize(call.params as unknown as QuantizeParams, new Int8Array(0), Float32Array.from(values), scaleOf(call), out);
  return new Uint8Array(out.buffer);
}

/** The bytes of int8 output `info` as floats (TFLite's Dequantize: scale * (q - zero point)). */
export function dequantizeOutput(info: TensorInfo, bytes: Uint8Array): Float32Array {
  check(info, bytes.length, "dequantize");
  const call = dequantizeCall(info.elements, info.tensor, -1, info, "scale");
  const out = new Float32Array(info.elements);
  dequantize(call.params as unknown as DequantizeParams, new Int8Array(bytes.buffer, bytes.byteOffset, bytes.length), scaleOf(call), out);
  return out;
}
