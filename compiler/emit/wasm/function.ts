/**
 * @fileoverview Spells one KIR function as one WASM function through the `WasmModule` facade.
 *
 * Calling convention (shared with model.ts): scalar parameters are i32 (i8/i16/i32/u8/u16/bool)
 * or f32; array parameters are the i32 byte address of element 0; record parameters are the i32
 * address of the record's fields (i32 each, field k at byte offset 4*k). imul/min/max/abs are
 * spelled inline; every other intrinsic is a call of the internal function named by its
 * registry entry's `wasm` field (compiler/ir/intrinsics.ts), which ./intrinsics.ts defines.
 *
 * Semantics are C's (and the TS reference's) on i32: add/sub/mul wrap, div/rem truncate (div_s,
 * rem_s), shift counts are masked to 0..31, comparisons yield 0/1, `land`/`lor` and `select`
 * evaluate lazily. Loops become block{ loop{ br_if exit !cond; block $continue { body }; step;
 * br loop } } so `continue` runs the step. KIR invariant violations are internal errors (Error),
 * not user diagnostics: the frontend and verifier reject bad programs before this point.
 */
import type { Arg, BinaryOp, Expr, KFunction, RecordType, Scalar, Stmt, UnaryOp, ValueType } from "../../ir/kir.ts";
import { scalarBytes } from "../../ir/kir.ts";
import { INTRINSICS } from "../../ir/intrinsics.ts";
import type { I32BinaryOp, F32BinaryOp, WasmExpr, WasmModule, WasmType } from "./module.ts";

/** WASM type carrying a value or storage type (bool and narrow integers ride in i32). */
export function wasmTypeOf(t: Scalar | ValueType): WasmType {
  return t === "f32" ? "f32" : "i32";
}

/** WASM parameter types of `fn` under the calling convention above. */
export function wasmParamTypes(fn: KFunction): WasmType[] {
  return fn.params.map((p) => (p.type.kind === "scalar" ? wasmTypeOf(p.type.type) : "i32"));
}

function internal(fn: KFunction, message: string): never {
  throw new Error(`wasm emitter: ${fn.name} (${fn.source}): ${message}`);
}

interface Local {
  index: number;
  type: WasmType;
}

type ParamKind = { kind: "value" } | { kind: "array"; elem: Scalar } | { kind: "record"; fields: string[] };

const I32_OPS: Partial<Record<BinaryOp, I32BinaryOp>> = {
  add: "add", sub: "sub", mul: "mul", div: "div_s", rem: "rem_s",
  and: "and", or: "or", xor: "xor", shl: "shl", shr: "shr_s", shru: "shr_u",
  eq: "eq", ne: "ne", lt: "lt_s", le: "le_s", gt: "gt_s", ge: "ge_s",
};

const F32_OPS: Partial<Record<BinaryOp, F32BinaryOp>> = {
  add: "add", sub: "sub", mul: "mul", div: "div",
  eq: "eq", ne: "ne", lt: "lt", le: "le", gt: "gt", ge: "ge",
};

interface LoopLabels {
  exit: string;
  cont: string;
}

class FunctionEmitter {
  private readonly locals = new Map<string, Local>();
  private readonly params = new Map<string, ParamKind>();
  private readonly vars: WasmType[] = [];
  private readonly loops: LoopLabels[] = [];
  private nextIndex: number;
  private labelCounter = 0;

  constructor(
    private readonly mod: WasmModule,
    private readonly fn: KFunction,
    records: Map<string, RecordType>,
  ) {
    fn.params.forEach((p, index) => {
      if (this.locals.has(p.name)) internal(fn, `duplicate parameter ${p.name}`);
      const type: WasmType = p.type.kind === "scalar" ? wasmTypeOf(p.type.type) : "i32";
      this.locals.set(p.name, { index, type });
      if (p.type.kind === "scalar") this.params.set(p.name, { kind: "value" });
      else if (p.type.kind === "array") this.params.set(p.name, { kind: "array", elem: p.type.elem });
      else {
        const rec = records.get(p.type.name);
        if (!rec) internal(fn, `unknown record type ${p.type.name} of parameter ${p.name}`);
        this.params.set(p.name, { kind: "record", fields: rec.fields });
      }
    });
    this.nextIndex = fn.params.length;
  }

