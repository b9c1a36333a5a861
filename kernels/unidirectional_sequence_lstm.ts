/**
 * @fileoverview UNIDIRECTIONAL_SEQUENCE_LSTM, integer, bit-exact with TFLite Micro's reference
 * LSTM (micro/kernels/lstm_eval.{h,cc}, lstm_eval_common.cc at 90b983c2): int8 activations with
 * int8 weights and int32 biases (`unidirectionalSequenceLstm`), and the 16x8 variant, int16
 * activations with int8 weights and int64 biases accumulated in 64 bits (`unidirectionalSequenceLstm16`).
 * Both keep an int16 cell state; no peephole, projection, layer norm or CIFG.
 *
 * Per time step and batch row (TFLM's LstmStep; rows are independent, so one row's four gates
 * are computed, then its cell and hidden state are updated):
 *  - each gate k = g * units + s (g: 0 input, 1 forget, 2 cell, 3 output): the input FC (with
 *    the gate bias) and the recurrent FC (no bias) are each requantized to int16 at 2^-12
 *    (multiplier and shift from `quant`, 4 per gate: input FC, recurrent FC), added with int16
 *    saturation, then sigmoid (gates 0, 1, 3) or tanh (gate 2) to Q0.15, TFLM's int16
 *    Logistic(0, 0) / Tanh(-12) on the sigmoid table (`table`, TFLite's sigmoid_table_uint16);
 *  - cell = sat16(mul(forget, cell) + mul(input, cellGate)), optionally clipped to +-cellClip;
 *  - hidden = mul(tanh(cell), outputGate) + hidden zero point, clamped to [actMin, actMax];
 *    the output row of the step is the new hidden state.
 * `mul` is TFLite's MulElementwise (int16 x int16 product, MultiplyByQuantizedMultiplier).
 *
 * Layouts (compiler/ops/unidirectional_sequence_lstm.ts fills them): input rows of inputSize,
 * output rows of units; step (o, t, r) reads input row o * outerStride + t * stepStride + r and
 * state row o + r (time-major: outer 1, rows = batches, stepStride = batches; batch-major:
 * outer = batches, rows 1, outerStride = steps, stepStride 1). inputWeights [4 * units,
 * inputSize] and recurrentWeights [4 * units, units] are the four gates' matrices stacked.
 * int8: `bias` [4 * units] holds each gate bias with the input offset folded in (bias - inputZp *
 * sum of the weight row, exact in wrapping i32 as TFLM's accumulator), so the input FC multiplies
 * raw inputs. The hidden and cell states hold TFLM's values (their reset, the int8 hidden state
 * filled with its zero point and the cell state with 0, is the program's: every target fills a
 * variable tensor so before the first invocation and on mote_reset()).
 * 16x8: `bias` holds {lo, hi} pairs of the int64 biases; zero points are 0.
 * `gates` is scratch of 4 * units int16.
 *
 * `unidirectionalSequenceLstmFloat` is the float32 LSTM (TFLM's LstmStep<float, float, float,
 * float>): each gate's input FC (sum from 0 in weight order, + bias) and recurrent FC (+ 0.0f: no
 * recurrent bias) clamped to [lowest, max] (CreateFCParamsFloat), added, then TFLM's float
 * Logistic (1 beyond 16.619047, e^x below -9, else 1 / (1 + e^-x)) or tanh; cell = forget * cell
 * (clamped to [lowest, max] as every float Mul), + input * cellGate, clipped to +-clip[0] when
 * cellClip >= 0; hidden = tanh(cell) * outputGate. TFLM takes e^x and tanh from the C library;
 * here e^x is kernels/float_unary.ts's expF32 (1 ulp) and tanh `tanhF32` below (f32 operations,
 * within 3 ulp measured), so every target agrees bit for bit and TFLM within a few ulp.
 * Quantization fields of the record are unused; `gates` is scratch of 4 * units f32.
 */
