/**
 * @fileoverview Property tests of the float32 kernels of issue 15 (kernels/float_unary.ts,
 * kernels/float_binary.ts, and the float entries of l2_normalization, reduce_max_min, cumsum and
 * add_n): fast-check draws float32 inputs (any bit pattern fc.float gives: NaN, infinities,
 * subnormals, -0) for one graph per op, and the TypeScript kernels, the WASM module and the
 * host-gcc C library must produce the same bytes (NaNs compared as NaNs: their sign and payload
 * are not specified). WASM gets many inputs per op, host C a few (one gcc build per graph).
 */
import fc from "fast-check";
import { describe, it } from "vitest";
import { needTarget } from "../../support/shared.ts";
import { seedOf } from "./agree.ts";
import { GRAPHS, agree, floats } from "./float_graphs.ts";

const SCALE = Math.max(1, Number(process.env.MOTE_DIFF_SCALE ?? 1) || 1);
const WASM_RUNS = 30 * SCALE;
const HOST_RUNS = 3 * SCALE;
const host = needTarget("host");

for (const [name, targets, runs, salt] of [
  ["TS == WASM", ["ts", "wasm"], WASM_RUNS, 21],
  ["TS == WASM == host C", ["ts", "wasm", "host"], HOST_RUNS, 22],
] as const) {
  describe.skipIf(targets.length === 3 && host.skip)(`float32 ops: ${name}`, { concurrent: targets.length === 3 }, () => {
    for (const [op, make] of Object.entries(GRAPHS)) {
      it(`${op}: ${runs} random inputs`, async () => {
        const graph = make();
        const arity = graph.inputs.length;
        await fc.assert(fc.asyncProperty(fc.array(floats, { minLength: arity, maxLength: arity }), (xs) => agree(graph, xs, targets)),
          { seed: seedOf(op, salt), numRuns: runs });
      }, 240_000 * SCALE);
    }
  });
}
