/**
 * @fileoverview Test helper for UNIDIRECTIONAL_SEQUENCE_LSTM: builds one-op LSTM models (as a
 * .tflite file through compiler/import/tflite/writer.ts, read back by the importer), quantizes
 * float data as TFLite Micro's test helpers do (micro_utils.h Quantize / SymmetricQuantize:
 * round(float(value / scale)) half away from zero, clamped), and holds TFLite Micro's own LSTM
 * unit-test vectors (kernels/testdata/lstm_test_data.cc at 90b983c2: Get2X2LstmEvalCheckData,
 * Create2x3x2X2FloatNodeContents, Get2X2Int8LstmQuantizationSettings,
 * Get2X2Int16LstmQuantizationSettings), numbers copied as facts.
 */
import type { DType, Graph, Tensor } from "../../compiler/ir/graph.ts";
import { importTflite } from "../../compiler/import/tflite/import.ts";
import { writeGraph } from "../import/tflite-builder.ts";

const RANGE: Record<string, [number, number]> = { int8: [-128, 127], int16: [-32768, 32767], int32: [-(2 ** 31), 2 ** 31 - 1] };

function roundAway(x: number): number {
  return x < 0 ? -Math.round(-x) : Math.round(x);
}

/** micro_utils.h FloatToQuantizedType: round(value / scale) + zero point, clamped (float division). */
export function quantize(values: readonly number[], scale: number, zeroPoint: number, dtype: "int8" | "int16"): number[] {
  const [lo, hi] = RANGE[dtype]!;
  return values.map((v) => Math.min(hi, Math.max(lo, roundAway(Math.fround(Math.fround(v) / Math.fround(scale))) + zeroPoint)));
}

/** micro_utils.h FloatToSymmetricQuantizedType: clamped to [min + 1, max]. */
export function symmetricQuantize(values: readonly number[], scale: number, dtype: "int8" | "int32" | "int64"): number[] {
  const [lo, hi] = dtype === "int64" ? [-(2 ** 53), 2 ** 53] : RANGE[dtype]!;
  return values.map((v) => Math.min(hi, Math.max(lo + 1, roundAway(Math.fround(Math.fround(v) / Math.fround(scale))))));
}

export function bytesOf(values: readonly number[], dtype: DType): Uint8Array {
  const size = dtype === "int8" ? 1 : dtype === "int16" ? 2 : dtype === "int64" ? 8 : 4;
  const out = new Uint8Array(values.length * size);
  const view = new DataView(out.buffer);
  values.forEach((v, i) => {
    if (dtype === "int8") view.setInt8(i, v);
    else if (dtype === "int16") view.setInt16(2 * i, v, true);
    else if (dtype === "int64") view.setBigInt64(8 * i, BigInt(v), true);
    else if (dtype === "float32") view.setFloat32(4 * i, v, true);
    else view.setInt32(4 * i, v, true);
  });
  return out;
}

export function valuesOf(bytes: Uint8Array, dtype: "int8" | "int16"): number[] {
  return dtype === "int8" ? [...new Int8Array(bytes.buffer, bytes.byteOffset, bytes.length)] : [...new Int16Array(bytes.slice().buffer)];
}

/** One gate's quantized constants: weights [S, I], recurrent weights [S, S], bias [S]. */
export interface GateQ {
  w: number[];
  wScale: number;
  rw: number[];
  rwScale: number;
  b: number[];
  bScale: number;
}

export interface LstmModelSpec {
  act: "int8" | "int16";
  batches: number;
  steps: number;
  inputSize: number;
  units: number;
  timeMajor: boolean;
  cellClip: number;
  input: { scale: number; zeroPoint: number };
  /** The hidden state's and the output's quantization. */
  hidden: { scale: number; zeroPoint: number };
  cellScale: number;
  /** Gates in TFLite's input order: input, forget, cell, output. */
  gates: [GateQ, GateQ, GateQ, GateQ];
  /** Overrides for rejection tests. */
  cellDType?: DType;
  activation?: string;
  extra?: { slot: number }[];
  inputDType?: DType;
}

