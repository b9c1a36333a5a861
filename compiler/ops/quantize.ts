/**
 * @fileoverview Lowers QUANTIZE to kernels/quantize.ts, doing TFLite Micro's
 * PrepareQuantizeReference (micro/kernels/quantize_common.cc at 90b983c2) at compile time:
 *
 * - float32 -> int8: AffineQuantize divides by float(output scale) (the double Prepare stores,
 *   narrowed back to the float32 it came from), passed as a one-element f32 constant.
 * - int8 -> int8: Requantize with QuantizeMultiplier(double(input scale) / double(output scale)).
 *
 * Where int16 is involved (float32 -> int16, int8 <-> int16, int16 -> int16) the call is
 * quantize16, the same arithmetic clamped to the output type. The output must have one
 * (per-tensor) scale, as TFLM requires; int32 and uint8 variants and per-channel outputs are
 * rejected.
 */
import type { DType, Graph, Op } from "../ir/graph.ts";
import { FROM_FLOAT, FROM_INT16, FROM_INT8, type Quantize16Params, type QuantizeParams } from "../../kernels/quantize.ts";
import { INT16 } from "./int16.ts";
import { opError, tensorQuant } from "./operands.ts";
import { quantizeMultiplier } from "./quant.ts";
import type { KernelCall, LowerOp } from "./types.ts";
import { unaryOperands } from "./unary.ts";
import type { InPlaceHook } from "../ir/hooks.ts";
import { elementwiseInPlace } from "./inplace.ts";
import { kernelCall, type KernelContract } from "./contract.ts";

/** kernels/quantize.ts's array parameters, in order. */
export const QUANTIZE_SLOTS = ["input", "inputFloat", "scale", "output"] as const;

/** kernels/quantize.ts quantize16's array parameters (where int16 is involved). */
export const QUANTIZE_16_SLOTS = ["input8", "input16", "inputFloat", "scale", "output8", "output16"] as const;

export function lowerQuantize(graph: Graph, op: Op): KernelCall[] {
  // int32 outputs only from int8 or int16 (TFLM's Requantize); float32 -> int32 is refused by name.
  const fromInt = ["int8", "int16"].includes(graph.tensors[op.inputs[0]]?.dtype ?? "");
  const outTypes: DType[] = fromInt ? ["int8", "int16", "int32"] : ["int8", "int16"];
  const { input, output, size } = unaryOperands(graph, op, ["float32", "int8", "int16"], outTypes);
  if (output.dtype === "int32") return lowerQuantizeToInt32(graph, op, size);
  if (input.dtype === "int16" || output.dtype === "int16") return lowerQuantize16(graph, op, size);
  const outQ = tensorQuant(graph, op, output, "output");
  const fromFloat = input.dtype === "float32";
  let multiplier = 0;
  let shift = 0;
  let inputZeroPoint = 0;
  if (!fromFloat) {
    const inQ = tensorQuant(graph, op, input, "input");
    const q = quantizeMultiplier(inQ.scale / outQ.scale);
    if (q.shift > 31) {
      opError(graph, op, `input scale ${inQ.scale} / output scale ${outQ.scale} is too large to requantize (shift ${q.shift} > 31)`);
    }
    multiplier = q.multiplier;
    shift = q.shift;
    inputZeroPoint = inQ.zeroPoint;
  }
  if (fromFloat) return [affineQuantizeCall(size, input.index, output.index, outQ, `op${op.index}_scale`)];
  const params: QuantizeParams = {
    size, fromFloat: 0, inputZeroPoint, outputZeroPoint: outQ.zeroPoint, multiplier, shift,
  };
  return [kernelCall("quantize", "quantize", QUANTIZE_SLOTS, params, {
    input: { kind: "tensor", tensor: input.index },
    inputFloat: { kind: "tensor", tensor: -1 },
    scale: { kind: "const", name: `op${op.index}_scale`, elem: "f32", data: [Math.fround(outQ.scale)] },
    output: { kind: "tensor", tensor: output.index },
  }, 0)];
}

/** QUANTIZE from or to int16 (float32 -> int16, int8 <-> int16, int16 -> int16): one call of quantize16. */
function lowerQuantize16(graph: Graph, op: Op, size: number): KernelCall[] {
  const input = graph.tensors[op.inputs[0]];
  const output = graph.tensors[op.outputs[0]];
  const outQ = tensorQuant(graph, op, output, "output");
  const params: Quantize16Params = {
    size, inputType: input.dtype === "float32" ? FROM_FLOAT : input.dtype === "int8" ? FROM_INT8 : FROM_INT16,
    output16: output.dtype === "int16" ? 1 : 0, inputZeroPoint: 0, outputZeroPoint: outQ.zeroPoint, multiplier: 0, shift: 0,
  };
  if (input.dtype !== "float32") {
    const inQ = tensorQuant(graph, op, input, "input");
    const q = quantizeMultiplier(inQ.scale / outQ.scale);
    if (q.shift > 31) {
      opError(graph, op, `input scale ${inQ.scale} / output scale ${outQ.scale} is too large to requantize (shift ${q.shift} > 31)`);
    }
    params.multiplier = q.multiplier;
    params.shift = q.shift;
    params.inputZeroPoint = inQ.zeroPoint;
  }
  const none = { kind: "tensor", tensor: -1 } as const;
  const at = (ok: boolean, t: number) => (ok ? { kind: "tensor" as const, tensor: t } : none);
  return [kernelCall("quantize", "quantize16", QUANTIZE_16_SLOTS, params, {
    input8: at(input.dtype === "int8", input.index),
    input16: at(input.dtype === "int16", input.index),
    inputFloat: at(input.dtype === "float32", input.index),
    scale: { kind: "const", name: `op${op.index}_scale`, elem: "f32", data: [Math.fround(outQ.scale)] },
    output8: at(output.dtype === "int8", output.index),
    output16: at(output.dtype === "int16", output.index),
  }, 0)];
}

