/**
 * @fileoverview KIR -> WASM lowering of single functions (compiler/emit/wasm/function.ts), checked
 * against values computed in TypeScript: loops with break/continue, nested ifs, narrow loads and
 * stores that wrap, C division/remainder, shifts, lazy land/lor/select, record fields, calls,
 * intrinsics, f32 conversions. Every case runs on the module as emitted and after optimization.
 */
import { describe, expect, it, vi } from "vitest";
import fc from "fast-check";
import type { BinaryOp, RecordType } from "../../../compiler/ir/kir.ts";
import * as ref from "../../../kernels/intrinsics.ts";
import { INTRINSICS } from "../../../compiler/ir/intrinsics.ts";
import {
  arr, array, bin, call, expr, field, flt, fn, forRange, if_, instantiate, int, intr, ld, let_, MODES, record,
  ret, scalar, sel, set, st, v, val,
} from "./harness.ts";

// The real intrinsics file is another helper's; fall back to a small stub while it is absent
// (or when MOTE_WASM_INTRINSICS_STUB=1, to test this backend in isolation).
vi.mock("../../../compiler/emit/wasm/intrinsics.ts", async (importOriginal) => {
  if (!process.env.MOTE_WASM_INTRINSICS_STUB) {
    try {
      return await importOriginal();
    } catch {
      console.warn("compiler/emit/wasm/intrinsics.ts not found: using the test stub (sat8, toI8)");
    }
  }
  return await import("./intrinsics-stub.ts");
});

const I32_MIN = -2147483648;
const I32_MAX = 2147483647;

/** Reference semantics of each i32 binary op, as the TS kernels compute them. */
const REF: Partial<Record<BinaryOp, (a: number, b: number) => number>> = {
  add: (a, b) => (a + b) | 0,
  sub: (a, b) => (a - b) | 0,
  mul: (a, b) => Math.imul(a, b),
  div: (a, b) => (a / b) | 0,
  rem: (a, b) => a % b | 0,
  and: (a, b) => a & b,
  or: (a, b) => a | b,
  xor: (a, b) => a ^ b,
  shl: (a, b) => a << b,
  shr: (a, b) => a >> b,
  shru: (a, b) => (a >>> b) | 0,
  eq: (a, b) => +(a === b),
  ne: (a, b) => +(a !== b),
  lt: (a, b) => +(a < b),
  le: (a, b) => +(a <= b),
  gt: (a, b) => +(a > b),
  ge: (a, b) => +(a >= b),
};
const OPS = Object.keys(REF) as BinaryOp[];

/** One exported function per binary op: `op_<name>(a, b) = a <op> b` (bool results as 0/1). */
const opFunctions = OPS.map((op) =>
  fn(`op_${op}`, [scalar("a", "i32"), scalar("b", "i32")], "i32", [ret(bin(op, v("a"), v("b")))]),
);

/** `s = 0; for (i = 0; i < n; i++) { if (i % 3 === 0) continue; if (i > limit) break; s += i; } return s;` */
const loopFn = fn("loop", [scalar("n", "i32"), scalar("limit", "i32")], "i32", [
  let_("s", "i32", int(0)),
  forRange("i", int(0), v("n"), [
    if_(bin("eq", bin("rem", v("i"), int(3)), int(0)), [{ k: "continue" }]),
    if_(bin("gt", v("i"), v("limit")), [{ k: "break" }]),
    set("s", bin("add", v("s"), v("i"))),
  ]),
  ret(v("s")),
]);
function loopRef(n: number, limit: number): number {
  let s = 0;
  for (let i = 0; i < n; i++) {
    if (i % 3 === 0) continue;
    if (i > limit) break;
    s += i;
  }
  return s;
}

/** Nested loops with a `while`-shaped inner loop (no init/step, cond null + break). */
const nestedFn = fn("nested", [scalar("n", "i32")], "i32", [
  let_("count", "i32", int(0)),
  forRange("i", int(0), v("n"), [
    let_("j", "i32", int(0)),
    { k: "for", init: [], cond: null, step: [], body: [
      if_(bin("ge", v("j"), v("i")), [{ k: "break" }]),
      set("j", bin("add", v("j"), int(1))),
      if_(bin("eq", bin("and", v("j"), int(1)), int(1)), [{ k: "continue" }]),
      set("count", bin("add", v("count"), int(1))),
    ] },
    if_(bin("eq", v("i"), int(5)), [{ k: "continue" }]),
    set("count", bin("add", v("count"), int(100))),
  ]),
  ret(v("count")),
]);
function nestedRef(n: number): number {
  let count = 0;
  for (let i = 0; i < n; i++) {
    let j = 0;
    for (;;) {
      if (j >= i) break;
      j = j + 1;
      if ((j & 1) === 1) continue;
      count = count + 1;
    }
    if (i === 5) continue;
    count = count + 100;
  }
  return count;
}

