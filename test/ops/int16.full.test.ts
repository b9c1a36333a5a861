/**
 * @fileoverview TFLite Micro's 16x8 unit-test vectors of int16.test.ts (FULLY_CONNECTED, CONV_2D,
 * TANH, SOFTMAX, TRANSPOSE_CONV, DEPTHWISE_CONV_2D; int16-vectors.ts) on the simulated Cortex-M7,
 * in codegen and interpreter mode, within TFLM's tolerances (slow: one firmware per model and
 * mode; runs in `npm run test:full`). The golden-ops-2 16x8 cases run on qemu in
 * conformance2.full.test.ts (codegen) and conformance-interpreter.full.test.ts (interpreter).
 */
import { describe, it } from "vitest";
import { needTarget } from "../support/shared.ts";
import { expectInt16Vector, INT16_VECTORS } from "./int16-vectors.ts";

const qemu = needTarget("qemu");

describe.skipIf(qemu.skip)("TFLite Micro's 16x8 unit-test vectors (qemu, both modes)", () => {
  for (const v of INT16_VECTORS) {
    it.concurrent(v.name, async () => {
      await expectInt16Vector(v, "qemu");
      await expectInt16Vector(v, "qemu", { mode: "interpreter" });
    }, 600_000);
  }
});