  emit(): void {
    const body = this.stmts(this.fn.body);
    if (this.fn.ret !== "void") body.push(this.mod.unreachable());
    const result = this.fn.ret === "void" ? "none" : wasmTypeOf(this.fn.ret);
    this.mod.addFunction(this.fn.name, wasmParamTypes(this.fn), result, this.vars, this.mod.block(null, body));
  }

  // ---- locals ---------------------------------------------------------------------------------

  private newLocal(type: WasmType): number {
    this.vars.push(type);
    return this.nextIndex++;
  }

  private local(name: string): Local {
    const l = this.locals.get(name);
    if (!l) internal(this.fn, `unknown variable ${name}`);
    if (this.params.get(name)?.kind === "array" || this.params.get(name)?.kind === "record") {
      internal(this.fn, `${name} is an array/record parameter used as a scalar`);
    }
    return l;
  }

  private pointerParam(name: string, kind: "array" | "record"): number {
    const p = this.params.get(name);
    if (!p || p.kind !== kind) internal(this.fn, `${name} is not a ${kind} parameter`);
    return this.locals.get(name)!.index;
  }

  // ---- statements -----------------------------------------------------------------------------

  private stmts(list: Stmt[]): WasmExpr[] {
    return list.map((s) => this.stmt(s));
  }

  private stmt(s: Stmt): WasmExpr {
    const m = this.mod;
    switch (s.k) {
      case "let": {
        if (this.locals.has(s.name)) internal(this.fn, `local ${s.name} declared twice`);
        const type = wasmTypeOf(s.type);
        const index = this.newLocal(type);
        this.locals.set(s.name, { index, type });
        // An uninitialized `let` starts at 0 on every entry (deterministic, even inside loops).
        return m.localSet(index, s.init ? this.expr(s.init) : m.const(type, 0));
      }
      case "assign":
        return m.localSet(this.local(s.name).index, this.expr(s.value));
      case "store":
        return m.store(s.elem, this.address(s.array, s.elem, s.index), this.expr(s.value));
      case "st32":
        return m.storeWordUnaligned(this.address(s.array, "i8", s.index), this.expr(s.value));
      case "if":
        return m.if(
          this.expr(s.cond),
          m.block(null, this.stmts(s.then)),
          s.else.length > 0 ? m.block(null, this.stmts(s.else)) : undefined,
        );
      case "for": {
        const n = this.labelCounter++;
        const labels: LoopLabels = { exit: `exit${n}`, cont: `continue${n}` };
        const top = `loop${n}`;
        const init = this.stmts(s.init);
        this.loops.push(labels);
        const body = this.stmts(s.body);
        this.loops.pop();
        const step = this.stmts(s.step);
        const loopBody: WasmExpr[] = [];
        if (s.cond) loopBody.push(m.brIf(labels.exit, m.i32Eqz(this.expr(s.cond))));
        loopBody.push(m.block(labels.cont, body), ...step, m.br(top));
        return m.block(labels.exit, [...init, m.loop(top, m.block(null, loopBody))]);
      }
      case "break":
        return m.br(this.innermostLoop().exit);
      case "continue":
        return m.br(this.innermostLoop().cont);
      case "return":
        if (this.fn.ret === "void") {
          if (s.value) internal(this.fn, "return with a value in a void function");
          return m.return();
        }
        if (!s.value) internal(this.fn, "return without a value in a non-void function");
        return m.return(this.expr(s.value));
      case "expr": {
        const v = this.expr(s.e);
        return s.e.type === "void" ? v : m.drop(v);
      }
      case "profile":
        return m.nop(); // profiling hooks exist only in C builds
    }
  }

