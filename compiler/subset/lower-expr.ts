/**
 * @fileoverview Lowering of subset expressions to KIR, with the checks that go with them: the base
 * class of compiler/subset/lower.ts's FunctionLowerer, which adds statements and whole functions.
 *
 * Holds the per-function scope (unique KIR names for shadowed locals) and the expression forms:
 * identifiers, record fields, array loads, unary/binary operators with C typing (narrow loads
 * promote to i32, comparisons are bool, f32 only inside Math.fround, integer division truncates
 * explicitly), calls of subset functions, intrinsics and Math.*.
 */
import { ts } from "ts-morph";
import type { Arg, BinaryOp, Expr, ParamType, Scalar, Stmt } from "../ir/kir.ts";
import { isNarrow, valueTypeOf } from "../ir/kir.ts";
import { fitsStorage } from "../ir/verify.ts";
import { INTRINSICS, MEMORY_INTRINSICS } from "../ir/intrinsics.ts";
import { ARRAY_TYPES, DiagnosticSink, maxIntegerLiteral, SCALAR_ALIASES, type KernelFile } from "./source.ts";

/** What a call target resolves to, supplied by compiler/subset/program.ts. */
export interface CalleeInfo {
  kirName: string;
  params: ParamType[];
  ret: Scalar | "void";
}

export interface LowerEnv {
  file: KernelFile;
  sink: DiagnosticSink;
  /** Resolves a called identifier in this file to a subset function, or undefined. */
  resolveCall(name: string): CalleeInfo | undefined;
  /** Resolves a record interface name visible in this file to its KIR record name and fields. */
  resolveRecord(name: string): { name: string; fields: string[] } | undefined;
}

export type Binding =
  | { kind: "scalar"; kname: string; type: Scalar }
  | { kind: "array"; kname: string; elem: Scalar }
  | { kind: "record"; kname: string; record: string; fields: string[] };

export const BIN_OPS: Partial<Record<ts.SyntaxKind, BinaryOp>> = {
  [ts.SyntaxKind.PlusToken]: "add",
  [ts.SyntaxKind.MinusToken]: "sub",
  [ts.SyntaxKind.AsteriskToken]: "mul",
  [ts.SyntaxKind.PercentToken]: "rem",
  [ts.SyntaxKind.AmpersandToken]: "and",
  [ts.SyntaxKind.BarToken]: "or",
  [ts.SyntaxKind.CaretToken]: "xor",
  [ts.SyntaxKind.LessThanLessThanToken]: "shl",
  [ts.SyntaxKind.GreaterThanGreaterThanToken]: "shr",
  [ts.SyntaxKind.GreaterThanGreaterThanGreaterThanToken]: "shru",
  [ts.SyntaxKind.EqualsEqualsEqualsToken]: "eq",
  [ts.SyntaxKind.ExclamationEqualsEqualsToken]: "ne",
  [ts.SyntaxKind.LessThanToken]: "lt",
  [ts.SyntaxKind.LessThanEqualsToken]: "le",
  [ts.SyntaxKind.GreaterThanToken]: "gt",
  [ts.SyntaxKind.GreaterThanEqualsToken]: "ge",
  [ts.SyntaxKind.AmpersandAmpersandToken]: "land",
  [ts.SyntaxKind.BarBarToken]: "lor",
};

export const COMPOUND: Partial<Record<ts.SyntaxKind, BinaryOp>> = {
  [ts.SyntaxKind.PlusEqualsToken]: "add",
  [ts.SyntaxKind.MinusEqualsToken]: "sub",
  [ts.SyntaxKind.AsteriskEqualsToken]: "mul",
  [ts.SyntaxKind.AmpersandEqualsToken]: "and",
  [ts.SyntaxKind.BarEqualsToken]: "or",
  [ts.SyntaxKind.CaretEqualsToken]: "xor",
  [ts.SyntaxKind.LessThanLessThanEqualsToken]: "shl",
  [ts.SyntaxKind.GreaterThanGreaterThanEqualsToken]: "shr",
};

export const COMPARISONS = new Set<BinaryOp>(["eq", "ne", "lt", "le", "gt", "ge"]);
export const ZERO: Expr = { k: "const", type: "i32", value: 0 };

