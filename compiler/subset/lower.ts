/**
 * @fileoverview Lowers one subset function body from the TypeScript AST to KIR, checking the
 * subset as it goes.
 *
 * Every construct outside the subset is reported through the file's DiagnosticSink (stable 2xxx
 * codes) and replaced by a placeholder, so one run lists every problem. Types follow C: narrow
 * loads promote to i32, comparisons are bool, f32 operations must sit inside Math.fround.
 * Shadowed locals are renamed so KIR names are unique per function. Neighbours:
 * compiler/subset/lower-expr.ts (expressions and scopes, the base class), compiler/subset/source.ts
 * (files, top level), compiler/subset/program.ts (whole program).
 */
import { ts } from "ts-morph";
import type { BinaryOp, Expr, KFunction, Param, Scalar, Stmt } from "../ir/kir.ts";
import { isNarrow, valueTypeOf } from "../ir/kir.ts";
import { COMPOUND, ExpressionLowerer, paramTypeOf, type LowerEnv } from "./lower-expr.ts";

export { paramTypeOf, type CalleeInfo, type LowerEnv } from "./lower-expr.ts";

export function lowerFunction(decl: ts.FunctionDeclaration, kirName: string, env: LowerEnv): KFunction {
  return new FunctionLowerer(env).lower(decl, kirName);
}

class FunctionLowerer extends ExpressionLowerer {
  lower(decl: ts.FunctionDeclaration, kirName: string): KFunction {
    const { sf } = this.env.file;
    this.fnName = decl.name!.text;
    this.scopes = [new Map()];
    const params: Param[] = [];
    for (const p of decl.parameters) {
      if (!ts.isIdentifier(p.name) || p.initializer || p.dotDotDotToken || p.questionToken) {
        this.err(2022, p, "parameter pattern, default, rest or optional parameter");
        continue;
      }
      const t = paramTypeOf(p.type, this.env, `parameter '${p.name.text}'`);
      if (!t) {
        // Already reported; bind a placeholder so uses of the name do not report 2026 again.
        this.bind(p.name.text, { kind: "scalar", type: "i32" }, this.fresh(p.name.text));
        continue;
      }
      const kname = this.fresh(p.name.text);
      params.push({ name: kname, type: t });
      this.bind(p.name.text, t, kname);
    }
    if (!decl.type) {
      this.err(2029, decl.name!, this.fnName);
    } else {
      const text = decl.type.getText(sf);
      if (text === "void") this.ret = "void";
      else {
        const t = paramTypeOf(decl.type, this.env, `the return type of ${this.fnName}`);
        this.ret = t && t.kind === "scalar" ? t.type : "i32";
        if (t && t.kind !== "scalar") this.err(2009, decl.type, `the return type of ${this.fnName} (scalars only)`);
      }
    }
    const body = this.block(decl.body!.statements);
    const line = sf.getLineAndCharacterOfPosition(decl.getStart(sf)).line + 1;
    return { name: kirName, params, ret: this.ret, body, source: `${this.env.file.stem}.ts:${line}` };
  }

  private block(stmts: readonly ts.Statement[]): Stmt[] {
    this.scopes.push(new Map());
    const out: Stmt[] = [];
    for (const s of stmts) this.stmt(s, out);
    this.scopes.pop();
    return out;
  }

  private body(s: ts.Statement): Stmt[] {
    return ts.isBlock(s) ? this.block(s.statements) : this.block([s]);
  }

  // ---- statements ---------------------------------------------------------------------------

