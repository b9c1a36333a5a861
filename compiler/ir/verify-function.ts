/**
 * @fileoverview The KIR verifier on one function (compiler/ir/verify.ts is the entry): walks the
 * body once with the scopes of its lets, checks every statement and expression against the
 * rules of ./verify-rules.ts and throws the first VerifyError. Callees and record types come
 * from a VerifyContext, so the same check serves a lowered module, a function in the middle of
 * specialization and a finished program.
 */
import type { Arg, Expr, KFunction, Param, RecordType, Scalar, Stmt, ValueType } from "./kir.ts";
import { isNarrow, valueTypeOf } from "./kir.ts";
import { BUILTINS, INTRINSICS } from "./intrinsics.ts";
import { fitsStorage, kindOf, show, VerifyError, type VerifyRule } from "./verify-rules.ts";
import { forEachStmt } from "./walk.ts";

/** What a call needs to know of its callee. */
export type Signature = Pick<KFunction, "name" | "params" | "ret">;

export interface VerifyContext {
  /** The function a call names, or undefined when there is none. */
  callee(name: string): Signature | undefined;
  /** A record type by name. */
  record(name: string): RecordType | undefined;
  /** The pass that produced what is verified, for the message ("lower", "fold", ...). */
  stage?: string;
  /** Callees that exist only later (calls of them are not checked): e.g. a dispatch generated after lowering. */
  later?: ReadonlySet<string>;
}

/** Verifies one function; throws the first VerifyError. */
export function verifyFunction(fn: KFunction, ctx: VerifyContext): void {
  new FunctionVerifier(fn, ctx).run();
}

/** A message built only when a check fails. */
type Msg = () => string;

const VALUE_TYPES = new Set<string>(["i32", "f32", "bool"]);
const SCALARS = new Set<string>(["i8", "i16", "i32", "u8", "u16", "f32", "bool"]);
const ARITH = new Set<string>(["add", "sub", "mul", "div", "rem", "and", "or", "xor", "shl", "shr", "shru"]);
const F32_ARITH = new Set<string>(["add", "sub", "mul", "div"]);
const COMPARE = new Set<string>(["eq", "ne", "lt", "le", "gt", "ge"]);

class FunctionVerifier {
  private readonly params = new Map<string, Param>();
  /** Lets in scope now, and the names each open scope declared (closed scopes drop theirs). */
  private readonly visible = new Map<string, Scalar>();
  private readonly scopes: string[][] = [];
  /** Lets met so far (in any scope), and every let of the function. */
  private readonly declared = new Set<string>();
  private readonly allLets = new Set<string>();
  private loops = 0;

  constructor(private readonly fn: KFunction, private readonly ctx: VerifyContext) {}

  private fail(rule: VerifyRule, detail: string): never {
    throw new VerifyError(rule, this.fn.name, detail, this.ctx.stage);
  }

  run(): void {
    const { fn } = this;
    if (fn.ret !== "void" && !SCALARS.has(fn.ret)) this.fail("type", `return type '${fn.ret}'`);
    for (const p of fn.params) {
      if (this.params.has(p.name)) this.fail("unique-local", `parameter '${p.name}' declared twice`);
      this.params.set(p.name, p);
      if (p.type.kind === "scalar" && !SCALARS.has(p.type.type)) this.fail("type", `parameter '${p.name}' of type '${p.type.type}'`);
      if (p.type.kind === "array" && !SCALARS.has(p.type.elem)) this.fail("type", `array parameter '${p.name}' of '${p.type.elem}'`);
      if (p.type.kind === "record" && !this.ctx.record(p.type.name)) {
        this.fail("record-field", `parameter '${p.name}' has unknown record type '${p.type.name}'`);
      }
      if (p.written && p.type.kind !== "array") this.fail("written", `${p.type.kind} parameter '${p.name}' is marked written`);
    }
    forEachStmt(fn.body, (s) => { if (s.k === "let") this.allLets.add(s.name); });
    this.block(fn.body);
  }

