/**
 * @fileoverview The cheap requantization (kernels/common/requantize.ts requantizeTable with the
 * table of compiler/ops/requant-table.ts) equals TFLite's MultiplyByQuantizedMultiplier
 * (intrinsics mbqm) wherever cheapRequantTable accepts a layer, and cheapRequantTable refuses
 * the cases where it would not be exact (left shifts, shift 0, multipliers outside [2^30, 2^31)
 * other than 0 (rdhmDoubled's SMMULR form),
 * accumulators whose rounding sum s + 2^(e-1) may overflow). TypeScript only: the compiled paths are covered by the
 * kernels that use it (test/kernels/reference.test.ts) and by the intrinsic agreement tests.
 */
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { mbqm, rdhm, srdhm } from "../../kernels/intrinsics.ts";
import { rdhmConst, rdhmDoubled, requantizeCheap, requantizeTable } from "../../kernels/common/requantize.ts";
import { cheapRequantTable, foldOutputOffset } from "../../compiler/ops/requant-table.ts";

const I32 = fc.integer({ min: -(2 ** 31), max: 2 ** 31 - 1 });

describe("cheap requantization", () => {
  it("rdhm equals srdhm except for INT32_MIN * INT32_MIN", () => {
    fc.assert(fc.property(I32, I32, (a, b) => {
      if (a === -(2 ** 31) && b === -(2 ** 31)) return rdhm(a, b) === -(2 ** 31);
      return rdhm(a, b) === srdhm(a, b);
    }), { numRuns: 20000, seed: 7 });
    expect(rdhm(-(2 ** 31), -(2 ** 31))).toBe(-(2 ** 31));
  });

  it("rdhmDoubled(x, 2m wrapped) equals rdhm(x, m) for every x and m in [2^30, 2^31) (one SMMULR)", () => {
    const m = fc.oneof(fc.integer({ min: 2 ** 30, max: 2 ** 31 - 1 }), fc.constantFrom(2 ** 30, 2 ** 31 - 1, 1518500250));
    const x = fc.oneof(I32, fc.constantFrom(-(2 ** 31), 2 ** 31 - 1, 0, -1, 1, 2 ** 30, -(2 ** 30)));
    fc.assert(fc.property(x, m, (a, b) => rdhmDoubled(a, (2 * b) | 0) === rdhm(a, b) && rdhmConst(a, b) === rdhm(a, b)),
      { numRuns: 50000, seed: 5 });
    // Below 2^30 rdhmConst keeps rdhm; m2 = 0 gives x back.
    fc.assert(fc.property(I32, fc.integer({ min: -(2 ** 31) + 1, max: 2 ** 30 - 1 }), (a, b) => rdhmConst(a, b) === rdhm(a, b)),
      { numRuns: 20000, seed: 6 });
    expect(rdhmDoubled(12345, 0)).toBe(12345);
  });

  it("equals mbqm for every right shift and |acc + bias| < 2^30, ties included", () => {
    const mult = fc.oneof(fc.integer({ min: 2 ** 30, max: 2 ** 31 - 1 }), fc.constant(0));
    const shift = fc.integer({ min: -31, max: -1 });
    const value = fc.oneof(
      fc.integer({ min: -(2 ** 30) + 1, max: 2 ** 30 - 1 }),
      fc.integer({ min: -2000, max: 2000 }),
      fc.constantFrom(-(2 ** 30) + 1, 2 ** 30 - 1, 0, -1, 1),
    );
    fc.assert(fc.property(value, fc.integer({ min: -5000, max: 5000 }), mult, shift, (v, b, m, s) => {
      const acc = v - b;
      if (Math.abs(acc + b) >= 2 ** 30) return true;
      const table = cheapRequantTable(1, () => b, () => 0, () => 0, 0, [m], [s]);
      expect(table).not.toBeNull();
      return requantizeTable(acc, Int32Array.from(table!), 0) === mbqm(acc + b, m, s);
    }), { numRuns: 50000, seed: 11 });
  });

  it("equals mbqm wherever cheapRequantTable accepts the bound, up to |acc + bias| < 2^31", () => {
    const mult = fc.oneof(fc.integer({ min: 2 ** 30, max: 2 ** 31 - 1 }), fc.integer({ min: -(2 ** 31) + 1, max: 2 ** 30 - 1 }), fc.constant(0));
    const shift = fc.oneof(fc.integer({ min: -31, max: -1 }), fc.constantFrom(-31, -30, -29, -1));
    const bound = fc.oneof(fc.integer({ min: 0, max: 2 ** 31 - 1 }), fc.integer({ min: 2 ** 30 - 5000, max: 2 ** 30 + 5000 }), fc.constant(2 ** 31 - 1));
    fc.assert(fc.property(bound, fc.double({ min: -1, max: 1, noNaN: true }), fc.constantFrom(-1, 1, 0), mult, shift, (bnd, frac, edge, m, s) => {
      // acc + bias anywhere in [-bnd, bnd], its ends included; the bias is the whole bound's budget.
      const v = edge !== 0 ? edge * bnd : Math.trunc(frac * bnd);
      // (Multiplier 0 has its own test: its row leaves the model's bias out, which this setup, a
      // bias of 0 with the bound as the model's bias, does not model.)
      if (m === 0) return true;
      const table = cheapRequantTable(1, () => 0, () => bnd, () => 0, 0, [m], [s]);
      if (table === null) return true;
      return requantizeTable(v, Int32Array.from(table), 0) === mbqm(v, m, s);
    }), { numRuns: 50000, seed: 13 });
  });

  it("gives 0 for multiplier 0 whatever the model's bias, for every dot product the bound admits", () => {
    const absSum = fc.integer({ min: 0, max: 2 ** 23 - 1 });
    fc.assert(fc.property(absSum, I32, fc.integer({ min: -(2 ** 20), max: 2 ** 20 }), fc.double({ min: -1, max: 1, noNaN: true }),
      (a, modelBias, folding, frac) => {
        // The kernel's bias is the model's plus a folding term; its accumulator the rest of the sum.
        const table = cheapRequantTable(1, () => (modelBias + folding) | 0, () => modelBias, () => a, 0, [0], [0]);
        if (table === null) return false;
        const dot = Math.trunc(frac * 128 * a);
        return requantizeTable((dot - folding) | 0, Int32Array.from(table), 0) === 0;
      }), { numRuns: 20000, seed: 17 });
  });

  it("with the output zero point folded into the rounding constants (foldOutputOffset), equals mbqm + zero point", () => {
    const mult = fc.oneof(fc.integer({ min: 2 ** 30, max: 2 ** 31 - 1 }), fc.constant(0));
    const shift = fc.oneof(fc.integer({ min: -31, max: -1 }), fc.constantFrom(-31, -30, -22, -21, -1));
    const bound = fc.oneof(fc.integer({ min: 0, max: 2 ** 31 - 1 }), fc.integer({ min: 2 ** 30 - 5000, max: 2 ** 30 + 5000 }), fc.integer({ min: 0, max: 3000 }));
    let folded = 0;
    let refused = 0;
    fc.assert(fc.property(bound, fc.double({ min: -1, max: 1, noNaN: true }), fc.constantFrom(-1, 1, 0), mult, shift, fc.integer({ min: -128, max: 127 }), (bnd, frac, edge, m, s, off) => {
      // acc + bias anywhere in [-bnd, bnd]; for multiplier 0, the bound is the dot product's (absSum 1, input offset 0: max |x| = 128).
      const dot = m === 0 ? Math.min(bnd, 2 ** 22) : 0;
      const v = edge !== 0 ? edge * (m === 0 ? dot * 128 : bnd) : Math.trunc(frac * (m === 0 ? dot * 128 : bnd));
      const table = m === 0
        ? cheapRequantTable(1, () => 0, () => 0, () => dot, 0, [m], [s])
        : cheapRequantTable(1, () => 0, () => bnd, () => 0, 0, [m], [s]);
      if (table === null) return true;
      const f = m === 0
        ? foldOutputOffset(table, off, [m], () => 0, () => dot, 0)
        : foldOutputOffset(table, off, [m], () => bnd, () => 0, 0);
      const want = mbqm(v, m, s) + off;
      if (f === null) {
        refused++;
        return true;
      }
      folded++;
      return requantizeCheap(v, f[0], f[1], f[2], f[3]) === want && requantizeTable(v, Int32Array.from(f), 0) === want;
    }), { numRuns: 50000, seed: 17 });
    expect(folded).toBeGreaterThan(1000);
    expect(refused).toBeGreaterThan(10);
  });

  it("is exact on ties: every rounding boundary of small shifts", () => {
    const m = 2 ** 30; // srdhm(x, 2^30) = round(x / 2): hits every half
    for (let e = 1; e <= 4; e++) {
      for (let x = -300; x <= 300; x++) {
        const table = Int32Array.from(cheapRequantTable(1, () => 0, () => 0, () => 0, 0, [m], [-e])!);
        expect(requantizeTable(x, table, 0)).toBe(mbqm(x, m, -e));
      }
    }
  });

  it("is refused where it would not be exact", () => {
    const one = (m: number, s: number, absSum = 10, bias = 0, off = 0) =>
      cheapRequantTable(1, () => bias, () => bias, () => absSum, off, [m], [s]);
    expect(one(2 ** 30, 0)).toBeNull(); // shift 0: no right shift
    expect(one(2 ** 30, 3)).toBeNull(); // left shift
    expect(one(-(2 ** 31), -3)).toBeNull(); // saturating multiplier
    expect(one(2 ** 30, -3, 2 ** 31 / 128)).toBeNull(); // 128 * sum|w| reaches 2^31
    expect(one(2 ** 30, -3, 2 ** 24 - 1)).not.toBeNull(); // 128 * sum|w| < 2^31
    expect(one(2 ** 30, -3, 2 ** 24 - 1, 0, 128)).toBeNull(); // but max |x + 128| = 255
    expect(one(2 ** 30, -3, 100, 2 ** 31 - 100)).toBeNull(); // acc + bias may wrap
    expect(one(2 ** 31 - 1, -31, 0, 2 ** 30)).toBeNull(); // s reaches 2^30: s + 2^30 overflows
    expect(one(2 ** 31 - 1, -31, 0, 2 ** 30 - 2)).not.toBeNull(); // s <= 2^30 - 2
    const edge = Int32Array.from(one(2 ** 31 - 1, -31, 0, 2 ** 30 - 2)!);
    // acc + bias (the table adds its bias 2^30 - 2) at the ends of the bound.
    for (const v of [2 ** 30 - 2, -(2 ** 30) + 2, 2 ** 30 - 3, -(2 ** 30) + 3]) {
      expect(requantizeTable(v - (2 ** 30 - 2), edge, 0)).toBe(mbqm(v, 2 ** 31 - 1, -31));
    }
    expect(one(2 ** 30, -3, 100, 2 ** 30)).not.toBeNull(); // a large bias, s <= 2^29 + 2^13 + 1
    expect(one(2 ** 30 - 1, -3)).toBeNull(); // not a QuantizeMultiplier mantissa: no SMMULR form
    expect(one(-(2 ** 30), -3)).toBeNull(); // negative multiplier: likewise
    expect(one(0, 0)).toEqual([0, 0, 2 ** 30, 31]); // multiplier 0: (v + (v >> 31) + 2^30) >> 31 = 0
    expect(one(0, 0, 2 ** 23 - 1)).toEqual([0, 0, 2 ** 30, 31]); // 128 * sum|w| < 2^30 - 1
    expect(one(0, 0, 2 ** 23)).toBeNull(); // 128 * sum|w| = 2^30: the zero row would not hold
    for (const v of [2 ** 30 - 2, -(2 ** 30) + 2, 0, -1, 1]) expect(requantizeTable(v, Int32Array.from([0, 0, 2 ** 30, 31]), 0)).toBe(0);
    expect(one(2 ** 30, -3)).toEqual([0, -(2 ** 31), 4, 3]); // m2 = 2m wrapped
  });
});
