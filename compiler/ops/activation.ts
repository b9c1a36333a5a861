/**
 * @fileoverview Fused activation -> [min, max] in the quantized output domain, as TFLite's
 * CalculateActivationRangeQuantized (kernels/kernel_util.cc, tflite-micro 90b983c2).
 *
 * Each bound is zero_point + int(round_float(float(f) / float(scale))) with std::round (halves
 * away from zero) in float32, intersected with the output type's range. Used by every
 * compiler/ops/<op>.ts with a fused activation. Activations TFLM's int8 kernels do not clamp
 * (TANH, SIGN_BIT) are rejected by the caller as unsupported.
 */
import { roundHalfAwayFromZero } from "./quant.ts";

export type FusedActivation = "NONE" | "RELU" | "RELU_N1_TO_1" | "RELU6";

export const SUPPORTED_ACTIVATIONS: readonly FusedActivation[] = ["NONE", "RELU", "RELU_N1_TO_1", "RELU6"];

const TYPE_RANGE: Record<string, [number, number]> = {
  int8: [-128, 127],
  uint8: [0, 255],
  int16: [-32768, 32767],
};

/** TFLite's Quantize(scale, zero_point, f) in kernel_util.cc: float arithmetic, std::round. */
function quantizeReal(scale: number, zeroPoint: number, f: number): number {
  const tmp = Math.fround(roundHalfAwayFromZero(Math.fround(Math.fround(f) / Math.fround(scale))));
  return zeroPoint + Math.trunc(tmp);
}

export function isSupportedActivation(a: unknown): a is FusedActivation {
  return typeof a === "string" && (SUPPORTED_ACTIVATIONS as readonly string[]).includes(a);
}

/** Activation clamp for an output tensor of `dtype` ("int8" unless told) and quantization. */
export function activationRange(
  activation: FusedActivation,
  scale: number,
  zeroPoint: number,
  dtype: string = "int8",
): { min: number; max: number } {
  const range = TYPE_RANGE[dtype];
  if (range === undefined) throw new Error(`activationRange: no quantized range for ${dtype}`);
  const [qmin, qmax] = range;
  switch (activation) {
    case "RELU":
      return { min: Math.max(qmin, quantizeReal(scale, zeroPoint, 0)), max: qmax };
    case "RELU6":
      return {
        min: Math.max(qmin, quantizeReal(scale, zeroPoint, 0)),
        max: Math.min(qmax, quantizeReal(scale, zeroPoint, 6)),
      };
    case "RELU_N1_TO_1":
      return {
        min: Math.max(qmin, quantizeReal(scale, zeroPoint, -1)),
        max: Math.min(qmax, quantizeReal(scale, zeroPoint, 1)),
      };
    default:
      return { min: qmin, max: qmax };
  }
}
