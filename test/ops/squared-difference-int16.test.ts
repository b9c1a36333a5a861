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
import { runModel } from "../../compiler/run/targets.ts";
import { GraphBuilder, perTensor } from "../support/synthetic.ts";
import { bytes16, int16PropertySuite, int16Values, ints16, targets16 } from "./int16-property.ts";

const targets = targets16;

function sqdGraph(shape1: number[], shape2: number[], s1: number, s2: number, so: number): Graph {
  const b = new GraphBuilder();
  const x = b.add("x", "int16", shape1, perTensor(Math.fround(s1), 0));
  const y = b.add("y", "int16", shape2, perTensor(Math.fround(s2), 0));
  const z = b.add("z", "int16", shape1, perTensor(Math.fround(so), 0));
  return { name: "sqd16", tensors: b.tensors, inputs: [x, y], outputs: [z], ops: [{ index: 0, opcode: "SQUARED_DIFFERENCE", version: 2, inputs: [x, y], outputs: [z], options: {} }] };
}

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

const sqdArb = fc.record({
  shape: fc.array(fc.integer({ min: 1, max: 5 }), { minLength: 1, maxLength: 4 }),
  bcast: fc.boolean(),
  logs: fc.tuple(fc.double({ min: -14, max: 0, noNaN: true }), fc.double({ min: -14, max: 0, noNaN: true }), fc.double({ min: -14, max: 2, noNaN: true })),
  fill: fc.constantFrom("random", "random", "min", "max"),
  seed: fc.integer({ min: 1, max: 0x7fffffff }),
});
int16PropertySuite("SQUARED_DIFFERENCE int16: TS == WASM == host C", sqdArb, (d) => {
  const shape2 = d.bcast ? d.shape.map((x, i) => (i % 2 === 0 ? 1 : x)) : d.shape;
  const n = (s: number[]): number => s.reduce((a, b) => a * b, 1);
  const [l1, l2, lo] = d.logs;
  return [sqdGraph(d.shape, shape2, 2 ** l1, 2 ** l2, 2 ** lo), [bytes16(int16Values(n(d.shape), d.fill, d.seed, 1)), bytes16(int16Values(n(shape2), d.fill, d.seed ^ 0x5bd1e995, -1))]];
}, "SQD16");
