/**
 * @fileoverview Lowers DEPTHWISE_CONV_2D (int8, per-channel weights on axis 3, optional int32
 * bias) to one call of kernels/depthwise_conv_2d.ts, doing TFLite Micro's
 * CalculateOpDataDepthwiseConv at compile time. The depth multiplier is taken from the shapes
 * (output depth / input depth), which is what a consistent model's option says. With a non-zero
 * input offset and a constant (or no) bias, the bias argument becomes `op<N>_bias_folded`
 * (depthwiseFoldedBias) and hasBias BIAS_FOLDED (kernel header). With `{ reference: true }` (LowerOptions)
 * it calls depthwiseConv2dReference with the model's bias instead. Its in-place decision is
 * IN_PLACE (compiler/ir/hooks.ts).
 */
import { isConstant, type Graph, type Op } from "../ir/graph.ts";
import { setArg, tensorOf } from "../ir/calls.ts";
import type { InPlaceHook } from "../ir/hooks.ts";
import {
  BIAS_FOLDED, BIAS_MODEL, BIAS_NONE, DSP_NONE, INPLACE_NONE, INPLACE_PLANE, type DepthwiseConv2dParams,
  type DepthwiseConv2d16Params,
} from "../../kernels/depthwise_conv_2d.ts";
import { INT16, bias16, int16Quant } from "./int16.ts";
import { dspMode, dspPlaneBytes, dspTable, dspVariantName } from "./depthwise_conv_2d_dsp.ts";
import { biasOf } from "./requant-table.ts";
import { activationRange } from "./activation.ts";
import {
  activationOption, filterScales, inputTensor, opError, optionalInput, outputTensor, paddingOption,
  positiveIntOption, requireConstant, requireDType, requireRank, tensorQuant,
} from "./operands.ts";
import { computePaddingHeightWidth } from "./padding.ts";
import { perChannelMultipliers } from "./quant.ts";
import { kernelCall, type KernelContract } from "./contract.ts";
import type { KernelArg, KernelCall, LowerOp, LowerOptions } from "./types.ts";

/** kernels/depthwise_conv_2d.ts's array parameters, in order (both entries take the same). */
export const DEPTHWISE_CONV_2D_SLOTS = ["input", "filter", "bias", "multipliers", "shifts", "plane", "output"] as const;

/** kernels/depthwise_conv_2d.ts depthwiseConv2d16's array parameters (the 16x8 variant: no plane). */
export const DEPTHWISE_16_SLOTS = ["input", "filter", "bias", "multipliers", "shifts", "output"] as const;

export const CONTRACTS: KernelContract[] = [
  { kernel: "depthwise_conv_2d", fn: "depthwiseConv2d", slots: DEPTHWISE_CONV_2D_SLOTS },
  { kernel: "depthwise_conv_2d", fn: "depthwiseConv2dReference", slots: DEPTHWISE_CONV_2D_SLOTS },
  { kernel: "depthwise_conv_2d", fn: "depthwiseConv2d16", slots: DEPTHWISE_16_SLOTS },
];