/** The graph of one UNIDIRECTIONAL_SEQUENCE_LSTM, written to .tflite and read back. */
export function lstmGraph(s: LstmModelSpec, name = "lstm"): Graph {
  const tensors: Tensor[] = [];
  const add = (t: Omit<Tensor, "index" | "isVariable"> & { isVariable?: boolean }): number => {
    tensors.push({ ...t, index: tensors.length, isVariable: t.isVariable ?? false });
    return tensors.length - 1;
  };
  const q = (scale: number, zeroPoint = 0) => ({ scale: [scale], zeroPoint: [zeroPoint], quantizedDimension: 0 });
  const inShape = s.timeMajor ? [s.steps, s.batches, s.inputSize] : [s.batches, s.steps, s.inputSize];
  const inputDType = s.inputDType ?? s.act;
  const input = add({ name: "input", dtype: inputDType, shape: inShape, ...(inputDType === "float32" ? {} : { quant: q(s.input.scale, s.input.zeroPoint) }) });
  const w = s.gates.map((g, k) => add({ name: `w${k}`, dtype: "int8", shape: [s.units, s.inputSize], quant: q(g.wScale), data: bytesOf(g.w, "int8") }));
  const rw = s.gates.map((g, k) => add({ name: `rw${k}`, dtype: "int8", shape: [s.units, s.units], quant: q(g.rwScale), data: bytesOf(g.rw, "int8") }));
  const biasType: DType = s.act === "int16" ? "int64" : "int32";
  const b = s.gates.map((g, k) => add({ name: `b${k}`, dtype: biasType, shape: [s.units], quant: q(g.bScale), data: bytesOf(g.b, biasType) }));
  const hidden = add({ name: "output_state", dtype: s.act, shape: [s.batches, s.units], quant: q(s.hidden.scale, s.hidden.zeroPoint), isVariable: true });
  const cell = add({ name: "cell_state", dtype: s.cellDType ?? "int16", shape: [s.batches, s.units], quant: q(s.cellScale), isVariable: true });
  const outShape = s.timeMajor ? [s.steps, s.batches, s.units] : [s.batches, s.steps, s.units];
  const output = add({ name: "output", dtype: s.act, shape: outShape, quant: q(s.hidden.scale, s.hidden.zeroPoint) });
  const inputs = [input, ...w, ...rw, -1, -1, -1, ...b, -1, -1, hidden, cell, -1, -1, -1, -1];
  for (const e of s.extra ?? []) inputs[e.slot] = w[0]!;
  const graph: Graph = {
    name, tensors, inputs: [input], outputs: [output],
    ops: [{
      index: 0, opcode: "UNIDIRECTIONAL_SEQUENCE_LSTM", version: 1, inputs, outputs: [output],
      options: {
        fusedActivationFunction: s.activation ?? "TANH", cellClip: s.cellClip, projClip: 0, timeMajor: s.timeMajor,
        asymmetricQuantizeInputs: false, diagonalRecurrentTensors: false,
      },
    }],
  };
  return importTflite(writeGraph(graph), `${name}.tflite`);
}

// ---- TFLite Micro's unit-test vectors (lstm_test_data.cc) -------------------------------------

/** Get2X2LstmEvalCheckData: batch-major [2 batches, 3 steps, 2 inputs], hidden state zeros. */
export const TFLM_INPUT = [0.2, 0.3, 0.2, 0.3, 0.2, 0.3, -0.98, 0.62, 0.01, 0.99, 0.49, -0.32];
export const TFLM_EXPECTED_OUTPUT = [
  0.26455893, 0.26870455, 0.47935803, 0.47937014, 0.58013272, 0.58013278,
  -1.41184672e-3, -1.43329117e-5, 0.46887168, 0.46891281, 0.50054074, 0.50054148,
];
export const TFLM_EXPECTED_HIDDEN = [0.58013272, 0.58013278, 0.50054074, 0.50054148];

