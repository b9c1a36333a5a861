/**
 * @fileoverview TFLite Micro's own int16 unit-test vectors for LOGISTIC (logistic_test.cc
 * LogisticQuantizedInt16ShouldMatchGolden: 177 points evenly spaced over [-20, 20], input scale
 * 32/65536, output scale 2/65536, golden sigmoid, tolerance 16 quanta) and ADD (add_test.cc
 * QuantizedAdd*Int16: no activation, RELU_N1_TO_1, various shapes, scalar and mixed broadcast;
 * compared exactly, as its 1e-5 tolerance on int16 values does), as single-op .tflite models with
 * the inputs and goldens quantized as its test_helpers do (round half away from zero of
 * value / scale in float32, plus the zero point, clamped). Used by tflm-vectors-int16.test.ts
 * (ts, wasm, host) and its .full sibling (qemu). The 16x8 FULLY_CONNECTED, CONV_2D,
 * DEPTHWISE_CONV_2D, TRANSPOSE_CONV, SOFTMAX and TANH vectors are in int16-vectors.ts.
 */
import { expect } from "vitest";
import { importTflite } from "../../compiler/import/tflite/import.ts";
import type { Graph } from "../../compiler/ir/graph.ts";
import { runModel, type Target } from "../../compiler/run/targets.ts";
import { buildModel, optionsTable, type TensorSpec } from "../import/tflite-builder.ts";

const f = Math.fround;

/** tflite::Quantize / FloatToQuantizedType for int16: round(value / scale) + zero point, clamped. */
export function quantize16(values: readonly number[], scale: number, zeroPoint = 0): Int16Array {
  return Int16Array.from(values, (v) => {
    const r = f(f(v) / f(scale));
    return Math.max(-32768, Math.min(32767, Math.sign(r) * Math.round(Math.abs(r)) + zeroPoint));
  });
}

const bytes = (a: Int16Array): Uint8Array => new Uint8Array(a.buffer.slice(0));
const int16s = (b: Uint8Array): Int16Array => new Int16Array(b.slice().buffer);

/** A single-op int16 model: inputs then one output, tensors [shape, scale] (zero points 0). */
function int16Model(name: string, opcode: number, tensors: [number[], number][], options?: { type: number; act: number }): Graph {
  const ts: TensorSpec[] = tensors.map(([shape, scale], i) => ({ shape, type: 7, name: `t${i}`, quant: { scale: [scale], zeroPoint: [0] } }));
  const n = ts.length;
  return importTflite(buildModel({
    opcodes: [{ deprecated: opcode, code: opcode }],
    buffers: [{}],
    subgraphs: [{
      tensors: ts,
      inputs: ts.slice(0, -1).map((_, i) => i), outputs: [n - 1],
      ops: [{
        opcodeIndex: 0, inputs: ts.slice(0, -1).map((_, i) => i), outputs: [n - 1],
        ...(options ? { optionsType: options.type, options: optionsTable([[0, "i8", options.act], [1, "i8", 0]]) } : {}),
      }],
    }],
  }), `${name}.tflite`);
}

export interface VectorCase {
  name: string;
  graph: () => Graph;
  inputs: Int16Array[];
  golden: Int16Array;
  tolerance: number;
}

const LOGISTIC_N = 177;
const logisticX = Array.from({ length: LOGISTIC_N }, (_, i) => -20 + (40 * i) / (LOGISTIC_N - 1));

