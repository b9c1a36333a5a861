/**
 * @fileoverview ABS int16 (kernels/abs.ts absInt16): TFLite Micro's elementwise_test.cc AbsInt16
 * (at 90b983c2: scales 142/32767 in, 150/32767 out, zero points 0, within one input scale of the
 * golden) on ts, wasm and host C; the zero-point check; and random graphs (scales equal or not,
 * random or extreme inputs) where TS == WASM == host C, and interpreter mode equals codegen.
 */
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import type { Graph } from "../../compiler/ir/graph.ts";
import { runModel, type Target } from "../../compiler/run/targets.ts";
import { needTarget } from "../support/shared.ts";
import { GraphBuilder, perTensor } from "../support/synthetic.ts";
import { caseCount, expectGraphAgree, expectLowerError, firstDifference, seedOf } from "../kernels/differential/agree.ts";

const host = needTarget("host");
const targets: Target[] = host.skip ? ["ts", "wasm"] : ["ts", "wasm", "host"];

function absGraph(n: number, inScale: number, outScale: number, outZp = 0): Graph {
  const b = new GraphBuilder();
  const x = b.add("x", "int16", [1, n], perTensor(Math.fround(inScale), 0));
  const y = b.add("y", "int16", [1, n], perTensor(Math.fround(outScale), outZp));
  return { name: "abs16", tensors: b.tensors, inputs: [x], outputs: [y], ops: [{ index: 0, opcode: "ABS", version: 4, inputs: [x], outputs: [y], options: {} }] };
}

const bytes16 = (v: number[]): Uint8Array => new Uint8Array(Int16Array.from(v).buffer);
const ints16 = (b: Uint8Array): number[] => Array.from(new Int16Array(b.buffer.slice(b.byteOffset, b.byteOffset + b.length)));

describe("ABS int16: TFLite Micro's elementwise_test.cc AbsInt16", () => {
  const input = [15, 46, 78, -142, -1, -17, -49, 113];
  const golden = [15, 46, 78, 142, 1, 17, 49, 113];
  const inScale = Math.fround(142 / 32767);
  const outScale = Math.fround(150 / 32767);
  for (const target of targets) {
    it(`on ${target}`, async () => {
      const q = input.map((v) => Math.max(-32768, Math.min(32767, Math.round(v / inScale))));
      const out = ints16((await runModel(absGraph(8, inScale, outScale), [bytes16(q)], target)).outputs[0]);
      out.forEach((v, i) => expect(Math.abs(v * outScale - golden[i])).toBeLessThanOrEqual(inScale));
    }, 120_000);
  }
  it("rejects a nonzero int16 zero point", () => {
    expectLowerError(absGraph(8, inScale, outScale, 3), /zero point 3; int16 activations are symmetric/);
  });
});

describe("ABS int16: TS == WASM == host C", () => {
  const arb = fc.record({
    n: fc.integer({ min: 1, max: 64 }),
    logIn: fc.double({ min: -14, max: 0, noNaN: true }),
    same: fc.boolean(),
    logOut: fc.double({ min: -14, max: 0, noNaN: true }),
    fill: fc.constantFrom("random", "random", "min", "max"),
    seed: fc.integer({ min: 1, max: 0x7fffffff }),
  });
  const build = (d: typeof arb extends fc.Arbitrary<infer T> ? T : never): [Graph, Uint8Array[]] => {
    let x = d.seed >>> 0;
    const v = Array.from({ length: d.n }, () => {
      if (d.fill === "min") return -32768;
      if (d.fill === "max") return 32767;
      x ^= x << 13; x ^= x >>> 17; x ^= x << 5;
      return ((x & 0xffff) << 16) >> 16;
    });
    return [absGraph(d.n, 2 ** d.logIn, d.same ? 2 ** d.logIn : 2 ** d.logOut), [bytes16(v)]];
  };
  it(`${caseCount(20)} random graphs, and interpreter mode`, async () => {
    await fc.assert(fc.asyncProperty(arb, async (d) => {
      const [g, inputs] = build(d);
      await expectGraphAgree(JSON.stringify(d), g, inputs, targets);
    }), { seed: seedOf("ABS16", 15), numRuns: caseCount(20) });
    const [d] = fc.sample(arb, { seed: seedOf("ABS16", 17), numRuns: 1 });
    const [g, inputs] = build(d);
    const want = (await runModel(g, inputs, "ts")).outputs[0];
    for (const target of targets.filter((t) => t !== "wasm")) {
      const got = (await runModel(g, inputs, target, { mode: "interpreter" })).outputs[0];
      expect(firstDifference(want, got), `interpreter on ${target}`).toBe(-1);
    }
  }, 240_000);
});
