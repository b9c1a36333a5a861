/**
 * @fileoverview Property tests of issue 15's int8 arithmetic ops (ABS, RSQRT, L2_NORMALIZATION,
 * REDUCE_MAX, REDUCE_MIN, CUMSUM, ADD_N, SQUARED_DIFFERENCE, DIV, LOG_SOFTMAX): fast-check draws
 * random one-op graphs (shapes of rank 1..4, scales, zero points, axes, options, broadcast
 * shapes, random or extreme inputs) and the TypeScript kernels, the WASM module and the host-gcc
 * C library must produce the same bytes; a few graphs per op also in interpreter mode. Graphs
 * whose quantization TFLite Micro itself rejects (lowering error 3001) are skipped by fc.pre; the
 * last suite checks those rejections (what TFLite Micro's Prepare refuses, Mote refuses by name).
 * Bit-exactness with TFLite Micro is the golden-ops-2 conformance test's job.
 */
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import type { Graph } from "../../../compiler/ir/graph.ts";
import { runModel, runProgram, type Target } from "../../../compiler/run/targets.ts";
import { perTensor } from "../../support/synthetic.ts";
import { OPS, buildGraph, lowers, specArb, type ArithOp, type Spec } from "./arith_specs.ts";
import { needTarget } from "../../support/shared.ts";
import { caseCount, expectGraphAgree, expectLowerError, firstDifference, seedOf } from "./agree.ts";
import { divShiftImage } from "./div_shift.ts";
import { runImageTs } from "../../../compiler/run/interpreter.ts";

const SCALE = Math.max(1, Number(process.env.MOTE_DIFF_SCALE ?? 1) || 1);
const WASM_RUNS = caseCount(20); // full count in test:full (arith_int8.full.test.ts), 40 % in npm test
const HOST_RUNS = caseCount(4);

async function check(s: Spec, targets: readonly Target[]): Promise<void> {
  const { graph, inputs } = buildGraph(s);
  fc.pre(lowers(graph));
  await expectGraphAgree(JSON.stringify(s), graph, inputs, targets);
}

const host = needTarget("host");

describe("issue 15 int8 arithmetic ops: TS == WASM", () => {
  for (const op of OPS) {
    it(`${op}: ${WASM_RUNS} random graphs`, async () => {
      await fc.assert(fc.asyncProperty(specArb(op), (s) => check(s, ["ts", "wasm"])), { seed: seedOf(op, 15), numRuns: WASM_RUNS });
    }, 180_000 * SCALE);
  }
});

describe.skipIf(host.skip)("issue 15 int8 arithmetic ops: TS == WASM == host C, and interpreter mode", { concurrent: true }, () => {
  for (const op of OPS) {
    it(`${op}: ${HOST_RUNS} random graphs`, async () => {
      await fc.assert(fc.asyncProperty(specArb(op), (s) => check(s, ["ts", "wasm", "host"])), { seed: seedOf(op, 16), numRuns: HOST_RUNS });
      const [s] = fc.sample(specArb(op).filter((x) => lowers(buildGraph(x).graph)), { seed: seedOf(op, 17), numRuns: 1 });
      const { graph, inputs } = buildGraph(s);
      const want = (await runModel(graph, inputs, "ts")).outputs[0];
      for (const target of ["ts", "host"] as const) {
        const got = (await runModel(graph, inputs, target, { mode: "interpreter" })).outputs[0];
        if (firstDifference(want, got) >= 0) throw new Error(`${op} interpreter on ${target} differs from codegen ts\nspec: ${JSON.stringify(s)}`);
      }
    }, 240_000 * SCALE);
  }
});

describe("issue 15 int8 arithmetic ops: lowering errors (3001) where TFLite Micro fails Prepare", () => {
  const base = (op: ArithOp, over: Partial<Spec> = {}): Spec => ({
    op, seed: 1, shape: [2, 3, 4], scales: [0.02, 0.03, 0.04, 0.05], zps: [1, -2, 3, -4], outScale: 0.1, outZp: 0,
    axis: 1, mask: [false, true, false, false], flags: [true, false], n: 3, broadcast: false, const2: false, fill: "random", ...over,
  });
  const graphOf = (s: Spec): Graph => buildGraph(s).graph;

  it("REDUCE_MAX/MIN with different input and output quantization", () => {
    const g = graphOf(base("REDUCE_MAX"));
    g.tensors[g.ops[0].outputs[0]].quant = perTensor(0.5, 0);
    expectLowerError(g, /quantization differ.*TFLite Micro requires them equal/);
  });
  it("LOG_SOFTMAX whose output is not scale 16/256, zero point 127", () => {
    const g = graphOf(base("LOG_SOFTMAX"));
    g.tensors[g.ops[0].outputs[0]].quant = perTensor(1 / 256, -128);
    expectLowerError(g, /scale 16\/256 and zero point 127/);
  });
  it("L2_NORMALIZATION with a fused activation", () => {
    const g = graphOf(base("L2_NORMALIZATION"));
    g.ops[0].options.fusedActivationFunction = "RELU";
    expectLowerError(g, /fused activation is not supported/);
  });
  it("CUMSUM with an axis tensor of two elements", () => {
    const g = graphOf(base("CUMSUM"));
    const axis = g.tensors[g.ops[0].inputs[1]];
    axis.shape = [2];
    axis.data = new Uint8Array(Int32Array.of(0, 1).buffer);
    expectLowerError(g, /exactly 1/);
  });
  it("ADD_N with inputs of different quantization, and with more inputs than the kernel takes", () => {
    const g = graphOf(base("ADD_N"));
    g.tensors[g.ops[0].inputs[1]].quant = perTensor(0.07, 1);
    expectLowerError(g, /input1 quantization differs/);
    const five = graphOf(base("ADD_N", { n: 4 }));
    five.ops[0].inputs.push(five.ops[0].inputs[0]);
    expectLowerError(five, /at most 4/);
  });
  it("DIV whose output multiplier would make TFLite Micro's kernel assert", () => {
    const g = graphOf(base("DIV"));
    g.tensors[g.ops[0].outputs[0]].quant = perTensor(1e-9, 0);
    expectLowerError(g, /negative exponent/);
  });
  it("int8 RSQRT with a float32 output", () => {
    const g = graphOf(base("RSQRT"));
    g.tensors[g.ops[0].outputs[0]].dtype = "float32";
    expectLowerError(g, /int8/);
  });
});

describe("DIV with a final shift beyond 31 bits (an edited interpreter image)", () => {
  it("rounds those quotients to 0, the same on ts, wasm and host", async () => {
    const { build, inputs, want } = divShiftImage();
    const int8 = (out: Uint8Array) => Array.from(new Int8Array(out.buffer, out.byteOffset, out.length));
    expect(int8((await runImageTs(build, inputs))[0]), "ts").toEqual(want);
    for (const target of (host.ok ? ["wasm", "host"] : ["wasm"]) as ("wasm" | "host")[]) {
      expect(int8((await runProgram(build.program, inputs, target)).outputs[0]), target).toEqual(want);
    }
  });
});
