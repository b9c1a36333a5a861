/**
 * @fileoverview Both golden-ops suites in interpreter mode on wasm, host C and the simulated
 * Cortex-M7 (slow: one build per case and target; runs in `npm run test:full`; ts is in
 * conformance-interpreter.test.ts): every case Mote supports
 * is bit-exact with TFLite Micro, multi-invoke cases over their invocations on one instance.
 */
import { describe, it } from "vitest";
import { needShared, needTarget } from "../support/shared.ts";
import { expectCaseMatches, goldenOpsCases, type GoldenOpsSuite } from "../support/golden_ops.ts";

const targets = (["wasm", "host", "qemu"] as const).filter((t) => t === "wasm" || needTarget(t).ok);

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
