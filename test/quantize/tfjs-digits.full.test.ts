/**
 * @fileoverview The tfjs-digits sample on the simulated Cortex-M7 (QEMU, npm run test:full): the
 * int8 model Mote quantized runs the 360 held-back rows with >= 98 % top-1 agreement with float
 * and accuracy within 2 points, and its output bytes equal the ts target's (so the fast test's
 * figures are the M7's).
 */
import { describe, expect, it } from "vitest";
import { needShared, needTarget } from "../support/shared.ts";
import { measure } from "../../samples/tfjs-digits/agreement.ts";

const digits = needShared("data/digits/digits.csv.gz");
const qemu = needTarget("qemu");

describe.skipIf(digits.skip || qemu.skip)("tfjs-digits (qemu)", () => {
  it("meets the agreement targets on the simulated M7, with the ts target's figures", async () => {
    const [m7, ts] = [await measure("qemu"), await measure("ts")];
    expect(m7.agreement).toBeGreaterThanOrEqual(98);
    expect(Math.abs(m7.int8Accuracy - m7.floatAccuracy)).toBeLessThanOrEqual(2);
    expect({ ...m7, target: "ts" }).toEqual(ts);
  }, 900_000);
});
