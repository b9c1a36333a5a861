/**
 * @fileoverview LOG on float32 (TFLite Micro: std::log, float32 only). TFLM's result comes from
 * the C library's logf, whose last bit differs between libraries; `logF32` is written with f32
 * operations only, so the TypeScript reference, C and WASM agree bit for bit.
 *
 * x = 2^e * m with m in [sqrt(1/2), sqrt(2)) by exact multiplications by powers of two (a
 * subnormal x is first scaled by 2^24), f = m - 1 (exact, Sterbenz), s = f / (2 + f), and
 * log(1 + f) = f - (hfsq - s (hfsq + R)) with hfsq = f^2 / 2 and R = 2 s^2/3 + 2 s^4/5 + ... +
 * 2 s^10/11 (the Taylor series of 2 atanh(s) - 2 s, |s| <= 0.1716, truncation below 2^-30
 * relative); then e * ln2_hi (exact: ln 2 to 16 bits, |e| <= 149) plus e * ln2_lo is added with
 * f taken last, so the large parts are summed before the rounding of the small ones matters.
 * Accuracy (test/ops/float-ops.test.ts measures it against Math.log in double): within 1 ulp of
 * the correctly rounded value over all positive floats sampled, subnormals included.
 * Special values as C's logf: log(+-0) = -infinity, log(+infinity) = +infinity, log(x < 0) and
 * log(NaN) = NaN (sign and payload not specified).
 * Arrays: input, output (float32, `size` elements).
 */
import type { f32, i32 } from "./types.ts";

export interface LogParams {
  size: i32;
}

/** ln(x); see the file comment. */
function logF32(input: f32): f32 {
  let x: f32 = input;
  if (x !== x) {
    return x;
  }
  if (x < Math.fround(0)) {
    return Math.fround(Math.sqrt(x)); // NaN, as the square root of a negative number
  }
  const big: f32 = Math.fround(3.4028234663852886e38);
  if (x === Math.fround(0)) {
    return Math.fround(Math.fround(big * big) * Math.fround(-1)); // -infinity
  }
  if (x > big) {
    return x; // +infinity
  }
  let e: i32 = 0;
  if (x < Math.fround(1.1754943508222875e-38)) {
    x = Math.fround(x * Math.fround(16777216)); // subnormal: times 2^24, exact
    e = -24;
  }
  // m = x * 2^-e in [1, 2), every step exact for a normal x.
  let m: f32 = x;
  while (m >= Math.fround(65536)) {
    m = Math.fround(m * Math.fround(0.0000152587890625));
    e += 16;
  }
  while (m < Math.fround(1)) {
    m = Math.fround(m * Math.fround(65536));
    e -= 16;
  }
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
  if (m > Math.fround(1.4142135623730951)) {
    m = Math.fround(m * Math.fround(0.5));
    e += 1;
  }
  const f: f32 = Math.fround(m - Math.fround(1));
  const s: f32 = Math.fround(f / Math.fround(Math.fround(2) + f));
  const z: f32 = Math.fround(s * s);
  let r: f32 = Math.fround(0.18181818181818182); // 2/11
  r = Math.fround(Math.fround(r * z) + Math.fround(0.2222222222222222)); // 2/9
  r = Math.fround(Math.fround(r * z) + Math.fround(0.2857142857142857)); // 2/7
  r = Math.fround(Math.fround(r * z) + Math.fround(0.4)); // 2/5
  r = Math.fround(Math.fround(r * z) + Math.fround(0.6666666666666666)); // 2/3
  r = Math.fround(r * z);
  const hfsq: f32 = Math.fround(Math.fround(Math.fround(0.5) * f) * f);
  const fe: f32 = Math.fround(e);
  // ln 2 = 0.693145751953125 (16 significant bits: fe * hi is exact) + 1.428606765330187e-6.
  const small: f32 = Math.fround(Math.fround(s * Math.fround(hfsq + r)) + Math.fround(fe * Math.fround(0.000001428606765330187)));
  return Math.fround(Math.fround(fe * Math.fround(0.693145751953125)) - Math.fround(Math.fround(hfsq - small) - f));
}

export function logFloat(p: LogParams, input: Float32Array, output: Float32Array): void {
  for (let i: i32 = 0; i < p.size; i++) {
    output[i] = logF32(input[i]);
  }
}
