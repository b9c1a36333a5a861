/**
 * @fileoverview SQUARED_DIFFERENCE int16 (kernels/squared_difference.ts squaredDifference16):
 * TFLite Micro's squared_difference_test.cc int16 cases (at 90b983c2: symmetric narrow-range
 * scales (max - min) / 65534, zero points 0, tolerances 6/32768 and 18/32768 of the golden) on
 * ts, wasm and host C; and random graphs (scales, broadcast second input, random or extreme
 * inputs) where TS == WASM == host C, and interpreter mode equals codegen.
 */
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import type { Graph } from "../../compiler/ir/graph.ts";
import { runModel, type Target } from "../../compiler/run/targets.ts";
import { needTarget } from "../support/shared.ts";
import { GraphBuilder, perTensor } from "../support/synthetic.ts";
import { caseCount, expectGraphAgree, firstDifference, seedOf } from "../kernels/differential/agree.ts";

const host = needTarget("host");
const targets: Target[] = host.skip ? ["ts", "wasm"] : ["ts", "wasm", "host"];

function sqdGraph(shape1: number[], shape2: number[], s1: number, s2: number, so: number): Graph {
  const b = new GraphBuilder();
  const x = b.add("x", "int16", shape1, perTensor(Math.fround(s1), 0));
  const y = b.add("y", "int16", shape2, perTensor(Math.fround(s2), 0));
  const z = b.add("z", "int16", shape1, perTensor(Math.fround(so), 0));
  return { name: "sqd16", tensors: b.tensors, inputs: [x, y], outputs: [z], ops: [{ index: 0, opcode: "SQUARED_DIFFERENCE", version: 2, inputs: [x, y], outputs: [z], options: {} }] };
}

const bytes16 = (v: number[]): Uint8Array => new Uint8Array(Int16Array.from(v).buffer);
const ints16 = (b: Uint8Array): number[] => Array.from(new Int16Array(b.buffer.slice(b.byteOffset, b.byteOffset + b.length)));
/** ChooseQuantizationParams<int16_t>(-m, m, narrow_range): scale 2m / 65534, zero point 0. */
const sym = (m: number): number => Math.fround((2 * m) / 65534);
const q = (v: number[], s: number): number[] => v.map((x) => Math.max(-32767, Math.min(32767, Math.round(x / s))));

const CASES = [
  { name: "QuantizedSquaredDifferenceSameShape", shape: [1, 2, 2, 1], a: [-0.2, 0.2, -1.2, 0.8], b: [0.5, 0.2, -1.5, 0.5], golden: [0.49, 0.0, 0.09, 0.09], m: [1.2, 1.5, 0.5], tol: 6 / 32768 },
  { name: "QuantizedSquaredDifferenceVariousShapes", shape: [2, 3], a: [-2.0, 0.2, 0.3, 0.8, 1.1, -2.0], b: [1.0, 0.2, 0.6, 0.4, -1.0, -0.0], golden: [9.0, 0.0, 0.09, 0.16, 4.41, 4.0], m: [2, 1, 9], tol: 18 / 32768 },
];

describe("SQUARED_DIFFERENCE int16: TFLite Micro's squared_difference_test.cc", () => {
  for (const c of CASES) {
    for (const target of targets) {
      it(`${c.name} on ${target}`, async () => {
        const [s1, s2, so] = c.m.map(sym);
        const out = ints16((await runModel(sqdGraph(c.shape, c.shape, s1, s2, so), [bytes16(q(c.a, s1)), bytes16(q(c.b, s2))], target)).outputs[0]);
        out.forEach((v, i) => expect(Math.abs(v * so - c.golden[i]), `element ${i}: ${v}`).toBeLessThanOrEqual(c.tol));
      }, 120_000);
    }
  }
});

describe("SQUARED_DIFFERENCE int16: TS == WASM == host C", () => {
  const arb = fc.record({
    shape: fc.array(fc.integer({ min: 1, max: 5 }), { minLength: 1, maxLength: 4 }),
    bcast: fc.boolean(),
    logs: fc.tuple(fc.double({ min: -14, max: 0, noNaN: true }), fc.double({ min: -14, max: 0, noNaN: true }), fc.double({ min: -14, max: 2, noNaN: true })),
    fill: fc.constantFrom("random", "random", "min", "max"),
    seed: fc.integer({ min: 1, max: 0x7fffffff }),
  });
  const build = (d: typeof arb extends fc.Arbitrary<infer T> ? T : never): [Graph, Uint8Array[]] => {
    const shape2 = d.bcast ? d.shape.map((x, i) => (i % 2 === 0 ? 1 : x)) : d.shape;
    let x = d.seed >>> 0;
    const vals = (n: number, sign: number): number[] => Array.from({ length: n }, () => {
      if (d.fill === "min") return sign > 0 ? -32768 : 32767;
      if (d.fill === "max") return sign > 0 ? 32767 : -32768;
      x ^= x << 13; x ^= x >>> 17; x ^= x << 5;
      return ((x & 0xffff) << 16) >> 16;
    });
    const n = (s: number[]): number => s.reduce((a, b) => a * b, 1);
    const [l1, l2, lo] = d.logs;
    return [sqdGraph(d.shape, shape2, 2 ** l1, 2 ** l2, 2 ** lo), [bytes16(vals(n(d.shape), 1)), bytes16(vals(n(shape2), -1))]];
  };
  it(`${caseCount(20)} random graphs, and interpreter mode`, async () => {
    await fc.assert(fc.asyncProperty(arb, async (d) => {
      const [g, inputs] = build(d);
      await expectGraphAgree(JSON.stringify(d), g, inputs, targets);
    }), { seed: seedOf("SQD16", 15), numRuns: caseCount(20) });
    const [d] = fc.sample(arb, { seed: seedOf("SQD16", 17), numRuns: 1 });
    const [g, inputs] = build(d);
    const want = (await runModel(g, inputs, "ts")).outputs[0];
    for (const target of targets.filter((t) => t !== "wasm")) {
      const got = (await runModel(g, inputs, target, { mode: "interpreter" })).outputs[0];
      expect(firstDifference(want, got), `interpreter on ${target}`).toBe(-1);
    }
  }, 240_000);
});
