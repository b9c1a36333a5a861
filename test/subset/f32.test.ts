/**
 * @fileoverview The subset's f32 division and f32 -> i32 truncation (compiler/subset/lower.ts,
 * folded by compiler/specialize/fold.ts), added for QUANTIZE float32 -> int8: `Math.fround(a / b)`
 * of two f32 values is an f32 division, `Math.trunc(x)` of an f32 converts toward zero to i32,
 * and everything near them stays rejected with its code. That TS, C and WASM agree bit for bit on
 * them is checked through kernels/quantize.ts in test/kernels/differential/activations.test.ts.
 */
import { afterAll, describe, expect, it } from "vitest";
import type { Expr, KFunction } from "../../compiler/ir/kir.ts";
import { forEachStmt } from "../../compiler/ir/walk.ts";
import { specialize } from "../../compiler/specialize/specialize.ts";
import { KernelDir } from "./kernel-dir.ts";

const kd = new KernelDir();
afterAll(() => kd.remove());

let counter = 0;
const HEADER = `import type { f32, i32 } from "./types.ts";\nexport interface KParams { n: i32; }\n`;

function codes(body: string): number[] {
  return kd.build({ [`f${counter++}.ts`]: HEADER + body }).diagnostics.map((d) => d.code);
}

function lowered(body: string): Map<string, KFunction> {
  return kd.lower({ [`f${counter++}.ts`]: HEADER + body }).module.functions;
}

function returned(f: KFunction): Expr {
  let v: Expr | null = null;
  forEachStmt(f.body, (s) => { if (s.k === "return" && !v) v = s.value; });
  if (!v) throw new Error("no return value");
  return v;
}

describe("f32 division and truncation in the subset", () => {
  it("lowers Math.fround(a / b) of two f32 values to an f32 division", () => {
    const fns = lowered(`export function k(p: KParams, a: Float32Array): f32 { return Math.fround(a[0] / a[1]); }\n`);
    expect(returned(fns.get("k")!)).toMatchObject({ k: "binary", op: "div", type: "f32" });
  });

  it("lowers Math.trunc of an f32 to a conversion to i32", () => {
    const fns = lowered(`export function k(p: KParams, a: Float32Array): i32 { return Math.trunc(a[0]); }\n`);
    expect(returned(fns.get("k")!)).toMatchObject({ k: "convert", to: "i32", type: "i32", a: { type: "f32" } });
  });

  it("keeps integer Math.trunc(a / b) an integer division", () => {
    const fns = lowered(`export function k(p: KParams, a: Int32Array): i32 { return Math.trunc(a[0] / p.n); }\n`);
    expect(returned(fns.get("k")!)).toMatchObject({ k: "binary", op: "div", type: "i32" });
  });

  it("rejects f32 division outside Math.fround (2010) and with mixed operands (2010)", () => {
    expect(codes(`export function k(p: KParams, a: Float32Array): void { a[0] = a[0] / a[1]; }\n`)).toEqual([2010]);
    expect(codes(`export function k(p: KParams, a: Float32Array): void { a[0] = Math.fround(a[0] / p.n); }\n`)).toEqual([2010]);
  });

  it("still rejects integer division that does not truncate, also inside Math.fround (2008)", () => {
    expect(codes(`export function k(p: KParams, a: Int32Array): void { a[0] = a[0] / p.n; }\n`)).toEqual([2008]);
    expect(codes(`export function k(p: KParams, a: Float32Array): void { a[0] = Math.fround(p.n / 2); }\n`)).toEqual([2008]);
  });

  it("rejects Math.trunc of a boolean or of an integer that is not a division (2022)", () => {
    expect(codes(`export function k(p: KParams, a: Int32Array): void { a[0] = Math.trunc(p.n); }\n`)).toEqual([2022]);
  });

  it("folds constant f32 division and in-range truncation, and leaves x / 0 and NaN alone", () => {
    const fns = lowered(
      `export function k(p: KParams, out: Int32Array, f: Float32Array): void {\n` +
        `  const q: f32 = Math.fround(Math.fround(p.n) / Math.fround(3));\n` +
        `  out[0] = Math.trunc(q);\n` +
        `  out[1] = Math.trunc(Math.fround(Math.fround(0 - p.n) / Math.fround(4)));\n` +
        `  f[0] = Math.fround(Math.fround(p.n) / Math.fround(0));\n` +
        `}\n`,
    );
    const module = { functions: fns } as Parameters<typeof specialize>[0];
    const [spec] = specialize(module, "k", { n: 10 }, "k10", { verify: true });
    const stored: Expr[] = [];
    forEachStmt(spec.body, (s) => { if (s.k === "store") stored.push(s.value); });
    expect(stored[0]).toMatchObject({ k: "const", type: "i32", value: 3 });
    expect(stored[1]).toMatchObject({ k: "const", type: "i32", value: -2 });
    // 10 / 0 is +Infinity: not a C literal, so it stays a division.
    expect(stored[2]).toMatchObject({ k: "binary", op: "div", type: "f32" });
  });

  it("lowers Math.fround(Math.floor(a / b)) of two f32 values to the floordiv builtin, and folds it", () => {
    const fns = lowered(`export function k(p: KParams, a: Float32Array): f32 { return Math.fround(Math.floor(a[0] / a[1])); }\n`);
    expect(returned(fns.get("k")!)).toMatchObject({ k: "intrinsic", name: "floordiv", type: "f32", args: [{ type: "f32" }, { type: "f32" }] });
    const folded = lowered(
      `export function k(p: KParams, f: Float32Array): void {\n` +
        `  f[0] = Math.fround(Math.floor(Math.fround(0 - p.n) / Math.fround(4)));\n` +
        `  f[1] = Math.fround(Math.floor(Math.fround(p.n) / Math.fround(0)));\n` +
        `}\n`,
    );
    const [spec] = specialize({ functions: folded } as Parameters<typeof specialize>[0], "k", { n: 10 }, "k10", { verify: true });
    const stored: Expr[] = [];
    forEachStmt(spec.body, (s) => { if (s.k === "store") stored.push(s.value); });
    expect(stored[0]).toMatchObject({ k: "const", type: "f32", value: -3 });
    expect(stored[1]).toMatchObject({ k: "intrinsic", name: "floordiv" }); // +Infinity: left to run
  });

  it("rejects Math.floor outside Math.fround (2010), of a non-division (2022) and of integers (2027)", () => {
    expect(codes(`export function k(p: KParams, a: Float32Array): void { a[0] = Math.floor(a[0] / a[1]); }\n`)).toEqual([2010]);
    expect(codes(`export function k(p: KParams, a: Float32Array): void { a[0] = Math.fround(Math.floor(a[0])); }\n`)).toEqual([2022]);
    expect(codes(`export function k(p: KParams, a: Float32Array): void { a[0] = Math.fround(Math.floor(p.n / 2)); }\n`)).toEqual([2027]);
  });
});
