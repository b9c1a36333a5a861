/**
 * @fileoverview SVDF, integer, with TFLite Micro's reference semantics
 * (EvalIntegerSvdfReference in micro/kernels/svdf_common.cc at 90b983c2): int8 input and
 * weights_feature, int32 bias, int8 output, and a variable activation state kept across
 * invocations. `svdf` takes int16 weights_time and an int16 state (the converter's choice),
 * `svdfState8` the int8 pair TFLite Micro also accepts. Per invocation:
 *  1. the whole state [batches, filters * memory] moves left by one element (slot memory-1 of
 *     each filter row is the newest);
 *  2. feature: per batch and filter, sum_i wf[f,i] * (x[b,i] + inputOffset) in i32, rescaled by
 *     (multiplier1, shift1), clamped to the state type, plus the state zero point, narrowed
 *     (wrapping) to the state type, written to slot memory-1 (TFLM at 90b983c2 adds the zero
 *     point after the clamp, so a large value can wrap; later TFLM swapped the two);
 *  3. time and reduce: per batch and unit, bias[u] + sum over the unit's `rank` filters of
 *     sum_m wt[f,m] * (state[b,f,m] - state zero point) (i32, wrapping; the grouping of TFLM's
 *     scratch sums does not change a wrapping sum), rescaled by (multiplier2, shift2), plus the
 *     output zero point, clamped to int8. The integer path applies no fused activation.
 * Both keep the state exactly as TFLM does (its reset, an int8 state filled with its zero point
 * and an int16 one with 0, is the program's: every target fills a variable tensor so before the
 * first invocation and on mote_reset()). No scratch: each output sums its filters directly.
 * compiler/ops/svdf.ts fills the record.
 * Arrays: input, weightsFeature, weightsTime, bias, state (read and written), output.
 *
 * `svdfFloat` is the float32 variant (EvalFloatSvdfReference / ApplyTimeWeightsBiasAndActivation):
 * the same steps in f32, each sum from 0 in TFLM's order (a filter's time sum complete before it
 * is added to bias + the previous filters of its unit), then ActivationValFloat (`activation`:
 * 0 none, 1 RELU max(0, x), 2 RELU6, 3 RELU_N1_TO_1, written with TfLiteMax / TfLiteMin's
 * comparisons). The quantization fields are unused there, `activation` in the integer entries.
 */
import type { f32, i32 } from "./types.ts";
import { mbqm, sat16, sat8, toI16, toI8 } from "./intrinsics.ts";

export interface SvdfParams {
  batches: i32;
  inputSize: i32;
  filters: i32;
  units: i32;
  rank: i32;
  memory: i32;
  inputOffset: i32;
  outputOffset: i32;
  multiplier1: i32;
  shift1: i32;
  multiplier2: i32;
  shift2: i32;
  stateZeroPoint: i32;
  activation: i32;
}

/** Feature sum of filter `f` over batch `b`'s input row, rescaled to the state scale (not clamped). */
function feature(p: SvdfParams, input: Int8Array, weightsFeature: Int8Array, b: i32, f: i32): i32 {
  let acc: i32 = 0;
  for (let i: i32 = 0; i < p.inputSize; i++) {
    acc = (acc + weightsFeature[f * p.inputSize + i] * (input[b * p.inputSize + i] + p.inputOffset)) | 0;
  }
  return mbqm(acc, p.multiplier1, p.shift1);
}

export function svdf(
  p: SvdfParams,
  input: Int8Array,
  weightsFeature: Int8Array,
  weightsTime: Int16Array,
  bias: Int32Array,
  state: Int16Array,
  output: Int8Array,
): void {
  const total: i32 = p.batches * p.filters * p.memory;
  for (let k: i32 = 0; k < total - 1; k++) state[k] = state[k + 1];
  for (let b: i32 = 0; b < p.batches; b++) {
    for (let f: i32 = 0; f < p.filters; f++) {
      state[(b * p.filters + f) * p.memory + p.memory - 1] = toI16(p.stateZeroPoint + sat16(feature(p, input, weightsFeature, b, f)));
    }
  }
  for (let b: i32 = 0; b < p.batches; b++) {
    for (let u: i32 = 0; u < p.units; u++) {
      let acc: i32 = bias[u];
      for (let r: i32 = 0; r < p.rank; r++) {
        const f: i32 = u * p.rank + r;
        for (let m: i32 = 0; m < p.memory; m++) {
          acc = (acc + weightsTime[f * p.memory + m] * (state[(b * p.filters + f) * p.memory + m] - p.stateZeroPoint)) | 0;
        }
      }
      output[b * p.units + u] = sat8(mbqm(acc, p.multiplier2, p.shift2) + p.outputOffset);
    }
  }
}

