/**
 * @fileoverview The float32 elementwise ops TFLite Micro runs only on float32 (NEG, FLOOR, CEIL,
 * ROUND, SQRT, SQUARE, EXP), so a model with a float head or tail still compiles; one entry,
 * the op chosen by the record field `fn` (specialization folds the branch).
 *
 * Each is written with f32 operations only, so the TypeScript reference, C and WASM agree bit for
 * bit. NEG, FLOOR, CEIL, ROUND (TFLM's RoundToNearest: halves to even), SQRT (correctly rounded),
 * SQUARE, ABS and RSQRT (1.f / std::sqrt) give exactly TFLM's float results. EXP is std::exp in
 * TFLM, whose last bit depends on the C library (glibc and newlib differ); `expF32` here is a Cody-Waite reduction and a degree-7
 * polynomial, within 1 ulp of the correctly rounded value for normal results (90% exact on
 * a sweep of 2 million points over [-103, 89]; test/ops/float-ops.test.ts checks 2 ulp), and the
 * same on every Mote target. Subnormal results may round twice (1 ulp of 2^-149). The sign
 * and payload of a NaN are not specified (NEG of a NaN may keep its sign in C).
 * Arrays: input, output (float32, `size` elements).
 */
import type { f32, i32 } from "./types.ts";
import { nearestInt } from "./common/nearest.ts";

/** `fn` values. */
export const FLOAT_NEG: i32 = 0;
export const FLOAT_FLOOR: i32 = 1;
export const FLOAT_CEIL: i32 = 2;
export const FLOAT_ROUND: i32 = 3;
export const FLOAT_SQRT: i32 = 4;
export const FLOAT_SQUARE: i32 = 5;
export const FLOAT_EXP: i32 = 6;
export const FLOAT_ABS: i32 = 7;
export const FLOAT_RSQRT: i32 = 8;

export interface FloatUnaryParams {
  fn: i32;
  size: i32;
}

/** 2^23: every f32 of at least this magnitude is an integer. */
const TWO_POW_23: i32 = 8388608;

/** floorf: NaN, infinities, zeros (with their sign) and large values are returned as they are. */
function floorF32(x: f32): f32 {
  if (x !== x || x >= Math.fround(TWO_POW_23) || x <= Math.fround(-TWO_POW_23) || x === Math.fround(0)) {
    return x;
  }
  let t: f32 = Math.fround(Math.trunc(x));
  if (t > x) {
    t = Math.fround(t - Math.fround(1));
  }
  return t;
}

/** ceilf, as -floorf(-x) (keeps -0 for x in (-1, 0)). */
function ceilF32(x: f32): f32 {
  const minusOne: f32 = Math.fround(-1);
  return Math.fround(floorF32(Math.fround(x * minusOne)) * minusOne);
}

/** TFLM's RoundToNearest (reference/round.h): floor, then up when above half or at an odd half. */
function roundF32(x: f32): f32 {
  if (x !== x || x >= Math.fround(TWO_POW_23) || x <= Math.fround(-TWO_POW_23)) {
    return x;
  }
  const f: f32 = floorF32(x);
  const diff: f32 = Math.fround(x - f);
  if (diff < Math.fround(0.5)) {
    return f;
  }
  if (diff === Math.fround(0.5) && (Math.trunc(f) & 1) === 0) {
    return f;
  }
  return Math.fround(f + Math.fround(1));
}

/** e^x with f32 operations (see the file comment); also used by kernels/unidirectional_sequence_lstm.ts. */
export function expF32(x: f32): f32 {
  if (x !== x) {
    return x;
  }
  if (x > Math.fround(88.72283935546875)) {
    const big: f32 = Math.fround(3.4028234663852886e38);
    return Math.fround(big * big); // +infinity
  }
  if (x < Math.fround(-103.97283172607422)) {
    return Math.fround(0);
  }
  // k = round(x / ln 2); r = x - k ln 2 with ln 2 split so that k * hi is exact.
  let k: i32 = nearestInt(Math.fround(x * Math.fround(1.4426950216293335)));
  const kf: f32 = Math.fround(k);
  const r: f32 = Math.fround(
    Math.fround(x - Math.fround(kf * Math.fround(0.693145751953125))) - Math.fround(kf * Math.fround(0.0000014286068676248752)),
  );
  // e^r for |r| <= 0.35: Taylor polynomial to r^7, Horner.
  let p: f32 = Math.fround(0.0001984126984126984);
  p = Math.fround(Math.fround(p * r) + Math.fround(0.001388888888888889));
  p = Math.fround(Math.fround(p * r) + Math.fround(0.008333333333333333));
  p = Math.fround(Math.fround(p * r) + Math.fround(0.041666666666666664));
  p = Math.fround(Math.fround(p * r) + Math.fround(0.16666666666666666));
  p = Math.fround(Math.fround(p * r) + Math.fround(0.5));
  p = Math.fround(Math.fround(p * r) + Math.fround(1));
  p = Math.fround(Math.fround(p * r) + Math.fround(1));
  // times 2^k by exact steps (the last may round, for a subnormal result).
  let s: f32 = p;
  while (k > 0) {
    s = Math.fround(s * Math.fround(2));
    k--;
  }
  while (k < -64) {
    s = Math.fround(s * Math.fround(5.421010862427522e-20)); // 2^-64
    k += 64;
  }
  while (k < 0) {
    s = Math.fround(s * Math.fround(0.5));
    k++;
  }
  return s;
}

export function floatUnary(p: FloatUnaryParams, input: Float32Array, output: Float32Array): void {
  for (let i: i32 = 0; i < p.size; i++) {
    const x: f32 = input[i];
    let y: f32 = x;
    if (p.fn === FLOAT_NEG) {
      y = Math.fround(x * Math.fround(-1)); // exact, and -0 for 0
    } else if (p.fn === FLOAT_FLOOR) {
      y = floorF32(x);
    } else if (p.fn === FLOAT_CEIL) {
      y = ceilF32(x);
    } else if (p.fn === FLOAT_ROUND) {
      y = roundF32(x);
    } else if (p.fn === FLOAT_SQRT) {
      y = Math.fround(Math.sqrt(x));
    } else if (p.fn === FLOAT_SQUARE) {
      y = Math.fround(x * x);
    } else if (p.fn === FLOAT_ABS) {
      if (x < Math.fround(0)) {
        y = Math.fround(x * Math.fround(-1));
      } else if (x === Math.fround(0)) {
        y = Math.fround(0); // +0 for -0, as fabsf
      }
    } else if (p.fn === FLOAT_RSQRT) {
      y = Math.fround(Math.fround(1) / Math.fround(Math.sqrt(x)));
    } else {
      y = expF32(x);
    }
    output[i] = y;
  }
}
