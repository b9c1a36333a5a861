/**
 * @fileoverview The KIR verifier (compiler/ir/verify.ts) on hand-built KIR: a well-formed function,
 * module and program pass, and a malformed one for each rule "is error" with that rule named in
 * the message, along with the function and the offending node.
 */
import { describe, expect, it } from "vitest";
import type { Arg, Expr, KFunction, KModule, Param, RecordType, Stmt } from "../../compiler/ir/kir.ts";
import type { ModelProgram } from "../../compiler/ir/program.ts";
import { RULES, VerifyError, verifyFunction, verifyModule, verifyProgram, type VerifyRule } from "../../compiler/ir/verify.ts";
import { tensorInfo } from "../../compiler/ir/io.ts";

// ---- builders ------------------------------------------------------------------------------------

const i32 = (value: number): Expr => ({ k: "const", type: "i32", value });
const f32 = (value: number): Expr => ({ k: "const", type: "f32", value });
const bool = (value: 0 | 1): Expr => ({ k: "const", type: "bool", value });
const v = (name: string, type: "i32" | "f32" | "bool" = "i32"): Expr => ({ k: "var", name, type });
const add = (a: Expr, b: Expr): Expr => ({ k: "binary", op: "add", a, b, type: "i32" });
const lt = (a: Expr, b: Expr): Expr => ({ k: "binary", op: "lt", a, b, type: "bool" });
const load = (array: string, index: Expr): Expr => ({ k: "load", array, elem: "i8", index, type: "i32" });
const store = (array: string, index: Expr, value: Expr): Stmt => ({ k: "store", array, elem: "i8", index, value });
const let_ = (name: string, init: Expr | null = i32(0)): Stmt => ({ k: "let", name, type: "i32", init });
const assign = (name: string, value: Expr): Stmt => ({ k: "assign", name, value });
const call = (fn: string, args: Arg[], type: Extract<Expr, { k: "call" }>["type"] = "void"): Expr => ({ k: "call", fn, args, type });
const loop = (body: Stmt[]): Stmt => ({
  k: "for", init: [let_("i")], cond: lt(v("i"), i32(4)), step: [assign("i", add(v("i"), i32(1)))], body,
});

const REC: RecordType = { name: "P", fields: ["n", "shift"] };
const PARAMS: Param[] = [
  { name: "p", type: { kind: "record", name: "P" } },
  { name: "x", type: { kind: "array", elem: "i8" } },
  { name: "out", type: { kind: "array", elem: "i8" }, written: true },
  { name: "k", type: { kind: "scalar", type: "i32" } },
];

function fn(name: string, body: Stmt[], extra: Partial<KFunction> = {}): KFunction {
  return { name, params: PARAMS, ret: "void", body, source: "test.ts:1", ...extra };
}

/** A helper every module has: `sum(x: i8 array, n: i32): i32`. */
const SUM: KFunction = {
  name: "sum",
  params: [{ name: "a", type: { kind: "array", elem: "i8" } }, { name: "n", type: { kind: "scalar", type: "i32" } }],
  ret: "i32",
  body: [let_("s"), loop([assign("s", add(v("s"), load("a", v("i"))))]), { k: "return", value: v("s") }],
  source: "test.ts:2",
};

function moduleOf(...fns: KFunction[]): KModule {
  return { functions: new Map([SUM, ...fns].map((f) => [f.name, f])), records: new Map([[REC.name, REC]]) };
}

/** Verifies `f` in a module with SUM; returns the error (or undefined). */
function errorOf(check: () => void): VerifyError | undefined {
  try {
    check();
  } catch (e) {
    if (e instanceof VerifyError) return e;
    throw e;
  }
  return undefined;
}

function expectRule(check: () => void, rule: VerifyRule, fragment: string): void {
  const e = errorOf(check);
  expect(e, `expected [${rule}]`).toBeDefined();
  expect(e!.message).toContain(`KIR verify [${rule}]`);
  expect(e!.message).toContain(fragment);
}

/** A body with `bad` spliced into an otherwise well-formed kernel. */
function kernel(bad: Stmt[], extra: Partial<KFunction> = {}): () => void {
  const f = fn("conv2d_0", [let_("acc"), loop([assign("acc", add(v("acc"), load("x", v("i"))))]), ...bad,
    store("out", i32(0), { k: "intrinsic", name: "sat8", args: [v("acc")], type: "i32" })], extra);
  return () => verifyModule(moduleOf(f), { stage: "test" });
}

