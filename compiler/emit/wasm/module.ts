/**
 * @fileoverview The one typed facade over binaryen's API for the WASM backend.
 *
 * Only this file (and intrinsics.ts, which builds the `mote_<name>` helper functions) imports
 * binaryen; function.ts and model.ts speak to `WasmModule` in terms of KIR-shaped notions:
 * machine value types ("i32" | "f32"), element-typed loads and stores, structured control flow,
 * locals by index. Expression handles are branded numbers so they cannot be mixed up with plain
 * integers (addresses, indices) by accident.
 *
 * Invariants: a `WasmModule` owns its binaryen module until `dispose()`; `setMemory` comes before
 * any load or store is built (binaryen binds memory accesses to the memory when they are created);
 * optimizer settings are global in binaryen, so `optimize()` restores the previous levels.
 */
import binaryen from "binaryen";
import type { Scalar } from "../../ir/kir.ts";
import { addWasmIntrinsics } from "./intrinsics.ts";

/** A binaryen expression handle. */
export type WasmExpr = number & { readonly __wasmExpr: unique symbol };
/** WASM value types the backend uses (bool and narrow integers are carried as i32). */
export type WasmType = "i32" | "f32";

/** A data segment placed at an absolute address of the single memory. */
export interface WasmSegment {
  offset: number;
  data: Uint8Array;
}

export type I32BinaryOp =
  | "add" | "sub" | "mul" | "div_s" | "rem_s" | "and" | "or" | "xor" | "shl" | "shr_s" | "shr_u"
  | "eq" | "ne" | "lt_s" | "le_s" | "gt_s" | "ge_s";
export type F32BinaryOp = "add" | "sub" | "mul" | "div" | "min" | "max" | "eq" | "ne" | "lt" | "le" | "gt" | "ge";

/** WASM features the emitted code may use: saturating float->int, sign extension. */
const FEATURES = binaryen.Features.MVP | binaryen.Features.NontrappingFPToInt | binaryen.Features.SignExt
  | binaryen.Features.MutableGlobals;

function toBinaryenType(t: WasmType | "none"): number {
  return t === "i32" ? binaryen.i32 : t === "f32" ? binaryen.f32 : binaryen.none;
}

const e = (ref: number): WasmExpr => ref as WasmExpr;

/** Natural alignment (bytes) of an element of `elem`. */
function alignOf(elem: Scalar): number {
  switch (elem) {
    case "i8": case "u8": case "bool": return 1;
    case "i16": case "u16": return 2;
    default: return 4;
  }
}

export class WasmModule {
  private readonly m: binaryen.Module;
  private memorySet = false;

  constructor() {
    this.m = new binaryen.Module();
    this.m.setFeatures(FEATURES);
  }

  /** The underlying binaryen module, for intrinsics.ts only. */
  get raw(): binaryen.Module {
    return this.m;
  }

  /** Defines the internal `mote_<name>` intrinsic helpers (unused ones are removed by `optimize`). */
  addIntrinsics(): void {
    addWasmIntrinsics(this.m);
  }

  // ---- constants, locals, globals -------------------------------------------------------------

  i32Const(value: number): WasmExpr {
    return e(this.m.i32.const(value | 0));
  }

  f32Const(value: number): WasmExpr {
    return e(this.m.f32.const(value));
  }

  const(type: WasmType, value: number): WasmExpr {
    return type === "f32" ? this.f32Const(value) : this.i32Const(value);
  }

  localGet(index: number, type: WasmType): WasmExpr {
    return e(this.m.local.get(index, toBinaryenType(type)));
  }

  localSet(index: number, value: WasmExpr): WasmExpr {
    return e(this.m.local.set(index, value));
  }

  localTee(index: number, value: WasmExpr, type: WasmType): WasmExpr {
    return e(this.m.local.tee(index, value, toBinaryenType(type)));
  }

  /** An immutable exported i32 global (used for addresses in memory). */
  exportI32Global(name: string, value: number): void {
    this.m.addGlobal(name, binaryen.i32, false, this.m.i32.const(value | 0));
    this.m.addGlobalExport(name, name);
  }

  // ---- arithmetic -----------------------------------------------------------------------------

  i32Binary(op: I32BinaryOp, a: WasmExpr, b: WasmExpr): WasmExpr {
    return e(this.m.i32[op](a, b));
  }

  f32Binary(op: F32BinaryOp, a: WasmExpr, b: WasmExpr): WasmExpr {
    return e(this.m.f32[op](a, b));
  }

  i32Eqz(a: WasmExpr): WasmExpr {
    return e(this.m.i32.eqz(a));
  }

  f32Neg(a: WasmExpr): WasmExpr {
    return e(this.m.f32.neg(a));
  }

  f32Sqrt(a: WasmExpr): WasmExpr {
    return e(this.m.f32.sqrt(a));
  }

  f32Abs(a: WasmExpr): WasmExpr {
    return e(this.m.f32.abs(a));
  }

  /** The `floordiv` builtin: (float)floor((double)a / (double)b), every step an exact IEEE operation. */
  f32FloorDiv(a: WasmExpr, b: WasmExpr): WasmExpr {
    const m = this.m;
    return e(m.f32.demote(m.f64.floor(m.f64.div(m.f64.promote(a), m.f64.promote(b)))));
  }

  /** Signed i32 -> f32 (rounds to nearest). */
  f32FromI32(a: WasmExpr): WasmExpr {
    return e(this.m.f32.convert_s.i32(a));
  }

  /** f32 -> i32 truncating toward zero, saturating out-of-range values, NaN -> 0. */
  i32FromF32(a: WasmExpr): WasmExpr {
    return e(this.m.i32.trunc_s_sat.f32(a));
  }

