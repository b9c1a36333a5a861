/**
 * @fileoverview Real pretrained TF.js models (@vladmandic/human's liveness and emotion, read from
 * node_modules) imported, quantized by Mote with both calibration methods on 64 crops of
 * ../shared/data/images and measured on 300 others (test/quantize/human-crops.ts; npm run
 * test:full: emotion's float reference alone takes minutes). The int8 model gives the same bytes
 * on ts, wasm, host and qemu. Figures as in docs/tfjs.md: emotion meets issue 14's targets (>= 97 %
 * where float's top-1 beats top-2 by >= 0.2; mse beats minmax overall). Liveness stays at
 * 100 % on the confident crops but 97.3 % (minmax) / 97.7 % (mse) overall, short of the issue's
 * 98 %: this test keeps the measured level as a floor (>= 97 %) so a regression shows, and
 * docs/tfjs.md says so.
 */
import { describe, expect, it } from "vitest";
import { loadTfjsModel } from "../../compiler/import/tfjs/load.ts";
import { quantizeValue } from "../../compiler/inputs/quant.ts";
import { quantizeModel } from "../../compiler/quantize/index.ts";
import { runInvocations } from "../../compiler/run/targets.ts";
import { HUMAN_MODELS } from "../import/tfjs/support.ts";
import { needShared, needTarget } from "../support/shared.ts";
import { CALIBRATION, floatOutputs, measureHuman } from "./human-crops.ts";

const images = needShared("data/images");
const qemu = needTarget("qemu");
const host = needTarget("host");

describe.skipIf(images.skip || qemu.skip || host.skip)("liveness and emotion (@vladmandic/human) in int8", () => {
  it.each(["liveness", "emotion"] as const)("%s: the same bytes on ts, wasm, host and qemu", async (model) => {
    const ref = floatOutputs(model);
    const float = loadTfjsModel(`${HUMAN_MODELS}/${model}.json`);
    const { graph } = quantizeModel(float, ref.inputs.slice(0, CALIBRATION), `${model}_int8.tflite`);
    const input = graph.tensors[graph.inputs[0]!]!;
    const inv = ref.inputs.slice(CALIBRATION, CALIBRATION + 4).map((x) => [Uint8Array.from(x, (v) => quantizeValue(input, v) & 0xff)]);
    const outs = await Promise.all((["ts", "wasm", "host", "qemu"] as const).map((t) => runInvocations(graph, inv, t)));
    for (const o of outs.slice(1)) expect(o.outputs).toEqual(outs[0]!.outputs);
  }, 1_800_000);

  it("liveness: 100 % where float is confident, >= 97 % overall (issue target 98 %, not reached)", async () => {
    const ref = floatOutputs("liveness");
    for (const method of ["minmax", "mse"] as const) {
      const r = await measureHuman("liveness", method, "host", ref);
      expect(r.confident).toBe(100);
      expect(r.agreement).toBeGreaterThanOrEqual(97);
    }
  }, 1_800_000);

  it("emotion: >= 97 % where float's top-1 beats top-2 by 0.2, and mse beats minmax overall", async () => {
    const ref = floatOutputs("emotion");
    const [mm, mse] = [await measureHuman("emotion", "minmax", "host", ref), await measureHuman("emotion", "mse", "host", ref)];
    expect(mm.confident).toBeGreaterThanOrEqual(97);
    expect(mse.confident).toBeGreaterThanOrEqual(97);
    expect(mse.agreement).toBeGreaterThan(mm.agreement);
  }, 3_600_000);
});
