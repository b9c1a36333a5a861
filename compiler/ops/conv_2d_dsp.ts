/**
 * @fileoverview The DSP (SMLAD GEMM) lowering of CONV_2D: whether a layer takes
 * kernels/conv_2d_dsp.ts, and its compile-time arrays: the weights re-laid out as an Int32Array
 * in the order the micro-kernel reads them (`packConvWeights`), the cheap requantization table
 * where compiler/ops/requant-table.ts proves it exact, and the scratch sizes (two staged pixels,
 * a gathered column when inC is not a multiple of 4). compiler/ops/conv_2d.ts calls `dspConvCall`
 * after its Prepare; the in-place hook sizes `pixel` for this kernel too.
 */
import type { KernelCall } from "../ir/calls.ts";
import { BIAS_FOLDED, type Conv2dParams } from "../../kernels/conv_2d.ts";
import { NARROW_GEMM_TAPS, NARROW_REG_TAPS, NARROW_STAGED_BYTES, NARROW_TAPS } from "../../kernels/conv_2d_dsp.ts";
import { biasOf, cheapRequantTable, foldOutputOffset, rowAbsSums } from "./requant-table.ts";
import { kernelCall, type KernelContract } from "./contract.ts";
import type { KernelArg } from "./types.ts";

/** kernels/conv_2d_dsp.ts conv2dDsp's array parameters, in order. */
export const CONV_2D_DSP_SLOTS = [
  "input", "filter", "bias", "multipliers", "shifts", "table", "skip", "pixel", "column", "staged", "output",
] as const;

export const DSP_CONTRACT: KernelContract = { kernel: "conv_2d_dsp", fn: "conv2dDsp", slots: CONV_2D_DSP_SLOTS };

/**
 * Test overrides: MOTE_DSP_CONV=0 keeps every layer on kernels/conv_2d.ts, =int16 or =int8 gives
 * every DSP layer that weight layout whatever the flash budget; unset ("auto"): the per-layer
 * choice (compiler/build/weights.ts, through dspConvCall's `int16Weights`). Read per call so tests
 * can switch it.
 */
export function dspConvMode(): "off" | "auto" | "int8" | "int16" {
  const v = process.env.MOTE_DSP_CONV;
  if (v === "0" || v === "off") return "off";
  return v === "int16" || v === "int8" ? v : "auto";
}

/** Taps per output channel padded to a multiple of 4 (the micro-kernel's blocks). */
export const paddedTaps = (p: Pick<Conv2dParams, "filterH" | "filterW" | "inC">): number =>
  (p.filterH * p.filterW * p.inC + 3) & -4;

/**
 * The int8 OHWI filter ([outC, k] bytes) as the micro-kernel reads it: per channel pair, per block
 * of 4 taps, the two channels' words (4 int8 taps, little-endian; taps past k are 0); a last odd
 * channel's words alone. int16: each word w replaced by sxtb16(w), sxtb16r8(w) (taps t, t+2 and
 * t+1, t+3 as int16 pairs).
 */
export function packConvWeights(filter: Uint8Array, outC: number, k: number, int16: boolean): number[] {
  const f = new Int8Array(filter.buffer, filter.byteOffset, outC * k);
  const k4 = (k + 3) & -4;
  const tap = (oc: number, t: number) => (t < k ? f[oc * k + t] : 0);
  const word = (oc: number, b: number) =>
    ((tap(oc, 4 * b) & 255) | ((tap(oc, 4 * b + 1) & 255) << 8) | ((tap(oc, 4 * b + 2) & 255) << 16) | (tap(oc, 4 * b + 3) << 24)) | 0;
  const pair = (lo: number, hi: number) => ((lo & 0xffff) | (hi << 16)) | 0;
  const emit = (out: number[], oc: number, b: number) => {
    if (!int16) {
      out.push(word(oc, b));
      return;
    }
    out.push(pair(tap(oc, 4 * b), tap(oc, 4 * b + 2)), pair(tap(oc, 4 * b + 1), tap(oc, 4 * b + 3)));
  };
  const out: number[] = [];
  let oc = 0;
  for (; oc + 2 <= outC; oc += 2) {
    for (let b = 0; b < k4 / 4; b++) {
      emit(out, oc, b);
      emit(out, oc + 1, b);
    }
  }
  if (oc < outC) for (let b = 0; b < k4 / 4; b++) emit(out, oc, b);
  return out;
}

