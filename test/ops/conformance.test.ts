/**
 * @fileoverview golden-ops conformance on the fast targets: every case whose ops Mote supports is
 * bit-exact with TFLite Micro on ts, wasm and host C. Cases with ops Mote lacks are listed as todo.
 */
import { describe, it } from "vitest";
import { HAS_SHARED } from "../support/shared.ts";
import { expectCaseMatches, goldenOpsCases } from "../support/golden_ops.ts";

describe.skipIf(!HAS_SHARED)("golden-ops conformance (ts, wasm, host)", () => {
  for (const c of goldenOpsCases()) {
    if (!c.supported) {
      it.todo(`${c.name} (${c.ops.join(", ")}: not supported yet)`);
      continue;
    }
    it.concurrent(c.name, async () => {
      for (const target of ["ts", "wasm", "host"] as const) await expectCaseMatches(c, target);
    });
  }
});
