/**
 * @fileoverview Radix-2 decimation-in-time FFT of n = 2^k complex points, in place on two f32
 * arrays, and the helpers the audio front ends share around it. Kernel subset (docs/subset.md).
 *
 * Tables come from the compiler (compiler/ops/audio/tables.ts), computed in double precision and
 * rounded to f32 once: `twiddle` holds cos(2 pi j / n) for j < n/2, then sin(2 pi j / n) for j < n/2;
 * `bitrev` the bit-reversed index of each j < n. The callers store their windowed frame in
 * bit-reversed order (the FFT itself never permutes), so a real frame costs no swap pass.
 * Butterfly: X[a] = A + W B, X[b] = A - W B with W = cos - i sin; every f32 operation is a
 * Math.fround of its own, so TypeScript, C (no FMA contraction) and WASM round identically.
 */
import type { f32, i32 } from "../kernels/types.ts";

/** In-place FFT of re + i im (already in bit-reversed order), n = 2^k points. */
export function fftInPlace(n: i32, twiddle: Float32Array, re: Float32Array, im: Float32Array): void {
  const quarter: i32 = n >> 1;
  let stride: i32 = quarter;
  let half: i32 = 1;
  while (half < n) {
    const size: i32 = half << 1;
    for (let k: i32 = 0; k < half; k++) {
      const wr: f32 = twiddle[k * stride];
      const wi: f32 = twiddle[quarter + k * stride];
      for (let a: i32 = k; a < n; a += size) {
        const b: i32 = a + half;
        const br: f32 = re[b];
        const bi: f32 = im[b];
        const tr: f32 = Math.fround(Math.fround(wr * br) + Math.fround(wi * bi));
        const ti: f32 = Math.fround(Math.fround(wr * bi) - Math.fround(wi * br));
        const ar: f32 = re[a];
        const ai: f32 = im[a];
        re[b] = Math.fround(ar - tr);
        im[b] = Math.fround(ai - ti);
        re[a] = Math.fround(ar + tr);
        im[a] = Math.fround(ai + ti);
      }
    }
    half = size;
    stride = stride >> 1;
  }
}

/**
 * Triangular mel filterbank over the spectrum in spec[0..]: out[m] = sum of
 * weights[w] * spec[first[m] + c] for c < count[m], the weights of all filters stored one after
 * another (a sparse matrix, each filter a run of consecutive FFT bins).
 */
export function melFilterbank(
  melBins: i32, first: Int16Array, count: Int16Array, weights: Float32Array,
  spec: Float32Array, out: Float32Array,
): void {
  let w: i32 = 0;
  for (let m: i32 = 0; m < melBins; m++) {
    let acc: f32 = Math.fround(0);
    const f: i32 = first[m];
    const c: i32 = count[m];
    for (let j: i32 = 0; j < c; j++) {
      acc = Math.fround(acc + Math.fround(weights[w + j] * spec[f + j]));
    }
    out[m] = acc;
    w += c;
  }
}

/**
 * int8 of x / scale + zeroPoint truncated toward zero (the front ends' training code quantizes
 * with a C cast), saturated to [-128, 127].
 */
export function quantizeTrunc(x: f32, scale: f32, zeroPoint: i32): i32 {
  const t: f32 = Math.fround(Math.fround(x / scale) + Math.fround(zeroPoint));
  // `!(t > lo)` also catches NaN, so Math.trunc only sees values in the i32 range.
  if (!(t > Math.fround(-129))) {
    return -128;
  }
  if (t >= Math.fround(128)) {
    return 127;
  }
  return Math.trunc(t);
}