/** Create2x3x2X2FloatNodeContents, gates in TFLite order (input, forget, cell, output). */
const FLOAT_GATES = [
  { w: [10, 10, 20, 20], b: [-1, -2] },
  { w: [-10, -10, -20, -20], b: [1, 2] },
  { w: [1, 1, 1, 1], b: [0, 0] },
  { w: [1, 1, 1, 1], b: [0, 0] },
];

/** A float32 LSTM: weights [4][units * inputSize], recurrent weights [4][units * units], biases [4][units], gates in TFLite order. */
export interface FloatLstmSpec {
  batches: number;
  steps: number;
  inputSize: number;
  units: number;
  timeMajor: boolean;
  cellClip: number;
  w: number[][];
  rw: number[][];
  b: number[][];
}

/** Create2x3x2X2FloatNodeContents: TFLM's float LSTM unit test (cell clip 6, batch-major). */
export function tflmFloatSpec(): FloatLstmSpec {
  return {
    batches: 2, steps: 3, inputSize: 2, units: 2, timeMajor: false, cellClip: 6,
    w: FLOAT_GATES.map((g) => g.w), rw: FLOAT_GATES.map((g) => g.w), b: FLOAT_GATES.map((g) => g.b),
  };
}

/** The graph of one float32 UNIDIRECTIONAL_SEQUENCE_LSTM, written to .tflite and read back. */
export function lstmFloatGraph(s: FloatLstmSpec, name = "lstm_float"): Graph {
  const tensors: Tensor[] = [];
  const add = (t: Omit<Tensor, "index" | "isVariable" | "dtype"> & { isVariable?: boolean }): number => {
    tensors.push({ ...t, dtype: "float32", index: tensors.length, isVariable: t.isVariable ?? false });
    return tensors.length - 1;
  };
  const input = add({ name: "input", shape: s.timeMajor ? [s.steps, s.batches, s.inputSize] : [s.batches, s.steps, s.inputSize] });
  const w = s.w.map((v, k) => add({ name: `w${k}`, shape: [s.units, s.inputSize], data: bytesOf(v, "float32") }));
  const rw = s.rw.map((v, k) => add({ name: `rw${k}`, shape: [s.units, s.units], data: bytesOf(v, "float32") }));
  const b = s.b.map((v, k) => add({ name: `b${k}`, shape: [s.units], data: bytesOf(v, "float32") }));
  const hidden = add({ name: "output_state", shape: [s.batches, s.units], isVariable: true });
  const cell = add({ name: "cell_state", shape: [s.batches, s.units], isVariable: true });
  const output = add({ name: "output", shape: s.timeMajor ? [s.steps, s.batches, s.units] : [s.batches, s.steps, s.units] });
  const graph: Graph = {
    name, tensors, inputs: [input], outputs: [output],
    ops: [{
      index: 0, opcode: "UNIDIRECTIONAL_SEQUENCE_LSTM", version: 1,
      inputs: [input, ...w, ...rw, -1, -1, -1, ...b, -1, -1, hidden, cell, -1, -1, -1, -1], outputs: [output],
      options: {
        fusedActivationFunction: "TANH", cellClip: s.cellClip, projClip: 0, timeMajor: s.timeMajor,
        asymmetricQuantizeInputs: false, diagonalRecurrentTensors: false,
      },
    }],
  };
  return importTflite(writeGraph(graph), `${name}.tflite`);
}

/**
 * TFLM's float LstmStep written out plainly: every float operation rounded with Math.fround in
 * TFLM's order, e^x and tanh from Math.exp / Math.tanh in double (a libm's correctly rounded-ish
 * values, as TFLM's std::exp / std::tanh); the states start at 0 and are kept across invocations.
 * Returns each invocation's output.
 */
