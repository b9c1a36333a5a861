/**
 * @fileoverview The tfjs-digits sample's figures on the ts target (bit-exact with qemu, which
 * tfjs-digits.full.test.ts checks): the committed TF.js CNN quantized by Mote on 200 training rows
 * agrees with its float self on >= 98 % of the 360 held-back rows, accuracy within 2 points.
 */
import { describe, expect, it } from "vitest";
import { needShared } from "../support/shared.ts";
import { measure } from "../../samples/tfjs-digits/agreement.ts";

const digits = needShared("data/digits/digits.csv.gz");

describe.skipIf(digits.skip)("tfjs-digits (ts target)", () => {
  it.each(["minmax", "mse", "minmax-bc", "mse-bc"] as const)("%s: at least 98 percent top-1 agreement, accuracy within 2 points", async (method) => {
    const r = await measure("ts", method);
    expect(r.rows).toBeGreaterThanOrEqual(360);
    expect(r.agreement).toBeGreaterThanOrEqual(98);
    expect(Math.abs(r.int8Accuracy - r.floatAccuracy)).toBeLessThanOrEqual(2);
  }, 300_000);
});
