/**
 * @fileoverview Slow check of operator order (MOTE_FULL): pretrainedResnet_quant run in another
 * topological order (each residual block's 1x1 shortcut conv before its main branch) is still
 * bit-exact with TFLite Micro on every golden input and every target, so nothing downstream of
 * compiler/plan/order.ts (buffer lifetimes, planning, steps) depends on the model's op order.
 */
import { describe, expect, it } from "vitest";
import { loadModel } from "../../compiler/import/tflite/import.ts";
import type { Graph } from "../../compiler/ir/graph.ts";
import { TARGETS } from "../../compiler/run/targets.ts";
import { needModels, needTarget, sharedFile } from "../support/shared.ts";
import { goldenMismatches } from "../support/golden.ts";

const resnet = needModels("pretrainedResnet_quant");
const tools = Object.fromEntries(TARGETS.map((t) => [t, needTarget(t)]));

describe.skipIf(resnet.skip)("pretrainedResnet_quant in another op order", () => {
  const g = resnet.ok ? loadModel(sharedFile("models", "pretrainedResnet_quant.tflite")) : undefined;
  const order = [0, 1, 2, 3, 6, 4, 5, 7, 10, 8, 9, 11, 12, 13, 14, 15];
  for (const target of TARGETS) {
    it.skipIf(tools[target].skip)(`matches TFLite Micro on every golden input (${target})`, async () => {
      expect(g!.ops.map((o) => o.index)).toEqual([...Array(16).keys()]);
      expect(g!.ops[6].inputs[0]).toBe(g!.ops[3].outputs[0]); // op 6 reads block 1's sum, like op 4
      const permuted: Graph = { ...g!, ops: order.map((i) => g!.ops[i]) };
      const mismatches = await goldenMismatches(permuted, "pretrainedResnet_quant", [0, 1, 2, 3, 4, 5, 6, 7], target);
      expect(mismatches).toEqual([]);
    }, 600_000);
  }
});