export function referenceLstmFloat(s: FloatLstmSpec, invocations: Float32Array[]): Float32Array[] {
  const f = Math.fround;
  const FLT_MAX = f(3.4028234663852886e38);
  const clampF = (x: number): number => { const y = x < -FLT_MAX ? -FLT_MAX : x; return FLT_MAX < y ? FLT_MAX : y; };
  const sigmoid = (x: number): number => (x > f(16.619047164916992) ? 1 : x < -9 ? f(Math.exp(x)) : f(1 / f(1 + f(Math.exp(-x)))));
  const S = s.units, I = s.inputSize, B = s.batches, T = s.steps;
  const hidden = new Array<number>(B * S).fill(0);
  const cell = new Array<number>(B * S).fill(0);
  const clip = f(s.cellClip);
  return invocations.map((x) => {
    const out = new Float32Array(B * T * S);
    const step = (inRow: number, b: number): void => {
      const gate = (g: number): number[] => Array.from({ length: S }, (_, u) => {
        let acc = 0;
        for (let i = 0; i < I; i++) acc = f(acc + f(x[inRow * I + i]! * f(s.w[g]![u * I + i]!)));
        let racc = 0;
        for (let j = 0; j < S; j++) racc = f(racc + f(hidden[b * S + j]! * f(s.rw[g]![u * S + j]!)));
        const pre = f(clampF(f(acc + f(s.b[g]![u]!))) + clampF(f(racc + 0)));
        return g === 2 ? f(Math.tanh(pre)) : sigmoid(pre);
      });
      const [ig, fg, cg, og] = [gate(0), gate(1), gate(2), gate(3)];
      for (let u = 0; u < S; u++) {
        const k = b * S + u;
        let c = f(clampF(f(fg[u]! * cell[k]!)) + clampF(f(ig[u]! * cg[u]!)));
        if (clip > 0) c = Math.max(Math.min(clip, c), -clip);
        cell[k] = c;
      }
      for (let u = 0; u < S; u++) {
        const k = b * S + u;
        hidden[k] = clampF(f(f(Math.tanh(cell[k]!)) * og[u]!));
        out[inRow * S + u] = hidden[k]!;
      }
    };
    if (s.timeMajor) {
      for (let t = 0; t < T; t++) for (let b = 0; b < B; b++) step(t * B + b, b);
    } else {
      for (let b = 0; b < B; b++) for (let t = 0; t < T; t++) step(b * T + t, b);
    }
    return out;
  });
}

/** The int8 (Get2X2Int8LstmQuantizationSettings) and 16x8 (Get2X2Int16LstmQuantizationSettings) models. */
export function tflmSpec(act: "int8" | "int16"): LstmModelSpec {
  const wide = act === "int16";
  // weight scale of (input, forget) and (cell, output) gates, and their bias scales
  const wScale = [0.15748031496062992, 0.15748031496062992, 0.007874015748031496, 0.007874015748031496];
  const bScale = wide
    ? [4.8059911474468205e-06, 4.8059911474468205e-06, 2.40299557372341e-07, 2.40299557372341e-07]
    : [0.0012351397251814111, 0.0012351397251814111, 6.175698625907056e-5, 6.175698625907056e-5];
  const gates = FLOAT_GATES.map((g, k): GateQ => ({
    w: symmetricQuantize(g.w, wScale[k]!, "int8"), wScale: Math.fround(wScale[k]!),
    rw: symmetricQuantize(g.w, wScale[k]!, "int8"), rwScale: Math.fround(wScale[k]!),
    b: symmetricQuantize(g.b, bScale[k]!, wide ? "int64" : "int32"), bScale: Math.fround(bScale[k]!),
  })) as LstmModelSpec["gates"];
  return {
    act, batches: 2, steps: 3, inputSize: 2, units: 2, timeMajor: false, cellClip: 6,
    input: wide ? { scale: Math.fround(3.0518044e-5), zeroPoint: 0 } : { scale: Math.fround(0.00784313725490196), zeroPoint: 0 },
    hidden: wide ? { scale: Math.fround(2.1362956633198035e-05), zeroPoint: 0 } : { scale: Math.fround(0.004705882165580988), zeroPoint: -21 },
    cellScale: Math.fround(0.00024414062),
    gates,
  };
}

