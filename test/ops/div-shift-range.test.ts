/**
 * @fileoverview compiler/ops/div.ts `divShiftRange` is exact for runtime int8 operands: an output
 * shift lies in its range iff TFLite Micro's DivElementwise keeps RoundingDivideByPOT's exponent
 * -(output_shift - recip_shift - headroom) in [0, 31] for every pair of int8 inputs, checked here
 * by brute force over all 65,536 pairs with TFLM's formulas written out (reference/div.h,
 * GetReciprocal, CountLeadingSignBits), including the sign flip for negative divisors.
 */
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { divShiftRange } from "../../compiler/ops/div.ts";

const cls = (v: number): number => (v >= 0 ? Math.clz32(v) - 1 : Math.clz32(2 * -v - 1));

/** The output shifts TFLM runs every int8 pair with (zero points zp1, zp2; divisor at its zero point skipped: a DCHECK). */
function safeShifts(zp1: number, zp2: number): { lo: number; hi: number } {
  let lo = -Infinity;
  let hi = Infinity;
  for (let x = -128; x < 128; x++) {
    for (let y = -128; y < 128; y++) {
      let a = x - zp1;
      let b = y - zp2;
      if (b === 0) continue;
      if (b < 0) { a = -a; b = -b; }
      const recip = 31 - Math.clz32(b);
      const headroom = cls(a);
      // exponent = -(s - recip - headroom) in [0, 31]  <=>  recip + headroom - 31 <= s <= recip + headroom
      lo = Math.max(lo, recip + headroom - 31);
      hi = Math.min(hi, recip + headroom);
    }
  }
  return { lo, hi };
}

const runtime = (zp: number): number[] => Array.from({ length: 256 }, (_, i) => i - 128 - zp);

describe("divShiftRange", () => {
  it("equals the brute-force range over every int8 pair, for random zero points", () => {
    fc.assert(fc.property(fc.integer({ min: -128, max: 127 }), fc.integer({ min: -128, max: 127 }), (zp1, zp2) => {
      const divisors = runtime(zp2).filter((b) => b !== 0);
      const numerators = runtime(zp1);
      const negated = divisors.some((b) => b < 0) ? [...numerators, ...numerators.map((a) => -a)] : numerators;
      const r = divShiftRange(negated, divisors);
      const want = safeShifts(zp1, zp2);
      expect([r.minShift, r.maxShift]).toEqual([want.lo, want.hi]);
    }), { numRuns: 12, seed: 15, examples: [[0, -128], [-128, 127], [127, 0]] });
  });
});
