/**
 * @fileoverview TFLite Micro's own 16x8 unit-test vectors for FULLY_CONNECTED, CONV_2D, TANH,
 * SOFTMAX, TRANSPOSE_CONV and DEPTHWISE_CONV_2D (numbers from its *_test.cc at 90b983c2, checked
 * within its own tolerances), as single-op .tflite models: each vector is a model, an input and a
 * check of the int16 output. int16.test.ts runs them on ts, wasm and host C (codegen), and
 * int16.full.test.ts on the simulated Cortex-M7 in codegen and interpreter mode (`npm run
 * test:full`). The LOGISTIC and ADD int16 vectors are in tflm-vectors-int16.ts.
 */
import * as fs from "node:fs";
import * as path from "node:path";
import { expect } from "vitest";
import { importTflite } from "../../compiler/import/tflite/import.ts";
import { optionsTypeId } from "../../compiler/import/tflite/schema.ts";
import type { Graph } from "../../compiler/ir/graph.ts";
import { runModel, type RunOptions, type Target } from "../../compiler/run/targets.ts";
import { buildModel, optionsTable } from "../import/tflite-builder.ts";

export interface Int16Vector {
  name: string;
  build: () => Graph;
  input: Uint8Array;
  /** Expects `out` (the int16 output) within TFLM's tolerance; `where` names the target in messages. */
  check: (out: Int16Array, where: string) => void;
}

/** Runs `v` on `target` (codegen unless `options` says otherwise) and checks its output. */
export async function expectInt16Vector(v: Int16Vector, target: Target, options: RunOptions = {}): Promise<void> {
  const graph = v.build();
  const out = new Int16Array((await runModel(graph, [v.input], target, options)).outputs[0].slice().buffer);
  v.check(out, `${target}${options.mode ? ` ${options.mode}` : ""}`);
}

/**
 * TFLite Micro's fully_connected_test.cc 16x8 vectors (SimpleTestQuantizedInt16 and
 * SimpleTestPerChannelQuantizedInt16): input [2, 10] and output scale 128/65536, weights 1..10
 * per row (scale 1, or 0.2 / 0.25 / 0.5 per channel), bias {1, 2, 3} as int64, golden
 * {24, 25, 26, 58, 59, 60}. TFLM's test allows 1 quantum of error; the per-tensor case is exact
 * arithmetic (multiplier 1: acc * 2^14 + 2^13 >> 14), so it must match exactly there.
 */
function fullyConnectedVectors(): Int16Vector[] {
  const S = 128 / 65536;
  const x = [1, 2, 3, 4, 5, 6, 7, 8, -9, -10, 1, 2, 3, 4, 5, 6, 7, -8, 9, -10];
  const golden = [24, 25, 26, 58, 59, 60];
  const build = (wScales: number[]): Graph => {
    const w = new Int8Array(30);
    for (let u = 0; u < 3; u++) for (let d = 0; d < 10; d++) w[u * 10 + d] = Math.round((d + 1) / wScales[u % wScales.length]);
    const bias = new BigInt64Array([1, 2, 3].map((b, u) => BigInt(Math.round(b / (S * wScales[u % wScales.length])))));
    return importTflite(buildModel({
      opcodes: [{ deprecated: 9, code: 9 }],
      buffers: [{}, { data: new Uint8Array(w.buffer) }, { data: new Uint8Array(bias.buffer) }],
      subgraphs: [{
        tensors: [
          { shape: [2, 10], type: 7, name: "in", quant: { scale: [S], zeroPoint: [0] } },
          { shape: [3, 10], type: 9, name: "w", buffer: 1, quant: { scale: wScales, zeroPoint: wScales.map(() => 0) } },
          { shape: [3], type: 4, name: "b", buffer: 2, quant: { scale: wScales.map((s) => S * s), zeroPoint: wScales.map(() => 0) } },
          { shape: [2, 3], type: 7, name: "out", quant: { scale: [S], zeroPoint: [0] } },
        ],
        inputs: [0], outputs: [3],
        ops: [{ opcodeIndex: 0, inputs: [0, 1, 2], outputs: [3], optionsType: 8, options: optionsTable([[0, "i8", 0]]) }],
      }],
    }), "fc16x8.tflite");
  };
  const input = new Uint8Array(Int16Array.from(x.map((v) => Math.round(v / S))).buffer);
  return ([["per tensor", [1], 0], ["per channel", [0.2, 0.25, 0.5], 1]] as const).map(([name, scales, tolerance]) => ({
    name: `FULLY_CONNECTED 16x8 ${name}`,
    build: () => build([...scales]),
    input,
    check: (out, where) => golden.forEach((g, i) => expect(Math.abs(out[i] - Math.round(g / S)), `${name} output ${i} on ${where}`).toBeLessThanOrEqual(tolerance)),
  }));
}

