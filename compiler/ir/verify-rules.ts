/**
 * @fileoverview The KIR verifier's vocabulary: its rules (RULES, each with what it demands), the
 * VerifyError it throws, `show()` for messages, and `fitsStorage()`, the narrow-storage
 * invariant the subset front end (compiler/subset/lower-expr.ts, diagnostic 2012) also applies.
 * compiler/ir/verify.ts is the verifier's entry; ./verify-function.ts checks one function.
 */
import type { Expr, Scalar } from "./kir.ts";
import { fitsIn, SCALAR_RANGE } from "./kir.ts";
import { INTRINSICS } from "./intrinsics.ts";

/** Every rule, with what it demands (the message prefix is `KIR verify [<rule>]`). */
export const RULES = {
  "type":
    "an expression's type agrees with its operands (arithmetic on equal i32 or f32 operands, comparisons and " +
    "land/lor give bool, select branches agree), conditions are bool, constants fit their type, loads and " +
    "stores use the array's element type, convert is i32 <-> f32, intrinsic arguments are i32",
  "return": "a return value matches the function's return type (none in a void function)",
  "narrow":
    "a value stored in a narrow (i8, i16, u8, u16) local or parameter, or returned as one, certainly fits it " +
    "(fitsStorage: a constant in range, a load, a variable of a type that fits, sat8/toI8/sat16/toI16)",
  "declared-before-use":
    "every `var` and assignment names a scalar parameter or a `let` declared earlier in an enclosing scope " +
    "(a for loop's init scopes over its condition, step and body)",
  "unique-local": "parameters and lets of one function have distinct names (no let shadows a parameter)",
  "param-kind":
    "scalars are read and assigned, arrays loaded and stored, records read with `field`; array and record " +
    "parameters appear otherwise only as call arguments",
  "record-field": "a record parameter's type exists and has every field read from it",
  "unknown-callee":
    "a call names a function of the module or program; an intrinsic is in compiler/ir/intrinsics.ts " +
    "(INTRINSICS or the front end's BUILTINS)",
  "call-args":
    "a call passes as many arguments as the callee has parameters, each of the parameter's kind and type " +
    "(arrays of the same element type, records of the same record type), and has the callee's return type",
  "intrinsic-arity": "an intrinsic call has the registry's number of arguments",
  "array-bounds":
    "a constant index is >= 0; in a program, a constant index into a constant array a step passes is below " +
    "its length, and one into an arena array stays inside the arena",
  "loop-control": "`break` and `continue` sit inside a loop body",
  "generated-only":
    "`profile` statements and `view`/`recordAt` arguments appear only in functions the compiler generates " +
    "(KFunction.generated)",
  "written":
    "an array parameter stored to, or passed to a written parameter, is marked written (emitted non-const); " +
    "a step never passes constant data to a written parameter",
  "step-args":
    "a step passes one argument per parameter: arena, constant or null for arrays (same element type, " +
    "aligned and inside the arena), a record constant of the right type and length for records",
  "program":
    "function and constant names are unique, module keys match function names, noIpa names functions, " +
    "inputs and outputs lie inside the arena, constant values lie in their element type's range",
} as const;

export type VerifyRule = keyof typeof RULES;

export class VerifyError extends Error {
  constructor(readonly rule: VerifyRule, readonly where: string, readonly detail: string, readonly stage?: string) {
    super(`KIR verify [${rule}] ${where}: ${detail}${stage ? ` (after ${stage})` : ""}`);
    this.name = "VerifyError";
  }
}

/**
 * True when value `v` certainly fits narrow storage type `t`: a constant in its range, a load of
 * elements that fit, a variable declared (`declared`) with a type that fits, or an intrinsic
 * whose results fit (compiler/ir/intrinsics.ts `fits`). The front end demands the same of
 * source (compiler/subset/lower-expr.ts, diagnostic 2012).
 */
export function fitsStorage(t: Scalar, v: Expr, declared: (name: string) => Scalar | undefined): boolean {
  switch (v.k) {
    case "const": {
      const r = SCALAR_RANGE[t];
      return !r || (v.value >= r[0] && v.value <= r[1]);
    }
    case "load": return fitsIn(v.elem, t);
    case "var": {
      const d = declared(v.name);
      return d !== undefined && fitsIn(d, t);
    }
    case "intrinsic": {
      const fits = INTRINSICS.get(v.name)?.fits;
      return fits !== undefined && fitsIn(fits, t);
    }
    default: return false;
  }
}

/** A short rendering of an expression for messages. */
export function show(e: Expr, depth = 0): string {
  if (depth > 3) return "…";
  const s = (x: Expr): string => show(x, depth + 1);
  switch (e.k) {
    case "const": return String(e.value);
    case "var": return e.name;
    case "field": return `${e.record}.${e.field}`;
    case "load": return `${e.array}[${s(e.index)}]`;
    case "ld32": return `ld32(${e.array}, ${s(e.index)})`;
    case "unary": return `${e.op === "neg" ? "-" : e.op === "bitnot" ? "~" : "!"}${s(e.a)}`;
    case "binary": return `(${s(e.a)} ${e.op} ${s(e.b)})`;
    case "select": return `(${s(e.cond)} ? ${s(e.a)} : ${s(e.b)})`;
    case "call": return `${e.fn}(${e.args.map((a) => (a.k === "value" ? s(a.e) : a.k === "array" || a.k === "record" ? a.name : a.k)).join(", ")})`;
    case "intrinsic": return `${e.name}(${e.args.map(s).join(", ")})`;
    case "convert": return `${e.to}(${s(e.a)})`;
    default: return `<${(e as { k: string }).k}>`;
  }
}

/** "an array", "a record", "a scalar". */
export function kindOf(kind: "scalar" | "array" | "record"): string {
  return kind === "array" ? "an array" : `a ${kind}`;
}