  /** `cond ? a : b` evaluating both arms eagerly (use only on side-effect-free operands). */
  select(cond: WasmExpr, a: WasmExpr, b: WasmExpr): WasmExpr {
    return e(this.m.select(cond, a, b));
  }

  // ---- memory ---------------------------------------------------------------------------------

  /** Loads one `elem` at byte address `ptr`, promoted to its value type (narrow ints -> i32). */
  load(elem: Scalar, ptr: WasmExpr): WasmExpr {
    this.requireMemory();
    const a = alignOf(elem);
    switch (elem) {
      case "i8": return e(this.m.i32.load8_s(0, a, ptr));
      case "u8": case "bool": return e(this.m.i32.load8_u(0, a, ptr));
      case "i16": return e(this.m.i32.load16_s(0, a, ptr));
      case "u16": return e(this.m.i32.load16_u(0, a, ptr));
      case "i32": return e(this.m.i32.load(0, a, ptr));
      case "f32": return e(this.m.f32.load(0, a, ptr));
    }
  }

  /** Loads the i32 at `ptr + offset` (record fields). */
  loadI32At(ptr: WasmExpr, offset: number): WasmExpr {
    this.requireMemory();
    return e(this.m.i32.load(offset, 4, ptr));
  }

  /** The little-endian i32 at byte address `ptr`, any alignment (ld32 of int8 data). */
  loadWordUnaligned(ptr: WasmExpr): WasmExpr {
    this.requireMemory();
    return e(this.m.i32.load(0, 1, ptr));
  }

  /** Stores the i32 `value` little-endian at byte address `ptr`, any alignment (st32). */
  storeWordUnaligned(ptr: WasmExpr, value: WasmExpr): WasmExpr {
    this.requireMemory();
    return e(this.m.i32.store(0, 1, ptr, value));
  }

  /** Stores `value` as one `elem` at `ptr`; narrow integers wrap (store8/store16 keep low bits). */
  store(elem: Scalar, ptr: WasmExpr, value: WasmExpr): WasmExpr {
    this.requireMemory();
    const a = alignOf(elem);
    switch (elem) {
      case "i8": case "u8": case "bool": return e(this.m.i32.store8(0, a, ptr, value));
      case "i16": case "u16": return e(this.m.i32.store16(0, a, ptr, value));
      case "i32": return e(this.m.i32.store(0, a, ptr, value));
      case "f32": return e(this.m.f32.store(0, a, ptr, value));
    }
  }

  /** One linear memory of `pages` 64 KiB pages (fixed size), exported as `exportName`. */
  setMemory(pages: number, segments: WasmSegment[], exportName: string): void {
    if (this.memorySet) throw new Error("wasm emitter: memory set twice");
    this.memorySet = true;
    this.m.setMemory(
      pages,
      pages,
      exportName,
      segments.map((s) => ({ offset: this.m.i32.const(s.offset), data: s.data, passive: false })),
    );
  }

  private requireMemory(): void {
    if (!this.memorySet) throw new Error("wasm emitter: setMemory must precede loads and stores");
  }

  // ---- control flow ---------------------------------------------------------------------------

  block(label: string | null, children: WasmExpr[], result?: WasmType): WasmExpr {
    return e(this.m.block(label, children, result === undefined ? binaryen.none : toBinaryenType(result)));
  }

  loop(label: string, body: WasmExpr): WasmExpr {
    return e(this.m.loop(label, body));
  }

  /** `if` statement, or an if-expression when both arms produce a value. */
  if(cond: WasmExpr, then: WasmExpr, otherwise?: WasmExpr): WasmExpr {
    return e(this.m.if(cond, then, otherwise));
  }

  br(label: string): WasmExpr {
    return e(this.m.br(label));
  }

  brIf(label: string, cond: WasmExpr): WasmExpr {
    return e(this.m.br_if(label, cond));
  }

  return(value?: WasmExpr): WasmExpr {
    return e(this.m.return(value));
  }

  drop(value: WasmExpr): WasmExpr {
    return e(this.m.drop(value));
  }

  nop(): WasmExpr {
    return e(this.m.nop());
  }

  unreachable(): WasmExpr {
    return e(this.m.unreachable());
  }

  call(name: string, args: WasmExpr[], result: WasmType | "none"): WasmExpr {
    return e(this.m.call(name, args, toBinaryenType(result)));
  }

  // ---- module items ---------------------------------------------------------------------------

  addFunction(name: string, params: WasmType[], result: WasmType | "none", vars: WasmType[], body: WasmExpr): void {
    this.m.addFunction(
      name,
      binaryen.createType(params.map(toBinaryenType)),
      toBinaryenType(result),
      vars.map(toBinaryenType),
      body,
    );
  }

  exportFunction(name: string, externalName = name): void {
    this.m.addFunctionExport(name, externalName);
  }

  // ---- output ---------------------------------------------------------------------------------

  validate(): boolean {
    return this.m.validate() === 1;
  }

  /** Runs binaryen's default pipeline at `optimizeLevel` (shrink level 0), then restores settings. */
  optimize(optimizeLevel = 2): void {
    const prevOpt = binaryen.getOptimizeLevel();
    const prevShrink = binaryen.getShrinkLevel();
    binaryen.setOptimizeLevel(optimizeLevel);
    binaryen.setShrinkLevel(0);
    try {
      this.m.optimize();
    } finally {
      binaryen.setOptimizeLevel(prevOpt);
      binaryen.setShrinkLevel(prevShrink);
    }
  }

  emitBinary(): Uint8Array {
    return this.m.emitBinary();
  }

  /** The module in binaryen's text format (deterministic for a given module). */
  emitText(): string {
    return this.m.emitText();
  }

  dispose(): void {
    this.m.dispose();
  }
}
