/**
 * @fileoverview Property test of SOFTMAX int8 -> int16 (kernels/softmax.ts softmaxInt16Out):
 * fast-check draws shapes of rank 1..4, input scales 2^-8..2^1, zero points, beta and random or
 * extreme inputs; the TypeScript kernels, the WASM module and the host-gcc C library must give
 * the same bytes, and interpreter mode the same as codegen. Bit-exactness with TFLite Micro is
 * test/softmax/int8-int16.test.ts's job. Case counts: caseCount (40 % in npm test).
 */
import fc from "fast-check";
import { describe, it } from "vitest";
import { runModel } from "../../../compiler/run/targets.ts";
import { needTarget } from "../../support/shared.ts";
import { softmaxInt16OutGraph } from "../../support/softmax16out.ts";
import { caseCount, expectGraphAgree, firstDifference, seedOf } from "./agree.ts";

const RUNS = { wasm: caseCount(30), host: caseCount(8) };
const host = needTarget("host");

const arb = fc.record({
  shape: fc.array(fc.integer({ min: 1, max: 6 }), { minLength: 1, maxLength: 4 }),
  logScale: fc.double({ min: -8, max: 1, noNaN: true }),
  zp: fc.integer({ min: -128, max: 127 }),
  beta: fc.double({ min: 0.25, max: 4, noNaN: true }),
  fill: fc.constantFrom("random", "random", "min", "max"),
  seed: fc.integer({ min: 1, max: 0x7fffffff }),
});
type Draw = typeof arb extends fc.Arbitrary<infer T> ? T : never;

function build(d: Draw): { graph: ReturnType<typeof softmaxInt16OutGraph>; inputs: Uint8Array[] } {
  const graph = softmaxInt16OutGraph(d.shape, 2 ** d.logScale, d.zp, d.beta);
  const n = d.shape.reduce((a, b) => a * b, 1);
  let x = d.seed >>> 0;
  const bytes = Uint8Array.from({ length: n }, () => {
    if (d.fill === "min") return 0x80;
    if (d.fill === "max") return 0x7f;
    x ^= x << 13; x ^= x >>> 17; x ^= x << 5;
    return x & 0xff;
  });
  return { graph, inputs: [bytes] };
}

describe("SOFTMAX int8 -> int16: TS == WASM", () => {
  it(`${RUNS.wasm} random graphs`, async () => {
    await fc.assert(fc.asyncProperty(arb, async (d) => {
      const { graph, inputs } = build(d);
      await expectGraphAgree(JSON.stringify(d), graph, inputs, ["ts", "wasm"]);
    }), { seed: seedOf("SOFTMAX_INT16_OUT", 15), numRuns: RUNS.wasm });
  }, 180_000);
});

describe.skipIf(host.skip)("SOFTMAX int8 -> int16: TS == WASM == host C, and interpreter mode", () => {
  it(`${RUNS.host} random graphs`, async () => {
    await fc.assert(fc.asyncProperty(arb, async (d) => {
      const { graph, inputs } = build(d);
      await expectGraphAgree(JSON.stringify(d), graph, inputs, ["ts", "wasm", "host"]);
    }), { seed: seedOf("SOFTMAX_INT16_OUT", 16), numRuns: RUNS.host });
    const [d] = fc.sample(arb, { seed: seedOf("SOFTMAX_INT16_OUT", 17), numRuns: 1 });
    const { graph, inputs } = build(d);
    const want = (await runModel(graph, inputs, "ts")).outputs[0];
    for (const target of ["ts", "host"] as const) {
      const got = (await runModel(graph, inputs, target, { mode: "interpreter" })).outputs[0];
      if (firstDifference(want, got) >= 0) throw new Error(`interpreter on ${target} differs from codegen ts\nspec: ${JSON.stringify(d)}`);
    }
  }, 240_000);
});
