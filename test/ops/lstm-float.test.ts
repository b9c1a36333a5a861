/**
 * @fileoverview The float32 UNIDIRECTIONAL_SEQUENCE_LSTM (kernels/unidirectional_sequence_lstm.ts
 * `unidirectionalSequenceLstmFloat`, TFLite Micro's float LstmStep) on ts, wasm and host C in
 * codegen and interpreter mode (qemu: lstm-float.full.test.ts):
 *  - TFLite Micro's own float unit test (unidirectional_sequence_lstm_test.cc
 *    TestUnidirectionalLSTMFloat, Create2x3x2X2FloatNodeContents and Get2X2LstmEvalCheckData):
 *    the output within its tolerance 1e-6, every target and mode giving the same bytes;
 *  - a property over small shapes, weights, inputs, time- or batch-major and cell clip, three
 *    invocations on one instance (state kept): the kernel within 1e-6 (TFLM's own tolerance;
 *    3e-7 measured over 300 random models) of referenceLstmFloat
 *    (test/ops/lstm-model.ts: TFLM's float steps with Math.fround, e^x and tanh from Math.exp and
 *    Math.tanh in double, as TFLM takes them from libm), and TS == WASM == host C in both modes;
 *  - tanhF32 within 2 ulp of Math.tanh over a sweep (expF32 is float-ops.test.ts's);
 *  - what does not fit TFLM's float LSTM: a float input with int8 weights (hybrid) or state,
 *    MOTE3001.
 */
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import type { Graph } from "../../compiler/ir/graph.ts";
import { checkInt8 } from "../../compiler/import/tflite/check.ts";
import { lowerGraph, opHandles } from "../../compiler/ops/index.ts";
import { runInvocations, type Target } from "../../compiler/run/targets.ts";
import { tanhF32 } from "../../kernels/unidirectional_sequence_lstm.ts";
import { moteError } from "../import/mote-error.ts";
import { needTarget } from "../support/shared.ts";
import { caseCount } from "../kernels/differential/agree.ts";
import {
  TFLM_EXPECTED_OUTPUT, TFLM_INPUT, lstmFloatGraph, lstmGraph, referenceLstmFloat, tflmFloatSpec, tflmSpec, type FloatLstmSpec,
} from "./lstm-model.ts";

const targets: Target[] = needTarget("host").ok ? ["ts", "wasm", "host"] : ["ts", "wasm"];
const MODES = [{}, { mode: "interpreter" as const }];
const f = Math.fround;
const bytes = (x: Float32Array): Uint8Array => new Uint8Array(x.buffer.slice(0));
const floats = (b: Uint8Array): Float32Array => new Float32Array(b.slice().buffer);

/** Every target and mode over the same invocations must give the same bytes; returns ts codegen's. */
async function allRuns(graph: Graph, invocations: Float32Array[], which: readonly Target[] = targets): Promise<Float32Array[]> {
  checkInt8(graph, opHandles);
  let ref: Uint8Array[] | undefined;
  for (const target of which) {
    for (const mode of MODES) {
      const got = (await runInvocations(graph, invocations.map((x) => [bytes(x)]), target, mode)).outputs.map((o) => o[0]!);
      if (ref === undefined) ref = got;
      else got.forEach((o, k) => expect(Buffer.from(o).equals(Buffer.from(ref![k]!)), `${graph.name} on ${target} ${mode.mode ?? "codegen"}, invocation ${k}`).toBe(true));
    }
  }
  return ref!.map(floats);
}

describe("float32 LSTM: TFLite Micro's unit test (TestUnidirectionalLSTMFloat)", () => {
  it.concurrent(`within its 1e-6 on ${targets.join(", ")}, both modes`, async () => {
    const [out] = await allRuns(lstmFloatGraph(tflmFloatSpec(), "lstm_float_tflm"), [Float32Array.from(TFLM_INPUT)]);
    TFLM_EXPECTED_OUTPUT.forEach((w, i) => expect(Math.abs(out![i]! - w), `output ${i}: ${out![i]} vs ${w}`).toBeLessThanOrEqual(1e-6));
  });
});

