/**
 * @fileoverview TFLite Micro's SVDF unit-test vectors (svdf_test.cc at 90b983c2; the cases and
 * where their numbers come from: test/support/svdf-tflm.ts) on ts, wasm and host C, in codegen
 * and interpreter mode: every int8 output within 1 of TFLM's quantized golden (the tolerance of
 * TFLM's own test), and every target and mode byte-identical to the TypeScript kernels. The
 * 2x2 cases run their 10 invocations on one instance (state kept); the 1x16 cases start from
 * svdf_test.cc's initial state, copied in by a QUANTIZE before the SVDF. qemu: svdf-tflm.full.test.ts.
 */
import { describe, expect, it } from "vitest";
import type { Target } from "../../compiler/run/targets.ts";
import { needTarget } from "../support/shared.ts";
import { expectTflmCase, tflmSvdfCases } from "../support/svdf-tflm.ts";

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
