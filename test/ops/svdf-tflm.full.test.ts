/**
 * @fileoverview TFLite Micro's SVDF unit-test vectors (test/support/svdf-tflm.ts; the float one
 * byte-identical to the TypeScript kernel) and the seven
 * golden-ops-2 svdf cases on the simulated Cortex-M7 (qemu), in codegen and interpreter mode
 * (the fast targets: svdf-tflm.test.ts and conformance2.test.ts; the latter runs codegen only,
 * so svdf-stream.test.ts runs the golden cases in interpreter mode on ts, wasm and host).
 */
import * as path from "node:path";
import { describe, expect, it } from "vitest";
import { loadModel } from "../../compiler/import/tflite/import.ts";
import { runInvocations, runModel } from "../../compiler/run/targets.ts";
import { needShared, needTarget, sameBytes, sharedFile } from "../support/shared.ts";
import { expectTflmCase, tflmSvdfCases, tflmSvdfFloatCase } from "../support/svdf-tflm.ts";
import { SVDF_CASES, svdfCaseSamples } from "../support/svdf.ts";

const qemu = needTarget("qemu");
const ops = needShared("golden-ops-2");

describe.skipIf(qemu.skip)("TFLite Micro svdf_test.cc integer vectors on qemu", () => {
  for (const c of tflmSvdfCases()) {
    it.concurrent(c.name, async () => {
      const ref = await expectTflmCase(c, "ts", "codegen");
      for (const mode of ["codegen", "interpreter"] as const) expect(await expectTflmCase(c, "qemu", mode), mode).toEqual(ref);
    }, 600_000);
  }
});

describe.skipIf(qemu.skip)("TFLite Micro svdf_test.cc float vector on qemu", () => {
  const c = tflmSvdfFloatCase();
  it.concurrent(c.name, async () => {
    const ref = (await runInvocations(c.graph, c.invocations, "ts")).outputs;
    for (const mode of ["codegen", "interpreter"] as const) {
      const got = (await runInvocations(c.graph, c.invocations, "qemu", { mode })).outputs;
      got.forEach((o, t) => expect(sameBytes(o[0], ref[t][0]), `${mode} invocation ${t}`).toBe(true));
    }
  }, 600_000);
});

describe.skipIf(qemu.skip || ops.skip)("golden-ops-2 svdf cases on qemu, both modes", () => {
  for (const name of SVDF_CASES) {
    for (const mode of ["codegen", "interpreter"] as const) {
      it.concurrent(`${name} (${mode})`, async () => {
        const dir = sharedFile(path.join("golden-ops-2", name));
        const graph = loadModel(path.join(dir, "model.tflite"));
        const { samples, multi } = svdfCaseSamples(dir);
        const outs = multi
          ? (await runInvocations(graph, samples.map((s) => s.inputs), "qemu", { mode })).outputs
          : await Promise.all(samples.map(async (s) => (await runModel(graph, s.inputs, "qemu", { mode })).outputs));
        samples.forEach((s, k) => expect(sameBytes(outs[k][0], s.output), `${name} sample ${k}`).toBe(true));
      }, 600_000);
    }
  }
});
