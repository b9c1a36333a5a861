/**
 * @fileoverview golden-ops-2's cases of issue 15's data-movement ops, comparisons, SELECT_V2,
 * FILL, ZEROS_LIKE, CAST and ARG_MIN in interpreter mode (generic kernels reading a model image):
 * bit-exact with TFLite Micro on ts, wasm and host, as conformance2.test.ts checks codegen mode.
 */
import * as fs from "node:fs";
import * as path from "node:path";
import { describe, expect, it } from "vitest";
import { loadModel } from "../../compiler/import/tflite/import.ts";
import { runModel } from "../../compiler/run/targets.ts";
import { needShared, needTarget, readBytes, sameBytes } from "../support/shared.ts";
import { goldenOpsCases } from "../support/golden_ops.ts";

const OPS = new Set([
  "GATHER", "GATHER_ND", "SLICE", "PACK", "UNPACK", "SPLIT_V", "SPACE_TO_DEPTH", "DEPTH_TO_SPACE",
  "SPACE_TO_BATCH_ND", "BATCH_TO_SPACE_ND", "EXPAND_DIMS", "MIRROR_PAD", "BROADCAST_TO", "FILL",
  "ZEROS_LIKE", "ARG_MIN", "CAST", "EQUAL", "NOT_EQUAL", "GREATER", "GREATER_EQUAL", "LESS",
  "LESS_EQUAL", "SELECT_V2",
]);

const ops = needShared("golden-ops-2");
const targets = needTarget("host").ok ? (["ts", "wasm", "host"] as const) : (["ts", "wasm"] as const);

describe.skipIf(ops.skip)("golden-ops-2 issue-15 movement/comparison cases in interpreter mode", () => {
  const cases = ops.ok ? goldenOpsCases("golden-ops-2").filter((c) => c.ops.every((o) => OPS.has(o))) : [];
  it("covers every case of these ops, all supported", () => {
    expect(cases.length).toBe(29);
    expect(cases.filter((c) => !c.supported).map((c) => `${c.name}: ${c.reason}`)).toEqual([]);
  });
  for (const c of cases) {
    it.concurrent(c.name, async () => {
      const graph = loadModel(path.join(c.dir, "model.tflite"));
      const samples = fs.readdirSync(c.dir).filter((f) => /^output_0_\d+\.bin$/.test(f)).map((f) => Number(/_(\d+)\.bin$/.exec(f)![1]));
      for (const target of targets) {
        for (const k of samples) {
          const inputs = graph.inputs.map((_, i) => readBytes(path.join(c.dir, `input_${i}_${k}.bin`)));
          const { outputs } = await runModel(graph, inputs, target, { mode: "interpreter" });
          outputs.forEach((got, o) => {
            expect(sameBytes(got, readBytes(path.join(c.dir, `output_${o}_${k}.bin`))), `${c.name} sample ${k} output ${o} on ${target}`).toBe(true);
          });
        }
      }
    });
  }
});
