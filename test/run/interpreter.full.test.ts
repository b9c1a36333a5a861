/**
 * @fileoverview Interpreter mode on every shared model, every golden input and every target
 * (ts, wasm, host C, the simulated Cortex-M7): bit-exact with TFLite Micro. Slow (the generic
 * kernels under QEMU), so it runs in `npm run test:full`.
 */
import { describe, expect, it } from "vitest";
import { loadModel } from "../../compiler/import/tflite/import.ts";
import { TARGETS } from "../../compiler/run/targets.ts";
import { needModels, needTarget, sharedFile } from "../support/shared.ts";
import { goldenMismatches } from "../support/golden.ts";

export const INTERPRETER_MODELS = ["ad01_int8", "kws_ref_model", "vww_96_int8", "pretrainedResnet_quant", "str_ww_ref_model"];
const SAMPLES = [0, 1, 2, 3, 4, 5, 6, 7];

const data = needModels(...INTERPRETER_MODELS);
const tools = Object.fromEntries(TARGETS.map((t) => [t, needTarget(t)]));

describe.skipIf(data.skip)("interpreter mode: golden outputs on every target", () => {
  for (const model of INTERPRETER_MODELS) {
    for (const target of TARGETS) {
      it.skipIf(tools[target].skip).concurrent(`${model} on ${target}`, async () => {
        const graph = loadModel(sharedFile("models", `${model}.tflite`));
        const mismatches = await goldenMismatches(graph, model, SAMPLES, target, { mode: "interpreter" });
        expect(mismatches, "inputs whose output differs from golden").toEqual([]);
      }, 600_000);
    }
  }
});
