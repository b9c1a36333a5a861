/**
 * @fileoverview The golden-ops conformance suite (../shared/golden-ops): its cases, which of them
 * Mote supports today, and a check of one case on one target against TFLite Micro's outputs.
 */
import * as fs from "node:fs";
import * as path from "node:path";
import { expect } from "vitest";
import { loadModel } from "../../compiler/import/tflite/import.ts";
import { LOWERINGS } from "../../compiler/ops/index.ts";
import { runModel, type Target } from "../../compiler/run/targets.ts";
import { readBytes, sameBytes, sharedFile } from "./shared.ts";

export interface GoldenOpsCase {
  name: string;
  dir: string;
  ops: string[];
  supported: boolean;
}

/** Every case of ../shared/golden-ops; call it only after `needShared("golden-ops")` is ok. */
export function goldenOpsCases(): GoldenOpsCase[] {
  const root = sharedFile("golden-ops");
  return fs
    .readdirSync(root)
    .filter((n) => fs.existsSync(path.join(root, n, "meta.json")))
    .sort()
    .map((name) => {
      const meta = JSON.parse(fs.readFileSync(path.join(root, name, "meta.json"), "utf8")) as { ops: { op: string }[] };
      const ops = [...new Set(meta.ops.map((o) => o.op))];
      return { name, dir: path.join(root, name), ops, supported: ops.every((o) => Object.hasOwn(LOWERINGS, o)) };
    });
}

/** Runs every sample of `c` on `target` and expects TFLM's bytes for every output. */
export async function expectCaseMatches(c: GoldenOpsCase, target: Target): Promise<void> {
  const graph = loadModel(path.join(c.dir, "model.tflite"));
  const samples = fs.readdirSync(c.dir).filter((f) => /^input_0_\d+\.bin$/.test(f)).map((f) => Number(/_(\d+)\.bin$/.exec(f)![1]));
  expect(samples.length).toBeGreaterThan(0);
  for (const k of samples.sort()) {
    const inputs = graph.inputs.map((_, i) => readBytes(path.join(c.dir, `input_${i}_${k}.bin`)));
    const { outputs } = await runModel(graph, inputs, target);
    outputs.forEach((got, o) => {
      const want = readBytes(path.join(c.dir, `output_${o}_${k}.bin`));
      expect(sameBytes(got, want), `${c.name} sample ${k} output ${o} on ${target}`).toBe(true);
    });
  }
}
