/**
 * @fileoverview The float32 conversions of the model's quantized inputs and outputs, compiled from
 * the subset kernels like any op: kernels/quantize.ts (AffineQuantize: round half away from zero
 * of x / scale, plus the zero point, clamped) for each int8 input and kernels/dequantize.ts
 * (scale * (q - zero point)) for each int8 output, with one record per I/O tensor filled by the
 * same lowering as QUANTIZE / DEQUANTIZE (compiler/ops/quantize.ts affineQuantizeCall,
 * compiler/ops/dequantize.ts dequantizeCall). Each mode compiles the call as it compiles its
 * steps (specialized, or generic with a record constant), through the `CompileCall` it passes;
 * the result is IoTensor.convert, which the C emitter (compiler/emit/c/io.ts) wraps in
 * mote_quantize_input() / mote_dequantize_output(). So the helpers are the kernels: no
 * conversion arithmetic is written as C text.
 */
import type { KernelCall } from "../ir/calls.ts";
import type { KernelLibrary } from "../ir/kernels.ts";
import type { ConstantData, IoArg, IoTensor } from "../ir/program.ts";
import { affineQuantizeCall } from "../ops/quantize.ts";
import { dequantizeCall } from "../ops/dequantize.ts";

/** The kernel files the conversions need, when the model has a quantized input or output. */
export function ioKernelStems(inputs: IoTensor[], outputs: IoTensor[]): string[] {
  return [
    ...(inputs.some((t) => t.info.quantized) ? ["quantize"] : []),
    ...(outputs.some((t) => t.info.quantized) ? ["dequantize"] : []),
  ];
}

/**
 * Compiles one conversion call of kernel entry `entryName` (KIR name) with `args` (which it may
 * change: a generic build puts the record constant first) and returns the KIR name to call.
 */
export type CompileCall = (call: KernelCall, entryName: string, args: IoArg[], name: string) => string;

/** The slot of each conversion kernel that takes the caller's floats (its tensor index is -1). */
const VALUES_SLOT: Record<string, string> = { quantize: "inputFloat", dequantize: "output" };

function conversion(call: KernelCall, t: IoTensor, kernels: KernelLibrary, constants: ConstantData[], compile: CompileCall, name: string): IoTensor["convert"] {
  const args = call.args.map((a, i): IoArg => {
    switch (a.kind) {
      case "tensor":
        if (a.tensor === t.tensor) return { k: "arena", offset: t.offset, elem: "i8" };
        if (a.tensor === -1 && call.slots?.[i] === VALUES_SLOT[call.kernel]) return { k: "values", elem: "f32" };
        if (a.tensor === -1) return { k: "null", elem: "i8" };
        throw new Error(`internal: I/O conversion ${name} names tensor ${a.tensor}`);
      case "const": {
        const cname = `mote_io_${a.name}`;
        constants.push({ name: cname, elem: a.elem, values: a.data });
        return { k: "const", name: cname, elem: a.elem };
      }
      case "scratch":
        throw new Error(`internal: I/O conversion ${name} needs scratch`);
    }
  });
  const fn = compile(call, kernels.kirName(call.kernel, call.fn), args, name);
  return { fn, args, count: t.info.elements };
}

/**
 * Sets `convert` on every quantized input and output (TensorInfo.quantized); constants (the
 * scales) are appended to `constants`. The kernels must include ioKernelStems().
 */
export function addIoConversions(
  inputs: IoTensor[], outputs: IoTensor[], kernels: KernelLibrary, constants: ConstantData[], compile: CompileCall,
): void {
  inputs.forEach((t, k) => {
    if (!t.info.quantized) return;
    const call = affineQuantizeCall(t.info.elements, -1, t.tensor, t.info, `input${k}_scale`);
    t.convert = conversion(call, t, kernels, constants, compile, `io_quantize_input${k}`);
  });
  outputs.forEach((t, k) => {
    if (!t.info.quantized) return;
    const call = dequantizeCall(t.info.elements, t.tensor, -1, t.info, `output${k}_scale`);
    t.convert = conversion(call, t, kernels, constants, compile, `io_dequantize_output${k}`);
  });
}
