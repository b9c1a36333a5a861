/**
 * @fileoverview Compile-time quantization arithmetic, exactly as TFLite Micro does it at Prepare.
 *
 * `quantizeMultiplier` is TFLite's QuantizeMultiplier (kernels/internal/quantization_util.cc,
 * tflite-micro 90b983c2, without TFLITE_SINGLE_ROUNDING): frexp in double, round q*2^31 half
 * away from zero, q == 2^31 renormalised, shift < -31 flushed to zero. The scale helpers follow
 * kernels/kernel_util.cc expression by expression (which products are float32 and which are
 * double matters for the last bit of the multiplier). Used by compiler/ops/<op>.ts; kernels
 * consume the results through intrinsics.mbqm (positive shift = left shift).
 *
 * Invariant: graph scales are float32 values held in JS doubles (exact), so `double(scale)`
 * in C++ is the JS number itself and float32 arithmetic is written with Math.fround.
 *
 * Invariant (no accepted value leads a kernel to undefined behaviour): every multiplier the
 * lowerings compute goes through `quantizeMultiplier` (or `checkedMultiplier` for the ones built
 * from frexp directly), which asserts that the kernels can apply it: a finite real multiplier,
 * a Q31 significand inside int32 and a shift in [SHIFT_MIN, SHIFT_MAX] (TFLite Micro's
 * MultiplyByQuantizedMultiplier range; mote_mbqm shifts by at most 31 bits, so no C shift is ever
 * 32 bits or more). A value outside throws `UnrepresentableMultiplier`, which `lowerGraph`
 * (index.ts) turns into MOTE1020 naming the op and its tensors' scales; escaping anywhere else it
 * is an internal error. test/import/tflite-quant-validation.test.ts and the fuzzer (test/fuzz/) check both.
 */

export interface QuantizedMultiplier {
  /** Q31 significand in [2^30, 2^31) (or its negative, or 0). */
  multiplier: number;
  /** Power-of-two exponent: positive shifts left, negative shifts right. */
  shift: number;
}

const F64 = new Float64Array(1);
const U32 = new Uint32Array(F64.buffer);
// Index of the high word of a double in U32 (little-endian hosts: 1).
const HI = new Uint8Array(new Uint16Array([1]).buffer)[0] === 1 ? 1 : 0;

/** C's frexp: x = fraction * 2^exponent with |fraction| in [0.5, 1); exact (bit manipulation). */
export function frexp(x: number): { fraction: number; exponent: number } {
  if (x === 0 || !Number.isFinite(x)) return { fraction: x, exponent: 0 };
  F64[0] = x;
  const biased = (U32[HI] >>> 20) & 0x7ff;
  if (biased === 0) {
    // Subnormal: scale into the normal range first (exact: a power of two).
    const r = frexp(x * 2 ** 64);
    return { fraction: r.fraction, exponent: r.exponent - 64 };
  }
  U32[HI] = (U32[HI] & 0x800fffff) | (1022 << 20);
  return { fraction: F64[0], exponent: biased - 1022 };
}

/** std::round: nearest integer, halves away from zero. */
export function roundHalfAwayFromZero(x: number): number {
  const t = Math.trunc(x);
  // x - trunc(x) is exact in double, so the tie test is exact for every input.
  const frac = x - t;
  if (frac >= 0.5) return t + 1;
  if (frac <= -0.5) return t - 1;
  return t;
}

/** The shifts a kernel may apply (positive: left). */
export const SHIFT_MIN = -31;
export const SHIFT_MAX = 30;

/** A multiplier no kernel can apply; index.ts `lowerGraph` reports it as MOTE1020 for its op. */
export class UnrepresentableMultiplier extends Error {
  constructor(readonly real: number, readonly reason: string) {
    super(`internal error: requantization multiplier ${real} cannot be applied (${reason}) and no check rejected the model`);
    this.name = "UnrepresentableMultiplier";
  }
}

