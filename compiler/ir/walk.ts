/**
 * @fileoverview Walkers over KIR (compiler/ir/kir.ts) and the whole-module analyses built on
 * them. The bottom layer: the subset front end, the specializer, the build layer and both
 * emitters use these, and nothing here knows where KIR came from.
 */
import type { Expr, KFunction, KModule, Stmt } from "./kir.ts";

export function forEachExpr(stmts: Stmt[], visit: (e: Expr) => void): void {
  const ex = (e: Expr | null): void => {
    if (!e) return;
    visit(e);
    switch (e.k) {
      case "load": case "ld32": ex(e.index); break;
      case "unary": case "convert": ex(e.a); break;
      case "binary": ex(e.a); ex(e.b); break;
      case "select": ex(e.cond); ex(e.a); ex(e.b); break;
      case "call":
        for (const a of e.args) {
          if (a.k === "value") ex(a.e);
          if (a.k === "view") { ex(a.inArena); ex(a.byteOffset); }
          if (a.k === "recordAt") ex(a.wordIndex);
        }
        break;
      case "intrinsic": for (const a of e.args) ex(a); break;
    }
  };
  const st = (list: Stmt[]): void => {
    for (const s of list) {
      switch (s.k) {
        case "let": ex(s.init); break;
        case "assign": ex(s.value); break;
        case "store": case "st32": ex(s.index); ex(s.value); break;
        case "if": ex(s.cond); st(s.then); st(s.else); break;
        case "for": st(s.init); ex(s.cond); st(s.step); st(s.body); break;
        case "return": ex(s.value); break;
        case "expr": ex(s.e); break;
        case "profile": ex(s.key); break;
      }
    }
  };
  st(stmts);
}

export function forEachStmt(stmts: Stmt[], visit: (s: Stmt) => void): void {
  for (const s of stmts) {
    visit(s);
    if (s.k === "if") { forEachStmt(s.then, visit); forEachStmt(s.else, visit); }
    if (s.k === "for") { forEachStmt(s.init, visit); forEachStmt(s.step, visit); forEachStmt(s.body, visit); }
  }
}

export function calleesOf(fn: KFunction): Set<string> {
  const out = new Set<string>();
  forEachExpr(fn.body, (e) => { if (e.k === "call") out.add(e.fn); });
  return out;
}

/** Marks array parameters stored to, directly or through a callee, as `written`. */
export function markWrittenArrays(module: KModule): void {
  let changed = true;
  while (changed) {
    changed = false;
    for (const fn of module.functions.values()) {
      const written = new Set<string>();
      forEachStmt(fn.body, (s) => { if (s.k === "store" || s.k === "st32") written.add(s.array); });
      forEachExpr(fn.body, (e) => {
        if (e.k !== "call") return;
        const callee = module.functions.get(e.fn);
        e.args.forEach((a, i) => {
          if (!callee?.params[i]?.written) return;
          if (a.k === "array") written.add(a.name);
          if (a.k === "view") written.add(a.arena); // the image is constant: only the arena is written
        });
      });
      for (const p of fn.params) {
        if (p.type.kind === "array" && written.has(p.name) && !p.written) {
          p.written = true;
          changed = true;
        }
      }
    }
  }
}
