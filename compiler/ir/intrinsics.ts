/**
 * @fileoverview The intrinsic registry: the one table the compiler consults for a call to a
 * fixed-point intrinsic of kernels/intrinsics.ts.
 *
 * The checker uses `arity` and `ret` to type a call, specialization folds a call with constant
 * arguments through `ts` (the TypeScript reference itself, so folding cannot drift from it), the
 * C emitter spells `c` (a static inline function of runtime/mote_intrinsics.h) and the WASM
 * emitter calls `wasm` (an internal function that compiler/emit/wasm/intrinsics.ts adds to the
 * module). test/intrinsics/ checks all three implementations agree bit for bit.
 *
 * Invariant: every entry takes and returns i32 values; names are `mote_<name>` on both targets.
 * The DSP entries (smmulr, smlad ... pkhtb) are one Cortex-M7 instruction each in C under
 * __ARM_FEATURE_DSP. ld32/st32 take an Int8Array: they are listed in MEMORY_INTRINSICS and are KIR
 * forms of their own (`ld32` expression, `st32` statement), not `intrinsic` calls.
 * Math.imul/min/max/abs and the wrapping `(a + b) | 0` / `(a - b) | 0` are not intrinsics of this
 * kind: the front end emits them as KIR `intrinsic` expressions named in BUILTINS, and each
 * emitter spells them inline. `sqrt` (from `Math.fround(Math.sqrt(x))`) is the one f32 builtin:
 * f32 argument and result (BuiltinInfo.type); C spells mote_sqrtf (runtime/mote_intrinsics.h,
 * VSQRT.F32 on the M7), WASM f32.sqrt. `floordiv` (from `Math.fround(Math.floor(x / y))` of two f32s) is
 * TFLite's FloorDiv, float(floor(double(x) / double(y))): JS divides and floors in double; C spells
 * mote_floordivf, WASM f64.div, f64.floor, f32.demote_f64 (all exact IEEE steps). Both tables together are every name an `intrinsic` may carry
 * (compiler/ir/verify.ts checks it).
 */
import * as ref from "../../kernels/intrinsics.ts";
import type { Scalar } from "./kir.ts";

export interface IntrinsicInfo {
  name: string;
  arity: number;
  ret: "i32";
  /** The kernels/intrinsics.ts function (for constant folding). */
  ts: (...a: number[]) => number;
  /** C function name in runtime/mote_intrinsics.h. */
  c: string;
  /** Name of the WASM function addWasmIntrinsics() defines. */
  wasm: string;
  doc: string;
  /** A narrow type every result fits (sat8, toI8: i8), so it may be stored in a local of that type. */
  fits?: Scalar;
}

function entry(name: string, ts: (...a: number[]) => number, doc: string, fits?: Scalar): IntrinsicInfo {
  return { name, arity: ts.length, ret: "i32", ts, c: `mote_${name}`, wasm: `mote_${name}`, doc, ...(fits ? { fits } : {}) };
}

const ENTRIES: readonly IntrinsicInfo[] = [
  entry("srdhm", ref.srdhm,
    "srdhm(a, b): saturating rounding doubling high multiply, round(a*b/2^31) ties to +inf (gemmlowp SaturatingRoundingDoublingHighMul)"),
  entry("rdbpot", ref.rdbpot,
    "rdbpot(x, exponent): x/2^exponent rounded half away from zero, exponent 0..31 (gemmlowp RoundingDivideByPOT)"),
  entry("mbqm", ref.mbqm,
    "mbqm(x, multiplier, shift): TFLite MultiplyByQuantizedMultiplier, double rounding, shift -31..31"),
  entry("sat8", ref.sat8, "sat8(x): clamp to [-128, 127]", "i8"),
  entry("sat16", ref.sat16, "sat16(x): clamp to [-32768, 32767]", "i16"),
  entry("toI8", ref.toI8, "toI8(x): wrapping narrow to int8, sign-extended", "i8"),
  entry("toI16", ref.toI16, "toI16(x): wrapping narrow to int16, sign-extended", "i16"),
  entry("mulHi", ref.mulHi, "mulHi(a, b): high 32 bits of the signed 64-bit product"),
  entry("mulLo", ref.mulLo, "mulLo(a, b): low 32 bits of the signed 64-bit product"),
  entry("satLsh", ref.satLsh, "satLsh(x, n): x*2^n saturated to int32, n 0..31"),
  entry("rdhm", ref.rdhm,
    "rdhm(a, b): rounding doubling high multiply without saturation, floor((a*b + 2^30)/2^31) wrapped (srdhm unless both are INT32_MIN)"),
  // Cortex-M DSP (SIMD within a register): one instruction each under __ARM_FEATURE_DSP.
  entry("smmulr", ref.smmulr, "smmulr(a, b): high word of the 64-bit product, rounded: floor((a*b + 2^31)/2^32) (SMMULR)"),
  entry("smlad", ref.smlad, "smlad(x, y, acc): acc + lo(x)*lo(y) + hi(x)*hi(y) on signed 16-bit halves, wrapping (SMLAD)"),
  entry("smladx", ref.smladx, "smladx(x, y, acc): acc + lo(x)*hi(y) + hi(x)*lo(y), wrapping (SMLADX)"),
  entry("sxtb16", ref.sxtb16, "sxtb16(x): bytes 0 and 2 of x sign-extended into the low and high halves (SXTB16)"),
  entry("sxtb16r8", ref.sxtb16r8, "sxtb16r8(x): bytes 1 and 3 of x sign-extended into the low and high halves (SXTB16 ROR #8)"),
  entry("sxtab16", ref.sxtab16, "sxtab16(a, x): halves of a plus bytes 0 and 2 of x sign-extended, each half wrapping (SXTAB16)"),
  entry("pkhbt", ref.pkhbt, "pkhbt(a, b, sh): low half of a, high half of b << sh; sh a constant 0..31 (PKHBT)"),
  entry("pkhtb", ref.pkhtb, "pkhtb(a, b, sh): high half of a, low half of b >> sh (arithmetic); sh a constant 0..31 (PKHTB)"),
];

