/**
 * @fileoverview Lowers TRANSPOSE_CONV (int8 activations, int8 per-channel or per-tensor weights
 * [outC, kH, kW, inC] on axis 0, optional int32 bias) to one call of kernels/transpose_conv.ts,
 * doing TFLite Micro's TransposeConvPrepare / CalculateOpData at compile time
 * (micro/kernels/transpose_conv.cc, tflite-micro 90b983c2):
 * - inputs: 0 output_shape (int32; TFLM never reads it, Mote only checks it against the output
 *   tensor when it is constant), 1 filter, 2 input, 3 bias (absent: missing or -1);
 * - padding: ComputePaddingHeightWidth with the OUTPUT height/width as the "input" size,
 *   dilation 1; only the leading padding is used;
 * - PopulateConvolutionQuantizationParams: one multiplier/shift per output channel from
 *   double(in)*double(w[c])/double(out) (a single filter scale is broadcast), and the fused
 *   activation's clamp (TFLM applies it to int8 outputs);
 * - an int32 scratch buffer of the output's size for the accumulator (as TFLM's
 *   RequestScratchBufferInArena).
 * TFLM checks only matching batch/depth dimensions, not that the output height/width follow
 * from the input and stride; neither does Mote (out-of-range taps are dropped).
 */
import type { Graph, Op } from "../ir/graph.ts";
import type { TransposeConvParams } from "../../kernels/transpose_conv.ts";
import { activationRange } from "./activation.ts";
import {
  activationOption, filterScales, inputTensor, opError, optionalInput, outputTensor, paddingOption,
  positiveIntOption, product, requireConstant, requireDType, requireRank, tensorQuant,
} from "./operands.ts";
import { computePadding, type PaddingMode } from "./padding.ts";
import { perChannelMultipliers } from "./quant.ts";
import type { KernelArg, KernelCall, LowerOp } from "./types.ts";
import { INT16, bias16, int16Quant } from "./int16.ts";
import { kernelCall, type KernelContract } from "./contract.ts";

/** kernels/transpose_conv.ts's array parameters, in order. */
export const TRANSPOSE_CONV_SLOTS = ["input", "filter", "bias", "multipliers", "shifts", "output", "scratch"] as const;

/** TFLite's ComputeOutSize (C integer division, may be <= 0 for odd VALID cases). */
function outSizeOf(padding: PaddingMode, size: number, filter: number, stride: number): number {
  return padding === "SAME" ? Math.trunc((size + stride - 1) / stride) : Math.trunc((size + stride - filter) / stride);
}

