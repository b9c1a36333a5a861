/**
 * @fileoverview FLOOR_DIV, FLOOR_MOD, LOG, SIN and COS on the simulated Cortex-M7 (slow: one
 * firmware per model; runs in `npm run test:full`; test/ops/float-math.test.ts covers ts, wasm
 * and host C): each op's edge-case inputs of float-math-cases.ts (zero and infinite divisors,
 * quotients near integers and float32 midpoints up to 2^50 where FLOOR_DIV's double division and
 * floor run on the M7's soft double, subnormals, NaN, LOG of negatives, SIN/COS near multiples of
 * pi/2 and beyond 16384) give on qemu the bytes the TypeScript kernels give, in codegen and
 * interpreter mode; so do a chain of all five ops and random float32 inputs (fast-check's fc.float).
 */
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { checkInt8 } from "../../compiler/import/tflite/check.ts";
import { opHandles } from "../../compiler/ops/index.ts";
import { runModel } from "../../compiler/run/targets.ts";
import type { Graph } from "../../compiler/ir/graph.ts";
import { GraphBuilder } from "../support/synthetic.ts";
import { needTarget } from "../support/shared.ts";
import { seedOf } from "../kernels/differential/agree.ts";
import { MATH_GRAPHS, agree, canon, floats } from "../kernels/differential/float_graphs.ts";
import { divisionPairs, mathModel, unaryInputs } from "./float-math-cases.ts";

const qemu = needTarget("qemu");
const bytesOf = (a: Float32Array): Uint8Array => new Uint8Array(a.buffer.slice(0));

/** ts codegen is the reference; qemu in both modes must give its bytes (NaNs compared as NaNs). */
async function qemuAgrees(graph: Graph, inputs: Float32Array[]): Promise<void> {
  checkInt8(graph, opHandles);
  const bytes = inputs.map(bytesOf);
  const ref = canon((await runModel(graph, bytes, "ts")).outputs[0]);
  for (const mode of ["codegen", "interpreter"] as const) {
    const got = canon((await runModel(graph, bytes, "qemu", mode === "interpreter" ? { mode } : {})).outputs[0]);
    expect(Buffer.from(got).equals(Buffer.from(ref)), `${graph.name} on qemu ${mode}`).toBe(true);
  }
}

describe.skipIf(qemu.skip)("FLOOR_DIV, FLOOR_MOD, LOG, SIN, COS (qemu)", () => {
  for (const op of ["FLOOR_DIV", "FLOOR_MOD"] as const) {
    it(`${op}: edge cases on qemu equal ts, in both modes`, async () => {
      const [a, b] = divisionPairs();
      await qemuAgrees(mathModel(op, [a.length]), [Float32Array.from(a), Float32Array.from(b)]);
    }, 600_000);
  }
  for (const op of ["LOG", "SIN", "COS"] as const) {
    it(`${op}: edge cases on qemu equal ts, in both modes`, async () => {
      const x = unaryInputs(op);
      await qemuAgrees(mathModel(op, [x.length]), [Float32Array.from(x)]);
    }, 600_000);
  }

  it("a chain of the five ops runs on qemu as on ts, in both modes", async () => {
    const b = new GraphBuilder();
    const n = 24;
    const [x, y, q, m, s, c, r, out] = ["x", "y", "q", "m", "s", "c", "r", "out"].map((name) => b.add(name, "float32", [n]));
    const op = (index: number, opcode: string, inputs: number[], output: number) => ({ index, opcode, version: 1, inputs, outputs: [output], options: {} });
    const graph: Graph = {
      name: "float_math_chain", tensors: b.tensors, inputs: [x, y], outputs: [out],
      ops: [op(0, "FLOOR_DIV", [x, y], q), op(1, "FLOOR_MOD", [x, y], m), op(2, "SIN", [q], s), op(3, "COS", [m], c),
        op(4, "FLOOR_MOD", [s, c], r), op(5, "LOG", [r], out)],
    };
    const xs = Float32Array.from({ length: n }, (_, i) => (i - 11) * 7.3 + 0.37);
    const ys = Float32Array.from({ length: n }, (_, i) => ((i % 7) - 3) * 1.9 + 0.11);
    await qemuAgrees(graph, [xs, ys]);
  }, 600_000);

  for (const [op, make] of Object.entries(MATH_GRAPHS)) {
    it(`${op}: random float32 inputs on qemu equal ts`, async () => {
      const graph = make();
      const [xs] = fc.sample(fc.array(floats, { minLength: graph.inputs.length, maxLength: graph.inputs.length }), { seed: seedOf(op, 43), numRuns: 1 });
      await agree(graph, xs, ["ts", "qemu"]);
    }, 600_000);
  }
});