/**
 * TFLite Micro's conv_test.cc 16x8 vectors (SimpleTestQuantized16x8PerChannel64bBias and
 * ...32bBias): input [2, 2, 4, 1] at scale 0.5, filter [3, 2, 2, 1] quantized symmetric per
 * channel (scale max|w| / 127, as its test helper does), bias {1, 2, 3} at input * filter scale,
 * output scale 1, VALID, stride 2; golden {18, 2, 5, 18, 2, 5, 17, 4, 3, 37, 4, 3}. TFLM's test
 * allows 1 quantum of error; Mote must stay within it on every target.
 */
function convVectors(): Int16Vector[] {
  const x = [1, 1, 1, 1, 2, 2, 2, 2, 1, 2, 3, 4, 1, 2, 3, 4];
  const w = [1, 2, 3, 4, -1, 1, -1, 1, -1, -1, 1, 1];
  const golden = [18, 2, 5, 18, 2, 5, 17, 4, 3, 37, 4, 3];
  const build = (bias64: boolean): Graph => {
    const scales = [0, 1, 2].map((c) => Math.fround(Math.max(...w.slice(4 * c, 4 * c + 4).map(Math.abs)) / 127));
    const wq = Int8Array.from(w, (v, i) => Math.round(v / scales[Math.floor(i / 4)]));
    const bq = [1, 2, 3].map((b, c) => Math.round(b / (0.5 * scales[c])));
    const bias = bias64 ? new Uint8Array(BigInt64Array.from(bq.map(BigInt)).buffer) : new Uint8Array(Int32Array.from(bq).buffer);
    return importTflite(buildModel({
      opcodes: [{ deprecated: 3, code: 3 }],
      buffers: [{}, { data: new Uint8Array(wq.buffer) }, { data: bias }],
      subgraphs: [{
        tensors: [
          { shape: [2, 2, 4, 1], type: 7, name: "in", quant: { scale: [0.5], zeroPoint: [0] } },
          { shape: [3, 2, 2, 1], type: 9, name: "w", buffer: 1, quant: { scale: scales, zeroPoint: [0, 0, 0] } },
          { shape: [3], type: bias64 ? 4 : 2, name: "b", buffer: 2, quant: { scale: scales.map((s) => 0.5 * s), zeroPoint: [0, 0, 0] } },
          { shape: [2, 1, 2, 3], type: 7, name: "out", quant: { scale: [1], zeroPoint: [0] } },
        ],
        inputs: [0], outputs: [3],
        ops: [{ opcodeIndex: 0, inputs: [0, 1, 2], outputs: [3], optionsType: 1, options: optionsTable([[0, "i8", 1], [1, "i32", 2], [2, "i32", 2], [3, "i8", 0]]) }],
      }],
    }), "conv16x8.tflite");
  };
  const input = new Uint8Array(Int16Array.from(x.map((v) => v * 2)).buffer);
  return [true, false].map((bias64) => ({
    name: `CONV_2D 16x8 ${bias64 ? "int64" : "int32"} bias`,
    build: () => build(bias64),
    input,
    check: (out, where) => golden.forEach((g, i) => expect(Math.abs(out[i] - g), `output ${i} on ${where}: ${out[i]} vs ${g}`).toBeLessThanOrEqual(1)),
  }));
}

/**
 * TFLite Micro's tanh_test.cc TestTanhInt16WideRange (test/fixtures/tflm/tanh_int16_wide_range.json:
 * 177 inputs over [-20, 20] at scale 32/65536 and their tanh at 2/65536, TFLM's tolerance 16
 * quanta): the power-of-two path with a left shift of 1.
 */
