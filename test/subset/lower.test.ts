/**
 * @fileoverview Semantics of lowering subset TypeScript to KIR (compiler/subset/lower.ts,
 * compiler/subset/program.ts). Each test lowers a small kernel written into a temporary directory
 * and inspects the KIR: the shapes the C and WASM emitters rely on. Specialization of the same
 * kind of kernels is in test/specialize/specialize.test.ts.
 */
import { afterAll, describe, expect, it } from "vitest";
import type { Expr, KFunction, Stmt } from "../../compiler/ir/kir.ts";
import { forEachStmt } from "../../compiler/ir/walk.ts";
import { exprs, KERNEL_HEAD, KernelDir, stmts } from "./kernel-dir.ts";

const kd = new KernelDir();
afterAll(() => kd.remove());

let counter = 0;
/** Lowers one kernel file (plus `others`) and returns its functions by KIR name. */
function lower(source: string, others: Record<string, string> = {}): Map<string, KFunction> {
  return kd.lower({ [`k${counter++}.ts`]: source, ...others }).module.functions;
}

function fn(source: string, name = "k"): KFunction {
  const f = lower(source).get(name);
  if (!f) throw new Error(`no function ${name}`);
  return f;
}

/** The value of the first `return` in `f`. */
function returned(f: KFunction): Expr {
  let v: Expr | null = null;
  forEachStmt(f.body, (s) => { if (s.k === "return" && !v) v = s.value; });
  if (!v) throw new Error("no return value");
  return v;
}

const HEAD = KERNEL_HEAD;
const v = (name: string): Expr => ({ k: "var", name, type: "i32" });

