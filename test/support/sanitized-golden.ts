/**
 * @fileoverview The golden checks under the sanitizers (test/emit/sanitized*.test.ts): a shared
 * model or a golden-ops case built by sanitized-build.ts (strict warnings, ASan + UBSan), run on
 * its golden inputs, every run clean and every output equal to TFLite Micro's.
 */
import * as fs from "node:fs";
import * as path from "node:path";
import { expect } from "vitest";
import { loadModel } from "../../compiler/import/tflite/import.ts";
import type { Mode } from "../../compiler/build/index.ts";
import type { GoldenOpsCase } from "./golden_ops.ts";
import { sanitizedRuns, type SanitizedBuildOptions, type SanitizedRun } from "./sanitized-build.ts";
import { readBytes, sameBytes, sharedFile } from "./shared.ts";

function expectClean(run: SanitizedRun, what: string): Uint8Array[] {
  if (run.kind !== "ok") expect.fail(`${what}: ${run.kind}\n${run.report}`);
  return run.outputs;
}

/** Shared model `model` in `mode` on golden inputs `samples` (golden/<model>/input_k.bin). */
export async function expectSanitizedModel(model: string, mode: Mode, samples: readonly number[], opts: SanitizedBuildOptions = {}): Promise<void> {
  const graph = loadModel(sharedFile("models", `${model}.tflite`));
  const runs = await sanitizedRuns(graph, samples.map((k) => [readBytes(sharedFile("golden", model, `input_${k}.bin`))]), { ...opts, mode });
  samples.forEach((k, i) => {
    const [got] = expectClean(runs[i], `${model} (${mode}) input_${k}`);
    expect(sameBytes(got, readBytes(sharedFile("golden", model, `output_${k}.bin`))), `${model} (${mode}) input_${k} output`).toBe(true);
  });
}

/**
 * Every sample of golden-ops case `c` (each in its own process; a multi-invoke case as successive
 * invocations of one process).
 */
export async function expectSanitizedCase(c: GoldenOpsCase, opts: SanitizedBuildOptions = {}): Promise<void> {
  const graph = loadModel(path.join(c.dir, "model.tflite"));
  const samples = fs.readdirSync(c.dir).filter((f) => /^input_0_\d+\.bin$/.test(f)).map((f) => Number(/_(\d+)\.bin$/.exec(f)![1])).sort((a, b) => a - b);
  expect(samples.length).toBeGreaterThan(0);
  const inputsOf = (k: number) => graph.inputs.map((_, i) => readBytes(path.join(c.dir, `input_${i}_${k}.bin`)));
  const want = (o: number, k: number) => readBytes(path.join(c.dir, `output_${o}_${k}.bin`));
  if (c.invocations !== undefined) {
    const joined = graph.inputs.map((_, i) => Buffer.concat(samples.map((k) => inputsOf(k)[i])));
    const [run] = await sanitizedRuns(graph, [joined], opts);
    expectClean(run, `${c.name} (${samples.length} invocations)`).forEach((got, o) => {
      const expected = Buffer.concat(samples.map((k) => want(o, k)));
      expect(sameBytes(got, expected), `${c.name} output ${o} over ${samples.length} invocations`).toBe(true);
    });
    return;
  }
  const runs = await sanitizedRuns(graph, samples.map(inputsOf), opts);
  samples.forEach((k, i) => expectClean(runs[i], `${c.name} sample ${k}`).forEach((got, o) => {
    expect(sameBytes(got, want(o, k)), `${c.name} sample ${k} output ${o}`).toBe(true);
  }));
}