export function lowerDepthwiseConv2d(graph: Graph, op: Op, opts: LowerOptions = {}): KernelCall[] {
  const input = inputTensor(graph, op, 0, "input");
  const filter = inputTensor(graph, op, 1, "filter");
  const bias = optionalInput(graph, op, 2);
  const output = outputTensor(graph, op, 0, "output");
  if (input.dtype === "int16") return lowerDepthwise16(graph, op);
  requireDType(graph, op, input, "input", "int8", "int16");
  requireDType(graph, op, filter, "filter", "int8");
  requireDType(graph, op, output, "output", "int8");
  requireRank(graph, op, input, "input", 4);
  requireRank(graph, op, filter, "filter", 4);
  requireRank(graph, op, output, "output", 4);
  requireConstant(graph, op, filter, "filter");

  const [batches, inH, inW, inC] = input.shape;
  const [one, filterH, filterW, filterC] = filter.shape;
  const [outB, outH, outW, outC] = output.shape;
  if (one !== 1) opError(graph, op, `filter shape [${filter.shape.join(", ")}] must start with 1`);
  if (outB !== batches) opError(graph, op, `output batch ${outB} differs from input batch ${batches}`);
  if (filterC !== outC) opError(graph, op, `filter depth ${filterC} differs from output depth ${outC}`);
  if (inC <= 0 || outC % inC !== 0) opError(graph, op, `output depth ${outC} is not a multiple of input depth ${inC}`);
  const depthMultiplier = outC / inC;
  const optDm = op.options["depthMultiplier"];
  if (typeof optDm === "number" && optDm > 0 && optDm !== depthMultiplier) {
    opError(graph, op, `depth_multiplier ${optDm} contradicts the shapes (${inC} -> ${outC} channels)`);
  }
  if (bias !== undefined) {
    requireDType(graph, op, bias, "bias", "int32");
    if (bias.shape.reduce((a, b) => a * b, 1) !== outC) opError(graph, op, `bias has ${bias.shape.join("x")} elements; expected ${outC}`);
  }

  const strideH = positiveIntOption(graph, op, "strideH", 1);
  const strideW = positiveIntOption(graph, op, "strideW", 1);
  const dilationH = positiveIntOption(graph, op, "dilationHFactor", 1);
  const dilationW = positiveIntOption(graph, op, "dilationWFactor", 1);
  const padding = paddingOption(graph, op);
  const activation = activationOption(graph, op);
  const geo = computePaddingHeightWidth(strideH, strideW, dilationH, dilationW, inH, inW, filterH, filterW, padding);
  if (geo === null || geo.outH !== outH || geo.outW !== outW) {
    opError(graph, op, `output ${outH}x${outW} does not match ${padding} padding of ${inH}x${inW} (expected ${geo ? `${geo.outH}x${geo.outW}` : "a valid size"})`);
  }

  const inQ = tensorQuant(graph, op, input, "input");
  const outQ = tensorQuant(graph, op, output, "output");
  const scales = filterScales(graph, op, filter, 3, outC);
  const { multipliers, shifts } = perChannelMultipliers(inQ.scale, scales, outQ.scale, outC);
  const act = activationRange(activation, outQ.scale, outQ.zeroPoint);

  const params: DepthwiseConv2dParams = {
    batches, inH, inW, inC, outH, outW, outC, depthMultiplier, filterH, filterW,
    strideH, strideW, dilationH, dilationW,
    padH: geo.padH, padW: geo.padW,
    inputOffset: -inQ.zeroPoint,
    outputOffset: outQ.zeroPoint,
    actMin: act.min, actMax: act.max,
    hasBias: bias !== undefined ? BIAS_MODEL : BIAS_NONE,
    inPlace: INPLACE_NONE, // compiler/plan/inplace.ts may switch it on
    dsp: DSP_NONE,
    cheapRequant: 0,
  };
  // Fold the input offset into a compile-time bias (BIAS_FOLDED, kernel header): needs a constant
  // bias, if any. Never for the reference kernel (opts.reference), which takes the model's bias.
  let biasArg: KernelArg = { kind: "tensor", tensor: bias !== undefined ? bias.index : -1 };
  if (!opts.reference && params.inputOffset !== 0 && (bias === undefined || isConstant(bias))) {
    biasArg = {
      kind: "const", name: `op${op.index}_bias_folded`, elem: "i32",
      data: depthwiseFoldedBias(filter.data!, bias?.data, filterH * filterW, outC, params.inputOffset),
    };
    params.hasBias = BIAS_FOLDED;
  }
  // The SIMD variant (compiler/ops/depthwise_conv_2d_dsp.ts): its table replaces the bias.
  let planeBytes = 0; // inH * inW bytes when in place
  if (!opts.reference && (bias === undefined || isConstant(bias)) && dspMode(params) !== DSP_NONE) {
    params.dsp = dspMode(params);
    const folded = depthwiseFoldedBias(filter.data!, bias?.data, filterH * filterW, outC, params.inputOffset);
    const { table, cheap } = dspTable(params, filter.data!, folded, biasOf(bias?.data, outC), multipliers, shifts);
    params.cheapRequant = cheap ? 1 : 0;
    params.hasBias = BIAS_FOLDED;
    biasArg = { kind: "const", name: `op${op.index}_dsp_table`, elem: "i32", data: table };
    planeBytes = dspPlaneBytes(params);
  }
  const macs = batches * outH * outW * outC * filterH * filterW;
  const fn = opts.reference ? "depthwiseConv2dReference" : "depthwiseConv2d";
  // The SIMD variant reads its filter, multipliers and shifts from the table: absent (-1) here.
  const dsp = params.dsp !== DSP_NONE;
  const call = kernelCall("depthwise_conv_2d", fn, DEPTHWISE_CONV_2D_SLOTS, params, {
    input: { kind: "tensor", tensor: input.index },
    filter: { kind: "tensor", tensor: dsp ? -1 : filter.index },
    bias: biasArg,
    multipliers: dsp ? { kind: "tensor", tensor: -1 } : { kind: "const", name: `op${op.index}_multipliers`, elem: "i32", data: multipliers },
    shifts: dsp ? { kind: "tensor", tensor: -1 } : { kind: "const", name: `op${op.index}_shifts`, elem: "i32", data: shifts },
    plane: { kind: "scratch", bytes: planeBytes, elem: "i8" },
    output: { kind: "tensor", tensor: output.index },
  }, macs);
  if (dsp) call.variant = dspVariantName(params);
  return [call];
}