  private innermostLoop(): LoopLabels {
    const l = this.loops[this.loops.length - 1];
    if (!l) internal(this.fn, "break/continue outside a loop");
    return l;
  }

  // ---- expressions ----------------------------------------------------------------------------

  /** Byte address of `array[index]`. */
  private address(array: string, elem: Scalar, index: Expr): WasmExpr {
    const m = this.mod;
    const base = m.localGet(this.pointerParam(array, "array"), "i32");
    const p = this.params.get(array);
    if (p?.kind === "array" && scalarBytes(p.elem) !== scalarBytes(elem)) {
      internal(this.fn, `access to ${array} as ${elem} but it is declared ${p.elem}`);
    }
    const bytes = scalarBytes(elem);
    const i = this.expr(index);
    const offset = bytes === 1 ? i : m.i32Binary("shl", i, m.i32Const(Math.log2(bytes)));
    return m.i32Binary("add", base, offset);
  }

  private expr(x: Expr): WasmExpr {
    const m = this.mod;
    switch (x.k) {
      case "const":
        return m.const(wasmTypeOf(x.type), x.value);
      case "var": {
        const l = this.local(x.name);
        return m.localGet(l.index, l.type);
      }
      case "field": {
        const p = this.params.get(x.record);
        if (!p || p.kind !== "record") internal(this.fn, `${x.record} is not a record parameter`);
        const k = p.fields.indexOf(x.field);
        if (k < 0) internal(this.fn, `record ${x.record} has no field ${x.field}`);
        return m.loadI32At(m.localGet(this.pointerParam(x.record, "record"), "i32"), 4 * k);
      }
      case "load":
        return m.load(x.elem, this.address(x.array, x.elem, x.index));
      case "ld32":
        return m.loadWordUnaligned(this.address(x.array, "i8", x.index));
      case "unary":
        return this.unary(x.op, x.a);
      case "binary":
        return this.binary(x.op, x.a, x.b);
      case "select":
        // An if-expression: only the chosen arm runs (C's ?: semantics).
        return m.if(this.expr(x.cond), this.expr(x.a), this.expr(x.b));
      case "call":
        return m.call(x.fn, x.args.map((a) => this.arg(a)), x.type === "void" ? "none" : wasmTypeOf(x.type));
      case "intrinsic":
        return this.intrinsic(x.name, x.args, x.type);
      case "convert":
        return this.convert(x.a, x.to);
    }
  }

  private arg(a: Arg): WasmExpr {
    switch (a.k) {
      case "value": return this.expr(a.e);
      case "array": return this.mod.localGet(this.pointerParam(a.name, "array"), "i32");
      case "record": return this.mod.localGet(this.pointerParam(a.name, "record"), "i32");
      case "view": {
        const m = this.mod;
        const base = m.select(this.expr(a.inArena),
          m.localGet(this.pointerParam(a.arena, "array"), "i32"),
          m.localGet(this.pointerParam(a.image, "array"), "i32"));
        return m.i32Binary("add", base, this.expr(a.byteOffset));
      }
      case "recordAt": {
        const m = this.mod;
        const offset = m.i32Binary("shl", this.expr(a.wordIndex), m.i32Const(2));
        return m.i32Binary("add", m.localGet(this.pointerParam(a.base, "array"), "i32"), offset);
      }
    }
  }

  private unary(op: UnaryOp, a: Expr): WasmExpr {
    const m = this.mod;
    const v = this.expr(a);
    switch (op) {
      case "neg": return a.type === "f32" ? m.f32Neg(v) : m.i32Binary("sub", m.i32Const(0), v);
      case "bitnot": return m.i32Binary("xor", v, m.i32Const(-1));
      case "not": return m.i32Eqz(v);
    }
  }

