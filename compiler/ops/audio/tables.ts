/**
 * @fileoverview The compile-time tables of the audio front ends (signal/), computed in double
 * precision and rounded to f32 once, as op lowering computes kernel records: windows, FFT
 * twiddles and bit reversal, the sparse triangular mel filterbank, the DCT matrix.
 * Pure functions; compiler/ops/audio/presets.ts picks the parameters per model.
 */

/** Periodic Hann window of n points: 0.5 - 0.5 cos(2 pi j / n) (TensorFlow's hann_window). */
export function hannPeriodic(n: number): number[] {
  return Array.from({ length: n }, (_, j) => Math.fround(0.5 - 0.5 * Math.cos((2 * Math.PI * j) / n)));
}

/** Symmetric Hamming window of n points: 0.54 - 0.46 cos(2 pi j / (n - 1)). */
export function hammingSymmetric(n: number): number[] {
  return Array.from({ length: n }, (_, j) => Math.fround(0.54 - 0.46 * Math.cos((2 * Math.PI * j) / (n - 1))));
}

/** cos(2 pi j / n) for j < n/2, then sin(2 pi j / n) for j < n/2 (signal/fft.ts's `twiddle`). */
export function twiddles(n: number): number[] {
  const half = n / 2;
  const cos = Array.from({ length: half }, (_, j) => Math.fround(Math.cos((2 * Math.PI * j) / n)));
  const sin = Array.from({ length: half }, (_, j) => Math.fround(Math.sin((2 * Math.PI * j) / n)));
  return [...cos, ...sin];
}

/** The bit-reversed index of each j < n (n a power of two). */
export function bitReversal(n: number): number[] {
  const bits = Math.log2(n);
  if (!Number.isInteger(bits)) throw new Error(`internal: FFT size ${n} is not a power of two`);
  return Array.from({ length: n }, (_, j) => {
    let r = 0;
    for (let b = 0; b < bits; b++) if (j & (1 << b)) r |= 1 << (bits - 1 - b);
    return r;
  });
}

/** HTK mel scale: 1127 ln(1 + f / 700). */
export function hzToMel(hz: number): number {
  return 1127 * Math.log(1 + hz / 700);
}

/** A triangular filterbank as signal/fft.ts's melFilterbank reads it. */
export interface MelTable {
  /** First FFT bin of each filter. */
  first: number[];
  /** Consecutive bins in each filter. */
  count: number[];
  /** The weights of all filters, one after another (f32). */
  weights: number[];
}

/**
 * TensorFlow's linear_to_mel_weight_matrix: `bins` spectrum bins from 0 to sampleRate / 2, bin 0
 * (DC) left out; filter m rises from band edge m to m + 1 and falls to m + 2, the 40 + 2 edges
 * spaced evenly in mel between lowHz and highHz, each weight evaluated at the bin's frequency in
 * mel. Each filter keeps its bins with a nonzero weight (a consecutive run).
 */
export function melTable(melBins: number, bins: number, sampleRate: number, lowHz: number, highHz: number): MelTable {
  const lo = hzToMel(lowHz);
  const hi = hzToMel(highHz);
  const edge = (i: number): number => lo + ((hi - lo) * i) / (melBins + 1);
  const binMel = (k: number): number => hzToMel((k * (sampleRate / 2)) / (bins - 1));
  const table: MelTable = { first: [], count: [], weights: [] };
  for (let m = 0; m < melBins; m++) {
    const [left, centre, right] = [edge(m), edge(m + 1), edge(m + 2)];
    const w: number[] = [];
    let first = -1;
    for (let k = 1; k < bins; k++) {
      const mel = binMel(k);
      const v = Math.max(0, Math.min((mel - left) / (centre - left), (right - mel) / (right - centre)));
      if (v > 0) {
        if (first < 0) first = k;
        else if (k !== first + w.length) throw new Error(`internal: mel filter ${m} is not one run of bins`);
        w.push(Math.fround(v));
      }
    }
    table.first.push(Math.max(first, 0));
    table.count.push(w.length);
    table.weights.push(...w);
  }
  return table;
}

/**
 * DCT-II rows k < keep over n inputs: 2 cos(pi k (2j + 1) / (2n)) * scale (TensorFlow's
 * unnormalized dct type 2 times the caller's scale), row-major [keep][n], f32.
 */
export function dctMatrix(n: number, keep: number, scale: number): number[] {
  const out: number[] = [];
  for (let k = 0; k < keep; k++) {
    for (let j = 0; j < n; j++) out.push(Math.fround(2 * Math.cos((Math.PI * k * (2 * j + 1)) / (2 * n)) * scale));
  }
  return out;
}
