/**
 * @fileoverview Lowers CONV_2D (int8 activations, int8 per-channel or per-tensor weights,
 * optional int32 bias) to one call of kernels/conv_2d.ts, doing TFLite Micro's ConvPrepare /
 * CalculateOpDataConv at compile time: padding from ComputePaddingHeightWidth, one multiplier and
 * shift per output channel (channel axis 0), activation clamp, offsets. With a non-zero input
 * offset and a constant (or no) bias, the bias argument becomes `op<N>_bias_folded`
 * (convFoldedBias) and hasBias BIAS_FOLDED (kernel header). With `{ reference: true }` (LowerOptions) it
 * calls conv2dReference with the model's bias instead. It also owns conv's in-place decisions
 * and the fusion of a residual ADD (IN_PLACE, FUSE: compiler/ir/hooks.ts).
 */
import { isConstant, tensorBytes, type Graph, type Op } from "../ir/graph.ts";
import { setArg, tensorOf } from "../ir/calls.ts";
import type { FuseHook, InPlaceHook } from "../ir/hooks.ts";
import { BROADCAST_NONE, SUBTRACT_NONE } from "../../kernels/add.ts";
import {
  BIAS_FOLDED, BIAS_MODEL, BIAS_NONE, FUSE_ADD, FUSE_NONE, INPLACE_NONE, INPLACE_PIXEL_BACKWARD, INPLACE_PIXEL_FORWARD,
  INPLACE_ROWS, type Conv2d16Params, type Conv2dParams,
} from "../../kernels/conv_2d.ts";
import { INT16, bias16, int16Quant } from "./int16.ts";
import { activationRange } from "./activation.ts";
import {
  activationOption, filterScales, inputTensor, opError, optionalInput, outputTensor, paddingOption,
  positiveIntOption, requireConstant, requireDType, requireRank, tensorQuant,
} from "./operands.ts";
import { computePaddingHeightWidth } from "./padding.ts";
import { perChannelMultipliers } from "./quant.ts";
import { kernelCall, type KernelContract } from "./contract.ts";
import { biasOf } from "./requant-table.ts";
import { DSP_CONTRACT, dspConvCall } from "./conv_2d_dsp.ts";
import type { KernelArg, KernelCall, LowerOp, LowerOptions } from "./types.ts";

/** kernels/conv_2d.ts's array parameters, in order (both entries take the same). */
export const CONV_2D_SLOTS = ["input", "filter", "bias", "multipliers", "shifts", "skip", "pixel", "output"] as const;

/** kernels/conv_2d.ts conv2d16's array parameters (the 16x8 variant: no skip or pixel buffer). */
export const CONV_2D_16_SLOTS = ["input", "filter", "bias", "multipliers", "shifts", "output"] as const;

export const CONTRACTS: KernelContract[] = [
  { kernel: "conv_2d", fn: "conv2d", slots: CONV_2D_SLOTS },
  { kernel: "conv_2d", fn: "conv2dReference", slots: CONV_2D_SLOTS },
  DSP_CONTRACT,
  { kernel: "conv_2d", fn: "conv2d16", slots: CONV_2D_16_SLOTS },
];