  private binary(op: BinaryOp, a: Expr, b: Expr): WasmExpr {
    const m = this.mod;
    if (op === "land") return m.if(this.expr(a), this.expr(b), m.i32Const(0));
    if (op === "lor") return m.if(this.expr(a), m.i32Const(1), this.expr(b));
    if (a.type === "f32" || b.type === "f32") {
      const fop = F32_OPS[op];
      if (!fop || a.type !== b.type) internal(this.fn, `no f32 operation ${op} on ${a.type}, ${b.type}`);
      return m.f32Binary(fop, this.expr(a), this.expr(b));
    }
    const iop = I32_OPS[op];
    if (!iop) internal(this.fn, `no i32 operation ${op}`);
    return m.i32Binary(iop, this.expr(a), this.expr(b));
  }

  private intrinsic(name: string, args: Expr[], type: ValueType): WasmExpr {
    const m = this.mod;
    const t = wasmTypeOf(type);
    const want = (n: number) => {
      if (args.length !== n) internal(this.fn, `intrinsic ${name} takes ${n} arguments, got ${args.length}`);
    };
    switch (name) {
      case "imul":
        want(2);
        return m.i32Binary("mul", this.expr(args[0]), this.expr(args[1]));
      // `(a + b) | 0` and `(a - b) | 0`: wrapping, which is what i32 arithmetic does in WASM.
      case "wadd":
        want(2);
        return m.i32Binary("add", this.expr(args[0]), this.expr(args[1]));
      case "wsub":
        want(2);
        return m.i32Binary("sub", this.expr(args[0]), this.expr(args[1]));
      case "min":
      case "max": {
        want(2);
        if (t === "f32") return m.f32Binary(name, this.expr(args[0]), this.expr(args[1]));
        // Each argument is evaluated once, left to right, into a temporary; select is then pure.
        const ta = this.newLocal("i32");
        const tb = this.newLocal("i32");
        const ga = m.localGet(ta, "i32");
        const gb = m.localGet(tb, "i32");
        const cmp = m.i32Binary(name === "min" ? "lt_s" : "gt_s", m.localGet(ta, "i32"), m.localGet(tb, "i32"));
        return m.block(null, [
          m.localSet(ta, this.expr(args[0])),
          m.localSet(tb, this.expr(args[1])),
          m.select(cmp, ga, gb),
        ], "i32");
      }
      case "sqrt":
        want(1);
        return m.f32Sqrt(this.expr(args[0]));
      case "floordiv":
        want(2);
        return m.f32FloorDiv(this.expr(args[0]), this.expr(args[1]));
      case "abs": {
        want(1);
        if (t === "f32") return m.f32Abs(this.expr(args[0]));
        const tv = this.newLocal("i32");
        return m.block(null, [
          m.localSet(tv, this.expr(args[0])),
          m.select(
            m.i32Binary("lt_s", m.localGet(tv, "i32"), m.i32Const(0)),
            m.i32Binary("sub", m.i32Const(0), m.localGet(tv, "i32")),
            m.localGet(tv, "i32"),
          ),
        ], "i32");
      }
      default: {
        const info = INTRINSICS.get(name);
        if (!info) internal(this.fn, `unknown intrinsic ${name}`);
        want(info.arity);
        if (t !== "i32" || args.some((a) => a.type === "f32")) internal(this.fn, `intrinsic ${name} is i32-only`);
        return m.call(info.wasm, args.map((a) => this.expr(a)), "i32");
      }
    }
  }

  private convert(a: Expr, to: ValueType): WasmExpr {
    const m = this.mod;
    if (a.type === "void") internal(this.fn, "conversion of a void call");
    const v = this.expr(a);
    if (wasmTypeOf(a.type) === wasmTypeOf(to)) {
      // i32 <-> bool: bool values are already 0/1; i32 -> bool tests non-zero.
      return a.type === "i32" && to === "bool" ? m.i32Binary("ne", v, m.i32Const(0)) : v;
    }
    return to === "f32" ? m.f32FromI32(v) : m.i32FromF32(v);
  }
}

/** Adds KIR function `fn` to `mod` under its KIR name. `records` resolves record parameters. */
export function emitFunction(mod: WasmModule, fn: KFunction, records: Map<string, RecordType>): void {
  new FunctionEmitter(mod, fn, records).emit();
}
