/**
 * @fileoverview golden-ops conformance on the simulated Cortex-M7 (slow: one firmware per case;
 * runs in `npm run test:full`).
 */
import { describe, it } from "vitest";
import { HAS_SHARED } from "../support/shared.ts";
import { expectCaseMatches, goldenOpsCases } from "../support/golden_ops.ts";

describe.skipIf(!HAS_SHARED)("golden-ops conformance (qemu)", () => {
  for (const c of goldenOpsCases().filter((x) => x.supported)) {
    it.concurrent(c.name, async () => expectCaseMatches(c, "qemu"));
  }
});
