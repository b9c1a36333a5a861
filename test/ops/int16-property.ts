/**
 * @fileoverview Shared by the int16 elementwise op tests (abs-int16, rsqrt-int16,
 * squared-difference-int16): the targets, int16 byte helpers, and the property suite each runs
 * (random graphs where TS == WASM == host C, then one graph in interpreter mode == codegen).
 */
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import type { Graph } from "../../compiler/ir/graph.ts";
import { runModel, type Target } from "../../compiler/run/targets.ts";
import { needTarget } from "../support/shared.ts";
import { caseCount, expectGraphAgree, firstDifference, seedOf } from "../kernels/differential/agree.ts";

export const targets16: Target[] = needTarget("host").skip ? ["ts", "wasm"] : ["ts", "wasm", "host"];

export const bytes16 = (v: number[]): Uint8Array => new Uint8Array(Int16Array.from(v).buffer);
export const ints16 = (b: Uint8Array): number[] => Array.from(new Int16Array(b.buffer.slice(b.byteOffset, b.byteOffset + b.length)));

/** `n` int16 values from `seed` (xorshift), or all at one end of the range. */
export function int16Values(n: number, fill: string, seed: number, sign = 1): number[] {
  let x = seed >>> 0;
  return Array.from({ length: n }, () => {
    if (fill === "min") return sign > 0 ? -32768 : 32767;
    if (fill === "max") return sign > 0 ? 32767 : -32768;
    x ^= x << 13; x ^= x >>> 17; x ^= x << 5;
    return ((x & 0xffff) << 16) >> 16;
  });
}

/** `title`: caseCount(20) random graphs agree on every target, and one runs in interpreter mode as in codegen. */
export function int16PropertySuite<D>(title: string, arb: fc.Arbitrary<D>, build: (d: D) => [Graph, Uint8Array[]], seedName: string): void {
  describe(title, () => {
    it(`${caseCount(20)} random graphs, and interpreter mode`, async () => {
      await fc.assert(fc.asyncProperty(arb, async (d) => {
        const [g, inputs] = build(d);
        await expectGraphAgree(JSON.stringify(d), g, inputs, targets16);
      }), { seed: seedOf(seedName, 15), numRuns: caseCount(20) });
      const [d] = fc.sample(arb, { seed: seedOf(seedName, 17), numRuns: 1 });
      const [g, inputs] = build(d!);
      const want = (await runModel(g, inputs, "ts")).outputs[0];
      for (const target of targets16.filter((t) => t !== "wasm")) {
        const got = (await runModel(g, inputs, target, { mode: "interpreter" })).outputs[0];
        expect(firstDifference(want!, got!), `interpreter on ${target}`).toBe(-1);
      }
    }, 240_000);
  });
}

/** The suite for a unary int16 op built by `graph(n, inScale, outScale)`; output scales 2^logOut. */
export function unaryInt16Suite(title: string, graph: (n: number, inScale: number, outScale: number) => Graph, logOut: [number, number], seedName: string): void {
  const arb = fc.record({
    n: fc.integer({ min: 1, max: 64 }),
    logIn: fc.double({ min: -14, max: 0, noNaN: true }),
    same: fc.boolean(),
    logOut: fc.double({ min: logOut[0], max: logOut[1], noNaN: true }),
    fill: fc.constantFrom("random", "random", "min", "max"),
    seed: fc.integer({ min: 1, max: 0x7fffffff }),
  });
  int16PropertySuite(title, arb, (d) => [graph(d.n, 2 ** d.logIn, d.same ? 2 ** d.logIn : 2 ** d.logOut), [bytes16(int16Values(d.n, d.fill, d.seed))]], seedName);
}
