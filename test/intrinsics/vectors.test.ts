/**
 * @fileoverview Hand-checked vectors for the intrinsics' rounding and saturation traps, run
 * against all three implementations: kernels/intrinsics.ts, runtime/mote_intrinsics.h (host gcc)
 * and compiler/emit/wasm/intrinsics.ts (binaryen, Node), plus the BigInt oracle of harness.ts.
 *
 * Each expected value was worked out by hand from the definition in docs/intrinsics.md; the
 * comment beside it shows the exact real value being rounded.
 */
import { describe, expect, it } from "vitest";
import * as ref from "../../kernels/intrinsics.ts";
import { INTRINSICS } from "../../compiler/ir/intrinsics.ts";
import { needTools } from "../support/shared.ts";
import { type Case, INT32_MAX, INT32_MIN, ORACLE, runC, ubsanFlags, wasmIntrinsics } from "./harness.ts";

const gcc = needTools("gcc");

const P30 = 1 << 30;

/** [intrinsic, args, expected] */
const VECTORS: [string, number[], number][] = [
  // srdhm: round(a*b / 2^31), ties toward +inf; only MIN*MIN saturates
  ["srdhm", [INT32_MIN, INT32_MIN], INT32_MAX], // +1.0 in Q31 is not representable
  ["srdhm", [3, P30], 2], // 1.5 -> 2
  ["srdhm", [-3, P30], -1], // -1.5 -> -1
  ["srdhm", [5, P30], 3], // 2.5 -> 3
  ["srdhm", [-5, P30], -2], // -2.5 -> -2
  ["srdhm", [1, P30], 1], // 0.5 -> 1
  ["srdhm", [-1, P30], 0], // -0.5 -> 0
  ["srdhm", [INT32_MIN, INT32_MAX], -2147483647], // -(2^31 - 1), exact
  ["srdhm", [INT32_MAX, INT32_MAX], 2147483646], // 2^31 - 2 + 2^-31
  ["srdhm", [1000, INT32_MAX], 1000], // 1000 - 1000/2^31
  ["srdhm", [INT32_MIN, P30], -P30], // exact
  ["srdhm", [INT32_MIN, -1], 1], // exact
  ["srdhm", [INT32_MIN, 1], -1], // exact
  ["srdhm", [0, INT32_MIN], 0],
  // smmulr: round(a*b / 2^32), ties toward +inf, never saturates
  ["smmulr", [1, INT32_MIN], 0], // -0.5 -> 0
  ["smmulr", [3, P30], 1], // 0.75 -> 1
  ["smmulr", [2, P30], 1], // 0.5 -> 1
  ["smmulr", [-2, P30], 0], // -0.5 -> 0
  ["smmulr", [-6, P30], -1], // -1.5 -> -1
  ["smmulr", [INT32_MIN, INT32_MIN], P30], // 2^62 / 2^32 = 2^30
  ["smmulr", [INT32_MAX, INT32_MAX], P30 - 1], // (2^31 - 1)^2 / 2^32 = 2^30 - 1 + 2^-32
  ["smmulr", [INT32_MIN, INT32_MAX], -P30 + 1], // -2^30 + 2^-1 -> rounds up
  // rdbpot: x / 2^e, ties away from zero
  ["rdbpot", [5, 1], 3], // 2.5 -> 3
  ["rdbpot", [-5, 1], -3], // -2.5 -> -3
  ["rdbpot", [-3, 1], -2], // -1.5 -> -2
  ["rdbpot", [3, 1], 2], // 1.5 -> 2
  ["rdbpot", [-4, 1], -2], // exact
  ["rdbpot", [-6, 2], -2], // -1.5 -> -2
  ["rdbpot", [-5, 2], -1], // -1.25 -> -1
  ["rdbpot", [-7, 2], -2], // -1.75 -> -2
  ["rdbpot", [INT32_MIN, 0], INT32_MIN],
  ["rdbpot", [INT32_MAX, 0], INT32_MAX],
  ["rdbpot", [INT32_MIN, 31], -1], // exact
  ["rdbpot", [INT32_MAX, 31], 1], // 1 - 2^-31
  ["rdbpot", [P30, 31], 1], // 0.5 -> 1
  ["rdbpot", [-P30, 31], -1], // -0.5 -> -1
  ["rdbpot", [P30 - 1, 31], 0], // just under 0.5
  ["rdbpot", [-P30 + 1, 31], 0], // just above -0.5
  ["rdbpot", [INT32_MAX, 1], 1073741824], // 1073741823.5 -> up
  ["rdbpot", [INT32_MIN + 1, 1], -1073741824], // -1073741823.5 -> away
  // mbqm: rdbpot(srdhm(x << left, m), right)
  ["mbqm", [3, P30, 0], 2], // 3 * 0.5 = 1.5 -> 2
  ["mbqm", [-3, P30, 0], -1], // -1.5 -> -1 (srdhm tie)
  ["mbqm", [5, P30, -1], 2], // double rounding: 2.5 -> 3, then 1.5 -> 2 (single rounding: 1.25 -> 1)
  ["mbqm", [-5, P30, -1], -1], // -2.5 -> -2, then -1
  ["mbqm", [3, P30, 2], 6], // (3 * 4) * 0.5
  ["mbqm", [-7, P30, 1], -7],
  ["mbqm", [P30, P30, 1], -P30], // x << 1 wraps to INT32_MIN, then * 0.5
  ["mbqm", [INT32_MIN, INT32_MIN, 0], INT32_MAX], // saturating srdhm
  ["mbqm", [INT32_MIN, INT32_MIN, -31], 1], // INT32_MAX / 2^31 -> 1
  ["mbqm", [INT32_MAX, INT32_MAX, -31], 1], // 2147483646 / 2^31 -> 1
  ["mbqm", [123456, 0, 0], 0], // QuantizeMultiplier's answer for shift < -31 is (0, 0)
  ["mbqm", [1000, 1717986918, -3], 100], // 1000 * 0.8 / 8 = 99.99999997 -> 100
  ["mbqm", [-1000, 1717986918, -3], -100],
  ["mbqm", [20, P30, -3], 1], // 20 * 0.5 = 10 exactly, / 8 = 1.25 -> 1
  ["mbqm", [-12, P30, -2], -2], // -6 / 4 = -1.5 -> -2 (away from zero)
  // clamps and narrows
  ["sat8", [200], 127], ["sat8", [-200], -128], ["sat8", [127], 127], ["sat8", [-128], -128],
  ["sat8", [INT32_MIN], -128], ["sat8", [INT32_MAX], 127],
  ["sat16", [40000], 32767], ["sat16", [-40000], -32768], ["sat16", [-32768], -32768], ["sat16", [INT32_MIN], -32768],
  ["toI8", [128], -128], ["toI8", [255], -1], ["toI8", [256], 0], ["toI8", [-129], 127], ["toI8", [INT32_MIN], 0],
  ["toI16", [32768], -32768], ["toI16", [0x12345678], 0x5678], ["toI16", [-32769], 32767], ["toI16", [INT32_MAX], -1],
  // 64-bit product halves
  ["mulHi", [INT32_MIN, INT32_MIN], P30], // 2^62 >> 32
  ["mulHi", [-1, 1], -1], // floor(-1 / 2^32)
  ["mulHi", [INT32_MIN, INT32_MAX], -P30], // floor(-2^30 + 0.5)
  ["mulHi", [0x10000, 0x10000], 1],
  ["mulHi", [INT32_MAX, INT32_MAX], 0x3fffffff], // (2^62 - 2^32 + 1) >> 32
  ["mulLo", [0x10000, 0x10000], 0], ["mulLo", [INT32_MIN, -1], INT32_MIN], ["mulLo", [INT32_MAX, INT32_MAX], 1],
  ["mulLo", [-3, 7], -21],
  // saturating left shift
  ["satLsh", [1, 31], INT32_MAX], // 2^31 saturates
  ["satLsh", [-1, 31], INT32_MIN], // exact
  ["satLsh", [-2, 30], INT32_MIN], // exact
  ["satLsh", [-3, 30], INT32_MIN], // saturates
  ["satLsh", [0x3fffffff, 1], 0x7ffffffe], ["satLsh", [P30, 1], INT32_MAX],
  ["satLsh", [INT32_MIN, 0], INT32_MIN], ["satLsh", [INT32_MAX, 0], INT32_MAX], ["satLsh", [0, 31], 0],
  ["satLsh", [-5, 3], -40],
  // rdhm: srdhm without saturation
  ["rdhm", [INT32_MIN, INT32_MIN], INT32_MIN], // 2^31 wraps
  ["rdhm", [3, P30], 2], // 1.5 -> 2 (ties up)
  ["rdhm", [-3, P30], -1], // -1.5 -> -1
  ["rdhm", [INT32_MIN, INT32_MAX], -2147483647], // exact
  ["rdhm", [INT32_MAX, INT32_MAX], 2147483646],
  // smlad / smladx: halves lo = bits 0-15, hi = bits 16-31, signed
  ["smlad", [0x00030002, 0x00050007, 1], 1 + 2 * 7 + 3 * 5], // 30
  ["smlad", [-0x7fff8000, -0x7fff8000, 0], INT32_MIN], // 0x80008000^2: 2^30 + 2^30 = 2^31 wraps
  ["smlad", [-1, -1, INT32_MAX], INT32_MIN + 1], // (-1)(-1) + (-1)(-1) = 2, wraps
  ["smlad", [0x7fff7fff, -0x7fff8000, 0], -2147418112], // 2 * 32767 * -32768
  ["smladx", [0x00030002, 0x00050007, 1], 1 + 2 * 5 + 3 * 7], // 32
  ["smladx", [0x0001ffff, 0x00020003, 0], -2 + 3], // lo(x)=-1 * hi(y)=2, hi(x)=1 * lo(y)=3
  // sxtb16 / sxtb16r8: bytes 0, 2 (or 1, 3) sign-extended into halves
  ["sxtb16", [0x12ff347f], -65409], // bytes 0, 2 = 7f, ff -> lo 0x007f, hi 0xffff
  ["sxtb16", [0x00800080], -0x7f0080], // 0xff80ff80
  ["sxtb16r8", [-0x7f7f7f80], -0x7f0080], // 0x80808080 -> 0xff80ff80
  ["sxtb16r8", [0x7f017f02], 0x007f007f],
  // sxtab16: each half wraps on its own
  ["sxtab16", [0x7fffffff, 0x00010001], INT32_MIN], // hi 0x7fff+1 = 0x8000, lo 0xffff+1 = 0
  ["sxtab16", [0x00050005, 0x00ff00ff], 0x00040004], // byte 0xff = -1
  // pkhbt / pkhtb
  ["pkhbt", [0x11112222, 0x33334444, 16], 0x44442222],
  ["pkhbt", [0x11112222, 0x33334444, 0], 0x33332222],
  ["pkhbt", [-1, 1, 31], -2147418113], // 1 << 31 = 0x80000000: hi 0x8000, lo 0xffff
  ["pkhtb", [0x11112222, 0x33334444, 16], 0x11113333],
  ["pkhtb", [0x11112222, -0x7fffffff, 31], 0x1111ffff], // 0x80000001 >> 31 = -1
  ["pkhtb", [0x11112222, 0x33334444, 0], 0x11114444],
];

