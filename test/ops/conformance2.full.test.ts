/**
 * @fileoverview golden-ops-2 conformance on the simulated Cortex-M7 (slow: one firmware per case;
 * runs in `npm run test:full`).
 */
import { describe, it } from "vitest";
import { needShared, needTarget } from "../support/shared.ts";
import { expectCaseMatches, goldenOpsCases } from "../support/golden_ops.ts";

const ops = needShared("golden-ops-2");
const qemu = needTarget("qemu");

describe.skipIf(ops.skip || qemu.skip)("golden-ops-2 conformance (qemu)", () => {
  for (const c of ops.ok ? goldenOpsCases("golden-ops-2").filter((x) => x.supported) : []) {
    it.concurrent(c.name, async () => expectCaseMatches(c, "qemu"));
  }
});
