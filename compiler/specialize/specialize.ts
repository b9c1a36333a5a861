/**
 * @fileoverview Specialization: a kernel plus one layer's constant record becomes a function
 * with no record at all.
 *
 * Every `p.field` is replaced by its value, callees that receive the record are specialized
 * with it too, and compiler/specialize/fold.ts then folds constants, resolves branches on them
 * (this is how algorithm choices written as ordinary branches get picked) and drops dead code,
 * and compiler/specialize/unroll.ts unrolls loops with a small constant trip count (folding
 * again after each round).
 * Names are mangled from the kernel name and a short description of the record (TinyEngine
 * style), made unique with a counter; equal (kernel, record) pairs share one function.
 */
import type { Arg, Expr, KFunction, KModule, Stmt } from "../ir/kir.ts";
import { verifyFunction } from "../ir/verify.ts";
import { calleesOf } from "../ir/walk.ts";
import { unrollAndFold } from "./unroll.ts";

function substExpr(e: Expr, record: string, values: Record<string, number>, rename: Map<string, string>): Expr {
  const sub = (x: Expr): Expr => substExpr(x, record, values, rename);
  switch (e.k) {
    case "field":
      if (e.record === record) {
        const v = values[e.field];
        if (v === undefined) throw new Error(`record value for field '${e.field}' is missing`);
        return { k: "const", type: "i32", value: v | 0 };
      }
      return e;
    case "load": case "ld32": return { ...e, index: sub(e.index) };
    case "unary": case "convert": return { ...e, a: sub(e.a) };
    case "binary": return { ...e, a: sub(e.a), b: sub(e.b) };
    case "select": return { ...e, cond: sub(e.cond), a: sub(e.a), b: sub(e.b) };
    case "intrinsic": return { ...e, args: e.args.map(sub) };
    case "call": {
      const passes = e.args.some((a) => a.k === "record" && a.name === record);
      const args: Arg[] = e.args
        .filter((a) => !(a.k === "record" && a.name === record))
        .map((a) => (a.k === "value" ? { k: "value", e: sub(a.e) } : a));
      return { ...e, fn: passes ? rename.get(e.fn) ?? e.fn : e.fn, args };
    }
    default:
      return e;
  }
}

function substStmts(list: Stmt[], record: string, values: Record<string, number>, rename: Map<string, string>): Stmt[] {
  const se = (e: Expr): Expr => substExpr(e, record, values, rename);
  const ss = (l: Stmt[]): Stmt[] => substStmts(l, record, values, rename);
  return list.map((s): Stmt => {
    switch (s.k) {
      case "let": return { ...s, init: s.init ? se(s.init) : null };
      case "assign": return { ...s, value: se(s.value) };
      case "store": case "st32": return { ...s, index: se(s.index), value: se(s.value) };
      case "if": return { ...s, cond: se(s.cond), then: ss(s.then), else: ss(s.else) };
      case "for": return { ...s, init: ss(s.init), cond: s.cond ? se(s.cond) : null, step: ss(s.step), body: ss(s.body) };
      case "return": return { ...s, value: s.value ? se(s.value) : null };
      case "expr": return { ...s, e: se(s.e) };
      default: return s;
    }
  });
}

/**
 * Specializes `fnName` for `values` under the name `newName`. Returns the new functions (callees
 * that took the record are named `<callee>_<newName>` and come before their callers). With
 * `opts.verify`, each function is verified (compiler/ir/verify.ts) after substitution and
 * after folding.
 */
export function specialize(
  module: KModule, fnName: string, values: Record<string, number>, newName: string, opts: { verify?: boolean } = {},
): KFunction[] {
  const out: KFunction[] = [];
  const done = new Map<string, string>();
  const check = (fn: KFunction, stage: string): KFunction => {
    if (opts.verify) {
      verifyFunction(fn, {
        callee: (n) => out.find((f) => f.name === n) ?? module.functions.get(n),
        record: (n) => module.records.get(n),
        stage: `${stage} ${newName}`,
      });
    }
    return fn;
  };
  const visit = (name: string, target: string): void => {
    const fn = module.functions.get(name);
    if (!fn) throw new Error(`unknown kernel function ${name}`);
    const recParam = fn.params.find((p) => p.type.kind === "record");
    done.set(name, target);
    // Callees that receive the record get specialized with the same values.
    const rename = new Map<string, string>();
    if (recParam) {
      for (const callee of calleesOf(fn)) {
        const cf = module.functions.get(callee);
        if (!cf?.params.some((p) => p.type.kind === "record")) continue;
        const cname = done.get(callee) ?? `${callee}_${newName}`;
        rename.set(callee, cname);
        if (!done.has(callee)) visit(callee, cname);
      }
    }
    const body = recParam ? substStmts(fn.body, recParam.name, values, rename) : fn.body;
    const params = fn.params.filter((p) => p !== recParam).map((p) => ({ ...p }));
    out.push(check(unrollAndFold(check({ ...fn, name: target, params, body }, "specialize")), "unroll and fold"));
  };
  visit(fnName, newName);
  // Folding may have removed calls (a branch on the record that is never taken): drop the
  // specialized callees nothing calls any more.
  const byName = new Map(out.map((f) => [f.name, f]));
  const live = new Set<string>([newName]);
  const stack = [newName];
  while (stack.length > 0) {
    for (const c of calleesOf(byName.get(stack.pop()!)!)) {
      if (byName.has(c) && !live.has(c)) {
        live.add(c);
        stack.push(c);
      }
    }
  }
  return out.filter((f) => live.has(f.name));
}

/** Every function reachable from `roots` in `functions` (roots included). */
export function reachable(roots: KFunction[], module: KModule): KFunction[] {
  const seen = new Map<string, KFunction>();
  const stack = [...roots];
  for (const r of roots) seen.set(r.name, r);
  while (stack.length > 0) {
    const fn = stack.pop()!;
    for (const c of calleesOf(fn)) {
      if (seen.has(c)) continue;
      const cf = module.functions.get(c);
      if (!cf) continue;
      seen.set(c, cf);
      stack.push(cf);
    }
  }
  return [...seen.values()];
}