export function lowerConv2d(graph: Graph, op: Op, opts: LowerOptions = {}): KernelCall[] {
  const input = inputTensor(graph, op, 0, "input");
  const filter = inputTensor(graph, op, 1, "filter");
  const bias = optionalInput(graph, op, 2);
  const output = outputTensor(graph, op, 0, "output");
  if (input.dtype === "int16") return lowerConv2d16(graph, op);
  requireDType(graph, op, input, "input", "int8", "int16");
  requireDType(graph, op, filter, "filter", "int8");
  requireDType(graph, op, output, "output", "int8");
  requireRank(graph, op, input, "input", 4);
  requireRank(graph, op, filter, "filter", 4);
  requireRank(graph, op, output, "output", 4);
  requireConstant(graph, op, filter, "filter");

  const [batches, inH, inW, inC] = input.shape;
  const [outC, filterH, filterW, filterInC] = filter.shape;
  const [outB, outH, outW, outDepth] = output.shape;
  if (outB !== batches) opError(graph, op, `output batch ${outB} differs from input batch ${batches}`);
  if (outDepth !== outC) opError(graph, op, `output depth ${outDepth} differs from the filter's ${outC} output channels`);
  if (filterInC <= 0 || inC % filterInC !== 0) {
    opError(graph, op, `input depth ${inC} is not a multiple of the filter depth ${filterInC}`);
  }
  const groups = inC / filterInC;
  if (outC % groups !== 0) opError(graph, op, `${outC} output channels do not split into ${groups} groups`);
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
  const scales = filterScales(graph, op, filter, 0, outC);
  const { multipliers, shifts } = perChannelMultipliers(inQ.scale, scales, outQ.scale, outC);
  const act = activationRange(activation, outQ.scale, outQ.zeroPoint);

  const params: Conv2dParams = {
    batches, inH, inW, inC, outH, outW, outC, filterH, filterW, filterInC,
    filtersPerGroup: outC / groups,
    strideH, strideW, dilationH, dilationW,
    padH: geo.padH, padW: geo.padW,
    inputOffset: -inQ.zeroPoint,
    outputOffset: outQ.zeroPoint,
    actMin: act.min, actMax: act.max,
    hasBias: bias !== undefined ? BIAS_MODEL : BIAS_NONE,
    // Variants the memory pass (compiler/plan/inplace.ts) may switch on.
    inPlace: INPLACE_NONE,
    fuseAdd: FUSE_NONE,
    addLeftShift: 0, addSkipOffset: 0, addSkipMultiplier: 0, addSkipShift: 0,
    addConvOffset: 0, addConvMultiplier: 0, addConvShift: 0,
    addOutputOffset: 0, addOutputMultiplier: 0, addOutputShift: 0, addActMin: -128, addActMax: 127,
    cheapRequant: 0, int16Weights: 0,
  };
  // Fold the input offset into a compile-time bias (BIAS_FOLDED, kernel header): needs a constant
  // bias, if any. Never for the reference kernel (opts.reference), which takes the model's bias.
  let biasArg: KernelArg = { kind: "tensor", tensor: bias !== undefined ? bias.index : -1 };
  if (!opts.reference && params.inputOffset !== 0 && (bias === undefined || isConstant(bias))) {
    biasArg = {
      kind: "const", name: `op${op.index}_bias_folded`, elem: "i32",
      data: convFoldedBias(filter.data!, bias?.data, filterH * filterW * filterInC, outC, params.inputOffset),
    };
    params.hasBias = BIAS_FOLDED;
  }
  const macs = batches * outH * outW * outC * filterH * filterW * filterInC;
  if (!opts.reference) {
    // The SMLAD GEMM (kernels/conv_2d_dsp.ts) where it applies (compiler/ops/conv_2d_dsp.ts).
    const biasData = biasArg.kind === "const" ? biasArg.data
      : bias === undefined ? new Array<number>(outC).fill(0)
      : isConstant(bias) ? Array.from({ length: outC }, (_, oc) => biasOf(bias.data, outC)(oc)) : null;
    const dsp = dspConvCall(op.index, params, filter.data!, bias?.data, {
      input: { kind: "tensor", tensor: input.index }, bias: biasArg, biasData, multipliers, shifts,
      output: { kind: "tensor", tensor: output.index },
    }, macs, opts.int16Weights?.has(op.index) ?? false);
    if (dsp !== undefined) return [dsp];
  }
  return [kernelCall("conv_2d", opts.reference ? "conv2dReference" : "conv2d", CONV_2D_SLOTS, params, {
    input: { kind: "tensor", tensor: input.index },
    filter: { kind: "tensor", tensor: filter.index },
    bias: biasArg,
    multipliers: { kind: "const", name: `op${op.index}_multipliers`, elem: "i32", data: multipliers },
    shifts: { kind: "const", name: `op${op.index}_shifts`, elem: "i32", data: shifts },
    skip: { kind: "tensor", tensor: -1 }, // set when a residual ADD is fused
    pixel: { kind: "scratch", bytes: 0, elem: "i8" }, // inC bytes (1x1) or a row when in place
    output: { kind: "tensor", tensor: output.index },
  }, macs)];
}

