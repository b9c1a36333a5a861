/**
 * @fileoverview C's fmodf, exactly, with f32 operations only (FLOOR_MOD in kernels/float_binary.ts,
 * the range reduction of kernels/sin_cos.ts). fmod is exact (its result is always a float32):
 * subtract |b| * 2^j from |a| for j from the largest with |b| 2^j <= |a| down to 0, each
 * subtraction exact by Sterbenz's lemma (the running remainder stays below 2 |b| 2^j); at most
 * 277 steps. fmod(x, 0), fmod(+-inf, y) and NaN operands give NaN, fmod(x, +-inf) = x.
 */
import type { f32 } from "../types.ts";

/** C's fmodf(a, b), exactly (see the file comment). */
export function fmodF32(a: f32, b: f32): f32 {
  const zero: f32 = Math.fround(0);
  if (a !== a || b !== b || b === zero || Math.fround(a - a) !== zero) {
    return Math.fround(Math.fround(a - a) / Math.fround(b - b)); // NaN: 0/0, inf-inf, or a NaN operand
  }
  const y: f32 = b < zero ? Math.fround(b * Math.fround(-1)) : b;
  let r: f32 = a < zero ? Math.fround(a * Math.fround(-1)) : a;
  if (r < y) {
    return a; // also |b| = infinity, and a = +-0
  }
  let s: f32 = y;
  let t: f32 = Math.fround(s * Math.fround(2));
  while (t <= r) {
    s = t;
    t = Math.fround(s * Math.fround(2)); // exact; infinity ends the loop
  }
  // r < 2 s here and after every step: each r - s below is exact.
  let more = true;
  while (more) {
    if (r >= s) {
      r = Math.fround(r - s);
    }
    if (s === y) {
      more = false;
    } else {
      s = Math.fround(s * Math.fround(0.5)); // undoes a doubling: exact
    }
  }
  return a < zero ? Math.fround(r * Math.fround(-1)) : r;
}