// ---- functions -----------------------------------------------------------------------------------

describe("KIR verifier: functions", () => {
  it("a well-formed module passes", () => {
    const f = fn("k", [
      let_("t", { k: "field", record: "p", field: "n", type: "i32" }),
      { k: "let", name: "g", type: "f32", init: { k: "convert", to: "f32", a: v("t"), type: "f32" } },
      { k: "let", name: "b", type: "bool", init: { k: "binary", op: "land", a: lt(v("t"), i32(3)), b: bool(1), type: "bool" } },
      { k: "if", cond: v("b", "bool"), then: [assign("t", { k: "intrinsic", name: "max", args: [v("t"), v("k")], type: "i32" })], else: [] },
      loop([{ k: "if", cond: lt(v("i"), i32(2)), then: [{ k: "continue" }], else: [{ k: "break" }] }]),
      { k: "expr", e: call("helper", [{ k: "record", name: "p" }, { k: "array", name: "out" }]) },
      store("out", i32(1), add(call("sum", [{ k: "array", name: "x" }, { k: "value", e: v("t") }], "i32"),
        { k: "convert", to: "i32", a: v("g", "f32"), type: "i32" })),
      { k: "return", value: null },
    ]);
    const helper: KFunction = { ...fn("helper", [store("o", i32(0), i32(1))]), params: [PARAMS[0], { name: "o", type: { kind: "array", elem: "i8" }, written: true }] };
    expect(() => verifyModule(moduleOf(f, helper))).not.toThrow();
    expect(Object.keys(RULES).length).toBeGreaterThanOrEqual(14);
  });

  it("a read before its let is error, named with rule, function and variable", () => {
    const f = fn("conv2d_0", [assign("acc", i32(1)), let_("acc")]);
    expect(errorOf(() => verifyModule(moduleOf(f)))?.message).toBe("KIR verify [declared-before-use] conv2d_0: 'acc' assigned before its let");
    expect(errorOf(kernel([], { body: [store("out", i32(0), v("acc")), let_("acc")] }))?.message)
      .toBe("KIR verify [declared-before-use] conv2d_0: 'acc' read before its let (after test)");
  });

  it("a let read outside its scope, or never declared, is error", () => {
    expectRule(kernel([{ k: "if", cond: bool(1), then: [let_("t")], else: [] }, assign("acc", v("t"))]), "declared-before-use", "'t' read outside the scope of its let");
    expectRule(kernel([assign("nope", i32(1))]), "declared-before-use", "'nope' assigned but never declared");
    // A for loop's init scopes over the loop only.
    const j: Stmt = { k: "for", init: [let_("j")], cond: lt(v("j"), i32(2)), step: [assign("j", add(v("j"), i32(1)))], body: [] };
    expectRule(kernel([j, assign("acc", v("j"))]), "declared-before-use", "'j' read outside the scope of its let");
  });

  it("two lets of one name, or a let shadowing a parameter, is error", () => {
    expectRule(kernel([let_("acc")]), "unique-local", "'acc' has two lets");
    expectRule(kernel([loop([]), loop([])]), "unique-local", "'i' has two lets");
    expectRule(kernel([let_("k")]), "unique-local", "let 'k' shadows a parameter");
  });

  it("mismatched types are error", () => {
    const fadd: Expr = { k: "binary", op: "add", a: i32(1), b: f32(1), type: "i32" };
    expectRule(kernel([assign("acc", fadd)]), "type", "add of i32 and f32 typed i32");
    expectRule(kernel([assign("acc", { k: "binary", op: "add", a: i32(1), b: i32(2), type: "f32" })]), "type", "add of i32 and i32 typed f32");
    expectRule(kernel([{ k: "let", name: "c", type: "bool", init: { k: "binary", op: "lt", a: i32(1), b: i32(2), type: "i32" } }]), "type", "lt of i32 and i32 typed i32");
    expectRule(kernel([{ k: "if", cond: v("acc"), then: [], else: [] }]), "type", "if condition is i32 (acc), expected bool");
    expectRule(kernel([{ k: "for", init: [], cond: i32(1), step: [], body: [] }]), "type", "loop condition is i32");
    expectRule(kernel([assign("acc", { k: "select", cond: v("acc"), a: i32(1), b: i32(2), type: "i32" })]), "type", "condition of (acc ? 1 : 2)");
    expectRule(kernel([assign("acc", { k: "binary", op: "land", a: bool(1), b: v("acc"), type: "bool" })]), "type", "land of bool and i32");
    expectRule(kernel([assign("acc", { k: "load", array: "x", elem: "i16", index: i32(0), type: "i32" })]), "type", "'x' is an array of i8, loaded as i16");
    expectRule(kernel([{ k: "store", array: "out", elem: "u8", index: i32(0), value: i32(0) }]), "type", "'out' is an array of i8, stored as u8");
    expectRule(kernel([assign("acc", { k: "convert", to: "i32", a: i32(1), type: "i32" })]), "type", "convert of i32 to i32");
    expectRule(kernel([assign("acc", v("k", "f32"))]), "type", "'k' is i32, read as f32");
    expectRule(kernel([assign("acc", i32(2 ** 31))]), "type", "constant 2147483648 does not fit i32");
    expectRule(kernel([assign("acc", { k: "intrinsic", name: "sat8", args: [f32(1)], type: "i32" })]), "type", "argument 1 of sat8 is f32");
    const nop: KFunction = { ...fn("nop", []), params: [] };
    const useVoid = fn("conv2d_0", [let_("t", add(call("nop", [], "void"), i32(1)))]);
    expectRule(() => verifyModule(moduleOf(useVoid, nop)), "type", "void call of nop used as a value");
  });

  it("a field of a record param that lacks it, or a field of a non-record, is error", () => {
    expectRule(kernel([assign("acc", { k: "field", record: "p", field: "stride", type: "i32" })]), "record-field", "record P has no field 'stride'");
    expectRule(kernel([assign("acc", { k: "field", record: "x", field: "n", type: "i32" })]), "param-kind", "'x' is not a record parameter");
    expectRule(kernel([assign("acc", v("x"))]), "param-kind", "array parameter 'x' read as a scalar");
    expectRule(kernel([store("k", i32(0), i32(0))]), "param-kind", "'k' is not an array parameter");
  });

  it("a value that may not fit a narrow local, parameter or return type is error", () => {
    const i8Let = (init: Expr): Stmt => ({ k: "let", name: "q", type: "i8", init });
    expectRule(kernel([i8Let(v("acc"))]), "narrow", "let 'q': acc may not fit i8");
    expectRule(kernel([i8Let(i32(200))]), "narrow", "let 'q': 200 may not fit i8");
    expectRule(kernel([i8Let(i32(0)), assign("q", { k: "intrinsic", name: "sat16", args: [v("acc")], type: "i32" })]), "narrow", "assignment to 'q': sat16(acc) may not fit i8");
    // What fits: constants in range, loads, sat8/toI8, variables of a type that fits.
    const fits = [i8Let(load("x", i32(0))), { k: "let", name: "h", type: "i16", init: v("q") } as Stmt,
      assign("q", { k: "intrinsic", name: "toI8", args: [v("acc")], type: "i32" }), assign("q", i32(-128))];
    expect(kernel(fits)).not.toThrow();
    const g: KFunction = { ...fn("g", [{ k: "return", value: v("a") }]), params: [{ name: "a", type: { kind: "scalar", type: "i16" } }], ret: "i16" };
    const callG = (e: Expr) => fn("conv2d_0", [let_("t", call("g", [{ k: "value", e }], "i32"))]);
    expectRule(() => verifyModule(moduleOf(callG(i32(40000)), g)), "narrow", "argument 1 of g: 40000 may not fit i16");
    expect(() => verifyModule(moduleOf(callG(load("x", i32(0))), g))).not.toThrow();
    const r = { ...g, params: [{ name: "a", type: { kind: "scalar", type: "i32" } } as Param] };
    expectRule(() => verifyModule(moduleOf(r)), "narrow", "return value: a may not fit i16");
  });

  it("a return that does not match the return type is error", () => {
    expectRule(kernel([{ k: "return", value: i32(1) }]), "return", "void function returns 1");
    const m = moduleOf(fn("r", [{ k: "return", value: bool(1) }], { ret: "i8" }));
    expectRule(() => verifyModule(m), "return", "returns bool 1 from a function returning i8");
  });

  it("calls of unknown functions or intrinsics are error", () => {
    expectRule(kernel([{ k: "expr", e: call("nowhere", []) }]), "unknown-callee", "call of unknown function 'nowhere'");
    expectRule(kernel([assign("acc", { k: "intrinsic", name: "floor", args: [v("acc")], type: "i32" })]), "unknown-callee", "unknown intrinsic 'floor'");
    // Names produced later (the interpreter's dispatch) are allowed when declared so.
    const f = fn("interp", [{ k: "expr", e: call("dispatch", []) }]);
    expect(() => verifyModule(moduleOf(f), { later: new Set(["dispatch"]) })).not.toThrow();
  });

  it("call arguments that do not match the callee's parameters are error", () => {
    const sum = (args: Arg[], type: "i32" | "void" = "i32"): Stmt[] => [assign("acc", call("sum", args, type as "i32"))];
    expectRule(kernel(sum([{ k: "array", name: "x" }])), "call-args", "sum takes 2 arguments, got 1");
    expectRule(kernel(sum([{ k: "value", e: i32(0) }, { k: "value", e: i32(4) }])), "call-args", "argument 1 of sum is a value; parameter 'a' is an array");
    expectRule(kernel(sum([{ k: "array", name: "x" }, { k: "value", e: bool(1) }])), "call-args", "argument 2 of sum is bool");
    expectRule(kernel(sum([{ k: "record", name: "p" }, { k: "value", e: i32(4) }])), "call-args", "argument 1 of sum is record 'p'");
    const i16: KFunction = { ...fn("conv2d_0", []), params: [{ name: "y", type: { kind: "array", elem: "i16" } }] };
    const m = moduleOf({ ...i16, body: [assign("t", i32(0))] });
    expectRule(() => verifyModule(m), "declared-before-use", "'t'");
    const bad = { ...i16, body: [{ k: "let", name: "t", type: "i32", init: call("sum", [{ k: "array", name: "y" }, { k: "value", e: i32(1) }], "i32") } as Stmt] };
    expectRule(() => verifyModule(moduleOf(bad)), "call-args", "'y' is an array of i16; parameter 'a' takes i8");
    expectRule(kernel([{ k: "expr", e: call("sum", [{ k: "array", name: "x" }, { k: "value", e: i32(1) }], "void") }]), "call-args", "call of sum typed void; it returns i32");
  });

  it("an intrinsic with the wrong number of arguments is error", () => {
    expectRule(kernel([assign("acc", { k: "intrinsic", name: "mbqm", args: [v("acc"), i32(1)], type: "i32" })]), "intrinsic-arity", "mbqm takes 3 arguments, got 2");
    expectRule(kernel([assign("acc", { k: "intrinsic", name: "abs", args: [v("acc"), i32(1)], type: "i32" })]), "intrinsic-arity", "abs takes 1 arguments, got 2");
  });

  it("a negative constant index is error", () => {
    expectRule(kernel([assign("acc", load("x", i32(-1)))]), "array-bounds", "x[-1]: constant index -1 < 0");
    expectRule(kernel([store("out", i32(-2), i32(0))]), "array-bounds", "store out[-2]: constant index -2 < 0");
  });

  it("break or continue outside a loop is error", () => {
    expectRule(kernel([{ k: "break" }]), "loop-control", "break outside a loop");
    // A loop's step is not its body.
    expectRule(kernel([{ k: "for", init: [], cond: null, step: [{ k: "continue" }], body: [] }]), "loop-control", "continue outside a loop");
  });

  it("profile statements and view/recordAt arguments outside generated functions are error", () => {
    expectRule(kernel([{ k: "profile", edge: "begin", key: i32(0) }]), "generated-only", "profile begin statement");
    const view: Arg = { k: "view", elem: "i8", inArena: bool(1), arena: "out", image: "x", byteOffset: i32(0) };
    const viaView = [{ k: "expr", e: call("sum", [view, { k: "value", e: i32(1) }], "i32") } as Stmt];
    expectRule(kernel(viaView), "generated-only", "argument 1 of sum is a view argument");
    // The same in a generated function passes.
    expect(kernel(viaView, { generated: true })).not.toThrow();
    const recordAt: Arg = { k: "recordAt", record: "P", base: "x", wordIndex: i32(0) };
    const helper: KFunction = { ...fn("helper", []), params: [PARAMS[0]] };
    const f = fn("conv2d_0", [{ k: "expr", e: call("helper", [recordAt]) }]);
    expectRule(() => verifyModule(moduleOf(f, helper)), "generated-only", "recordAt argument");
    expectRule(() => verifyModule(moduleOf({ ...f, generated: true }, helper)), "call-args", "base 'x' is not an i32 array");
  });

  it("a store into, or a pass to a written parameter of, an array not marked written is error", () => {
    expectRule(kernel([store("x", i32(0), i32(0))]), "written", "store x[0]: 'x' is not marked written");
    const helper: KFunction = { ...fn("helper", [store("o", i32(0), i32(1))]), params: [{ name: "o", type: { kind: "array", elem: "i8" }, written: true }] };
    const f = fn("conv2d_0", [{ k: "expr", e: call("helper", [{ k: "array", name: "x" }]) }]);
    expectRule(() => verifyModule(moduleOf(f, helper)), "written", "'x' goes to written 'o' but is not marked written");
  });

  it("ld32/st32: an i8 array, an i32 index and value, a written target, constant indices >= 0", () => {
    const ld32 = (array: string, index: Expr): Expr => ({ k: "ld32", array, index, type: "i32" });
    const st32 = (array: string, index: Expr, value: Expr): Stmt => ({ k: "st32", array, index, value });
    expect(kernel([assign("acc", ld32("x", i32(1))), st32("out", v("acc"), ld32("x", v("k")))])).not.toThrow();
    expectRule(kernel([st32("x", i32(0), i32(0))]), "written", "st32(x, 0, …): 'x' is not marked written");
    expectRule(kernel([assign("acc", ld32("k", i32(0)))]), "param-kind", "'k' is not an array parameter");
    const wide: KFunction = { ...fn("k16", [{ k: "return", value: ld32("h", i32(0)) }]), ret: "i32",
      params: [{ name: "h", type: { kind: "array", elem: "i16" } }] };
    expectRule(() => verifyModule(moduleOf(wide)), "type", "'h' is an array of i16; ld32 takes an i8 array");
    expectRule(kernel([st32("out", i32(-1), i32(0))]), "array-bounds", "constant index -1 < 0");
    expectRule(kernel([st32("out", i32(0), f32(1))]), "type", "value of st32(out, 0, …)");
  });

  it("verifyFunction takes its callees and records from the context", () => {
    const f = fn("k", [{ k: "expr", e: call("sum", [{ k: "array", name: "x" }, { k: "value", e: i32(1) }], "i32") }]);
    expect(() => verifyFunction(f, { callee: (n) => (n === "sum" ? SUM : undefined), record: () => REC })).not.toThrow();
    expectRule(() => verifyFunction(f, { callee: () => undefined, record: () => REC, stage: "fold k_0" }), "unknown-callee", "(after fold k_0)");
    expectRule(() => verifyFunction(f, { callee: () => SUM, record: () => undefined }), "record-field", "unknown record type 'P'");
  });
});

