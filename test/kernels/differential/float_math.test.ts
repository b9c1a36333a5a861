/**
 * @fileoverview Property tests of the float32 kernels FLOOR_DIV, FLOOR_MOD, LOG, SIN and COS
 * (kernels/float_binary.ts FLOAT_FLOOR_DIV/MOD, log.ts, sin_cos.ts; MATH_GRAPHS of float_graphs.ts):
 * fast-check draws float32 inputs (any value fc.float gives: NaN, infinities, subnormals, -0,
 * zero divisors) and the TypeScript kernels, the WASM module and the host-gcc C library, in
 * codegen and interpreter mode, must produce the same bytes (NaNs compared as NaNs: their sign
 * and payload are not specified). Case counts: caseCount (40 % in npm test, all in the
 * float_math.full.test.ts twin); WASM gets many inputs per op, host C a few (one gcc build per
 * graph and mode). Accuracy against double is test/ops/float-math.test.ts's job.
 */
import fc from "fast-check";
import { describe, it } from "vitest";
import { runModel, type Target } from "../../../compiler/run/targets.ts";
import type { Graph } from "../../../compiler/ir/graph.ts";
import { needTarget } from "../../support/shared.ts";
import { caseCount, firstDifference, seedOf } from "./agree.ts";
import { MATH_GRAPHS, agree, canon, floats } from "./float_graphs.ts";

const WASM_RUNS = caseCount(30);
const HOST_RUNS = caseCount(5);
const host = needTarget("host");

/** Interpreter mode on `target` gives what codegen on ts gives. */
async function interpreterAgrees(graph: Graph, xs: Float32Array[], target: Target): Promise<void> {
  const bytes = xs.map((x) => new Uint8Array(x.buffer.slice(0)));
  const ref = canon((await runModel(graph, bytes, "ts")).outputs[0]);
  const got = canon((await runModel(graph, bytes, target, { mode: "interpreter" })).outputs[0]);
  const at = firstDifference(ref, got);
  if (at >= 0) throw new Error(`${graph.name}: ${target} interpreter differs from ts at byte ${at}; inputs ${JSON.stringify(xs.map((x) => Array.from(x)))}`);
}

describe("float32 FLOOR_DIV, FLOOR_MOD, LOG, SIN, COS: TS == WASM", () => {
  for (const [op, make] of Object.entries(MATH_GRAPHS)) {
    it(`${op}: ${WASM_RUNS} random inputs`, async () => {
      const graph = make();
      const arity = graph.inputs.length;
      await fc.assert(fc.asyncProperty(fc.array(floats, { minLength: arity, maxLength: arity }), (xs) => agree(graph, xs, ["ts", "wasm"])),
        { seed: seedOf(op, 31), numRuns: WASM_RUNS });
    }, 240_000);
  }
});

describe.skipIf(host.skip)("float32 FLOOR_DIV, FLOOR_MOD, LOG, SIN, COS: TS == WASM == host C, and interpreter mode", { concurrent: true }, () => {
  for (const [op, make] of Object.entries(MATH_GRAPHS)) {
    it(`${op}: ${HOST_RUNS} random inputs`, async () => {
      const graph = make();
      const arity = graph.inputs.length;
      await fc.assert(fc.asyncProperty(fc.array(floats, { minLength: arity, maxLength: arity }), async (xs) => {
        await agree(graph, xs, ["ts", "wasm", "host"]);
        await interpreterAgrees(graph, xs, "host");
        await interpreterAgrees(graph, xs, "wasm");
      }), { seed: seedOf(op, 32), numRuns: HOST_RUNS });
    }, 480_000);
  }
});