const specArb: fc.Arbitrary<FloatLstmSpec & { seed: number }> = fc.record({
  batches: fc.integer({ min: 1, max: 2 }),
  steps: fc.integer({ min: 1, max: 3 }),
  inputSize: fc.integer({ min: 1, max: 4 }),
  units: fc.integer({ min: 1, max: 3 }),
  timeMajor: fc.boolean(),
  cellClip: fc.constantFrom(0, 0.5, 3),
  seed: fc.integer({ min: 1, max: 0x7fffffff }),
}).map((r) => {
  let s = r.seed;
  const next = (scale: number) => { s = (Math.imul(s, 1103515245) + 12345) | 0; return f(((s >>> 8) / 2 ** 24 - 0.5) * 2 * scale); };
  const mat = (n: number, scale: number) => Array.from({ length: 4 }, () => Array.from({ length: n }, () => next(scale)));
  return { ...r, w: mat(r.units * r.inputSize, 3), rw: mat(r.units * r.units, 3), b: mat(r.units, 1) };
});

function inputsOf(s: FloatLstmSpec & { seed: number }): Float32Array[] {
  let x = s.seed ^ 0x5bd1e995;
  return [1, 2, 3].map(() => Float32Array.from({ length: s.batches * s.steps * s.inputSize }, () => {
    x = (Math.imul(x, 1103515245) + 12345) | 0;
    return f(((x >>> 8) / 2 ** 24 - 0.5) * 6);
  }));
}

describe("float32 LSTM: random shapes and data", () => {
  it("the TypeScript kernel stays within 1e-6 of TFLM's float steps with libm's e^x and tanh, over three invocations", async () => {
    await fc.assert(fc.asyncProperty(specArb, async (s) => {
      const xs = inputsOf(s);
      const graph = lstmFloatGraph(s, "lstm_float_ref");
      const got = (await runInvocations(graph, xs.map((x) => [bytes(x)]), "ts")).outputs.map((o) => floats(o[0]!));
      const want = referenceLstmFloat(s, xs);
      got.forEach((o, k) => o.forEach((v, i) => expect(Math.abs(v - want[k]![i]!), `invocation ${k} output ${i}: ${v} vs ${want[k]![i]} (${JSON.stringify(s)})`).toBeLessThanOrEqual(1e-6)));
    }), { seed: 1532, numRuns: caseCount(100) });
  });

  it.concurrent(`${targets.join(" == ")} in both modes`, async () => {
    const cases = fc.sample(specArb, { seed: 1533, numRuns: caseCount(5) });
    for (const s of cases) await allRuns(lstmFloatGraph(s, "lstm_float_agree"), inputsOf(s));
  }, 600_000);
});

describe("tanhF32 (the float LSTM's tanh)", () => {
  it("is within 2 ulp of Math.tanh, odd, exact at 0 and saturating to 1", () => {
    const bits = (x: number) => new Int32Array(Float32Array.of(x).buffer)[0]!;
    let s = 0x2545f491;
    for (let i = 0; i < 40_000; i++) {
      s = (Math.imul(s, 1103515245) + 12345) | 0;
      const x = f(((s >>> 0) / 2 ** 32 - 0.5) * (i % 2 ? 2 : 40));
      const want = f(Math.tanh(x));
      expect(Math.abs(bits(tanhF32(x)) - bits(want)), `tanh(${x})`).toBeLessThanOrEqual(2);
      expect(tanhF32(-x)).toBe(-tanhF32(x));
    }
    expect(Object.is(tanhF32(-0), -0)).toBe(true);
    expect(tanhF32(1e-40)).toBe(f(1e-40));
    expect(tanhF32(100)).toBe(1);
    expect(tanhF32(Infinity)).toBe(1);
    expect(tanhF32(NaN)).toBeNaN();
  });
});

describe("float32 LSTM rejections", () => {
  it("a float input with int8 weights and state (hybrid) is MOTE3001", () => {
    const graph = lstmGraph({ ...tflmSpec("int8"), inputDType: "float32" }, "lstm_hybrid");
    expect(moteError(() => lowerGraph(graph), [3001]).message).toContain("must have the input's type float32");
  });
  it("int8 weights under a float32 input and state are MOTE3001", () => {
    const graph = lstmFloatGraph(tflmFloatSpec(), "lstm_float_int8w");
    const w = graph.tensors[graph.ops[0]!.inputs[1]!]!;
    w.dtype = "int8";
    w.quant = { scale: [0.1], zeroPoint: [0], quantizedDimension: 0 };
    w.data = new Uint8Array(4);
    expect(moteError(() => lowerGraph(graph), [3001]).message).toContain("float32");
  });
});
