/**
 * @fileoverview Both golden-ops suites in interpreter mode (the generic kernels reading a model
 * image) on ts: every case Mote supports is bit-exact with TFLite Micro, as conformance.test.ts
 * and conformance2.test.ts check codegen mode; multi-invoke cases keep their state over the
 * invocations. wasm, host C and qemu (one build per case and target: wasm alone added ~2 min of
 * wall time to this file on a loaded machine, host ~4 min more) are in
 * conformance-interpreter.full.test.ts; the int16 and movement cases also run in interpreter mode
 * on wasm and host in npm test (int16.test.ts, conformance2-movement.test.ts).
 */
import { describe, it } from "vitest";
import { needShared } from "../support/shared.ts";
import { expectCaseMatches, goldenOpsCases, type GoldenOpsSuite } from "../support/golden_ops.ts";

const targets = ["ts"] as const;

for (const suite of ["golden-ops", "golden-ops-2"] as GoldenOpsSuite[]) {
  const ops = needShared(suite);
  describe.skipIf(ops.skip)(`${suite} conformance in interpreter mode (ts)`, () => {
    for (const c of ops.ok ? goldenOpsCases(suite).filter((x) => x.supported) : []) {
      it.concurrent(c.name, async () => {
        for (const target of targets) await expectCaseMatches(c, target, { mode: "interpreter" });
      });
    }
  });
}