  private open(): void {
    this.scopes.push([]);
  }

  private close(): void {
    for (const name of this.scopes.pop()!) this.visible.delete(name);
  }

  private block(list: Stmt[]): void {
    this.open();
    for (const s of list) this.stmt(s);
    this.close();
  }

  private stmt(s: Stmt): void {
    switch (s.k) {
      case "let": {
        if (this.params.has(s.name)) this.fail("unique-local", `let '${s.name}' shadows a parameter`);
        if (this.declared.has(s.name)) this.fail("unique-local", `'${s.name}' has two lets`);
        if (!SCALARS.has(s.type)) this.fail("type", `let '${s.name}' of type '${s.type}'`);
        if (s.init) {
          this.expect(s.init, valueTypeOf(s.type), () => `initializer of ${s.type} '${s.name}'`);
          this.narrow(s.type, s.init, () => `let '${s.name}'`);
        }
        this.declared.add(s.name);
        this.visible.set(s.name, s.type);
        this.scopes[this.scopes.length - 1].push(s.name);
        return;
      }
      case "assign": {
        const t = this.scalar(s.name, "assigned");
        this.expect(s.value, valueTypeOf(t), () => `value assigned to '${s.name}'`);
        this.narrow(t, s.value, () => `assignment to '${s.name}'`);
        return;
      }
      case "store": {
        const p = this.array(s.array, () => `store into '${s.array}'`);
        if (s.elem !== p.elem) this.fail("type", `${showStore(s)}: '${s.array}' is an array of ${p.elem}, stored as ${s.elem}`);
        this.expect(s.index, "i32", () => `index of ${showStore(s)}`);
        this.constIndex(s.index, () => showStore(s));
        this.expect(s.value, valueTypeOf(p.elem), () => `value of ${showStore(s)}`);
        if (!this.params.get(s.array)!.written) this.fail("written", `${showStore(s)}: '${s.array}' is not marked written`);
        return;
      }
      case "st32": {
        const what = `st32(${s.array}, ${show(s.index)}, …)`;
        const p = this.array(s.array, () => what);
        if (p.elem !== "i8") this.fail("type", `${what}: '${s.array}' is an array of ${p.elem}; st32 takes an i8 array`);
        this.expect(s.index, "i32", () => `index of ${what}`);
        this.constIndex(s.index, () => what);
        this.expect(s.value, "i32", () => `value of ${what}`);
        if (!this.params.get(s.array)!.written) this.fail("written", `${what}: '${s.array}' is not marked written`);
        return;
      }
      case "if":
        this.expect(s.cond, "bool", () => "if condition");
        this.block(s.then);
        this.block(s.else);
        return;
      case "for":
        this.open();
        for (const x of s.init) this.stmt(x);
        if (s.cond) this.expect(s.cond, "bool", () => "loop condition");
        this.loops++;
        this.block(s.body);
        this.loops--;
        this.block(s.step);
        this.close();
        return;
      case "break":
      case "continue":
        if (this.loops === 0) this.fail("loop-control", `${s.k} outside a loop`);
        return;
      case "return": {
        const { ret } = this.fn;
        if (ret === "void") {
          if (s.value) this.fail("return", `void function returns ${show(s.value)}`);
        } else if (!s.value) {
          this.fail("return", `return without a value in a function returning ${ret}`);
        } else {
          const t = this.expr(s.value);
          if (t !== valueTypeOf(ret)) this.fail("return", `returns ${t} ${show(s.value)} from a function returning ${ret}`);
          this.narrow(ret, s.value, () => "return value");
        }
        return;
      }
      case "expr":
        this.expr(s.e, true);
        return;
      case "profile":
        if (!this.fn.generated) this.fail("generated-only", `profile ${s.edge} statement in a function lowered from source`);
        this.expect(s.key, "i32", () => "profile key");
        return;
      default:
        this.fail("type", `unknown statement kind '${(s as { k: string }).k}'`);
    }
  }

