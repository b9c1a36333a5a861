/**
 * @fileoverview mote profile on every shared model (QEMU, a minute or more, hence a full test):
 * codegen and interpreter builds, golden input_3, the layer sum within 1% of the plain build's
 * whole-inference count and every layer with kernel calls timed.
 */
import * as fs from "node:fs";
import { describe, expect, it } from "vitest";
import { loadModel } from "../../compiler/import/tflite/import.ts";
import { formatProfile, profileModel } from "../../compiler/profile/profile.ts";
import { needShared, needTarget, sharedFile } from "../support/shared.ts";

const MODELS = ["kws_ref_model", "vww_96_int8", "pretrainedResnet_quant", "ad01_int8", "str_ww_ref_model"];
const models = needShared(...MODELS.map((m) => `models/${m}.tflite`));
const qemu = needTarget("qemu");

describe.skipIf(models.skip || qemu.skip)("mote profile, every shared model", () => {
  for (const model of MODELS) {
    for (const mode of ["codegen", "interpreter"] as const) {
      it(`${model} ${mode}: layer sum within 1% of the whole count`, async () => {
        const graph = loadModel(sharedFile("models", `${model}.tflite`));
        const input = sharedFile("golden", model, "input_3.bin");
        const inputs = fs.existsSync(input) && graph.inputs.length === 1 ? [new Uint8Array(fs.readFileSync(input))] : undefined;
        const r = await profileModel(graph, { mode, inputs });
        process.stdout.write(`${model} ${mode}: layers ${r.layerSum}, whole ${r.wholeInstructions} (${r.sumVsWholePercent.toFixed(3)}%), profiling build ${r.wholeProfiled}\n`);
        if (Math.abs(r.sumVsWholePercent) >= 1) process.stdout.write(formatProfile(r));
        expect(Math.abs(r.layerSum - r.wholeInstructions)).toBeLessThan(0.01 * r.wholeInstructions);
        for (const l of r.layers) if (l.macs > 0) expect(l.instructions).toBeGreaterThan(0);
      }, 600_000);
    }
  }
});
