/**
 * @fileoverview TFLite Micro's LOGISTIC and ADD int16 unit-test vectors (tflm-vectors-int16.ts)
 * on ts, wasm and host C; qemu: tflm-vectors-int16.full.test.ts.
 */
import { describe, it } from "vitest";
import type { Target } from "../../compiler/run/targets.ts";
import { needTarget } from "../support/shared.ts";
import { expectVector, VECTOR_CASES } from "./tflm-vectors-int16.ts";

const targets: Target[] = needTarget("host").ok ? ["ts", "wasm", "host"] : ["ts", "wasm"];

describe("TFLite Micro's LOGISTIC / ADD int16 unit-test vectors", () => {
  for (const c of VECTOR_CASES) {
    it.concurrent(c.name, async () => {
      for (const target of targets) await expectVector(c, target);
    });
  }
});