/**
 * The 16x8 variant (int16 input and output, zero point 0; int8 per-channel weights; int64, int32
 * or no bias): one call of conv2d16 with the int8 path's padding and multipliers. No in-place,
 * fusion or DSP variant (the hooks leave it alone).
 */
function lowerConv2d16(graph: Graph, op: Op): KernelCall[] {
  const input = inputTensor(graph, op, 0, "input");
  const filter = inputTensor(graph, op, 1, "filter");
  const output = outputTensor(graph, op, 0, "output");
  requireDType(graph, op, filter, "filter", "int8");
  requireRank(graph, op, input, "input", 4);
  requireRank(graph, op, filter, "filter", 4);
  requireRank(graph, op, output, "output", 4);
  requireConstant(graph, op, filter, "filter");
  const inQ = int16Quant(graph, op, input, "input");
  const outQ = int16Quant(graph, op, output, "output");
  const [batches, inH, inW, inC] = input.shape;
  const [outC, filterH, filterW, filterInC] = filter.shape;
  const [outB, outH, outW, outDepth] = output.shape;
  if (outB !== batches) opError(graph, op, `output batch ${outB} differs from input batch ${batches}`);
  if (outDepth !== outC) opError(graph, op, `output depth ${outDepth} differs from the filter's ${outC} output channels`);
  if (filterInC <= 0 || inC % filterInC !== 0) opError(graph, op, `input depth ${inC} is not a multiple of the filter depth ${filterInC}`);
  const groups = inC / filterInC;
  if (outC % groups !== 0) opError(graph, op, `${outC} output channels do not split into ${groups} groups`);
  const strideH = positiveIntOption(graph, op, "strideH", 1);
  const strideW = positiveIntOption(graph, op, "strideW", 1);
  const dilationH = positiveIntOption(graph, op, "dilationHFactor", 1);
  const dilationW = positiveIntOption(graph, op, "dilationWFactor", 1);
  const padding = paddingOption(graph, op);
  const geo = computePaddingHeightWidth(strideH, strideW, dilationH, dilationW, inH, inW, filterH, filterW, padding);
  if (geo === null || geo.outH !== outH || geo.outW !== outW) {
    opError(graph, op, `output ${outH}x${outW} does not match ${padding} padding of ${inH}x${inW} (expected ${geo ? `${geo.outH}x${geo.outW}` : "a valid size"})`);
  }
  const b = bias16(graph, op, optionalInput(graph, op, 2), outC);
  const { multipliers, shifts } = perChannelMultipliers(inQ.scale, filterScales(graph, op, filter, 0, outC), outQ.scale, outC);
  const act = activationRange(activationOption(graph, op), outQ.scale, 0, "int16");
  const params: Conv2d16Params = {
    batches, inH, inW, inC, outH, outW, outC, filterH, filterW, filterInC, filtersPerGroup: outC / groups,
    strideH, strideW, dilationH, dilationW, padH: geo.padH, padW: geo.padW,
    actMin: act.min, actMax: act.max, hasBias: b.hasBias, bias64: b.bias64,
  };
  return [kernelCall("conv_2d", "conv2d16", CONV_2D_16_SLOTS, params, {
    input: { kind: "tensor", tensor: input.index },
    filter: { kind: "tensor", tensor: filter.index },
    bias: b.arg,
    multipliers: { kind: "const", name: `op${op.index}_multipliers`, elem: "i32", data: multipliers },
    shifts: { kind: "const", name: `op${op.index}_shifts`, elem: "i32", data: shifts },
    output: { kind: "tensor", tensor: output.index },
  }, batches * outH * outW * outC * filterH * filterW * filterInC)];
}

