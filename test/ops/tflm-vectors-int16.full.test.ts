/**
 * @fileoverview TFLite Micro's LOGISTIC and ADD int16 unit-test vectors (tflm-vectors-int16.ts)
 * on the simulated Cortex-M7 (`npm run test:full`).
 */
import { describe, it } from "vitest";
import { needTarget } from "../support/shared.ts";
import { expectVector, VECTOR_CASES } from "./tflm-vectors-int16.ts";

const qemu = needTarget("qemu");

describe.skipIf(qemu.skip)("TFLite Micro's LOGISTIC / ADD int16 unit-test vectors (qemu)", () => {
  for (const c of VECTOR_CASES) it.concurrent(c.name, async () => expectVector(c, "qemu"));
});