/** kernels/quantize.ts quantizeToInt32's array parameters. */
export const QUANTIZE_32_SLOTS = ["input8", "input16", "output32"] as const;

/** QUANTIZE int8 or int16 -> int32 (TFLM's Requantize to int32): one call of quantizeToInt32. */
function lowerQuantizeToInt32(graph: Graph, op: Op, size: number): KernelCall[] {
  const input = graph.tensors[op.inputs[0]];
  const output = graph.tensors[op.outputs[0]];
  const inQ = tensorQuant(graph, op, input, "input");
  const outQ = tensorQuant(graph, op, output, "output");
  const q = quantizeMultiplier(inQ.scale / outQ.scale);
  if (q.shift > 31) {
    opError(graph, op, `input scale ${inQ.scale} / output scale ${outQ.scale} is too large to requantize (shift ${q.shift} > 31)`);
  }
  const params: Quantize16Params = {
    size, inputType: input.dtype === "int8" ? FROM_INT8 : FROM_INT16, output16: 0,
    inputZeroPoint: inQ.zeroPoint, outputZeroPoint: outQ.zeroPoint, multiplier: q.multiplier, shift: q.shift,
  };
  const none = { kind: "tensor", tensor: -1 } as const;
  return [kernelCall("quantize", "quantizeToInt32", QUANTIZE_32_SLOTS, params, {
    input8: input.dtype === "int8" ? { kind: "tensor", tensor: input.index } : none,
    input16: input.dtype === "int16" ? { kind: "tensor", tensor: input.index } : none,
    output32: { kind: "tensor", tensor: output.index },
  }, 0)];
}

/**
 * float32 -> int8 (AffineQuantize) of `size` elements from tensor `input` (-1: the caller's
 * floats, slot "inputFloat": mote_quantize_input(), compiler/build/io.ts) into tensor `output`
 * with its per-tensor scale and zero point; the scale is the constant `scaleName`.
 */
export function affineQuantizeCall(
  size: number, input: number, output: number, q: { scale: number; zeroPoint: number }, scaleName: string,
): KernelCall {
  const params: QuantizeParams = { size, fromFloat: 1, inputZeroPoint: 0, outputZeroPoint: q.zeroPoint, multiplier: 0, shift: 0 };
  return kernelCall("quantize", "quantize", QUANTIZE_SLOTS, params, {
    input: { kind: "tensor", tensor: -1 },
    inputFloat: { kind: "tensor", tensor: input },
    scale: { kind: "const", name: scaleName, elem: "f32", data: [Math.fround(q.scale)] },
    output: { kind: "tensor", tensor: output },
  }, 0);
}

export const CONTRACTS: KernelContract[] = [
  { kernel: "quantize", fn: "quantize", slots: QUANTIZE_SLOTS },
  { kernel: "quantize", fn: "quantize16", slots: QUANTIZE_16_SLOTS },
  { kernel: "quantize", fn: "quantizeToInt32", slots: QUANTIZE_32_SLOTS },
];

export const ACTIVATION_TYPES = { QUANTIZE: INT16 };

export const OPCODES: Record<string, LowerOp> = { QUANTIZE: lowerQuantize };

/** Each output element is written after its own input elements are read (compiler/ops/inplace.ts). */
export const IN_PLACE: Record<string, InPlaceHook> = {
  // quantize16 and quantizeToInt32 (slots by type, wider outputs) are not run in place.
  QUANTIZE: (ctx) => (ctx.call.fn === "quantize" ? elementwiseInPlace(ctx) : undefined),
};

export const NOTES: Record<string, string> = {
  QUANTIZE:
    "float32 -> int8 (round half away from zero of x / scale, as TFLite Micro's AffineQuantize) and int8 -> int8 requantization; with int16: float32 -> int16, int8 -> int16, int16 -> int8 and int16 -> int16 (quantize16); int8 or int16 -> int32 requantization (quantizeToInt32, as TFLite Micro's Requantize); per-tensor output quantization only; int32 inputs and uint8 are not supported.",
};

/** What is left against TFLite Micro (docs/operators.md). */
export const LEFT: Record<string, string> = {
  QUANTIZE: "int32 inputs; uint8 inputs and outputs; per-channel outputs.",
};
