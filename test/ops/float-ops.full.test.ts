/**
 * @fileoverview The float32 ops on the simulated Cortex-M7 (slow: one firmware per model; runs in
 * `npm run test:full`): a model with a float head and tail (float input -> FLOOR -> QUANTIZE ->
 * DEQUANTIZE -> NEG -> EXP -> float output) gives on qemu the bytes the TypeScript reference
 * gives, in codegen and interpreter mode (test/ops/float-ops.test.ts covers ts, wasm and host).
 */
import { describe, expect, it } from "vitest";
import { importTflite } from "../../compiler/import/tflite/import.ts";
import { checkInt8 } from "../../compiler/import/tflite/check.ts";
import { opHandles } from "../../compiler/ops/index.ts";
import { runModel } from "../../compiler/run/targets.ts";
import { buildModel, type ModelSpec } from "../import/tflite-builder.ts";
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
});