function tanhVector(): Int16Vector {
  const fx = JSON.parse(fs.readFileSync(path.join(import.meta.dirname, "../fixtures/tflm/tanh_int16_wide_range.json"), "utf8")) as { input: number[]; output: number[] };
  const n = fx.input.length;
  const inScale = 32 / 65536;
  const outScale = 2 / 65536;
  const clamp16 = (v: number) => Math.min(32767, Math.max(-32768, v));
  return {
    name: "TANH int16 wide range",
    build: () => importTflite(buildModel({
      opcodes: [{ deprecated: 28, code: 28 }],
      buffers: [{}],
      subgraphs: [{
        tensors: [
          { shape: [1, n], type: 7, name: "in", quant: { scale: [inScale], zeroPoint: [0] } },
          { shape: [1, n], type: 7, name: "out", quant: { scale: [outScale], zeroPoint: [0] } },
        ],
        inputs: [0], outputs: [1],
        ops: [{ opcodeIndex: 0, inputs: [0], outputs: [1] }],
      }],
    }), "tanh16.tflite"),
    input: new Uint8Array(Int16Array.from(fx.input, (v) => clamp16(Math.round(v / inScale))).buffer),
    check: (out, where) => fx.output.forEach((y, i) => expect(Math.abs(out[i] - clamp16(Math.round(y / outScale))), `element ${i} on ${where}`).toBeLessThanOrEqual(16)),
  };
}

/**
 * TFLite Micro's softmax_test.cc Softmax1D/2DQuantizedInt16ShouldMatchGolden: input scale 0.1,
 * output scale 1/32768, beta 1, golden probabilities from its test; its tolerance is 1 quantum.
 */
function softmaxVectors(): Int16Vector[] {
  const p = [0.011656231, 0.031684921, 0.086128544, 0.234121657, 0.636408647];
  const cases = [
    { name: "1D", shape: [1, 5], x: [1, 2, 3, 4, 5], golden: p },
    { name: "2D", shape: [2, 5], x: [1, 2, 3, 4, 5, -1, -2, -3, -4, -5], golden: [...p, ...[...p].reverse()] },
  ];
  return cases.map((c) => ({
    name: `SOFTMAX int16 ${c.name}`,
    build: () => importTflite(buildModel({
      opcodes: [{ deprecated: 25, code: 25 }],
      buffers: [{}],
      subgraphs: [{
        tensors: [
          { shape: c.shape, type: 7, name: "in", quant: { scale: [0.1], zeroPoint: [0] } },
          { shape: c.shape, type: 7, name: "out", quant: { scale: [1 / 32768], zeroPoint: [0] } },
        ],
        inputs: [0], outputs: [1],
        ops: [{ opcodeIndex: 0, inputs: [0], outputs: [1], optionsType: 9, options: optionsTable([[0, "f32", 1]]) }],
      }],
    }), "softmax16.tflite"),
    input: new Uint8Array(Int16Array.from(c.x, (v) => Math.round(v / Math.fround(0.1))).buffer),
    check: (out, where) => c.golden.forEach((g, i) => expect(Math.abs(out[i] - Math.round(g * 32768)), `element ${i} on ${where}: ${out[i]}`).toBeLessThanOrEqual(1)),
  }));
}

/**
 * TFLite Micro's transpose_conv_test.cc SimpleTestQuantized16x8PerChannel: input [1, 4, 4, 2]
 * = 1..32 at scale 1, filter [1, 3, 3, 2] = 1..18 quantized symmetric per channel (18 / 127),
 * int64 bias 0, SAME, stride 1, output scale 1; golden from its test, its tolerance 4 quanta.
 */
