/**
 * @fileoverview The bench's figures are reproducible: two independent code generations of the
 * same model give the same model.c, and two QEMU runs of the same firmware (ad01_int8, the full
 * Mote, golden input_3) count the same instructions and the same stack.
 */
import { describe, expect, it } from "vitest";
import { buildFresh } from "../../compiler/pipeline.ts";
import { emitCLibrary } from "../../compiler/emit/c/model.ts";
import { loadModel } from "../../compiler/import/tflite/import.ts";
import { runModel } from "../../compiler/run/targets.ts";
import { needModels, needTarget, readBytes, sameBytes, sharedFile } from "../support/shared.ts";

const ad01 = needModels("ad01_int8");
const qemu = needTarget("qemu");

describe.skipIf(ad01.skip)("bench determinism (ad01_int8)", () => {
  it("generates the same model.c twice, in both --specialize settings", () => {
    for (const specialize of [true, false]) {
      const a = emitCLibrary(buildFresh(loadModel(sharedFile("models", "ad01_int8.tflite")), { specialize }).program)["model.c"];
      const b = emitCLibrary(buildFresh(loadModel(sharedFile("models", "ad01_int8.tflite")), { specialize }).program)["model.c"];
      expect(a === b, `model.c differs between two generations (specialize ${specialize})`).toBe(true);
    }
  });

  it.skipIf(qemu.skip)("counts the same instructions and stack in two QEMU runs", async () => {
    const graph = loadModel(sharedFile("models", "ad01_int8.tflite"));
    const input = readBytes(sharedFile("golden", "ad01_int8", "input_3.bin"));
    const first = await runModel(graph, [input], "qemu");
    const second = await runModel(graph, [input], "qemu");
    expect(first.instructions).toBeGreaterThan(0);
    expect(second.instructions).toBe(first.instructions);
    expect(second.stackBytes).toBe(first.stackBytes);
    expect(sameBytes(first.outputs[0], readBytes(sharedFile("golden", "ad01_int8", "output_3.bin")))).toBe(true);
  }, 120_000);
});
