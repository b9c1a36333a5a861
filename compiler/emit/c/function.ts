/**
 * @fileoverview KIR functions spelled as C99.
 *
 * The emitter only spells: semantics were fixed by the frontend. It parenthesizes every
 * operation, makes wrapping explicit where C would leave it undefined (shifts of negative values,
 * `| 0` adds, Math.imul) and declares arrays the function never writes as `const`. Unused
 * parameters (common after specialization) are cast to void and every narrowing is a cast, so
 * `-Wall -Wextra -Wconversion -Wcast-qual -Werror` holds; a `view` argument is `const` unless the
 * callee writes it.
 */
import type { Arg, Expr, KFunction, RecordType, Scalar, Stmt, ValueType } from "../../ir/kir.ts";
import { INTRINSICS } from "../../ir/intrinsics.ts";
import type { IoArg } from "../../ir/program.ts";
import { forEachExpr } from "../../ir/walk.ts";

export const C_TYPES: Record<Scalar, string> = {
  i8: "int8_t",
  i16: "int16_t",
  i32: "int32_t",
  u8: "uint8_t",
  u16: "uint16_t",
  f32: "float",
  bool: "int",
};

const VALUE_C: Record<ValueType, string> = { i32: "int32_t", f32: "float", bool: "int" };

const BIN_C: Record<string, string> = {
  add: "+", sub: "-", mul: "*", div: "/", rem: "%", and: "&", or: "|", xor: "^",
  shr: ">>", eq: "==", ne: "!=", lt: "<", le: "<=", gt: ">", ge: ">=", land: "&&", lor: "||",
};

export function recordStructName(r: string): string {
  return `mote_${r}`;
}

/** A step's (or an I/O conversion's) argument as C: `values` is the caller's array of that name. */
export function argExpr(a: IoArg): string {
  switch (a.k) {
    case "arena": return `(${C_TYPES[a.elem]} *)(void *)(mote_arena + ${a.offset})`;
    case "const": return a.name;
    case "null": return "NULL";
    case "record": return `(const struct ${recordStructName(a.record)} *)(const void *)${a.name}`;
    case "values": return "values";
  }
}

export function emitExpr(e: Expr): string {
  switch (e.k) {
    case "const":
      if (e.type === "f32") return floatLiteral(e.value);
      if (e.value === -2147483648) return "INT32_MIN";
      return e.value < 0 ? `(${e.value})` : String(e.value);
    case "var":
      return e.name;
    case "field":
      return `${e.record}->${e.field}`;
    case "load":
      return `${e.array}[${emitExpr(e.index)}]`;
    case "ld32":
      return `mote_ld32(${e.array}, ${stripParens(emitExpr(e.index))})`;
    case "unary":
      if (e.op === "neg") return e.type === "f32" ? `(-${emitExpr(e.a)})` : `((int32_t)(0u - (uint32_t)${emitExpr(e.a)}))`;
      return `(${e.op === "bitnot" ? "~" : "!"}${emitExpr(e.a)})`;
    case "binary": {
      const a = emitExpr(e.a);
      const b = emitExpr(e.b);
      if (e.op === "shl") return `((int32_t)((uint32_t)${a} << ${shiftCount(e.b)}))`;
      if (e.op === "shru") return `((int32_t)((uint32_t)${a} >> ${shiftCount(e.b)}))`;
      if (e.op === "shr") return `(${a} >> ${shiftCount(e.b)})`;
      return `(${a} ${BIN_C[e.op]} ${b})`;
    }
    case "select":
      return `(${emitExpr(e.cond)} ? ${emitExpr(e.a)} : ${emitExpr(e.b)})`;
    case "intrinsic":
      return emitIntrinsic(e.name, e.args.map(emitExpr));
    case "call": {
      const params = callees?.get(e.fn)?.params;
      return `${e.fn}(${e.args.map((a, i) => emitArg(a, params && params[i] ? params[i].written === true : undefined)).join(", ")})`;
    }
    case "convert":
      return `((${VALUE_C[e.to]})${emitExpr(e.a)})`;
  }
}

/**
 * The functions of the program being emitted, by name (set by emitFunction): a `view` argument
 * is spelled `const` when the callee never writes that parameter.
 */
let callees: ReadonlyMap<string, KFunction> | undefined;

/**
 * `written`: whether the callee stores into this parameter (undefined: unknown). A view lies in
 * the arena or in the read-only image; a read-only parameter receives it as a const pointer, a
 * written one (always in the arena) through uintptr_t, the explicit way to drop the const of the
 * image branch without -Wcast-qual.
 */
function emitArg(a: Arg, written?: boolean): string {
  switch (a.k) {
    case "value": return emitExpr(a.e);
    case "array": case "record": return a.name;
    case "view": {
      const base = (name: string): string => `(const uint8_t *)(const void *)${name} + ${emitExpr(a.byteOffset)}`;
      const pick = `(${emitExpr(a.inArena)} ? ${base(a.arena)} : ${base(a.image)})`;
      return written === false ? `(const ${C_TYPES[a.elem]} *)(const void *)${pick}` : `(${C_TYPES[a.elem]} *)(uintptr_t)(const void *)${pick}`;
    }
    case "recordAt":
      return `(const struct ${recordStructName(a.record)} *)(const void *)(${a.base} + ${emitExpr(a.wordIndex)})`;
  }
}