/** The invariant's one check: `q` (from `real`) is a multiplier/shift pair the kernels can apply. */
export function checkedMultiplier(real: number, q: QuantizedMultiplier, shiftMin = SHIFT_MIN, shiftMax = SHIFT_MAX): QuantizedMultiplier {
  if (!Number.isFinite(real)) throw new UnrepresentableMultiplier(real, "not a finite number");
  if (!(Number.isInteger(q.multiplier) && q.multiplier >= -(2 ** 31) && q.multiplier < 2 ** 31)) {
    throw new UnrepresentableMultiplier(real, `Q31 multiplier ${q.multiplier} is outside int32`);
  }
  if (!(Number.isInteger(q.shift) && q.shift >= shiftMin && q.shift <= shiftMax)) {
    throw new UnrepresentableMultiplier(real, `shift ${q.shift} is outside [${shiftMin}, ${shiftMax}]`);
  }
  return q;
}

/** TFLite's QuantizeMultiplier(double, int32_t*, int*), checked (`checkedMultiplier`). */
export function quantizeMultiplier(realMultiplier: number): QuantizedMultiplier {
  return checkedMultiplier(realMultiplier, quantizeMultiplierUnchecked(realMultiplier));
}

/**
 * TFLite's QuantizeMultiplierGreaterThanOne as SOFTMAX's input scaling uses it: the real value is
 * capped at 2^31 - 1 there, so the left shift reaches 31, which the kernel applies to differences
 * whose radius is then 0 (checked: shift in [0, 31]).
 */
export function quantizeMultiplierGreaterThanOne(realMultiplier: number): QuantizedMultiplier {
  return checkedMultiplier(realMultiplier, quantizeMultiplierUnchecked(realMultiplier), 0, 31);
}

function quantizeMultiplierUnchecked(realMultiplier: number): QuantizedMultiplier {
  if (realMultiplier === 0) return { multiplier: 0, shift: 0 };
  const { fraction, exponent } = frexp(realMultiplier);
  let shift = exponent;
  let qFixed = roundHalfAwayFromZero(fraction * 2 ** 31);
  if (qFixed === 2 ** 31) {
    qFixed /= 2;
    shift++;
  }
  if (shift < -31) {
    shift = 0;
    qFixed = 0;
  }
  return { multiplier: qFixed, shift };
}

/**
 * Per-channel effective scale, PopulateConvolutionQuantizationParams and the per-channel
 * branch of CalculateOpDataFullyConnected: double(input) * double(filter[c]) / double(output),
 * evaluated left to right in double.
 */
export function perChannelScale(inputScale: number, filterScale: number, outputScale: number): number {
  return (inputScale * filterScale) / outputScale;
}

/**
 * Per-tensor FULLY_CONNECTED scale, GetQuantizedConvolutionMultipler:
 * double(float(input * filter)) / double(output) — the product is a float32 product.
 */
export function perTensorConvScale(inputScale: number, filterScale: number, outputScale: number): number {
  return Math.fround(inputScale * filterScale) / outputScale;
}

/**
 * Multipliers and shifts for `channels` output channels (CONV_2D / DEPTHWISE_CONV_2D /
 * per-channel FULLY_CONNECTED): a single filter scale is broadcast, as TFLM does.
 */
export function perChannelMultipliers(
  inputScale: number,
  filterScales: readonly number[],
  outputScale: number,
  channels: number,
): { multipliers: number[]; shifts: number[] } {
  const multipliers: number[] = [];
  const shifts: number[] = [];
  for (let c = 0; c < channels; c++) {
    const fs = filterScales.length > 1 ? filterScales[c] : filterScales[0];
    const q = quantizeMultiplier(perChannelScale(inputScale, fs, outputScale));
    multipliers.push(q.multiplier);
    shifts.push(q.shift);
  }
  return { multipliers, shifts };
}