describe("lowering expressions", () => {
  const binop = (body: string): Expr => returned(fn(`${HEAD}export function k(a: i32, b: i32): i32 {\n  return ${body};\n}\n`));

  it("an exported top-level constant (a kernel's variant value) reads as its integer", () => {
    const f = fn(`${HEAD}export const MODE_B: i32 = 2;\nexport function k(a: i32): i32 {\n  return a === MODE_B ? 1 : 0;\n}\n`);
    expect(JSON.stringify(returned(f))).toContain(JSON.stringify({ k: "const", type: "i32", value: 2 }));
  });

  it("(a / b) | 0 and Math.trunc(a / b) are a truncating integer div", () => {
    const div = { k: "binary", op: "div", a: v("a"), b: v("b"), type: "i32" };
    expect(binop("(a / b) | 0")).toEqual(div);
    expect(binop("Math.trunc(a / b)")).toEqual(div);
  });

  it("(a + b) | 0, (a - b) | 0 and Math.imul are wrapping intrinsics; bare a + b is a plain add", () => {
    expect(binop("(a + b) | 0")).toEqual({ k: "intrinsic", name: "wadd", args: [v("a"), v("b")], type: "i32" });
    expect(binop("(a - b) | 0")).toEqual({ k: "intrinsic", name: "wsub", args: [v("a"), v("b")], type: "i32" });
    expect(binop("Math.imul(a, b)")).toEqual({ k: "intrinsic", name: "imul", args: [v("a"), v("b")], type: "i32" });
    expect(binop("a + b")).toEqual({ k: "binary", op: "add", a: v("a"), b: v("b"), type: "i32" });
    expect(binop("(a & b) | 0")).toEqual({ k: "binary", op: "and", a: v("a"), b: v("b"), type: "i32" });
  });

  it("comparisons are bool, selects carry the branch type, Math.min/max are intrinsics", () => {
    expect(binop("a < b ? Math.min(a, b) : Math.max(a, 7)")).toEqual({
      k: "select",
      cond: { k: "binary", op: "lt", a: v("a"), b: v("b"), type: "bool" },
      a: { k: "intrinsic", name: "min", args: [v("a"), v("b")], type: "i32" },
      b: { k: "intrinsic", name: "max", args: [v("a"), { k: "const", type: "i32", value: 7 }], type: "i32" },
      type: "i32",
    });
  });

  it("hex literals are i32 bit patterns", () => {
    expect(binop("a & 0xFFFFFFFF")).toEqual({ k: "binary", op: "and", a: v("a"), b: { k: "const", type: "i32", value: -1 }, type: "i32" });
  });

  it("narrow loads say their element type and promote to i32; stores keep the element type", () => {
    const f = fn(`${HEAD}export function k(a: Int8Array, b: Uint16Array, c: Int16Array, d: Uint8Array, out: Int8Array): void {
  out[0] = sat8(a[1] + b[2] + c[3] + d[4]);
}
`);
    const loads = exprs(f.body, "load").map((e) => e.k === "load" && [e.array, e.elem, e.type]);
    expect(loads).toEqual([["a", "i8", "i32"], ["b", "u16", "i32"], ["c", "i16", "i32"], ["d", "u8", "i32"]]);
    const [store] = stmts(f, "store");
    expect(store).toMatchObject({ k: "store", array: "out", elem: "i8", index: { k: "const", value: 0 } });
    expect(store.k === "store" && store.value).toMatchObject({ k: "intrinsic", name: "sat8", type: "i32" });
  });

  it("ld32/st32 of an Int8Array are the KIR ld32 expression and st32 statement; DSP intrinsics are intrinsic calls", () => {
    const f = fn(`import type { i32 } from "./types.ts";
import { ld32, smlad, st32, sxtb16 } from "./intrinsics.ts";
export function k(a: Int8Array, out: Int8Array, i: i32): void {
  st32(out, i + 1, smlad(sxtb16(ld32(a, i)), ld32(a, 3), 0));
}
`);
    expect(f.params.map((p) => [p.name, !!p.written])).toEqual([["a", false], ["out", true], ["i", false]]);
    const [st] = stmts(f, "st32");
    expect(st).toMatchObject({ k: "st32", array: "out", index: { k: "binary", op: "add" }, value: { k: "intrinsic", name: "smlad" } });
    expect(exprs(f.body, "ld32")).toEqual([
      { k: "ld32", array: "a", index: v("i"), type: "i32" },
      { k: "ld32", array: "a", index: { k: "const", type: "i32", value: 3 }, type: "i32" },
    ]);
  });

  it("ld32/st32 reject other arrays, a wrong argument count and st32 used as a value", () => {
    const head = `import type { i32 } from "./types.ts";\nimport { ld32, st32 } from "./intrinsics.ts";\n`;
    const codes = (body: string, params = "a: Int8Array, h: Int16Array, u: Uint8Array, i: i32"): string[] =>
      kd.check(`${head}export function k(${params}): i32 {\n${body}\n}\n`).map((d) => `${d.code} ${d.message}`);
    expect(codes("  return ld32(a, i);")).toEqual([]);
    expect(codes("  return ld32(h, i);")[0]).toMatch(/^2027 .*argument 1 of ld32 must be an Int8Array parameter/);
    expect(codes("  return ld32(u, i);")[0]).toMatch(/^2027 .*argument 1 of ld32 must be an Int8Array parameter/);
    expect(codes("  return ld32(a);")[0]).toMatch(/^2025 /);
    expect(codes("  st32(h, 0, i);\n  return 0;")[0]).toMatch(/^2027 .*argument 1 of st32/);
    expect(codes("  return st32(a, 0, i);")[0]).toMatch(/^2027 .*st32 has no value/);
  });

  it("narrow locals keep their storage type and read as i32", () => {
    const f = fn(`${HEAD}export function k(a: Int8Array, out: Int32Array): void {
  const x: i8 = toI8(a[0] * 3);
  const y: i16 = a[1];
  const z: u8 = 200;
  const w: u16 = 60000;
  out[0] = x + y + z + w;
}
`);
    expect(stmts(f, "let").map((s) => s.k === "let" && [s.name, s.type])).toEqual([["x", "i8"], ["y", "i16"], ["z", "u8"], ["w", "u16"]]);
    expect(exprs(f.body, "var").every((e) => e.type === "i32")).toBe(true);
  });

  it("record fields become field reads of the record parameter; the record type keeps field order", () => {
    const prog = kd.lower({
      "rec.ts": `${HEAD}export interface ScaleParams {
  size: i32;
  mult: i32;
  shift: i32;
}
export function k(p: ScaleParams, out: Int32Array): void {
  out[0] = p.mult << p.shift;
}
`,
    });
    const f = prog.module.functions.get("k")!;
    expect(f.params[0]).toEqual({ name: "p", type: { kind: "record", name: "ScaleParams" } });
    expect(exprs(f.body, "field")).toEqual([
      { k: "field", record: "p", field: "mult", type: "i32" },
      { k: "field", record: "p", field: "shift", type: "i32" },
    ]);
    expect(prog.module.records.get("ScaleParams")).toEqual({ name: "ScaleParams", fields: ["size", "mult", "shift"] });
  });
});

