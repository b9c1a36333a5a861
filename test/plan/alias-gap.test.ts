/**
 * @fileoverview Regression (found by the 200-mutant sanitizer sample, test/fuzz/sanitize.full.test.ts):
 * a RESHAPE whose input was last read two ops earlier. The alias drops the RESHAPE's call, so its
 * input's lifetime used to end at its other reader and its output's begin at its first reader,
 * and the op in between was given the group's bytes (compiler/plan/lifetimes.ts): WASM and host
 * C differed from the TypeScript reference, the naive plan did not. A resnet mutant whose first
 * ADD reads as RESHAPE(t22, t24), t22 last read by op 1.
 */
import { readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { DTYPE_BYTES } from "../../compiler/ir/graph.ts";
import { importTflite } from "../../compiler/import/tflite/import.ts";
import { runModel } from "../../compiler/run/targets.ts";
import { runTs } from "../../compiler/run/ts.ts";
import { applyMutations, modelSites } from "../fuzz/mutate.ts";
import { needShared, sharedFile } from "../support/shared.ts";

const resnet = needShared("models/pretrainedResnet_quant.tflite");
const MUTATION = [{ kind: "field", site: "opcodeIndex", i: 0, value: 3 }, { kind: "optionNoise", table: 13, offset: 1854260169, value: 249 }];

describe.skipIf(resnet.skip)("a RESHAPE of a tensor written two ops back", () => {
  it("keeps its input's bytes until the output's readers: WASM equals the TypeScript reference", async () => {
    const bytes = new Uint8Array(readFileSync(sharedFile("models", "pretrainedResnet_quant.tflite")));
    const graph = importTflite(applyMutations(bytes, modelSites(bytes), MUTATION as Parameters<typeof applyMutations>[2]), "mutant.tflite");
    expect(graph.ops[3]!.opcode).toBe("RESHAPE");
    let x = 5;
    const inputs = graph.inputs.map((i) => {
      const t = graph.tensors[i]!;
      return Uint8Array.from({ length: t.shape.reduce((a, d) => a * d, 1) * DTYPE_BYTES[t.dtype] }, () => (x = (x * 1103515245 + 12345) >>> 0) >>> 24);
    });
    const got = await runModel(graph, inputs, "wasm");
    expect([...got.outputs[0]!]).toEqual([...runTs(graph, inputs)[0]!]);
  });
});