export function svdfState8(
  p: SvdfParams,
  input: Int8Array,
  weightsFeature: Int8Array,
  weightsTime: Int8Array,
  bias: Int32Array,
  state: Int8Array,
  output: Int8Array,
): void {
  const total: i32 = p.batches * p.filters * p.memory;
  for (let k: i32 = 0; k < total - 1; k++) state[k] = state[k + 1];
  for (let b: i32 = 0; b < p.batches; b++) {
    for (let f: i32 = 0; f < p.filters; f++) {
      state[(b * p.filters + f) * p.memory + p.memory - 1] = toI8(p.stateZeroPoint + sat8(feature(p, input, weightsFeature, b, f)));
    }
  }
  for (let b: i32 = 0; b < p.batches; b++) {
    for (let u: i32 = 0; u < p.units; u++) {
      let acc: i32 = bias[u];
      for (let r: i32 = 0; r < p.rank; r++) {
        const f: i32 = u * p.rank + r;
        for (let m: i32 = 0; m < p.memory; m++) {
          acc = (acc + weightsTime[f * p.memory + m] * (state[(b * p.filters + f) * p.memory + m] - p.stateZeroPoint)) | 0;
        }
      }
      output[b * p.units + u] = sat8(mbqm(acc, p.multiplier2, p.shift2) + p.outputOffset);
    }
  }
}

/** ActivationValFloat: TfLiteMax(a, b) = a > b ? a : b, TfLiteMin(a, b) = a < b ? a : b. */
function activateFloat(activation: i32, x: f32): f32 {
  if (activation === 1) {
    return Math.fround(0) > x ? Math.fround(0) : x;
  }
  if (activation === 2) {
    const m: f32 = x < Math.fround(6) ? x : Math.fround(6);
    return Math.fround(0) > m ? Math.fround(0) : m;
  }
  if (activation === 3) {
    const m: f32 = x < Math.fround(1) ? x : Math.fround(1);
    return Math.fround(-1) > m ? Math.fround(-1) : m;
  }
  return x;
}

export function svdfFloat(
  p: SvdfParams,
  input: Float32Array,
  weightsFeature: Float32Array,
  weightsTime: Float32Array,
  bias: Float32Array,
  state: Float32Array,
  output: Float32Array,
): void {
  const total: i32 = p.batches * p.filters * p.memory;
  for (let k: i32 = 0; k < total - 1; k++) state[k] = state[k + 1];
  for (let b: i32 = 0; b < p.batches; b++) {
    for (let f: i32 = 0; f < p.filters; f++) {
      let dot: f32 = Math.fround(0);
      for (let i: i32 = 0; i < p.inputSize; i++) {
        dot = Math.fround(dot + Math.fround(weightsFeature[f * p.inputSize + i] * input[b * p.inputSize + i]));
      }
      state[(b * p.filters + f) * p.memory + p.memory - 1] = dot;
    }
  }
  for (let b: i32 = 0; b < p.batches; b++) {
    for (let u: i32 = 0; u < p.units; u++) {
      let acc: f32 = bias[u];
      for (let r: i32 = 0; r < p.rank; r++) {
        const f: i32 = u * p.rank + r;
        let sum: f32 = Math.fround(0);
        for (let m: i32 = 0; m < p.memory; m++) {
          sum = Math.fround(sum + Math.fround(weightsTime[f * p.memory + m] * state[(b * p.filters + f) * p.memory + m]));
        }
        acc = Math.fround(acc + sum);
      }
      output[b * p.units + u] = activateFloat(p.activation, acc);
    }
  }
}