function shiftCount(b: Expr): string {
  if (b.k === "const" && b.value >= 0 && b.value < 32) return String(b.value);
  return `(${emitExpr(b)} & 31)`;
}

function floatLiteral(v: number): string {
  if (!Number.isFinite(v)) throw new Error(`non-finite f32 constant ${v}`);
  const s = v.toPrecision(9);
  return `${s.includes(".") || s.includes("e") ? s : `${s}.0`}f`;
}

function emitIntrinsic(name: string, args: string[]): string {
  switch (name) {
    case "imul": return `((int32_t)((uint32_t)${args[0]} * (uint32_t)${args[1]}))`;
    case "wadd": return `((int32_t)((uint32_t)${args[0]} + (uint32_t)${args[1]}))`;
    case "wsub": return `((int32_t)((uint32_t)${args[0]} - (uint32_t)${args[1]}))`;
    case "min": return `mote_min(${args[0]}, ${args[1]})`;
    case "max": return `mote_max(${args[0]}, ${args[1]})`;
    case "abs": return `mote_abs(${args[0]})`;
    case "sqrt": return `mote_sqrtf(${args[0]})`;
    case "floordiv": return `mote_floordivf(${args[0]}, ${args[1]})`;
  }
  const info = INTRINSICS.get(name);
  if (!info) throw new Error(`no C spelling for intrinsic ${name}`);
  return `${info.c}(${args.join(", ")})`;
}

/**
 * `e` as (rest, constant): `x + 3` -> [x, 3], `(x + 2) + 1` -> [x, 3], `x - 1` -> [x, -1],
 * `7` -> [null, 7], `x` -> [x, 0].
 */
function linear(e: Expr): [Expr | null, number] {
  if (e.k === "const" && e.type === "i32") return [null, e.value];
  if (e.k === "binary" && e.type === "i32") {
    const plus = (x: Expr, c: number): [Expr | null, number] => {
      const [r, k] = linear(x);
      return [r, k + c];
    };
    if (e.op === "add" && e.b.k === "const") return plus(e.a, e.b.value);
    if (e.op === "add" && e.a.k === "const") return plus(e.b, e.a.value);
    if (e.op === "sub" && e.b.k === "const") return plus(e.a, -e.b.value);
  }
  return [e, 0];
}

/**
 * Peephole: `let x = a[e]; let y = a[e + 1];` on an i32 array (adjacent words, 4-byte aligned as
 * every int32_t array is) becomes one `mote_ld2(a, e, &x, &y)`: one LDRD on Thumb-2, which gcc 12
 * never forms from two loads (docs/intrinsics.md). The index must be free of calls and not read x.
 */
function pairedLoad(s: Stmt, next: Stmt | undefined): { array: string; index: Expr } | undefined {
  if (s.k !== "let" || next?.k !== "let" || s.type !== "i32" || next.type !== "i32") return undefined;
  const a = s.init;
  const b = next.init;
  if (a?.k !== "load" || b?.k !== "load" || a.elem !== "i32" || b.elem !== "i32" || a.array !== b.array) return undefined;
  const [ra, ca] = linear(a.index);
  const [rb, cb] = linear(b.index);
  if (cb !== ca + 1 || JSON.stringify(ra) !== JSON.stringify(rb)) return undefined;
  let clean = true;
  forEachExpr([{ k: "expr", e: b.index }], (x) => {
    if (x.k === "call" || (x.k === "var" && x.name === s.name)) clean = false;
  });
  return clean ? { array: a.array, index: a.index } : undefined;
}