  /** The declared type of scalar `name` in scope (a let or a scalar parameter). */
  private scalar(name: string, use: "read" | "assigned"): Scalar {
    const t = this.visible.get(name);
    if (t) return t;
    const p = this.params.get(name);
    if (p) {
      if (p.type.kind !== "scalar") this.fail("param-kind", `${p.type.kind} parameter '${name}' ${use} as a scalar`);
      return p.type.type;
    }
    if (!this.allLets.has(name)) this.fail("declared-before-use", `'${name}' ${use} but never declared`);
    if (this.declared.has(name)) this.fail("declared-before-use", `'${name}' ${use} outside the scope of its let`);
    this.fail("declared-before-use", `'${name}' ${use} before its let`);
  }

  private array(name: string, what: Msg): { elem: Scalar } {
    const p = this.params.get(name);
    if (!p || p.type.kind !== "array") this.fail("param-kind", `${what()}: '${name}' is not an array parameter`);
    return p.type;
  }

  /** `v` goes into storage of type `t`: if narrow, it must fit. */
  private narrow(t: Scalar, v: Expr, what: Msg): void {
    if (isNarrow(t) && !fitsStorage(t, v, (n) => this.declaredScalar(n))) this.fail("narrow", `${what()}: ${show(v)} may not fit ${t}`);
  }

  private declaredScalar(name: string): Scalar | undefined {
    const p = this.params.get(name);
    return this.visible.get(name) ?? (p?.type.kind === "scalar" ? p.type.type : undefined);
  }

  private constIndex(index: Expr, where: Msg): void {
    if (index.k === "const" && index.value < 0) this.fail("array-bounds", `${where()}: constant index ${index.value} < 0`);
  }

  private expect(e: Expr, want: ValueType, what: Msg): void {
    const t = this.expr(e);
    if (t !== want) this.fail("type", `${what()} is ${t} (${show(e)}), expected ${want}`);
  }

  /** Checks `e` and returns its type; void only where the statement allows it. */
  private expr(e: Expr, allowVoid = false): ValueType | "void" {
    if (e.type !== "void" || e.k !== "call") {
      if (!VALUE_TYPES.has(e.type)) this.fail("type", `${show(e)} has type '${e.type}'`);
    }
    switch (e.k) {
      case "const":
        this.constant(e);
        return e.type;
      case "var": {
        const t = valueTypeOf(this.scalar(e.name, "read"));
        if (t !== e.type) this.fail("type", `'${e.name}' is ${t}, read as ${e.type}`);
        return t;
      }
      case "field": {
        const p = this.params.get(e.record);
        if (!p || p.type.kind !== "record") this.fail("param-kind", `${show(e)}: '${e.record}' is not a record parameter`);
        const rec = this.ctx.record(p.type.name)!;
        if (!rec.fields.includes(e.field)) this.fail("record-field", `${show(e)}: record ${rec.name} has no field '${e.field}'`);
        if ((e.type as string) !== "i32") this.fail("type", `${show(e)} read as ${e.type as string}; fields are i32`);
        return e.type;
      }
      case "load": {
        const p = this.array(e.array, () => `load ${show(e)}`);
        if (e.elem !== p.elem) this.fail("type", `${show(e)}: '${e.array}' is an array of ${p.elem}, loaded as ${e.elem}`);
        this.expect(e.index, "i32", () => `index of ${show(e)}`);
        this.constIndex(e.index, () => show(e));
        if (e.type !== valueTypeOf(p.elem)) this.fail("type", `${show(e)}: a load of ${p.elem} has type ${valueTypeOf(p.elem)}, not ${e.type}`);
        return e.type;
      }
      case "ld32": {
        const p = this.array(e.array, () => show(e));
        if (p.elem !== "i8") this.fail("type", `${show(e)}: '${e.array}' is an array of ${p.elem}; ld32 takes an i8 array`);
        this.expect(e.index, "i32", () => `index of ${show(e)}`);
        this.constIndex(e.index, () => show(e));
        if ((e.type as string) !== "i32") this.fail("type", `${show(e)} typed ${e.type as string}; ld32 is i32`);
        return e.type;
      }
      case "unary": {
        const a = this.expr(e.a);
        const ok = e.op === "neg" ? (a === "i32" || a === "f32") && e.type === a
          : e.op === "bitnot" ? a === "i32" && e.type === "i32"
          : e.op === "not" ? a === "bool" && e.type === "bool" : false;
        if (!ok) this.fail("type", `${e.op} of ${a} typed ${e.type}: ${show(e)}`);
        return e.type;
      }
      case "binary":
        return this.binary(e);
      case "select": {
        this.expect(e.cond, "bool", () => `condition of ${show(e)}`);
        const a = this.expr(e.a);
        const b = this.expr(e.b);
        if (a !== b || e.type !== a) this.fail("type", `select of ${a} and ${b} typed ${e.type}: ${show(e)}`);
        return e.type;
      }
      case "call":
        return this.call(e, allowVoid);
      case "intrinsic": {
        const info = INTRINSICS.get(e.name) ?? BUILTINS.get(e.name);
        if (!info) this.fail("unknown-callee", `unknown intrinsic '${e.name}'`);
        if (e.args.length !== info.arity) this.fail("intrinsic-arity", `${e.name} takes ${info.arity} arguments, got ${e.args.length}: ${show(e)}`);
        const t = "type" in info && info.type === "f32" ? "f32" : "i32";
        e.args.forEach((a, i) => this.expect(a, t, () => `argument ${i + 1} of ${e.name}`));
        if (e.type !== t) this.fail("type", `${show(e)} typed ${e.type}; ${e.name} returns ${t}`);
        return e.type;
      }
      case "convert": {
        const a = this.expr(e.a);
        const ok = (e.to === "i32" && a === "f32") || (e.to === "f32" && a === "i32");
        if (!ok || e.type !== e.to) this.fail("type", `convert of ${a} to ${e.to} typed ${e.type}: ${show(e)}`);
        return e.type;
      }
      default:
        this.fail("type", `unknown expression kind '${(e as { k: string }).k}'`);
    }
  }