import type { f32, i32 } from "./types.ts";
import { mbqm, sat16, toI16 } from "./intrinsics.ts";
import { ltu, mbqm64 } from "./common/wide.ts";
import { expF32 } from "./float_unary.ts";

export interface LstmParams {
  outer: i32;
  rows: i32;
  steps: i32;
  outerStride: i32;
  stepStride: i32;
  inputSize: i32;
  units: i32;
  hiddenZeroPoint: i32;
  actMin: i32;
  actMax: i32;
  /** forget gate x cell -> cell (2^-15 * cs / cs) */
  forgetMultiplier: i32;
  forgetShift: i32;
  /** input gate x cell gate -> cell (2^-15 * 2^-15 / cs) */
  inputMultiplier: i32;
  inputShift: i32;
  /** tanh(cell) x output gate -> hidden (2^-15 * 2^-15 / hidden scale) */
  hiddenMultiplier: i32;
  hiddenShift: i32;
  /** -1: no clip (cell_clip <= 0); else TFLM's quantized_cell_clip (0 clips every cell to 0, as TFLM does) */
  cellClip: i32;
  /** TFLM's Tanh(cell_state_scale_power) input scaling: multiplier and right shift */
  cellTanhMultiplier: i32;
  cellTanhShift: i32;
}

/** Taps summed in i32 before joining the 64-bit accumulator: 128 * 128 * 32768 = 2^29. */
const WIDE_BLOCK: i32 = 128;

/** TFLite's int16 Logistic(0, 0) of one Q3.12 value: Q0.15 (reference_integer_ops::Logistic). */
function sigmoidQ15(x: i32, table: Int32Array): i32 {
  const v: i32 = x * 3;
  const ax: i32 = Math.abs(v);
  const uh: i32 = ax >> 9;
  let result: i32 = 0x7fff << 10;
  if (uh < 255) {
    const ua: i32 = table[uh];
    result = (ua << 9) + (ax & 0x1ff) * (table[uh + 1] - ua);
  }
  if (v >= 0) {
    result = result + 512;
  } else {
    result = (1 << 25) - result + 511;
  }
  return toI16(result >> 10);
}

/** TFLite's int16 Tanh(multiplier, shift) of one value (reference_integer_ops::Tanh): Q0.15. */
function tanhQ15(x: i32, multiplier: i32, shift: i32, table: Int32Array): i32 {
  let round: i32 = 0;
  if (shift > 0) {
    round = 1 << (shift - 1);
  }
  const v: i32 = (x * multiplier + round) >> shift;
  const ax: i32 = Math.abs(v);
  const uh: i32 = ax >> 8;
  let result: i32 = 0xffff << 8;
  if (uh < 255) {
    const ua: i32 = table[uh];
    result = (ua << 8) + (ax & 0xff) * (table[uh + 1] - ua);
  }
  if (v >= 0) {
    result = result - (1 << 23) + 128;
  } else {
    result = (1 << 23) - result + 127;
  }
  return toI16(result >> 8);
}

/** Gate g's activation of its int16 pre-activation (2^-12): tanh for the cell gate, else sigmoid. */
function gateActivation(pre: i32, g: i32, table: Int32Array): i32 {
  if (g === 2) {
    return tanhQ15(pre, 3, 0, table);
  }
  return sigmoidQ15(pre, table);
}

/** The cell update of one state row (UpdateLstmCell): gates [4 * units] of that row. */
function updateCell(p: LstmParams, cell: Int16Array, gates: Int16Array, base: i32): void {
  const u: i32 = p.units;
  for (let s: i32 = 0; s < u; s++) {
    const forget: i32 = sat16(mbqm(gates[u + s] * cell[base + s], p.forgetMultiplier, p.forgetShift));
    const update: i32 = sat16(mbqm(gates[s] * gates[2 * u + s], p.inputMultiplier, p.inputShift));
    let c: i32 = sat16(forget + update);
    if (p.cellClip >= 0) {
      c = Math.max(Math.min(p.cellClip, c), -p.cellClip);
    }
    cell[base + s] = c;
  }
}