  private stmt(s: ts.Statement, out: Stmt[]): void {
    if (ts.isBlock(s)) {
      out.push(...this.block(s.statements));
    } else if (ts.isVariableStatement(s)) {
      this.varDecls(s.declarationList, out);
    } else if (ts.isExpressionStatement(s)) {
      this.exprStmt(s.expression, out);
    } else if (ts.isIfStatement(s)) {
      out.push({
        k: "if",
        cond: this.cond(s.expression),
        then: this.body(s.thenStatement),
        else: s.elseStatement ? this.body(s.elseStatement) : [],
      });
    } else if (ts.isForStatement(s)) {
      this.scopes.push(new Map());
      const init: Stmt[] = [];
      if (s.initializer) {
        if (ts.isVariableDeclarationList(s.initializer)) this.varDecls(s.initializer, init);
        else this.exprStmt(s.initializer, init);
      }
      const cond = s.condition ? this.cond(s.condition) : null;
      const step: Stmt[] = [];
      if (s.incrementor) this.exprStmt(s.incrementor, step);
      this.loopDepth++;
      const body = this.body(s.statement);
      this.loopDepth--;
      this.scopes.pop();
      out.push({ k: "for", init, cond, step, body });
    } else if (ts.isWhileStatement(s)) {
      const cond = this.cond(s.expression);
      this.loopDepth++;
      const body = this.body(s.statement);
      this.loopDepth--;
      out.push({ k: "for", init: [], cond, step: [], body });
    } else if (ts.isDoStatement(s)) {
      this.err(2017, s, "do-while");
    } else if (ts.isForOfStatement(s)) {
      this.err(2017, s, "for-of");
    } else if (ts.isForInStatement(s)) {
      this.err(2017, s, "for-in");
    } else if (ts.isBreakStatement(s) || ts.isContinueStatement(s)) {
      if (s.label) this.err(2022, s, "labelled break/continue");
      else if (this.loopDepth === 0) this.err(2022, s, "break/continue outside a loop");
      else out.push({ k: ts.isBreakStatement(s) ? "break" : "continue" });
    } else if (ts.isReturnStatement(s)) {
      if (!s.expression) out.push({ k: "return", value: null });
      else {
        const v = this.expr(s.expression);
        if (this.ret === "void") this.err(2027, s, "a void function returns a value");
        else this.checkAssignable(this.ret, v, s.expression);
        out.push({ k: "return", value: v });
      }
    } else if (ts.isSwitchStatement(s)) {
      this.err(2020, s);
    } else if (ts.isTryStatement(s) || ts.isThrowStatement(s)) {
      this.err(2004, s);
    } else if (ts.isFunctionDeclaration(s)) {
      this.err(2002, s);
    } else if (ts.isClassDeclaration(s)) {
      this.err(2001, s);
    } else if (ts.isEmptyStatement(s)) {
      // nothing
    } else if (ts.isLabeledStatement(s)) {
      this.err(2022, s, "labelled statement; leave nested loops with a boolean flag");
    } else {
      this.err(2022, s, ts.SyntaxKind[s.kind]);
    }
  }

  private varDecls(list: ts.VariableDeclarationList, out: Stmt[]): void {
    // 'var' is reported, then lowered like 'let' so its uses do not report 2026 again.
    if (!(list.flags & (ts.NodeFlags.Let | ts.NodeFlags.Const))) this.err(2015, list);
    for (const d of list.declarations) {
      if (!ts.isIdentifier(d.name)) {
        this.err(2022, d.name, "destructuring");
        continue;
      }
      const name = d.name.text;
      let type: Scalar | undefined;
      if (d.type) {
        const t = paramTypeOf(d.type, this.env, `variable '${name}'`);
        if (t && t.kind !== "scalar") {
          this.err(2024, d.name, name);
          continue;
        }
        type = t?.type;
      }
      if (d.initializer && this.isArrayOrRecordRef(d.initializer)) {
        this.err(2024, d.initializer, d.initializer.getText(this.env.file.sf));
        continue;
      }
      const init = d.initializer ? this.expr(d.initializer) : null;
      if (!type) type = init ? init.type === "f32" ? "f32" : init.type === "bool" ? "bool" : "i32" : undefined;
      if (!type) {
        this.err(2009, d.name, `variable '${name}'`);
        type = "i32";
      }
      if (init) this.checkAssignable(type, init, d.initializer!);
      const kname = this.fresh(name);
      this.scopes[this.scopes.length - 1].set(name, { kind: "scalar", kname, type });
      out.push({ k: "let", name: kname, type, init });
    }
  }