// ---- An independent reference: TFLite Micro's LstmStep written out plainly in JS ----------------

/** TFLite's MultiplyByQuantizedMultiplier (int32 and, for the 16x8 accumulators, int64), in BigInt. */
function mbqmRef(x: bigint, m: number, shift: number, wide: boolean): number {
  if (wide) {
    const reduced = m < 0x7fff0000 ? (m + (1 << 15)) >> 16 : 0x7fff;
    const total = BigInt(15 - shift);
    return Number(BigInt.asIntN(32, (x * BigInt(reduced) + (1n << (total - 1n))) >> total));
  }
  const left = BigInt(Math.max(shift, 0));
  const right = BigInt(Math.max(-shift, 0));
  const a = BigInt.asIntN(32, x << left);
  // SaturatingRoundingDoublingHighMul
  let hm: bigint;
  if (a === -(2n ** 31n) && m === -(2 ** 31)) hm = 2n ** 31n - 1n;
  else {
    const ab = a * BigInt(m);
    const nudge = ab >= 0n ? 1n << 30n : 1n - (1n << 30n);
    const s = ab + nudge;
    hm = s >= 0n ? s / (1n << 31n) : -((-s) / (1n << 31n));
  }
  // RoundingDivideByPOT
  if (right === 0n) return Number(hm);
  const mask = (1n << right) - 1n;
  const rem = hm & mask;
  const threshold = (mask >> 1n) + (hm < 0n ? 1n : 0n);
  return Number((hm >> right) + (rem > threshold ? 1n : 0n));
}

function sigmoidRef(x: number, table: readonly number[]): number {
  const v = x * 3;
  const ax = Math.abs(v);
  const uh = ax >> 9;
  let r = uh >= 255 ? 0x7fff << 10 : (table[uh]! << 9) + (ax & 0x1ff) * (table[uh + 1]! - table[uh]!);
  r = v >= 0 ? r + (1 << 9) : (1 << 25) - r + (1 << 9) - 1;
  return (r >> 10) << 16 >> 16;
}

function tanhRef(x: number, power: number, table: readonly number[]): number {
  let shift = 15 + power - 3;
  let mult = 0;
  if (shift < 0) { shift = -shift; mult = 3; }
  if (mult === 0) { mult = 3 << shift; shift = 0; }
  const round = shift > 0 ? 1 << (shift - 1) : 0;
  const v = (x * mult + round) >> shift;
  const ax = Math.abs(v);
  const uh = ax >> 8;
  let r = uh >= 255 ? 0xffff << 8 : (table[uh]! << 8) + (ax & 0xff) * (table[uh + 1]! - table[uh]!);
  r = v >= 0 ? r - (1 << 23) + (1 << 7) : -r + (1 << 23) + (1 << 7) - 1;
  return (r >> 8) << 16 >> 16;
}

const clamp = (v: number, lo: number, hi: number): number => Math.min(hi, Math.max(lo, v));

/** TFLite's QuantizeMultiplier, GetQuantizedConvolutionMultipler and CheckedLog2, restated for the reference. */
function qm(real: number): [number, number] {
  if (real === 0) return [0, 0];
  let e = Math.floor(Math.log2(real)) + 1;
  let f = real / 2 ** e;
  if (f >= 1) { f /= 2; e++; }
  if (f < 0.5) { f *= 2; e--; }
  let q = Math.round(f * 2 ** 31);
  if (q === 2 ** 31) { q /= 2; e++; }
  return [q, e];
}

/**
 * Runs `invocations` (raw input bytes each) through TFLite Micro's integer LSTM as its source
 * reads (LstmStep per time step / batch, CalculateLstmGate, UpdateLstmCell, UpdateLstmHidden), the
 * hidden state starting at its zero point and the cell state at 0; returns each invocation's output bytes.
 */