const ADD_BCAST_IN1 = [-0.3, 2.3, 0.9, 0.5, 0.8, -1.1, 1.2, 2.8, -1.6, 0.0, 0.7, -2.2];
const ADD_BCAST_IN2 = [0.2, 0.3, -0.4, 0.5, 1.0, 0.9];
const ADD_BCAST = [
  { in2: [1, 1, 3, 2], out: [2, 3, 3, 2], golden: [-0.1, 2.6, -0.7, 2.8, 0.7, 3.2, 1.1, 0.8, 0.5, 1.0, 1.9, 1.4, 1.0, -0.8, 0.4, -0.6, 1.8, -0.2, 1.4, 3.1, 0.8, 3.3, 2.2, 3.7, -1.4, 0.3, -2.0, 0.5, -0.6, 0.9, 0.9, -1.9, 0.3, -1.7, 1.7, -1.3] },
  { in2: [1, 3, 1, 2], out: [2, 3, 1, 2], golden: [-0.1, 2.6, 0.5, 1.0, 1.8, -0.2, 1.4, 3.1, -2.0, 0.5, 1.7, -1.3] },
  { in2: [2, 1, 3, 1], out: [2, 3, 3, 2], golden: [-0.1, 2.5, 0.0, 2.6, -0.7, 1.9, 1.1, 0.7, 1.2, 0.8, 0.5, 0.1, 1.0, -0.9, 1.1, -0.8, 0.4, -1.5, 1.7, 3.3, 2.2, 3.8, 2.1, 3.7, -1.1, 0.5, -0.6, 1.0, -0.7, 0.9, 1.2, -1.7, 1.7, -1.2, 1.6, -1.3] },
  { in2: [2, 3, 1, 1], out: [2, 3, 1, 2], golden: [-0.1, 2.5, 1.2, 0.8, 0.4, -1.5, 1.7, 3.3, -0.6, 1.0, 1.6, -1.3] },
];
const SHAPES = [[6], [2, 3], [2, 1, 3], [1, 3, 1, 2]];
const ADD_OPTIONS = 11;

function addCase(name: string, shapes: [number[], number[], number[]], scales: [number, number, number], x: number[], y: number[], golden: number[], act = 0): VectorCase {
  return {
    name, tolerance: 0,
    graph: () => int16Model(name, 0, [[shapes[0], scales[0]], [shapes[1], scales[1]], [shapes[2], scales[2]]], { type: ADD_OPTIONS, act }),
    inputs: [quantize16(x, scales[0]), quantize16(y, scales[1])],
    golden: quantize16(golden, scales[2]),
  };
}

export const VECTOR_CASES: VectorCase[] = [
  {
    name: "LogisticQuantizedInt16ShouldMatchGolden", tolerance: 16,
    graph: () => int16Model("logistic16", 14, [[[1, LOGISTIC_N], 32 / 65536], [[1, LOGISTIC_N], 2 / 65536]]),
    inputs: [quantize16(logisticX, 32 / 65536)],
    golden: quantize16(logisticX.map((x) => 1 / (1 + Math.exp(-x))), 2 / 65536),
  },
  addCase("QuantizedAddNoActivationInt16", [[1, 2, 2, 1], [1, 2, 2, 1], [1, 2, 2, 1]], [0.25, 0.5, 1], [-2.01, -1.01, -0.01, 0.98], [1.01, 2.01, 3.01, 4.02], [-1, 1, 3, 5]),
  addCase("QuantizedAddActivationRelu1Int16", [[1, 2, 2, 1], [1, 2, 2, 1], [1, 2, 2, 1]], [0.25, 0.5, 1], [-2.01, -1.01, -0.01, 0.98], [1.01, 1.99, 2.99, 4.02], [-1, 1, 1, 1], 2),
  ...SHAPES.map((s) => addCase(`QuantizedAddVariousInputShapesInt16 [${s}]`, [s, s, s], [0.1, 0.05, 0.1], [-2.0, 0.2, 0.7, 0.8, 1.1, 2.0], [0.1, 0.2, 0.3, 0.5, 1.1, 0.1], [-1.9, 0.4, 1.0, 1.3, 2.2, 2.1])),
  ...SHAPES.map((s) => addCase(`QuantizedAddWithScalarBroadcastInt16 [${s}]`, [s, [], s], [0.1, 0.05, 0.05], [-2.0, 0.2, 0.7, 0.8, 1.1, 2.0], [0.1], [-1.9, 0.3, 0.8, 0.9, 1.2, 2.1])),
  ...ADD_BCAST.map((b) => addCase(`QuantizedAddWithMixedBroadcastInt16 [${b.in2}]`, [[2, 3, 1, 2], b.in2, b.out], [0.1, 0.05, 0.1], ADD_BCAST_IN1, ADD_BCAST_IN2, b.golden)),
];

/** Runs `c` on `target` and expects every output within its tolerance of TFLM's golden. */
export async function expectVector(c: VectorCase, target: Target): Promise<void> {
  const { outputs } = await runModel(c.graph(), c.inputs.map(bytes), target);
  const out = int16s(outputs[0]!);
  expect(out.length).toBe(c.golden.length);
  c.golden.forEach((g, i) => expect(Math.abs(out[i]! - g), `${c.name} element ${i} on ${target}: ${out[i]} vs ${g}`).toBeLessThanOrEqual(c.tolerance));
}
