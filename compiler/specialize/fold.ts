/**
 * @fileoverview Constant folding and dead-code removal on KIR, with C/TS integer semantics.
 *
 * Run by compiler/specialize/specialize.ts after a record's fields became constants: it folds
 * arithmetic and intrinsic calls (through the TypeScript reference of each intrinsic, so folding
 * cannot drift from it), propagates locals that are never reassigned, resolves `if`/`select` on
 * constants, drops loops that never run and locals nobody reads. The result is what the C and
 * WASM emitters print; gcc and binaryen do the rest.
 */
import type { Expr, KFunction, Stmt } from "../ir/kir.ts";
import { BUILTINS, INTRINSICS } from "../ir/intrinsics.ts";
import { forEachExpr, forEachStmt } from "../ir/walk.ts";

function isConst(e: Expr): e is Extract<Expr, { k: "const" }> {
  return e.k === "const";
}

function c(value: number, type: Expr["type"] = "i32"): Expr {
  return { k: "const", type: type as "i32", value };
}

/** True when evaluating `e` has no side effects (no calls of subset functions). */
export function isPure(e: Expr): boolean {
  let pure = true;
  forEachExpr([{ k: "expr", e }], (x) => { if (x.k === "call") pure = false; });
  return pure;
}

function evalBinary(op: string, a: number, b: number, f32: boolean): number | undefined {
  if (f32) {
    switch (op) {
      case "add": return Math.fround(a + b);
      case "sub": return Math.fround(a - b);
      case "mul": return Math.fround(a * b);
      case "div": {
        // JS divides in double; fround of that is the correctly rounded f32 quotient.
        const q = Math.fround(a / b);
        return Number.isFinite(q) ? q : undefined;
      }
    }
  }
  switch (op) {
    case "add": return (a + b) | 0;
    case "sub": return (a - b) | 0;
    case "mul": return Math.imul(a, b);
    case "div": return b === 0 || (a === -2147483648 && b === -1) ? undefined : (a / b) | 0;
    case "rem": return b === 0 || b === -1 ? undefined : a % b | 0;
    case "and": return a & b;
    case "or": return a | b;
    case "xor": return a ^ b;
    case "shl": return b < 0 || b > 31 ? undefined : a << b;
    case "shr": return b < 0 || b > 31 ? undefined : a >> b;
    case "shru": return b < 0 || b > 31 ? undefined : (a >>> b) | 0;
    case "eq": return a === b ? 1 : 0;
    case "ne": return a !== b ? 1 : 0;
    case "lt": return a < b ? 1 : 0;
    case "le": return a <= b ? 1 : 0;
    case "gt": return a > b ? 1 : 0;
    case "ge": return a >= b ? 1 : 0;
    case "land": return a && b ? 1 : 0;
    case "lor": return a || b ? 1 : 0;
  }
  return undefined;
}

export function foldExpr(e: Expr, consts: Map<string, Expr>): Expr {
  switch (e.k) {
    case "const":
    case "field":
      return e;
    case "var":
      return consts.get(e.name) ?? e;
    case "load":
    case "ld32":
      return { ...e, index: foldExpr(e.index, consts) };
    case "unary": {
      const a = foldExpr(e.a, consts);
      if (isConst(a)) {
        if (e.op === "neg") return c(e.type === "f32" ? -a.value : -a.value | 0, e.type);
        if (e.op === "bitnot") return c(~a.value);
        return c(a.value ? 0 : 1, "bool");
      }
      return { ...e, a };
    }
    case "convert": {
      const a = foldExpr(e.a, consts);
      if (isConst(a)) {
        if (e.to === "f32") return c(Math.fround(a.value), "f32");
        // f32 -> i32 truncates toward zero; out-of-range values (undefined in C) stay unfolded.
        if (e.to === "i32" && a.type === "f32" && a.value > -2147483649 && a.value < 2147483648) {
          return c(Math.trunc(a.value) | 0, "i32");
        }
      }
      return { ...e, a };
    }
    case "binary": {
      const a = foldExpr(e.a, consts);
      // Short-circuit forms fold on the left operand alone.
      if ((e.op === "land" || e.op === "lor") && isConst(a)) {
        if (e.op === "land") return a.value ? foldExpr(e.b, consts) : c(0, "bool");
        return a.value ? c(1, "bool") : foldExpr(e.b, consts);
      }
      const b = foldExpr(e.b, consts);
      if (isConst(a) && isConst(b)) {
        const v = evalBinary(e.op, a.value, b.value, a.type === "f32");
        if (v !== undefined) return c(v, e.type);
      }
      if (e.type === "i32") {
        const simplified = simplify(e.op, a, b);
        if (simplified) return simplified;
      }
      return { ...e, a, b };
    }
    case "select": {
      const cond = foldExpr(e.cond, consts);
      const a = foldExpr(e.a, consts);
      const b = foldExpr(e.b, consts);
      if (isConst(cond)) return cond.value ? a : b;
      return { ...e, cond, a, b };
    }
    case "intrinsic": {
      const args = e.args.map((x) => foldExpr(x, consts));
      if (args.every(isConst)) {
        const f = BUILTINS.get(e.name)?.ts ?? INTRINSICS.get(e.name)?.ts;
        const v = f?.(...args.map((x) => (x as { value: number }).value));
        if (v !== undefined && e.type === "f32") {
          if (Number.isFinite(v)) return c(v, "f32");
        } else if (v !== undefined) return c(v | 0);
      }
      return { ...e, args };
    }
    case "call":
      return { ...e, args: e.args.map((a) => (a.k === "value" ? { k: "value", e: foldExpr(a.e, consts) } : a)) };
  }
}

