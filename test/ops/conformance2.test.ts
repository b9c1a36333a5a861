/**
 * @fileoverview golden-ops-2 conformance on the fast targets (SVDF, LSTM, 16x8 and the rest of
 * TFLite Micro's operator set): every case whose ops Mote supports is bit-exact with TFLite
 * Micro's reference kernels on ts, wasm and host C; multi-invoke cases keep their state over three
 * invocations. Cases with ops Mote lacks are listed as todo.
 */
import { describe, it } from "vitest";
import { needShared, needTarget } from "../support/shared.ts";
import { expectCaseMatches, goldenOpsCases } from "../support/golden_ops.ts";

const ops = needShared("golden-ops-2");
const targets = needTarget("host").ok ? (["ts", "wasm", "host"] as const) : (["ts", "wasm"] as const);

describe.skipIf(ops.skip)("golden-ops-2 conformance (ts, wasm, host)", () => {
  for (const c of ops.ok ? goldenOpsCases("golden-ops-2") : []) {
    if (!c.supported) {
      it.todo(`${c.name} (${c.ops.join(", ")}): ${c.reason ?? "not supported yet"}`);
      continue;
    }
    it.concurrent(c.name, async () => {
      for (const target of targets) await expectCaseMatches(c, target);
    });
  }
});