const cases: Case[] = VECTORS.map(([name, args]) => ({ name, args }));
const expected = VECTORS.map(([, , want]) => want);
const label = (i: number): string => `${VECTORS[i][0]}(${VECTORS[i][1].join(", ")})`;

describe("intrinsic hand-checked vectors", () => {
  it("cover every intrinsic in the registry", () => {
    expect(new Set(VECTORS.map(([n]) => n))).toEqual(new Set(INTRINSICS.keys()));
  });

  it("TypeScript reference", () => {
    const fns = ref as unknown as Record<string, (...a: number[]) => number>;
    const got = cases.map((c) => fns[c.name](...c.args));
    got.forEach((v, i) => expect(v, label(i)).toBe(expected[i]));
  });

  it("BigInt oracle (checks the vectors themselves)", () => {
    cases.forEach((c, i) => expect(ORACLE[c.name](...c.args), label(i)).toBe(expected[i]));
  });

  for (const optimize of [false, true]) {
    it(`WASM (binaryen${optimize ? ", optimized" : ""})`, () => {
      const w = wasmIntrinsics(optimize);
      cases.forEach((c, i) => expect(w[c.name](...c.args), label(i)).toBe(expected[i]));
    });
  }

  it.skipIf(gcc.skip)("C header (host gcc -O2, UBSan when available)", () => {
    const got = runC(cases, ubsanFlags());
    got.forEach((v, i) => expect(v, label(i)).toBe(expected[i]));
  });
});
