/**
 * @fileoverview Test helpers for the WASM backend: terse KIR builders and a harness that emits
 * hand-written KIR functions into a module, exports every one, and instantiates it in Node with
 * one page of memory the test can fill (arrays are passed as byte addresses into it).
 *
 * Each module is built twice by the tests (raw and after binaryen's optimizer) so a wrong
 * lowering cannot hide behind, or be introduced by, optimization.
 */
import type { Arg, BinaryOp, Expr, KFunction, Param, RecordType, Scalar, Stmt, ValueType } from "../../../compiler/ir/kir.ts";
import { emitFunction } from "../../../compiler/emit/wasm/function.ts";
import { WasmModule } from "../../../compiler/emit/wasm/module.ts";

// ---- KIR builders -----------------------------------------------------------------------------

export const int = (value: number): Expr => ({ k: "const", type: "i32", value });
export const flt = (value: number): Expr => ({ k: "const", type: "f32", value });
export const v = (name: string, type: ValueType = "i32"): Expr => ({ k: "var", name, type });
export const bin = (op: BinaryOp, a: Expr, b: Expr): Expr => {
  const cmp = ["eq", "ne", "lt", "le", "gt", "ge", "land", "lor"].includes(op);
  return { k: "binary", op, a, b, type: cmp ? "bool" : (a.type as ValueType) };
};
export const ld = (array: string, elem: Scalar, index: Expr): Expr =>
  ({ k: "load", array, elem, index, type: elem === "f32" ? "f32" : elem === "bool" ? "bool" : "i32" });
export const field = (record: string, f: string): Expr => ({ k: "field", record, field: f, type: "i32" });
export const call = (fn: string, args: Arg[], type: ValueType | "void"): Expr => ({ k: "call", fn, args, type });
export const intr = (name: string, args: Expr[], type: ValueType = "i32"): Expr => ({ k: "intrinsic", name, args, type });
export const sel = (cond: Expr, a: Expr, b: Expr): Expr => ({ k: "select", cond, a, b, type: a.type as ValueType });
export const val = (e: Expr): Arg => ({ k: "value", e });
export const arr = (name: string): Arg => ({ k: "array", name });

export const let_ = (name: string, type: Scalar, init: Expr | null): Stmt => ({ k: "let", name, type, init });
export const set = (name: string, value: Expr): Stmt => ({ k: "assign", name, value });
export const st = (array: string, elem: Scalar, index: Expr, value: Expr): Stmt => ({ k: "store", array, elem, index, value });
export const if_ = (cond: Expr, then: Stmt[], els: Stmt[] = []): Stmt => ({ k: "if", cond, then, else: els });
export const ret = (value: Expr | null = null): Stmt => ({ k: "return", value });
export const expr = (e: Expr): Stmt => ({ k: "expr", e });
/** `for (let name = from; name < to; name++) body` */
export const forRange = (name: string, from: Expr, to: Expr, body: Stmt[]): Stmt => ({
  k: "for",
  init: [let_(name, "i32", from)],
  cond: bin("lt", v(name), to),
  step: [set(name, bin("add", v(name), int(1)))],
  body,
});

export const scalar = (name: string, type: Scalar): Param => ({ name, type: { kind: "scalar", type } });
export const array = (name: string, elem: Scalar): Param => ({ name, type: { kind: "array", elem }, written: true });
export const record = (name: string, rec: string): Param => ({ name, type: { kind: "record", name: rec } });

export function fn(name: string, params: Param[], ret: Scalar | "void", body: Stmt[]): KFunction {
  return { name, params, ret, body, source: `test:${name}` };
}

// ---- harness ----------------------------------------------------------------------------------

export interface Instance {
  /** Exported KIR functions by name (arrays/records are byte addresses). */
  f: Record<string, (...args: number[]) => number>;
  memory: WebAssembly.Memory;
  bytes: Uint8Array;
}

/** Emits `fns` (plus intrinsics), exports them all, and instantiates the module synchronously. */
export function instantiate(fns: KFunction[], records: RecordType[] = [], optimize = false): Instance {
  const mod = new WasmModule();
  try {
    mod.setMemory(1, [], "memory");
    mod.addIntrinsics();
    const recs = new Map(records.map((r) => [r.name, r]));
    for (const f of fns) {
      emitFunction(mod, f, recs);
      mod.exportFunction(f.name);
    }
    if (!mod.validate()) throw new Error("module does not validate:\n" + mod.emitText());
    if (optimize) mod.optimize(2);
    const bytes = new Uint8Array(mod.emitBinary());
    const instance = new WebAssembly.Instance(new WebAssembly.Module(bytes), {});
    return {
      f: instance.exports as unknown as Instance["f"],
      memory: instance.exports.memory as WebAssembly.Memory,
      bytes,
    };
  } finally {
    mod.dispose();
  }
}

/** Both variants of a module: as emitted, and after binaryen's optimizer. */
export const MODES = [
  { name: "unoptimized", optimize: false },
  { name: "optimized", optimize: true },
] as const;
