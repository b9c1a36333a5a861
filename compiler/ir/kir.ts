/**
 * @fileoverview KIR, the kernel IR: subset TypeScript after checking, before emission.
 *
 * compiler/subset/ builds KIR from kernels/*.ts; compiler/specialize/ rewrites it (folds a
 * constant record into a function, resolves branches); compiler/emit/c and compiler/emit/wasm
 * spell it. Emitters never compute semantics: every expression carries its type, narrow loads
 * and stores say their element type, and integer division is explicit.
 *
 * Invariants (compiler/ir/verify.ts checks these and the rest of its RULES after every pass
 * when a build verifies; the tests always do):
 * - local names are unique within a function (the frontend renames shadowed ones), and every
 *   `var` names a scalar parameter or a `let` earlier in an enclosing scope;
 * - expression types are "i32", "f32" or "bool" (narrow types exist only in storage: array
 *   elements and declared locals/params, whose reads are i32), and each agrees with its operands;
 * - a value stored in a narrow local or parameter fits it (TypeScript would keep it unwrapped);
 * - a `Record` parameter appears only as the object of `field` expressions or as a call argument
 *   to a function taking the same record type;
 * - `profile` statements and `view`/`recordAt` arguments appear only in generated functions.
 */

/** Storage types: what a variable, parameter or array element is declared as. */
export type Scalar = "i8" | "i16" | "i32" | "u8" | "u16" | "f32" | "bool";
/** Types of expression values after promotion. */
export type ValueType = "i32" | "f32" | "bool";

export type ParamType =
  | { kind: "scalar"; type: Scalar }
  | { kind: "array"; elem: Scalar }
  | { kind: "record"; name: string };

export type BinaryOp =
  | "add" | "sub" | "mul" | "div" | "rem"
  | "and" | "or" | "xor" | "shl" | "shr" | "shru"
  | "eq" | "ne" | "lt" | "le" | "gt" | "ge"
  | "land" | "lor";

export type UnaryOp = "neg" | "bitnot" | "not";

export type Expr =
  | { k: "const"; type: ValueType; value: number }
  /** A local variable or a scalar parameter. */
  | { k: "var"; name: string; type: ValueType }
  /** `p.field` of a record parameter (always i32). */
  | { k: "field"; record: string; field: string; type: "i32" }
  /** `a[index]` of an array parameter; `elem` is the array's element type. */
  | { k: "load"; array: string; elem: Scalar; index: Expr; type: ValueType }
  | { k: "unary"; op: UnaryOp; a: Expr; type: ValueType }
  /** Integer `div` truncates toward zero (from `(a / b) | 0`); `add/sub/mul` on i32 wrap. */
  | { k: "binary"; op: BinaryOp; a: Expr; b: Expr; type: ValueType }
  | { k: "select"; cond: Expr; a: Expr; b: Expr; type: ValueType }
  /** Call of another subset function (by its KIR name). Array and record args are `var`s. */
  | { k: "call"; fn: string; args: Arg[]; type: ValueType | "void" }
  /** Call of an intrinsic from kernels/intrinsics.ts (or Math.imul/min/max/abs, as imul/min/max/abs). */
  | { k: "intrinsic"; name: string; args: Expr[]; type: ValueType }
  /** Conversion between value types (i32 <-> f32) . */
  | { k: "convert"; to: ValueType; a: Expr; type: ValueType }
  /**
   * `ld32(a, index)` of kernels/intrinsics.ts: the little-endian word of i8 array `array` at byte
   * `index` (any alignment). C: mote_ld32; WASM: i32.load with alignment 1.
   */
  | { k: "ld32"; array: string; index: Expr; type: "i32" };

/**
 * Call arguments: a scalar expression, or an array/record parameter passed through by name.
 * The last two exist only in code the compiler generates (the interpreter's dispatch function,
 * compiler/build/interpreter/dispatch.ts), never in subset source:
 *  - `view`: an array of `elem` starting `byteOffset` bytes into array parameter `arena` when
 *    `inArena` is true, else into array parameter `image` (a tensor in the arena or constant data
 *    in the model image);
 *  - `recordAt`: the record of type `record` whose i32 fields start at element `wordIndex` of the
 *    i32 array parameter `base`.
 */
export type Arg =
  | { k: "value"; e: Expr }
  | { k: "array"; name: string }
  | { k: "record"; name: string }
  | { k: "view"; elem: Scalar; inArena: Expr; arena: string; image: string; byteOffset: Expr }
  | { k: "recordAt"; record: string; base: string; wordIndex: Expr };

