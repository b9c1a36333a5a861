/**
 * @fileoverview Lowers the audio front-end pseudo-ops to the subset kernels of signal/:
 * MOTE_MFCC (signal/mfcc.ts, kws_ref_model) and MOTE_LOG_MEL (signal/log_mel.ts, the streaming
 * front end of str_ww_ref_model). They are not TFLite ops: compiler/ops/audio/attach.ts puts one
 * in front of a model (attachAudioFrontEnd), with its parameters in the op's options. The
 * lowering computes the record (all integers) and the tables (compiler/ops/audio/tables.ts:
 * windows, twiddles, bit reversal, mel filters, DCT) as `const` arguments, and the FFT buffers
 * as f32 scratch. The output's scale and zero point are the model input tensor's.
 */
import type { Graph, Op } from "../ir/graph.ts";
import { elementCount } from "../ir/graph.ts";
import type { MfccParams } from "../../signal/mfcc.ts";
import type { LogMelParams } from "../../signal/log_mel.ts";
import { inputTensor, opError, outputTensor, requireDType, tensorQuant } from "./operands.ts";
import { kernelCall, type KernelContract } from "./contract.ts";
import type { KernelArg, KernelCall, LowerOp } from "./types.ts";
import { bitReversal, dctMatrix, hammingSymmetric, hannPeriodic, melTable, twiddles } from "./audio/tables.ts";

/** signal/mfcc.ts's array parameters, in order. */
export const MFCC_SLOTS = [
  "pcm", "window", "twiddle", "bitrev", "melFirst", "melCount", "melWeights", "dct", "constants", "re", "im", "spec", "output",
] as const;

/** signal/log_mel.ts's array parameters, in order. */
export const LOG_MEL_SLOTS = [
  "pcm", "history", "features", "window", "twiddle", "bitrev", "melFirst", "melCount", "melWeights", "constants",
  "re", "im", "spec", "output",
] as const;

function num(graph: Graph, op: Op, name: string): number {
  const v = op.options[name];
  if (typeof v !== "number") opError(graph, op, `option ${name} is missing`);
  return v;
}

function constArg(op: Op, name: string, elem: "i16" | "f32", data: number[]): KernelArg {
  return { kind: "const", name: `op${op.index}_${name}`, elem, data };
}

/** The FFT and filterbank arguments both front ends share. */
function spectrumArgs(graph: Graph, op: Op, fftSize: number): Record<"twiddle" | "bitrev" | "melFirst" | "melCount" | "melWeights" | "re" | "im" | "spec", KernelArg> {
  if (!Number.isInteger(Math.log2(fftSize)) || fftSize < 8 || fftSize > 4096) {
    opError(graph, op, `FFT size ${fftSize} is not a power of two from 8 to 4096`);
  }
  if (num(graph, op, "melBins") > fftSize / 2) opError(graph, op, `${num(graph, op, "melBins")} mel bins need an FFT of at least ${2 * num(graph, op, "melBins")} points`);
  const mel = melTable(num(graph, op, "melBins"), fftSize / 2 + 1, num(graph, op, "sampleRate"), num(graph, op, "lowHz"), num(graph, op, "highHz"));
  return {
    twiddle: constArg(op, "twiddle", "f32", twiddles(fftSize)),
    bitrev: constArg(op, "bitrev", "i16", bitReversal(fftSize / 2)),
    melFirst: constArg(op, "mel_first", "i16", mel.first),
    melCount: constArg(op, "mel_count", "i16", mel.count),
    melWeights: constArg(op, "mel_weights", "f32", mel.weights),
    // The real FFT runs as a complex one of fftSize / 2 points (signal/fft.ts).
    re: { kind: "scratch", bytes: 2 * fftSize, elem: "f32" },
    im: { kind: "scratch", bytes: 2 * fftSize, elem: "f32" },
    spec: { kind: "scratch", bytes: 4 * (fftSize / 2 + 1), elem: "f32" },
  };
}