function emitStmts(list: Stmt[], ind: string, out: string[]): void {
  for (let i = 0; i < list.length; i++) {
    const s = list[i];
    const pair = pairedLoad(s, list[i + 1]);
    if (pair && s.k === "let" && list[i + 1].k === "let") {
      const hi = (list[i + 1] as Extract<Stmt, { k: "let" }>).name;
      out.push(`${ind}int32_t ${s.name}, ${hi};`);
      out.push(`${ind}mote_ld2(${pair.array}, ${stripParens(emitExpr(pair.index))}, &${s.name}, &${hi});`);
      i++;
      continue;
    }
    switch (s.k) {
      case "let":
        out.push(`${ind}${C_TYPES[s.type]} ${s.name}${s.init ? ` = ${cast(s.type, emitExpr(s.init))}` : " = 0"};`);
        break;
      case "assign":
        out.push(`${ind}${s.name} = ${emitExpr(s.value)};`);
        break;
      case "store":
        out.push(`${ind}${s.array}[${emitExpr(s.index)}] = ${cast(s.elem, emitExpr(s.value))};`);
        break;
      case "st32":
        out.push(`${ind}mote_st32(${s.array}, ${stripParens(emitExpr(s.index))}, ${stripParens(emitExpr(s.value))});`);
        break;
      case "if":
        out.push(`${ind}if (${stripParens(emitExpr(s.cond))}) {`);
        emitStmts(s.then, ind + "  ", out);
        if (s.else.length > 0) {
          out.push(`${ind}} else {`);
          emitStmts(s.else, ind + "  ", out);
        }
        out.push(`${ind}}`);
        break;
      case "for": {
        // Init statements are declared in an enclosing block so their names stay scoped.
        const init: string[] = [];
        emitStmts(s.init, "", init);
        const step: string[] = [];
        emitStmts(s.step, "", step);
        const stepText = step.map((x) => x.replace(/;$/, "")).join(", ");
        const cond = s.cond ? stripParens(emitExpr(s.cond)) : "";
        if (init.length === 1 && init[0].endsWith(";")) {
          out.push(`${ind}for (${init[0]} ${cond}; ${stepText}) {`);
          emitStmts(s.body, ind + "  ", out);
          out.push(`${ind}}`);
        } else {
          out.push(`${ind}{`);
          for (const l of init) out.push(`${ind}  ${l}`);
          out.push(`${ind}  for (; ${cond}; ${stepText}) {`);
          emitStmts(s.body, ind + "    ", out);
          out.push(`${ind}  }`);
          out.push(`${ind}}`);
        }
        break;
      }
      case "break":
        out.push(`${ind}break;`);
        break;
      case "continue":
        out.push(`${ind}continue;`);
        break;
      case "return":
        out.push(`${ind}return${s.value ? ` ${emitExpr(s.value)}` : ""};`);
        break;
      case "expr":
        out.push(`${ind}${e2s(s.e)};`);
        break;
      case "profile":
        out.push(`${ind}MOTE_PROFILE_STEP_${s.edge === "begin" ? "BEGIN" : "END"}(${stripParens(emitExpr(s.key))});`);
        break;
    }
  }
}

function e2s(e: Expr): string {
  return e.k === "call" ? emitExpr(e) : `(void)${emitExpr(e)}`;
}

function cast(t: Scalar, v: string): string {
  return t === "i32" || t === "bool" || t === "f32" ? v : `(${C_TYPES[t]})${v}`;
}

function stripParens(s: string): string {
  if (!s.startsWith("(") || !s.endsWith(")")) return s;
  let depth = 0;
  for (let i = 0; i < s.length; i++) {
    if (s[i] === "(") depth++;
    else if (s[i] === ")") depth--;
    if (depth === 0 && i < s.length - 1) return s;
  }
  return s.slice(1, -1);
}

/** The C prototype of `fn` (without the trailing semicolon or body). */
export function cSignature(fn: KFunction): string {
  const params = fn.params.map((p) => {
    switch (p.type.kind) {
      case "scalar": return `${C_TYPES[p.type.type]} ${p.name}`;
      case "array": return `${p.written ? "" : "const "}${C_TYPES[p.type.elem]} *${p.name}`;
      case "record": return `const struct ${recordStructName(p.type.name)} *${p.name}`;
    }
  });
  const ret = fn.ret === "void" ? "void" : C_TYPES[fn.ret];
  return `${ret} ${fn.name}(${params.length > 0 ? params.join(", ") : "void"})`;
}

/** `fn` as C; `program`: all functions of the program (callee signatures for `view` arguments). */
export function emitFunction(fn: KFunction, program?: readonly KFunction[]): string {
  callees = program ? new Map(program.map((f) => [f.name, f])) : undefined;
  const used = new Set<string>();
  forEachExpr(fn.body, (e) => {
    if (e.k === "var") used.add(e.name);
    if (e.k === "load" || e.k === "ld32") used.add(e.array);
    if (e.k === "field") used.add(e.record);
    if (e.k === "call") {
      for (const a of e.args) {
        if (a.k === "array" || a.k === "record") used.add(a.name);
        if (a.k === "view") { used.add(a.arena); used.add(a.image); }
        if (a.k === "recordAt") used.add(a.base);
      }
    }
  });
  const stored = new Set<string>();
  const collect = (l: Stmt[]): void => {
    for (const s of l) {
      if (s.k === "store" || s.k === "st32") stored.add(s.array);
      if (s.k === "assign") stored.add(s.name);
      if (s.k === "if") { collect(s.then); collect(s.else); }
      if (s.k === "for") { collect(s.init); collect(s.step); collect(s.body); }
    }
  };
  collect(fn.body);
  const lines = [`/* ${fn.source} */`, `static ${cSignature(fn)} {`];
  for (const p of fn.params) if (!used.has(p.name) && !stored.has(p.name)) lines.push(`  (void)${p.name};`);
  emitStmts(fn.body, "  ", lines);
  lines.push("}");
  return lines.join("\n");
}

export function emitRecordStruct(r: RecordType): string {
  return `struct ${recordStructName(r.name)} {\n${r.fields.map((f) => `  int32_t ${f};`).join("\n")}\n};`;
}