export function lowerTransposeConv(graph: Graph, op: Op): KernelCall[] {
  const outputShape = inputTensor(graph, op, 0, "output_shape");
  const filter = inputTensor(graph, op, 1, "filter");
  const input = inputTensor(graph, op, 2, "input");
  const bias = optionalInput(graph, op, 3);
  const output = outputTensor(graph, op, 0, "output");
  // 16x8 (transposeConv16): int16 activations with zero point 0, an int64 (or int16) bias or none.
  const int16 = input.dtype === "int16";
  requireDType(graph, op, input, "input", "int8", "int16");
  requireDType(graph, op, filter, "filter", "int8");
  requireDType(graph, op, output, "output", input.dtype);
  requireRank(graph, op, input, "input", 4);
  requireRank(graph, op, filter, "filter", 4);
  requireRank(graph, op, output, "output", 4);
  requireConstant(graph, op, filter, "filter");

  const [batches, inH, inW, inC] = input.shape;
  const [outC, filterH, filterW, filterInC] = filter.shape;
  const [outB, outH, outW, outDepth] = output.shape;
  if (outB !== batches) opError(graph, op, `output batch ${outB} differs from input batch ${batches}`);
  if (filterInC !== inC) opError(graph, op, `filter depth ${filterInC} differs from input depth ${inC} (filter is [outC, kH, kW, inC])`);
  if (outDepth !== outC) opError(graph, op, `output depth ${outDepth} differs from the filter's ${outC} output channels`);
  if (bias !== undefined) {
    requireDType(graph, op, bias, "bias", ...(int16 ? (["int64", "int16"] as const) : (["int32"] as const)));
    if (product(bias.shape) !== outC) opError(graph, op, `bias has ${product(bias.shape)} elements; expected ${outC}`);
  }
  if (outputShape.data !== undefined) {
    requireDType(graph, op, outputShape, "output_shape", "int32");
    const view = new DataView(outputShape.data.buffer, outputShape.data.byteOffset, outputShape.data.byteLength);
    const dims = Array.from({ length: Math.floor(outputShape.data.byteLength / 4) }, (_, i) => view.getInt32(4 * i, true));
    if (dims.join(",") !== output.shape.join(",")) {
      opError(graph, op, `output_shape [${dims.join(", ")}] differs from the output tensor's shape [${output.shape.join(", ")}]`);
    }
  }

  const strideH = positiveIntOption(graph, op, "strideH", 1);
  const strideW = positiveIntOption(graph, op, "strideW", 1);
  const padding = paddingOption(graph, op);
  const activation = activationOption(graph, op);
  // CalculateOpData: padding of a stride-s, dilation-1 window over the output.
  const padH = computePadding(strideH, 1, outH, filterH, outSizeOf(padding, outH, filterH, strideH)).padding;
  const padW = computePadding(strideW, 1, outW, filterW, outSizeOf(padding, outW, filterW, strideW)).padding;

  const inQ = int16 ? int16Quant(graph, op, input, "input") : tensorQuant(graph, op, input, "input");
  const outQ = int16 ? int16Quant(graph, op, output, "output") : tensorQuant(graph, op, output, "output");
  const scales = filterScales(graph, op, filter, 0, outC);
  const { multipliers, shifts } = perChannelMultipliers(inQ.scale, scales, outQ.scale, outC);
  const act = activationRange(activation, outQ.scale, outQ.zeroPoint, input.dtype);

  const params: TransposeConvParams = {
    batches, inH, inW, inC, outH, outW, outC, filterH, filterW, strideH, strideW, padH, padW,
    inputOffset: -inQ.zeroPoint,
    outputOffset: outQ.zeroPoint,
    actMin: act.min, actMax: act.max,
    hasBias: bias !== undefined ? 1 : 0,
  };
  const macs = batches * inH * inW * inC * filterH * filterW * outC;
  let biasArg: KernelArg = { kind: "tensor", tensor: bias !== undefined ? bias.index : -1 };
  if (int16 && bias !== undefined) {
    requireConstant(graph, op, bias, "bias");
    biasArg = bias.dtype === "int64" ? bias16(graph, op, bias, outC).arg : {
      // TFLM widens an int16 bias to int64 at run time; here at compile time, as {lo, hi} pairs.
      kind: "const", name: `op${op.index}_bias64`, elem: "i32",
      data: Array.from(new Int16Array(bias.data!.slice(0, 2 * outC).buffer)).flatMap((v) => [v, v < 0 ? -1 : 0]),
    };
  }
  return [kernelCall("transpose_conv", int16 ? "transposeConv16" : "transposeConv", TRANSPOSE_CONV_SLOTS, params, {
    input: { kind: "tensor", tensor: input.index },
    filter: { kind: "tensor", tensor: filter.index },
    bias: biasArg,
    multipliers: { kind: "const", name: `op${op.index}_multipliers`, elem: "i32", data: multipliers },
    shifts: { kind: "const", name: `op${op.index}_shifts`, elem: "i32", data: shifts },
    output: { kind: "tensor", tensor: output.index },
    scratch: { kind: "scratch", bytes: (int16 ? 8 : 4) * product(output.shape), elem: "i32" },
  }, macs)];
}

export const CONTRACTS: KernelContract[] = [
  { kernel: "transpose_conv", fn: "transposeConv", slots: TRANSPOSE_CONV_SLOTS },
  { kernel: "transpose_conv", fn: "transposeConv16", slots: TRANSPOSE_CONV_SLOTS },
];

export const ACTIVATION_TYPES = { TRANSPOSE_CONV: INT16 };

export const OPCODES: Record<string, LowerOp> = { TRANSPOSE_CONV: lowerTransposeConv };

export const NOTES: Record<string, string> = {
  TRANSPOSE_CONV:
    "int8 input/output, constant int8 filter [outC, kH, kW, inC] per-channel (axis 0) or per-tensor, optional int32 bias, SAME/VALID padding, any stride, fused NONE/RELU/RELU6/RELU_N1_TO_1; accumulates in an int32 arena scratch of the output's size, as TFLM does. 16x8: int16 input/output (zero point 0), int64, int16 or no bias, an int64 scratch (transposeConv16).",
};

/** What is left against TFLite Micro (docs/operators.md). */
export const LEFT: Record<string, string> = {
  TRANSPOSE_CONV: "16x8 runs the plain scatter only; float32.",
};
