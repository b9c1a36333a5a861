/**
 * @fileoverview Property test of the SVDF kernel (kernels/svdf.ts): fast-check draws SVDF graphs
 * (batches, input size, units, rank, memory, int16 or int8 state, the five scales log-uniform so
 * both multipliers span 2^-20..2^6, input and output zero points, weights and biases over their
 * full ranges or pinned at the extremes) and three invocations of inputs on one instance (so the
 * state's shift and newest column are exercised); the TypeScript kernels, the WASM module and the
 * host-gcc C library must give the same bytes, and interpreter mode the same as codegen; and the
 * TypeScript kernels equal a direct transcription of TFLite Micro's EvalIntegerSvdfReference at
 * 90b983c2 (below), which keeps the state as TFLM does (an int8 state reset to its zero point),
 * so the targets' reset of an int8 state to its zero point is checked for any zero point. Bit-
 * exactness with TFLite Micro is the golden-ops-2 and svdf_test.cc tests' job. The float32
 * kernel (svdfFloat) likewise, over the same shapes and its four fused activations. Case counts:
 * caseCount (40 % in npm test, all in the svdf.full.test.ts twin).
 */
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { lowerGraph } from "../../../compiler/ops/index.ts";
import { mbqm } from "../../../kernels/intrinsics.ts";
import { runInvocations, type Target } from "../../../compiler/run/targets.ts";
import { needTarget } from "../../support/shared.ts";
import { asBytes, svdfFloatGraph, svdfGraph, typedArray, type StateType, type SvdfSpec } from "../../support/svdf.ts";
import { caseCount, firstDifference, seedOf } from "./agree.ts";

const RUNS = { tflm: caseCount(100), wasm: caseCount(30), host: caseCount(8), float: caseCount(10) };

const host = needTarget("host");

interface Draw {
  batches: number; inputSize: number; units: number; rank: number; memory: number; state: StateType;
  /** log2 of input, weights_feature, weights_time, state and output scale. */
  logs: [number, number, number, number, number];
  inZp: number; outZp: number; stZp: number; seed: number; fill: "random" | "min" | "max";
}

const arb: fc.Arbitrary<Draw> = fc.record({
  batches: fc.integer({ min: 1, max: 2 }),
  inputSize: fc.integer({ min: 1, max: 9 }),
  units: fc.integer({ min: 1, max: 4 }),
  rank: fc.integer({ min: 1, max: 3 }),
  memory: fc.integer({ min: 1, max: 6 }),
  state: fc.constantFrom<StateType>("int16", "int8"),
  logs: fc.tuple(
    fc.double({ min: -9, max: -2, noNaN: true }), fc.double({ min: -9, max: -3, noNaN: true }),
    fc.double({ min: -16, max: -3, noNaN: true }), fc.double({ min: -14, max: -1, noNaN: true }),
    fc.double({ min: -10, max: -1, noNaN: true }),
  ),
  inZp: fc.integer({ min: -128, max: 127 }),
  outZp: fc.integer({ min: -128, max: 127 }),
  // Mostly 0 (the converter's int16 state); TFLM's keyword_scrambled_8bit has an int8 state at -50.
  stZp: fc.oneof(fc.constant(0), fc.integer({ min: -128, max: 127 })),
  seed: fc.integer({ min: 1, max: 0x7fffffff }),
  fill: fc.constantFrom("random", "random", "min", "max"),
});

/** xorshift32 values in [lo, hi], or lo / hi throughout for a min / max fill. */
function values(seed: number, n: number, lo: number, hi: number, fill: Draw["fill"]): number[] {
  let x = seed >>> 0 || 1;
  return Array.from({ length: n }, () => {
    if (fill === "min") return lo;
    if (fill === "max") return hi;
    x ^= x << 13; x >>>= 0; x ^= x >>> 17; x ^= x << 5; x >>>= 0;
    return lo + (x % (hi - lo + 1));
  });
}

/** The scales keep both multipliers (input*wf/state, state*wt/output) within 2^-20..2^6. */
function valid(d: Draw): boolean {
  const [i, wf, wt, st, out] = d.logs;
  const m1 = i + wf - st;
  const m2 = st + wt - out;
  return m1 >= -20 && m1 <= 6 && m2 >= -20 && m2 <= 6;
}

