/**
 * @fileoverview `mote run --invocations 3` on the multi-invoke golden-ops-2 svdf cases on host C
 * and qemu: TFLite Micro's three outputs (svdf-stream.test.ts runs the ts target).
 */
import { describe, it } from "vitest";
import { needShared, needTarget } from "../support/shared.ts";
import { expectCliInvocations, MULTI_INVOKE_CASES } from "../support/svdf.ts";

const ops = needShared("golden-ops-2");

describe.skipIf(ops.skip)("mote run --invocations 3 on the multi-invoke svdf cases (host, qemu)", () => {
  for (const target of ["host", "qemu"] as const) {
    const need = needTarget(target);
    for (const name of MULTI_INVOKE_CASES) it.skipIf(need.skip)(`${name} on ${target}`, () => expectCliInvocations(name, target), 300_000);
  }
});
