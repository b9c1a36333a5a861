/**
 * @fileoverview SVDF as a stateful, streaming op: the seven golden-ops-2 svdf cases in
 * interpreter mode on ts, wasm and host (conformance2.test.ts runs them in codegen mode); a
 * stream of eight invocations of svdf_rank2_relu_multi_invoke (its three TFLM invocations, then
 * five more inputs) byte-identical on every target and in both modes; `mote_reset()` in the C
 * library (host gcc, both modes) restores the first output, as a fresh instance does on ts and
 * wasm (they have no reset call: a new instance starts from the reset state); and
 * `mote run --invocations 3` on both multi-invoke cases gives TFLM's three outputs (ts here;
 * host and qemu in svdf-stream.full.test.ts).
 */
import { execFileSync } from "node:child_process";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { describe, expect, it } from "vitest";
import { loadModel } from "../../compiler/import/tflite/import.ts";
import { runInvocations, runModel, type Target } from "../../compiler/run/targets.ts";
import { buildFor } from "../../compiler/pipeline.ts";
import { writeCLibrary } from "../../compiler/emit/c/model.ts";
import { RUNTIME_DIR } from "../../compiler/paths.ts";
import { needShared, needTarget, needTools, sameBytes, sharedFile } from "../support/shared.ts";
import { expectCliInvocations, MULTI_INVOKE_CASES, SVDF_CASES, svdfCaseSamples } from "../support/svdf.ts";

const ops = needShared("golden-ops-2");
const host = needTarget("host");
const gcc = needTools("gcc");
const targets: Target[] = host.ok ? ["ts", "wasm", "host"] : ["ts", "wasm"];
const caseDir = (name: string): string => sharedFile("golden-ops-2", name);

/** xorshift32 bytes (golden-ops-2's input generator), for invocations past TFLM's three. */
function xorshiftBytes(seed: number, n: number): Uint8Array {
  let x = seed >>> 0;
  const out = new Uint8Array(n);
  for (let i = 0; i < n; i++) {
    x ^= x << 13; x >>>= 0;
    x ^= x >>> 17;
    x ^= x << 5; x >>>= 0;
    out[i] = x & 0xff;
  }
  return out;
}

describe.skipIf(ops.skip)("golden-ops-2 svdf cases in interpreter mode (ts, wasm, host)", () => {
  for (const name of ops.ok ? SVDF_CASES : []) {
    it.concurrent(name, async () => {
      const dir = caseDir(name);
      const graph = loadModel(path.join(dir, "model.tflite"));
      const { samples, multi } = svdfCaseSamples(dir);
      for (const target of targets) {
        const outs = multi
          ? (await runInvocations(graph, samples.map((s) => s.inputs), target, { mode: "interpreter" })).outputs
          : await Promise.all(samples.map(async (s) => (await runModel(graph, s.inputs, target, { mode: "interpreter" })).outputs));
        samples.forEach((s, k) => expect(sameBytes(outs[k][0], s.output), `${name} sample ${k} on ${target}`).toBe(true));
      }
    }, 240_000);
  }
});

describe.skipIf(ops.skip)("an SVDF stream", () => {
  const name = "svdf_rank2_relu_multi_invoke";

  it.concurrent("gives the same eight outputs on every target and in both modes, TFLM's for the first three", async () => {
    const dir = caseDir(name);
    const graph = loadModel(path.join(dir, "model.tflite"));
    const { samples } = svdfCaseSamples(dir);
    const bytes = samples[0].inputs[0].length;
    const stream = [...samples.map((s) => s.inputs), ...[3, 4, 5, 6, 7].map((t) => [xorshiftBytes(0x51ed0000 + t, bytes)])];
    const ref = (await runInvocations(graph, stream, "ts")).outputs;
    samples.forEach((s, t) => expect(sameBytes(ref[t][0], s.output), `invocation ${t}`).toBe(true));
    // The state matters: invocation 3 onwards differ from a fresh instance's output for the same input.
    const fresh = (await runModel(graph, stream[5], "ts")).outputs[0];
    expect(sameBytes(fresh, ref[5][0])).toBe(false);
    for (const mode of ["codegen", "interpreter"] as const) {
      for (const target of targets) {
        if (target === "ts" && mode === "codegen") continue;
        const got = (await runInvocations(graph, stream, target, { mode })).outputs;
        got.forEach((o, t) => expect(sameBytes(o[0], ref[t][0]), `${target} ${mode} invocation ${t}`).toBe(true));
      }
    }
  }, 240_000);

  it.concurrent("restarts from the reset state on a fresh ts and wasm instance", async () => {
    const dir = caseDir(name);
    const graph = loadModel(path.join(dir, "model.tflite"));
    const { samples } = svdfCaseSamples(dir);
    for (const target of ["ts", "wasm"] as const) {
      for (let run = 0; run < 2; run++) {
        const got = (await runInvocations(graph, samples.map((s) => s.inputs), target)).outputs;
        samples.forEach((s, t) => expect(sameBytes(got[t][0], s.output), `${target} run ${run} invocation ${t}`).toBe(true));
      }
    }
  }, 120_000);

  for (const mode of ["codegen", "interpreter"] as const) {
    it.skipIf(gcc.skip)(`mote_reset() restores the first output (host C library, ${mode})`, () => {
      const dir = caseDir(name);
      const graph = loadModel(path.join(dir, "model.tflite"));
      const { samples } = svdfCaseSamples(dir);
      const out = fs.mkdtempSync(path.join(os.tmpdir(), "mote-svdf-reset-"));
      writeCLibrary(buildFor(graph, { mode }).program, out);
      const array = (b: Uint8Array): string => `{${Array.from(new Int8Array(b.buffer, b.byteOffset, b.length)).join(", ")}}`;
      const n = samples[0].inputs[0].length;
      const m = samples[0].output.length;
      // Invocations 0, 1, 2, then reset, then 0, 1, 2 again.
      fs.writeFileSync(path.join(out, "main.c"), [
        "#include <stdio.h>", "#include <stdint.h>", "#include <string.h>", '#include "model.h"',
        `static const int8_t in[3][${n}] = {${samples.map((s) => array(s.inputs[0])).join(", ")}};`,
        "int main(void) {",
        "  mote_reset();",
        "  for (int run = 0; run < 6; run++) {",
        "    if (run == 3) mote_reset();",
        `    memcpy(mote_input(0), in[run % 3], ${n});`,
        "    if (mote_invoke() != 0) return 1;",
        "    const int8_t *o = mote_output(0);",
        `    for (int i = 0; i < ${m}; i++) printf("%d%c", o[i], i == ${m - 1} ? '\\n' : ' ');`,
        "  }",
        "  return 0;",
        "}",
      ].join("\n"));
      const exe = path.join(out, "reset");
      execFileSync("gcc", ["-std=c11", "-Wall", "-Wextra", "-Werror", `-I${out}`, `-I${RUNTIME_DIR}`, path.join(out, "main.c"), path.join(out, "model.c"), "-o", exe]);
      const lines = execFileSync(exe, { encoding: "utf8" }).trim().split("\n");
      const want = samples.map((s) => Array.from(new Int8Array(s.output.buffer, s.output.byteOffset, s.output.length)).join(" "));
      expect(lines).toEqual([...want, ...want]);
      fs.rmSync(out, { recursive: true, force: true });
    }, 120_000);
  }
});

describe.skipIf(ops.skip)("mote run --invocations 3 on the multi-invoke svdf cases (ts; host and qemu in svdf-stream.full.test.ts)", () => {
  for (const name of MULTI_INVOKE_CASES) it(name, () => expectCliInvocations(name, "ts"), 120_000);
});