/**
 * bias[oc] + inputOffset * sum of output channel oc's filter, wrapping in i32 as the kernel's
 * accumulator does. filter: int8 [outC, size] bytes (OHWI); bias: int32 LE bytes (absent: 0).
 */
export function convFoldedBias(
  filter: Uint8Array, bias: Uint8Array | undefined, size: number, outC: number, inputOffset: number,
): number[] {
  const f = new Int8Array(filter.buffer, filter.byteOffset, size * outC);
  const b = bias !== undefined ? new DataView(bias.buffer, bias.byteOffset, outC * 4) : undefined;
  const out: number[] = [];
  for (let oc = 0; oc < outC; oc++) {
    let sum = 0;
    for (let t = 0; t < size; t++) sum += f[oc * size + t];
    out.push(((b !== undefined ? b.getInt32(oc * 4, true) : 0) + Math.imul(inputOffset, sum)) | 0);
  }
  return out;
}

/**
 * In place (compiler/ir/hooks.ts): a fused convolution writes over its skip input when that
 * dies there (and is not also the convolution's input, whose pixels are read again); a 1x1,
 * stride 1 convolution writes over its input through a pixel buffer (backward when the output is
 * wider, only if the variant allows growth); any other (batch 1) row by row through a row
 * buffer, the output placed early enough that a finished row never covers an input row a later
 * output row reads (vww's first layer: 27 KB in, 18 KB out, in 27 KB).
 */
export const conv2dInPlace: InPlaceHook = (ctx) => {
  const { call } = ctx;
  if (call.fn === "conv2d16") return;
  const p = call.params;
  const input = tensorOf(call, "input");
  const output = tensorOf(call, "output");
  if (p.fuseAdd === FUSE_ADD) {
    // The skip input's last reader was the (now empty) ADD right after this op.
    const skip = tensorOf(call, "skip");
    if (ctx.arenaTensor(skip) && !ctx.sameMemory(skip, input) && ctx.dies(skip, ctx.position + 1) && ctx.bytes(skip) === ctx.bytes(output)) {
      ctx.share(output, skip, 0, `fused ADD writes over its skip input t${skip}`);
    }
    return;
  }
  if (!ctx.arenaTensor(input) || !ctx.dies(input)) return;
  const pointwise = p.filterH === 1 && p.filterW === 1 && p.strideH === 1 && p.strideW === 1 &&
    p.padH === 0 && p.padW === 0 && p.filterInC === p.inC && p.outH === p.inH && p.outW === p.inW;
  const grow = ctx.bytes(output) - ctx.bytes(input);
  if (pointwise && (ctx.variant.allowGrowth || grow <= 0)) {
    p.inPlace = grow > 0 ? INPLACE_PIXEL_BACKWARD : INPLACE_PIXEL_FORWARD;
    // The DSP kernel stages each pixel pair before writing it: no pixel buffer.
    const pixelBytes = call.fn === DSP_CONTRACT.fn ? 0 : p.inC;
    setArg(call, "pixel", { kind: "scratch", bytes: pixelBytes, elem: "i8" });
    ctx.share(output, input, 0, `1x1 in place over t${input} (pixel buffer ${pixelBytes} B${grow > 0 ? ", backward: the output is wider" : ""})`);
    return;
  }
  if (ctx.variant.rows && p.batches === 1) {
    // Output row oy is copied out once computed; rows from firstRow(oy + 1) on are still read.
    const inRow = p.inW * p.inC;
    const outRow = p.outW * p.outC;
    const firstRow = (r: number) => Math.max(0, r * p.strideH - p.padH);
    let delta = 0;
    for (let oy = 0; oy + 1 < p.outH; oy++) delta = Math.min(delta, inRow * firstRow(oy + 1) - outRow * (oy + 1));
    p.inPlace = INPLACE_ROWS;
    setArg(call, "pixel", { kind: "scratch", bytes: outRow, elem: "i8" });
    ctx.share(output, input, delta, `in place over t${input} row by row (row buffer ${outRow} B, output ${-delta} B before the input)`);
  }
};