function build(d: Draw): { spec: SvdfSpec; invocations: Uint8Array[][] } {
  const [i, wf, wt, st, out] = d.logs.map((l) => Math.fround(2 ** l));
  const filters = d.units * d.rank;
  const wmax = d.state === "int16" ? 32767 : 127;
  const spec: SvdfSpec = {
    batches: d.batches, inputSize: d.inputSize, units: d.units, rank: d.rank, memory: d.memory, state: d.state,
    inScale: i, inZp: d.inZp, wfScale: wf, wtScale: wt, stScale: st, outScale: out, outZp: d.outZp, stZp: d.stZp,
    wf: Int8Array.from(values(d.seed, filters * d.inputSize, -127, 127, d.fill)),
    wt: typedArray(d.state, values(d.seed ^ 0x5a5a, filters * d.memory, -wmax, wmax, d.fill)),
    bias: Int32Array.from(values(d.seed ^ 0x3c3c, d.units, -(2 ** 20), 2 ** 20, "random")),
  };
  const invocations = [1, 2, 3].map((t) => [asBytes(Int8Array.from(values(d.seed + 7919 * t, d.batches * d.inputSize, -128, 127, t === 2 ? d.fill : "random")))]);
  return { spec, invocations };
}

async function agree(d: Draw, targets: readonly Target[], interpreter: boolean): Promise<void> {
  fc.pre(valid(d));
  const { spec, invocations } = build(d);
  const graph = svdfGraph(spec);
  const ref = (await runInvocations(graph, invocations, "ts")).outputs;
  const runs: [Target, "codegen" | "interpreter"][] = targets.filter((t) => t !== "ts").map((t) => [t, "codegen"]);
  if (interpreter) runs.push(["ts", "interpreter"], ...targets.filter((t) => t !== "ts").map((t): [Target, "interpreter"] => [t, "interpreter"]));
  for (const [target, mode] of runs) {
    const got = (await runInvocations(graph, invocations, target, { mode })).outputs;
    got.forEach((o, t) => {
      const at = firstDifference(ref[t][0], o[0]);
      if (at >= 0) throw new Error(`SVDF ${target} ${mode} invocation ${t} differs from ts at byte ${at}\nspec: ${JSON.stringify(d)}`);
    });
  }
}

/**
 * TFLite Micro's EvalIntegerSvdfReference (svdf_common.cc at 90b983c2) on plain numbers: the
 * state as TFLM keeps it, reset to the zero point for int8 and 0 for int16
 * (MicroInterpreterGraph::ResetTensorData); the zero point is added after the clamp and the sum
 * narrowed to the state type. `mbqm`: TFLite's MultiplyByQuantizedMultiplier.
 */
function tflmSvdf(s: SvdfSpec, invocations: Int8Array[], q: { m1: number; s1: number; m2: number; s2: number }): number[][] {
  const filters = s.units * s.rank;
  const zp = s.stZp ?? 0;
  const [lo, hi, wrap] = s.state === "int16" ? [-32768, 32767, (x: number) => (x << 16) >> 16] : [-128, 127, (x: number) => (x << 24) >> 24];
  const state = new Array<number>(s.batches * filters * s.memory).fill(s.state === "int8" ? zp : 0);
  return invocations.map((x) => {
    for (let k = 0; k + 1 < state.length; k++) state[k] = state[k + 1];
    for (let b = 0; b < s.batches; b++) {
      for (let f = 0; f < filters; f++) {
        let dot = 0;
        for (let c = 0; c < s.inputSize; c++) dot = (dot + s.wf[f * s.inputSize + c] * (x[b * s.inputSize + c] - s.inZp)) | 0;
        dot = Math.min(Math.max(lo, mbqm(dot, q.m1, q.s1)), hi);
        state[(b * filters + f) * s.memory + s.memory - 1] = wrap(zp + dot);
      }
    }
    const out: number[] = [];
    for (let b = 0; b < s.batches; b++) {
      const scratch: number[] = [];
      for (let f = 0; f < filters; f++) {
        let sum = 0;
        for (let m = 0; m < s.memory; m++) sum = (sum + s.wt[f * s.memory + m] * (state[(b * filters + f) * s.memory + m] - zp)) | 0;
        scratch.push(sum);
      }
      for (let u = 0; u < s.units; u++) {
        let acc = s.bias[u];
        for (let r = 0; r < s.rank; r++) acc = (acc + scratch[u * s.rank + r]) | 0;
        out.push(Math.min(Math.max(-128, mbqm(acc, q.m2, q.s2) + s.outZp), 127));
      }
    }
    return out;
  });
}

