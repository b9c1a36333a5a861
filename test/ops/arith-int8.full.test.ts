/**
 * @fileoverview The issue 15 int8 arithmetic ops on the simulated Cortex-M7 beyond the
 * golden-ops-2 cases (slow; runs in `npm run test:full`): DIV elements whose final shift exceeds
 * 31 bits give on qemu what they give on ts (test/kernels/differential/arith_int8.test.ts), in
 * codegen and interpreter mode; a shift count of 32 or more once made qemu differ.
 */
import { describe, expect, it } from "vitest";
import { runModel } from "../../compiler/run/targets.ts";
import { needTarget } from "../support/shared.ts";
import { divShiftGraph } from "../kernels/differential/div_shift.ts";

const qemu = needTarget("qemu");

describe.skipIf(qemu.skip)("issue 15 int8 ops (qemu)", () => {
  it("DIV with a final shift beyond 31 bits rounds to 0 on qemu too, in both modes", async () => {
    const { graph, inputs, want } = divShiftGraph();
    for (const mode of ["codegen", "interpreter"] as const) {
      const out = (await runModel(graph, inputs, "qemu", mode === "interpreter" ? { mode } : {})).outputs[0];
      expect(Array.from(new Int8Array(out.buffer, out.byteOffset, out.length)), mode).toEqual(want);
    }
  }, 600_000);
});