// ---- programs ------------------------------------------------------------------------------------

/** One specialized kernel reading w[3] and x[0..3], writing out. */
function program(edit: (p: ModelProgram) => void = () => {}): () => void {
  const k: KFunction = {
    name: "conv_2d_0",
    params: PARAMS.slice(1, 3).concat([{ name: "w", type: { kind: "array", elem: "i8" } }]),
    ret: "void",
    body: [store("out", i32(15), add(load("w", i32(3)), call("sum", [{ k: "array", name: "x" }, { k: "value", e: i32(4) }], "i32")))],
    source: "conv_2d.ts:1",
  };
  const p: ModelProgram = {
    name: "m",
    arenaBytes: 64,
    constants: [{ name: "mote_t1", elem: "i8", values: Int8Array.from([1, 2, 3, 4]) }],
    functions: [k, SUM],
    records: [],
    steps: [{
      fn: "conv_2d_0", label: "op 0 CONV_2D", opIndex: 0,
      args: [{ k: "arena", offset: 0, elem: "i8" }, { k: "arena", offset: 16, elem: "i8" }, { k: "const", name: "mote_t1", elem: "i8" }],
    }],
    inputs: [{ name: "in", offset: 0, bytes: 16, tensor: 0, info: tensorInfo({ index: 0, name: "in", dtype: "int8", shape: [16], isVariable: false }) }],
    outputs: [{ name: "out", offset: 16, bytes: 16, tensor: 2, info: tensorInfo({ index: 2, name: "out", dtype: "int8", shape: [16], isVariable: false }) }],
  };
  edit(p);
  return () => verifyProgram(p, "build (test)");
}