/** Algebraic identities that keep C and TS semantics (operands are pure when dropped). */
function simplify(op: string, a: Expr, b: Expr): Expr | undefined {
  const is = (x: Expr, v: number): boolean => x.k === "const" && x.value === v;
  switch (op) {
    case "add": return is(b, 0) ? a : is(a, 0) ? b : undefined;
    case "sub": return is(b, 0) ? a : undefined;
    case "mul":
      if (is(b, 1)) return a;
      if (is(a, 1)) return b;
      if ((is(a, 0) && isPure(b)) || (is(b, 0) && isPure(a))) return c(0);
      return undefined;
    case "shl": case "shr": case "shru": return is(b, 0) ? a : undefined;
    case "or": case "xor": return is(b, 0) ? a : is(a, 0) ? b : undefined;
  }
  return undefined;
}

/** Locals assigned exactly once, at their declaration. */
function singleAssignment(body: Stmt[]): Set<string> {
  const assigned = new Set<string>();
  forEachStmt(body, (s) => { if (s.k === "assign") assigned.add(s.name); });
  const out = new Set<string>();
  forEachStmt(body, (s) => { if (s.k === "let" && s.init && !assigned.has(s.name)) out.add(s.name); });
  return out;
}

function foldStmts(list: Stmt[], consts: Map<string, Expr>, single: Set<string>): Stmt[] {
  const out: Stmt[] = [];
  for (const s of list) {
    switch (s.k) {
      case "let": {
        const init = s.init ? foldExpr(s.init, consts) : null;
        if (init && isConst(init) && single.has(s.name)) {
          consts.set(s.name, init);
          break;
        }
        out.push({ ...s, init });
        break;
      }
      case "assign":
        out.push({ ...s, value: foldExpr(s.value, consts) });
        break;
      case "store":
      case "st32":
        out.push({ ...s, index: foldExpr(s.index, consts), value: foldExpr(s.value, consts) });
        break;
      case "if": {
        const cond = foldExpr(s.cond, consts);
        const then = foldStmts(s.then, consts, single);
        const els = foldStmts(s.else, consts, single);
        if (isConst(cond)) out.push(...(cond.value ? then : els));
        else if (then.length === 0 && els.length === 0 && isPure(cond)) break;
        else out.push({ ...s, cond, then, else: els });
        break;
      }
      case "for": {
        const init = foldStmts(s.init, consts, single);
        const cond = s.cond ? foldExpr(s.cond, consts) : null;
        if (cond && isConst(cond) && !cond.value) {
          out.push(...init.filter((x) => x.k !== "let"));
          break;
        }
        out.push({ ...s, init, cond, step: foldStmts(s.step, consts, single), body: foldStmts(s.body, consts, single) });
        break;
      }
      case "return":
        out.push({ ...s, value: s.value ? foldExpr(s.value, consts) : null });
        break;
      case "expr":
        out.push({ ...s, e: foldExpr(s.e, consts) });
        break;
      default:
        out.push(s);
    }
  }
  return out;
}

/** Removes locals that are never read (their pure assignments go too). */
function dropUnread(body: Stmt[]): Stmt[] {
  const read = new Set<string>();
  forEachExpr(body, (e) => { if (e.k === "var") read.add(e.name); });
  const keep = (list: Stmt[]): Stmt[] =>
    list.flatMap((s): Stmt[] => {
      if (s.k === "let" && !read.has(s.name)) return s.init && !isPure(s.init) ? [{ k: "expr", e: s.init }] : [];
      if (s.k === "assign" && !read.has(s.name)) return isPure(s.value) ? [] : [{ k: "expr", e: s.value }];
      if (s.k === "expr" && isPure(s.e)) return [];
      if (s.k === "if") return [{ ...s, then: keep(s.then), else: keep(s.else) }];
      if (s.k === "for") return [{ ...s, init: keep(s.init), step: keep(s.step), body: keep(s.body) }];
      return [s];
    });
  return keep(body);
}

/** Folds `fn` to a fixed point. */
export function foldFunction(fn: KFunction): KFunction {
  let body = fn.body;
  for (let round = 0; round < 8; round++) {
    const before = JSON.stringify(body);
    body = dropUnread(foldStmts(body, new Map(), singleAssignment(body)));
    if (JSON.stringify(body) === before) break;
  }
  return { ...fn, body };
}