/** The new hidden value of state element s (UpdateLstmHidden), before it is stored. */
function hiddenValue(p: LstmParams, cell: Int16Array, gates: Int16Array, base: i32, s: i32, table: Int32Array): i32 {
  const t: i32 = tanhQ15(cell[base + s], p.cellTanhMultiplier, p.cellTanhShift, table);
  const h: i32 = mbqm(t * gates[3 * p.units + s], p.hiddenMultiplier, p.hiddenShift) + p.hiddenZeroPoint;
  return Math.min(Math.max(h, p.actMin), p.actMax);
}

/** int8 activations, int8 weights, int32 biases (input offset folded), int16 cell state. */
export function unidirectionalSequenceLstm(
  p: LstmParams,
  input: Int8Array,
  inputWeights: Int8Array,
  recurrentWeights: Int8Array,
  bias: Int32Array,
  quant: Int32Array,
  table: Int32Array,
  hidden: Int8Array,
  cell: Int16Array,
  output: Int8Array,
  gates: Int16Array,
): void {
  const u: i32 = p.units;
  for (let o: i32 = 0; o < p.outer; o++) {
    for (let t: i32 = 0; t < p.steps; t++) {
      for (let r: i32 = 0; r < p.rows; r++) {
        const row: i32 = o * p.outerStride + t * p.stepStride + r;
        const inBase: i32 = row * p.inputSize;
        const base: i32 = (o + r) * u;
        for (let g: i32 = 0; g < 4; g++) {
          for (let s: i32 = 0; s < u; s++) {
            const k: i32 = g * u + s;
            let acc: i32 = bias[k];
            const wBase: i32 = k * p.inputSize;
            for (let i: i32 = 0; i < p.inputSize; i++) {
              acc = (acc + inputWeights[wBase + i] * input[inBase + i]) | 0;
            }
            let racc: i32 = 0;
            const rBase: i32 = k * u;
            for (let j: i32 = 0; j < u; j++) {
              racc = (racc + recurrentWeights[rBase + j] * (hidden[base + j] - p.hiddenZeroPoint)) | 0;
            }
            const fromInput: i32 = sat16(mbqm(acc, quant[4 * g], quant[4 * g + 1]));
            const fromHidden: i32 = sat16(mbqm(racc, quant[4 * g + 2], quant[4 * g + 3]));
            gates[k] = gateActivation(sat16(fromInput + fromHidden), g, table);
          }
        }
        updateCell(p, cell, gates, base);
        const outBase: i32 = row * u;
        for (let s: i32 = 0; s < u; s++) {
          const h: i32 = hiddenValue(p, cell, gates, base, s, table);
          hidden[base + s] = h;
          output[outBase + s] = h;
        }
      }
    }
  }
}