/** Parses a type annotation into a parameter type, or undefined when it is outside the subset. */
export function paramTypeOf(node: ts.TypeNode | undefined, env: LowerEnv, what: string): ParamType | undefined {
  if (!node) {
    env.sink.report(2009, node ?? env.file.sf, what);
    return undefined;
  }
  const text = node.getText(env.file.sf);
  if (text === "number") {
    env.sink.report(2021, node);
    return undefined;
  }
  if (text === "boolean") return { kind: "scalar", type: "bool" };
  if (SCALAR_ALIASES.has(text)) return { kind: "scalar", type: text as Scalar };
  if (text in ARRAY_TYPES) return { kind: "array", elem: ARRAY_TYPES[text] };
  const rec = env.resolveRecord(text);
  if (rec) return { kind: "record", name: rec.name };
  env.sink.report(2009, node, what);
  return undefined;
}

export class ExpressionLowerer {
  protected scopes: Map<string, Binding>[] = [];
  protected used = new Set<string>();
  protected loopDepth = 0;
  protected ret: Scalar | "void" = "void";
  protected fnName = "";

  constructor(protected readonly env: LowerEnv) {}

  protected err(code: Parameters<DiagnosticSink["report"]>[0], node: ts.Node, ...args: unknown[]): Expr {
    this.env.sink.report(code, node, ...args);
    return ZERO;
  }

  // ---- scopes -------------------------------------------------------------------------------

  protected fresh(name: string): string {
    let n = name;
    for (let i = 1; this.used.has(n); i++) n = `${name}_${i}`;
    this.used.add(n);
    return n;
  }

  protected bind(name: string, t: ParamType, kname: string): void {
    const scope = this.scopes[this.scopes.length - 1];
    if (t.kind === "scalar") scope.set(name, { kind: "scalar", kname, type: t.type });
    else if (t.kind === "array") scope.set(name, { kind: "array", kname, elem: t.elem });
    else {
      const rec = this.env.resolveRecord(t.name) ?? { name: t.name, fields: [] };
      scope.set(name, { kind: "record", kname, record: rec.name, fields: rec.fields });
    }
  }

  protected lookup(name: string): Binding | undefined {
    for (let i = this.scopes.length - 1; i >= 0; i--) {
      const b = this.scopes[i].get(name);
      if (b) return b;
    }
    return undefined;
  }

  protected isArrayOrRecordRef(e: ts.Expression): boolean {
    if (!ts.isIdentifier(e)) return false;
    const b = this.lookup(e.text);
    return b !== undefined && b.kind !== "scalar";
  }

  /** Checks that `v` may be stored in a variable declared `t` (explicit narrowing, same kind). */
  protected checkAssignable(t: Scalar, v: Expr, node: ts.Node): void {
    const vt = valueTypeOf(t);
    if (vt !== v.type) {
      this.err(vt === "f32" || v.type === "f32" ? 2010 : 2027, node, `${v.type} assigned to ${t}`);
      return;
    }
    if (isNarrow(t) && !this.fitsNarrow(t, v)) this.err(2012, node, t);
  }

  /** compiler/ir/verify.ts `fitsStorage`, with the declared types of this function's scalars. */
  protected fitsNarrow(t: Scalar, v: Expr): boolean {
    return fitsStorage(t, v, (kname) => {
      for (const scope of this.scopes) {
        for (const b of scope.values()) if (b.kind === "scalar" && b.kname === kname) return b.type;
      }
      return undefined;
    });
  }

  protected arrayOf(e: ts.Expression): { kname: string; elem: Scalar } | undefined {
    if (ts.isIdentifier(e)) {
      const b = this.lookup(e.text);
      if (b && b.kind === "array") return b;
      this.err(b ? 2022 : 2026, e, b ? `indexing '${e.text}', which is not an array` : e.text);
      return undefined;
    }
    this.err(2022, e, "indexing an expression (index an array parameter directly)");
    return undefined;
  }

  // ---- expressions --------------------------------------------------------------------------

  protected cond(e: ts.Expression): Expr {
    const c = this.expr(e);
    if (c.type !== "bool") return this.err(2014, e);
    return c;
  }

  protected intExpr(e: ts.Expression): Expr {
    const v = this.expr(e);
    if (v.type !== "i32") return this.err(v.type === "f32" ? 2010 : 2027, e, `expected an integer, got ${v.type}`);
    return v;
  }

