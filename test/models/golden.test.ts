/**
 * @fileoverview The shared models are bit-exact with TFLite Micro on every target:
 * every golden input_k -> output_k on ts, wasm, host C and the
 * simulated Cortex-M7 (QEMU).
 */
import { describe, expect, it } from "vitest";
import { loadModel } from "../../compiler/import/tflite/import.ts";
import { TARGETS } from "../../compiler/run/targets.ts";
import { needModels, needTarget, sharedFile } from "../support/shared.ts";
import { goldenMismatches } from "../support/golden.ts";

const MODELS = ["ad01_int8", "kws_ref_model", "vww_96_int8", "str_ww_ref_model", "pretrainedResnet_quant"];
const SAMPLES = [0, 1, 2, 3, 4, 5, 6, 7];

const data = Object.fromEntries(MODELS.map((m) => [m, needModels(m)]));
const tools = Object.fromEntries(TARGETS.map((t) => [t, needTarget(t)]));

describe("golden outputs", () => {
  for (const model of MODELS) {
    describe.skipIf(data[model].skip)(model, () => {
      const graph = data[model].ok ? loadModel(sharedFile("models", `${model}.tflite`)) : undefined;
      for (const target of TARGETS) {
        it.skipIf(tools[target].skip)(`matches TFLite Micro on every golden input (${target})`, async () => {
          const mismatches = await goldenMismatches(graph!, model, SAMPLES, target);
          expect(mismatches, `inputs whose output differs from golden`).toEqual([]);
        });
      }
    });
  }
});