export type Stmt =
  | { k: "let"; name: string; type: Scalar; init: Expr | null }
  | { k: "assign"; name: string; value: Expr }
  | { k: "store"; array: string; elem: Scalar; index: Expr; value: Expr }
  /** `st32(a, index, value)`: stores the i32 `value` little-endian into i8 array `array` at byte `index`. */
  | { k: "st32"; array: string; index: Expr; value: Expr }
  | { k: "if"; cond: Expr; then: Stmt[]; else: Stmt[] }
  /** All loops: `while (c)` is a `for` with empty init and step. */
  | { k: "for"; init: Stmt[]; cond: Expr | null; step: Stmt[]; body: Stmt[] }
  | { k: "break" }
  | { k: "continue" }
  | { k: "return"; value: Expr | null }
  | { k: "expr"; e: Expr }
  /**
   * Only in generated code (the interpreter's dispatch, compiler/build/interpreter/dispatch.ts): a
   * per-layer profiling hook with an i32 `key`. C spells MOTE_PROFILE_BEGIN/END(key), which
   * compile away unless MOTE_PROFILE is defined; WASM emits nothing. No effect on semantics.
   */
  | { k: "profile"; edge: "begin" | "end"; key: Expr };

export interface Param {
  name: string;
  type: ParamType;
  /** Arrays only: true when the function (or a callee) stores into it. Emitted as non-const. */
  written?: boolean;
}

export interface KFunction {
  name: string;
  params: Param[];
  ret: Scalar | "void";
  body: Stmt[];
  /** Source file and line, for comments in generated code and diagnostics. */
  source: string;
  /**
   * A shared helper of kernels/common/ (record-free): C always inlines it, so each caller's
   * constants fold it as if it were written there.
   */
  inline?: boolean;
  /**
   * C never inlines this function into its caller: an entry of a DSP kernel (exported by
   * kernels/<op>_dsp.ts), or a function whose doc comment has a `@noinline` tag. A hot loop then has
   * the register file to itself instead of sharing it with the values its caller keeps live across
   * the call (ad01 with kernels/fully_connected_dsp.ts: 382 K instructions as called functions, 560 K
   * inlined into mote_invoke; kernels/conv_2d_dsp.ts's GEMM). Speed only.
   */
  noinline?: boolean;
  /**
   * `@unroll N` in the doc comment: a `for` loop of this function that declares its counter
   * (`for (let u = ...; ...)`) and runs at most N times is unrolled whatever its body's size
   * (compiler/specialize/unroll.ts); other loops follow the usual limits. For a hot loop whose
   * body the kernel wants as straight-line code with constant offsets (kernels/conv_2d_dsp.ts's
   * K loop). Speed only.
   */
  unroll?: number;
  /**
   * `@noschedule` in the doc comment: C compilers that schedule before register allocation (gcc)
   * do not, for this function (MOTE_NOSCHEDULE: gcc's optimize("no-schedule-insns")). gcc -O2
   * otherwise hoists the loads of a long straight-line SMLAD body far ahead of their uses and
   * spills the values (kernels/conv_2d_dsp.ts's GEMM: kws 4.70 M -> 4.40 M instructions). Speed only.
   */
  noschedule?: boolean;
  /**
   * `@noipa` in the doc comment: C neither inlines, clones nor propagates constants into this
   * function (MOTE_NOIPA). Its array parameters then stay registers: gcc otherwise clones a
   * @noinline function for its constant arguments and addresses a planned scratch array as the
   * arena's address + a constant too large for LDRD's offset, one ADD per load (kernels/
   * conv_2d_dsp.ts's GEMM with int16 weights: kws 4.17 M -> 3.92 M instructions). Speed only.
   */
  noipa?: boolean;
  /**
   * True for a function the compiler builds itself rather than lowering it from subset source
   * (the interpreter's dispatch): only such a function may hold `profile` statements and `view`
   * or `recordAt` call arguments.
   */
  generated?: boolean;
}

export interface RecordType {
  name: string;
  /** Every field is i32, laid out in this order at 4-byte strides (generic, unspecialized form). */
  fields: string[];
}

export interface KModule {
  functions: Map<string, KFunction>;
  records: Map<string, RecordType>;
}

export function valueTypeOf(s: Scalar): ValueType {
  return s === "f32" ? "f32" : s === "bool" ? "bool" : "i32";
}

/** The value range of each integer storage type (f32 has none). */
export const SCALAR_RANGE: Readonly<Partial<Record<Scalar, readonly [number, number]>>> = {
  i8: [-128, 127], u8: [0, 255], i16: [-32768, 32767], u16: [0, 65535], i32: [-(2 ** 31), 2 ** 31 - 1], bool: [0, 1],
};

/**
 * Narrow storage types of scalars: TypeScript keeps a value stored in an i8 local or parameter
 * unwrapped where C converts it, so a value stored there must already fit (typed arrays wrap
 * in both languages, so array elements need not).
 */
export function isNarrow(t: Scalar): boolean {
  return t === "i8" || t === "i16" || t === "u8" || t === "u16";
}

/** True when every value of storage type `from` fits storage type `to`. */
export function fitsIn(from: Scalar, to: Scalar): boolean {
  const a = SCALAR_RANGE[from];
  const b = SCALAR_RANGE[to];
  return from === to || (!!a && !!b && a[0] >= b[0] && a[1] <= b[1]);
}

/** Bytes per element of an array of `s`. */
export function scalarBytes(s: Scalar): number {
  switch (s) {
    case "i8": case "u8": case "bool": return 1;
    case "i16": case "u16": return 2;
    default: return 4;
  }
}
