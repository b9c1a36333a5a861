/**
 * @fileoverview WASM versions of the fixed-point intrinsics, built with binaryen's API.
 *
 * addWasmIntrinsics(m) adds one internal function `mote_<name>` per entry of
 * compiler/ir/intrinsics.ts (the name is IntrinsicInfo.wasm); the WASM emitter lowers an intrinsic
 * call to `m.call(info.wasm, args, binaryen.i32)` and binaryen's inliner removes the call.
 * Each body is the same integer recipe as runtime/mote_intrinsics.h (64-bit products in i64),
 * so the three implementations (with kernels/intrinsics.ts) agree bit for bit; test/intrinsics/
 * checks that. Only MVP instructions are used (no sign-ext or other feature flags needed).
 */
import binaryen from "binaryen";

const INT32_MIN = -2147483648;
const INT32_MAX = 2147483647;

type Ref = binaryen.ExpressionRef;

/** Adds every `mote_<name>` intrinsic function to `m` (skipping ones already present). */
export function addWasmIntrinsics(m: binaryen.Module): void {
  const i32 = binaryen.i32;
  const p = (index: number): Ref => m.local.get(index, i32);
  const c32 = (v: number): Ref => m.i32.const(v);
  const add = (name: string, arity: number, vars: binaryen.Type[], body: Ref): void => {
    if (m.getFunction(name)) return;
    m.addFunction(name, binaryen.createType(new Array<binaryen.Type>(arity).fill(i32)), i32, vars, body);
  };
  /** Signed 64-bit product of two i32 expressions. */
  const mul64 = (a: Ref, b: Ref): Ref => m.i64.mul(m.i64.extend_s(a), m.i64.extend_s(b));

  // srdhm(a, b): r = wrap((a*b + 2^30) >>> 31); r == INT32_MIN only for INT32_MIN^2 -> INT32_MAX.
  add("mote_srdhm", 2, [i32], m.block(null, [
    m.local.set(2, m.i32.wrap(m.i64.shr_u(m.i64.add(mul64(p(0), p(1)), m.i64.const(1n << 30n)), m.i64.const(31n)))),
    m.i32.sub(p(2), m.i32.eq(p(2), c32(INT32_MIN))),
  ], i32));

  // rdbpot(x, e): mask = (1 << e) - 1; (x >> e) + ((x & mask) > (mask >> 1) + (x < 0)).
  add("mote_rdbpot", 2, [i32], m.block(null, [
    m.local.set(2, m.i32.sub(m.i32.shl(c32(1), p(1)), c32(1))),
    m.i32.add(
      m.i32.shr_s(p(0), p(1)),
      m.i32.gt_s(m.i32.and(p(0), p(2)), m.i32.add(m.i32.shr_s(p(2), c32(1)), m.i32.lt_s(p(0), c32(0))))),
  ], i32));

  // mbqm(x, m, s): rdbpot(srdhm(x << max(s, 0), m), max(-s, 0)).
  const positive = (): Ref => m.i32.gt_s(p(2), c32(0));
  add("mote_mbqm", 3, [], m.call("mote_rdbpot", [
    m.call("mote_srdhm", [m.i32.shl(p(0), m.select(positive(), p(2), c32(0))), p(1)], i32),
    m.select(positive(), c32(0), m.i32.sub(c32(0), p(2))),
  ], i32));

  const clamp = (lo: number, hi: number): Ref =>
    m.select(m.i32.lt_s(p(0), c32(lo)), c32(lo), m.select(m.i32.gt_s(p(0), c32(hi)), c32(hi), p(0)));
  add("mote_sat8", 1, [], clamp(-128, 127));
  add("mote_sat16", 1, [], clamp(-32768, 32767));

  const signExtend = (bits: number): Ref => m.i32.shr_s(m.i32.shl(p(0), c32(32 - bits)), c32(32 - bits));
  add("mote_toI8", 1, [], signExtend(8));
  add("mote_toI16", 1, [], signExtend(16));

  add("mote_mulHi", 2, [], m.i32.wrap(m.i64.shr_s(mul64(p(0), p(1)), m.i64.const(32n))));
  add("mote_mulLo", 2, [], m.i32.mul(p(0), p(1)));

  // satLsh(x, n): limit = INT32_MAX >> n; x > limit -> MAX, x < ~limit -> MIN, else x << n.
  add("mote_satLsh", 2, [i32], m.block(null, [
    m.local.set(2, m.i32.shr_s(c32(INT32_MAX), p(1))),
    m.select(m.i32.gt_s(p(0), p(2)), c32(INT32_MAX),
      m.select(m.i32.lt_s(p(0), m.i32.xor(p(2), c32(-1))), c32(INT32_MIN), m.i32.shl(p(0), p(1)))),
  ], i32));

  // rdhm(a, b): wrap((a*b + 2^30) >>> 31), srdhm without the saturation.
  add("mote_rdhm", 2, [], m.i32.wrap(m.i64.shr_u(m.i64.add(mul64(p(0), p(1)), m.i64.const(1n << 30n)), m.i64.const(31n))));

  // ---- DSP. lo(x) = (x << 16) >> 16, hi(x) = x >> 16; byte k sign-extended = (x << (24 - 8k)) >> 24.
  const lo16 = (x: Ref): Ref => m.i32.shr_s(m.i32.shl(x, c32(16)), c32(16));
  const hi16 = (x: Ref): Ref => m.i32.shr_s(x, c32(16));
  const byte = (x: Ref, k: number): Ref => m.i32.shr_s(k === 3 ? x : m.i32.shl(x, c32(24 - 8 * k)), c32(24));
  /** Two sign-extended values as the halves of a word: (hi << 16) | (lo & 0xffff). */
  const halves = (hi: Ref, lo: Ref): Ref => m.i32.or(m.i32.shl(hi, c32(16)), m.i32.and(lo, c32(0xffff)));

  // smmulr(a, b): (a*b + 2^31) >> 32 (arithmetic), always in i32.
  add("mote_smmulr", 2, [], m.i32.wrap(m.i64.shr_s(m.i64.add(mul64(p(0), p(1)), m.i64.const(1n << 31n)), m.i64.const(32n))));
  add("mote_smlad", 3, [], m.i32.add(p(2), m.i32.add(m.i32.mul(lo16(p(0)), lo16(p(1))), m.i32.mul(hi16(p(0)), hi16(p(1))))));
  add("mote_smladx", 3, [], m.i32.add(p(2), m.i32.add(m.i32.mul(lo16(p(0)), hi16(p(1))), m.i32.mul(hi16(p(0)), lo16(p(1))))));
  add("mote_sxtb16", 1, [], halves(byte(p(0), 2), byte(p(0), 0)));
  add("mote_sxtb16r8", 1, [], halves(byte(p(0), 3), byte(p(0), 1)));
  add("mote_sxtab16", 2, [], halves(m.i32.add(hi16(p(0)), byte(p(1), 2)), m.i32.add(p(0), byte(p(1), 0))));
  // WASM shifts take the count mod 32, as JS and the C versions' (sh & 31).
  add("mote_pkhbt", 3, [], m.i32.or(m.i32.and(p(0), c32(0xffff)), m.i32.and(m.i32.shl(p(1), p(2)), c32(-65536))));
  add("mote_pkhtb", 3, [], m.i32.or(m.i32.and(p(0), c32(-65536)), m.i32.and(m.i32.shr_s(p(1), p(2)), c32(0xffff))));
}
