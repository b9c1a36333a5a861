/**
 * @fileoverview TFLite's int8 quantization arithmetic (tensorflow/lite/tools/optimize/
 * quantization_utils.cc and quantization_spec.md), restated: asymmetric per-tensor activation
 * parameters from a float range, symmetric per-channel int8 weights in [-127, 127], int32 biases
 * with scale in·w[c] (the weight range widened where a bias would not fit), per-tensor constants.
 *
 * Used by quantize.ts. Scales are rounded to float32 here, as the .tflite file stores them, so
 * the in-memory graph and the exported file read back agree bit for bit.
 */

export interface QParams {
  scale: number;
  zeroPoint: number;
}

const QMIN = -128;
const QMAX = 127;
const INT32_MAX = 2147483647;

/**
 * Asymmetric int8 parameters covering [min, max] (widened to contain 0): scale (max-min)/255 and
 * the zero point nudged as GetAsymmetricQuantizationParams does (from whichever end is closer).
 */
export function activationParams(min: number, max: number): QParams {
  const lo = Math.min(min, 0);
  const hi = Math.max(max, 0);
  if (hi === lo) return { scale: 1, zeroPoint: 0 };
  const scale = Math.fround((hi - lo) / (QMAX - QMIN));
  const fromMin = QMIN - lo / scale;
  const fromMax = QMAX - hi / scale;
  const zp = Math.abs(QMIN) + Math.abs(lo / scale) < Math.abs(QMAX) + Math.abs(hi / scale) ? fromMin : fromMax;
  const zeroPoint = (zp < QMIN ? QMIN : zp > QMAX ? QMAX : roundAway(zp)) + 0; // + 0: never -0
  return { scale, zeroPoint };
}

/** real → int8 with params p (round half away from zero, clamped). */
export function quantizeValue(x: number, p: QParams): number {
  const q = roundAway(x / p.scale) + p.zeroPoint;
  return Math.min(QMAX, Math.max(QMIN, q));
}

export function roundAway(x: number): number {
  return x < 0 ? -Math.round(-x) : Math.round(x);
}

/** Channel count along `dim` and the channel of flat element i, for a row-major `shape`. */
function channelOf(shape: number[], dim: number): { channels: number; of: (i: number) => number } {
  const inner = shape.slice(dim + 1).reduce((a, b) => a * b, 1);
  const channels = shape[dim]!;
  return { channels, of: (i) => Math.floor(i / inner) % channels };
}

export interface QuantizedWeights {
  data: Int8Array;
  scales: number[];
}

/**
 * Symmetric per-channel int8 along `dim`: scale_c = max|w_c| / 127 (at least `minScales[c]`,
 * which bias widening sets), q = round(w / scale_c) clamped to ±127.
 */
export function quantizeWeights(w: Float32Array, shape: number[], dim: number, minScales?: number[]): QuantizedWeights {
  const { channels, of } = channelOf(shape, dim);
  const absMax = new Array<number>(channels).fill(0);
  for (let i = 0; i < w.length; i++) absMax[of(i)] = Math.max(absMax[of(i)]!, Math.abs(w[i]!));
  const scales = absMax.map((m, c) => {
    const s = Math.max(m / 127, minScales?.[c] ?? 0);
    return s === 0 ? 1 : Math.fround(s);
  });
  const data = new Int8Array(w.length);
  for (let i = 0; i < w.length; i++) data[i] = Math.max(-127, Math.min(127, roundAway(w[i]! / scales[of(i)]!)));
  return { data, scales };
}

/**
 * The smallest weight scale per channel that keeps round(b / (s_in · s_w)) inside int32 (the
 * bias check of quantize_model.cc); 0 where the bias already fits.
 */
export function biasWideningScales(bias: Float32Array, inScale: number): number[] {
  return Array.from(bias, (b) => {
    const need = Math.abs(b) / (inScale * (INT32_MAX - 1));
    return need > 0 ? Math.fround(need * (1 + 1e-6)) : 0;
  });
}

/** int32 bias: round(b[c] / (s_in · s_w[c])), zero point 0. */
export function quantizeBias(bias: Float32Array, inScale: number, wScales: number[]): { data: Int32Array; scales: number[] } {
  const scales = bias.length === 0 ? [] : Array.from(bias, (_, c) => Math.fround(inScale * wScales[wScales.length === 1 ? 0 : c]!));
  const data = Int32Array.from(bias, (b, c) => Math.max(-INT32_MAX, Math.min(INT32_MAX, roundAway(b / scales[c]!))));
  return { data, scales };
}

/** A constant operand (of ADD, MUL, PRELU, ...) quantized per tensor from its own range. */
export function quantizeConstant(v: Float32Array, p?: QParams): { data: Int8Array; params: QParams } {
  let lo = 0;
  let hi = 0;
  for (const x of v) {
    lo = Math.min(lo, x);
    hi = Math.max(hi, x);
  }
  const params = p ?? activationParams(lo, hi);
  return { data: Int8Array.from(v, (x) => quantizeValue(x, params)), params };
}

/** Fixed output parameters of TFLite's spec (SOFTMAX, LOGISTIC: 1/256, -128; TANH: 1/128, 0). */
export const FIXED_OUTPUT: Readonly<Record<string, QParams>> = {
  SOFTMAX: { scale: 1 / 256, zeroPoint: -128 },
  LOGISTIC: { scale: 1 / 256, zeroPoint: -128 },
  TANH: { scale: 1 / 128, zeroPoint: 0 },
};

/** Ops whose int8 output has their (first) input's parameters (quantization_spec.md). */
export const SAME_AS_INPUT = new Set([
  "AVERAGE_POOL_2D", "MAX_POOL_2D", "RESHAPE", "SQUEEZE", "PAD", "PADV2", "TRANSPOSE",
  "RESIZE_BILINEAR", "RESIZE_NEAREST_NEIGHBOR", "STRIDED_SLICE", "SPLIT", "SPLIT_V",
]);

/** Ops whose output params win and whose differing inputs get a requantizing QUANTIZE. */
export const OUTPUT_WINS = new Set(["CONCATENATION", "MAXIMUM", "MINIMUM"]);

/** Operator versions TFLite's converter writes for these int8 ops (lite/tools/versioning/op_version.cc). */
export const INT8_VERSIONS: Readonly<Record<string, number>> = {
  CONV_2D: 3, DEPTHWISE_CONV_2D: 3, FULLY_CONNECTED: 4, AVERAGE_POOL_2D: 2, MAX_POOL_2D: 2,
  ADD: 2, SUB: 2, MUL: 2, SOFTMAX: 2, LOGISTIC: 2, TANH: 2, CONCATENATION: 2, MEAN: 2, PAD: 2,
  PADV2: 2, QUANTIZE: 2, MAXIMUM: 2, MINIMUM: 2, RELU: 2, RELU6: 2, LEAKY_RELU: 2, PRELU: 1,
  RESHAPE: 1, SQUEEZE: 1, TRANSPOSE: 2, STRIDED_SLICE: 2,
};
