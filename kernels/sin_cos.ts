/**
 * @fileoverview SIN and COS on float32 (TFLite Micro: std::sin, std::cos, float32 only), one
 * entry, the function chosen by the record field `fn` (specialization folds the branch).
 *
 * TFLM's results come from the C library's sinf/cosf, whose last bit differs between libraries;
 * here both are written with f32 operations only, so the TypeScript reference, C and WASM agree
 * bit for bit. Range reduction: k = round(x * 2/pi), r = x - k * pi/2 with pi/2 split in four
 * f32 parts (Cody-Waite): the first three have 10 significant bits, so for k < 2^14 each k * part
 * is exact and x - k * P1 - k * P2 is exact (Sterbenz; both are multiples of ulp(x) or 2^-20 and
 * below 1); the third and fourth parts are subtracted with their rounding error kept, so r is
 * carried as hi + lo (about 54 bits of pi/2). Then sin(r) or cos(r) of the quadrant k mod 4 by
 * Taylor polynomials on |r| <= pi/4 (to r^11 and r^12; truncation below 2^-28 relative), with the
 * lo part as a first-order correction.
 *
 * Accuracy (test/ops/float-ops.test.ts measures it against Math.sin/Math.cos in double): within
 * 2 ulp of the correctly rounded value (mostly exact) for |x| <= 16384, results near 0 within
 * 2 ulp of the result's binade or 2^-149. Beyond |x| > 16384 the input is first reduced
 * modulo fround(2 pi) (exactly, with kernels/common/fmod.ts's fmodF32): the
 * result is in [-1, 1] and the same on every target, but not accurate (float32 inputs that
 * large are spaced more than 2^-10 apart, so their sine carries little information).
 * sin(-0) = -0; infinities and NaN give NaN (sign and payload not specified).
 * Arrays: input, output (float32, `size` elements).
 */
import type { f32, i32 } from "./types.ts";
import { fmodF32 } from "./common/fmod.ts";
import { nearestInt } from "./common/nearest.ts";

/** `fn` values. */
export const SIN_FN: i32 = 0;
export const COS_FN: i32 = 1;

export interface SinCosParams {
  fn: i32;
  size: i32;
}

/** sin(r) for |r| <= pi/4 (+ a little): r + r^3 (-1/6 + r^2/120 - ...), Horner in r^2. */
function sinPoly(r: f32): f32 {
  const z: f32 = Math.fround(r * r);
  let p: f32 = Math.fround(-2.505210838544172e-8); // -1/11!
  p = Math.fround(Math.fround(p * z) + Math.fround(0.0000027557319223985893)); // 1/9!
  p = Math.fround(Math.fround(p * z) + Math.fround(-0.0001984126984126984)); // -1/7!
  p = Math.fround(Math.fround(p * z) + Math.fround(0.008333333333333333)); // 1/5!
  p = Math.fround(Math.fround(p * z) + Math.fround(-0.16666666666666666)); // -1/3!
  return Math.fround(r + Math.fround(Math.fround(r * z) * p));
}

/** cos(r) for |r| <= pi/4 (+ a little): 1 - r^2/2 + r^4 (1/24 - r^2/720 + ...). */
function cosPoly(r: f32): f32 {
  const z: f32 = Math.fround(r * r);
  let p: f32 = Math.fround(2.08767569878681e-9); // 1/12!
  p = Math.fround(Math.fround(p * z) + Math.fround(-2.755731922398589e-7)); // -1/10!
  p = Math.fround(Math.fround(p * z) + Math.fround(0.0000248015873015873)); // 1/8!
  p = Math.fround(Math.fround(p * z) + Math.fround(-0.001388888888888889)); // -1/6!
  p = Math.fround(Math.fround(p * z) + Math.fround(0.041666666666666664)); // 1/4!
  const hz: f32 = Math.fround(z * Math.fround(0.5));
  const w: f32 = Math.fround(Math.fround(1) - hz);
  // 1 - hz rounds; its error (exact: (1 - w) - hz) is added back with the r^4 term.
  const err: f32 = Math.fround(Math.fround(Math.fround(1) - w) - hz);
  return Math.fround(w + Math.fround(Math.fround(Math.fround(z * z) * p) + err));
}

/** sin(x) (cos = false) or cos(x) (cos = true); see the file comment. */
function sinCosF32(input: f32, cos: boolean): f32 {
  let x: f32 = input;
  if (x !== x || Math.fround(x - x) !== Math.fround(0)) {
    return Math.fround(x - x); // NaN for NaN and the infinities
  }
  if (x === Math.fround(0) && !cos) {
    return x; // sin(+-0) = +-0 (the polynomial would turn -0 into +0)
  }
  if (x > Math.fround(16384) || x < Math.fround(-16384)) {
    x = fmodF32(x, Math.fround(6.2831854820251465)); // fround(2 pi): see the file comment
  }
  // k = round(x * 2/pi), |x| <= 16384 so |k| <= 10431.
  const k: i32 = nearestInt(Math.fround(x * Math.fround(0.6366197723675814)));
  let hi: f32 = x;
  let lo: f32 = Math.fround(0);
  if (k !== 0) {
    const kf: f32 = Math.fround(k);
    // pi/2 = P1 + P2 + P3 (10 significant bits each) + P4 (24 bits) + O(2^-64).
    const r2: f32 = Math.fround(
      Math.fround(x - Math.fround(kf * Math.fround(1.5703125))) - Math.fround(kf * Math.fround(0.00048351287841796875)),
    );
    const t3: f32 = Math.fround(kf * Math.fround(3.1385570764541626e-7));
    // hi + e = r2 - t3 exactly (TwoSum).
    hi = Math.fround(r2 - t3);
    const bv: f32 = Math.fround(hi - r2);
    const av: f32 = Math.fround(hi - bv);
    const e: f32 = Math.fround(Math.fround(r2 - av) + Math.fround(Math.fround(t3 * Math.fround(-1)) - bv));
    lo = Math.fround(e - Math.fround(kf * Math.fround(6.07709993438732e-11)));
    // Renormalize: hi + lo with |lo| <= ulp(hi) / 2.
    const sum: f32 = Math.fround(hi + lo);
    lo = Math.fround(lo - Math.fround(sum - hi));
    hi = sum;
  }
  const quadrant: i32 = (cos ? k + 1 : k) & 3;
  let y: f32 = Math.fround(0);
  if ((quadrant & 1) === 0) {
    // sin(hi + lo) ~ sin(hi) + lo cos(hi) ~ sin(hi) + lo (1 - hi^2 / 2).
    y = sinPoly(hi); // alone when k = 0 (lo = 0)
    if (k !== 0) {
      const c: f32 = Math.fround(Math.fround(1) - Math.fround(Math.fround(hi * hi) * Math.fround(0.5)));
      y = Math.fround(y + Math.fround(lo * c));
    }
  } else {
    // cos(hi + lo) ~ cos(hi) - lo sin(hi) ~ cos(hi) - lo hi.
    y = Math.fround(cosPoly(hi) - Math.fround(lo * hi));
  }
  return quadrant >= 2 ? Math.fround(y * Math.fround(-1)) : y;
}

export function sinCos(p: SinCosParams, input: Float32Array, output: Float32Array): void {
  for (let i: i32 = 0; i < p.size; i++) {
    output[i] = sinCosF32(input[i], p.fn === COS_FN);
  }
}