/** 16x8: int16 activations (zero point 0), int8 weights, int64 biases as {lo, hi} pairs, 64-bit accumulators. */
export function unidirectionalSequenceLstm16(
  p: LstmParams,
  input: Int16Array,
  inputWeights: Int8Array,
  recurrentWeights: Int8Array,
  bias: Int32Array,
  quant: Int32Array,
  table: Int32Array,
  hidden: Int16Array,
  cell: Int16Array,
  output: Int16Array,
  gates: Int16Array,
): void {
  const u: i32 = p.units;
  for (let o: i32 = 0; o < p.outer; o++) {
    for (let t: i32 = 0; t < p.steps; t++) {
      for (let r: i32 = 0; r < p.rows; r++) {
        const row: i32 = o * p.outerStride + t * p.stepStride + r;
        const inBase: i32 = row * p.inputSize;
        const base: i32 = (o + r) * u;
        for (let g: i32 = 0; g < 4; g++) {
          for (let s: i32 = 0; s < u; s++) {
            const k: i32 = g * u + s;
            // Input FC: 64-bit sum of the taps, then the int64 bias.
            let hi: i32 = 0;
            let lo: i32 = 0;
            const wBase: i32 = k * p.inputSize;
            let d: i32 = 0;
            while (d < p.inputSize) {
              const end: i32 = Math.min(d + WIDE_BLOCK, p.inputSize);
              let sum: i32 = 0;
              while (d < end) {
                sum = sum + inputWeights[wBase + d] * input[inBase + d];
                d++;
              }
              const next: i32 = (lo + sum) | 0;
              hi = (hi + (sum >> 31) + ltu(next, lo)) | 0;
              lo = next;
            }
            const withBias: i32 = (lo + bias[2 * k]) | 0;
            hi = (hi + bias[2 * k + 1] + ltu(withBias, lo)) | 0;
            lo = withBias;
            const fromInput: i32 = sat16(mbqm64(hi, lo, quant[4 * g], quant[4 * g + 1]));
            // Recurrent FC: no bias, still TFLM's int64 accumulator and requantization.
            let rhi: i32 = 0;
            let rlo: i32 = 0;
            const rBase: i32 = k * u;
            let j: i32 = 0;
            while (j < u) {
              const end: i32 = Math.min(j + WIDE_BLOCK, u);
              let sum: i32 = 0;
              while (j < end) {
                sum = sum + recurrentWeights[rBase + j] * hidden[base + j];
                j++;
              }
              const next: i32 = (rlo + sum) | 0;
              rhi = (rhi + (sum >> 31) + ltu(next, rlo)) | 0;
              rlo = next;
            }
            const fromHidden: i32 = sat16(mbqm64(rhi, rlo, quant[4 * g + 2], quant[4 * g + 3]));
            gates[k] = gateActivation(sat16(fromInput + fromHidden), g, table);
          }
        }
        updateCell(p, cell, gates, base);
        const outBase: i32 = row * u;
        for (let s: i32 = 0; s < u; s++) {
          const h: i32 = hiddenValue(p, cell, gates, base, s, table);
          hidden[base + s] = h;
          output[outBase + s] = h;
        }
      }
    }
  }
}

/** std::min(std::max(x, lo), hi), as TFLM's ActivationFunctionWithMinMax. */
function clampF32(x: f32, lo: f32, hi: f32): f32 {
  const y: f32 = x < lo ? lo : x;
  return hi < y ? hi : y;
}

/** tanh(x) with f32 operations: an odd Taylor polynomial below 0.5, 1 - 2 / (e^2|x| + 1) above. */
export function tanhF32(x: f32): f32 {
  if (x !== x || x === Math.fround(0)) {
    return x;
  }
  const a: f32 = x < Math.fround(0) ? Math.fround(x * Math.fround(-1)) : x;
  let t: f32 = Math.fround(0);
  if (a < Math.fround(0.5)) {
    const z: f32 = Math.fround(a * a);
    let p: f32 = Math.fround(-0.00023912911424355248); // -443861162/1856156927625
    p = Math.fround(Math.fround(p * z) + Math.fround(0.0005900274409455859)); // 6404582/10854718875
    p = Math.fround(Math.fround(p * z) + Math.fround(-0.0014558343870513183)); // -929569/638512875
    p = Math.fround(Math.fround(p * z) + Math.fround(0.003592128036572481)); // 21844/6081075
    p = Math.fround(Math.fround(p * z) + Math.fround(-0.008863235529902197)); // -1382/155925
    p = Math.fround(Math.fround(p * z) + Math.fround(0.021869488536155203)); // 62/2835
    p = Math.fround(Math.fround(p * z) + Math.fround(-0.05396825396825397)); // -17/315
    p = Math.fround(Math.fround(p * z) + Math.fround(0.13333333333333333)); // 2/15
    p = Math.fround(Math.fround(p * z) + Math.fround(-0.3333333333333333)); // -1/3
    t = Math.fround(a + Math.fround(Math.fround(a * z) * p));
  } else {
    const e: f32 = expF32(Math.fround(a * Math.fround(2)));
    t = Math.fround(Math.fround(1) - Math.fround(Math.fround(2) / Math.fround(e + Math.fround(1))));
  }
  return x < Math.fround(0) ? Math.fround(t * Math.fround(-1)) : t;
}

