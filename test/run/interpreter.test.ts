/**
 * @fileoverview Interpreter mode (`--mode interpreter`) is bit-exact with TFLite Micro: the
 * generic kernels, dispatched by runtime/interpreter.ts from the model image, on ts, wasm and
 * host C for ad01_int8 and kws_ref_model. Every model on every target, qemu included, is in
 * golden.full.test.ts.
 */
import { describe, expect, it } from "vitest";
import { loadModel } from "../../compiler/import/tflite/import.ts";
import { needModels, needTarget, sharedFile } from "../support/shared.ts";
import { goldenMismatches } from "../support/golden.ts";

const MODELS = ["ad01_int8", "kws_ref_model"];
const SAMPLES = [0, 1, 2, 3];

const data = needModels(...MODELS);
const host = needTarget("host");

describe.skipIf(data.skip)("interpreter mode: golden outputs", () => {
  for (const model of MODELS) {
    for (const target of ["ts", "wasm", "host"] as const) {
      it.skipIf(target === "host" && host.skip)(`${model} on ${target}`, async () => {
        const graph = loadModel(sharedFile("models", `${model}.tflite`));
        const mismatches = await goldenMismatches(graph, model, SAMPLES, target, { mode: "interpreter" });
        expect(mismatches, "inputs whose output differs from golden").toEqual([]);
      });
    }
  }
});
