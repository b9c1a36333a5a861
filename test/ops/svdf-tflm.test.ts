/**
 * @fileoverview TFLite Micro's SVDF unit-test vectors (svdf_test.cc at 90b983c2; the cases and
 * where their numbers come from: test/support/svdf-tflm.ts) on ts, wasm and host C, in codegen
 * and interpreter mode: every int8 output within 1 of TFLM's quantized golden (the tolerance of
 * TFLM's own test), and every target and mode byte-identical to the TypeScript kernels. The
 * 2x2 cases run their 10 invocations on one instance (state kept); the 1x16 cases start from
 * svdf_test.cc's initial state, copied in by a QUANTIZE before the SVDF. The float 2x2 test runs
 * the float32 kernel within TFLM's 1e-5, byte-identical on every target. qemu: svdf-tflm.full.test.ts.
 */
import { describe, expect, it } from "vitest";
import { runInvocations, type Target } from "../../compiler/run/targets.ts";
import { needTarget, sameBytes } from "../support/shared.ts";
import { expectTflmCase, tflmSvdfCases, tflmSvdfFloatCase } from "../support/svdf-tflm.ts";

const targets: Target[] = needTarget("host").ok ? ["ts", "wasm", "host"] : ["ts", "wasm"];

describe("TFLite Micro svdf_test.cc integer vectors (ts, wasm, host; codegen and interpreter)", () => {
  for (const c of tflmSvdfCases()) {
    it.concurrent(c.name, async () => {
      const ref = await expectTflmCase(c, "ts", "codegen");
      for (const mode of ["codegen", "interpreter"] as const) {
        for (const target of targets) {
          if (target === "ts" && mode === "codegen") continue;
          expect(await expectTflmCase(c, target, mode), `${target} ${mode}`).toEqual(ref);
        }
      }
    }, 240_000);
  }
});

describe("TFLite Micro svdf_test.cc float vectors (ts, wasm, host; codegen and interpreter)", () => {
  const c = tflmSvdfFloatCase();
  it.concurrent(c.name, async () => {
    const ref = (await runInvocations(c.graph, c.invocations, "ts")).outputs;
    ref.forEach((o, t) => {
      const got = new Float32Array(o[0].buffer.slice(o[0].byteOffset, o[0].byteOffset + o[0].length));
      got.forEach((v, i) => expect(Math.abs(v - c.golden[t][i]), `invocation ${t} output ${i}: ${v} vs ${c.golden[t][i]}`).toBeLessThanOrEqual(1e-5));
    });
    for (const mode of ["codegen", "interpreter"] as const) {
      for (const target of targets) {
        if (target === "ts" && mode === "codegen") continue;
        const got = (await runInvocations(c.graph, c.invocations, target, { mode })).outputs;
        got.forEach((o, t) => expect(sameBytes(o[0], ref[t][0]), `${target} ${mode} invocation ${t}`).toBe(true));
      }
    }
  }, 240_000);
});
