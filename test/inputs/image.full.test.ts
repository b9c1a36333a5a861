/**
 * @fileoverview The photos' golden inputs on the C targets: astronaut/coffee (vww_96_int8) and
 * chelsea/coffee (pretrainedResnet_quant), preprocessed by compiler/inputs, give golden
 * output_8/output_9 on host C and on the simulated Cortex-M7 (ts and wasm: image.test.ts).
 */
import * as fs from "node:fs";
import { describe, expect, it } from "vitest";
import { loadModel } from "../../compiler/import/tflite/import.ts";
import { imageInput } from "../../compiler/inputs/preprocess.ts";
import { runModel } from "../../compiler/run/targets.ts";
import { needModels, needShared, needTarget, sharedFile } from "../support/shared.ts";

const PHOTO_GOLDENS = [
  { model: "vww_96_int8", k: 8, image: "astronaut.png" },
  { model: "vww_96_int8", k: 9, image: "coffee.png" },
  { model: "pretrainedResnet_quant", k: 8, image: "chelsea.png" },
  { model: "pretrainedResnet_quant", k: 9, image: "coffee.png" },
] as const;

const data = [needShared("data/images"), needModels("vww_96_int8", "pretrainedResnet_quant")];

describe.skipIf(data.some((d) => d.skip))("photos → golden output_8 / output_9 on the C targets", () => {
  for (const target of ["host", "qemu"] as const) {
    const tools = needTarget(target);
    it.skipIf(tools.skip)(`on ${target}`, async () => {
      for (const { model, k, image } of PHOTO_GOLDENS) {
        const graph = loadModel(sharedFile("models", `${model}.tflite`));
        const r = await runModel(graph, [imageInput(graph, sharedFile("data", "images", image)).bytes], target);
        expect(Array.from(r.outputs[0]), `${model} ${image}`).toEqual(Array.from(fs.readFileSync(sharedFile("golden", model, `output_${k}.bin`))));
        if (target === "qemu") expect(r.instructions).toBeGreaterThan(0);
      }
    }, 600_000);
  }
});
