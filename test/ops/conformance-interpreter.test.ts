/**
 * @fileoverview Both golden-ops suites in interpreter mode (the generic kernels reading a model
 * image) on ts and wasm: every case Mote supports is bit-exact with TFLite Micro, as
 * conformance.test.ts and conformance2.test.ts check codegen mode; multi-invoke cases keep their
 * state over the invocations. Host C and qemu (one gcc build per case, ~6 min for host alone on a
 * loaded machine): conformance-interpreter.full.test.ts.
 */
import { describe, it } from "vitest";
import { needShared } from "../support/shared.ts";
import { expectCaseMatches, goldenOpsCases, type GoldenOpsSuite } from "../support/golden_ops.ts";

const targets = ["ts", "wasm"] as const;

for (const suite of ["golden-ops", "golden-ops-2"] as GoldenOpsSuite[]) {
  const ops = needShared(suite);
  describe.skipIf(ops.skip)(`${suite} conformance in interpreter mode (${targets.join(", ")})`, () => {
    for (const c of ops.ok ? goldenOpsCases(suite).filter((x) => x.supported) : []) {
      it.concurrent(c.name, async () => {
        for (const target of targets) await expectCaseMatches(c, target, { mode: "interpreter" });
      });
    }
  });
}