/**
 * The DSP call for a CONV_2D whose Prepare gave `params` (one group; the input offset folded into
 * `biasArg` or zero), or undefined when the layer keeps kernels/conv_2d.ts. `biasData` is what
 * the kernel adds per channel (folded, the model's, or zeros), null when it is not a constant.
 * `int16Weights`: the flash-budget choice for this layer (int8 otherwise).
 */
export function dspConvCall(
  opIndex: number, params: Conv2dParams, filter: Uint8Array, modelBias: Uint8Array | undefined,
  args: { input: KernelArg; bias: KernelArg; biasData: number[] | null; multipliers: number[]; shifts: number[]; output: KernelArg },
  macs: number, int16Weights = false,
): KernelCall | undefined {
  const mode = dspConvMode();
  if (mode === "off") return undefined;
  if (params.filterInC !== params.inC) return undefined;
  if (params.hasBias !== BIAS_FOLDED && params.inputOffset !== 0) return undefined;
  const k = params.filterH * params.filterW * params.inC;
  const k4 = paddedTaps(params);
  const int16 = mode === "int16" || (mode === "auto" && int16Weights);
  const biasData = args.biasData;
  const table = biasData === null ? null : cheapRequantTable(
    params.outC, (oc) => biasData[oc], biasOf(modelBias, params.outC), rowAbsSums(filter, k, params.outC),
    params.inputOffset, args.multipliers, args.shifts,
  );
  // cheapRequant 2: the output zero point folded into the table's rounding constants.
  const folded = table === null ? null
    : foldOutputOffset(table, params.outputOffset, args.multipliers, biasOf(modelBias, params.outC), rowAbsSums(filter, k, params.outC), params.inputOffset);
  const p: Conv2dParams = { ...params, cheapRequant: table === null ? 0 : folded !== null ? 2 : 1, int16Weights: int16 ? 1 : 0 };
  const none: KernelArg = { kind: "tensor", tensor: -1 };
  const direct = p.filterH === 1 && p.filterW === 1 && p.strideH === 1 && p.strideW === 1 && p.padH === 0 && p.padW === 0;
  // Small K: the kernel's small-K shape (kernels/conv_2d_dsp.ts narrowBlock).
  const narrow = k4 <= NARROW_REG_TAPS || (k4 > NARROW_GEMM_TAPS && k4 <= NARROW_TAPS);
  // The kernel's block, NARROW_STAGED_BYTES / (2 * k4) pixels, is never more than the layer's pixels.
  const narrowPixels = Math.min(Math.floor(NARROW_STAGED_BYTES / (2 * k4)), params.batches * params.outH * params.outW);
  // A strided unpadded 1x1 stages each pixel from the input too (no gathered column).
  const pointwise = p.filterH === 1 && p.filterW === 1 && p.padH === 0 && p.padW === 0;
  const call = kernelCall("conv_2d_dsp", "conv2dDsp", CONV_2D_DSP_SLOTS, p, {
    input: args.input,
    filter: { kind: "const", name: `op${opIndex}_filter_${int16 ? "i16" : "i8"}x4`, elem: "i32", data: packConvWeights(filter, p.outC, k, int16) },
    bias: table !== null ? none : args.bias,
    multipliers: table !== null ? none : { kind: "const", name: `op${opIndex}_multipliers`, elem: "i32", data: args.multipliers },
    shifts: table !== null ? none : { kind: "const", name: `op${opIndex}_shifts`, elem: "i32", data: args.shifts },
    table: table !== null ? { kind: "const", name: `op${opIndex}_requant`, elem: "i32", data: folded ?? table } : none,
    skip: none,
    pixel: { kind: "scratch", bytes: 0, elem: "i8" },
    column: { kind: "scratch", bytes: !pointwise && p.inC % 4 !== 0 ? k4 : 0, elem: "i8" },
    // Two pixels of k4 / 2 words, or a block of NARROW_STAGED_BYTES / (2 * k4) of them for the small-K shape.
    staged: { kind: "scratch", bytes: (narrow ? narrowPixels : 2) * 2 * k4, elem: "i32" },
    output: args.output,
  }, macs);
  call.variant = `${narrow ? `small-K ${narrowPixels} pixels x 1 channel` : "gemm 2x2"} ${int16 ? "int16" : "int8"} w${direct ? "" : pointwise ? ", strided 1x1" : ", im2col"}, ${table !== null ? "cheap" : "general"} requant`;
  return call;
}
