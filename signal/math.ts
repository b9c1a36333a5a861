/**
 * @fileoverview The natural logarithm of an f32, written in the kernel subset so that the
 * TypeScript reference, C and WASM compute it with the same f32 operations and agree bit for
 * bit (no libm: its logf differs between newlib, glibc and JavaScript's Math.log).
 *
 * lnF32(x) for a positive, normal x (the front ends only take the log of values floored well
 * above the smallest normal, 1.2e-38; zero and infinity give a wrong but finite result, never a
 * hang): x = m * 2^e with m in [sqrt(1/2), sqrt(2)], found by
 * multiplications by powers of two (exact for normal numbers), then
 * ln(m) = 2 atanh(s) = 2 (s + s^3/3 + ... + s^9/9) with s = (m - 1) / (m + 1), |s| <= 0.172 (the
 * next term is below 4e-10), and ln(x) = e * ln 2 + ln(m) with ln 2 split in a high part
 * (e * hi is exact for |e| < 256) and a low part. Every operation is rounded to f32
 * (Math.fround), so no target can contract or widen it. Error: a few f32 ulps of the result
 * (test/signal/math.test.ts measures it against Math.log).
 */
import type { f32, i32 } from "../kernels/types.ts";

/** ln(x) for a positive normal f32 x (see the file comment); x <= 0 is not handled. */
export function lnF32(x: f32): f32 {
  let m: f32 = x;
  let e: i32 = 0;
  // The bounds on e stop the loops for infinity and zero (no front end passes either).
  while (m >= Math.fround(65536) && e < 256) {
    m = Math.fround(m * Math.fround(0.0000152587890625));
    e += 16;
  }
  while (m < Math.fround(1) && e > -256) {
    m = Math.fround(m * Math.fround(65536));
    e -= 16;
  }
  // m in [1, 65536).
  if (m >= Math.fround(256)) {
    m = Math.fround(m * Math.fround(0.00390625));
    e += 8;
  }
  if (m >= Math.fround(16)) {
    m = Math.fround(m * Math.fround(0.0625));
    e += 4;
  }
  if (m >= Math.fround(4)) {
    m = Math.fround(m * Math.fround(0.25));
    e += 2;
  }
  if (m >= Math.fround(2)) {
    m = Math.fround(m * Math.fround(0.5));
    e += 1;
  }
  // m in [1, 2); fold the top half to [sqrt(1/2), 1).
  if (m > Math.fround(1.41421356)) {
    m = Math.fround(m * Math.fround(0.5));
    e += 1;
  }
  // m - 1 is exact (Sterbenz).
  const s: f32 = Math.fround(Math.fround(m - Math.fround(1)) / Math.fround(m + Math.fround(1)));
  const z: f32 = Math.fround(s * s);
  let poly: f32 = Math.fround(Math.fround(z * Math.fround(0.222222222)) + Math.fround(0.285714286));
  poly = Math.fround(Math.fround(z * poly) + Math.fround(0.4));
  poly = Math.fround(Math.fround(z * poly) + Math.fround(0.666666667));
  poly = Math.fround(Math.fround(z * poly) + Math.fround(2));
  const lnM: f32 = Math.fround(s * poly);
  const fe: f32 = Math.fround(e);
  // ln 2 = 0.693145752 (hi, 16 significant bits) + 1.42860677e-6 (lo).
  const low: f32 = Math.fround(Math.fround(fe * Math.fround(0.00000142860677)) + lnM);
  return Math.fround(Math.fround(fe * Math.fround(0.693145752)) + low);
}