/** Nested if/else: -2 (x < -10), -1 (x < 0), 0, 1 (x <= 10), 2. */
const classifyFn = fn("classify", [scalar("x", "i32")], "i32", [
  if_(bin("lt", v("x"), int(0)),
    [if_(bin("lt", v("x"), int(-10)), [ret(int(-2))], [ret(int(-1))])],
    [if_(bin("eq", v("x"), int(0)), [ret(int(0))], [if_(bin("gt", v("x"), int(10)), [ret(int(2))], [ret(int(1))])])]),
]);
const classifyRef = (x: number) => (x < 0 ? (x < -10 ? -2 : -1) : x === 0 ? 0 : x > 10 ? 2 : 1);

/** Narrow arrays: a: i8 += 100, b: u8 *= 3, c: i16 *= 1000, d: u16 -= 1; returns sum of loads after. */
const narrowFn = fn("narrow", [array("a", "i8"), array("b", "u8"), array("c", "i16"), array("d", "u16"), scalar("n", "i32")], "i32", [
  let_("sum", "i32", int(0)),
  forRange("i", int(0), v("n"), [
    st("a", "i8", v("i"), bin("add", ld("a", "i8", v("i")), int(100))),
    st("b", "u8", v("i"), bin("mul", ld("b", "u8", v("i")), int(3))),
    st("c", "i16", v("i"), bin("mul", ld("c", "i16", v("i")), int(1000))),
    st("d", "u16", v("i"), bin("sub", ld("d", "u16", v("i")), int(1))),
    set("sum", bin("add", v("sum"), bin("add",
      bin("add", ld("a", "i8", v("i")), ld("b", "u8", v("i"))),
      bin("add", ld("c", "i16", v("i")), ld("d", "u16", v("i")))))),
  ]),
  ret(v("sum")),
]);

/** `mark(a, k)`: a[k] += 1; returns true (a side effect observable from memory). */
const markFn = fn("mark", [array("a", "i32"), scalar("k", "i32")], "bool", [
  st("a", "i32", v("k"), bin("add", ld("a", "i32", v("k")), int(1))),
  ret({ k: "const", type: "bool", value: 1 }),
]);
/** `bump(a, k, r)`: a[k] += 1; returns r. */
const bumpFn = fn("bump", [array("a", "i32"), scalar("k", "i32"), scalar("r", "i32")], "i32", [
  st("a", "i32", v("k"), bin("add", ld("a", "i32", v("k")), int(1))),
  ret(v("r")),
]);
const mark = (k: number) => call("mark", [arr("a"), val(int(k))], "bool");
const bump = (k: number, r: ReturnType<typeof v>) => call("bump", [arr("a"), val(int(k)), val(r)], "i32");

/** Short-circuit: returns r | s<<1 | t<<2 with r = x>0 && mark(0), s = x>0 || mark(1), t = x>0 ? mark(2) : mark(3). */
const lazyFn = fn("lazy", [array("a", "i32"), scalar("x", "i32")], "i32", [
  let_("r", "bool", bin("land", bin("gt", v("x"), int(0)), mark(0))),
  let_("s", "bool", bin("lor", bin("gt", v("x"), int(0)), mark(1))),
  let_("t", "bool", sel(bin("gt", v("x"), int(0)), mark(2), mark(3))),
  ret(bin("or", bin("or", v("r", "bool"), bin("shl", v("s", "bool"), int(1))), bin("shl", v("t", "bool"), int(2)))),
]);

const PARAMS: RecordType = { name: "P", fields: ["alpha", "beta", "gamma"] };
/** Record fields, and a record passed on through a call. */
const fieldsInner = fn("fieldsInner", [record("p", "P"), array("out", "i32")], "void", [
  st("out", "i32", int(1), bin("sub", field("p", "gamma"), field("p", "alpha"))),
]);
const fieldsFn = fn("fields", [record("p", "P"), array("out", "i32")], "void", [
  st("out", "i32", int(0), bin("add", bin("mul", field("p", "beta"), int(10)), field("p", "gamma"))),
  expr(call("fieldsInner", [{ k: "record", name: "p" }, arr("out")], "void")),
]);

