/**
 * @fileoverview The MFCC front end of kws_ref_model (MLCommons Tiny keyword spotting), in the
 * kernel subset: 1 s of 16-bit PCM at 16 kHz in, the model's int8 [49, 10] features out.
 * Parameters (../shared/golden-frontend/README.md; the record and tables come from
 * compiler/ops/audio/, preset "kws-mfcc"):
 *  - samples divided by their maximum (in f32: sample / peak, as the training code's float
 *    division); a clip whose maximum is 0 (all zero or all negative with zeros) would divide by
 *    zero in the reference (NaN features): here it is divided by 1 instead;
 *  - frames of `frameLength` (480) every `frameStep` (320) samples, periodic Hann window (table),
 *    zero-padded to a real FFT of `fftSize` (512; signal/fft.ts), magnitude sqrt(re^2 + im^2) of
 *    bins 0..fftSize/2;
 *  - 40 triangular mel filters (20..4000 Hz, HTK; TensorFlow's linear_to_mel_weight_matrix) as a
 *    sparse table; ln(mel + 1e-6) (signal/math.ts);
 *  - DCT-II scaled by 1/sqrt(2 * 40) as TensorFlow's mfccs_from_log_mel_spectrograms (the table
 *    `dct`, coefficients x mel bins, with the factor 2 and the scale folded in), first 10 kept;
 *  - int8 by truncation: trunc(x / scale + zeroPoint), saturated (the model input's scale and
 *    zero point).
 * Every f32 operation is rounded on its own, so TS, WASM, host C and the M7 give the same bytes.
 * Array order: pcm [samples], the tables (window [frameLength], twiddle [fftSize],
 * bitrev [fftSize / 2], melFirst/melCount [melBins], melWeights, dct [coefficients * melBins],
 * constants [output scale, log epsilon]), scratch re/im [fftSize / 2] and spec [bins], output
 * [frames * coefficients].
 */
import type { f32, i32 } from "../kernels/types.ts";
import { lnF32 } from "./math.ts";
import { fftInPlace, melFilterbank, quantizeTrunc, realPowerSpectrum } from "./fft.ts";

export interface MfccParams {
  /** PCM samples in (16000). */
  samples: i32;
  frameLength: i32;
  frameStep: i32;
  /** Frames out (49). */
  frames: i32;
  /** FFT points, a power of two >= frameLength (512). */
  fftSize: i32;
  /** Spectrum bins used, fftSize / 2 + 1 (257). */
  bins: i32;
  melBins: i32;
  /** Cepstral coefficients kept per frame (10). */
  coefficients: i32;
  outputZeroPoint: i32;
}

export function mfcc(
  p: MfccParams,
  pcm: Int16Array,
  window: Float32Array,
  twiddle: Float32Array,
  bitrev: Int16Array,
  melFirst: Int16Array,
  melCount: Int16Array,
  melWeights: Float32Array,
  dct: Float32Array,
  constants: Float32Array,
  re: Float32Array,
  im: Float32Array,
  spec: Float32Array,
  output: Int8Array,
): void {
  const half: i32 = p.fftSize >> 1;
  let peak: i32 = pcm[0];
  for (let i: i32 = 1; i < p.samples; i++) {
    peak = Math.max(peak, pcm[i]);
  }
  if (peak === 0) {
    peak = 1;
  }
  const divisor: f32 = Math.fround(peak);
  const scale: f32 = constants[0];
  const epsilon: f32 = constants[1];
  for (let f: i32 = 0; f < p.frames; f++) {
    const start: i32 = f * p.frameStep;
    // z[j] = x[2j] + i x[2j+1], windowed, zero past the frame (frameLength is even).
    for (let j: i32 = 0; j < half; j++) {
      const r: i32 = bitrev[j];
      const n: i32 = 2 * j;
      if (n < p.frameLength) {
        const x0: f32 = Math.fround(Math.fround(pcm[start + n]) / divisor);
        const x1: f32 = Math.fround(Math.fround(pcm[start + n + 1]) / divisor);
        re[r] = Math.fround(x0 * window[n]);
        im[r] = Math.fround(x1 * window[n + 1]);
      } else {
        re[r] = Math.fround(0);
        im[r] = Math.fround(0);
      }
    }
    fftInPlace(half, half, twiddle, re, im);
    realPowerSpectrum(half, twiddle, re, im, spec);
    for (let k: i32 = 0; k < p.bins; k++) {
      spec[k] = Math.fround(Math.sqrt(spec[k]));
    }
    melFilterbank(p.melBins, melFirst, melCount, melWeights, spec, im);
    for (let m: i32 = 0; m < p.melBins; m++) {
      im[m] = lnF32(Math.fround(im[m] + epsilon));
    }
    for (let c: i32 = 0; c < p.coefficients; c++) {
      let acc: f32 = Math.fround(0);
      const row: i32 = c * p.melBins;
      for (let m: i32 = 0; m < p.melBins; m++) {
        acc = Math.fround(acc + Math.fround(dct[row + m] * im[m]));
      }
      output[f * p.coefficients + c] = quantizeTrunc(acc, scale, p.outputZeroPoint);
    }
  }
}