  private constant(e: Extract<Expr, { k: "const" }>): void {
    const v = e.value;
    const ok = typeof v === "number" && (e.type === "i32" ? Number.isInteger(v) && v >= -(2 ** 31) && v < 2 ** 31
      : e.type === "bool" ? v === 0 || v === 1
      : Object.is(Math.fround(v), v));
    if (!ok) this.fail("type", `constant ${v} does not fit ${e.type}`);
  }

  private binary(e: Extract<Expr, { k: "binary" }>): ValueType {
    const a = this.expr(e.a);
    const b = this.expr(e.b);
    let ok: boolean;
    if (ARITH.has(e.op)) ok = a === b && e.type === a && (a === "i32" || (a === "f32" && F32_ARITH.has(e.op)));
    else if (COMPARE.has(e.op)) ok = a === b && a !== "void" && e.type === "bool" && (a !== "bool" || e.op === "eq" || e.op === "ne");
    else if (e.op === "land" || e.op === "lor") ok = a === "bool" && b === "bool" && e.type === "bool";
    else ok = false;
    if (!ok) this.fail("type", `${e.op} of ${a} and ${b} typed ${e.type}: ${show(e)}`);
    return e.type;
  }

  private call(e: Extract<Expr, { k: "call" }>, allowVoid: boolean): ValueType | "void" {
    const callee = this.ctx.callee(e.fn);
    if (!callee) {
      if (!this.ctx.later?.has(e.fn)) this.fail("unknown-callee", `call of unknown function '${e.fn}'`);
    } else {
      if (e.args.length !== callee.params.length) {
        this.fail("call-args", `${e.fn} takes ${callee.params.length} arguments, got ${e.args.length}`);
      }
      e.args.forEach((a, i) => this.arg(a, callee.params[i], () => `argument ${i + 1} of ${e.fn}`));
      const ret = callee.ret === "void" ? "void" : valueTypeOf(callee.ret);
      if (e.type !== ret) this.fail("call-args", `call of ${e.fn} typed ${e.type}; it returns ${ret}`);
    }
    if (e.type === "void" && !allowVoid) this.fail("type", `void call of ${e.fn} used as a value`);
    if (e.type !== "void" && !VALUE_TYPES.has(e.type)) this.fail("type", `call of ${e.fn} has type '${e.type}'`);
    return e.type;
  }