/** min/max/abs/imul with call arguments counted in a (each argument must run exactly once). */
const mathFn = fn("math", [array("a", "i32"), scalar("x", "i32"), scalar("y", "i32")], "void", [
  st("a", "i32", int(4), intr("min", [bump(0, v("x")), bump(1, v("y"))])),
  st("a", "i32", int(5), intr("max", [bump(0, v("x")), bump(1, v("y"))])),
  st("a", "i32", int(6), intr("abs", [bump(2, v("x"))])),
  st("a", "i32", int(7), intr("imul", [v("x"), v("y")])),
  st("a", "i32", int(8), intr("sat8", [v("x")])),
  st("a", "i32", int(9), intr("toI8", [v("y")])),
]);

/** Unary ops: returns (-x) ^ (~y), and !(x < y) separately. */
const unaryFn = fn("unary", [scalar("x", "i32"), scalar("y", "i32")], "i32", [
  ret(bin("xor", { k: "unary", op: "neg", a: v("x"), type: "i32" }, { k: "unary", op: "bitnot", a: v("y"), type: "i32" })),
]);
const notFn = fn("notlt", [scalar("x", "i32"), scalar("y", "i32")], "bool", [
  ret({ k: "unary", op: "not", a: bin("lt", v("x"), v("y")), type: "bool" }),
]);

/** f32: out[i] = f32(in[i]) * 0.5 + x; returns i32(sum) (truncating, saturating). */
const floatFn = fn("floats", [array("src", "i32"), array("dst", "f32"), scalar("x", "f32"), scalar("n", "i32")], "i32", [
  let_("sum", "f32", flt(0)),
  forRange("i", int(0), v("n"), [
    st("dst", "f32", v("i"), bin("add", bin("mul", { k: "convert", to: "f32", a: ld("src", "i32", v("i")), type: "f32" }, flt(0.5)), v("x", "f32"))),
    set("sum", bin("add", v("sum", "f32"), ld("dst", "f32", v("i")))),
  ]),
  ret({ k: "convert", to: "i32", a: v("sum", "f32"), type: "i32" }),
]);
const truncFn = fn("trunc", [scalar("x", "f32")], "i32", [ret({ k: "convert", to: "i32", a: v("x", "f32"), type: "i32" })]);

/** Narrow locals hold the (already narrowed) i32; an uninitialized let inside a loop starts at 0. */
const localsFn = fn("locals", [scalar("n", "i32")], "i32", [
  let_("acc", "i16", int(0)),
  forRange("i", int(0), v("n"), [
    let_("t", "i32", null),
    set("t", bin("add", v("t"), v("i"))),
    set("acc", intr("toI8", [bin("add", v("acc"), bin("mul", v("t"), int(50)))])),
  ]),
  ret(v("acc")),
]);
function localsRef(n: number): number {
  let acc = 0;
  for (let i = 0; i < n; i++) acc = ref.toI8(acc + i * 50);
  return acc;
}

const ALL = [
  ...opFunctions, loopFn, nestedFn, classifyFn, narrowFn, markFn, bumpFn, lazyFn, fieldsInner, fieldsFn, mathFn,
  unaryFn, notFn, floatFn, truncFn, localsFn,
];

const int32 = fc.oneof(
  fc.integer({ min: I32_MIN, max: I32_MAX }),
  fc.constantFrom(0, 1, -1, 2, -2, 7, -7, 31, 32, 33, -32, I32_MIN, I32_MAX, I32_MIN + 1),
);

