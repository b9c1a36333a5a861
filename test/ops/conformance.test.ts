/**
 * @fileoverview golden-ops conformance on the fast targets: every case whose ops Mote supports is
 * bit-exact with TFLite Micro on ts, wasm and host C. Cases with ops Mote lacks are listed as todo.
 */
import { describe, it } from "vitest";
import { needShared, needTarget } from "../support/shared.ts";
import { expectCaseMatches, goldenOpsCases } from "../support/golden_ops.ts";

const ops = needShared("golden-ops");
// Without host gcc the cases still run on ts and wasm (the need says host C is skipped).
const targets = needTarget("host").ok ? (["ts", "wasm", "host"] as const) : (["ts", "wasm"] as const);

describe.skipIf(ops.skip)("golden-ops conformance (ts, wasm, host)", () => {
  for (const c of ops.ok ? goldenOpsCases() : []) {
    if (!c.supported) {
      it.todo(`${c.name} (${c.ops.join(", ")}): ${c.reason ?? "not supported yet"}`);
      continue;
    }
    it.concurrent(c.name, async () => {
      for (const target of targets) await expectCaseMatches(c, target);
    });
  }
});
