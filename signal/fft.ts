/**
 * @fileoverview The spectrum of a real frame of N = 2^k samples, and the helpers the audio front
 * ends share around it. Kernel subset (docs/subset.md).
 *
 * A real N-point FFT is an N/2-point complex FFT of z[j] = x[2j] + i x[2j+1] (the callers store
 * z, windowed, in bit-reversed order: the FFT itself never permutes) followed by one pass that
 * separates the even and odd halves (`realPowerSpectrum`). Tables come from the compiler
 * (compiler/ops/audio/tables.ts), computed in double precision and rounded to f32 once:
 * `twiddle` holds cos(2 pi j / N) for j < N/2, then sin(2 pi j / N) for j < N/2; `bitrev` the
 * bit-reversed index of each j < N/2 (over N/2 points).
 * Butterfly: X[a] = A + W B, X[b] = A - W B with W = cos - i sin; every f32 operation is a
 * Math.fround of its own, so TypeScript, C (no FMA contraction) and WASM round identically.
 */
import type { f32, i32 } from "../kernels/types.ts";

/**
 * In-place FFT of re + i im (already in bit-reversed order), n = 2^k >= 4 points, with the
 * twiddle table of an FFT of 2 * sinOffset >= n points (W_n^k = W_N^(k N / n)). The first two
 * stages, whose twiddles are 1 and -i, run as one pass of 4-point transforms without multiplies.
 */
export function fftInPlace(n: i32, sinOffset: i32, twiddle: Float32Array, re: Float32Array, im: Float32Array): void {
  for (let a: i32 = 0; a < n; a += 4) {
    const r0: f32 = re[a];
    const r1: f32 = re[a + 1];
    const r2: f32 = re[a + 2];
    const r3: f32 = re[a + 3];
    const i0: f32 = im[a];
    const i1: f32 = im[a + 1];
    const i2: f32 = im[a + 2];
    const i3: f32 = im[a + 3];
    const s0r: f32 = Math.fround(r0 + r1);
    const s0i: f32 = Math.fround(i0 + i1);
    const d0r: f32 = Math.fround(r0 - r1);
    const d0i: f32 = Math.fround(i0 - i1);
    const s1r: f32 = Math.fround(r2 + r3);
    const s1i: f32 = Math.fround(i2 + i3);
    // -i (d1r + i d1i) = d1i - i d1r
    const t1r: f32 = Math.fround(i2 - i3);
    const t1i: f32 = Math.fround(r3 - r2);
    re[a] = Math.fround(s0r + s1r);
    im[a] = Math.fround(s0i + s1i);
    re[a + 2] = Math.fround(s0r - s1r);
    im[a + 2] = Math.fround(s0i - s1i);
    re[a + 1] = Math.fround(d0r + t1r);
    im[a + 1] = Math.fround(d0i + t1i);
    re[a + 3] = Math.fround(d0r - t1r);
    im[a + 3] = Math.fround(d0i - t1i);
  }
  const quarter: i32 = sinOffset;
  // The stride halves every stage; at the last one (half = n/2) it is N / n.
  let stride: i32 = sinOffset >> 2;
  let half: i32 = 4;
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
 * spec[k] = |X[k]|^2 for k = 0 .. half of the real FFT X of N = 2 * half points, from the
 * half-point complex FFT Z of z[j] = x[2j] + i x[2j+1] in re/im:
 * X[k] = E[k] + W_N^k O[k], E = (Z[k] + conj Z[half-k]) / 2, O = (Z[k] - conj Z[half-k]) / 2i.
 */
export function realPowerSpectrum(half: i32, twiddle: Float32Array, re: Float32Array, im: Float32Array, spec: Float32Array): void {
  const x0: f32 = Math.fround(re[0] + im[0]);
  const xn: f32 = Math.fround(re[0] - im[0]);
  spec[0] = Math.fround(x0 * x0);
  spec[half] = Math.fround(xn * xn);
  for (let k: i32 = 1; k < half; k++) {
    const ar: f32 = re[k];
    const ai: f32 = im[k];
    const br: f32 = re[half - k];
    const bi: f32 = im[half - k];
    const er: f32 = Math.fround(Math.fround(ar + br) * Math.fround(0.5));
    const ei: f32 = Math.fround(Math.fround(ai - bi) * Math.fround(0.5));
    const odr: f32 = Math.fround(Math.fround(ai + bi) * Math.fround(0.5));
    const odi: f32 = Math.fround(Math.fround(br - ar) * Math.fround(0.5));
    const c: f32 = twiddle[k];
    const s: f32 = twiddle[half + k];
    const xr: f32 = Math.fround(er + Math.fround(Math.fround(c * odr) + Math.fround(s * odi)));
    const xi: f32 = Math.fround(ei + Math.fround(Math.fround(c * odi) - Math.fround(s * odr)));
    spec[k] = Math.fround(Math.fround(xr * xr) + Math.fround(xi * xi));
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