describe.each(MODES)("KIR -> WASM functions ($name)", ({ optimize }) => {
  const inst = instantiate(ALL, [PARAMS], optimize);
  const { f } = inst;
  const i32 = () => new Int32Array(inst.memory.buffer);

  it("binary ops follow C/JS i32 semantics (wrap, truncating div, C remainder, masked shifts)", () => {
    fc.assert(
      fc.property(int32, int32, (a, b) => {
        for (const op of OPS) {
          if ((op === "div" || op === "rem") && (b === 0 || (a === I32_MIN && b === -1))) continue;
          expect(f[`op_${op}`](a, b), `${a} ${op} ${b}`).toBe(REF[op]!(a, b));
        }
      }),
      { numRuns: 500 },
    );
  });

  it("divides and takes remainders of negatives like C", () => {
    const cases: [number, number][] = [[-7, 2], [7, -2], [-7, -2], [-1, 3], [I32_MIN, 3], [-9, 3], [I32_MIN, -2]];
    for (const [a, b] of cases) {
      expect(f.op_div(a, b)).toBe(Math.trunc(a / b) | 0);
      expect(f.op_rem(a, b)).toBe(a % b | 0);
    }
    expect(f.op_div(-7, 2)).toBe(-3);
    expect(f.op_rem(-7, 2)).toBe(-1);
    expect(f.op_rem(7, -2)).toBe(1);
  });

  it("shifts: arithmetic vs logical, counts masked to 0..31", () => {
    expect(f.op_shr(-16, 2)).toBe(-4);
    expect(f.op_shru(-16, 28)).toBe(15);
    expect(f.op_shl(1, 31)).toBe(I32_MIN);
    expect(f.op_shl(3, 33)).toBe(6);
    expect(f.op_shr(-256, 36)).toBe(-16);
  });

  it("for loops: continue runs the step, break leaves the innermost loop", () => {
    for (const [n, limit] of [[0, 0], [1, 5], [10, 100], [20, 11], [50, 0], [7, 3]]) {
      expect(f.loop(n, limit), `loop(${n}, ${limit})`).toBe(loopRef(n, limit));
    }
    for (const n of [0, 1, 2, 6, 9]) expect(f.nested(n), `nested(${n})`).toBe(nestedRef(n));
  });

  it("nested if/else with returns", () => {
    for (const x of [-100, -11, -10, -1, 0, 1, 10, 11, I32_MAX, I32_MIN]) expect(f.classify(x)).toBe(classifyRef(x));
  });

  it("narrow loads sign/zero-extend and narrow stores wrap", () => {
    const n = 6;
    const base = 1024;
    const mem = inst.memory.buffer;
    const init = { a: [0, 27, 28, -128, 127, -100], b: [0, 85, 86, 255, 100, 1], c: [0, 32, 33, -33, 32767, -32768], d: [0, 1, 65535, 2, 40000, 7] };
    const a = new Int8Array(mem, base, n), b = new Uint8Array(mem, base + 16, n);
    const c = new Int16Array(mem, base + 32, n), d = new Uint16Array(mem, base + 48, n);
    a.set(init.a); b.set(init.b); c.set(init.c); d.set(init.d);
    const ra = Int8Array.from(init.a), rb = Uint8Array.from(init.b), rc = Int16Array.from(init.c), rd = Uint16Array.from(init.d);
    let sum = 0;
    for (let i = 0; i < n; i++) {
      ra[i] = ra[i] + 100; rb[i] = rb[i] * 3; rc[i] = rc[i] * 1000; rd[i] = rd[i] - 1;
      sum = sum + (ra[i] + rb[i] + (rc[i] + rd[i]));
    }
    expect(f.narrow(base, base + 16, base + 32, base + 48, n)).toBe(sum);
    expect([...a]).toEqual([...ra]);
    expect([...b]).toEqual([...rb]);
    expect([...c]).toEqual([...rc]);
    expect([...d]).toEqual([...rd]);
  });

  it("land/lor/select evaluate lazily (side effects only on the taken path)", () => {
    const base = 2048;
    const counts = () => [...i32().slice(base / 4, base / 4 + 4)];
    i32().fill(0, base / 4, base / 4 + 4);
    expect(f.lazy(base, 5)).toBe(1 | 2 | 4);
    expect(counts()).toEqual([1, 0, 1, 0]);
    i32().fill(0, base / 4, base / 4 + 4);
    expect(f.lazy(base, -5)).toBe(0 | 2 | 4);
    expect(counts()).toEqual([0, 1, 0, 1]);
  });

  it("record fields load from the record's address, and records pass through calls", () => {
    const rec = 3072, out = 3200;
    i32().set([11, -3, 500], rec / 4);
    f.fields(rec, out);
    expect(i32()[out / 4]).toBe(-3 * 10 + 500);
    expect(i32()[out / 4 + 1]).toBe(500 - 11);
  });

  it("min/max/abs/imul and registry intrinsics; each argument evaluated once", () => {
    const a = 4096;
    for (const [x, y] of [[3, -9], [-9, 3], [I32_MIN, I32_MAX], [200, 300], [-200, 383], [0, 0]]) {
      i32().fill(0, a / 4, a / 4 + 10);
      f.math(a, x, y);
      const got = [...i32().slice(a / 4, a / 4 + 10)];
      expect(got.slice(0, 3), "argument evaluations").toEqual([2, 2, 1]);
      expect(got.slice(4), `math(${x}, ${y})`).toEqual([
        Math.min(x, y), Math.max(x, y), Math.abs(x) | 0, Math.imul(x, y), ref.sat8(x), ref.toI8(y),
      ]);
    }
  });

  it("unary neg/bitnot/not", () => {
    for (const [x, y] of [[5, 9], [I32_MIN, 0], [-1, -1], [123456, I32_MAX]]) {
      expect(f.unary(x, y)).toBe((-x | 0) ^ ~y);
      expect(f.notlt(x, y)).toBe(+!(x < y));
    }
  });

  it("f32 arrays, arithmetic and conversions (trunc toward zero, saturating)", () => {
    const src = 5120, dst = 5200;
    const values = [1, -3, 7, 1000001, -5];
    i32().set(values, src / 4);
    const x = Math.fround(0.25);
    const ref32 = values.map((s) => Math.fround(Math.fround(Math.fround(s) * 0.5) + x));
    let sum = 0;
    for (const r of ref32) sum = Math.fround(sum + r);
    expect(f.floats(src, dst, x, values.length)).toBe(Math.trunc(sum));
    expect([...new Float32Array(inst.memory.buffer, dst, values.length)]).toEqual(ref32);
    expect(f.trunc(3.75)).toBe(3);
    expect(f.trunc(-3.75)).toBe(-3);
    expect(f.trunc(1e10)).toBe(I32_MAX);
    expect(f.trunc(-1e10)).toBe(I32_MIN);
    expect(f.trunc(NaN)).toBe(0);
  });

  it("narrow locals and uninitialized lets inside loops", () => {
    for (const n of [0, 1, 3, 8]) expect(f.locals(n)).toBe(localsRef(n));
  });
});

