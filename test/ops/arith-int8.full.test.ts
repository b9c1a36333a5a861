/**
 * @fileoverview The issue 15 int8 arithmetic ops on the simulated Cortex-M7 beyond the
 * golden-ops-2 cases (slow; runs in `npm run test:full`): two random graphs per op
 * (test/kernels/differential/arith_specs.ts) give on qemu the bytes ts gives, since x86 targets
 * can hide what only the Cortex-M7 does differently (a shift count of 32 or more); and DIV
 * elements whose final shift exceeds 31 bits (reachable only through an edited interpreter image)
 * round to 0 there too.
 */
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { runModel, runProgram } from "../../compiler/run/targets.ts";
import { needTarget } from "../support/shared.ts";
import { firstDifference, seedOf } from "../kernels/differential/agree.ts";
import { OPS, buildGraph, lowers, specArb } from "../kernels/differential/arith_specs.ts";
import { divShiftImage } from "../kernels/differential/div_shift.ts";

const qemu = needTarget("qemu");

describe.skipIf(qemu.skip)("issue 15 int8 ops (qemu)", () => {
  it("DIV with a final shift beyond 31 bits (an edited interpreter image) rounds to 0 on qemu too", async () => {
    const { build, inputs, want } = divShiftImage();
    const out = (await runProgram(build.program, inputs, "qemu")).outputs[0];
    expect(Array.from(new Int8Array(out.buffer, out.byteOffset, out.length))).toEqual(want);
  }, 600_000);

  for (const op of OPS) {
    it.concurrent(`${op}: two random graphs on qemu equal ts`, async () => {
      const specs = fc.sample(specArb(op).filter((x) => lowers(buildGraph(x).graph)), { seed: seedOf(op, 31), numRuns: 2 });
      for (const s of specs) {
        const { graph, inputs } = buildGraph(s);
        const want = (await runModel(graph, inputs, "ts")).outputs[0];
        const got = (await runModel(graph, inputs, "qemu")).outputs[0];
        expect(firstDifference(want, got), JSON.stringify(s)).toBe(-1);
      }
    }, 600_000);
  }
});
