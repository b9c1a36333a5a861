/**
 * @fileoverview FLOOR_MOD on float32 (TFLite Micro registers it for float32 only), with TFLM's
 * reference semantics at 90b983c2 (reference_ops::FloorMod): t = std::fmod(a, b), then t + b when
 * t is non-zero and its sign differs from b's, else t. fmod is exact (its result is always a
 * float32), so `fmodF32` computes it exactly with f32 operations: subtract |b| * 2^j from |a| for
 * j from the largest with |b| 2^j <= |a| down to 0, each subtraction exact by Sterbenz's lemma (the
 * running remainder stays below 2 |b| 2^j); at most 277 steps. The final t + b is one f32 addition
 * as in TFLM, so every Mote target gives TFLM's bytes (NaNs aside, whose sign and payload are not
 * specified): fmod(x, 0), fmod(+-inf, y) and NaN operands give NaN, fmod(x, +-inf) = x.
 * Broadcasting as kernels/add.ts (compiler/ops/broadcast.ts).
 * Arrays: input1, input2, output (float32).
 */
import type { f32, i32 } from "./types.ts";

export interface FloorModParams {
  broadcast: i32;
  size: i32;
  d0: i32;
  d1: i32;
  d2: i32;
  d3: i32;
  a0: i32;
  a1: i32;
  a2: i32;
  a3: i32;
  b0: i32;
  b1: i32;
  b2: i32;
  b3: i32;
}

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

function floorModElement(a: f32, b: f32): f32 {
  const t: f32 = fmodF32(a, b);
  const zero: f32 = Math.fround(0);
  if (t !== zero && (b < zero) !== (t < zero)) {
    return Math.fround(t + b);
  }
  return t;
}

export function floorMod(p: FloorModParams, input1: Float32Array, input2: Float32Array, output: Float32Array): void {
  if (p.broadcast === 0) {
    for (let i: i32 = 0; i < p.size; i++) {
      output[i] = floorModElement(input1[i], input2[i]);
    }
  } else {
    let o: i32 = 0;
    for (let i0: i32 = 0; i0 < p.d0; i0++) {
      for (let i1: i32 = 0; i1 < p.d1; i1++) {
        for (let i2: i32 = 0; i2 < p.d2; i2++) {
          const base1: i32 = i0 * p.a0 + i1 * p.a1 + i2 * p.a2;
          const base2: i32 = i0 * p.b0 + i1 * p.b1 + i2 * p.b2;
          for (let i3: i32 = 0; i3 < p.d3; i3++) {
            output[o] = floorModElement(input1[base1 + i3 * p.a3], input2[base2 + i3 * p.b3]);
            o++;
          }
        }
      }
    }
  }
}
