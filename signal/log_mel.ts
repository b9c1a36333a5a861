/**
 * @fileoverview The streaming log-mel front end of str_ww_ref_model (MLCommons Tiny streaming
 * wake word), in the kernel subset: one call per hop of `hop` (512) new 16-bit PCM samples at
 * 16 kHz; out comes the model's whole int8 [1, frames, melBins] = [1, 30, 40] input window.
 * Parameters (../shared/golden-frontend/README.md; record and tables from compiler/ops/audio/,
 * preset "sww-log-mel"):
 *  - x = sample / 32768; pre-emphasis y[n] = x[n] - 0.96875 x[n-1], zero history (exact in f32:
 *    both terms are multiples of 2^-20 below 2);
 *  - a frame is the previous hop's y followed by this hop's (fftSize = 2 * hop = 1024 samples),
 *    times a symmetric Hamming window; FFT; power (re^2 + im^2) / 1024 floored at 1e-30;
 *  - 40 triangular mel filters (0..8000 Hz, HTK) as a sparse table; 10 log10 (ln * 10 / ln 10,
 *    signal/math.ts); (x + 52) / 64 clipped to [0, 1];
 *  - int8 by truncation with the model input's scale and zero point, saturated.
 * State kept across invocations (variable tensors, zero at start): `history` = [the previous
 * hop's hop pre-emphasized samples, then the previous raw sample / 32768], and `features`, the
 * window of the last `frames` frames, oldest first; each call shifts it by one frame, writes the
 * new frame last and copies it to `output`.
 * Timing against the reference (frame k covers samples 512k .. 512k + 1023): after hop h
 * (0-based) the newest frame is reference frame h - 1. Hop 0 yields a frame of zeros + hop 0,
 * which the reference does not have; the model's input at reference step t (frames t .. t + 29)
 * is complete after hop t + 30.
 * Every f32 operation is rounded on its own, so TS, WASM, host C and the M7 give the same bytes.
 * Array order: pcm [hop], history [hop + 1] and features [frames * melBins] (state), the tables
 * (window [fftSize], twiddle [fftSize], bitrev [hop], melFirst/melCount [melBins],
 * melWeights, constants [1/32768, pre-emphasis, 1/1024, power floor, 10/ln 10, 52, 1/64,
 * output scale]), scratch re/im [hop] and spec [bins], output [frames * melBins]. The FFT is a
 * real one (signal/fft.ts): a hop-point complex FFT of the frame's sample pairs.
 */
import type { f32, i32 } from "../kernels/types.ts";
import { lnF32 } from "./math.ts";
import { fftInPlace, melFilterbank, quantizeTrunc, realPowerSpectrum } from "./fft.ts";

export interface LogMelParams {
  /** New samples per call (512); the frame and the FFT are 2 * hop. */
  hop: i32;
  fftSize: i32;
  /** Spectrum bins used, fftSize / 2 + 1 (513). */
  bins: i32;
  melBins: i32;
  /** Frames in the model's input window (30). */
  frames: i32;
  outputZeroPoint: i32;
}

export function logMel(
  p: LogMelParams,
  pcm: Int16Array,
  history: Float32Array,
  features: Int8Array,
  window: Float32Array,
  twiddle: Float32Array,
  bitrev: Int16Array,
  melFirst: Int16Array,
  melCount: Int16Array,
  melWeights: Float32Array,
  constants: Float32Array,
  re: Float32Array,
  im: Float32Array,
  spec: Float32Array,
  output: Int8Array,
): void {
  const inputScale: f32 = constants[0];
  const preEmphasis: f32 = constants[1];
  const powerScale: f32 = constants[2];
  const powerFloor: f32 = constants[3];
  const dbScale: f32 = constants[4];
  const dbOffset: f32 = constants[5];
  const rangeScale: f32 = constants[6];
  const scale: f32 = constants[7];
  // The frame (previous hop's samples, then this hop's, pre-emphasized and windowed) as
  // z[j] = y[2j] + i y[2j+1] in bit-reversed order: pairs j < hop/2 from the history.
  const pairs: i32 = p.hop >> 1;
  for (let j: i32 = 0; j < pairs; j++) {
    const r: i32 = bitrev[j];
    re[r] = Math.fround(history[2 * j] * window[2 * j]);
    im[r] = Math.fround(history[2 * j + 1] * window[2 * j + 1]);
  }
  let previous: f32 = history[p.hop];
  for (let j: i32 = 0; j < pairs; j++) {
    const x0: f32 = Math.fround(Math.fround(pcm[2 * j]) * inputScale);
    const y0: f32 = Math.fround(x0 - Math.fround(preEmphasis * previous));
    const x1: f32 = Math.fround(Math.fround(pcm[2 * j + 1]) * inputScale);
    const y1: f32 = Math.fround(x1 - Math.fround(preEmphasis * x0));
    previous = x1;
    history[2 * j] = y0;
    history[2 * j + 1] = y1;
    const r: i32 = bitrev[pairs + j];
    re[r] = Math.fround(y0 * window[p.hop + 2 * j]);
    im[r] = Math.fround(y1 * window[p.hop + 2 * j + 1]);
  }
  history[p.hop] = previous;
  fftInPlace(p.hop, p.hop, twiddle, re, im);
  realPowerSpectrum(p.hop, twiddle, re, im, spec);
  for (let k: i32 = 0; k < p.bins; k++) {
    const power: f32 = Math.fround(spec[k] * powerScale);
    spec[k] = power > powerFloor ? power : powerFloor;
  }
  melFilterbank(p.melBins, melFirst, melCount, melWeights, spec, im);
  const last: i32 = (p.frames - 1) * p.melBins;
  for (let i: i32 = 0; i < last; i++) {
    features[i] = features[i + p.melBins];
  }
  for (let m: i32 = 0; m < p.melBins; m++) {
    const db: f32 = Math.fround(lnF32(im[m]) * dbScale);
    let v: f32 = Math.fround(Math.fround(db + dbOffset) * rangeScale);
    if (v < Math.fround(0)) {
      v = Math.fround(0);
    }
    if (v > Math.fround(1)) {
      v = Math.fround(1);
    }
    features[last + m] = quantizeTrunc(v, scale, p.outputZeroPoint);
  }
  for (let i: i32 = 0; i < last + p.melBins; i++) {
    output[i] = features[i];
  }
}