  expr(e: ts.Expression): Expr {
    const sf = this.env.file.sf;
    if (ts.isParenthesizedExpression(e)) return this.expr(e.expression);
    if (ts.isNumericLiteral(e)) {
      const v = Number(e.text.replace(/_/g, ""));
      if (!Number.isInteger(v)) return this.err(2010, e);
      if (v > maxIntegerLiteral(e.getText(sf))) return this.err(2023, e, e.getText(sf));
      // Hex literals up to 0xFFFFFFFF are bit patterns, as in C's int32_t casts.
      return { k: "const", type: "i32", value: v | 0 };
    }
    if (e.kind === ts.SyntaxKind.TrueKeyword || e.kind === ts.SyntaxKind.FalseKeyword) {
      return { k: "const", type: "bool", value: e.kind === ts.SyntaxKind.TrueKeyword ? 1 : 0 };
    }
    if (ts.isStringLiteral(e) || ts.isNoSubstitutionTemplateLiteral(e) || ts.isTemplateExpression(e)) return this.err(2003, e);
    if (ts.isIdentifier(e)) return this.ident(e);
    if (ts.isPropertyAccessExpression(e)) return this.property(e);
    if (ts.isElementAccessExpression(e)) {
      const arr = this.arrayOf(e.expression);
      if (!arr) return ZERO;
      return { k: "load", array: arr.kname, elem: arr.elem, index: this.intExpr(e.argumentExpression), type: valueTypeOf(arr.elem) };
    }
    if (ts.isPrefixUnaryExpression(e)) return this.prefix(e);
    if (ts.isPostfixUnaryExpression(e)) return this.err(2016, e, e.getText(sf));
    if (ts.isBinaryExpression(e)) return this.binary(e);
    if (ts.isConditionalExpression(e)) {
      const cond = this.cond(e.condition);
      const a = this.expr(e.whenTrue);
      const b = this.expr(e.whenFalse);
      const type = a.type;
      if (type !== b.type || type === "void") return this.err(2027, e, `branches are ${a.type} and ${b.type}`);
      return { k: "select", cond, a, b, type };
    }
    if (ts.isCallExpression(e)) return this.call(e);
    if (ts.isNewExpression(e)) return this.err(2006, e, `new ${e.expression.getText(sf)}`);
    if (ts.isArrowFunction(e) || ts.isFunctionExpression(e)) return this.err(2002, e);
    if (ts.isObjectLiteralExpression(e) || ts.isArrayLiteralExpression(e)) return this.err(2019, e);
    if (ts.isClassExpression(e)) return this.err(2001, e);
    return this.err(2022, e, ts.SyntaxKind[e.kind]);
  }

  protected ident(e: ts.Identifier): Expr {
    const b = this.lookup(e.text);
    if (b) {
      if (b.kind !== "scalar") return this.err(2024, e, e.text);
      return { k: "var", name: b.kname, type: valueTypeOf(b.type) };
    }
    const c = this.env.file.consts.get(e.text);
    if (c !== undefined) return { k: "const", type: "i32", value: c | 0 };
    if (e.text === "undefined" || e.text === "NaN" || e.text === "Infinity") return this.err(2022, e, e.text);
    return this.err(2026, e, e.text);
  }

  protected property(e: ts.PropertyAccessExpression): Expr {
    const name = e.name.text;
    if (ts.isIdentifier(e.expression)) {
      const b = this.lookup(e.expression.text);
      if (b && b.kind === "record") {
        if (!b.fields.includes(name)) return this.err(2028, e.name, name, b.record);
        return { k: "field", record: b.kname, field: name, type: "i32" };
      }
      if (b && b.kind === "array" && name === "length") return this.err(2011, e);
      if (b && b.kind === "array") return this.err(2022, e, `array property '${name}'`);
    }
    return this.err(2013, e, e.getText(this.env.file.sf));
  }