function transposeConvVector(): Int16Vector {
  const golden = [184, 412, 568, 528, 678, 1347, 1689, 1434, 1494, 2715, 3057, 2442, 1968, 3352, 3652, 2760];
  const scale = Math.fround(18 / 127);
  const w = Int8Array.from({ length: 18 }, (_, i) => Math.round((i + 1) / scale));
  return {
    name: "TRANSPOSE_CONV 16x8",
    build: () => importTflite(buildModel({
      opcodes: [{ deprecated: 67, code: 67 }],
      buffers: [{}, { data: new Uint8Array(Int32Array.from([1, 4, 4, 1]).buffer) }, { data: new Uint8Array(w.buffer) }, { data: new Uint8Array(8) }],
      subgraphs: [{
        tensors: [
          { shape: [4], type: 2, name: "shape", buffer: 1 },
          { shape: [1, 3, 3, 2], type: 9, name: "w", buffer: 2, quant: { scale: [scale], zeroPoint: [0] } },
          { shape: [1, 4, 4, 2], type: 7, name: "in", quant: { scale: [1], zeroPoint: [0] } },
          { shape: [1], type: 4, name: "b", buffer: 3, quant: { scale: [scale], zeroPoint: [0] } },
          { shape: [1, 4, 4, 1], type: 7, name: "out", quant: { scale: [1], zeroPoint: [0] } },
        ],
        inputs: [2], outputs: [4],
        ops: [{
          opcodeIndex: 0, inputs: [0, 1, 2, 3], outputs: [4],
          optionsType: optionsTypeId("TransposeConvOptions"), options: optionsTable([[0, "i8", 0], [1, "i32", 1], [2, "i32", 1], [3, "i8", 0]]),
        }],
      }],
    }), "tconv16x8.tflite"),
    input: new Uint8Array(Int16Array.from({ length: 32 }, (_, i) => i + 1).buffer),
    check: (out, where) => golden.forEach((g, i) => expect(Math.abs(out[i] - g), `element ${i} on ${where}: ${out[i]}`).toBeLessThanOrEqual(4)),
  };
}

/**
 * TFLite Micro's depthwise_conv_test.cc SimpleTestQuantizedPerChannelInt16InputInt8Filter: input
 * [1, 3, 2, 2] at scale 0.5 (the first 12 of its values), filter [1, 2, 2, 4] quantized symmetric
 * per channel (max|w| / 127), int64 bias {1, 2, 3, 4}, stride 1, VALID, depth multiplier 2,
 * output scale 1; golden from its test, its tolerance 1 quantum.
 */
function depthwiseVector(): Int16Vector {
  const x = [-547, 108, -682, 540, -161, -539, 9, -482, -859, 84, 153, -726];
  const w = [1, 2, 3, 4, -9, 10, -11, 12, 5, 6, 7, 8, 13, -14, 15, -16];
  const golden = [4894, -9009, -16596, 10268, -2564, -7483, -6599, 4356];
  const scales = [0, 1, 2, 3].map((c) => Math.fround(Math.max(...[0, 1, 2, 3].map((t) => Math.abs(w[t * 4 + c]))) / 127));
  const wq = Int8Array.from(w, (v, i) => Math.round(v / scales[i % 4]));
  const bias = BigInt64Array.from([1, 2, 3, 4].map((b, c) => BigInt(Math.round(b / (0.5 * scales[c])))));
  return {
    name: "DEPTHWISE_CONV_2D 16x8",
    build: () => importTflite(buildModel({
      opcodes: [{ deprecated: 4, code: 4 }],
      buffers: [{}, { data: new Uint8Array(wq.buffer) }, { data: new Uint8Array(bias.buffer) }],
      subgraphs: [{
        tensors: [
          { shape: [1, 3, 2, 2], type: 7, name: "in", quant: { scale: [0.5], zeroPoint: [0] } },
          { shape: [1, 2, 2, 4], type: 9, name: "w", buffer: 1, quant: { scale: scales, zeroPoint: [0, 0, 0, 0], quantizedDimension: 3 } },
          { shape: [4], type: 4, name: "b", buffer: 2, quant: { scale: scales.map((s) => 0.5 * s), zeroPoint: [0, 0, 0, 0] } },
          { shape: [1, 2, 1, 4], type: 7, name: "out", quant: { scale: [1], zeroPoint: [0] } },
        ],
        inputs: [0], outputs: [3],
        ops: [{
          opcodeIndex: 0, inputs: [0, 1, 2], outputs: [3], optionsType: optionsTypeId("DepthwiseConv2DOptions"),
          options: optionsTable([[0, "i8", 1], [1, "i32", 1], [2, "i32", 1], [3, "i32", 2], [4, "i8", 0]]),
        }],
      }],
    }), "dw16x8.tflite"),
    input: new Uint8Array(Int16Array.from(x, (v) => Math.round(v / 0.5)).buffer),
    check: (out, where) => golden.forEach((g, i) => expect(Math.abs(out[i] - g), `element ${i} on ${where}: ${out[i]}`).toBeLessThanOrEqual(1)),
  };
}

/** Every vector, in int16.test.ts's former order. */
export const INT16_VECTORS: Int16Vector[] = [
  ...fullyConnectedVectors(), ...convVectors(), tanhVector(), ...softmaxVectors(), transposeConvVector(), depthwiseVector(),
];
