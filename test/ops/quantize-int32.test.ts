/**
 * @fileoverview QUANTIZE int8/int16 -> int32 (kernels/quantize.ts quantizeToInt32): TFLite
 * Micro's quantize_test.cc QuantizeOpTestInt8toInt32 and QuantizeOpTestInt16toInt32 (at
 * 90b983c2: values -32..31, input scale 1, output scale 0.5, zero points 0) on ts, wasm and host
 * C, and random requantizations (scales, zero points, extreme inputs) where TS == WASM == host C.
 */
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import type { Graph } from "../../compiler/ir/graph.ts";
import { runModel, type Target } from "../../compiler/run/targets.ts";
import { needTarget } from "../support/shared.ts";
import { GraphBuilder, perTensor } from "../support/synthetic.ts";
import { caseCount, expectGraphAgree, seedOf } from "../kernels/differential/agree.ts";

const host = needTarget("host");
const targets: Target[] = host.skip ? ["ts", "wasm"] : ["ts", "wasm", "host"];

function graphOf(inType: "int8" | "int16", n: number, inScale: number, inZp: number, outScale: number, outZp: number): Graph {
  const b = new GraphBuilder();
  const x = b.add("x", inType, [n], perTensor(Math.fround(inScale), inZp));
  const y = b.add("y", "int32", [n], perTensor(Math.fround(outScale), outZp));
  return { name: "quantize_to_int32", tensors: b.tensors, inputs: [x], outputs: [y], ops: [{ index: 0, opcode: "QUANTIZE", version: 1, inputs: [x], outputs: [y], options: {} }] };
}

const VALUES = [-32, -31, -30, -29, -28, 27, 28, 29, 30, 31];

describe("QUANTIZE -> int32: TFLite Micro's quantize_test.cc", () => {
  for (const inType of ["int8", "int16"] as const) {
    for (const target of targets) {
      it(`QuantizeOpTest${inType === "int8" ? "Int8" : "Int16"}toInt32 on ${target}`, async () => {
        const input = inType === "int8" ? new Uint8Array(Int8Array.from(VALUES).buffer) : new Uint8Array(Int16Array.from(VALUES).buffer);
        const out = (await runModel(graphOf(inType, VALUES.length, 1, 0, 0.5, 0), [input], target)).outputs[0];
        expect(Array.from(new Int32Array(out.buffer.slice(out.byteOffset, out.byteOffset + out.length)))).toEqual(VALUES.map((v) => 2 * v));
      }, 120_000);
    }
  }
});

describe("QUANTIZE -> int32: TS == WASM == host C", () => {
  const arb = fc.record({
    inType: fc.constantFrom<"int8" | "int16">("int8", "int16"),
    n: fc.integer({ min: 1, max: 40 }),
    logIn: fc.double({ min: -16, max: 0, noNaN: true }),
    logOut: fc.double({ min: -20, max: 0, noNaN: true }),
    inZp: fc.integer({ min: -128, max: 127 }),
    outZp: fc.integer({ min: -1000, max: 1000 }),
    fill: fc.constantFrom("random", "min", "max"),
    seed: fc.integer({ min: 1, max: 0x7fffffff }),
  });
  it(`${caseCount(12)} random requantizations`, async () => {
    await fc.assert(fc.asyncProperty(arb, async (d) => {
      const g = graphOf(d.inType, d.n, 2 ** d.logIn, d.inType === "int8" ? d.inZp : 0, 2 ** d.logOut, d.outZp);
      const width = d.inType === "int8" ? 1 : 2;
      let x = d.seed >>> 0;
      const bytes = Uint8Array.from({ length: d.n * width }, (_, i) => {
        const top = i % width === width - 1;
        if (d.fill === "min") return top ? 0x80 : 0;
        if (d.fill === "max") return top ? 0x7f : 0xff;
        x ^= x << 13; x ^= x >>> 17; x ^= x << 5;
        return x & 0xff;
      });
      fc.pre(2 ** d.logIn / 2 ** d.logOut < 2 ** 31);
      await expectGraphAgree(JSON.stringify(d), g, [bytes], targets);
    }), { seed: seedOf("QUANTIZE_INT32", 15), numRuns: caseCount(12) });
  }, 240_000);
});
