/**
 * @fileoverview TFLite Micro's SVDF unit tests as Mote test cases (tensorflow/lite/micro/kernels/
 * svdf_test.cc at 90b983c2, the commit of ../shared/golden-ops-2): the integer tests
 * SvdfQuantized2x2Input2x4OutputShouldMatchGolden<int8_t / int16_t> (batch 2, 4 units, rank 2,
 * memory 10, 10 invocations from a zero state, RELU in the options) and
 * SvdfQuantized1x16Input64x1Output[Relu]ShouldMatchGolden<int8_t / int16_t> (64 units, rank 1,
 * memory 8, one invocation from a given state). The float arrays are those of svdf_test.cc
 * (test/fixtures/tflm/svdf_test_vectors.json, copied as written); they are quantized the way
 * TestIntegerSVDF does (scales as its float32 expressions, FloatToQuantizedType, the bias at
 * float(weights_time_scale * state_scale), the state zero point 0). TFLM checks each int8
 * output within 1 of the quantized float golden (its tolerance), and so do the tests here.
 */
import * as fs from "node:fs";
import * as path from "node:path";
import { fileURLToPath } from "node:url";
import { expect } from "vitest";
import type { Graph } from "../../compiler/ir/graph.ts";
import { runInvocations, type Target } from "../../compiler/run/targets.ts";
import { asBytes, quantizeBias, quantizeTo, scaleFromMinMax, svdfFloatGraph, svdfGraph, typedArray, type StateType } from "./svdf.ts";

const FIXTURE = path.join(path.dirname(fileURLToPath(import.meta.url)), "..", "fixtures", "tflm", "svdf_test_vectors.json");
const V = JSON.parse(fs.readFileSync(FIXTURE, "utf8")) as Record<string, number[]>;
const f = Math.fround;

export interface TflmSvdfCase {
  name: string;
  graph: Graph;
  /** Per invocation, the model inputs' bytes. */
  invocations: Uint8Array[][];
  /** Per invocation, the quantized golden outputs (int8). */
  golden: number[][];
}

const chunk = (a: number[], n: number): number[][] => Array.from({ length: a.length / n }, (_, i) => a.slice(i * n, (i + 1) * n));

function build(
  name: string, type: StateType, dims: { batches: number; inputSize: number; units: number; rank: number; memory: number },
  q: { inScale: number; inZp: number; wfScale: number; wtScale: number; stScale: number; outScale: number; outZp: number },
  key: "2x2x10" | "16x1x1", goldenKey: string, activation: string, initState: number[] | undefined,
): TflmSvdfCase {
  const bias = quantizeBias(V[`bias_data_${key}`], f(q.wtScale * q.stScale));
  const graph = svdfGraph({
    ...dims, ...q, state: type, activation, initState: initState !== undefined,
    wf: Int8Array.from(quantizeTo(V[`feature_weights_data_${key}`], q.wfScale, 0, "int8")),
    wt: typedArray(type, quantizeTo(V[`time_weights_data_${key}`], q.wtScale, 0, type)),
    bias,
  });
  const inputs = chunk(quantizeTo(V[`input_data_${key}`], q.inScale, q.inZp, "int8"), dims.batches * dims.inputSize);
  const init = initState === undefined ? undefined : asBytes(typedArray(type, quantizeTo(initState, q.stScale, 0, type)));
  return {
    name, graph,
    invocations: inputs.map((x) => [asBytes(Int8Array.from(x)), ...(init ? [init] : [])]),
    golden: chunk(quantizeTo(V[goldenKey], q.outScale, q.outZp, "int8"), dims.batches * dims.units),
  };
}

const max = (type: StateType): number => (type === "int16" ? 32767 : 127);

export function tflmSvdfCases(): TflmSvdfCase[] {
  const cases: TflmSvdfCase[] = [];
  for (const type of ["int8", "int16"] as const) {
    const tname = type === "int8" ? "int8_t" : "int16_t";
    cases.push(build(
      `SvdfQuantized2x2Input2x4OutputShouldMatchGolden<${tname}>`, type,
      { batches: 2, inputSize: 2, units: 4, rank: 2, memory: 10 },
      {
        inScale: f(2.5 / 127), inZp: 0, wfScale: f(1 / 127), wtScale: f(1 / max(type)),
        stScale: f(1.49 / max(type)), outScale: f(1 / 127), outZp: 0,
      },
      "2x2x10", "golden_output_2x2x10", "RELU", undefined,
    ));
    for (const relu of [false, true]) {
      cases.push(build(
        `SvdfQuantized1x16Input64x1Output${relu ? "Relu" : ""}ShouldMatchGolden<${tname}>`, type,
        { batches: 1, inputSize: 16, units: 64, rank: 1, memory: 8 },
        {
          inScale: f(0.10075444), inZp: 2, wfScale: f(0.00649388), wtScale: scaleFromMinMax(-0.81, 0.81, type),
          stScale: scaleFromMinMax(-17.73, 17.73, type), outScale: f(0.051445257), outZp: relu ? -128 : 0,
        },
        "16x1x1", relu ? "golden_output_relu_16x1x1" : "golden_output_16x1x1", relu ? "RELU" : "NONE", V["initial_activation_state_data_16x1x1"],
      ));
    }
  }
  return cases;
}

const int8 = (b: Uint8Array): number[] => Array.from(new Int8Array(b.buffer, b.byteOffset, b.length));

/** Runs `c` on `target` in `mode`; expects TFLM's golden within 1; returns the int8 outputs per invocation. */
export async function expectTflmCase(c: TflmSvdfCase, target: Target, mode: "codegen" | "interpreter"): Promise<number[][]> {
  const { outputs } = await runInvocations(c.graph, c.invocations, target, { mode });
  const got = outputs.map((o) => int8(o[0]));
  got.forEach((row, t) => row.forEach((v, i) => {
    expect(Math.abs(v - c.golden[t][i]), `${c.name} ${target} ${mode} invocation ${t} output ${i}: ${v} vs golden ${c.golden[t][i]}`).toBeLessThanOrEqual(1);
  }));
  return got;
}

/**
 * SvdfFloat2x2Input2x4OutputShouldMatchGolden (TestSVDF, kTfLiteActNone, zero state, 10
 * invocations): the float32 kernel, each output within TFLM's tolerance 1e-5 of the golden. (The
 * float 1x16 tests start from a given float state, which no float copy op can load here.)
 */
export function tflmSvdfFloatCase(): { name: string; graph: Graph; invocations: Uint8Array[][]; golden: number[][] } {
  const graph = svdfFloatGraph(
    { batches: 2, inputSize: 2, units: 4, rank: 2, memory: 10, activation: "NONE" },
    Float32Array.from(V["feature_weights_data_2x2x10"]), Float32Array.from(V["time_weights_data_2x2x10"]), Float32Array.from(V["bias_data_2x2x10"]),
  );
  return {
    name: "SvdfFloat2x2Input2x4OutputShouldMatchGolden", graph,
    invocations: chunk(V["input_data_2x2x10"], 4).map((x) => [asBytes(Float32Array.from(x))]),
    golden: chunk(V["golden_output_2x2x10"], 8),
  };
}
