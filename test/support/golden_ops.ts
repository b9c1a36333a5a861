/**
 * @fileoverview The golden-ops conformance suites (../shared/golden-ops and ../shared/golden-ops-2,
 * same layout): their cases, which of them Mote supports today, and a check of one case on one
 * target against TFLite Micro's outputs. A multi-invoke case (meta.json `multi_invoke`) runs its
 * samples as successive invocations of one instance, state kept (runInvocations); every other
 * sample starts from a fresh instance.
 */
import * as fs from "node:fs";
import * as path from "node:path";
import { expect } from "vitest";
import { loadModel } from "../../compiler/import/tflite/import.ts";
import { lowerGraph } from "../../compiler/ops/index.ts";
import { runInvocations, runModel, type RunOptions, type Target } from "../../compiler/run/targets.ts";
import { readBytes, sameBytes, sharedFile } from "./shared.ts";

export interface GoldenOpsCase {
  name: string;
  dir: string;
  ops: string[];
  supported: boolean;
  /** Why Mote cannot run it yet (the import or lowering error), when not supported. */
  reason?: string;
  /** Invocations on one instance (multi-invoke cases); undefined: each sample on a fresh instance. */
  invocations?: number;
}

export type GoldenOpsSuite = "golden-ops" | "golden-ops-2";

/** Every case of a suite; call it only after `needShared(suite)` is ok. */
export function goldenOpsCases(suite: GoldenOpsSuite = "golden-ops"): GoldenOpsCase[] {
  const root = sharedFile(suite);
  return fs
    .readdirSync(root)
    .filter((n) => fs.existsSync(path.join(root, n, "meta.json")))
    .sort()
    .map((name) => {
      const meta = JSON.parse(fs.readFileSync(path.join(root, name, "meta.json"), "utf8")) as { ops: { op: string }[]; multi_invoke?: { invocations: number } };
      const ops = [...new Set(meta.ops.map((o) => o.op))];
      const c: GoldenOpsCase = { name, dir: path.join(root, name), ops, supported: true };
      // Supported = Mote imports and lowers the model (an op may exist for int8 but not int16).
      try {
        lowerGraph(loadModel(path.join(c.dir, "model.tflite")));
      } catch (e) {
        c.supported = false;
        c.reason = e instanceof Error ? e.message.split("\n")[0] : String(e);
      }
      if (meta.multi_invoke) c.invocations = meta.multi_invoke.invocations;
      return c;
    });
}

/**
 * Runs every sample of `c` on `target` and expects TFLM's bytes for every output; `opts.mode`
 * "interpreter" runs the generic kernels reading a model image instead of the generated code.
 */
export async function expectCaseMatches(c: GoldenOpsCase, target: Target, opts: RunOptions = {}): Promise<void> {
  const graph = loadModel(path.join(c.dir, "model.tflite"));
  const samples = fs.readdirSync(c.dir).filter((f) => /^input_0_\d+\.bin$/.test(f)).map((f) => Number(/_(\d+)\.bin$/.exec(f)![1]));
  expect(samples.length).toBeGreaterThan(0);
  samples.sort((a, b) => a - b);
  const inputsOf = (k: number) => graph.inputs.map((_, i) => readBytes(path.join(c.dir, `input_${i}_${k}.bin`)));
  if (c.invocations !== undefined) {
    const { outputs } = await runInvocations(graph, samples.map(inputsOf), target, opts);
    samples.forEach((k, t) => outputs[t].forEach((got, o) => {
      const want = readBytes(path.join(c.dir, `output_${o}_${k}.bin`));
      expect(sameBytes(got, want), `${c.name} invocation ${t} output ${o} on ${target}${opts.mode ? ` (${opts.mode})` : ""}`).toBe(true);
    }));
    return;
  }
  for (const k of samples) {
    const inputs = graph.inputs.map((_, i) => readBytes(path.join(c.dir, `input_${i}_${k}.bin`)));
    const { outputs } = await runModel(graph, inputs, target, opts);
    outputs.forEach((got, o) => {
      const want = readBytes(path.join(c.dir, `output_${o}_${k}.bin`));
      expect(sameBytes(got, want), `${c.name} sample ${k} output ${o} on ${target}${opts.mode ? ` (${opts.mode})` : ""}`).toBe(true);
    });
  }
}
