/**
 * @fileoverview The float32 ops on the simulated Cortex-M7 (slow: one firmware per model; runs in
 * `npm run test:full`): a model with a float head and tail (float input -> FLOOR -> QUANTIZE ->
 * DEQUANTIZE -> NEG -> EXP -> float output) gives on qemu the bytes the TypeScript reference
 * gives, in codegen and interpreter mode, and so does a chain of the float32 variants (DIV with
 * RELU6 -> CUMSUM -> L2_NORMALIZATION -> SQUARED_DIFFERENCE -> REDUCE_MAX, and ADD_N)
 * (test/ops/float-ops.test.ts covers ts, wasm and host); and every float32 kernel gives on qemu
 * what it gives on ts for random float32 inputs (NaN, infinities, subnormals, -0 included).
 */
import { describe, expect, it } from "vitest";
import { importTflite } from "../../compiler/import/tflite/import.ts";
import { checkInt8 } from "../../compiler/import/tflite/check.ts";
import { opHandles } from "../../compiler/ops/index.ts";
import { runModel } from "../../compiler/run/targets.ts";
import type { Graph } from "../../compiler/ir/graph.ts";
import { buildModel, type ModelSpec } from "../import/tflite-builder.ts";
import { GraphBuilder } from "../support/synthetic.ts";
import fc from "fast-check";
import { seedOf } from "../kernels/differential/agree.ts";
import { GRAPHS, agree, floats } from "../kernels/differential/float_graphs.ts";
import { needTarget } from "../support/shared.ts";

const qemu = needTarget("qemu");
const CODES: Record<string, number> = { FLOOR: 8, QUANTIZE: 114, DEQUANTIZE: 6, NEG: 59, EXP: 47 };

describe.skipIf(qemu.skip)("float32 ops (qemu)", () => {
  it("a model with a float head and tail runs on qemu as on ts, in both modes", async () => {
    const n = 24;
    const names = ["FLOOR", "QUANTIZE", "DEQUANTIZE", "NEG", "EXP"];
    const q = { scale: [0.04], zeroPoint: [3] };
    const spec: ModelSpec = {
      opcodes: names.map((k) => ({ deprecated: CODES[k], code: CODES[k] })),
      buffers: [{}],
      subgraphs: [{
        tensors: [
          { shape: [n], type: 0, name: "in" },
          { shape: [n], type: 0, name: "floored" },
          { shape: [n], type: 9, name: "q", quant: q },
          { shape: [n], type: 0, name: "dq" },
          { shape: [n], type: 0, name: "neg" },
          { shape: [n], type: 0, name: "out" },
        ],
        inputs: [0],
        outputs: [5],
        ops: names.map((_, i) => ({ opcodeIndex: i, inputs: [i], outputs: [i + 1] })),
      }],
    };
    const graph = importTflite(buildModel(spec), "float_head_tail_qemu");
    checkInt8(graph, opHandles);
    const x = new Uint8Array(Float32Array.from({ length: n }, (_, i) => (i - 12) * 0.41).buffer);
    const ref = (await runModel(graph, [x], "ts")).outputs[0];
    for (const mode of ["codegen", "interpreter"] as const) {
      const got = (await runModel(graph, [x], "qemu", mode === "interpreter" ? { mode } : {})).outputs[0];
      expect(Buffer.from(got).equals(Buffer.from(ref)), mode).toBe(true);
    }
  }, 600_000);

  it("a chain of the float32 variants runs on qemu as on ts, in both modes", async () => {
    const b = new GraphBuilder();
    const a = b.add("a", "float32", [4, 6]);
    const d = b.add("d", "float32", [6]);
    const q = b.add("q", "float32", [4, 6]);
    const axis = b.add("axis", "int32", [], undefined, new Uint8Array(Int32Array.of(1).buffer));
    const c = b.add("c", "float32", [4, 6]);
    const l = b.add("l", "float32", [4, 6]);
    const s = b.add("s", "float32", [4, 6]);
    const n = b.add("n", "float32", [4, 6]);
    const axes = b.add("axes", "int32", [1], undefined, new Uint8Array(Int32Array.of(0).buffer));
    const r = b.add("r", "float32", [6]);
    const op = (index: number, opcode: string, inputs: number[], output: number, options = {}) => ({ index, opcode, version: 1, inputs, outputs: [output], options });
    const graph: Graph = {
      name: "float_variants_qemu", tensors: b.tensors, inputs: [a, d], outputs: [r],
      ops: [
        op(0, "DIV", [a, d], q, { fusedActivationFunction: "RELU6" }),
        op(1, "CUMSUM", [q, axis], c, { exclusive: false, reverse: true }),
        op(2, "L2_NORMALIZATION", [c], l, { fusedActivationFunction: "NONE" }),
        op(3, "SQUARED_DIFFERENCE", [l, q], s),
        op(4, "ADD_N", [s, l, c], n),
        op(5, "REDUCE_MAX", [n, axes], r, { keepDims: false }),
      ],
    };
    checkInt8(graph, opHandles);
    const x = [new Float32Array(24).map((_, i) => (i - 9) * 0.77), Float32Array.from([0.5, -1, 3, 0.1, 7, -0.3])];
    const bytes = x.map((v) => new Uint8Array(v.buffer));
    const ref = (await runModel(graph, bytes, "ts")).outputs[0];
    for (const mode of ["codegen", "interpreter"] as const) {
      const got = (await runModel(graph, bytes, "qemu", mode === "interpreter" ? { mode } : {})).outputs[0];
      expect(Buffer.from(got).equals(Buffer.from(ref)), mode).toBe(true);
    }
  }, 600_000);

  for (const [op, make] of Object.entries(GRAPHS)) {
    it.concurrent(`${op}: random float32 inputs on qemu equal ts`, async () => {
      const graph = make();
      const [xs] = fc.sample(fc.array(floats, { minLength: graph.inputs.length, maxLength: graph.inputs.length }), { seed: seedOf(op, 41), numRuns: 1 });
      await agree(graph, xs, ["ts", "qemu"]);
    }, 600_000);
  }
});