  private generatedOnly(a: Arg, msg: Msg): void {
    if (!this.fn.generated) this.fail("generated-only", `${msg()} is a ${a.k} argument in a function lowered from source`);
  }

  /** Array `name` of this function goes to callee parameter `p`: written there means written here. */
  private passWritten(name: string, p: Param, msg: Msg): void {
    if (p.written && !this.params.get(name)!.written) this.fail("written", `${msg()}: '${name}' goes to written '${p.name}' but is not marked written`);
  }

  private arg(a: Arg, p: Param, msg: Msg): void {
    const t = p.type;
    switch (a.k) {
      case "value": {
        if (t.kind !== "scalar") this.fail("call-args", `${msg()} is a value; parameter '${p.name}' is ${kindOf(t.kind)}`);
        const v = this.expr(a.e);
        if (v !== valueTypeOf(t.type)) this.fail("call-args", `${msg()} is ${v} (${show(a.e)}); parameter '${p.name}' is ${t.type}`);
        this.narrow(t.type, a.e, msg);
        return;
      }
      case "array": {
        if (t.kind !== "array") this.fail("call-args", `${msg()} is array '${a.name}'; parameter '${p.name}' is ${kindOf(t.kind)}`);
        const elem = this.array(a.name, msg).elem;
        if (elem !== t.elem) this.fail("call-args", `${msg()}: '${a.name}' is an array of ${elem}; parameter '${p.name}' takes ${t.elem}`);
        this.passWritten(a.name, p, msg);
        return;
      }
      case "record": {
        if (t.kind !== "record") this.fail("call-args", `${msg()} is record '${a.name}'; parameter '${p.name}' is ${kindOf(t.kind)}`);
        const own = this.params.get(a.name);
        if (!own || own.type.kind !== "record") this.fail("param-kind", `${msg()}: '${a.name}' is not a record parameter`);
        if (own.type.name !== t.name) this.fail("call-args", `${msg()}: '${a.name}' is a ${own.type.name} record; parameter '${p.name}' takes ${t.name}`);
        return;
      }
      case "view": {
        this.generatedOnly(a, msg);
        if (t.kind !== "array") this.fail("call-args", `${msg()} is a view; parameter '${p.name}' is ${kindOf(t.kind)}`);
        if (a.elem !== t.elem) this.fail("call-args", `${msg()}: a view of ${a.elem}; parameter '${p.name}' takes ${t.elem}`);
        this.array(a.arena, () => `${msg()} (arena)`);
        this.array(a.image, () => `${msg()} (image)`);
        this.expect(a.inArena, "bool", () => `${msg()}: inArena`);
        this.expect(a.byteOffset, "i32", () => `${msg()}: byteOffset`);
        this.passWritten(a.arena, p, msg);
        return;
      }
      case "recordAt": {
        this.generatedOnly(a, msg);
        if (t.kind !== "record" || t.name !== a.record) {
          this.fail("call-args", `${msg()}: a ${a.record} record; parameter '${p.name}' takes ${t.kind === "record" ? t.name : kindOf(t.kind)}`);
        }
        if (this.array(a.base, () => `${msg()} (base)`).elem !== "i32") this.fail("call-args", `${msg()}: base '${a.base}' is not an i32 array`);
        this.expect(a.wordIndex, "i32", () => `${msg()}: wordIndex`);
        return;
      }
      default:
        this.fail("call-args", `${msg()} has unknown kind '${(a as { k: string }).k}'`);
    }
  }
}

function showStore(s: Extract<Stmt, { k: "store" }>): string {
  return `store ${s.array}[${show(s.index)}]`;
}