  protected prefix(e: ts.PrefixUnaryExpression): Expr {
    switch (e.operator) {
      case ts.SyntaxKind.MinusToken: {
        if (ts.isNumericLiteral(e.operand)) {
          const v = -Number(e.operand.text);
          if (!Number.isInteger(v)) return this.err(2010, e);
          if (v < -2147483648) return this.err(2023, e, e.getText(this.env.file.sf));
          return { k: "const", type: "i32", value: v };
        }
        const a = this.expr(e.operand);
        if (a.type === "f32") return this.err(2010, e);
        if (a.type !== "i32") return this.err(2027, e, `negating ${a.type === "bool" ? "a boolean" : "a void call"}`);
        return { k: "unary", op: "neg", a, type: "i32" };
      }
      case ts.SyntaxKind.TildeToken:
        return { k: "unary", op: "bitnot", a: this.intExpr(e.operand), type: "i32" };
      case ts.SyntaxKind.ExclamationToken:
        return { k: "unary", op: "not", a: this.cond(e.operand), type: "bool" };
      case ts.SyntaxKind.PlusPlusToken:
      case ts.SyntaxKind.MinusMinusToken:
        return this.err(2016, e, e.getText(this.env.file.sf));
      default:
        return this.err(2022, e, "unary +");
    }
  }

  protected isDivision(e: ts.Expression): ts.BinaryExpression | undefined {
    while (ts.isParenthesizedExpression(e)) e = e.expression;
    return ts.isBinaryExpression(e) && e.operatorToken.kind === ts.SyntaxKind.SlashToken ? e : undefined;
  }

  protected isZero(e: ts.Expression): boolean {
    return ts.isNumericLiteral(e) && Number(e.text) === 0;
  }

  protected binary(e: ts.BinaryExpression): Expr {
    const kind = e.operatorToken.kind;
    if (kind === ts.SyntaxKind.EqualsEqualsToken || kind === ts.SyntaxKind.ExclamationEqualsToken) {
      this.err(2007, e.operatorToken, e.operatorToken.getText(this.env.file.sf));
      return { k: "const", type: "bool", value: 0 }; // a comparison: no 2014 cascade in conditions
    }
    if (kind === ts.SyntaxKind.SlashToken) return this.division(e);
    // `x | 0`: integer division made explicit, or a wrapping add/sub/mul.
    if (kind === ts.SyntaxKind.BarToken && this.isZero(e.right)) {
      const div = this.isDivision(e.left);
      if (div) return this.intDiv(div);
      const inner = this.expr(e.left);
      if (inner.type !== "i32") return this.err(2027, e, `'| 0' on ${inner.type}`);
      if (inner.k === "binary" && (inner.op === "add" || inner.op === "sub" || inner.op === "mul")) {
        const name = inner.op === "add" ? "wadd" : inner.op === "sub" ? "wsub" : "imul";
        return { k: "intrinsic", name, args: [inner.a, inner.b], type: "i32" };
      }
      return inner;
    }
    const op = BIN_OPS[kind];
    if (!op) {
      if (kind === ts.SyntaxKind.EqualsToken || kind in COMPOUND) return this.err(2022, e, "assignment inside an expression");
      return this.err(2022, e.operatorToken, `operator '${e.operatorToken.getText(this.env.file.sf)}'`);
    }
    if (op === "land" || op === "lor") {
      return { k: "binary", op, a: this.cond(e.left), b: this.cond(e.right), type: "bool" };
    }
    const a = this.expr(e.left);
    const b = this.expr(e.right);
    if (a.type === "void" || b.type === "void") {
      this.err(2027, e, "a void call has no value");
      return COMPARISONS.has(op) ? { k: "const", type: "bool", value: 0 } : ZERO; // no 2014 cascade
    }
    if (a.type !== b.type) return this.err(a.type === "f32" || b.type === "f32" ? 2010 : 2027, e, `${a.type} ${e.operatorToken.getText(this.env.file.sf)} ${b.type}`);
    if (COMPARISONS.has(op)) {
      if (a.type === "bool" && op !== "eq" && op !== "ne") return this.err(2027, e, "ordering booleans");
      return { k: "binary", op, a, b, type: "bool" };
    }
    if (a.type === "bool") return this.err(2027, e, "arithmetic on booleans");
    if (a.type === "f32") {
      if (!["add", "sub", "mul"].includes(op) || !this.insideFround(e)) return this.err(2010, e);
      return { k: "binary", op, a, b, type: "f32" };
    }
    return { k: "binary", op, a, b, type: "i32" };
  }

  protected insideFround(e: ts.Node): boolean {
    let p = e.parent;
    while (p && ts.isParenthesizedExpression(p)) p = p.parent;
    return !!p && ts.isCallExpression(p) && p.expression.getText(this.env.file.sf) === "Math.fround";
  }

