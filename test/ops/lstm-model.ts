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