describe("lowering statements", () => {
  it("renames shadowed locals so every KIR local name is unique, and uses resolve to the right one", () => {
    const f = fn(`${HEAD}export function k(x: i32, out: Int32Array): void {
  let y: i32 = x;
  {
    let x: i32 = 2;
    let y: i32 = x + 1;
    out[0] = y;
  }
  for (let i: i32 = 0; i < 2; i++) out[i] = y;
  for (let i: i32 = 0; i < 2; i++) out[i] = x;
}
`);
    const lets = stmts(f, "let").map((s) => s.k === "let" && s.name);
    const names = [...f.params.map((p) => p.name), ...lets];
    expect(new Set(names).size).toBe(names.length);
    expect(lets).toEqual(["y", "x_1", "y_1", "i", "i_1"]);
    const stores = stmts(f, "store").map((s) => s.k === "store" && s.value);
    expect(stores).toEqual([v("y_1"), v("y"), v("x")]);
    const inner = stmts(f, "let")[2];
    expect(inner.k === "let" && inner.init).toEqual({ k: "binary", op: "add", a: v("x_1"), b: { k: "const", type: "i32", value: 1 }, type: "i32" });
  });

  it("lowers for, while, break and continue to the one loop form", () => {
    const f = fn(`${HEAD}export function k(n: i32, out: Int32Array): void {
  for (let i: i32 = 0; i < n; i++) {
    if (i === 3) continue;
    out[i] = i;
  }
  let j: i32 = n;
  while (j > 0) {
    j -= 2;
    if (j === 1) break;
  }
  out[0] = j;
}
`);
    const loops = stmts(f, "for");
    expect(loops).toHaveLength(2);
    const [forLoop, whileLoop] = loops as Extract<Stmt, { k: "for" }>[];
    expect(forLoop.init).toEqual([{ k: "let", name: "i", type: "i32", init: { k: "const", type: "i32", value: 0 } }]);
    expect(forLoop.cond).toEqual({ k: "binary", op: "lt", a: v("i"), b: v("n"), type: "bool" });
    expect(forLoop.step).toEqual([{ k: "assign", name: "i", value: { k: "binary", op: "add", a: v("i"), b: { k: "const", type: "i32", value: 1 }, type: "i32" } }]);
    expect(forLoop.body[0]).toEqual({ k: "if", cond: expect.anything(), then: [{ k: "continue" }], else: [] });
    expect(whileLoop.init).toEqual([]);
    expect(whileLoop.step).toEqual([]);
    expect(whileLoop.cond).toMatchObject({ op: "gt" });
    expect(whileLoop.body[0]).toMatchObject({ k: "assign", name: "j", value: { op: "sub" } });
    expect(whileLoop.body[1]).toMatchObject({ k: "if", then: [{ k: "break" }] });
  });

  it("void and valued calls, early return", () => {
    const f = fn(`${HEAD}function twice(x: i32): i32 {
  return x * 2;
}
function clear(out: Int32Array): void {
  out[0] = 0;
}
export function k(n: i32, out: Int32Array): void {
  if (n < 0) return;
  clear(out);
  out[1] = twice(n);
}
`);
    expect(f.body[0]).toEqual({ k: "if", cond: expect.anything(), then: [{ k: "return", value: null }], else: [] });
    expect(f.body[1]).toEqual({ k: "expr", e: { k: "call", fn: "clear", args: [{ k: "array", name: "out" }], type: "void" } });
    expect(f.body[2]).toMatchObject({ k: "store", value: { k: "call", fn: "twice", args: [{ k: "value", e: v("n") }], type: "i32" } });
  });
});

describe("whole program", () => {
  it("marks arrays written directly or through callees in other files; read-only ones stay unmarked", () => {
    const fns = lower(`${HEAD}import { copyInto } from "./copy.ts";
export interface P {
  n: i32;
}
export function k(p: P, src: Int8Array, dst: Int8Array, scratch: Int32Array, unused: Int32Array): void {
  copyInto(p.n, src, dst);
  scratch[0] = unused[0];
}
`, {
      "copy.ts": `import type { i32 } from "./types.ts";
function put(out: Int8Array, i: i32, x: i32): void {
  out[i] = x;
}
export function copyInto(n: i32, from: Int8Array, to: Int8Array): void {
  for (let i: i32 = 0; i < n; i++) put(to, i, from[i]);
}
`,
    });
    const written = (name: string): Record<string, boolean> =>
      Object.fromEntries(fns.get(name)!.params.filter((p) => p.type.kind === "array").map((p) => [p.name, !!p.written]));
    expect(written("put")).toEqual({ out: true });
    expect(written("copyInto")).toEqual({ from: false, to: true });
    expect(written("k")).toEqual({ src: false, dst: true, scratch: true, unused: false });
  });

  it("prefixes a KIR name with its file stem only when two files define the same name", () => {
    const helper = `import type { i32 } from "./types.ts";
export function helper(x: i32): i32 {
  return x + 1;
}
export function onlyHere(x: i32): i32 {
  return x;
}
`;
    const fns = lower(`${HEAD}import { helper as other, onlyHere } from "./dup.ts";
function helper(x: i32): i32 {
  return x - 1;
}
export function k(out: Int32Array): void {
  out[0] = helper(1) + other(2) + onlyHere(3);
}
`, { "dup.ts": helper });
    const stem = [...fns.keys()].find((n) => n.endsWith("_helper") && !n.startsWith("dup"))!;
    expect([...fns.keys()].sort()).toEqual(["dup_helper", "k", "onlyHere", stem].sort());
    expect(exprs(fns.get("k")!.body, "call").map((e) => e.k === "call" && e.fn)).toEqual([stem, "dup_helper", "onlyHere"]);
  });
});