  /**
   * A bare `a / b`: an f32 division when both operands are f32 and it sits directly inside
   * Math.fround (IEEE single division in C and WASM; JS divides in double, and fround of that is
   * the correctly rounded f32 quotient); otherwise an integer division that does not truncate
   * explicitly (2008), or f32 division outside Math.fround (2010).
   */
  protected division(d: ts.BinaryExpression): Expr {
    const a = this.expr(d.left);
    const b = this.expr(d.right);
    if (a.type !== "f32" && b.type !== "f32") return this.err(2008, d);
    if (a.type !== b.type) return this.err(2010, d, `${a.type} / ${b.type}`);
    if (!this.insideFround(d)) return this.err(2010, d);
    return { k: "binary", op: "div", a, b, type: "f32" };
  }

  protected intDiv(d: ts.BinaryExpression): Expr {
    const a = this.expr(d.left);
    const b = this.expr(d.right);
    if (a.type === "f32" || b.type === "f32") return this.err(2010, d);
    if (a.type !== "i32" || b.type !== "i32") return this.err(2027, d, "division of booleans");
    return { k: "binary", op: "div", a, b, type: "i32" };
  }

  protected call(e: ts.CallExpression): Expr {
    const sf = this.env.file.sf;
    const callee = e.expression;
    const args = e.arguments;
    if (ts.isPropertyAccessExpression(callee) && ts.isIdentifier(callee.expression) && callee.expression.text === "Math") {
      return this.mathCall(e, callee.name.text);
    }
    if (!ts.isIdentifier(callee)) return this.err(2013, e, callee.getText(sf));
    const name = callee.text;
    if (this.lookup(name)) return this.err(2002, e);
    const imp = this.env.file.imports.get(name);
    if (imp?.kind === "intrinsics") {
      if (imp.name === "ld32") {
        const w = this.wordAccess(e, "ld32");
        return w ? { k: "ld32", array: w.array, index: w.index, type: "i32" } : ZERO;
      }
      if (imp.name === "st32") return this.err(2027, e, "st32 has no value (call it as a statement)");
      const info = INTRINSICS.get(imp.name);
      if (!info) return this.err(2013, callee, name);
      if (args.length !== info.arity) return this.err(2025, e, name, info.arity, args.length);
      return { k: "intrinsic", name: imp.name, args: args.map((a) => this.intExpr(a)), type: "i32" };
    }
    const target = this.env.resolveCall(name);
    if (!target) return this.err(2013, callee, name);
    if (args.length !== target.params.length) return this.err(2025, e, name, target.params.length, args.length);
    const kargs: Arg[] = [];
    target.params.forEach((pt, i) => {
      const a = args[i];
      if (pt.kind === "scalar") {
        const v = this.expr(a);
        if (v.type !== valueTypeOf(pt.type)) this.err(2027, a, `argument ${i + 1} of ${name} is ${v.type}, expected ${pt.type}`);
        // A narrow parameter holds its value unwrapped in TypeScript but converted in C: it must fit.
        else if (isNarrow(pt.type) && !this.fitsNarrow(pt.type, v)) this.err(2012, a, pt.type);
        kargs.push({ k: "value", e: v });
        return;
      }
      const b = ts.isIdentifier(a) ? this.lookup(a.text) : undefined;
      if (!b || b.kind !== pt.kind || (b.kind === "array" && pt.kind === "array" && b.elem !== pt.elem) ||
          (b.kind === "record" && pt.kind === "record" && b.record !== pt.name)) {
        this.err(2027, a, `argument ${i + 1} of ${name} must be a ${pt.kind === "array" ? `${pt.elem} array` : `${pt.name} record`} parameter`);
        kargs.push({ k: "value", e: ZERO });
        return;
      }
      kargs.push(b.kind === "array" ? { k: "array", name: b.kname } : { k: "record", name: b.kname });
    });
    return { k: "call", fn: target.kirName, args: kargs, type: target.ret === "void" ? "void" : valueTypeOf(target.ret) } as Expr;
  }

  /** `st32(a, i, v)` as a statement: the KIR `st32`, or undefined when `e` is another call. */
  protected st32Stmt(e: ts.CallExpression): Stmt | undefined {
    if (!ts.isIdentifier(e.expression) || this.lookup(e.expression.text)) return undefined;
    const imp = this.env.file.imports.get(e.expression.text);
    if (imp?.kind !== "intrinsics" || imp.name !== "st32") return undefined;
    const w = this.wordAccess(e, "st32");
    return w ? { k: "st32", array: w.array, index: w.index, value: this.intExpr(e.arguments[2]) } : { k: "expr", e: ZERO };
  }