/**
 * The fused ADD's record fields (Conv2dParams add*) from the ADD's record (kernels/add.ts
 * AddParams); the skip tensor is the ADD's input 1 or input 2, the convolution the other.
 */
function fusedAddFields(a: Record<string, number>, skipIsInput1: boolean): Partial<Conv2dParams> {
  const one = { offset: a.input1Offset, multiplier: a.input1Multiplier, shift: a.input1Shift };
  const two = { offset: a.input2Offset, multiplier: a.input2Multiplier, shift: a.input2Shift };
  const [skip, conv] = skipIsInput1 ? [one, two] : [two, one];
  return {
    fuseAdd: FUSE_ADD,
    addLeftShift: a.leftShift,
    addSkipOffset: skip.offset, addSkipMultiplier: skip.multiplier, addSkipShift: skip.shift,
    addConvOffset: conv.offset, addConvMultiplier: conv.multiplier, addConvShift: conv.shift,
    addOutputOffset: a.outputOffset, addOutputMultiplier: a.outputMultiplier, addOutputShift: a.outputShift,
    addActMin: a.actMin, addActMax: a.actMax,
  };
}

/**
 * Fusion: a residual ADD (same shapes, not SUB) right after this convolution, of its output (read
 * by nothing else) and an earlier non-constant tensor of the same size, is computed by the
 * convolution (`fuseAdd`): the convolution's output tensor never exists.
 */
export const fuseResidualAdd: FuseHook = ({ graph, op, call, next, nextCall, position, lastUse }) => {
  const a = nextCall.params;
  if (call.fn === "conv2d16") return undefined;
  if (next.opcode !== "ADD" || nextCall.kernel !== "add" || a.broadcast !== BROADCAST_NONE || a.subtract !== SUBTRACT_NONE) return undefined;
  if (call.params.fuseAdd !== FUSE_NONE) return undefined;
  const convOut = tensorOf(call, "output");
  const in1 = tensorOf(nextCall, "input1");
  const in2 = tensorOf(nextCall, "input2");
  const convIsFirst = in1 === convOut;
  if (!convIsFirst && in2 !== convOut) return undefined;
  const skip = convIsFirst ? in2 : in1;
  if (skip < 0 || skip === convOut || isConstant(graph.tensors[skip]) || lastUse(convOut) !== position) return undefined;
  const out = tensorOf(nextCall, "output");
  const bytes = (t: number) => tensorBytes(graph.tensors[t]);
  if (bytes(skip) !== bytes(convOut) || bytes(out) !== bytes(convOut)) return undefined;
  Object.assign(call.params, fusedAddFields(a, !convIsFirst));
  setArg(call, "skip", { kind: "tensor", tensor: skip });
  setArg(call, "output", { kind: "tensor", tensor: out });
  return `fused with op ${next.index} ${next.opcode} (t${convOut} is never stored)`;
};

export const OPCODES: Record<string, LowerOp> = { CONV_2D: lowerConv2d };

export const ACTIVATION_TYPES = { CONV_2D: INT16 };

export const IN_PLACE: Record<string, InPlaceHook> = { CONV_2D: conv2dInPlace };

export const FUSE: Record<string, FuseHook> = { CONV_2D: fuseResidualAdd };

export const NOTES: Record<string, string> = {
  CONV_2D: "int8 NHWC input and output, int8 weights per channel (axis 0) or per tensor, optional int32 bias; any kernel size, stride and dilation, SAME or VALID padding, grouped convolution, batch > 1, fused NONE/RELU/RELU6/RELU_N1_TO_1. 16x8: int16 input/output (zero point 0), int8 per-channel weights, int64, int32 or no bias, the plain reference loop (no in-place, fusion or DSP variant yet).",
};

/** What is left against TFLite Micro (docs/operators.md). */
export const LEFT: Record<string, string> = {
  CONV_2D: "16x8 runs the plain reference loop only (no in-place, fused residual ADD or SMLAD variant); float32.",
};
