/**
 * @fileoverview The heavy TF.js import checks (MOTE_FULL=1): MobileNetV2 from nsfwjs (a Keras
 * 2.2.4 layers model packaged as UMD .js files, uint8-stored weights, 224x224x3) and more random
 * inputs on emotion and liveness, and five further graph models of @vladmandic/human; Mote's float
 * reference equals tfjs's cpu execution within 1e-4.
 */
import * as path from "node:path";
import { describe, expect, it } from "vitest";
import { importTfjs } from "../../../compiler/import/tfjs/load.ts";
import { readModelJson } from "../../../compiler/import/tfjs/manifest.ts";
import { evaluateFloat } from "../../../compiler/quantize/float/eval.ts";
import { HUMAN_MODELS, maxAbsDiff, randomInput, readNsfwMobileNet, runTfjs } from "./support.ts";

describe("TF.js fixture models, full", () => {
  it("MobileNetV2 (nsfwjs): BNs folded into 52 convs, ReLU6 fused, float output equals tfjs", async () => {
    const art = readNsfwMobileNet();
    const g = importTfjs(art);
    const count = (op: string, act?: string): number =>
      g.ops.filter((o) => o.opcode === op && (act === undefined || o.options.fusedActivationFunction === act)).length;
    expect(count("CONV_2D") + count("DEPTHWISE_CONV_2D")).toBe(52);
    expect(count("CONV_2D", "RELU6") + count("DEPTHWISE_CONV_2D", "RELU6")).toBe(35);
    expect(g.ops.some((o) => o.opcode === "MUL")).toBe(false);
    expect(count("PAD")).toBe(5);
    expect(count("ADD")).toBe(10);
    const shape = g.tensors[g.inputs[0]!]!.shape;
    expect(shape).toEqual([1, 224, 224, 3]);
    for (const seed of [11, 12]) {
      const x = randomInput(224 * 224 * 3, seed, 0, 1);
      const mine = evaluateFloat(g, [x], { outputsOnly: true }).outputs;
      const ref = await runTfjs(art, "layers", shape, x);
      expect(maxAbsDiff(mine[0]!, ref[0]!)).toBeLessThan(1e-4);
    }
  });

  // Further graph models of @vladmandic/human (float16 weights, several outputs, clip_by_value,
  // AddN). Their regression outputs reach ~200 (pixel coordinates), where float32 rounding in
  // tfjs's accumulation alone is ~1e-5 per step: the bound is 1e-4 relative to the largest output.
  for (const model of ["antispoof", "blazeface", "facemesh", "faceres", "handlandmark-lite"]) {
    it(`${model}: imports and equals tfjs (1e-4 x max(1, |output|))`, async () => {
      const art = readModelJson(path.join(HUMAN_MODELS, `${model}.json`));
      const g = importTfjs(art);
      const shape = g.tensors[g.inputs[0]!]!.shape;
      const x = randomInput(shape.reduce((a, b) => a * b, 1), 31, 0, 1);
      const mine = evaluateFloat(g, [x], { outputsOnly: true }).outputs;
      const ref = await runTfjs(art, "graph", shape, x);
      expect(mine.length).toBe(ref.length);
      mine.forEach((m, i) => {
        const scale = Math.max(1, ...Array.from(ref[i]!, Math.abs));
        expect(maxAbsDiff(m, ref[i]!), `output ${i}`).toBeLessThan(1e-4 * scale);
      });
    });
  }

  for (const [model, lo, hi] of [["emotion", -1, 1], ["liveness", 0, 1]] as const) {
    it(`${model}: 8 random inputs`, async () => {
      const art = readModelJson(path.join(HUMAN_MODELS, `${model}.json`));
      const g = importTfjs(art);
      const shape = g.tensors[g.inputs[0]!]!.shape;
      for (let seed = 20; seed < 28; seed++) {
        const x = randomInput(shape.reduce((a, b) => a * b, 1), seed, lo, hi);
        const ref = await runTfjs(art, "graph", shape, x);
        expect(maxAbsDiff(evaluateFloat(g, [x]).outputs[0]!, ref[0]!)).toBeLessThan(1e-4);
      }
    });
  }
});