  /** The array (an i8 array parameter) and byte index of an ld32/st32 call, checked. */
  private wordAccess(e: ts.CallExpression, name: "ld32" | "st32"): { array: string; index: Expr } | undefined {
    const arity = MEMORY_INTRINSICS.get(name)!.arity;
    if (e.arguments.length !== arity) {
      this.err(2025, e, name, arity, e.arguments.length);
      return undefined;
    }
    const a = e.arguments[0];
    const b = ts.isIdentifier(a) ? this.lookup(a.text) : undefined;
    if (!b || b.kind !== "array" || b.elem !== "i8") {
      this.err(2027, a, `argument 1 of ${name} must be an Int8Array parameter`);
      return undefined;
    }
    return { array: b.kname, index: this.intExpr(e.arguments[1]) };
  }

  protected mathCall(e: ts.CallExpression, fn: string): Expr {
    const args = e.arguments;
    const want = (n: number): boolean => {
      if (args.length === n) return true;
      this.err(2025, e, `Math.${fn}`, n, args.length);
      return false;
    };
    switch (fn) {
      case "imul":
      case "min":
      case "max":
        if (!want(2)) return ZERO;
        return { k: "intrinsic", name: fn, args: [this.intExpr(args[0]), this.intExpr(args[1])], type: "i32" };
      case "abs":
        if (!want(1)) return ZERO;
        return { k: "intrinsic", name: "abs", args: [this.intExpr(args[0])], type: "i32" };
      case "trunc": {
        if (!want(1)) return ZERO;
        const d = this.isDivision(args[0]);
        if (d) return this.intDiv(d);
        // Math.trunc(x) of an f32: conversion toward zero to i32. As in C, x must lie in the i32
        // range (and not be NaN): the kernel clamps first, nothing checks it.
        const v = this.expr(args[0]);
        if (v.type === "f32") return { k: "convert", to: "i32", a: v, type: "i32" };
        return this.err(2022, e, "Math.trunc of something other than a division or an f32 value");
      }
      case "sqrt": {
        // Math.fround(Math.sqrt(x)) of an f32: JS takes the square root in double, and rounding
        // that to f32 gives the correctly rounded f32 root (IEEE sqrtf, C's VSQRT.F32, WASM f32.sqrt).
        if (!want(1)) return ZERO;
        const v = this.expr(args[0]);
        if (v.type !== "f32") return this.err(2027, args[0], "Math.sqrt takes an f32 value");
        if (!this.insideFround(e)) return this.err(2010, e);
        return { k: "intrinsic", name: "sqrt", args: [v], type: "f32" };
      }
      case "floor": {
        // Math.fround(Math.floor(x / y)) of two f32s: TFLite's FloorDiv, float(floor(double(x) /
        // double(y))): JS divides and floors in double, C calls mote_floordivf, WASM f64 ops.
        if (!want(1)) return ZERO;
        const d = this.isDivision(args[0]);
        if (!d) return this.err(2022, e, "Math.floor of something other than an f32 division x / y");
        const a = this.expr(d.left);
        const b = this.expr(d.right);
        if (a.type !== "f32" || b.type !== "f32") return this.err(2027, d, "Math.floor(x / y) takes two f32 values");
        if (!this.insideFround(e)) return this.err(2010, e);
        return { k: "intrinsic", name: "floordiv", args: [a, b], type: "f32" };
      }
      case "fround": {
        if (!want(1)) return ZERO;
        const a = args[0];
        if (ts.isNumericLiteral(a) || (ts.isPrefixUnaryExpression(a) && ts.isNumericLiteral(a.operand))) {
          const v = Number(a.getText(this.env.file.sf));
          return { k: "const", type: "f32", value: Math.fround(v) };
        }
        const v = this.expr(a);
        if (v.type === "f32") return v;
        if (v.type === "i32") return { k: "convert", to: "f32", a: v, type: "f32" };
        return this.err(2027, a, "Math.fround of a boolean");
      }
      default:
        return this.err(2013, e.expression, `Math.${fn}`);
    }
  }
}