export function referenceLstm(s: LstmModelSpec, invocations: Uint8Array[], table: readonly number[]): Uint8Array[] {
  const wide = s.act === "int16";
  const S = s.units, I = s.inputSize, B = s.batches, T = s.steps;
  const hidden = new Array<number>(B * S).fill(s.hidden.zeroPoint);
  const cell = new Array<number>(B * S).fill(0);
  const [actMin, actMax] = wide ? [-32768, 32767] : [-128, 127];
  const gateQ = s.gates.map((g) => ({
    in: qm(Math.fround(s.input.scale * g.wScale) / 2 ** -12),
    rec: qm(Math.fround(s.hidden.scale * g.rwScale) / 2 ** -12),
  }));
  const power = Math.round(Math.log2(s.cellScale));
  const fMul = qm((2 ** -15 * s.cellScale) / s.cellScale);
  const iMul = qm((2 ** -15 * 2 ** -15) / s.cellScale);
  const hMul = qm((2 ** -15 * 2 ** -15) / s.hidden.scale);
  const clip = Math.trunc(clamp(Math.fround(s.cellClip) / s.cellScale, -32768, 32767));
  return invocations.map((bytes) => {
    const x = valuesOf(bytes, s.act);
    const out = new Array<number>(B * T * S).fill(0);
    const step = (inRow: number, stateRow: number, outRow: number): void => {
      const gate = (g: number): number[] => Array.from({ length: S }, (_, u) => {
        let acc = 0n;
        for (let i = 0; i < I; i++) acc += BigInt(s.gates[g]!.w[u * I + i]! * (x[inRow * I + i]! - s.input.zeroPoint));
        acc += BigInt(s.gates[g]!.b[u]!);
        const a = clamp(mbqmRef(wide ? acc : BigInt.asIntN(32, acc), gateQ[g]!.in[0], gateQ[g]!.in[1], wide), -32768, 32767);
        let racc = 0n;
        for (let j = 0; j < S; j++) racc += BigInt(s.gates[g]!.rw[u * S + j]! * (hidden[stateRow * S + j]! - s.hidden.zeroPoint));
        const r = clamp(mbqmRef(wide ? racc : BigInt.asIntN(32, racc), gateQ[g]!.rec[0], gateQ[g]!.rec[1], wide), -32768, 32767);
        const pre = clamp(a + r, -32768, 32767);
        return g === 2 ? tanhRef(pre, -12, table) : sigmoidRef(pre, table);
      });
      const [ig, fg, cg] = [gate(0), gate(1), gate(2)];
      for (let u = 0; u < S; u++) {
        const k = stateRow * S + u;
        const f = clamp(mbqmRef(BigInt(fg[u]! * cell[k]!), fMul[0], fMul[1], false), -32768, 32767);
        const c = clamp(mbqmRef(BigInt(ig[u]! * cg[u]!), iMul[0], iMul[1], false), -32768, 32767);
        cell[k] = clamp(f + c, -32768, 32767);
        if (s.cellClip > 0) cell[k] = Math.max(Math.min(clip, cell[k]!), -clip);
      }
      const og = gate(3);
      for (let u = 0; u < S; u++) {
        const k = stateRow * S + u;
        const t = tanhRef(cell[k]!, power, table);
        hidden[k] = clamp(mbqmRef(BigInt(t * og[u]!), hMul[0], hMul[1], false) + s.hidden.zeroPoint, actMin, actMax);
        out[outRow * S + u] = hidden[k]!;
      }
    };
    if (s.timeMajor) {
      for (let t = 0; t < T; t++) for (let b = 0; b < B; b++) step(t * B + b, b, t * B + b);
    } else {
      for (let b = 0; b < B; b++) for (let t = 0; t < T; t++) step(b * T + t, b, b * T + t);
    }
    return bytesOf(out, s.act);
  });
}