export const INTRINSICS: ReadonlyMap<string, IntrinsicInfo> = new Map(ENTRIES.map((e) => [e.name, e]));

/**
 * The word-access intrinsics of kernels/intrinsics.ts: they take an Int8Array, so they are KIR
 * forms of their own (the `ld32` expression and the `st32` statement of compiler/ir/kir.ts), not
 * `intrinsic` calls. C spells them mote_ld32/mote_st32 (runtime/mote_intrinsics.h), WASM as an
 * i32.load/i32.store with alignment 1.
 */
export interface MemoryIntrinsicInfo {
  name: "ld32" | "st32";
  /** Arguments in TypeScript: the array, the byte index (and the value, for st32). */
  arity: number;
  c: string;
  doc: string;
}

export const MEMORY_INTRINSICS: ReadonlyMap<string, MemoryIntrinsicInfo> = new Map([
  ["ld32", { name: "ld32", arity: 2, c: "mote_ld32",
    doc: "ld32(a, i): the little-endian word of Int8Array a at byte index i (any alignment)" }],
  ["st32", { name: "st32", arity: 3, c: "mote_st32",
    doc: "st32(a, i, v): stores word v little-endian into Int8Array a at byte index i (any alignment)" }],
] as const);

/** The front end's own `intrinsic` names (compiler/subset/lower-expr.ts), spelled inline. */
export interface BuiltinInfo {
  name: string;
  arity: number;
  /** Its value on i32 arguments (for constant folding). */
  ts: (...a: number[]) => number;
  /** Where the front end produces it. */
  from: string;
  /** Type of its arguments and result: "i32" when absent, "f32" for sqrt and floordiv. */
  type?: "f32";
}

const BUILTIN_ENTRIES: readonly BuiltinInfo[] = [
  { name: "imul", arity: 2, ts: Math.imul, from: "Math.imul(a, b), (a * b) | 0" },
  { name: "min", arity: 2, ts: Math.min, from: "Math.min(a, b)" },
  { name: "max", arity: 2, ts: Math.max, from: "Math.max(a, b)" },
  { name: "abs", arity: 1, ts: (a) => Math.abs(a) | 0, from: "Math.abs(a)" },
  { name: "wadd", arity: 2, ts: (a, b) => (a + b) | 0, from: "(a + b) | 0" },
  { name: "wsub", arity: 2, ts: (a, b) => (a - b) | 0, from: "(a - b) | 0" },
  { name: "sqrt", arity: 1, ts: (a) => Math.fround(Math.sqrt(a)), from: "Math.fround(Math.sqrt(x)) of an f32", type: "f32" },
  {
    name: "floordiv", arity: 2, ts: (a, b) => Math.fround(Math.floor(a / b)),
    from: "Math.fround(Math.floor(x / y)) of two f32s", type: "f32",
  },
];

export const BUILTINS: ReadonlyMap<string, BuiltinInfo> = new Map(BUILTIN_ENTRIES.map((e) => [e.name, e]));
