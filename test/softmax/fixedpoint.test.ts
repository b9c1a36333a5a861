/**
 * @fileoverview Property tests: kernels/fixedpoint.ts (subset code on i32 intrinsics) equals the
 * BigInt transliteration of gemmlowp in gemmlowp-model.ts on random and edge inputs, and the
 * fixed-point exp and 1/(1+x) stay close to the real functions (a check independent of both
 * transliterations).
 */
import { describe, expect, it } from "vitest";
import fc from "fast-check";
import * as fp from "../../kernels/fixedpoint.ts";
import * as model from "./gemmlowp-model.ts";

const I32_MIN = -(2 ** 31);
const I32_MAX = 2 ** 31 - 1;
const int32 = fc.oneof(
  fc.integer({ min: I32_MIN, max: I32_MAX }),
  fc.constantFrom(I32_MIN, I32_MIN + 1, -1, 0, 1, I32_MAX - 1, I32_MAX, 1 << 30, -(1 << 30)),
);
const nonPositive = fc.oneof(
  fc.integer({ min: I32_MIN, max: 0 }),
  fc.integer({ min: -(1 << 20), max: 0 }),
  fc.constantFrom(I32_MIN, I32_MIN + 1, -1, 0, -(1 << 24), -(1 << 26), -(1 << 28)),
);
const RUNS = { numRuns: 3000 };

describe("masks and select", () => {
  it("produce all-ones / zero masks and select bitwise", () => {
    fc.assert(
      fc.property(int32, int32, int32, (a, b, m) => {
        expect(fp.maskIfNonZero(a)).toBe(a !== 0 ? -1 : 0);
        expect(fp.maskIfZero(a)).toBe(a === 0 ? -1 : 0);
        expect(fp.maskIfLessThan(a, b)).toBe(a < b ? -1 : 0);
        expect(fp.maskIfGreaterThan(a, b)).toBe(a > b ? -1 : 0);
        expect(fp.selectUsingMask(-1, a, b)).toBe(a);
        expect(fp.selectUsingMask(0, a, b)).toBe(b);
        const mixed = fp.selectUsingMask(m, a, b);
        expect(mixed).toBe(((m & a) | (~m & b)) | 0);
      }),
      RUNS,
    );
  });
});

describe("power-of-two scaling", () => {
  it("saturatingRoundingMultiplyByPOT matches gemmlowp for exponents -31..31", () => {
    fc.assert(
      fc.property(int32, fc.integer({ min: -31, max: 31 }), (x, e) => {
        expect(fp.saturatingRoundingMultiplyByPOT(x, e)).toBe(Number(model.saturatingRoundingMultiplyByPOT(BigInt(x), e)));
      }),
      RUNS,
    );
  });

  it("rescale between Q formats matches gemmlowp", () => {
    fc.assert(
      fc.property(int32, fc.integer({ min: 0, max: 30 }), fc.integer({ min: 0, max: 30 }), (x, src, dst) => {
        expect(fp.rescale(x, src, dst)).toBe(Number(model.rescale(BigInt(x), src, dst)));
      }),
      RUNS,
    );
  });

  it("gives the known corner values", () => {
    expect(fp.saturatingRoundingMultiplyByPOT(I32_MAX, 1)).toBe(I32_MAX);
    expect(fp.saturatingRoundingMultiplyByPOT(-(1 << 30), 1)).toBe(I32_MIN);
    expect(fp.saturatingRoundingMultiplyByPOT(-(1 << 30) - 1, 1)).toBe(I32_MIN);
    expect(fp.saturatingRoundingMultiplyByPOT(-3, -1)).toBe(-2); // -1.5 rounds away from zero
    expect(fp.saturatingRoundingMultiplyByPOT(3, -1)).toBe(2);
  });
});

describe("roundingHalfSum", () => {
  it("matches gemmlowp's 64-bit (a + b + sign) / 2 for all int32 pairs", () => {
    fc.assert(
      fc.property(int32, int32, (a, b) => {
        expect(fp.roundingHalfSum(a, b)).toBe(Number(model.roundingHalfSum(BigInt(a), BigInt(b))));
      }),
      RUNS,
    );
  });
});

describe("exp", () => {
  it("expOnIntervalBetweenNegativeOneQuarterAnd0Excl matches gemmlowp on [-1/4, 0)", () => {
    fc.assert(
      fc.property(fc.integer({ min: -(1 << 29), max: -1 }), (a) => {
        expect(fp.expOnIntervalBetweenNegativeOneQuarterAnd0Excl(a)).toBe(
          Number(model.expOnIntervalBetweenNegativeOneQuarterAnd0Excl(BigInt(a))),
        );
      }),
      RUNS,
    );
  });

  it("expOnNegativeValues matches gemmlowp in Q5.26 (softmax's format)", () => {
    fc.assert(
      fc.property(nonPositive, (a) => {
        expect(fp.expOnNegativeValues(a, 5)).toBe(Number(model.expOnNegativeValues(BigInt(a), 5)));
      }),
      { numRuns: 10000 },
    );
  });

  it("expOnNegativeValues matches gemmlowp for other integer-bit counts", () => {
    fc.assert(
      fc.property(nonPositive, fc.integer({ min: 0, max: 29 }), (a, bits) => {
        expect(fp.expOnNegativeValues(a, bits)).toBe(Number(model.expOnNegativeValues(BigInt(a), bits)));
      }),
      RUNS,
    );
  });

  it("is close to Math.exp", () => {
    fc.assert(
      fc.property(nonPositive, (a) => {
        const got = fp.expOnNegativeValues(a, 5) / 2 ** 31;
        expect(Math.abs(got - Math.exp(a / 2 ** 26))).toBeLessThan(2e-8 + 1e-6 * Math.exp(a / 2 ** 26));
      }),
      RUNS,
    );
    expect(fp.expOnNegativeValues(0, 5)).toBe(I32_MAX);
  });
});

describe("reciprocal", () => {
  it("oneOverOnePlusXForXIn01 matches gemmlowp on [0, 1)", () => {
    fc.assert(
      fc.property(fc.oneof(fc.integer({ min: 0, max: I32_MAX }), fc.constantFrom(0, 1, I32_MAX)), (a) => {
        expect(fp.oneOverOnePlusXForXIn01(a)).toBe(Number(model.oneOverOnePlusXForXIn01(BigInt(a))));
      }),
      RUNS,
    );
  });

  it("is close to 1 / (1 + x)", () => {
    fc.assert(
      fc.property(fc.integer({ min: 0, max: I32_MAX }), (a) => {
        const got = fp.oneOverOnePlusXForXIn01(a) / 2 ** 31;
        expect(Math.abs(got - 1 / (1 + a / 2 ** 31))).toBeLessThan(1e-7);
      }),
      RUNS,
    );
  });

  it("countLeadingZeros equals Math.clz32", () => {
    fc.assert(
      fc.property(fc.oneof(int32, fc.integer({ min: 0, max: 31 }).map((s) => (1 << s) | 0)), (x) => {
        expect(fp.countLeadingZeros(x)).toBe(Math.clz32(x));
      }),
      RUNS,
    );
    expect(fp.countLeadingZeros(0)).toBe(32);
  });

  it("getReciprocal matches TFLite's GetReciprocal for positive sums", () => {
    fc.assert(
      fc.property(fc.integer({ min: 1, max: I32_MAX }), (x) => {
        const [raw] = model.getReciprocal(BigInt(x), 12);
        expect(fp.getReciprocal(x)).toBe(Number(raw));
      }),
      RUNS,
    );
  });
});
