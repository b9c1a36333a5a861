/**
 * @fileoverview Specialization with a constant record plus folding (compiler/specialize/): small
 * kernels written into a temporary directory are lowered, specialized and the KIR inspected:
 * branches on record fields resolved, constants propagated, dead code and loops dropped,
 * intrinsics folded through their TypeScript reference.
 */
import { afterAll, describe, expect, it } from "vitest";
import type { Expr, KFunction, Stmt } from "../../compiler/ir/kir.ts";
import { specialize } from "../../compiler/specialize/specialize.ts";
import { exprs, KERNEL_HEAD as HEAD, KernelDir, stmts } from "../subset/kernel-dir.ts";

const kd = new KernelDir();
const v = (name: string): Expr => ({ k: "var", name, type: "i32" });
afterAll(() => kd.remove());

describe("specialization and folding", () => {
  const KERNEL = `${HEAD}export interface KP {
  mode: i32;
  n: i32;
  scale: i32;
  bias: i32;
}
function addBias(p: KP, out: Int32Array): void {
  for (let i: i32 = 0; i < p.n; i++) out[i] = (out[i] + p.bias) | 0;
}
function square(x: i32): i32 {
  return x * x;
}
export function k(p: KP, a: Int32Array, out: Int32Array): void {
  const s: i32 = p.scale * 2;
  let unused: i32 = p.n + 1;
  let neverRead: i32 = 0;
  neverRead = p.scale;
  if (p.mode === 1) {
    for (let i: i32 = 0; i < p.n; i++) out[i] = a[i] * s;
  } else {
    for (let i: i32 = 0; i < p.n; i++) out[i] = square(a[i]) + s;
  }
  if (p.bias !== 0) addBias(p, out);
}
`;
  const module = kd.lower({ "spec.ts": KERNEL }).module;
  const original = JSON.stringify(module.functions.get("k"));

  /** The specialized entry (specialize() also returns the callees that took the record). */
  const entry = (fns: KFunction[], name: string): KFunction => {
    const f = fns.find((x) => x.name === name);
    if (!f) throw new Error(`${name} not among ${fns.map((x) => x.name).join(", ")}`);
    return f;
  };

  it("resolves a branch on a record field, propagates constants and drops unused locals", () => {
    // n is above unroll.ts's MAX_TRIPS so the loop stays a loop (test/specialize/unroll.test.ts covers unrolling).
    const f = entry(specialize(module, "k", { mode: 1, n: 40, scale: 3, bias: 0 }, "k_mode1", { verify: true }), "k_mode1");
    expect(f.params.map((p) => p.name)).toEqual(["a", "out"]);
    expect(stmts(f, "if")).toEqual([]);
    expect(exprs(f.body, "field")).toEqual([]);
    expect(exprs(f.body, "call")).toEqual([]);
    expect(stmts(f, "let").map((s) => s.k === "let" && s.name)).toEqual(["i"]);
    expect(f.body).toHaveLength(1);
    const loop = f.body[0] as Extract<Stmt, { k: "for" }>;
    expect(loop.cond).toEqual({ k: "binary", op: "lt", a: v("i"), b: { k: "const", type: "i32", value: 40 }, type: "bool" });
    expect(loop.body).toEqual([{
      k: "store", array: "out", elem: "i32", index: v("i"),
      value: { k: "binary", op: "mul", a: { k: "load", array: "a", elem: "i32", index: v("i"), type: "i32" }, b: { k: "const", type: "i32", value: 6 }, type: "i32" },
    }]);
  });

  it("takes the other branch, and specializes callees that receive the record", () => {
    const fns = specialize(module, "k", { mode: 0, n: 40, scale: 1, bias: 5 }, "k_b", { verify: true });
    expect(fns.map((f) => f.name).sort()).toEqual(["addBias_k_b", "k_b"]);
    const k = fns.find((f) => f.name === "k_b")!;
    const calls = exprs(k.body, "call").map((e) => e.k === "call" && [e.fn, e.args.length]);
    // square takes no record: called as is. addBias took the record: specialized, record dropped.
    expect(calls).toEqual([["square", 1], ["addBias_k_b", 1]]);
    const store = stmts(k, "store")[0] as Extract<Stmt, { k: "store" }>;
    expect(store.value).toMatchObject({ op: "add", b: { k: "const", value: 2 } });
    const bias = fns.find((f) => f.name === "addBias_k_b")!;
    expect(bias.params.map((p) => p.name)).toEqual(["out"]);
    expect(exprs(bias.body, "intrinsic")[0]).toMatchObject({ name: "wadd", args: [expect.anything(), { k: "const", value: 5 }] });
  });

  it("drops a loop whose condition folds to false, with its init", () => {
    const m = kd.lower({
      "loop.ts": `${HEAD}export interface LP {
  enabled: i32;
  n: i32;
}
export function k(p: LP, out: Int32Array): void {
  for (let i: i32 = 0; p.enabled !== 0 && i < p.n; i++) out[i] = 1;
  let j: i32 = 0;
  while (p.enabled === 1) {
    out[j] = 2;
    j++;
  }
}
`,
    }).module;
    expect(entry(specialize(m, "k", { enabled: 0, n: 9 }, "k_off", { verify: true }), "k_off").body).toEqual([]);
  });

  // \`i < 0\` alone is not constant (i is reassigned in the step); compiler/specialize/unroll.ts
  // counts the loop's iterations and drops it.
  it("drops a counted loop that runs zero times (for i = 0; i < 0)", () => {
    const f = entry(specialize(module, "k", { mode: 1, n: 0, scale: 3, bias: 0 }, "k_empty", { verify: true }), "k_empty");
    expect(f.body).toEqual([]);
  });

  it("folds intrinsic calls on constants through their TypeScript reference", () => {
    const m = kd.lower({
      "fold.ts": `${HEAD}import { mbqm } from "./intrinsics.ts";
export interface QP {
  x: i32;
  mult: i32;
  shift: i32;
}
export function k(p: QP, out: Int32Array): void {
  out[0] = mbqm(p.x, p.mult, p.shift);
  out[1] = Math.max((p.x - 300) | 0, -128);
  out[2] = toI8(p.x);
}
`,
    }).module;
    const f = entry(specialize(m, "k", { x: 1000, mult: 1 << 30, shift: -1 }, "k_q", { verify: true }), "k_q");
    const values = stmts(f, "store").map((s) => s.k === "store" && s.value);
    // 1000 * 0.5 (multiplier 2^30 is 0.5 in Q31) / 2 (shift -1) = 250; max(700, -128); 1000 wrapped to int8 = -24.
    expect(values).toEqual([250, 700, -24].map((value) => ({ k: "const", type: "i32", value })));
  });

  it("folds DSP intrinsics on constants, and keeps ld32/st32 with their indices folded", () => {
    const m = kd.lower({
      "dsp.ts": `import type { i32 } from "./types.ts";
import { ld32, pkhbt, smlad, st32, sxtb16r8 } from "./intrinsics.ts";
export interface DP {
  x: i32;
  y: i32;
  at: i32;
}
export function k(p: DP, a: Int8Array, out: Int32Array, bytes: Int8Array): void {
  out[0] = smlad(p.x, p.y, 7);
  out[1] = sxtb16r8(p.x);
  out[2] = pkhbt(p.x, p.y, 16);
  st32(bytes, p.at + 1, ld32(a, p.at * 2));
}
`,
    }).module;
    const f = entry(specialize(m, "k", { x: 0x00030002, y: -0x7f80, at: 3 }, "k_d", { verify: true }), "k_d");
    // smlad: 7 + 2 * 0x8080 (lo of y = -32640) + 3 * -1 (hi of y); sxtb16r8(0x00030002): bytes 1, 3 = 0, 0.
    const values = stmts(f, "store").map((s) => s.k === "store" && s.value);
    expect(values).toEqual([7 + 2 * -32640 + 3 * -1, 0, (0x8080 << 16) | 0x0002].map((value) => ({ k: "const", type: "i32", value })));
    expect(stmts(f, "st32")).toEqual([{ k: "st32", array: "bytes", index: { k: "const", type: "i32", value: 4 },
      value: { k: "ld32", array: "a", index: { k: "const", type: "i32", value: 6 }, type: "i32" } }]);
  });

  it("leaves the unspecialized module untouched", () => {
    expect(JSON.stringify(module.functions.get("k"))).toBe(original);
  });
});