export function lowerMfcc(graph: Graph, op: Op): KernelCall[] {
  const pcm = inputTensor(graph, op, 0, "pcm");
  const output = outputTensor(graph, op, 0, "output");
  requireDType(graph, op, pcm, "pcm", "int16");
  requireDType(graph, op, output, "output", "int8");
  const q = tensorQuant(graph, op, output, "output");
  const [samples, frameLength, frameStep, fftSize, melBins, coefficients] =
    ["samples", "frameLength", "frameStep", "fftSize", "melBins", "coefficients"].map((n) => num(graph, op, n));
  const frames = 1 + Math.floor((samples - frameLength) / frameStep);
  if (elementCount(pcm) !== samples) opError(graph, op, `pcm tensor has ${elementCount(pcm)} samples, the front end takes ${samples}`);
  if (elementCount(output) !== frames * coefficients) {
    opError(graph, op, `output tensor has ${elementCount(output)} elements, the front end makes ${frames} x ${coefficients}`);
  }
  if (frameLength > fftSize || frameLength % 2 !== 0) opError(graph, op, `frame length ${frameLength} is odd or longer than the FFT (${fftSize})`);
  const params: MfccParams = {
    samples, frameLength, frameStep, frames, fftSize, bins: fftSize / 2 + 1, melBins, coefficients, outputZeroPoint: q.zeroPoint,
  };
  return [kernelCall("signal/mfcc", "mfcc", MFCC_SLOTS, params, {
    pcm: { kind: "tensor", tensor: pcm.index },
    window: constArg(op, "window", "f32", hannPeriodic(frameLength)),
    ...spectrumArgs(graph, op, fftSize),
    dct: constArg(op, "dct", "f32", dctMatrix(melBins, coefficients, 1 / Math.sqrt(2 * melBins))),
    constants: constArg(op, "constants", "f32", [Math.fround(q.scale), Math.fround(num(graph, op, "logEpsilon"))]),
    output: { kind: "tensor", tensor: output.index },
  }, frames * coefficients * melBins)];
}

export function lowerLogMel(graph: Graph, op: Op): KernelCall[] {
  const pcm = inputTensor(graph, op, 0, "pcm");
  const history = inputTensor(graph, op, 1, "history");
  const features = inputTensor(graph, op, 2, "features");
  const output = outputTensor(graph, op, 0, "output");
  requireDType(graph, op, pcm, "pcm", "int16");
  requireDType(graph, op, history, "history", "float32");
  requireDType(graph, op, features, "features", "int8");
  requireDType(graph, op, output, "output", "int8");
  const q = tensorQuant(graph, op, output, "output");
  const [hop, melBins, frames] = ["hop", "melBins", "frames"].map((n) => num(graph, op, n));
  const fftSize = 2 * hop;
  if (elementCount(pcm) !== hop) opError(graph, op, `pcm tensor has ${elementCount(pcm)} samples, the front end takes a hop of ${hop}`);
  if (elementCount(history) !== hop + 1) opError(graph, op, `history tensor must have ${hop + 1} elements`);
  if (elementCount(features) !== frames * melBins || elementCount(output) !== frames * melBins) {
    opError(graph, op, `features and output tensors must have ${frames} x ${melBins} elements`);
  }
  const params: LogMelParams = { hop, fftSize, bins: hop + 1, melBins, frames, outputZeroPoint: q.zeroPoint };
  const constants = [
    1 / 32768, num(graph, op, "preEmphasis"), 1 / fftSize, num(graph, op, "powerFloor"), 10 / Math.LN10,
    num(graph, op, "dbOffset"), 1 / num(graph, op, "dbRange"), q.scale,
  ].map(Math.fround);
  return [kernelCall("signal/log_mel", "logMel", LOG_MEL_SLOTS, params, {
    pcm: { kind: "tensor", tensor: pcm.index },
    history: { kind: "tensor", tensor: history.index },
    features: { kind: "tensor", tensor: features.index },
    window: constArg(op, "window", "f32", hammingSymmetric(fftSize)),
    ...spectrumArgs(graph, op, fftSize),
    constants: constArg(op, "constants", "f32", constants),
    output: { kind: "tensor", tensor: output.index },
  }, melBins * (hop + 1))];
}

export const CONTRACTS: KernelContract[] = [
  { kernel: "signal/mfcc", fn: "mfcc", slots: MFCC_SLOTS },
  { kernel: "signal/log_mel", fn: "logMel", slots: LOG_MEL_SLOTS },
];

export const OPCODES: Record<string, LowerOp> = { MOTE_MFCC: lowerMfcc, MOTE_LOG_MEL: lowerLogMel };

export const NOTES: Record<string, string> = {
  MOTE_MFCC:
    "Mote's own pseudo-op (attachAudioFrontEnd, preset kws-mfcc): int16 PCM -> int8 MFCC features (signal/mfcc.ts): peak-normalized, periodic Hann, FFT, magnitude, HTK mel filters, ln, DCT-II, quantized by truncation with the output's scale and zero point.",
  MOTE_LOG_MEL:
    "Mote's own pseudo-op (attachAudioFrontEnd, preset sww-log-mel): one hop of int16 PCM -> the int8 window of the last frames of log-mel energies (signal/log_mel.ts), state in two variable tensors (pre-emphasis and previous hop, the feature window).",
};