  private exprStmt(e: ts.Expression, out: Stmt[]): void {
    if (ts.isParenthesizedExpression(e)) return this.exprStmt(e.expression, out);
    if (ts.isBinaryExpression(e)) {
      const op = e.operatorToken.kind;
      if (op === ts.SyntaxKind.EqualsToken) return this.assign(e.left, null, e.right, out);
      if (op in COMPOUND) return this.assign(e.left, COMPOUND[op]!, e.right, out);
      if (op >= ts.SyntaxKind.FirstCompoundAssignment && op <= ts.SyntaxKind.LastCompoundAssignment) {
        if (op === ts.SyntaxKind.SlashEqualsToken) this.err(2008, e.operatorToken);
        else this.err(2022, e.operatorToken, `compound assignment '${e.operatorToken.getText(this.env.file.sf)}'`);
        return;
      }
      if (op === ts.SyntaxKind.CommaToken) {
        this.exprStmt(e.left, out);
        this.exprStmt(e.right, out);
        return;
      }
    }
    if (ts.isPostfixUnaryExpression(e) || ts.isPrefixUnaryExpression(e)) {
      if (e.operator === ts.SyntaxKind.PlusPlusToken || e.operator === ts.SyntaxKind.MinusMinusToken) {
        const one: ts.Expression = ts.factory.createNumericLiteral(1);
        return this.assign(e.operand, e.operator === ts.SyntaxKind.PlusPlusToken ? "add" : "sub", one, out);
      }
    }
    if (ts.isCallExpression(e)) {
      out.push(this.st32Stmt(e) ?? { k: "expr", e: this.expr(e) });
      return;
    }
    this.err(2022, e, "expression statement without effect");
  }

  private assign(target: ts.Expression, op: BinaryOp | null, rhs: ts.Expression, out: Stmt[]): void {
    while (ts.isParenthesizedExpression(target)) target = target.expression;
    const value = (current: Expr): Expr => {
      const r = rhs.pos < 0 ? { k: "const" as const, type: "i32" as const, value: 1 } : this.expr(rhs);
      if (!op) return r;
      if (current.type !== r.type || current.type === "bool") {
        return this.err(current.type === "f32" || r.type === "f32" ? 2010 : 2027, rhs, `compound assignment on ${current.type} and ${r.type}`);
      }
      if (current.type === "f32") return this.err(2010, rhs);
      return { k: "binary", op, a: current, b: r, type: "i32" };
    };
    if (ts.isIdentifier(target)) {
      const b = this.lookup(target.text);
      if (!b || b.kind !== "scalar") {
        this.err(b ? 2030 : 2026, target, target.text);
        return;
      }
      const cur: Expr = { k: "var", name: b.kname, type: valueTypeOf(b.type) };
      const v = value(cur);
      if (op && isNarrow(b.type)) this.err(2012, target, b.type);
      else this.checkAssignable(b.type, v, rhs.pos < 0 ? target : rhs);
      out.push({ k: "assign", name: b.kname, value: v });
      return;
    }
    if (ts.isElementAccessExpression(target)) {
      const arr = this.arrayOf(target.expression);
      if (!arr) return;
      const index = this.intExpr(target.argumentExpression);
      const cur: Expr = { k: "load", array: arr.kname, elem: arr.elem, index, type: valueTypeOf(arr.elem) };
      const v = value(cur);
      if (v.type !== valueTypeOf(arr.elem)) this.err(v.type === "f32" || arr.elem === "f32" ? 2010 : 2027, rhs.pos < 0 ? target : rhs, `${v.type} stored into ${arr.elem} array`);
      out.push({ k: "store", array: arr.kname, elem: arr.elem, index, value: v });
      return;
    }
    this.err(2030, target, target.getText(this.env.file.sf));
  }

}