describe("KIR verifier: programs", () => {
  it("a well-formed program passes", () => {
    expect(program()).not.toThrow();
  });

  it("a constant index at or past a constant array's length is error, also through a callee", () => {
    expectRule(program((p) => { p.constants[0].values = Int8Array.from([1, 2, 3]); }), "array-bounds", "constant index 3 into 'mote_t1' of length 3");
    // sum() reads its array only at loop indices; make it read a[5] and pass the constant to it.
    expectRule(program((p) => {
      p.functions[1] = { ...SUM, body: [{ k: "return", value: load("a", i32(5)) }] };
      p.steps[0].args[0] = { k: "const", name: "mote_t1", elem: "i8" };
    }), "array-bounds", "constant index 5 into 'mote_t1' of length 4");
  });

  it("ld32/st32 at a constant index count the word's last byte", () => {
    const ld32 = (index: number): Expr => ({ k: "ld32", array: "w", index: i32(index), type: "i32" });
    const at = (index: number) => program((p) => {
      p.functions[0] = { ...p.functions[0], body: [store("out", i32(0), ld32(index))] };
    });
    expect(at(0)).not.toThrow();
    expectRule(at(1), "array-bounds", "constant index 4 into 'mote_t1' of length 4");
    expectRule(program((p) => {
      p.functions[0] = { ...p.functions[0], body: [{ k: "st32", array: "out", index: i32(13), value: i32(0) }] };
      p.steps[0].args[1] = { k: "arena", offset: 48, elem: "i8" };
    }), "array-bounds", "constant index 16 at arena offset 48 ends past the 64-byte arena");
  });

  it("a constant index past the arena's end is error", () => {
    expectRule(program((p) => { p.steps[0].args[1] = { k: "arena", offset: 56, elem: "i8" }; }), "array-bounds", "constant index 15 at arena offset 56 ends past the 64-byte arena");
  });

  it("steps that do not match their function's parameters are error", () => {
    expectRule(program((p) => { p.steps[0].fn = "conv_2d_9"; }), "unknown-callee", "calls unknown function 'conv_2d_9'");
    expectRule(program((p) => { p.steps[0].args.pop(); }), "step-args", "2 arguments for 3 parameters");
    expectRule(program((p) => { p.steps[0].args[2] = { k: "const", name: "mote_t9", elem: "i8" }; }), "step-args", "unknown constant 'mote_t9'");
    expectRule(program((p) => { p.steps[0].args[0] = { k: "arena", offset: 0, elem: "i32" }; }), "step-args", "i32 data for an array of i8");
    expectRule(program((p) => { p.steps[0].args[0] = { k: "arena", offset: 80, elem: "i8" }; }), "step-args", "arena offset 80");
    expectRule(program((p) => { p.steps[0].args[0] = { k: "record", name: "mote_t1", record: "P" }; }), "step-args", "a P record for an array parameter");
  });

  it("constant data passed to a written array is error", () => {
    expectRule(program((p) => { p.steps[0].args[1] = { k: "const", name: "mote_t1", elem: "i8" }; }), "written", "constant 'mote_t1' passed to a written array");
  });

  it("record constants must match their record type (--specialize off)", () => {
    const generic = (values: number[]) => program((p) => {
      const k = p.functions[0];
      p.functions[0] = { ...k, params: [PARAMS[0], ...k.params], body: [store("out", { k: "field", record: "p", field: "shift", type: "i32" }, i32(0))] };
      p.records = [REC];
      p.constants.push({ name: "mote_r0", elem: "i32", values: Int32Array.from(values) });
      p.steps[0].args.unshift({ k: "record", name: "mote_r0", record: "P" });
    });
    expect(generic([4, 2])).not.toThrow();
    expectRule(generic([4]), "step-args", "constant 'mote_r0' is not 2 i32 fields");
  });

  it("duplicate names, constants out of range and I/O outside the arena are error", () => {
    expectRule(program((p) => { p.functions.push(SUM); }), "program", "function 'sum' defined twice");
    expectRule(program((p) => { p.constants.push({ ...p.constants[0] }); }), "program", "constant 'mote_t1' defined twice");
    expectRule(program((p) => { p.constants[0].values = [1, 2, 300, 4]; }), "program", "value 300 at [2] does not fit i8");
    expectRule(program((p) => { p.outputs[0].offset = 60; }), "program", "tensor out at 60+16 is outside the 64-byte arena");
    expectRule(program((p) => { p.noIpa = ["gone"]; }), "program", "noIpa names unknown function 'gone'");
  });

  it("function errors inside a program name the stage", () => {
    expectRule(program((p) => { p.functions[1] = { ...SUM, body: [{ k: "break" }] }; }), "loop-control", "sum: break outside a loop (after build (test))");
  });
});