/**
 * The 16x8 variant (int16 input and output, zero point 0; int8 per-channel weights; an int64 bias
 * or none: TFLM reads the bias as int64_t): one call of depthwiseConv2d16, with the int8 path's
 * padding and multipliers. No in-place or DSP variant (the hook leaves it alone).
 */
function lowerDepthwise16(graph: Graph, op: Op): KernelCall[] {
  const input = inputTensor(graph, op, 0, "input");
  const filter = inputTensor(graph, op, 1, "filter");
  const bias = optionalInput(graph, op, 2);
  const output = outputTensor(graph, op, 0, "output");
  requireDType(graph, op, filter, "filter", "int8");
  requireRank(graph, op, input, "input", 4);
  requireRank(graph, op, filter, "filter", 4);
  requireRank(graph, op, output, "output", 4);
  requireConstant(graph, op, filter, "filter");
  const inQ = int16Quant(graph, op, input, "input");
  const outQ = int16Quant(graph, op, output, "output");
  const [batches, inH, inW, inC] = input.shape;
  const [one, filterH, filterW, filterC] = filter.shape;
  const [outB, outH, outW, outC] = output.shape;
  if (one !== 1) opError(graph, op, `filter shape [${filter.shape.join(", ")}] must start with 1`);
  if (outB !== batches) opError(graph, op, `output batch ${outB} differs from input batch ${batches}`);
  if (filterC !== outC) opError(graph, op, `filter depth ${filterC} differs from output depth ${outC}`);
  if (inC <= 0 || outC % inC !== 0) opError(graph, op, `output depth ${outC} is not a multiple of input depth ${inC}`);
  if (bias !== undefined) requireDType(graph, op, bias, "bias", "int64");
  const strideH = positiveIntOption(graph, op, "strideH", 1);
  const strideW = positiveIntOption(graph, op, "strideW", 1);
  const dilationH = positiveIntOption(graph, op, "dilationHFactor", 1);
  const dilationW = positiveIntOption(graph, op, "dilationWFactor", 1);
  const padding = paddingOption(graph, op);
  const geo = computePaddingHeightWidth(strideH, strideW, dilationH, dilationW, inH, inW, filterH, filterW, padding);
  if (geo === null || geo.outH !== outH || geo.outW !== outW) {
    opError(graph, op, `output ${outH}x${outW} does not match ${padding} padding of ${inH}x${inW} (expected ${geo ? `${geo.outH}x${geo.outW}` : "a valid size"})`);
  }
  const b = bias16(graph, op, bias, outC);
  const { multipliers, shifts } = perChannelMultipliers(inQ.scale, filterScales(graph, op, filter, 3, outC), outQ.scale, outC);
  const act = activationRange(activationOption(graph, op), outQ.scale, 0, "int16");
  const params: DepthwiseConv2d16Params = {
    batches, inH, inW, inC, outH, outW, outC, depthMultiplier: outC / inC, filterH, filterW,
    strideH, strideW, dilationH, dilationW, padH: geo.padH, padW: geo.padW,
    actMin: act.min, actMax: act.max, hasBias: b.hasBias,
  };
  return [kernelCall("depthwise_conv_2d", "depthwiseConv2d16", DEPTHWISE_16_SLOTS, params, {
    input: { kind: "tensor", tensor: input.index },
    filter: { kind: "tensor", tensor: filter.index },
    bias: b.arg,
    multipliers: { kind: "const", name: `op${op.index}_multipliers`, elem: "i32", data: multipliers },
    shifts: { kind: "const", name: `op${op.index}_shifts`, elem: "i32", data: shifts },
    output: { kind: "tensor", tensor: output.index },
  }, batches * outH * outW * outC * filterH * filterW)];
}