/** Argument domains the registry intrinsics document (exponent/shift ranges); others are any i32. */
const DOMAINS: Record<string, (fc.Arbitrary<number> | undefined)[]> = {
  rdbpot: [undefined, fc.integer({ min: 0, max: 31 })],
  satLsh: [undefined, fc.integer({ min: 0, max: 31 })],
  mbqm: [undefined, undefined, fc.integer({ min: -31, max: 31 })],
};

describe.skipIf(!!process.env.MOTE_WASM_INTRINSICS_STUB)("KIR -> WASM registry intrinsic calls", () => {
  const entries = [...INTRINSICS.values()];
  const fns = entries.map((info) => {
    const params = Array.from({ length: info.arity }, (_, i) => scalar(`x${i}`, "i32"));
    return fn(`call_${info.name}`, params, "i32", [ret(intr(info.name, params.map((p) => v(p.name))))]);
  });
  it.each(MODES)("every registry intrinsic, called with its arity, matches its TS reference ($name)", ({ optimize }) => {
    const { f } = instantiate(fns, [], optimize);
    for (const info of entries) {
      const domains = Array.from({ length: info.arity }, (_, i) => DOMAINS[info.name]?.[i] ?? int32);
      fc.assert(
        fc.property(fc.tuple(...domains), (args) => {
          expect(f[`call_${info.name}`](...args), `${info.name}(${args.join(", ")})`).toBe(info.ts(...args));
        }),
        { numRuns: 300 },
      );
    }
  });
});

describe("KIR -> WASM internal errors", () => {
  it("rejects references to unknown variables, fields and intrinsics", () => {
    expect(() => instantiate([fn("bad", [], "i32", [ret(v("nope"))])])).toThrow(/unknown variable nope/);
    expect(() => instantiate([fn("bad", [record("p", "P")], "i32", [ret(field("p", "delta"))])], [PARAMS]))
      .toThrow(/no field delta/);
    expect(() => instantiate([fn("bad", [], "i32", [ret(intr("frobnicate", [int(1)]))])])).toThrow(/unknown intrinsic/);
    expect(() => instantiate([fn("bad", [], "void", [{ k: "break" }])])).toThrow(/outside a loop/);
  });
});