describe("SVDF kernel == a transcription of TFLite Micro's loop (any state zero point)", () => {
  it(`${RUNS.tflm} random graphs, 3 invocations each`, async () => {
    await fc.assert(fc.asyncProperty(arb, async (d) => {
      fc.pre(valid(d));
      const { spec, invocations } = build(d);
      const graph = svdfGraph(spec);
      const p = lowerGraph(graph)[0].calls[0].params;
      const want = tflmSvdf(spec, invocations.map((i) => new Int8Array(i[0].buffer)), { m1: p.multiplier1, s1: p.shift1, m2: p.multiplier2, s2: p.shift2 });
      const got = (await runInvocations(graph, invocations, "ts")).outputs.map((o) => Array.from(new Int8Array(o[0].buffer, o[0].byteOffset, o[0].length)));
      expect(got, JSON.stringify(d)).toEqual(want);
    }), { seed: seedOf("SVDF_TFLM", 15), numRuns: RUNS.tflm });
  }, 300_000);
});

describe("SVDF kernel: TS == WASM", () => {
  it(`${RUNS.wasm} random graphs, 3 invocations each`, async () => {
    await fc.assert(fc.asyncProperty(arb, (d) => agree(d, ["ts", "wasm"], false)), { seed: seedOf("SVDF", 15), numRuns: RUNS.wasm });
  }, 600_000);
});

describe.skipIf(host.skip)("SVDF kernel: TS == WASM == host C, codegen and interpreter", () => {
  it(`${RUNS.host} random graphs, 3 invocations each`, async () => {
    await fc.assert(fc.asyncProperty(arb, (d) => agree(d, ["ts", "wasm", "host"], true)), { seed: seedOf("SVDF", 16), numRuns: RUNS.host });
  }, 600_000);
});

const floatArb = fc.record({
  batches: fc.integer({ min: 1, max: 2 }), inputSize: fc.integer({ min: 1, max: 9 }), units: fc.integer({ min: 1, max: 4 }),
  rank: fc.integer({ min: 1, max: 3 }), memory: fc.integer({ min: 1, max: 6 }),
  activation: fc.constantFrom("NONE", "RELU", "RELU6", "RELU_N1_TO_1"), seed: fc.integer({ min: 1, max: 0x7fffffff }),
});

/** Floats in [-2, 2) with 2^-20 steps from xorshift32. */
const floats = (seed: number, n: number): Float32Array => Float32Array.from(values(seed, n, -(2 ** 21), 2 ** 21 - 1, "random"), (v) => v / 2 ** 20);

describe.skipIf(host.skip)("float32 SVDF kernel: TS == WASM == host C, codegen and interpreter", () => {
  it(`${RUNS.float} random graphs, 3 invocations each`, async () => {
    await fc.assert(fc.asyncProperty(floatArb, async (d) => {
      const filters = d.units * d.rank;
      const graph = svdfFloatGraph(d, floats(d.seed, filters * d.inputSize), floats(d.seed ^ 0x5a5a, filters * d.memory), floats(d.seed ^ 0x3c3c, d.units));
      const invocations = [1, 2, 3].map((t) => [asBytes(floats(d.seed + 7919 * t, d.batches * d.inputSize))]);
      const ref = (await runInvocations(graph, invocations, "ts")).outputs;
      for (const [target, mode] of [["wasm", "codegen"], ["host", "codegen"], ["ts", "interpreter"], ["host", "interpreter"]] as const) {
        const got = (await runInvocations(graph, invocations, target, { mode })).outputs;
        got.forEach((o, t) => {
          if (firstDifference(ref[t][0], o[0]) >= 0) throw new Error(`float SVDF ${target} ${mode} invocation ${t} differs from ts\nspec: ${JSON.stringify(d)}`);
        });
      }
    }), { seed: seedOf("SVDF_FLOAT", 16), numRuns: RUNS.float });
  }, 600_000);
});