/**
 * bias[oc] + inputOffset * sum of channel oc's taps, wrapping in i32 as the kernel's accumulator
 * does. filter: int8 [taps, outC] bytes; bias: int32 LE bytes (absent: 0).
 */
export function depthwiseFoldedBias(
  filter: Uint8Array, bias: Uint8Array | undefined, taps: number, outC: number, inputOffset: number,
): number[] {
  const f = new Int8Array(filter.buffer, filter.byteOffset, taps * outC);
  const b = bias !== undefined ? new DataView(bias.buffer, bias.byteOffset, outC * 4) : undefined;
  const out: number[] = [];
  for (let oc = 0; oc < outC; oc++) {
    let sum = 0;
    for (let t = 0; t < taps; t++) sum += f[t * outC + oc];
    out.push(((b !== undefined ? b.getInt32(oc * 4, true) : 0) + Math.imul(inputOffset, sum)) | 0);
  }
  return out;
}

/**
 * In place (compiler/ir/hooks.ts): with depth multiplier 1 and an output no larger than the
 * input, the output goes over a dying input through a per-channel plane buffer (TinyEngine, Lin
 * et al. 2020, "MCUNet", in-place depthwise).
 */
export const depthwiseInPlace: InPlaceHook = (ctx) => {
  const { call } = ctx;
  if (call.fn === "depthwiseConv2d16") return;
  const p = call.params;
  const input = tensorOf(call, "input");
  const output = tensorOf(call, "output");
  if (p.depthMultiplier === 1 && ctx.arenaTensor(input) && ctx.dies(input) && ctx.bytes(output) <= ctx.bytes(input)) {
    p.inPlace = INPLACE_PLANE;
    const bytes = p.dsp !== DSP_NONE ? dspPlaneBytes(p as unknown as DepthwiseConv2dParams) : p.inH * p.inW;
    setArg(call, "plane", { kind: "scratch", bytes, elem: "i8" });
    ctx.share(output, input, 0, `in place over t${input} (plane buffer ${bytes} B)`);
  }
};

export const OPCODES: Record<string, LowerOp> = { DEPTHWISE_CONV_2D: lowerDepthwiseConv2d };

export const IN_PLACE: Record<string, InPlaceHook> = { DEPTHWISE_CONV_2D: depthwiseInPlace };

export const ACTIVATION_TYPES = { DEPTHWISE_CONV_2D: INT16 };

export const NOTES: Record<string, string> = {
  DEPTHWISE_CONV_2D: "int8 NHWC, int8 weights per channel (axis 3) or per tensor, optional int32 bias; any kernel size, stride, dilation and depth multiplier, SAME or VALID padding, batch > 1, fused NONE/RELU/RELU6/RELU_N1_TO_1. 16x8: int16 input/output (zero point 0), int8 per-channel weights, int64 or no bias (TFLM reads no int32 bias here), the plain reference loop (no in-place or DSP variant yet).",
};

/** What is left against TFLite Micro (docs/operators.md). */
export const LEFT: Record<string, string> = {
  DEPTHWISE_CONV_2D: "16x8 runs the plain reference loop only (no plane in-place or SMLAD variant); float32.",
};