/** TFLM's float Logistic (reference_ops::Logistic). */
function sigmoidF32(x: f32): f32 {
  if (x > Math.fround(16.619047164916992)) {
    return Math.fround(1);
  }
  if (x < Math.fround(-9)) {
    return expF32(x);
  }
  return Math.fround(Math.fround(1) / Math.fround(Math.fround(1) + expF32(Math.fround(x * Math.fround(-1)))));
}

/** float32 input, weights, biases, hidden and cell state; clip[0] is the cell clip. */
export function unidirectionalSequenceLstmFloat(
  p: LstmParams,
  input: Float32Array,
  inputWeights: Float32Array,
  recurrentWeights: Float32Array,
  bias: Float32Array,
  clip: Float32Array,
  hidden: Float32Array,
  cell: Float32Array,
  output: Float32Array,
  gates: Float32Array,
): void {
  const u: i32 = p.units;
  const lowest: f32 = Math.fround(-3.4028234663852886e38);
  const highest: f32 = Math.fround(3.4028234663852886e38);
  for (let o: i32 = 0; o < p.outer; o++) {
    for (let t: i32 = 0; t < p.steps; t++) {
      for (let r: i32 = 0; r < p.rows; r++) {
        const row: i32 = o * p.outerStride + t * p.stepStride + r;
        const inBase: i32 = row * p.inputSize;
        const base: i32 = (o + r) * u;
        for (let g: i32 = 0; g < 4; g++) {
          for (let s: i32 = 0; s < u; s++) {
            const k: i32 = g * u + s;
            let acc: f32 = Math.fround(0);
            const wBase: i32 = k * p.inputSize;
            for (let i: i32 = 0; i < p.inputSize; i++) {
              acc = Math.fround(acc + Math.fround(input[inBase + i] * inputWeights[wBase + i]));
            }
            const fromInput: f32 = clampF32(Math.fround(acc + bias[k]), lowest, highest);
            let racc: f32 = Math.fround(0);
            const rBase: i32 = k * u;
            for (let j: i32 = 0; j < u; j++) {
              racc = Math.fround(racc + Math.fround(hidden[base + j] * recurrentWeights[rBase + j]));
            }
            const fromHidden: f32 = clampF32(Math.fround(racc + Math.fround(0)), lowest, highest);
            const pre: f32 = Math.fround(fromInput + fromHidden);
            gates[k] = g === 2 ? tanhF32(pre) : sigmoidF32(pre);
          }
        }
        for (let s: i32 = 0; s < u; s++) {
          const forget: f32 = clampF32(Math.fround(gates[u + s] * cell[base + s]), lowest, highest);
          const update: f32 = clampF32(Math.fround(gates[s] * gates[2 * u + s]), lowest, highest);
          let c: f32 = Math.fround(forget + update);
          if (p.cellClip >= 0) {
            // std::max(std::min(clip, c), -clip)
            const lo: f32 = Math.fround(clip[0] * Math.fround(-1));
            const m: f32 = c < clip[0] ? c : clip[0];
            c = m < lo ? lo : m;
          }
          cell[base + s] = c;
        }
        const outBase: i32 = row * u;
        for (let s: i32 = 0; s < u; s++) {
          const h: f32 = clampF32(Math.fround(tanhF32(cell[base + s]) * gates[3 * u + s]), lowest, highest);
          hidden[base + s] = h;
          output[outBase + s] = h;
        }
      }
    }
  }
}
